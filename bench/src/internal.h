/* Shared by bench/src files only. BENCH_INTERNAL marks a name that crosses
 * files inside the bench library but is not part of its API (bench/include/bench/):
 * hidden from the shared library's exports, and visibly not public. */
#ifndef BENCH_SRC_INTERNAL_H
#define BENCH_SRC_INTERNAL_H

#if defined(__GNUC__)
#define BENCH_INTERNAL __attribute__((visibility("hidden")))
#else
#define BENCH_INTERNAL
#endif

#endif
