/* The test side of the mpqemu socket: plays QEMU's proxy against an
 * in-process model_remote (sends requests with fds, reads RET replies). */
#ifndef REMOTE_PEER_H
#define REMOTE_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/remote.h"

struct remote_peer {
	int sock;          /* our end; the remote owns the other */
	int remote_sock;   /* the remote's end (for socket options in a test) */
	model_remote *r;
	int memfd;         /* guest RAM, -1 until peer_add_ram */
	uint8_t *ram;
	size_t ram_size;
};

/* An edu model served on a socketpair; time_scale speeds up its timers. */
bool remote_peer_open(struct remote_peer *p, unsigned time_scale);
/* The same with the remote's options given in full. */
bool remote_peer_open_with(struct remote_peer *p, const struct model_remote_options *opt);
/* The same with another model of the catalogue (model/catalog.h spec). */
bool remote_peer_open_model(struct remote_peer *p, const char *spec, unsigned time_scale);
/* Any catalogue model with the remote's options given in full. */
bool remote_peer_open_spec(struct remote_peer *p, const char *spec,
			   const struct model_remote_options *opt);
void remote_peer_close(struct remote_peer *p);
/* Raw bytes plus fds, as one sendmsg. */
bool remote_peer_send(struct remote_peer *p, const void *buf, size_t len, const int *fds,
		      unsigned nfds);
bool remote_peer_send_msg(struct remote_peer *p, const struct model_remote_msg *m, const int *fds,
			  unsigned nfds);
/* Lets the remote handle what was sent (one step, bounded). */
int remote_peer_pump(struct remote_peer *p);
/* Waits up to 1 s for a RET; false if none came. */
bool remote_peer_ret(struct remote_peer *p, uint64_t *val);
/* True when no bytes are waiting from the remote. */
bool remote_peer_quiet(struct remote_peer *p);

/* Request + pump + reply in one; UINT64_MAX-ish sentinel on failure. */
uint64_t remote_peer_cfg_read(struct remote_peer *p, uint32_t off, unsigned len);
void remote_peer_cfg_write(struct remote_peer *p, uint32_t off, uint32_t val, unsigned len);
uint64_t remote_peer_bar_read(struct remote_peer *p, uint64_t addr, unsigned size);
void remote_peer_bar_write(struct remote_peer *p, uint64_t addr, uint64_t val, unsigned size);
/* A memfd of size bytes, sealed against resizing as QEMU's is, mapped here
 * and announced as one region at GPA 0. */
bool remote_peer_add_ram(struct remote_peer *p, size_t size);
/* Open file descriptors of this process. */
unsigned remote_peer_open_fds(void);

#endif
