/* The few libc helpers a driver may use: drivers include no libc header
 * beyond the freestanding ones, as a kernel extension would not. */
#ifndef SHIM_LIBKERN_H
#define SHIM_LIBKERN_H

#include "shim/types.h"

void *shim_memcpy(void *dst, const void *src, size_t n);
void *shim_memset(void *dst, int c, size_t n);
int shim_memcmp(const void *a, const void *b, size_t n);
size_t shim_strlen(const char *s);
int shim_strcmp(const char *a, const char *b);
/* snprintf semantics: always NUL-terminates when size > 0. */
int shim_snprintf(char *buf, size_t size, const char *fmt, ...) SHIM_PRINTF(3, 4);

/* Overflow-checked arithmetic: true on overflow (then *out is left alone),
 * else false with the result in *out. */
bool shim_add_overflows_u64(uint64_t a, uint64_t b, uint64_t *out);
bool shim_mul_overflows_u64(uint64_t a, uint64_t b, uint64_t *out);

/* Byte order (OSSwap's role): little-endian device data to the CPU's order
 * and back. The identity on little-endian hosts, a swap elsewhere. */
uint16_t shim_le16_to_host(uint16_t v);
uint32_t shim_le32_to_host(uint32_t v);
uint64_t shim_le64_to_host(uint64_t v);
uint16_t shim_host_to_le16(uint16_t v);
uint32_t shim_host_to_le32(uint32_t v);
uint64_t shim_host_to_le64(uint64_t v);

/* An I/O barrier (OSSynchronizeIO's role): every load and store before it,
 * to DMA memory or registers, completes before any after it. Needed once a
 * driver reads completions from mapped memory: between seeing a new phase
 * tag and reading the entry behind it, and between filling a submission
 * entry and ringing the doorbell. */
void shim_synchronize_io(void);

#endif
