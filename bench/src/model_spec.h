/* Model specs for the hosts that run our models (sim, qemu-proxy): the
 * profile's model plus the run's device variant, "MODEL[,OPTIONS]". */
#ifndef BENCH_MODEL_SPEC_H
#define BENCH_MODEL_SPEC_H

#include <stddef.h>

#include "bench/host.h"
#include "internal.h"
#include "model/device.h"

#define BENCH_MODEL_SPEC_LEN 1200

/* False (why) when the profile has no model or the spec does not fit. */
BENCH_INTERNAL bool bench_model_spec(const struct bench_options *opt, char *spec, size_t len,
				     char *why, size_t whylen);
/* Builds the model a spec names; NULL with why (unknown model, bad options). */
BENCH_INTERNAL model_device *bench_model_create(const char *spec, char *why, size_t len);

#endif
