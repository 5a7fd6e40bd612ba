/* Whether a shared object carries libFuzzer's coverage instrumentation,
 * so the fuzzer can say when it is blind to a kext's branches. */
#ifndef FUZZ_SANCOV_H
#define FUZZ_SANCOV_H

/* 1: the ELF file at path has a __sancov_cntrs or __sancov_guards section
 * (-fsanitize=fuzzer-no-link or -fsanitize-coverage=...); 0: it has none;
 * -1: it cannot be read as a 64-bit ELF file. */
int fuzz_sancov_instrumented(const char *path);

#endif
