/* Marks functions shared between files of the bench room but not part of
 * its API: hidden from any shared object the room is linked into, and
 * visibly different from the bench_ API to a reader (Lua's LUAI_FUNC). */
#ifndef BENCH_INTERNAL_H
#define BENCH_INTERNAL_H

#if defined(__GNUC__)
#define BENCH_INTERNAL __attribute__((visibility("hidden")))
#else
#define BENCH_INTERNAL
#endif

#endif
