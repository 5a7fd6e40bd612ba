/* A typed qtest client: one function per command, each formatting its own
 * line from numbers (a malformed line aborts QEMU, so no caller text ever
 * reaches the socket). Asynchronous "IRQ raise/lower N" lines are queued
 * as INTx events wherever they appear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_internal.h"

#define QT_CHUNK 12288  /* bytes per b64read/b64write (a multiple of 3) */

void shim_qemu_qtest_init(struct shim_qemu_qtest *q, int fd, unsigned timeout_ms)
{
	memset(q, 0, sizeof(*q));
	shim_qemu_chan_init(&q->ch, fd);
	q->timeout_ms = timeout_ms;
}

void shim_qemu_qtest_fini(struct shim_qemu_qtest *q)
{
	shim_qemu_chan_fini(&q->ch);
}

static void qt_push_intx(struct shim_qemu_qtest *q, uint32_t line, bool level)
{
	if (q->intx_count == SHIM_QEMU_INTX_QUEUE) {
		q->intx_head = (q->intx_head + 1) % SHIM_QEMU_INTX_QUEUE;
		q->intx_count--;
		q->intx_dropped++;
	}
	struct shim_qemu_intx_event *ev =
		&q->intx[(q->intx_head + q->intx_count) % SHIM_QEMU_INTX_QUEUE];
	ev->line = line;
	ev->level = level;
	q->intx_count++;
}

bool shim_qemu_qtest_intx_pop(struct shim_qemu_qtest *q, struct shim_qemu_intx_event *ev)
{
	if (q->intx_count == 0)
		return false;
	*ev = q->intx[q->intx_head];
	q->intx_head = (q->intx_head + 1) % SHIM_QEMU_INTX_QUEUE;
	q->intx_count--;
	return true;
}

/* Queues "IRQ raise N" / "IRQ lower N"; false if line is something else. */
static bool qt_take_irq_line(struct shim_qemu_qtest *q, const char *line)
{
	bool level;
	char *end;

	if (strncmp(line, "IRQ raise ", 10) == 0)
		level = true;
	else if (strncmp(line, "IRQ lower ", 10) == 0)
		level = false;
	else
		return false;
	unsigned long n = strtoul(line + 10, &end, 10);
	if (end == line + 10 || *end || n > UINT32_MAX)
		return false;
	qt_push_intx(q, (uint32_t)n, level);
	return true;
}

static shim_ret qt_fail(struct shim_qemu_qtest *q, const char *cmd, const char *why, shim_ret r)
{
	int n = (int)strcspn(cmd, "\n");

	if (n > 80)
		n = 80;  /* b64write lines are long; the command name is what matters */
	snprintf(q->detail, sizeof(q->detail), "qtest '%.*s': %s", n, cmd, why);
	return r;
}

/* Sends cmd (ending in '\n') and returns the text after "OK" in *reply. */
static shim_ret qt_exchange(struct shim_qemu_qtest *q, const char *cmd, char **reply)
{
	uint64_t deadline = shim_qemu_now_ns() + (uint64_t)q->timeout_ms * 1000000u;
	char *line, why[96];
	shim_ret r;

	q->round_trips++;
	if (shim_qemu_chan_send(&q->ch, cmd, strlen(cmd), deadline) != SHIM_OK)
		return qt_fail(q, cmd, q->ch.detail, SHIM_ERR_HOST);
	for (;;) {
		r = shim_qemu_chan_line(&q->ch, deadline, &line);
		if (r == SHIM_ERR_TIMEOUT) {
			q->ch.failed = true;  /* a late reply would desynchronize every later one */
			snprintf(why, sizeof(why), "no reply within %u ms", q->timeout_ms);
			snprintf(q->ch.detail, sizeof(q->ch.detail), "%s", why);
			return qt_fail(q, cmd, why, SHIM_ERR_HOST);
		}
		if (r != SHIM_OK)
			return qt_fail(q, cmd, q->ch.detail, SHIM_ERR_HOST);
		if (qt_take_irq_line(q, line))
			continue;
		if (strcmp(line, "OK") == 0 || strncmp(line, "OK ", 3) == 0) {
			*reply = line[2] ? line + 3 : line + 2;
			return SHIM_OK;
		}
		if (strncmp(line, "FAIL", 4) == 0 || strncmp(line, "ERR", 3) == 0)
			return qt_fail(q, cmd, line, SHIM_ERR_GENERIC);
		q->ch.failed = true;
		snprintf(q->ch.detail, sizeof(q->ch.detail), "unexpected reply line");
		return qt_fail(q, cmd, "unexpected reply line", SHIM_ERR_HOST);
	}
}

static shim_ret qt_number_reply(struct shim_qemu_qtest *q, const char *cmd, uint64_t *val)
{
	char *reply, *end;
	shim_ret r = qt_exchange(q, cmd, &reply);

	if (r != SHIM_OK)
		return r;
	*val = strtoull(reply, &end, 0);
	if (end == reply || *end) {
		q->ch.failed = true;
		return qt_fail(q, cmd, "reply is not a number", SHIM_ERR_HOST);
	}
	return SHIM_OK;
}

static char qt_width(unsigned size)
{
	switch (size) {
	case 1: return 'b';
	case 2: return 'w';
	case 4: return 'l';
	case 8: return 'q';
	default: return 0;
	}
}

shim_ret shim_qemu_qtest_read(struct shim_qemu_qtest *q, uint64_t addr, unsigned size, uint64_t *val)
{
	char cmd[64], w = qt_width(size);

	if (!w)
		return SHIM_ERR_BAD_ARGUMENT;
	snprintf(cmd, sizeof(cmd), "read%c 0x%llx\n", w, (unsigned long long)addr);
	return qt_number_reply(q, cmd, val);
}

shim_ret shim_qemu_qtest_write(struct shim_qemu_qtest *q, uint64_t addr, unsigned size, uint64_t val)
{
	char cmd[80], *reply, w = qt_width(size);

	if (!w)
		return SHIM_ERR_BAD_ARGUMENT;
	if (size < 8)
		val &= (1ull << (8 * size)) - 1;
	snprintf(cmd, sizeof(cmd), "write%c 0x%llx 0x%llx\n", w, (unsigned long long)addr,
		 (unsigned long long)val);
	return qt_exchange(q, cmd, &reply);
}

shim_ret shim_qemu_qtest_in(struct shim_qemu_qtest *q, uint16_t port, unsigned size, uint32_t *val)
{
	char cmd[32], w = qt_width(size);
	uint64_t v;
	shim_ret r;

	if (!w || size > 4)
		return SHIM_ERR_BAD_ARGUMENT;
	snprintf(cmd, sizeof(cmd), "in%c 0x%x\n", w, (unsigned)port);
	r = qt_number_reply(q, cmd, &v);
	if (r == SHIM_OK)
		*val = (uint32_t)v;
	return r;
}

shim_ret shim_qemu_qtest_out(struct shim_qemu_qtest *q, uint16_t port, unsigned size, uint32_t val)
{
	char cmd[48], *reply, w = qt_width(size);

	if (!w || size > 4)
		return SHIM_ERR_BAD_ARGUMENT;
	if (size < 4)
		val &= (1u << (8 * size)) - 1;
	snprintf(cmd, sizeof(cmd), "out%c 0x%x 0x%x\n", w, (unsigned)port, (unsigned)val);
	return qt_exchange(q, cmd, &reply);
}

shim_ret shim_qemu_qtest_b64read(struct shim_qemu_qtest *q, uint64_t addr, void *buf, size_t len)
{
	char cmd[64], *reply;

	for (size_t done = 0; done < len;) {
		size_t n = len - done < QT_CHUNK ? len - done : QT_CHUNK;
		shim_ret r;

		snprintf(cmd, sizeof(cmd), "b64read 0x%llx 0x%zx\n",
			 (unsigned long long)(addr + done), n);
		r = qt_exchange(q, cmd, &reply);
		if (r != SHIM_OK)
			return r;
		if (!shim_qemu_b64_decode(reply, (char *)buf + done, n)) {
			q->ch.failed = true;
			return qt_fail(q, cmd, "malformed base64 reply", SHIM_ERR_HOST);
		}
		done += n;
	}
	return SHIM_OK;
}

shim_ret shim_qemu_qtest_b64write(struct shim_qemu_qtest *q, uint64_t addr, const void *buf, size_t len)
{
	size_t cap = 64 + shim_qemu_b64_encoded_len(QT_CHUNK) + 2;
	char *cmd = malloc(cap), *reply;
	shim_ret r = SHIM_OK;

	if (!cmd)
		return SHIM_ERR_NO_MEMORY;
	for (size_t done = 0; done < len && r == SHIM_OK;) {
		size_t n = len - done < QT_CHUNK ? len - done : QT_CHUNK;
		int head = snprintf(cmd, cap, "b64write 0x%llx 0x%zx ",
				    (unsigned long long)(addr + done), n);

		shim_qemu_b64_encode((const char *)buf + done, n, cmd + head);
		strcat(cmd + head, "\n");
		r = qt_exchange(q, cmd, &reply);
		done += n;
	}
	free(cmd);
	return r;
}

shim_ret shim_qemu_qtest_memset(struct shim_qemu_qtest *q, uint64_t addr, size_t len, uint8_t byte)
{
	char cmd[80], *reply;

	snprintf(cmd, sizeof(cmd), "memset 0x%llx 0x%zx 0x%x\n", (unsigned long long)addr, len,
		 (unsigned)byte);
	return qt_exchange(q, cmd, &reply);
}

shim_ret shim_qemu_qtest_irq_intercept_in(struct shim_qemu_qtest *q, const char *qom_path)
{
	char cmd[160], *reply;
	size_t n = qom_path ? strlen(qom_path) : 0;

	if (n == 0 || n > 120 || strspn(qom_path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789/_-.[]") != n)
		return SHIM_ERR_BAD_ARGUMENT;
	snprintf(cmd, sizeof(cmd), "irq_intercept_in %s\n", qom_path);
	return qt_exchange(q, cmd, &reply);
}

shim_ret shim_qemu_qtest_pump(struct shim_qemu_qtest *q, uint64_t deadline_ns)
{
	char *line;

	for (;;) {
		shim_ret r = shim_qemu_chan_line(&q->ch, deadline_ns, &line);

		if (r == SHIM_ERR_TIMEOUT)
			return SHIM_OK;
		if (r != SHIM_OK) {
			snprintf(q->detail, sizeof(q->detail), "qtest: %s", q->ch.detail);
			return r;
		}
		if (!qt_take_irq_line(q, line)) {
			q->ch.failed = true;
			snprintf(q->ch.detail, sizeof(q->ch.detail), "unsolicited line");
			snprintf(q->detail, sizeof(q->detail), "qtest: unsolicited line from QEMU");
			return SHIM_ERR_HOST;
		}
		deadline_ns = 0;  /* got one: now only drain what is already there */
	}
}
