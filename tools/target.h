/* What every drvbench command runs on: a kext bundle (--kext), its optional
 * test module (--tests) and a device profile (--device, the NAME in a
 * "host:NAME" shorthand, or the built-in profile the kext's personalities
 * match). Opened once per command, with every refusal printed. */
#ifndef DRVBENCH_TARGET_H
#define DRVBENCH_TARGET_H

#include "bench/host.h"
#include "bench/kext.h"
#include "bench/scenario.h"

struct drvbench_target_args {
	const char *kext;
	const char *tests;
	const char *device;       /* --device */
	const char *host_device;  /* from --host HOST:DEVICE */
};

struct drvbench_target {
	struct bench_kext *kext;
	const struct bench_test_module *module;
	const struct bench_profile *profile;
};

#define DRVBENCH_TARGET_HELP                                                                   \
	"  -K, --kext PATH        the kext bundle to test (NAME.kext with Contents/Info.plist\n"  \
	"                         and Contents/MacOS/<CFBundleExecutable>); required\n"           \
	"  -T, --tests PATH       the driver's test module: its own scenarios and alive check\n"  \
	"  -D, --device NAME|FILE device profile: a built-in name or a profile plist file\n"      \
	"                         (default: the built-in whose identity the kext matches)\n"

/* -1 on success, else the exit status (messages printed, prefixed by cmd):
 * 2 when the command line is incomplete, 1 when the kext, the module or
 * the profile is refused (the reason on stdout, as part of the report). */
int drvbench_target_open(const char *cmd, const struct drvbench_target_args *a,
			 struct drvbench_target *t);
void drvbench_target_close(struct drvbench_target *t);
/* The base options a run starts from. */
void drvbench_target_options(const struct drvbench_target *t, struct bench_options *opt);
/* Prints the built-in device profiles, one per line. */
void drvbench_print_devices(FILE *out);

#endif
