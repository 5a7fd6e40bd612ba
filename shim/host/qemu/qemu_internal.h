/* Pieces of the qemu host shared between its files (not a public header). */
#ifndef SHIM_QEMU_INTERNAL_H
#define SHIM_QEMU_INTERNAL_H

#include <sys/types.h>

#include "shim/host_qemu.h"

/* Marks each call below as this host's own (Lua's LUAI_FUNC habit): a reader
 * tells it from shim/host_qemu.h at a glance, and hidden visibility keeps it
 * out of the exports once the host is part of a shared library. */
#define SHIM_QEMU_INTERNAL __attribute__((visibility("hidden")))

/* ---- time (qemu_chan.c) ---- */
SHIM_QEMU_INTERNAL uint64_t shim_qemu_now_ns(void);

/* ---- interruption (qemu_intr.c, shim_qemu_interrupt_on) ---- */
/* The fd every wait also polls, -1 for none. */
SHIM_QEMU_INTERNAL int shim_qemu_interrupt_fd(void);
/* True once that fd is readable: the run was interrupted. */
SHIM_QEMU_INTERNAL bool shim_qemu_interrupted(void);
/* A start-up reached `phase` ("tmpdir", "listen", "spawn", "connect",
 * "handshake", "ready", "remote"): the test hook DRVBENCH_TEST_SIGNAL. */
SHIM_QEMU_INTERNAL void shim_qemu_phase(const char *phase);
/* The root of the temp dirs: $TMPDIR, else /tmp. */
SHIM_QEMU_INTERNAL const char *shim_qemu_tmp_root(void);

/* ---- a line channel over a connected socket (qemu_chan.c) ---- */
struct shim_qemu_chan {
	int fd;
	char *buf;
	size_t cap, start, end;  /* unread bytes are buf[start..end) */
	bool failed;             /* EOF, I/O error or oversize line: never usable again */
	char detail[128];        /* why it failed */
};
SHIM_QEMU_INTERNAL void shim_qemu_chan_init(struct shim_qemu_chan *c, int fd);
SHIM_QEMU_INTERNAL void shim_qemu_chan_fini(struct shim_qemu_chan *c);
/* Sends len bytes; SHIM_ERR_TIMEOUT or SHIM_ERR_HOST (failed set) on error. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_chan_send(struct shim_qemu_chan *c, const char *data,
						size_t len, uint64_t deadline_ns);
/* Next line, '\n' stripped and NUL-terminated, valid until the next call.
 * SHIM_ERR_TIMEOUT when none is complete by deadline_ns (not a failure:
 * deadline_ns = 0 just polls), SHIM_ERR_HOST on EOF or error. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_chan_line(struct shim_qemu_chan *c, uint64_t deadline_ns,
						char **line);

/* ---- base64 (qemu_b64.c) ---- */
SHIM_QEMU_INTERNAL size_t shim_qemu_b64_encoded_len(size_t n);
/* Writes the encoding of src plus a NUL; dst holds encoded_len(n) + 1. */
SHIM_QEMU_INTERNAL void shim_qemu_b64_encode(const void *src, size_t n, char *dst);
/* Decodes exactly n bytes from text (padding optional); false if malformed. */
SHIM_QEMU_INTERNAL bool shim_qemu_b64_decode(const char *text, void *dst, size_t n);

/* ---- minimal JSON scanning (qemu_json.c) ---- */
/* True when text is exactly one JSON object (braces, brackets and strings
 * balanced, nothing after it) without control characters. */
SHIM_QEMU_INTERNAL bool shim_qemu_json_is_one_object(const char *text);
/* True when the top-level object has member `key`. */
SHIM_QEMU_INTERNAL bool shim_qemu_json_has_key(const char *text, const char *key);
/* Copies the top-level string member `key` (escapes kept raw); false if absent. */
SHIM_QEMU_INTERNAL bool shim_qemu_json_string(const char *text, const char *key, char *out,
					      size_t len);

/* ---- the QEMU process (qemu_proc.c, qemu_args.c, qemu_log.c) ---- */
#define SHIM_QEMU_LOG_NAME "qemu.log"  /* QEMU's stdout and stderr, in the temp dir */
struct shim_qemu_proc {
	pid_t pid;           /* -1 before spawn */
	bool reaped;
	int wstatus;
	int qt_fd, qmp_fd;   /* connected sockets, -1 when closed */
	int log_fd;          /* QEMU's output, open for reading even once unlinked */
	struct shim_qemu_tmpdir tmp; /* private temp dir: halt.bin, sockets, output log */
};
/* NULL-terminated argv (malloc'd strings) or NULL on bad options / no memory. */
/* ram_fd: the memfd behind guest RAM (QEMU opens it as /proc/self/fd/N). */
SHIM_QEMU_INTERNAL char **shim_qemu_args_build(const struct shim_qemu_options *o, const char *dir,
					       int ram_fd, char *err, size_t errlen);
SHIM_QEMU_INTERNAL void shim_qemu_args_free(char **argv);
/* On failure everything is already cleaned up and err says why. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_proc_start(struct shim_qemu_proc *p,
						 const struct shim_qemu_options *o, int ram_fd,
						 unsigned timeout_ms, char *err, size_t errlen);
/* Reaps QEMU if it has exited, waiting up to grace_ms; true once reaped. */
SHIM_QEMU_INTERNAL bool shim_qemu_proc_reap(struct shim_qemu_proc *p, unsigned grace_ms);
/* "QEMU (pid N) exited with status S" / "killed by signal 9 (SIGKILL)" / "running". */
SHIM_QEMU_INTERNAL void shim_qemu_proc_describe(const struct shim_qemu_proc *p, char *buf,
						size_t len);
/* One line for reports: the last error-looking line (if older than the
 * tail), then QEMU's last lines, joined by " | ". Returns the length. */
SHIM_QEMU_INTERNAL size_t shim_qemu_proc_stderr_tail(const struct shim_qemu_proc *p, char *buf,
						     size_t len);
/* SIGKILL to QEMU's process group and reap (the temp dir stays). */
SHIM_QEMU_INTERNAL void shim_qemu_proc_kill(struct shim_qemu_proc *p);
/* Removes the temp dir once QEMU no longer needs it (the log stays
 * readable), so a crashed test process leaves nothing on disk. */
SHIM_QEMU_INTERNAL void shim_qemu_proc_forget_files(struct shim_qemu_proc *p);
/* Closes the sockets, kills and reaps QEMU, removes the temp dir. */
SHIM_QEMU_INTERNAL void shim_qemu_proc_stop(struct shim_qemu_proc *p);

/* ---- the qtest client (qtest.c) ---- */
#define SHIM_QEMU_INTX_QUEUE 64
struct shim_qemu_intx_event {
	uint32_t line;
	bool level;
};
struct shim_qemu_qtest {
	struct shim_qemu_chan ch;
	unsigned timeout_ms;
	struct shim_qemu_intx_event intx[SHIM_QEMU_INTX_QUEUE];
	unsigned intx_head, intx_count;
	unsigned long intx_dropped;
	unsigned long long round_trips; /* exchanges sent */
	char detail[256];    /* last failure: command and reason */
};
SHIM_QEMU_INTERNAL void shim_qemu_qtest_init(struct shim_qemu_qtest *q, int fd,
					     unsigned timeout_ms);
SHIM_QEMU_INTERNAL void shim_qemu_qtest_fini(struct shim_qemu_qtest *q);
/* Each returns SHIM_OK, SHIM_ERR_BAD_ARGUMENT (refused before sending),
 * SHIM_ERR_GENERIC (QEMU answered FAIL/ERR) or SHIM_ERR_HOST (channel
 * dead or no reply in time: the exchange can never be resumed). */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_read(struct shim_qemu_qtest *q, uint64_t addr,
						 unsigned size, uint64_t *val);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_write(struct shim_qemu_qtest *q, uint64_t addr,
						  unsigned size, uint64_t val);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_in(struct shim_qemu_qtest *q, uint16_t port,
					       unsigned size, uint32_t *val);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_out(struct shim_qemu_qtest *q, uint16_t port,
						unsigned size, uint32_t val);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_b64read(struct shim_qemu_qtest *q, uint64_t addr,
						    void *buf, size_t len);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_b64write(struct shim_qemu_qtest *q, uint64_t addr,
						     const void *buf, size_t len);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_memset(struct shim_qemu_qtest *q, uint64_t addr,
						   size_t len, uint8_t byte);
/* qom_path: letters, digits and "/_-.[]" only. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_irq_intercept_in(struct shim_qemu_qtest *q,
							     const char *qom_path);
/* Collects asynchronous IRQ lines that arrive until deadline_ns (0: only those already there). */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qtest_pump(struct shim_qemu_qtest *q, uint64_t deadline_ns);
SHIM_QEMU_INTERNAL bool shim_qemu_qtest_intx_pop(struct shim_qemu_qtest *q,
						 struct shim_qemu_intx_event *ev);

/* ---- the QMP client (qmp.c) ---- */
#define SHIM_QEMU_QMP_EVENTS 32
struct shim_qemu_qmp {
	struct shim_qemu_chan ch;
	unsigned timeout_ms;
	char *events[SHIM_QEMU_QMP_EVENTS];  /* queued event lines, oldest first */
	unsigned ev_count;
	unsigned long ev_dropped;
	char detail[256];
};
SHIM_QEMU_INTERNAL void shim_qemu_qmp_init(struct shim_qemu_qmp *m, int fd, unsigned timeout_ms);
SHIM_QEMU_INTERNAL void shim_qemu_qmp_fini(struct shim_qemu_qmp *m);
/* Reads the greeting and negotiates capabilities. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qmp_handshake(struct shim_qemu_qmp *m);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qmp_exec(struct shim_qemu_qmp *m, const char *json,
					       char *reply, size_t len);
/* The same with fd passed along (SCM_RIGHTS), as QMP getfd expects. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qmp_exec_fd(struct shim_qemu_qmp *m, const char *json, int fd,
						  char *reply, size_t len);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_qmp_wait_event(struct shim_qemu_qmp *m, const char *name,
						     unsigned timeout_ms, char *buf, size_t len);

/* ---- proxy mode: the remote device process (qemu_proxy.c) ---- */
struct shim_qemu_remote {
	pid_t pid;              /* <= 0: no proxied device */
	bool reaped;
	int wstatus;
	char model[1200]; /* the model spec: a plugin path plus options */
	char device_arg[96];    /* the -device value handed to QEMU */
	int log_fd;             /* the remote's stderr (a memfd), -1 when none */
	unsigned slot;          /* bus-0 slot of the proxy device */
	bool unplugged;         /* hot-unplugged: no device, no remote, until a replug */
	unsigned plugs;         /* replugs so far (names the fd handed to QEMU) */
};
#define SHIM_QEMU_PROXY_ID "proxy0"  /* the proxy device's QOM id */
/* A fresh remote for rm->model on a new socketpair (the log memfd is made
 * once and kept, so it spans replugs); *qemu_end is QEMU's end. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_remote_spawn(struct shim_qemu_remote *rm, int *qemu_end,
						   char *err, size_t errlen);
/* Waits up to grace_ms for the remote to exit, then kills it; reaps.
 * True when it exited by itself. */
SHIM_QEMU_INTERNAL bool shim_qemu_remote_end(struct shim_qemu_remote *rm, unsigned grace_ms);

/* ---- the host itself (qemu_host.c, qemu_irq.c) ---- */
#define SHIM_QEMU_PAGE 4096u
#define SHIM_QEMU_MSI_VECTORS (SHIM_QEMU_PAGE / 4)  /* one 4-byte mailbox slot each */
struct shim_qemu_host {
	struct shim_qemu_proc proc;
	struct shim_qemu_qtest qt;
	struct shim_qemu_qmp qmp;
	bool is_pc;
	bool dead;              /* QEMU gone or channel broken: every op fails */
	uint64_t ram_size;      /* below 4 GiB */
	uint64_t ram_high;      /* above 4 GiB, at 4 GiB */
	uint64_t mailbox;       /* MSI mailbox page, the last page of RAM below 4 GiB */
	/* Guest RAM: a memfd made here and handed to QEMU, and its mapping
	 * (low RAM at offset 0, RAM above 4 GiB right after it). */
	int ram_fd;
	uint8_t *ram_map;
	bool map_in_use;        /* false: as if unmapped (shim_qemu_host_use_ram_map) */
	char err[1536];
	/* clock: HPET counter plus real time spent idle in clock_run */
	uint64_t hpet_period_fs;
	uint64_t hpet_offset_ns; /* added to the HPET so time goes on across a system_reset */
	uint64_t idle_ns;
	uint64_t last_clock_ns;
	/* The HPET read last (offset applied), still current until an access
	 * that can arm a device timer (a write) or a wait in clock_run. */
	uint64_t hpet_ns;
	bool hpet_fresh;
	/* MSI: vectors 0..msi_slots-1 have mailbox slots; pending = seen, not yet reported */
	uint32_t msi_slots;
	uint32_t msi_pending[SHIM_QEMU_MSI_VECTORS / 32];
	/* INTx */
	bool intercepting, pirq_programmed;
	struct shim_qemu_remote remote;  /* proxy mode */
};
/* Turns a client result into the op's result; SHIM_ERR_HOST marks the host
 * dead and composes last_error with QEMU's status and stderr tail. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_host_result(struct shim_qemu_host *h, shim_ret r,
						  const char *detail);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_host_cfg_write(void *ctx, uint16_t bdf, uint16_t off,
						     unsigned size, uint32_t val);
/* The mapping of guest RAM [addr, addr+len) or NULL (not RAM, or unmapped). */
SHIM_QEMU_INTERNAL uint8_t *shim_qemu_ram_ptr(const struct shim_qemu_host *h, uint64_t addr,
					      uint64_t len);
/* The interrupt and clock ops (qemu_irq.c). */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_irq_setup(struct shim_qemu_host *h);
SHIM_QEMU_INTERNAL uint64_t shim_qemu_clock_ns(void *ctx);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_clock_run(void *ctx, uint64_t until_ns);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_clock_skip(void *ctx, uint64_t ns);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_msi_route(void *ctx, uint32_t vector, uint64_t *addr,
						uint32_t *data);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_intx_route(void *ctx, uint16_t bdf, uint8_t pin,
						 uint32_t *line);
SHIM_QEMU_INTERNAL shim_ret shim_qemu_irq_next(void *ctx, struct shim_host_irq *ev);
/* After a system_reset: HPET on again with time continuing where it was,
 * mailbox cleared (earlier messages are lost), PIIX PIRQ routing back. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_irq_after_reset(struct shim_qemu_host *h);
/* device_reset op (qemu_power.c): QMP system_reset, then the above. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_device_reset(void *ctx, uint16_t bdf);
/* Proxy mode (qemu_proxy.c): starts the remote (if opt->proxy_model) and
 * QEMU; on failure nothing is left running. */
SHIM_QEMU_INTERNAL shim_ret shim_qemu_proxy_proc_start(struct shim_qemu_host *h,
						       const struct shim_qemu_options *opt,
						       unsigned timeout_ms, char *err,
						       size_t errlen);
/* True (host marked dead, err set) once the remote has exited. */
SHIM_QEMU_INTERNAL bool shim_qemu_proxy_gone(struct shim_qemu_host *h);
/* Appends the remote's state and log tail to h->err (proxy mode only). */
SHIM_QEMU_INTERNAL void shim_qemu_proxy_note(struct shim_qemu_host *h);
/* Waits briefly for the remote to exit on QEMU's EOF, else kills it; reaps. */
SHIM_QEMU_INTERNAL void shim_qemu_proxy_stop(struct shim_qemu_remote *rm);

#endif
