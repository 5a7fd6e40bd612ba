/* The "key=value,flag,..." option walker of model/options.h: items are
 * copied out so callers compare keys with strcmp and keep no pointer into
 * the caller's string. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/options.h"

__attribute__((format(printf, 3, 4))) static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

int model_option_next(const char **cursor, struct model_option *out, char *why, size_t len)
{
	const char *s, *end, *eq;
	size_t klen, vlen;

	memset(out, 0, sizeof(*out));
	if (!cursor || !*cursor)
		return 0;
	s = *cursor;
	while (*s == ',')
		s++;
	if (!*s) {
		*cursor = s;
		return 0;
	}
	end = strchr(s, ',');
	if (!end)
		end = s + strlen(s);
	eq = memchr(s, '=', (size_t)(end - s));
	klen = (size_t)((eq ? eq : end) - s);
	vlen = eq ? (size_t)(end - eq - 1) : 0;
	*cursor = end;
	if (klen == 0) {
		say(why, len, "option '%.*s' has no name before its '='", (int)(end - s), s);
		return -1;
	}
	if (klen >= sizeof(out->key)) {
		say(why, len, "option name '%.16s...' longer than %zu characters", s,
		    sizeof(out->key) - 1);
		return -1;
	}
	memcpy(out->key, s, klen);
	if (vlen >= sizeof(out->value)) {
		say(why, len, "option '%s': value longer than %zu characters", out->key,
		    sizeof(out->value) - 1);
		return -1;
	}
	if (eq)
		memcpy(out->value, eq + 1, vlen);
	out->has_value = eq != NULL;
	return 1;
}

bool model_option_u64(const struct model_option *o, uint64_t max, uint64_t *out, char *why,
		      size_t len)
{
	const char *v = o->value;
	char *end;
	unsigned long long n;

	if (!o->has_value || !*v) {
		say(why, len, "option '%s' needs a value (%s=N)", o->key, o->key);
		return false;
	}
	errno = 0;
	n = strtoull(v, &end, 0);
	if (!isdigit((unsigned char)*v) || errno == EINVAL || *end) {
		say(why, len, "option '%s': '%s' is not a number", o->key, v);
		return false;
	}
	if (errno == ERANGE || n > max) {
		say(why, len, "option '%s': %s is above the largest value 0x%" PRIx64, o->key, v,
		    max);
		return false;
	}
	*out = n;
	return true;
}

bool model_option_is_flag(const struct model_option *o, char *why, size_t len)
{
	if (o->has_value) {
		say(why, len, "option '%s' is a flag and takes no value ('%s=...' given)", o->key,
		    o->key);
		return false;
	}
	return true;
}
