/* A minimal QMP client: one JSON object per line out, lines in until the
 * command's return or error; events seen on the way are queued so a
 * caller can wait for e.g. DEVICE_DELETED afterwards. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "qemu_internal.h"

void shim_qemu_qmp_init(struct shim_qemu_qmp *m, int fd, unsigned timeout_ms)
{
	memset(m, 0, sizeof(*m));
	shim_qemu_chan_init(&m->ch, fd);
	m->timeout_ms = timeout_ms;
}

void shim_qemu_qmp_fini(struct shim_qemu_qmp *m)
{
	for (unsigned i = 0; i < m->ev_count; i++)
		free(m->events[i]);
	m->ev_count = 0;
	shim_qemu_chan_fini(&m->ch);
}

static shim_ret qmp_fail(struct shim_qemu_qmp *m, const char *what, const char *why)
{
	snprintf(m->detail, sizeof(m->detail), "qmp %s: %s", what, why);
	return SHIM_ERR_HOST;
}

static void qmp_queue_event(struct shim_qemu_qmp *m, const char *line)
{
	char *copy = strdup(line);

	if (!copy) {
		m->ev_dropped++;
		return;
	}
	if (m->ev_count == SHIM_QEMU_QMP_EVENTS) {
		free(m->events[0]);
		memmove(m->events, m->events + 1, (SHIM_QEMU_QMP_EVENTS - 1) * sizeof(m->events[0]));
		m->ev_count--;
		m->ev_dropped++;
	}
	m->events[m->ev_count++] = copy;
}

static void qmp_copy(char *dst, size_t len, const char *src)
{
	if (dst && len)
		snprintf(dst, len, "%s", src);
}

/* Reads lines until one that is not an event; returns it in *line. */
static shim_ret qmp_next_non_event(struct shim_qemu_qmp *m, const char *what, uint64_t deadline,
				   char **line)
{
	for (;;) {
		shim_ret r = shim_qemu_chan_line(&m->ch, deadline, line);

		if (r == SHIM_ERR_TIMEOUT) {
			m->ch.failed = true;  /* a late reply would be taken for the next one */
			snprintf(m->ch.detail, sizeof(m->ch.detail), "no reply within %u ms",
				 m->timeout_ms);
			return qmp_fail(m, what, m->ch.detail);
		}
		if (r != SHIM_OK)
			return qmp_fail(m, what, m->ch.detail);
		if (!shim_qemu_json_has_key(*line, "event"))
			return SHIM_OK;
		qmp_queue_event(m, *line);
	}
}

/* The first bytes of json with fd attached (SCM_RIGHTS); returns how many
 * bytes went, or -1 with the channel failed. */
static ssize_t qmp_send_with_fd(struct shim_qemu_qmp *m, const char *json, int fd,
				uint64_t deadline)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)json, .iov_len = strlen(json) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm;

	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	for (;;) {
		ssize_t n = sendmsg(m->ch.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		uint64_t now = shim_qemu_now_ns();
		struct pollfd pfd = { .fd = m->ch.fd, .events = POLLOUT };

		if (n > 0)
			return n;
		if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if (now >= deadline)
			break;
		if (n < 0 && errno != EINTR)
			(void)poll(&pfd, 1, (int)((deadline - now) / 1000000u) + 1);
	}
	m->ch.failed = true;
	snprintf(m->ch.detail, sizeof(m->ch.detail), "sending a command with an fd: %s",
		 strerror(errno));
	return -1;
}

/* json, with fd attached to its first bytes when fd >= 0. */
static shim_ret qmp_exec_fd(struct shim_qemu_qmp *m, const char *json, int fd, char *reply,
			    size_t len)
{
	uint64_t deadline = shim_qemu_now_ns() + (uint64_t)m->timeout_ms * 1000000u;
	size_t sent = 0;
	char *line;
	shim_ret r;

	qmp_copy(reply, len, "");
	if (!json || !shim_qemu_json_is_one_object(json))
		return SHIM_ERR_BAD_ARGUMENT;
	if (m->ch.failed)
		return qmp_fail(m, "command", m->ch.detail);
	if (fd >= 0) {
		ssize_t n = qmp_send_with_fd(m, json, fd, deadline);

		if (n < 0)
			return qmp_fail(m, "command", m->ch.detail);
		sent = (size_t)n;
	}
	if (shim_qemu_chan_send(&m->ch, json + sent, strlen(json) - sent, deadline) != SHIM_OK ||
	    shim_qemu_chan_send(&m->ch, "\n", 1, deadline) != SHIM_OK)
		return qmp_fail(m, "command", m->ch.detail);
	r = qmp_next_non_event(m, "command", deadline, &line);
	if (r != SHIM_OK)
		return r;
	qmp_copy(reply, len, line);
	if (shim_qemu_json_has_key(line, "return"))
		return SHIM_OK;
	if (shim_qemu_json_has_key(line, "error"))
		return SHIM_ERR_GENERIC;
	m->ch.failed = true;
	snprintf(m->ch.detail, sizeof(m->ch.detail), "reply without return or error");
	return qmp_fail(m, "command", m->ch.detail);
}

shim_ret shim_qemu_qmp_exec(struct shim_qemu_qmp *m, const char *json, char *reply, size_t len)
{
	return qmp_exec_fd(m, json, -1, reply, len);
}

shim_ret shim_qemu_qmp_exec_fd(struct shim_qemu_qmp *m, const char *json, int fd, char *reply,
			       size_t len)
{
	if (fd < 0) {
		qmp_copy(reply, len, "");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	return qmp_exec_fd(m, json, fd, reply, len);
}

shim_ret shim_qemu_qmp_handshake(struct shim_qemu_qmp *m)
{
	uint64_t deadline = shim_qemu_now_ns() + (uint64_t)m->timeout_ms * 1000000u;
	char *line, reply[160];
	shim_ret r = qmp_next_non_event(m, "greeting", deadline, &line);

	if (r != SHIM_OK)
		return r;
	if (!shim_qemu_json_has_key(line, "QMP")) {
		m->ch.failed = true;
		return qmp_fail(m, "greeting", "not a QMP greeting");
	}
	r = shim_qemu_qmp_exec(m, "{\"execute\":\"qmp_capabilities\"}", reply, sizeof(reply));
	if (r == SHIM_ERR_GENERIC)
		return qmp_fail(m, "qmp_capabilities", reply);
	return r;
}

/* Removes and copies the oldest queued event named `name`. */
static bool qmp_take_queued(struct shim_qemu_qmp *m, const char *name, char *buf, size_t len)
{
	char ev[64];

	for (unsigned i = 0; i < m->ev_count; i++) {
		if (!shim_qemu_json_string(m->events[i], "event", ev, sizeof(ev)) ||
		    strcmp(ev, name) != 0)
			continue;
		qmp_copy(buf, len, m->events[i]);
		free(m->events[i]);
		memmove(m->events + i, m->events + i + 1, (m->ev_count - i - 1) * sizeof(m->events[0]));
		m->ev_count--;
		return true;
	}
	return false;
}

shim_ret shim_qemu_qmp_wait_event(struct shim_qemu_qmp *m, const char *name, unsigned timeout_ms,
				  char *buf, size_t len)
{
	uint64_t deadline = shim_qemu_now_ns() + (uint64_t)timeout_ms * 1000000u;
	char *line;

	if (!name || !*name)
		return SHIM_ERR_BAD_ARGUMENT;
	while (!qmp_take_queued(m, name, buf, len)) {
		shim_ret r = shim_qemu_chan_line(&m->ch, deadline, &line);

		if (r == SHIM_ERR_TIMEOUT)
			return SHIM_ERR_TIMEOUT;
		if (r != SHIM_OK)
			return qmp_fail(m, "event wait", m->ch.detail);
		if (!shim_qemu_json_has_key(line, "event")) {
			m->ch.failed = true;
			snprintf(m->ch.detail, sizeof(m->ch.detail), "unsolicited reply");
			return qmp_fail(m, "event wait", m->ch.detail);
		}
		qmp_queue_event(m, line);
	}
	return SHIM_OK;
}
