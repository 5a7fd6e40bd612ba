/* Follows a qemu host's log (QEMU's output or the proxied remote's) and
 * counts every new line holding a fault sign, so a count only grows: two
 * identical faults count as two, however far back the first one is. */
#ifndef BENCH_LOG_FOLLOW_H
#define BENCH_LOG_FOLLOW_H

#include <stdint.h>

#include "internal.h"
#include "shim/host_qemu.h"

struct bench_log_follow {
	uint64_t offset;        /* bytes of the log consumed so far (whole lines) */
	unsigned long matches;  /* lines holding a sign, since the host started */
	char last[512];         /* the last such line; "" before the first */
};

/* Reads the log from f->offset on and adds each complete new line holding
 * any of signs (NULL-terminated) to f->matches. A trailing partial line is
 * left for the next call. Returns f->matches. */
BENCH_INTERNAL unsigned long bench_log_follow_scan(struct bench_log_follow *f, const struct shim_host *h,
				 enum shim_qemu_log_kind which, const char *const *signs);

#endif
