/* Reading QEMU's captured output back for error reports, and for readers
 * that follow a log (shim_qemu_host_log_read). A crash dump
 * (e.g. edu's hw_error prints the CPU registers after the message) pushes
 * the cause out of the last lines, so the last error-looking line is kept too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu_internal.h"

#define LOG_SCAN_BYTES 16384
#define LOG_TAIL_LINES 4

static bool log_is_key_line(const char *line)
{
	static const char *const marks[] = { "error", "Error", "ERROR", "Bail out", "assert",
					     "Failed", "failed", "Aborted", NULL };

	for (size_t i = 0; marks[i]; i++)
		if (strstr(line, marks[i]))
			return true;
	return false;
}

/* Appends line to buf (printable characters only), with a separator. */
static size_t log_append(char *buf, size_t len, size_t out, const char *line)
{
	if (out && out + 4 < len) {
		memcpy(buf + out, " | ", 3);
		out += 3;
	}
	for (const char *q = line; *q && out + 1 < len; q++)
		buf[out++] = (*q >= 0x20 && *q < 0x7f) ? *q : '?';
	buf[out] = '\0';
	return out;
}

size_t shim_qemu_proc_stderr_tail(const struct shim_qemu_proc *p, char *buf, size_t len)
{
	char *raw = NULL, **lines = NULL;
	size_t nlines = 0, out = 0, first_tail;
	ssize_t n = 0;
	int fd = p->log_fd, key = -1;

	if (!buf || len == 0)
		return 0;
	buf[0] = '\0';
	if (fd < 0)
		return 0;
	off_t size = lseek(fd, 0, SEEK_END);
	off_t from = size > LOG_SCAN_BYTES ? size - LOG_SCAN_BYTES : 0;
	raw = malloc(LOG_SCAN_BYTES + 1);
	lines = malloc((LOG_SCAN_BYTES / 2 + 1) * sizeof(*lines));
	if (size > 0 && raw && lines)
		n = pread(fd, raw, (size_t)(size - from), from);
	if (n <= 0)
		goto out;
	raw[n] = '\0';
	for (char *save = NULL, *l = strtok_r(raw, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save))
		lines[nlines++] = l;
	first_tail = nlines > LOG_TAIL_LINES ? nlines - LOG_TAIL_LINES : 0;
	for (size_t i = 0; i < first_tail; i++)
		if (log_is_key_line(lines[i]))
			key = (int)i;
	if (key >= 0) {
		out = log_append(buf, len, out, lines[key]);
		out = log_append(buf, len, out, "...");
	}
	for (size_t i = first_tail; i < nlines; i++)
		out = log_append(buf, len, out, lines[i]);
out:
	free(lines);
	free(raw);
	return out;
}

size_t shim_qemu_host_log_read(const struct shim_host *host, enum shim_qemu_log_kind which,
			       uint64_t from, char *buf, size_t len)
{
	const struct shim_qemu_host *h;
	ssize_t n;
	int fd;

	if (!buf || len == 0)
		return 0;
	buf[0] = '\0';
	if (!shim_host_is_qemu(host) || from > (uint64_t)INT64_MAX)
		return 0;
	h = host->ctx;
	fd = which == SHIM_QEMU_LOG_REMOTE ? h->remote.log_fd : h->proc.log_fd;
	if (fd < 0)
		return 0;
	n = pread(fd, buf, len - 1, (off_t)from);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = '?';
	return (size_t)n;
}
