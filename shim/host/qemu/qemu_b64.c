/* Standard base64 (RFC 4648, '=' padding) for qtest's b64read/b64write. */
#include <string.h>

#include "qemu_internal.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t shim_qemu_b64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void shim_qemu_b64_encode(const void *src, size_t n, char *dst)
{
	const uint8_t *s = src;
	size_t i = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*dst++ = b64_alphabet[v >> 18 & 63];
		*dst++ = b64_alphabet[v >> 12 & 63];
		*dst++ = b64_alphabet[v >> 6 & 63];
		*dst++ = b64_alphabet[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
		*dst++ = b64_alphabet[v >> 18 & 63];
		*dst++ = b64_alphabet[v >> 12 & 63];
		*dst++ = i + 1 < n ? b64_alphabet[v >> 6 & 63] : '=';
		*dst++ = '=';
	}
	*dst = '\0';
}

static int b64_value(char ch)
{
	const char *p = ch ? strchr(b64_alphabet, ch) : NULL;

	return p ? (int)(p - b64_alphabet) : -1;
}

bool shim_qemu_b64_decode(const char *text, void *dst, size_t n)
{
	uint8_t *d = dst;
	size_t out = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	const char *p = text;

	for (; *p && *p != '='; p++) {
		int v = b64_value(*p);

		if (v < 0)
			return false;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (out == n)
				return false;
			d[out++] = (uint8_t)(acc >> bits);
		}
	}
	while (*p == '=')
		p++;
	return *p == '\0' && out == n;
}
