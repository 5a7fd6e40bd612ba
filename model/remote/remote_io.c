/* The remote's socket I/O: receiving one framed message with the fds that
 * ride on it (SCM_RIGHTS), and sending RET replies. Every wait is bounded. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "remote_io.h"

#define PART_TIMEOUT_MS 5000 /* the rest of a message QEMU already began to send */

static void keep_fds(struct cmsghdr *c, struct remote_rx *rx)
{
	size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

	for (size_t i = 0; i < n; i++) {
		int fd;
		memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		if (rx->nfds < MODEL_REMOTE_MAX_FDS) {
			rx->fds[rx->nfds++] = fd;
		} else {
			close(fd);
			rx->fd_overflow = true;
		}
	}
}

/* Reads exactly len bytes into buf, collecting fds: REMOTE_RX_OK, EOF
 * (only before the first byte of a message), CUT (after it) or ERROR. */
static enum remote_rx_status read_part(int sock, uint8_t *buf, size_t len, struct remote_rx *rx,
				       bool first)
{
	size_t got = 0;

	while (got < len) {
		union {
			char buf[CMSG_SPACE(MODEL_REMOTE_MAX_FDS * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { buf + got, len - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
		bool start = first && got == 0;
		ssize_t n;

		if (!start) {
			struct pollfd p = { .fd = sock, .events = POLLIN };
			int pr = poll(&p, 1, PART_TIMEOUT_MS);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr <= 0)
				return REMOTE_RX_ERROR;
		}
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			rx->got += got;
			return start ? REMOTE_RX_EOF : REMOTE_RX_CUT;
		}
		if (n < 0)
			return REMOTE_RX_ERROR;
		if (mh.msg_flags & MSG_CTRUNC)
			rx->fd_overflow = true;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				keep_fds(c, rx);
		got += (size_t)n;
	}
	rx->got += got;
	return REMOTE_RX_OK;
}

void model_remote_rx_close_fds(struct remote_rx *rx)
{
	for (unsigned i = 0; i < rx->nfds; i++)
		close(rx->fds[i]);
	rx->nfds = 0;
}

enum remote_rx_status model_remote_recv(int sock, struct remote_rx *rx)
{
	uint64_t payload = 0;
	enum remote_rx_status rc;

	memset(rx, 0, sizeof(*rx));
	rx->want = MODEL_REMOTE_HDR_SIZE;
	rc = read_part(sock, rx->buf, MODEL_REMOTE_HDR_SIZE, rx, true);
	if (rc == REMOTE_RX_OK && model_remote_header_size(rx->buf, &payload) != MODEL_REMOTE_OK)
		rc = REMOTE_RX_TOO_BIG;
	if (rc == REMOTE_RX_OK && payload > 0) {
		rx->want += (size_t)payload;
		rc = read_part(sock, rx->buf + MODEL_REMOTE_HDR_SIZE, (size_t)payload, rx, false);
	}
	if (rc != REMOTE_RX_OK) {
		model_remote_rx_close_fds(rx);
		return rc;
	}
	rx->len = MODEL_REMOTE_HDR_SIZE + (size_t)payload;
	return REMOTE_RX_OK;
}

/* The socket stays blocking for receives; each send is non-blocking and
 * waits for room at most timeout_ms in all, so a peer that stops reading
 * cannot hold the remote forever. */
enum remote_tx_status model_remote_send_ret(int sock, uint64_t value, unsigned timeout_ms)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_RET, .u.ret = value };
	uint8_t buf[MODEL_REMOTE_HDR_SIZE + MODEL_REMOTE_RET_PAYLOAD];
	size_t len = model_remote_encode(&m, buf, sizeof(buf)), sent = 0;
	int left = (int)(timeout_ms ? timeout_ms : MODEL_REMOTE_SEND_TIMEOUT_MS);

	while (sent < len) {
		ssize_t n = send(sock, buf + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd p = { .fd = sock, .events = POLLOUT };
			struct timespec t0, t1;
			int pr;

			if (left <= 0)
				return REMOTE_TX_STALLED;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			pr = poll(&p, 1, left);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			left -= (int)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
			if (pr == 0)
				return REMOTE_TX_STALLED;
			if (pr < 0 && errno != EINTR)
				return REMOTE_TX_GONE;
			continue;
		}
		if (n <= 0)
			return REMOTE_TX_GONE;
		sent += (size_t)n;
	}
	return REMOTE_TX_SENT;
}
