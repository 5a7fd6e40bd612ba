/* Memory descriptors and DMA buffers. A device may DMA only to memory that
 * is prepared (wired, physical addresses fixed); prepare/complete nest and
 * must balance. DMA buffers live in the host's guest RAM under a
 * physical-address mask (e.g. 0x0FFFFFFF for a 28-bit device); pageable
 * memory is page-scattered anywhere in RAM and reaches a device through a
 * DMA command (shim/dma.h). New memory of either kind comes zeroed. */
#ifndef SHIM_MEMORY_H
#define SHIM_MEMORY_H

#include "shim/pci.h"
#include "shim/types.h"

typedef struct shim_memdesc shim_memdesc;

/* Physically contiguous buffer in guest RAM, every byte below or at
 * phys_mask, aligned to `align` (power of two, 0 = 4096). Counted as wired.
 * Zeroed: a new buffer never shows what an earlier one held (a completion
 * queue's phase tags start at 0, say). */
shim_ret shim_dma_buffer_alloc_(shim_pci_device *dev, uint64_t size, uint64_t align,
				uint64_t phys_mask, shim_memdesc **out, const char *file, int line);
#define shim_dma_buffer_alloc(d, s, a, m, o) \
	shim_dma_buffer_alloc_((d), (s), (a), (m), (o), __FILE__, __LINE__)

/* Pageable memory (an IOBufferMemoryDescriptor without physical
 * contiguity, as client buffers are): size bytes on whole 4 KiB pages,
 * each placed on its own anywhere in guest RAM (above 4 GiB where the host
 * has RAM there), so they are not contiguous. Zeroed, counted as wired. A
 * device reaches it through a DMA command; shim_memdesc_dma_address gives
 * an address only for a range inside one page run. */
shim_ret shim_memdesc_alloc_pages_(shim_pci_device *dev, uint64_t size, shim_memdesc **out,
				   const char *file, int line);
#define shim_memdesc_alloc_pages(d, s, o) shim_memdesc_alloc_pages_((d), (s), (o), __FILE__, __LINE__)

shim_ret shim_memdesc_prepare_(shim_memdesc *md, const char *file, int line);
shim_ret shim_memdesc_complete_(shim_memdesc *md, const char *file, int line);
void shim_memdesc_release_(shim_memdesc *md, const char *file, int line);
#define shim_memdesc_prepare(md) shim_memdesc_prepare_((md), __FILE__, __LINE__)
#define shim_memdesc_complete(md) shim_memdesc_complete_((md), __FILE__, __LINE__)
#define shim_memdesc_release(md) shim_memdesc_release_((md), __FILE__, __LINE__)

uint64_t shim_memdesc_length(const shim_memdesc *md);
bool shim_memdesc_is_prepared(const shim_memdesc *md);

/* Bus address of [off, off+len): only while prepared (else a verifier
 * record and SHIM_ERR_NOT_READY); range-checked; SHIM_ERR_UNSUPPORTED when
 * the range is not physically contiguous (pageable memory). */
shim_ret shim_memdesc_dma_address_(shim_memdesc *md, uint64_t off, uint64_t len, uint64_t *addr,
				   const char *file, int line);
#define shim_memdesc_dma_address(md, o, l, a) \
	shim_memdesc_dma_address_((md), (o), (l), (a), __FILE__, __LINE__)

/* CPU access to the descriptor's bytes (range-checked): a copy through the
 * host's mapping of guest RAM, or through the host itself without one. */
shim_ret shim_memdesc_read(shim_memdesc *md, uint64_t off, void *dst, uint64_t len);
shim_ret shim_memdesc_write(shim_memdesc *md, uint64_t off, const void *src, uint64_t len);

/* The CPU's own view of a contiguous buffer (getBytesNoCopy's role): a
 * pointer to its first byte, valid until the descriptor is released, with
 * no copy and no host exchange per access. The device may change the bytes
 * at any time: read a field once, and put shim_synchronize_io() between
 * reading a device's flag (a phase tag) and the data behind it, and
 * between writing data and telling the device (a doorbell). Multi-byte
 * fields are in the device's byte order (shim_le32_to_host, ...).
 * SHIM_ERR_UNSUPPORTED for pageable memory and on a host that cannot map
 * guest RAM: then use shim_memdesc_read and shim_memdesc_write. */
shim_ret shim_memdesc_map(shim_memdesc *md, void **ptr);

#endif
