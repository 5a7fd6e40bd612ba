/* Crash to regression test, for drvbench fuzz: a crash file is minimised
 * (libFuzzer's -minimize_crash, a fixed number of runs), run once more to
 * read what broke (the first line of the oracle's, the verifier's or a
 * sanitizer's report), and kept as <dir>/<what-broke>-<hash> with that
 * line in <name>.reason beside it. The replay suite runs each kept file as
 * a test named after it (fuzz/fuzz_kext_suite.sh, mode regressions). */
#ifndef DRVBENCH_FUZZ_REGRESS_H
#define DRVBENCH_FUZZ_REGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct drvbench_regress {
	const char *fuzzer;    /* the libFuzzer binary */
	char *const *fopt;     /* its options for this kext: -kext= -tests= ... */
	size_t nfopt;
	const char *dir;       /* where to keep it: <root>/<bundle>-<target> */
	unsigned long runs;    /* minimisation runs */
};

/* True with the kept file's path and the reason; false with why (the crash
 * does not reproduce, a file cannot be written). */
bool drvbench_regress_keep(const struct drvbench_regress *r, const char *crash, char *path,
			   size_t pathlen, char *reason, size_t reasonlen, char *why, size_t whylen);
/* The file name a reason gives (lower case words joined by '-', no paths),
 * with an 8-digit hash of the input's bytes; exposed for its test. */
void drvbench_regress_name(const char *reason, const unsigned char *data, size_t n, char *out,
			   size_t len);

#endif
