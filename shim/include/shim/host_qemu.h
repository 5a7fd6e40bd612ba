/* The qemu host: shim/host.h implemented over a real qemu-system-x86_64
 * driven through its qtest socket, with a QMP socket beside it.
 * QEMU runs a halting firmware (no SeaBIOS touching PCI) and icount with
 * sleep=off, so virtual time jumps to the next device deadline.
 * Guest RAM is a memfd this process makes, hands to QEMU (memory-backend-file
 * on /proc/self/fd/N: QEMU maps the same file) and maps too, so the shim
 * reads and writes DMA memory without a qtest exchange (ram_map), and the
 * MSI mailbox is read from memory.
 * Layout: DMA window from 1 MiB to the end of RAM below 4 GiB minus one
 * mailbox page (MSI vector v = a 4-byte store to mailbox + 4*v), all of
 * the RAM above 4 GiB if any, 32-bit BAR window
 * 0xfe000000..0xfebfffff, 64-bit BAR window 0x1000000000..0x1fffffffff
 * (64 GiB above all RAM; 64-bit BARs go there), I/O window 0xc000..0xffff,
 * bus 0 only. */
#ifndef SHIM_HOST_QEMU_H
#define SHIM_HOST_QEMU_H

#include "shim/host.h"

struct shim_qemu_options {
	const char *qemu_binary;   /* NULL: $DRVBENCH_QEMU, else "qemu-system-x86_64" on PATH */
	const char *machine;       /* NULL or "q35" (default), or "pc" */
	uint64_t ram_mb;           /* 0: 128; accepted 16..2048 */
	/* Guest RAM above 4 GiB, at 4 GiB (0: none; accepted 0..4096): the
	 * machine gets ram_mb + ram_high_mb with max-ram-below-4g=ram_mb, so
	 * DMA addresses wider than 32 bits exist. */
	uint64_t ram_high_mb;
	const char *const *device_args;  /* NULL-terminated -device values, e.g. "edu,id=edu0,addr=4" */
	const char *const *extra_args;   /* NULL-terminated extra argv words (e.g. "-global", "...") */
	const int *keep_fds;       /* fds QEMU inherits at exec (e.g. x-pci-proxy-dev fd=N) */
	size_t keep_fd_count;
	unsigned timeout_ms;       /* per qtest/QMP exchange; 0: 5000 */
	/* Proxy mode: non-NULL serves this model/ device ("edu") from a child
	 * process through -device x-pci-proxy-dev (model/remote; MSI or MSI-X only, no
	 * INTx). The child is reaped with QEMU; its death fails every later op. */
	const char *proxy_model;
	unsigned proxy_slot;       /* bus-0 slot of the proxied device; 0: 4 */
};

/* Spawns QEMU and connects. On failure returns an error (SHIM_ERR_HOST when
 * QEMU could not be run or died, SHIM_ERR_BAD_ARGUMENT for bad options) and
 * writes a readable reason, with QEMU's exit status and stderr tail, to err. */
shim_ret shim_qemu_host_create(const struct shim_qemu_options *opt, struct shim_host *out,
			       char *err, size_t errlen);

/* The helpers below take a host made by shim_qemu_host_create (the struct
 * may be a copy; it stays valid until the host is destroyed, also when a
 * machine owns it) and refuse others with SHIM_ERR_BAD_ARGUMENT. */
bool shim_host_is_qemu(const struct shim_host *h);

/* One QMP command: json is a single JSON object (one line, no trailing
 * data). The reply line is copied to reply. SHIM_OK for {"return": ...},
 * SHIM_ERR_GENERIC for {"error": ...}, SHIM_ERR_HOST when QEMU is gone. */
shim_ret shim_qemu_host_qmp(const struct shim_host *h, const char *json, char *reply, size_t len);
/* Waits up to timeout_ms for a QMP event named `name` (events seen during
 * earlier commands are queued) and copies its line to buf (may be NULL). */
shim_ret shim_qemu_host_qmp_event(const struct shim_host *h, const char *name,
				  unsigned timeout_ms, char *buf, size_t len);
/* QEMU's process id (e.g. for a test to kill it), or -1. */
long shim_qemu_host_pid(const struct shim_host *h);
/* The proxied device's remote process id, or -1 (none, or already reaped). */
long shim_qemu_host_remote_pid(const struct shim_host *h);
/* The end of the remote's log (its rejects and device errors), lines
 * joined by ';'; returns the length copied (0 without a remote). */
size_t shim_qemu_host_remote_log(const struct shim_host *h, char *buf, size_t len);
/* Proxy mode on machine pc: hot-unplug of the proxied device (QMP
 * device_del completed through the ACPI eject register; the remote exits
 * on QEMU's hang-up and is reaped) and re-plug of a fresh one (a new
 * remote, its socket passed with QMP getfd, then device_add in the same
 * slot). SHIM_ERR_UNSUPPORTED on q35, SHIM_ERR_NOT_READY when already
 * unplugged / plugged; why says what failed. */
shim_ret shim_qemu_host_proxy_unplug(const struct shim_host *h, char *why, size_t len);
shim_ret shim_qemu_host_proxy_replug(const struct shim_host *h, char *why, size_t len);
/* The last lines QEMU wrote to stdout/stderr; returns the length copied. */
size_t shim_qemu_host_stderr_tail(const struct shim_host *h, char *buf, size_t len);
/* Which output shim_qemu_host_log_read reads. */
enum shim_qemu_log_kind { SHIM_QEMU_LOG_QEMU, SHIM_QEMU_LOG_REMOTE };
/* QEMU's whole output (stdout and stderr), or the proxied remote's log,
 * from byte offset `from` on: copies up to len-1 bytes (NUL bytes become
 * '?'), NUL-terminates and returns how many (0 at the end, without that
 * log, or for another host). Both logs only grow while the host lives (the
 * remote's spans replugs), so a reader follows one by adding each return
 * to its offset, e.g. to count every fault line exactly once. */
size_t shim_qemu_host_log_read(const struct shim_host *h, enum shim_qemu_log_kind which,
			       uint64_t from, char *buf, size_t len);
/* Guest-physical address of the MSI mailbox page (excluded from the DMA window). */
uint64_t shim_qemu_host_mailbox(const struct shim_host *h);
/* qtest exchanges (socket round trips) made so far, for measurements. */
unsigned long long shim_qemu_host_round_trips(const struct shim_host *h);
/* For measurements of what the mapping saves: with on false, the host
 * refuses ram_map (the shim then copies through qtest) and reads its MSI
 * mailbox through qtest, as before guest RAM was shared. Call before the
 * machine is created. SHIM_ERR_UNSUPPORTED when the host could not map
 * guest RAM at all. */
shim_ret shim_qemu_host_use_ram_map(const struct shim_host *h, bool on);

/* ---- interruption ----
 * Process-wide, as signals are: once *fd is readable (say the read end of
 * a pipe a SIGINT handler writes to), every wait of every qemu host gives
 * up at once: QEMU's start-up, qtest and QMP exchanges, event waits. The
 * host is then dead, its last error "interrupted". fd is read at each wait
 * (so the caller may change it, e.g. to -1 in a child); NULL: never. */
void shim_qemu_interrupt_on(const int *fd);

/* ---- temp dirs ----
 * QEMU's files (firmware image, sockets, its output) and a device's
 * backing files live in private dirs $TMPDIR/drvbench-KIND-XXXXXX (else
 * under /tmp). Each holds an flock on itself while its process (or a fork
 * of it) lives; a dir whose lock is free belongs to no one and is removed
 * by the sweep that runs before every new dir is made, whatever pid made
 * it: pids are reused, and a concurrent run's dir is locked. */
#define SHIM_QEMU_TMPDIR_PATH 256
struct shim_qemu_tmpdir {
	char path[SHIM_QEMU_TMPDIR_PATH]; /* "" when none */
	int lock_fd;
	int slot;                          /* for shim_qemu_tmpdir_abandon */
};
/* A new locked dir for KIND ("qemu", "backing") whose path is at most
 * max_len characters: SHIM_ERR_BAD_ARGUMENT naming TMPDIR when it is too
 * long for that, SHIM_ERR_HOST naming the dir that could not be made. */
shim_ret shim_qemu_tmpdir_make(const char *kind, size_t max_len, struct shim_qemu_tmpdir *t,
			       char *err, size_t errlen);
/* Removes the dir, its files and its lock. */
void shim_qemu_tmpdir_remove(struct shim_qemu_tmpdir *t);
/* Removes every dir of ours whose lock is free; returns how many. */
unsigned shim_qemu_tmpdir_sweep(void);
/* Async-signal-safe: removes this process's live dirs, for a process about
 * to die of a signal. */
void shim_qemu_tmpdir_abandon(void);

#endif
