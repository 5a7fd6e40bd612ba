/* libc helpers exposed to drivers under the shim_ prefix, so driver code
 * names no libc header; overflow checks use the compiler builtins. */
#include "shim/libkern.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void *shim_memcpy(void *dst, const void *src, size_t n)
{
	/* memcpy(NULL, x, 0) is undefined in C; make n == 0 always safe. */
	if (n == 0)
		return dst;
	return memcpy(dst, src, n);
}

void *shim_memset(void *dst, int c, size_t n)
{
	if (n == 0)
		return dst;
	return memset(dst, c, n);
}

int shim_memcmp(const void *a, const void *b, size_t n)
{
	if (n == 0)
		return 0;
	return memcmp(a, b, n);
}

size_t shim_strlen(const char *s)
{
	return strlen(s);
}

int shim_strcmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

int shim_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

bool shim_add_overflows_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return true;
	*out = r;
	return false;
}

bool shim_mul_overflows_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return true;
	*out = r;
	return false;
}
