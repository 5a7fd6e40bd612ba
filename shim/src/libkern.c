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

/* Little-endian device data: byte-wise composition is correct on any host
 * and compiles to a move (or one bswap) where the orders agree. */
uint16_t shim_le16_to_host(uint16_t v)
{
	const uint8_t *b = (const uint8_t *)&v;

	return (uint16_t)(b[0] | b[1] << 8);
}

uint32_t shim_le32_to_host(uint32_t v)
{
	const uint8_t *b = (const uint8_t *)&v;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t shim_le64_to_host(uint64_t v)
{
	const uint8_t *b = (const uint8_t *)&v;
	uint64_t r = 0;

	for (int i = 7; i >= 0; i--)
		r = r << 8 | b[i];
	return r;
}

/* The same operation both ways: swapping twice is the identity. */
uint16_t shim_host_to_le16(uint16_t v)
{
	return shim_le16_to_host(v);
}

uint32_t shim_host_to_le32(uint32_t v)
{
	return shim_le32_to_host(v);
}

uint64_t shim_host_to_le64(uint64_t v)
{
	return shim_le64_to_host(v);
}

void shim_synchronize_io(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
