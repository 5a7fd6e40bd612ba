/* Counting fault lines in a growing qemu host log, each line once. */
#include <string.h>

#include "log_follow.h"

#define FOLLOW_CHUNK 4096

static bool follow_line_matches(const char *line, const char *const *signs)
{
	for (size_t i = 0; signs[i] != NULL; i++)
		if (strstr(line, signs[i]) != NULL)
			return true;
	return false;
}

/* Counts line if it holds a sign; keeps it (truncated) as the last one. */
static void follow_line(struct bench_log_follow *f, const char *line, const char *const *signs)
{
	size_t n = strlen(line);

	if (!follow_line_matches(line, signs))
		return;
	f->matches++;
	if (n >= sizeof(f->last))
		n = sizeof(f->last) - 1;
	memcpy(f->last, line, n);
	f->last[n] = '\0';
}

unsigned long bench_log_follow_scan(struct bench_log_follow *f, const struct shim_host *h,
				 enum shim_qemu_log_kind which, const char *const *signs)
{
	char chunk[FOLLOW_CHUNK];
	size_t n;

	while ((n = shim_qemu_host_log_read(h, which, f->offset, chunk, sizeof(chunk))) > 0) {
		char *line = chunk, *nl;
		size_t used = 0;

		while ((nl = memchr(line, '\n', n - used)) != NULL) {
			*nl = '\0';
			follow_line(f, line, signs);
			used += (size_t)(nl - line) + 1;
			line = nl + 1;
		}
		/* A full chunk without a newline is one overlong line: take it whole. */
		if (used == 0 && n == sizeof(chunk) - 1) {
			follow_line(f, chunk, signs);
			used = n;
		}
		f->offset += used;
		if (used < n)
			break; /* a partial line: wait for the rest */
	}
	return f->matches;
}
