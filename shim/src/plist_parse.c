/* The bounded property-list parse (shim/plist_parse.h): the bytes are
 * scanned before libplist sees them, because libplist recurses once per
 * level when it frees a list (and when it parses a binary one), reads a
 * number's text with strtoll in base 0, and keeps a string's NUL bytes
 * where C strings end. An XML list is scanned as text (plist_xml below),
 * a binary one as its object graph (plist_bin.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "shim/plist_parse.h"

shim_ret shim_plist_refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return SHIM_ERR_BAD_ARGUMENT;
}

static bool plist_starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

static const char *plist_find(const char *p, const char *end, const char *s)
{
	return memmem(p, (size_t)(end - p), s, strlen(s));
}

static bool plist_name_is(const char *n, size_t len, const char *s)
{
	return len == strlen(s) && strncasecmp(n, s, len) == 0;
}

static bool plist_only_space(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!isspace((unsigned char)*p))
			return false;
	return true;
}

/* Decimal without a leading zero, or 0x-hex, optionally signed, within
 * int64_t: what macOS and libplist read the same way. */
static bool plist_integer_ok(const char *s, const char *end)
{
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	unsigned base = 10, digits = 0;

	while (s < end && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (s < end && (*s == '-' || *s == '+'))
		limit += *s++ == '-'; /* INT64_MIN's magnitude */
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (end - s > 1 && s[0] == '0') {
		return false; /* libplist: octal; macOS: decimal */
	}
	for (; s < end; s++, digits++) {
		unsigned d;

		if (isdigit((unsigned char)*s))
			d = (unsigned)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return false;
		if (v > (limit - d) / base)
			return false;
		v = v * base + d;
	}
	return digits > 0;
}

/* Comments, CDATA, processing instructions and declarations are skipped
 * whole, since a "</array>" inside one must not count; a declaration only
 * up to its first '>', so anything a parser might still read as a tag is
 * counted (counting too much refuses a list, too little would let one by). */
static const char *plist_xml_skip(const char *p, const char *end, const char *b, char *why,
				  size_t len, shim_ret *r)
{
	static const char *const opens[] = { "<!--", "<![CDATA[", "<?", "<!" };
	static const char *const closes[] = { "-->", "]]>", "?>", ">" };

	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		const char *q;

		if (!plist_starts(p, end, opens[i]))
			continue;
		q = plist_find(p + strlen(opens[i]), end, closes[i]);
		if (q == NULL) {
			*r = shim_plist_refuse(why, len, "parse error: '%s' at byte %zu never ends",
					       opens[i], (size_t)(p - b));
			return NULL;
		}
		return q + strlen(closes[i]);
	}
	return p;
}

static shim_ret plist_xml(const char *b, size_t n, char *why, size_t len)
{
	const char *p = b, *end = b + n, *nul = memchr(b, '\0', n);
	unsigned depth = 0;
	shim_ret r = SHIM_OK;

	if (nul != NULL)
		return shim_plist_refuse(why, len, "a NUL byte at byte %zu (a string holding one "
					 "would end there)", (size_t)(nul - b));
	while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		const char *tag = p, *name, *rest, *gt;
		size_t nlen = 0;
		bool closing;

		p = plist_xml_skip(tag, end, b, why, len, &r);
		if (p == NULL)
			return r;
		if (p != tag)
			continue;
		closing = end - tag > 1 && tag[1] == '/';
		name = tag + 1 + closing;
		while (name + nlen < end && (isalnum((unsigned char)name[nlen]) || name[nlen] == '_'))
			nlen++;
		rest = name + nlen;
		gt = rest < end ? memchr(rest, '>', (size_t)(end - rest)) : NULL;
		if (gt == NULL)
			return shim_plist_refuse(why, len, "parse error: the tag at byte %zu never ends",
						 (size_t)(tag - b));
		p = gt + 1;
		if (plist_name_is(name, nlen, "array") || plist_name_is(name, nlen, "dict")) {
			bool empty = gt[-1] == '/' && plist_only_space(rest, gt - 1);

			if (closing && depth > 0)
				depth--;
			else if (!closing && !empty && ++depth > SHIM_PLIST_MAX_DEPTH)
				return shim_plist_refuse(why, len, "arrays and dictionaries nested deeper "
							 "than %d (at byte %zu)", SHIM_PLIST_MAX_DEPTH,
							 (size_t)(tag - b));
		} else if (!closing && plist_name_is(name, nlen, "integer")) {
			const char *stop = memchr(p, '<', (size_t)(end - p));

			if (stop == NULL)
				stop = end;
			if (gt[-1] == '/' || !plist_integer_ok(p, stop))
				return shim_plist_refuse(why, len, "<integer> '%.*s' at byte %zu is not a "
							 "decimal (without leading zeros) or 0x "
							 "integer of at most 64 bits",
							 (int)(stop - p > 40 ? 40 : stop - p), p,
							 (size_t)(tag - b));
		}
	}
	return SHIM_OK;
}

shim_ret shim_plist_parse(const char *bytes, size_t n, plist_t *out, char *why, size_t len)
{
	bool binary = n >= 8 && memcmp(bytes, "bplist00", 8) == 0;
	shim_ret r;

	if (why != NULL && len > 0)
		why[0] = '\0';
	if (out == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (bytes == NULL || n == 0)
		return shim_plist_refuse(why, len, "empty");
	if (n > SHIM_PLIST_MAX_BYTES)
		return shim_plist_refuse(why, len, "%zu bytes: larger than the %u a property list "
					 "may have here", n, SHIM_PLIST_MAX_BYTES);
	r = binary ? shim_plist_scan_bin((const uint8_t *)bytes, n, why, len)
		   : plist_xml(bytes, n, why, len);
	if (r != SHIM_OK)
		return r;
	plist_from_memory(bytes, (uint32_t)n, out);
	if (*out == NULL)
		return shim_plist_refuse(why, len, "parse error: libplist cannot read it as %s "
					 "property list", binary ? "a binary" : "an XML");
	return SHIM_OK;
}

bool shim_plist_int(plist_t node, int64_t min, int64_t max, int64_t *out)
{
	uint64_t u = 0;
	int64_t v;

	if (node == NULL || plist_get_node_type(node) != PLIST_UINT)
		return false;
	plist_get_uint_val(node, &u);
	v = (int64_t)u; /* the parse admits only values of int64_t */
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}
