/* The trust-boundary scan: every byte a user client hands back to a client
 * (scalar and structure outputs, completion values) is checked for what a
 * kernel must never disclose. Uninitialised bytes show as the fills that
 * mark them: the shim's output poison (SHIM_UC_POISON), its heap and DMA
 * buffer fill (SHIM_ALLOC_FILL), and the compilers' stack pattern of
 * -ftrivial-auto-var-init=pattern (0xaa for clang, 0xfe for gcc): a 32-bit
 * word of one fill byte is a finding. A word that points into the
 * process's heap, stack, code or globals, or into a live shim allocation,
 * is a kernel address disclosed. The client's own values are kept from
 * looking like either (fuzz_scan_clean_*), so an echo is never a finding. */
#ifndef FUZZ_SCAN_H
#define FUZZ_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fuzz_scan_kind {
	FUZZ_SCAN_POISON,  /* the shim's output poison: a byte the method never wrote */
	FUZZ_SCAN_HEAP,    /* the shim's fill of fresh memory: uninitialised heap or DMA bytes */
	FUZZ_SCAN_STACK,   /* a compiler's auto-var-init pattern: uninitialised stack bytes */
	FUZZ_SCAN_POINTER, /* an address in the process */
};

struct fuzz_scan_hit {
	enum fuzz_scan_kind kind;
	size_t offset;     /* byte offset (structure) or scalar index */
	uint64_t value;
	char where[96];    /* for a pointer: what it points into */
};

/* Reads the address-space map (call again after code is mapped). */
void fuzz_scan_refresh(void);
/* The first finding among n scalars / in n bytes; false when clean. */
bool fuzz_scan_scalars(const uint64_t *v, uint32_t n, struct fuzz_scan_hit *hit);
bool fuzz_scan_bytes(const void *p, size_t n, struct fuzz_scan_hit *hit);
/* "uninitialised output (shim poison 0xa5)", "kernel address disclosed" ... */
const char *fuzz_scan_kind_name(enum fuzz_scan_kind k);
/* Client data that would pass for a fill or an address (also once
 * complemented, as a readback may be) is nudged off it. */
uint64_t fuzz_scan_clean_scalar(uint64_t v);
void fuzz_scan_clean_bytes(void *p, size_t n);

#endif
