/* MSI-X for model devices, with the semantics of QEMU's msix.c: the
 * capability in config space, the table and pending-bit array in BARs
 * (4- and 8-byte accesses), per-vector and function masks, pending bits
 * sent on unmask, vectors that fire only while in use, and reset to all
 * entries masked. */
#include <string.h>

#include "device_priv.h"

#define MSIX_CAP_SIZE 12
#define MSIX_CTRL 2
#define MSIX_TABLE 4
#define MSIX_PBA 8
#define MSIX_ADDR_LO 0
#define MSIX_ADDR_HI 4
#define MSIX_DATA 8
#define MSIX_VCTRL 12

static uint16_t msix_ctrl(const model_device *dev)
{
	return (uint16_t)model_cfg_get(dev, dev->msix.cap + MSIX_CTRL, 2);
}

bool model_device_msix_enabled(const model_device *dev)
{
	return dev->msix.cap && (msix_ctrl(dev) & MODEL_MSIX_FLAGS_ENABLE);
}

/* Off, or the function mask set: every vector is held back. */
static bool msix_function_masked(const model_device *dev)
{
	uint16_t c = msix_ctrl(dev);

	return !(c & MODEL_MSIX_FLAGS_ENABLE) || (c & MODEL_MSIX_FLAGS_MASKALL);
}

static uint8_t *msix_entry(model_device *dev, unsigned v)
{
	return dev->msix.table + (size_t)v * MODEL_MSIX_ENTRY_SIZE;
}

static bool msix_masked(model_device *dev, unsigned v)
{
	return msix_function_masked(dev) ||
	       (model_le_get(msix_entry(dev, v) + MSIX_VCTRL, 4) & MODEL_MSIX_VCTRL_MASKED);
}

static bool msix_pending(const model_device *dev, unsigned v)
{
	return (dev->msix.pending[v / 64] >> (v % 64)) & 1;
}

static void msix_set_pending(model_device *dev, unsigned v, bool on)
{
	if (on)
		dev->msix.pending[v / 64] |= 1ull << (v % 64);
	else
		dev->msix.pending[v / 64] &= ~(1ull << (v % 64));
}

/* The message is built when it is sent, so an entry reprogrammed while
 * its vector was pending goes to the new address (as on QEMU). */
static void msix_send(model_device *dev, unsigned v)
{
	const uint8_t *e = msix_entry(dev, v);
	uint64_t addr = model_le_get(e + MSIX_ADDR_LO, 4) |
			(uint64_t)model_le_get(e + MSIX_ADDR_HI, 4) << 32;
	uint8_t msg[4];

	memcpy(msg, e + MSIX_DATA, sizeof(msg));
	model_dma_write(dev, addr, msg, sizeof(msg));
}

void model_device_msix_notify(model_device *dev, unsigned v)
{
	if (!dev->msix.cap || v >= dev->msix.vectors || !dev->msix.used[v])
		return;
	if (msix_masked(dev, v)) {
		msix_set_pending(dev, v, true);
		return;
	}
	msix_send(dev, v);
}

void model_device_msix_use(model_device *dev, unsigned v)
{
	if (dev->msix.cap && v < dev->msix.vectors && dev->msix.used[v] < UINT16_MAX)
		dev->msix.used[v]++;
}

void model_device_msix_unuse(model_device *dev, unsigned v)
{
	if (!dev->msix.cap || v >= dev->msix.vectors || !dev->msix.used[v])
		return;
	if (--dev->msix.used[v] == 0)
		msix_set_pending(dev, v, false);
}

/* Sends what became unmasked and is pending. */
static void msix_flush(model_device *dev, unsigned first, unsigned last)
{
	for (unsigned v = first; v <= last && v < dev->msix.vectors; v++) {
		if (msix_pending(dev, v) && !msix_masked(dev, v)) {
			msix_set_pending(dev, v, false);
			msix_send(dev, v);
		}
	}
}

void model_msix_control_written(model_device *dev)
{
	if (!msix_function_masked(dev))
		msix_flush(dev, 0, dev->msix.vectors - 1u);
}

void model_msix_reset(model_device *dev)
{
	memset(dev->msix.table, 0, sizeof(dev->msix.table));
	memset(dev->msix.pending, 0, sizeof(dev->msix.pending));
	for (unsigned v = 0; v < dev->msix.vectors; v++)
		model_le_put(msix_entry(dev, v) + MSIX_VCTRL, MODEL_MSIX_VCTRL_MASKED, 4);
}

void model_device_add_msix(model_device *dev, unsigned vectors, unsigned table_bar,
			   uint32_t table_off, unsigned pba_bar, uint32_t pba_off)
{
	unsigned off = dev->cap_tail;
	struct model_msix *x = &dev->msix;

	if (x->cap || vectors == 0 || vectors > MODEL_MSIX_MAX_VECTORS || table_bar >= MODEL_BAR_COUNT ||
	    pba_bar >= MODEL_BAR_COUNT || (table_off & 7u) || (pba_off & 7u) ||
	    dev->bars[table_bar].kind == MODEL_BAR_NONE || dev->bars[table_bar].kind == MODEL_BAR_IO ||
	    dev->bars[pba_bar].kind == MODEL_BAR_NONE || dev->bars[pba_bar].kind == MODEL_BAR_IO ||
	    (uint64_t)table_off + vectors * MODEL_MSIX_ENTRY_SIZE > dev->bars[table_bar].size ||
	    (uint64_t)pba_off + (vectors + 63u) / 64u * 8u > dev->bars[pba_bar].size ||
	    off < 0x40 || off + MSIX_CAP_SIZE > MODEL_CFG_SIZE)
		return;
	model_device_put_config(dev, off, MODEL_PCI_CAP_ID_MSIX, 1);
	model_device_put_config(dev, off + 1, 0, 1);
	model_device_put_config(dev, off + MSIX_CTRL, vectors - 1u, 2);
	model_device_put_config(dev, off + MSIX_TABLE, table_off | table_bar, 4);
	model_device_put_config(dev, off + MSIX_PBA, pba_off | pba_bar, 4);
	/* Only enable and the function mask are the driver's to write. */
	dev->wmask[off + MSIX_CTRL + 1] = (uint8_t)((MODEL_MSIX_FLAGS_ENABLE | MODEL_MSIX_FLAGS_MASKALL) >> 8);
	x->cap = (uint8_t)off;
	x->vectors = (uint16_t)vectors;
	x->table_bar = (uint8_t)table_bar;
	x->table_off = table_off;
	x->pba_bar = (uint8_t)pba_bar;
	x->pba_off = pba_off;
	model_msix_reset(dev);
	model_device_link_capability(dev, (uint8_t)off);
	dev->cap_tail = (uint8_t)((off + MSIX_CAP_SIZE + 3) & ~3u);
}

static bool msix_in(unsigned bar, uint64_t off, unsigned size, unsigned want_bar, uint64_t start,
		    uint64_t len)
{
	return bar == want_bar && off >= start && off - start < len && size <= len - (off - start);
}

static uint32_t msix_read32(model_device *dev, unsigned bar, uint64_t off)
{
	struct model_msix *x = &dev->msix;
	uint64_t tlen = (uint64_t)x->vectors * MODEL_MSIX_ENTRY_SIZE;

	if (msix_in(bar, off, 4, x->table_bar, x->table_off, tlen))
		return model_le_get(x->table + (off - x->table_off), 4);
	off -= x->pba_off; /* pending bits, 32 per dword */
	return (uint32_t)(x->pending[off / 8] >> (8 * (off % 8)));
}

static void msix_write32(model_device *dev, unsigned bar, uint64_t off, uint32_t val)
{
	struct model_msix *x = &dev->msix;
	uint64_t tlen = (uint64_t)x->vectors * MODEL_MSIX_ENTRY_SIZE;
	unsigned v;
	bool was;

	if (!msix_in(bar, off, 4, x->table_bar, x->table_off, tlen))
		return; /* the pending bits are read-only */
	off -= x->table_off;
	v = (unsigned)(off / MODEL_MSIX_ENTRY_SIZE);
	was = msix_masked(dev, v);
	model_le_put(x->table + off, val, 4);
	if (was && !msix_masked(dev, v))
		msix_flush(dev, v, v);
}

/* True when the access falls in the MSI-X table or pending bits. */
static bool msix_hit(const model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	const struct model_msix *x = &dev->msix;

	if (!x->cap)
		return false;
	return msix_in(bar, off, size, x->table_bar, x->table_off,
		       (uint64_t)x->vectors * MODEL_MSIX_ENTRY_SIZE) ||
	       msix_in(bar, off, size, x->pba_bar, x->pba_off,
		       (x->vectors + 63u) / 64u * 8u);
}

/* Accesses other than 4 or 8 bytes, or misaligned, do nothing (reads 0),
 * as QEMU's table region accepts only those. */
uint64_t model_device_bar_read(model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	if (msix_hit(dev, bar, off, size)) {
		if ((size != 4 && size != 8) || (off & (size - 1)))
			return 0;
		if (size == 4)
			return msix_read32(dev, bar, off);
		return msix_read32(dev, bar, off) | (uint64_t)msix_read32(dev, bar, off + 4) << 32;
	}
	return dev->ops && dev->ops->bar_read ? dev->ops->bar_read(dev, bar, off, size) : UINT64_MAX;
}

void model_device_bar_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val,
			    unsigned size)
{
	if (msix_hit(dev, bar, off, size)) {
		if ((size != 4 && size != 8) || (off & (size - 1)))
			return;
		msix_write32(dev, bar, off, (uint32_t)val);
		if (size == 8)
			msix_write32(dev, bar, off + 4, (uint32_t)(val >> 32));
		return;
	}
	if (dev->ops && dev->ops->bar_write)
		dev->ops->bar_write(dev, bar, off, val, size);
}
