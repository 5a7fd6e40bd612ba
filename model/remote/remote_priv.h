/* model/remote internals shared by the server's files: the server state,
 * the guest-RAM region table and the env (clock, timers, DMA) given to the
 * model. Not a public header. */
#ifndef MODEL_REMOTE_PRIV_H
#define MODEL_REMOTE_PRIV_H

#include "../src/model_internal.h"
#include "model/remote.h"

struct remote_region {
	uint64_t gpa, size;
	uint8_t *base;    /* mapping of the region's first byte; NULL if unmapped */
	void *map;        /* what munmap gets */
	size_t map_len;
	int fd;
};

struct model_remote {
	model_device *dev;
	int fd;
	struct model_remote_options opt;
	struct remote_region regions[MODEL_REMOTE_MAX_FDS];
	unsigned nregions;
	int irqfds[2];         /* kept, never used: INTx needs KVM's irqfd */
	model_timer *timers;   /* armed timers, earliest first */
	unsigned long peer_lines; /* peer lines asked for, logged or not */
	uint64_t clock_origin; /* CLOCK_MONOTONIC ns at create */
	struct model_remote_stats stats;
};

/* A log line on stderr with MODEL_REMOTE_LOG_PREFIX, never waited for
 * (remote_log.c). A line about the peer is thinned past
 * MODEL_REMOTE_LOG_BURST; one kept (a device error: the bench counts them;
 * the line that ends a session) is always written when stderr can take it. */
enum model_remote_log_kind { MODEL_REMOTE_LOG_PEER, MODEL_REMOTE_LOG_KEEP };
MODEL_INTERNAL void model_remote_log(model_remote *r, enum model_remote_log_kind kind,
				     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The closing line: how many peer lines were not logged, if any. */
MODEL_INTERNAL void model_remote_log_summary(model_remote *r);

/* Guest RAM (remote_mem.c). Takes the fds: they are closed when replaced.
 * A region whose fd is not sealed against shrinking is not mapped: a peer
 * that shrank the file would make the next access to it a SIGBUS. */
MODEL_INTERNAL void model_remote_mem_sync(model_remote *r, const struct model_remote_msg *m, const int *fds);
MODEL_INTERNAL void model_remote_mem_release(model_remote *r);
/* Copies between guest RAM and buf; false (nothing copied) unless the
 * whole range lies in mapped regions. */
MODEL_INTERNAL bool model_remote_mem_rw(model_remote *r, uint64_t gpa, void *buf, size_t len, bool write);

/* The env handed to the model, and the timers (remote_env.c). */
extern MODEL_INTERNAL const struct model_env_ops model_remote_env_ops;
MODEL_INTERNAL void model_remote_clock_start(model_remote *r);
MODEL_INTERNAL uint64_t model_remote_now_ns(const model_remote *r);
/* Runs the timers whose deadline passed; returns ms until the next one (-1: none). */
MODEL_INTERNAL int model_remote_run_timers(model_remote *r);
MODEL_INTERNAL void model_remote_drop_timers(model_remote *r);

#endif
