/* Memory descriptors and DMA buffers. A device may DMA only to memory that
 * is prepared (wired, physical addresses fixed); prepare/complete nest and
 * must balance. DMA buffers live in the host's guest RAM under a
 * physical-address mask (e.g. 0x0FFFFFFF for a 28-bit device). */
#ifndef SHIM_MEMORY_H
#define SHIM_MEMORY_H

#include "shim/pci.h"
#include "shim/types.h"

typedef struct shim_memdesc shim_memdesc;

/* Physically contiguous buffer in guest RAM, every byte below or at
 * phys_mask, aligned to `align` (power of two, 0 = 4096). Counted as wired. */
shim_ret shim_dma_buffer_alloc_(shim_pci_device *dev, uint64_t size, uint64_t align,
				uint64_t phys_mask, shim_memdesc **out, const char *file, int line);
#define shim_dma_buffer_alloc(d, s, a, m, o) \
	shim_dma_buffer_alloc_((d), (s), (a), (m), (o), __FILE__, __LINE__)

shim_ret shim_memdesc_prepare_(shim_memdesc *md, const char *file, int line);
shim_ret shim_memdesc_complete_(shim_memdesc *md, const char *file, int line);
void shim_memdesc_release_(shim_memdesc *md, const char *file, int line);
#define shim_memdesc_prepare(md) shim_memdesc_prepare_((md), __FILE__, __LINE__)
#define shim_memdesc_complete(md) shim_memdesc_complete_((md), __FILE__, __LINE__)
#define shim_memdesc_release(md) shim_memdesc_release_((md), __FILE__, __LINE__)

uint64_t shim_memdesc_length(const shim_memdesc *md);
bool shim_memdesc_is_prepared(const shim_memdesc *md);

/* Bus address of [off, off+len): only while prepared (else a verifier
 * record and SHIM_ERR_NOT_READY); range-checked. */
shim_ret shim_memdesc_dma_address_(shim_memdesc *md, uint64_t off, uint64_t len, uint64_t *addr,
				   const char *file, int line);
#define shim_memdesc_dma_address(md, o, l, a) \
	shim_memdesc_dma_address_((md), (o), (l), (a), __FILE__, __LINE__)

/* CPU access to the descriptor's bytes (range-checked). */
shim_ret shim_memdesc_read(shim_memdesc *md, uint64_t off, void *dst, uint64_t len);
shim_ret shim_memdesc_write(shim_memdesc *md, uint64_t off, const void *src, uint64_t len);

#endif
