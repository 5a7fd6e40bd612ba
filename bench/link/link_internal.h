/* Shared by the files of bench/link, not part of its API. */
#ifndef BENCH_LINK_INTERNAL_H
#define BENCH_LINK_INTERNAL_H

#include <stdbool.h>

#include "../src/internal.h"

/* A defined global that never collides: the entry symbol every kext has,
 * or data an instrumentation runtime puts in each instrumented object. */
BENCH_INTERNAL bool bench_link_exempt_from_collision(const char *name);

struct bench_elf_image;
/* coverage_runtime.c: does the binary carry gcc's coverage runtime, and is
 * name one of the C library calls that runtime makes? */
BENCH_INTERNAL bool bench_link_carries_coverage_runtime(const struct bench_elf_image *img);
BENCH_INTERNAL bool bench_link_coverage_runtime_import(const char *name);

#endif
