/* Shared by the files of bench/link, not part of its API. */
#ifndef BENCH_LINK_INTERNAL_H
#define BENCH_LINK_INTERNAL_H

#include <stdbool.h>

#include "../src/internal.h"

/* A defined global that never collides: the entry symbol every kext has,
 * or data an instrumentation runtime puts in each instrumented object. */
BENCH_INTERNAL bool bench_link_exempt_from_collision(const char *name);

#endif
