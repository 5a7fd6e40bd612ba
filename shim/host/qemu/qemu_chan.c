/* A line-oriented channel over a socket where every wait has a deadline:
 * the transport under both the qtest and the QMP clients. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "qemu_internal.h"

#define CHAN_INITIAL_CAP 16384
#define CHAN_MAX_CAP (1u << 20)  /* a longer line means a confused peer */

uint64_t shim_qemu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void shim_qemu_chan_init(struct shim_qemu_chan *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
}

void shim_qemu_chan_fini(struct shim_qemu_chan *c)
{
	free(c->buf);
	c->buf = NULL;
	c->cap = c->start = c->end = 0;
}

static shim_ret chan_fail(struct shim_qemu_chan *c, const char *why)
{
	c->failed = true;
	snprintf(c->detail, sizeof(c->detail), "%s", why);
	return SHIM_ERR_HOST;
}

#define CHAN_INTERRUPTED -2

/* Waits for `events` on the fd until deadline_ns; 1 ready, 0 timeout, -1
 * error, CHAN_INTERRUPTED once the run is interrupted (qemu_intr.c). */
static int chan_wait(struct shim_qemu_chan *c, short events, uint64_t deadline_ns)
{
	for (;;) {
		uint64_t now = shim_qemu_now_ns();
		uint64_t left = deadline_ns > now ? deadline_ns - now : 0;
		struct timespec ts = { (time_t)(left / 1000000000u), (long)(left % 1000000000u) };
		struct pollfd pfd[2] = { { .fd = c->fd, .events = events },
					 { .fd = shim_qemu_interrupt_fd(), .events = POLLIN } };
		int n = ppoll(pfd, pfd[1].fd >= 0 ? 2 : 1, &ts, NULL);

		if (n > 0 && (pfd[1].revents & POLLIN))
			return CHAN_INTERRUPTED;
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

shim_ret shim_qemu_chan_send(struct shim_qemu_chan *c, const char *data, size_t len,
			     uint64_t deadline_ns)
{
	size_t done = 0;

	if (c->failed)
		return SHIM_ERR_HOST;
	while (done < len) {
		ssize_t n = send(c->fd, data + done, len - done, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int w = chan_wait(c, POLLOUT, deadline_ns);

			if (w == 0)
				return chan_fail(c, "send timed out (QEMU not reading)");
			if (w == CHAN_INTERRUPTED)
				return chan_fail(c, "interrupted (the run was stopped)");
			if (w < 0)
				return chan_fail(c, "poll failed while sending");
			continue;
		}
		return chan_fail(c, errno == EPIPE || errno == ECONNRESET
				 ? "connection closed by QEMU" : "send failed");
	}
	return SHIM_OK;
}

/* Makes room for at least one more read: compacts, then grows up to the cap. */
static bool chan_make_room(struct shim_qemu_chan *c)
{
	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (c->end + 1 < c->cap)
		return true;
	size_t ncap = c->cap ? c->cap * 2 : CHAN_INITIAL_CAP;
	if (ncap > CHAN_MAX_CAP)
		return false;
	char *nbuf = realloc(c->buf, ncap);
	if (!nbuf)
		return false;
	c->buf = nbuf;
	c->cap = ncap;
	return true;
}

/* A reply is almost never there yet when it is asked for, so the wait comes
 * first (one ppoll to the deadline, then one recv) rather than a recv that
 * fails with EAGAIN before every wait. Right after a recv that returned
 * data, more is likely queued: read again before waiting. A caller whose
 * deadline has passed only polls: one recv, no wait. */
shim_ret shim_qemu_chan_line(struct shim_qemu_chan *c, uint64_t deadline_ns, char **line)
{
	size_t scanned = c->start;
	bool more = false;  /* the last recv returned data */

	if (c->failed)
		return SHIM_ERR_HOST;
	for (;;) {
		char *nl = c->cap ? memchr(c->buf + scanned, '\n', c->end - scanned) : NULL;

		if (nl) {
			*nl = '\0';
			*line = c->buf + c->start;
			c->start = (size_t)(nl - c->buf) + 1;
			return SHIM_OK;
		}
		size_t pending = c->end - c->start;
		if (!chan_make_room(c))
			return chan_fail(c, "reply line too long");
		scanned = pending;  /* buffer was compacted to start at 0 */
		if (!more && shim_qemu_now_ns() < deadline_ns) {
			int w = chan_wait(c, POLLIN, deadline_ns);

			if (w == 0)
				return SHIM_ERR_TIMEOUT;
			if (w == CHAN_INTERRUPTED)
				return chan_fail(c, "interrupted (the run was stopped)");
			if (w < 0)
				return chan_fail(c, "poll failed while receiving");
		}
		ssize_t n = recv(c->fd, c->buf + c->end, c->cap - c->end - 1, MSG_DONTWAIT);
		if (n > 0) {
			c->end += (size_t)n;
			more = true;
			continue;
		}
		if (n == 0)
			return chan_fail(c, "connection closed by QEMU");
		if (errno == EINTR)
			continue;
		if (errno == ECONNRESET)
			return chan_fail(c, "connection reset by QEMU");
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return chan_fail(c, "receive failed");
		if (!more && shim_qemu_now_ns() >= deadline_ns)
			return SHIM_ERR_TIMEOUT;
		more = false;  /* drained: wait for the rest */
	}
}
