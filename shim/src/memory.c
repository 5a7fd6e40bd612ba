/* Memory descriptors over guest RAM: contiguous DMA buffers and pageable
 * (page-scattered) memory, zeroed when made; prepare/complete bookkeeping,
 * bus addresses only while prepared, CPU access through the host's mapping
 * of guest RAM (or copies through the host without one), and the check
 * that every device DMA the host observed hit prepared memory. */
#include <string.h>

#include "machine_internal.h"
#include "shim/alloc.h"

static shim_class shim_memdesc_class = SHIM_CLASS_INIT("ShimMemoryDescriptor");

#define SHIM_DMA_DEFAULT_ALIGN 4096u
#define SHIM_ZERO_CHUNK 4096u

static void shim_memdesc_free(shim_object *obj)
{
	shim_memdesc *md = (shim_memdesc *)obj;
	shim_pci_device *dev = md->dev;
	shim_machine *m = dev->m;

	if (md->prev)
		md->prev->next = md->next;
	else
		m->memdescs = md->next;
	if (md->next)
		md->next->prev = md->prev;
	if (md->pages) {
		for (uint64_t i = 0; i < md->npages; i++)
			shim_dma_pool_free(m->pool, md->pages[i], SHIM_PAGE_SIZE);
		shim_free(md->pages, md->npages * sizeof(*md->pages));
	} else {
		shim_dma_pool_free(m->pool, md->phys, md->length);
	}
	shim_counters_wired_add(-(int64_t)md->length);
	if (md->client != NULL)
		shim_client_map_put_(md->client);
	shim_free(md, sizeof(*md));
	shim_pci_device_release(dev);
}

/* Zeroes guest RAM [addr, addr+len): through the mapping, else in chunks
 * through the host. */
static shim_ret shim_ram_zero(shim_machine *m, uint64_t addr, uint64_t len)
{
	static const uint8_t zeros[SHIM_ZERO_CHUNK];
	uint8_t *p = shim_machine_ram_ptr(m, addr, len);

	if (p) {
		memset(p, 0, (size_t)len);
		return SHIM_OK;
	}
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done < SHIM_ZERO_CHUNK ? len - done : SHIM_ZERO_CHUNK;
		shim_ret r = shim_hostcall_ram_write(m, addr + done, zeros, (size_t)n);

		if (r != SHIM_OK)
			return r;
		done += n;
	}
	return SHIM_OK;
}

/* Links a filled-in descriptor into the machine and counts it. */
static void shim_memdesc_publish(shim_memdesc *md, shim_pci_device *dev)
{
	shim_object_init(&md->obj, &shim_memdesc_class, shim_memdesc_free);
	shim_object_retain(&dev->obj);
	md->dev = dev;
	md->next = dev->m->memdescs;
	if (md->next)
		md->next->prev = md;
	dev->m->memdescs = md;
	shim_counters_wired_add((int64_t)md->length);
}

/* zero false: the caller writes every byte at once (a client's input). */
static shim_ret shim_memdesc_contiguous(shim_pci_device *dev, uint64_t size, uint64_t align,
					uint64_t phys_mask, shim_memdesc **out, bool zero)
{
	shim_memdesc *md = shim_zalloc(sizeof(*md));
	uint64_t phys;
	shim_ret r;

	if (!md)
		return SHIM_ERR_NO_MEMORY;
	r = shim_dma_pool_alloc(dev->m->pool, size, align, phys_mask, &phys);
	if (r != SHIM_OK) {
		shim_free(md, sizeof(*md));
		return r;
	}
	r = zero ? shim_ram_zero(dev->m, phys, size) : SHIM_OK;
	if (r != SHIM_OK) {
		shim_dma_pool_free(dev->m->pool, phys, size);
		shim_free(md, sizeof(*md));
		return r;
	}
	md->phys = phys;
	md->length = size;
	shim_memdesc_publish(md, dev);
	*out = md;
	return SHIM_OK;
}

shim_ret shim_dma_buffer_alloc_(shim_pci_device *dev, uint64_t size, uint64_t align,
				uint64_t phys_mask, shim_memdesc **out, const char *file, int line)
{
	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (SHIM_FAULT(SHIM_FAULT_DMA_ALLOC, file, line))
		return SHIM_ERR_NO_MEMORY;
	if (!dev || size == 0 || phys_mask == 0)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!shim_context_may_block_("shim_dma_buffer_alloc", file, line))
		return SHIM_ERR_NOT_PERMITTED;
	if (align == 0)
		align = SHIM_DMA_DEFAULT_ALIGN;
	if (align & (align - 1))
		return SHIM_ERR_BAD_ARGUMENT;
	if (dev->gone)
		return SHIM_ERR_NO_DEVICE;
	return shim_memdesc_contiguous(dev, size, align, phys_mask, out, true);
}

/* A client's memory (a structure input snapshot): it exists whether or not
 * the device does. */
shim_ret shim_dma_buffer_client_(shim_pci_device *dev, uint64_t size, shim_memdesc **out)
{
	*out = NULL;
	return shim_memdesc_contiguous(dev, size, SHIM_DMA_DEFAULT_ALIGN, UINT64_MAX, out, false);
}

shim_ret shim_memdesc_alloc_internal(shim_pci_device *dev, uint64_t size, uint64_t align,
				     uint64_t phys_mask, shim_memdesc **out)
{
	*out = NULL;
	if (dev->gone)
		return SHIM_ERR_NO_DEVICE;
	if (align < SHIM_DMA_DEFAULT_ALIGN)
		align = SHIM_DMA_DEFAULT_ALIGN;
	return shim_memdesc_contiguous(dev, size, align, phys_mask, out, true);
}

static void shim_pages_free(shim_machine *m, uint64_t *pages, uint64_t n, uint64_t cap)
{
	for (uint64_t i = 0; i < n; i++)
		shim_dma_pool_free(m->pool, pages[i], SHIM_PAGE_SIZE);
	shim_free(pages, cap * sizeof(*pages));
}

shim_ret shim_memdesc_alloc_pages_(shim_pci_device *dev, uint64_t size, shim_memdesc **out,
				   const char *file, int line)
{
	shim_memdesc *md;
	uint64_t n, *pages;
	shim_ret r = SHIM_OK;

	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (SHIM_FAULT(SHIM_FAULT_DMA_ALLOC, file, line))
		return SHIM_ERR_NO_MEMORY;
	if (!dev || size == 0 || size > UINT64_MAX - SHIM_PAGE_SIZE)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!shim_context_may_block_("shim_memdesc_alloc_pages", file, line))
		return SHIM_ERR_NOT_PERMITTED;
	if (dev->gone)
		return SHIM_ERR_NO_DEVICE;
	n = (size + SHIM_PAGE_SIZE - 1) / SHIM_PAGE_SIZE;
	if (n > SIZE_MAX / sizeof(*pages))
		return SHIM_ERR_NO_MEMORY;
	md = shim_zalloc(sizeof(*md));
	pages = shim_malloc(n * sizeof(*pages));
	if (!md || !pages) {
		shim_free(md, sizeof(*md));
		shim_free(pages, n * sizeof(*pages));
		return SHIM_ERR_NO_MEMORY;
	}
	/* Page by page, each as high as RAM allows: a kernel's pageable memory
	 * is rarely contiguous, and the allocator's top-down search places
	 * successive pages in descending order, so no two touch in order. */
	for (uint64_t i = 0; i < n; i++) {
		r = shim_dma_pool_alloc(dev->m->pool, SHIM_PAGE_SIZE, SHIM_PAGE_SIZE, UINT64_MAX,
					&pages[i]);
		if (r == SHIM_OK && (r = shim_ram_zero(dev->m, pages[i], SHIM_PAGE_SIZE)) != SHIM_OK)
			i++; /* page i is ours: give it back too */
		if (r != SHIM_OK) {
			shim_pages_free(dev->m, pages, i, n);
			shim_free(md, sizeof(*md));
			return r;
		}
	}
	md->pages = pages;
	md->npages = n;
	md->length = size;
	shim_memdesc_publish(md, dev);
	*out = md;
	return SHIM_OK;
}

void shim_memdesc_wire(shim_memdesc *md)
{
	if (md->prepared++ == 0) {
		shim_counters_prepared_add(1);
		if (md->client != NULL)
			shim_client_map_sync_(md, true); /* the client's pages, wired as they are now */
	}
}

shim_ret shim_memdesc_unwire(shim_memdesc *md, const char *file, int line)
{
	if (md->prepared == 0) {
		shim_verifier_record_(SHIM_V_PREPARE_UNBALANCED, file, line,
				      "complete of a descriptor (0x%llx bytes) that is not prepared",
				      (unsigned long long)md->length);
		return SHIM_ERR_NOT_READY;
	}
	if (--md->prepared == 0) {
		shim_counters_prepared_add(-1);
		if (md->client != NULL && md->to_client)
			shim_client_map_sync_(md, false); /* what the device wrote, to the client */
	}
	return SHIM_OK;
}

shim_ret shim_memdesc_prepare_(shim_memdesc *md, const char *file, int line)
{
	if (!md)
		return SHIM_ERR_BAD_ARGUMENT;
	if (SHIM_FAULT(SHIM_FAULT_DMA_PREPARE, file, line))
		return SHIM_ERR_NO_RESOURCES; /* the pages could not be wired */
	shim_memdesc_wire(md);
	return SHIM_OK;
}

shim_ret shim_memdesc_complete_(shim_memdesc *md, const char *file, int line)
{
	if (!md)
		return SHIM_ERR_BAD_ARGUMENT;
	return shim_memdesc_unwire(md, file, line);
}

void shim_memdesc_release_(shim_memdesc *md, const char *file, int line)
{
	if (!md)
		return;
	if (md->prepared > 0) {
		shim_verifier_record_(SHIM_V_PREPARE_UNBALANCED, file, line,
				      "release of a descriptor still prepared %d time(s)",
				      md->prepared);
		md->prepared = 0;
		shim_counters_prepared_add(-1);
	}
	shim_object_release_(&md->obj, file, line);
}

uint64_t shim_memdesc_length(const shim_memdesc *md)
{
	return md ? md->length : 0;
}

bool shim_memdesc_is_prepared(const shim_memdesc *md)
{
	return md && md->prepared > 0;
}

static bool shim_memdesc_range_ok(const shim_memdesc *md, uint64_t off, uint64_t len)
{
	return off <= md->length && len <= md->length - off;
}

uint64_t shim_memdesc_phys_at(const shim_memdesc *md, uint64_t off, uint64_t *run)
{
	uint64_t page, in, addr;

	if (!md->pages) {
		*run = md->length - off;
		return md->phys + off;
	}
	page = off / SHIM_PAGE_SIZE;
	in = off % SHIM_PAGE_SIZE;
	addr = md->pages[page] + in;
	*run = SHIM_PAGE_SIZE - in;
	/* Pages that happen to follow each other physically form one run. */
	while (++page < md->npages && md->pages[page] == md->pages[page - 1] + SHIM_PAGE_SIZE)
		*run += SHIM_PAGE_SIZE;
	if (*run > md->length - off)
		*run = md->length - off;
	return addr;
}

shim_ret shim_memdesc_dma_address_(shim_memdesc *md, uint64_t off, uint64_t len, uint64_t *addr,
				   const char *file, int line)
{
	uint64_t run;

	if (!md || !addr)
		return SHIM_ERR_BAD_ARGUMENT;
	if (md->prepared == 0) {
		shim_verifier_record_(SHIM_V_DMA_UNPREPARED, file, line,
				      "DMA address of an unprepared descriptor");
		return SHIM_ERR_NOT_READY;
	}
	if (!shim_memdesc_range_ok(md, off, len) || (off == md->length && len))
		return SHIM_ERR_BAD_ARGUMENT;
	if (off == md->length) {
		*addr = md->pages ? 0 : md->phys + off;
		return md->pages ? SHIM_ERR_BAD_ARGUMENT : SHIM_OK;
	}
	*addr = shim_memdesc_phys_at(md, off, &run);
	/* One address only names physically contiguous bytes: a range over
	 * scattered pages needs a DMA command's segment list. */
	return len <= run ? SHIM_OK : SHIM_ERR_UNSUPPORTED;
}

shim_ret shim_memdesc_map(shim_memdesc *md, void **ptr)
{
	uint8_t *p;

	if (!md || !ptr)
		return SHIM_ERR_BAD_ARGUMENT;
	*ptr = NULL;
	if (md->pages)
		return SHIM_ERR_UNSUPPORTED; /* no one CPU address spans scattered pages */
	p = shim_machine_ram_ptr(md->dev->m, md->phys, md->length);
	if (!p)
		return SHIM_ERR_UNSUPPORTED;
	*ptr = p;
	return SHIM_OK;
}

/* Copies between guest RAM under md and buf, run by run. */
static shim_ret shim_memdesc_copy(shim_memdesc *md, uint64_t off, void *buf, uint64_t len,
				  bool to_ram)
{
	shim_machine *m = md->dev->m;
	uint8_t *b = buf;

	while (len > 0) {
		uint64_t run, addr = shim_memdesc_phys_at(md, off, &run);
		uint64_t n = run < len ? run : len;
		uint8_t *p = shim_machine_ram_ptr(m, addr, n);
		shim_ret r = SHIM_OK;

		if (p && to_ram)
			memcpy(p, b, (size_t)n);
		else if (p)
			memcpy(b, p, (size_t)n);
		else if (to_ram)
			r = shim_hostcall_ram_write(m, addr, b, (size_t)n);
		else
			r = shim_hostcall_ram_read(m, addr, b, (size_t)n);
		if (r != SHIM_OK)
			return r;
		off += n;
		b += n;
		len -= n;
	}
	return SHIM_OK;
}

shim_ret shim_memdesc_read(shim_memdesc *md, uint64_t off, void *dst, uint64_t len)
{
	if (!md || (!dst && len) || !shim_memdesc_range_ok(md, off, len))
		return SHIM_ERR_BAD_ARGUMENT;
	return shim_memdesc_copy(md, off, dst, len, false);
}

shim_ret shim_memdesc_write(shim_memdesc *md, uint64_t off, const void *src, uint64_t len)
{
	if (!md || (!src && len) || !shim_memdesc_range_ok(md, off, len))
		return SHIM_ERR_BAD_ARGUMENT;
	/* The source is only read: the cast serves the shared copy loop. */
	return shim_memdesc_copy(md, off, (void *)(uintptr_t)src, len, true);
}

static bool shim_range_holds(uint64_t base, uint64_t size, uint64_t addr, uint64_t len)
{
	return addr >= base && len <= size && addr - base <= size - len;
}

bool shim_memdesc_covers_dma(shim_machine *m, uint64_t addr, uint64_t len)
{
	for (const shim_memdesc *md = m->memdescs; md; md = md->next) {
		if (md->prepared == 0)
			continue;
		if (!md->pages && shim_range_holds(md->phys, md->length, addr, len))
			return true;
		for (uint64_t off = 0; md->pages && off < md->length;) {
			uint64_t run, a = shim_memdesc_phys_at(md, off, &run);

			if (shim_range_holds(a, run, addr, len))
				return true;
			off += run;
		}
	}
	return false;
}
