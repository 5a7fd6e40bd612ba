/* The remote's log on stderr. A hostile or confused peer can make every
 * message a reject (tens of thousands of lines), and stderr can be a pipe
 * nobody drains: lines about the peer are thinned, and no line is ever
 * waited for. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "remote_priv.h"

#define LOG_LINE_MAX 512 /* below PIPE_BUF: a pipe with room takes it in one write */

/* Writes the line only if stderr can take it now: poll first, then one
 * write (a pipe reports room only when a write of up to PIPE_BUF fits). */
static void log_write(model_remote *r, const char *line, size_t n)
{
	struct pollfd p = { .fd = STDERR_FILENO, .events = POLLOUT };
	ssize_t w;

	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT)) {
		r->stats.log_dropped++;
		return;
	}
	do
		w = write(STDERR_FILENO, line, n);
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)n)
		r->stats.log_dropped++;
}

static void log_vline(model_remote *r, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void log_vline(model_remote *r, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n = snprintf(line, sizeof(line), "%s", MODEL_REMOTE_LOG_PREFIX);

	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	log_write(r, line, (size_t)n);
}

static void log_line(model_remote *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(model_remote *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(r, fmt, ap);
	va_end(ap);
}

static bool power_of_ten(unsigned long n)
{
	while (n >= 10 && n % 10 == 0)
		n /= 10;
	return n == 1;
}

void model_remote_log(model_remote *r, enum model_remote_log_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (kind == MODEL_REMOTE_LOG_PEER && ++r->peer_lines > MODEL_REMOTE_LOG_BURST) {
		if (power_of_ten(++r->stats.log_suppressed))
			log_line(r, "the peer misbehaves: %lu more line(s) about it not logged",
				 r->stats.log_suppressed);
		return;
	}
	va_start(ap, fmt);
	log_vline(r, fmt, ap);
	va_end(ap);
}

void model_remote_log_summary(model_remote *r)
{
	if (r->stats.log_suppressed > 0)
		log_line(r, "%lu line(s) about the peer in all, %lu not logged (%lu messages "
			 "rejected)", r->peer_lines, r->stats.log_suppressed, r->stats.rejected);
}
