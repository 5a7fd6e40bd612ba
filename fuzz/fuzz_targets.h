/* The kext fuzzer's targets over a booted world (fuzz_harness.h), chosen at
 * init: "struct", programs over every published user client
 * (fuzz_uc_struct.c), or "raw:SELECTOR", the byte view of one method
 * (fuzz_uc_raw.c); and the seed inputs for either, derived from the
 * dispatch tables alone (fuzz_seeds.c), so a new driver needs none
 * written by hand. Encodings: fuzz/README.md. */
#ifndef FUZZ_TARGETS_H
#define FUZZ_TARGETS_H

#include <stdbool.h>

#include "fuzz_harness.h"

void fuzz_struct_init(struct fuzz_world *w);
void fuzz_struct_one(const uint8_t *data, size_t size);
/* The program alone: its tasks gone, the loop run, the input not ended. */
void fuzz_struct_run(const uint8_t *data, size_t size);

/* The device side (fuzz_dev.c): "device", a hostile device program then
 * the driver's start, one call of each selector and its stop; "both", the
 * same program under a "struct" program (one input drives both sides). */
void fuzz_dev_init(struct fuzz_world *w, bool both);
void fuzz_dev_one(const uint8_t *data, size_t size);
/* fuzz_seeds_struct's seeds, each starting with the n bytes b, their
 * names with name before them (the "both" target's seeds). */
bool fuzz_seeds_struct_under(const struct fuzz_world *w, const uint8_t *b, size_t n,
			     const char *name, const char *dir, char *why, size_t len);
bool fuzz_seeds_dev(const struct fuzz_world *w, bool both, const char *dir, char *why,
		    size_t len);

/* The first published user client with a selector named name: false when
 * there is none. */
bool fuzz_raw_find(const struct fuzz_world *w, const char *name, size_t *svc, uint32_t *sel);
void fuzz_raw_init(struct fuzz_world *w, size_t svc, uint32_t sel);
void fuzz_raw_one(const uint8_t *data, size_t size);

/* Write one seed per selector of every published user client (struct), or
 * a few for one method (raw), as files in dir (created if missing). False,
 * with why, when a file cannot be written. */
bool fuzz_seeds_struct(const struct fuzz_world *w, const char *dir, char *why, size_t len);
bool fuzz_seeds_raw(const struct fuzz_world *w, size_t svc, uint32_t sel, const char *dir,
		    char *why, size_t len);

#endif
