/* What every fuzz target and driver shares: libFuzzer's entry points and
 * the way a target reports a finding (a message, then abort(): the
 * fuzzer's crash). */
#ifndef FUZZ_DIE_H
#define FUZZ_DIE_H

#include <stddef.h>
#include <stdint.h>

/* Prints "fuzz: <target>: <msg>" and aborts. */
void fuzz_die(const char *target, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
