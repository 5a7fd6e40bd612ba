/* Kernel log ring. Like a flooded kernel log it never blocks the writer:
 * when full, new messages are dropped and counted, old ones are kept until
 * read (the first messages of a failure are the useful ones). */
#include "shim/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

#define LOG_RING_SLOTS 256
#define LOG_MESSAGE_BYTES 160

struct log_entry {
	enum shim_log_level level;
	char text[LOG_MESSAGE_BYTES];
};

static struct log_entry ring[LOG_RING_SLOTS];
static size_t ring_head; /* oldest entry */
static size_t ring_used;
static long dropped;
static bool echo;

static const char *level_name(enum shim_log_level level)
{
	switch (level) {
	case SHIM_LOG_ERR: return "err";
	case SHIM_LOG_WARN: return "warn";
	case SHIM_LOG_INFO: return "info";
	case SHIM_LOG_DEBUG: return "debug";
	}
	return "?";
}

void shim_log_(enum shim_log_level level, const char *file, int line, const char *fmt, ...)
{
	struct log_entry *e;
	va_list ap;

	if (!shim_context_may_block_("shim_log", file, line))
		return;
	if (ring_used == LOG_RING_SLOTS) {
		dropped++;
		return;
	}
	e = &ring[(ring_head + ring_used) % LOG_RING_SLOTS];
	e->level = level;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
	ring_used++;
	if (echo)
		fprintf(stderr, "drvbench log %s %s:%d: %s\n", level_name(level),
			file ? file : "?", line, e->text);
}

bool shim_log_pop(char *buf, size_t len, enum shim_log_level *level)
{
	const struct log_entry *e;

	if (ring_used == 0)
		return false;
	e = &ring[ring_head];
	if (buf != NULL && len > 0)
		snprintf(buf, len, "%s", e->text);
	if (level != NULL)
		*level = e->level;
	ring_head = (ring_head + 1) % LOG_RING_SLOTS;
	ring_used--;
	return true;
}

void shim_log_set_echo(bool on)
{
	echo = on;
}

long shim_log_dropped_total(void)
{
	return dropped;
}
