/* Just enough JSON for QMP: check that a command is one object on one
 * line, and find top-level members of a reply or event. QMP lines are
 * produced by QEMU, so no full parser (and no library) is needed. */
#include <string.h>

#include "qemu_internal.h"

/* Returns the character after the string starting at p (p at '"'), or NULL. */
static const char *json_skip_string(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return NULL;
			p++;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

static const char *json_skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

bool shim_qemu_json_is_one_object(const char *text)
{
	const char *p = json_skip_space(text);
	int depth = 0;

	if (*p != '{')
		return false;
	while (*p) {
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return false;
		if (*p == '"') {
			p = json_skip_string(p);
			if (!p)
				return false;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		p++;
		if (depth < 0)
			return false;
		if (depth == 0)
			return *json_skip_space(p) == '\0';
	}
	return false;
}

/* Finds top-level member `key`; returns a pointer to its value or NULL. */
static const char *json_member(const char *text, const char *key)
{
	const char *p = json_skip_space(text);
	size_t klen = strlen(key);
	int depth = 0;
	bool expect_key = false;

	if (*p != '{')
		return NULL;
	while (*p) {
		if (*p == '"') {
			const char *end = json_skip_string(p);
			if (!end)
				return NULL;
			if (depth == 1 && expect_key) {
				const char *colon = json_skip_space(end);
				if (*colon == ':' && (size_t)(end - p) == klen + 2 &&
				    memcmp(p + 1, key, klen) == 0)
					return json_skip_space(colon + 1);
			}
			expect_key = false;
			p = end;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
		if (depth == 1 && (*p == '{' || *p == ','))
			expect_key = true;
		if (depth <= 0 && *p != '{')
			return NULL;
		p++;
	}
	return NULL;
}

bool shim_qemu_json_has_key(const char *text, const char *key)
{
	return json_member(text, key) != NULL;
}

bool shim_qemu_json_string(const char *text, const char *key, char *out, size_t len)
{
	const char *v = json_member(text, key);
	const char *end;
	size_t n;

	if (!v || *v != '"' || !(end = json_skip_string(v)))
		return false;
	n = (size_t)(end - v) - 2;
	if (len == 0 || n >= len)
		return false;
	memcpy(out, v + 1, n);
	out[n] = '\0';
	return true;
}
