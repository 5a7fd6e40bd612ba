/* What the host benchmarks (bench_qemu, bench_remote) share: the device
 * they measure, from a device profile (--device NAME|FILE, default the
 * first built-in one), and a machine of it without a kext, whose BAR0 the
 * shim's firmware placed, read through the raw host (no shim, no tap in
 * between, so a figure is the host's own cost per access). */
#ifndef DRVBENCH_HOST_BENCH_H
#define DRVBENCH_HOST_BENCH_H

#include "bench/machine.h"

#define DRVBENCH_HOSTBENCH_DEVICE_HELP \
	"--device NAME|FILE: device profile, built-in name or plist (default: the first built-in)"

/* Takes "--device NAME|FILE" out of argv (*argc shrinks). NULL, with the
 * reason printed and prefixed by cmd, when the profile is refused. */
const struct bench_profile *drvbench_hostbench_profile(const char *cmd, int *argc, char **argv);

struct drvbench_hostbench {
	struct bench_machine fx;
	uint64_t bar0;   /* guest-physical address of BAR0, a memory BAR */
};

/* Boots factory's machine with the profile's device (no kext, no tap) and
 * turns memory decoding on. SHIM_OK, or an error with why. */
shim_ret drvbench_hostbench_boot(struct drvbench_hostbench *b, const struct bench_host_factory *f,
				 const struct bench_profile *p, char *why, size_t len);
void drvbench_hostbench_shutdown(struct drvbench_hostbench *b);
/* One 4-byte read of BAR0 + off through the raw host. */
shim_ret drvbench_hostbench_read(struct drvbench_hostbench *b, uint64_t off, uint64_t *val);
/* The host's last error, for a failed read. */
const char *drvbench_hostbench_error(struct drvbench_hostbench *b);

#endif
