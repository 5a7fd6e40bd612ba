/* Framed receive and RET send on the remote's socket (remote_io.c). */
#ifndef MODEL_REMOTE_IO_H
#define MODEL_REMOTE_IO_H

#include "../src/model_internal.h"
#include "model/remote.h"

struct remote_rx {
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	size_t len;
	int fds[MODEL_REMOTE_MAX_FDS];
	unsigned nfds;
	bool fd_overflow; /* more fds than MODEL_REMOTE_MAX_FDS came (extras closed) */
};

/* One message: 1 ok (rx owns its fds), -1 EOF, -2 I/O error or a message
 * that stopped half-way, -3 payload size above 192 (stream lost). */
MODEL_INTERNAL int model_remote_recv(int sock, struct remote_rx *rx);
MODEL_INTERNAL void model_remote_rx_close_fds(struct remote_rx *rx);
/* A RET carrying value; false when QEMU is gone. */
MODEL_INTERNAL bool model_remote_send_ret(int sock, uint64_t value);

#endif
