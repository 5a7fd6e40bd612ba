/* What the two QEMU host factories share: finding the binary, the -device
 * line from a profile and a variant, backing files, and monitor commands. */
#ifndef BENCH_HOST_QEMU_COMMON_H
#define BENCH_HOST_QEMU_COMMON_H

#include "bench/host.h"
#include "internal.h"
#include "shim/host_qemu.h"

#define BENCH_QEMU_ARG_LEN 512
#define BENCH_BACKING_PATH 512

struct bench_backing_dir {
	struct shim_qemu_tmpdir dir;      /* locked, swept once no one holds it */
	size_t nfiles;
	char files[BENCH_PROFILE_MAX_BACKING][BENCH_BACKING_PATH];
	char drive_args[BENCH_PROFILE_MAX_BACKING][BENCH_BACKING_PATH + 64];
};

/* False (why) when no QEMU binary can be run ($DRVBENCH_QEMU, else PATH). */
BENCH_INTERNAL bool bench_qemu_binary_available(char *why, size_t len);
/* "<qemu_device>,id=ID,addr=SLOT[,key=value...]": SHIM_ERR_UNSUPPORTED
 * (CANNOT RUN) when a variant option is not one QEMU's device takes. */
BENCH_INTERNAL shim_ret bench_qemu_device_arg(const struct bench_options *opt, const char *id,
					      unsigned slot, char *buf, size_t len, char *why,
					      size_t whylen);
/* Makes the profile's backing files in a fresh temp directory and fills
 * extra (NULL-terminated "-drive", "...", ... pairs pointing into b). */
BENCH_INTERNAL shim_ret bench_backing_create(const struct bench_profile *p,
					     struct bench_backing_dir *b, const char **extra,
					     char *why, size_t len);
BENCH_INTERNAL void bench_backing_remove(struct bench_backing_dir *b);
/* The factories' sweep and abandon (bench/host.h): QEMU's temp dirs and
 * backing dirs (shim/host_qemu.h). */
BENCH_INTERNAL void bench_qemu_sweep(void);
BENCH_INTERNAL void bench_qemu_abandon(void);
/* A human-monitor command ("device_add", "ARGS") through QMP; QEMU's own
 * error text, if it printed one, is quoted in why. */
BENCH_INTERNAL shim_ret bench_qemu_hmp(const struct shim_host *h, const char *cmd,
				       const char *args, char *why, size_t len);

#endif
