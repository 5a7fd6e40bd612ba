/* Framed receive and RET send on the remote's socket (remote_io.c). */
#ifndef MODEL_REMOTE_IO_H
#define MODEL_REMOTE_IO_H

#include "../src/model_internal.h"
#include "model/remote.h"

struct remote_rx {
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	size_t len;
	size_t got, want;   /* after REMOTE_RX_CUT: bytes of the message seen, announced */
	int fds[MODEL_REMOTE_MAX_FDS];
	unsigned nfds;
	bool fd_overflow; /* more fds than MODEL_REMOTE_MAX_FDS came (extras closed) */
};

enum remote_rx_status {
	REMOTE_RX_OK = 1,      /* rx owns its fds */
	REMOTE_RX_EOF = -1,    /* the peer hung up between messages */
	REMOTE_RX_ERROR = -2,  /* I/O error, or the rest of a message never came */
	REMOTE_RX_TOO_BIG = -3, /* payload size above 192: the stream is lost */
	REMOTE_RX_CUT = -4,    /* the peer hung up in the middle of a message */
};
MODEL_INTERNAL enum remote_rx_status model_remote_recv(int sock, struct remote_rx *rx);
MODEL_INTERNAL void model_remote_rx_close_fds(struct remote_rx *rx);

enum remote_tx_status {
	REMOTE_TX_SENT = 0,
	REMOTE_TX_GONE,     /* the peer hung up */
	REMOTE_TX_STALLED,  /* the peer took nothing for timeout_ms: it stopped reading */
};
/* A RET carrying value, the wait for room bounded by timeout_ms. */
MODEL_INTERNAL enum remote_tx_status model_remote_send_ret(int sock, uint64_t value,
							   unsigned timeout_ms);

#endif
