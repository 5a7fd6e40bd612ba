/* Shared by the profile files (profiles*.c). */
#ifndef BENCH_PROFILES_PRIV_H
#define BENCH_PROFILES_PRIV_H

#include "bench/profile.h"
#include "internal.h"

/* Reads a profile file; NULL with why. The result lives for the process. */
BENCH_INTERNAL const struct bench_profile *bench_profile_file_load(const char *path, char *why,
								    size_t len);

#endif
