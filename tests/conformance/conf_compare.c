/* The allow-list and the trace comparison. Lines are compared as text with
 * their repeat counts; allowed lines are dropped from both sides first. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define CONF_CONTEXT 3

static char *conf_trim(char *s)
{
	char *end = s + strlen(s);

	while (*s && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* "pattern  reason": the reason starts after the first tab or double space. */
static bool conf_allow_parse(char *line, struct conf_allow *out)
{
	char *cut = line, *reason;

	while (*cut && *cut != '\t' && !(cut[0] == ' ' && cut[1] == ' '))
		cut++;
	if (*cut == '\0')
		return false;
	*cut = '\0';
	reason = conf_trim(cut + 1);
	line = conf_trim(line);
	if (*line == '\0' || *reason == '\0' || strlen(line) >= sizeof(out->pattern))
		return false;
	snprintf(out->pattern, sizeof(out->pattern), "%s", line);
	snprintf(out->reason, sizeof(out->reason), "%s", reason);
	out->used = 0;
	return true;
}

bool conf_allowlist_load(struct conf_allowlist *al, const char *path, char *why, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned lineno = 0;
	bool ok = true;

	memset(al, 0, sizeof(*al));
	if (f == NULL) {
		snprintf(why, len, "cannot open allow-list %s", path);
		return false;
	}
	while (ok && fgets(line, sizeof(line), f) != NULL) {
		char *s = conf_trim(line);
		struct conf_allow *items;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		items = realloc(al->items, (al->count + 1) * sizeof(*items));
		if (items == NULL) {
			snprintf(why, len, "out of memory");
			ok = false;
			break;
		}
		al->items = items;
		if (!conf_allow_parse(s, &al->items[al->count])) {
			snprintf(why, len, "%s:%u: expected 'pattern  reason' (reason required)", path,
				 lineno);
			ok = false;
		} else {
			al->count++;
		}
	}
	fclose(f);
	if (!ok)
		conf_allowlist_free(al);
	return ok;
}

void conf_allowlist_free(struct conf_allowlist *al)
{
	free(al->items);
	al->items = NULL;
	al->count = 0;
}

static bool conf_allowed(struct conf_allowlist *al, const char *text)
{
	for (size_t i = 0; i < al->count; i++)
		if (fnmatch(al->items[i].pattern, text, 0) == 0) {
			al->items[i].used++;
			return true;
		}
	return false;
}

/* Indexes of the lines that are not allowed to differ. Caller frees. */
static size_t conf_keep(const struct bench_trace_line *l, size_t n, struct conf_allowlist *al,
			size_t **out)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx)), k = 0;

	for (size_t i = 0; idx != NULL && i < n; i++)
		if (!conf_allowed(al, l[i].text))
			idx[k++] = i;
	*out = idx;
	return idx != NULL ? k : 0;
}

static size_t conf_show(char *why, size_t len, size_t at, const char *side,
			const struct bench_trace_line *l, const size_t *idx, size_t n, size_t from)
{
	at += (size_t)snprintf(why + at, at < len ? len - at : 0, "\n  %s:", side);
	for (size_t i = from; i < n && i < from + CONF_CONTEXT && at < len; i++)
		at += (size_t)snprintf(why + at, len - at, "\n    [%zu] %s x%lu", idx[i],
				       l[idx[i]].text, l[idx[i]].count);
	if (from >= n && at < len)
		at += (size_t)snprintf(why + at, len - at, "\n    (trace ends)");
	return at;
}

bool conf_compare(const struct bench_trace_line *a, size_t na, const struct bench_trace_line *b,
		  size_t nb, struct conf_allowlist *al, char *why, size_t len)
{
	size_t *ia = NULL, *ib = NULL, ka = conf_keep(a, na, al, &ia), kb = conf_keep(b, nb, al, &ib);
	size_t i = 0, at;
	bool same;

	if (ia == NULL || ib == NULL) {
		free(ia);
		free(ib);
		snprintf(why, len, "out of memory");
		return false;
	}
	while (i < ka && i < kb && a[ia[i]].count == b[ib[i]].count &&
	       strcmp(a[ia[i]].text, b[ib[i]].text) == 0)
		i++;
	same = i == ka && i == kb;
	if (!same) {
		at = (size_t)snprintf(why, len, "traces differ at compared line %zu (of %zu vs %zu):",
				      i, ka, kb);
		at = conf_show(why, len, at, "first", a, ia, ka, i);
		conf_show(why, len, at, "second", b, ib, kb, i);
	}
	free(ia);
	free(ib);
	return same;
}

void conf_trace_dump(const char *path, const struct bench_trace_line *l, size_t n)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s x%lu\n", l[i].text, l[i].count);
	fclose(f);
}
