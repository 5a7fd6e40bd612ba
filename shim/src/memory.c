/* Memory descriptors over DMA buffers: prepare/complete bookkeeping, bus
 * addresses only while prepared, CPU access through the host, and the check
 * that every device DMA the host observed hit prepared memory. */
#include "machine_internal.h"
#include "shim/alloc.h"

static shim_class shim_memdesc_class = SHIM_CLASS_INIT("ShimMemoryDescriptor");

#define SHIM_DMA_DEFAULT_ALIGN 4096u

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
	shim_dma_pool_free(m->pool, md->phys, md->length);
	shim_counters_wired_add(-(int64_t)md->length);
	if (md->client != NULL)
		shim_client_map_put_(md->client);
	shim_free(md, sizeof(*md));
	shim_pci_device_release(dev);
}

shim_ret shim_dma_buffer_alloc_(shim_pci_device *dev, uint64_t size, uint64_t align,
				uint64_t phys_mask, shim_memdesc **out, const char *file, int line)
{
	shim_memdesc *md;
	uint64_t phys;
	shim_ret r;

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
	md = shim_zalloc(sizeof(*md));
	if (!md)
		return SHIM_ERR_NO_MEMORY;
	r = shim_dma_pool_alloc(dev->m->pool, size, align, phys_mask, &phys);
	if (r != SHIM_OK) {
		shim_free(md, sizeof(*md));
		return r;
	}
	shim_object_init(&md->obj, &shim_memdesc_class, shim_memdesc_free);
	shim_object_retain(&dev->obj);
	md->dev = dev;
	md->phys = phys;
	md->length = size;
	md->next = dev->m->memdescs;
	if (md->next)
		md->next->prev = md;
	dev->m->memdescs = md;
	shim_counters_wired_add((int64_t)size);
	*out = md;
	return SHIM_OK;
}

shim_ret shim_memdesc_prepare_(shim_memdesc *md, const char *file, int line)
{
	if (!md)
		return SHIM_ERR_BAD_ARGUMENT;
	if (SHIM_FAULT(SHIM_FAULT_DMA_PREPARE, file, line))
		return SHIM_ERR_NO_RESOURCES; /* the pages could not be wired */
	if (md->prepared++ == 0) {
		shim_counters_prepared_add(1);
		if (md->client != NULL)
			shim_client_map_sync_(md, true); /* the client's pages, wired as they are now */
	}
	return SHIM_OK;
}

shim_ret shim_memdesc_complete_(shim_memdesc *md, const char *file, int line)
{
	if (!md)
		return SHIM_ERR_BAD_ARGUMENT;
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

shim_ret shim_memdesc_dma_address_(shim_memdesc *md, uint64_t off, uint64_t len, uint64_t *addr,
				   const char *file, int line)
{
	if (!md || !addr)
		return SHIM_ERR_BAD_ARGUMENT;
	if (md->prepared == 0) {
		shim_verifier_record_(SHIM_V_DMA_UNPREPARED, file, line,
				      "DMA address of an unprepared descriptor");
		return SHIM_ERR_NOT_READY;
	}
	if (!shim_memdesc_range_ok(md, off, len))
		return SHIM_ERR_BAD_ARGUMENT;
	*addr = md->phys + off;
	return SHIM_OK;
}

shim_ret shim_memdesc_read(shim_memdesc *md, uint64_t off, void *dst, uint64_t len)
{
	if (!md || (!dst && len) || !shim_memdesc_range_ok(md, off, len))
		return SHIM_ERR_BAD_ARGUMENT;
	if (len == 0)
		return SHIM_OK;
	return shim_hostcall_ram_read(md->dev->m, md->phys + off, dst, (size_t)len);
}

shim_ret shim_memdesc_write(shim_memdesc *md, uint64_t off, const void *src, uint64_t len)
{
	if (!md || (!src && len) || !shim_memdesc_range_ok(md, off, len))
		return SHIM_ERR_BAD_ARGUMENT;
	if (len == 0)
		return SHIM_OK;
	return shim_hostcall_ram_write(md->dev->m, md->phys + off, src, (size_t)len);
}

bool shim_memdesc_covers_dma(shim_machine *m, uint64_t addr, uint64_t len)
{
	for (const shim_memdesc *md = m->memdescs; md; md = md->next) {
		if (md->prepared > 0 && addr >= md->phys && len <= md->length &&
		    addr - md->phys <= md->length - len)
			return true;
	}
	return false;
}
