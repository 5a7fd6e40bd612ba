/* The remote's socket I/O: receiving one framed message with the fds that
 * ride on it (SCM_RIGHTS), and sending RET replies. Every wait is bounded. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
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

/* Reads exactly len bytes into buf, collecting fds. 1 ok, -1 EOF, -2 error. */
static int read_part(int sock, uint8_t *buf, size_t len, struct remote_rx *rx, bool first)
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
		ssize_t n;

		if (!(first && got == 0)) {
			struct pollfd p = { .fd = sock, .events = POLLIN };
			int pr = poll(&p, 1, PART_TIMEOUT_MS);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr <= 0)
				return -2;
		}
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return errno == ECONNRESET ? -1 : -2;
		if (n == 0)
			return -1;
		if (mh.msg_flags & MSG_CTRUNC)
			rx->fd_overflow = true;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				keep_fds(c, rx);
		got += (size_t)n;
	}
	return 1;
}

void model_remote_rx_close_fds(struct remote_rx *rx)
{
	for (unsigned i = 0; i < rx->nfds; i++)
		close(rx->fds[i]);
	rx->nfds = 0;
}

int model_remote_recv(int sock, struct remote_rx *rx)
{
	uint64_t payload;
	int rc;

	memset(rx, 0, sizeof(*rx));
	rc = read_part(sock, rx->buf, MODEL_REMOTE_HDR_SIZE, rx, true);
	if (rc == 1 && model_remote_header_size(rx->buf, &payload) != MODEL_REMOTE_OK)
		rc = -3;
	if (rc == 1 && payload > 0)
		rc = read_part(sock, rx->buf + MODEL_REMOTE_HDR_SIZE, (size_t)payload, rx, false);
	if (rc != 1) {
		model_remote_rx_close_fds(rx);
		return rc;
	}
	rx->len = MODEL_REMOTE_HDR_SIZE + (size_t)payload;
	return 1;
}

bool model_remote_send_ret(int sock, uint64_t value)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_RET, .u.ret = value };
	uint8_t buf[MODEL_REMOTE_HDR_SIZE + MODEL_REMOTE_RET_PAYLOAD];
	size_t len = model_remote_encode(&m, buf, sizeof(buf)), sent = 0;

	while (sent < len) {
		ssize_t n = send(sock, buf + sent, len - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = sock, .events = POLLOUT };
			if (poll(&p, 1, PART_TIMEOUT_MS) <= 0)
				return false;
			continue;
		}
		if (n <= 0)
			return false;
		sent += (size_t)n;
	}
	return true;
}
