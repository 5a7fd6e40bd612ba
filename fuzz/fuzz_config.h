/* What the kext fuzzer runs on, read at init from its own flags (libFuzzer
 * style, -name=value, removed from argv before libFuzzer parses the rest)
 * or from the environment (DRVBENCH_FUZZ_*). Flags win, and are copied to
 * the environment so that the processes libFuzzer starts itself (-fork,
 * -jobs) see them too. A value starting with "$ORIGIN/" is relative to the
 * directory of the fuzzer binary (for OSS-Fuzz .options files). */
#ifndef FUZZ_CONFIG_H
#define FUZZ_CONFIG_H

#include <stdbool.h>

struct fuzz_config {
	const char *kext;        /* -kext=PATH, DRVBENCH_FUZZ_KEXT: the bundle (required) */
	const char *tests;       /* -tests=PATH, DRVBENCH_FUZZ_TESTS: its test module */
	const char *device;      /* -device=NAME|FILE, DRVBENCH_FUZZ_DEVICE: default the kext's */
	const char *target;      /* -target=struct|raw:SELECTOR|device|both, DRVBENCH_FUZZ_TARGET */
	const char *client_abi;  /* -client_abi=lp64|ilp32, DRVBENCH_FUZZ_CLIENT_ABI */
	const char *write_seeds; /* -write_seeds=DIR: write the target's seeds there, exit */
	const char *oracles;     /* -oracles=LIST, DRVBENCH_FUZZ_ORACLES: default all */
	const char *print_selectors; /* -print_selectors=1: each selector's counts at exit */
	const char *print_execs; /* -print_execs=S, DRVBENCH_FUZZ_PRINT_EXECS: a status line every S s */
	bool list;               /* -list_selectors=1: print the published selectors, exit */
	bool hostile;            /* not a flag: the target fuzzes the device side */
};

#define FUZZ_CONFIG_HELP                                                                   \
	"  -kext=PATH              the kext bundle (or DRVBENCH_FUZZ_KEXT); required\n"       \
	"  -tests=PATH             its test module, for its user-client oracles\n"              \
	"                          (or DRVBENCH_FUZZ_TESTS)\n"                                \
	"  -device=NAME|FILE       device profile (or DRVBENCH_FUZZ_DEVICE; default: the\n"  \
	"                          built-in profile the kext's personalities match)\n"        \
	"  -target=struct|raw:SEL|device|both  structure-aware over every user client\n"    \
	"                          (default), the byte view of the selector named SEL,\n"    \
	"                          a hostile device under the driver's start, calls and\n"   \
	"                          stop, or a hostile device under a struct program\n"       \
	"                          (or DRVBENCH_FUZZ_TARGET)\n"                               \
	"  -oracles=LIST           all (default), none, or names: model device handles\n"    \
	"                          scan wedge probe baseline ('-name' drops one from all)\n" \
	"                          (or DRVBENCH_FUZZ_ORACLES)\n"                              \
	"  -client_abi=lp64|ilp32  the fuzzed client tasks are 64-bit (default) or 32-bit\n"  \
	"                          processes (or DRVBENCH_FUZZ_CLIENT_ABI)\n"                 \
	"  -list_selectors=1       print the selectors the kext publishes, then exit\n"       \
	"  -print_selectors=1      at exit, how often each selector was reached, refused,\n" \
	"                          run and failed (\"fuzz_kext: selector\" lines, tab-separated)\n" \
	"  -print_execs=S          every S seconds, a libFuzzer-style \"#N pulse exec/s: R\"\n" \
	"                          line of the inputs run so far (libFuzzer's own pulses\n" \
	"                          come at powers of two only; drvbench fuzz reads these)\n" \
	"  -write_seeds=DIR        write seed inputs for the target into DIR, then exit\n"

/* Fills cfg; removes the flags above from argv (argc/argv may be NULL). */
void fuzz_config_read(int *argc, char ***argv, struct fuzz_config *cfg);

#endif
