/* The firmware's job, done through config space alone: find every function
 * on buses 0..max_bus, size its BARs, give them naturally aligned addresses
 * in the host's windows, and note its MSI and MSI-X capabilities (the
 * table's BAR and offset) and interrupt pin.
 * Decode stays off: enabling it is the driver's business. A BAR that fits
 * no window stops enumeration, with the reason in m->last_error. */
#include <stdio.h>

#include "machine_internal.h"

#define SHIM_FW_SLOTS 32
#define SHIM_FW_FUNCS 8
#define SHIM_FW_MULTIFUNCTION 0x80u
#define SHIM_FW_HEADER_TYPE_MASK 0x7fu
#define SHIM_FW_HEADER_ENDPOINT 0x00u
#define SHIM_BAR_IO_FLAG 0x1u
#define SHIM_BAR_IO_ADDR_MASK 0xfffffffcu
#define SHIM_BAR_MEM_ADDR_MASK 0xfffffff0u
#define SHIM_BAR_MEM_TYPE_64 0x4u
#define SHIM_BAR_MEM_PREFETCH 0x8u
#define SHIM_FW_IO_LIMIT 0x10000ull

struct shim_fw_window {
	const char *name;
	uint64_t base, next, end;
};

struct shim_fw {
	shim_machine *m;
	shim_ret host_err; /* first SHIM_ERR_HOST seen: the machine is unusable */
	struct shim_fw_window mmio32, mmio64, io;
};

static uint32_t shim_fw_read(struct shim_fw *fw, uint16_t bdf, uint16_t off, unsigned size)
{
	uint32_t val = 0;
	shim_ret r = shim_hostcall_cfg_read(fw->m, bdf, off, size, &val);

	if (r == SHIM_OK)
		return val;
	if (r == SHIM_ERR_HOST && fw->host_err == SHIM_OK)
		fw->host_err = r;
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

static void shim_fw_write(struct shim_fw *fw, uint16_t bdf, uint16_t off, unsigned size,
			  uint32_t val)
{
	shim_ret r = shim_hostcall_cfg_write(fw->m, bdf, off, size, val);

	if (r == SHIM_ERR_HOST && fw->host_err == SHIM_OK)
		fw->host_err = r;
}

/* Writes all-ones, reads back the writable bits, restores the old value. */
static uint32_t shim_fw_probe_mask(struct shim_fw *fw, uint16_t bdf, uint16_t off)
{
	uint32_t orig = shim_fw_read(fw, bdf, off, 4);
	uint32_t mask;

	shim_fw_write(fw, bdf, off, 4, 0xffffffffu);
	mask = shim_fw_read(fw, bdf, off, 4);
	shim_fw_write(fw, bdf, off, 4, orig);
	return mask;
}

static bool shim_fw_place(struct shim_fw_window *w, uint64_t size, uint64_t *addr)
{
	uint64_t a;

	if (size == 0 || (size & (size - 1)) != 0)
		return false;
	a = (w->next + size - 1) & ~(size - 1);
	if (a < w->next || a > w->end || size > w->end - a)
		return false;
	*addr = a;
	w->next = a + size;
	return true;
}

/* Sizes BAR i (and its upper half when 64-bit); returns how many BAR slots it used. */
static unsigned shim_fw_size_bar(struct shim_fw *fw, shim_pci_device *dev, unsigned i)
{
	uint16_t off = (uint16_t)(SHIM_PCI_BAR0 + 4 * i);
	struct shim_bar *bar = &dev->bar[i];
	uint32_t mask = shim_fw_probe_mask(fw, dev->bdf, off);
	uint64_t m64;

	if (mask == 0 || mask == 0xffffffffu)
		return 1; /* unimplemented (or the function vanished) */
	if (mask & SHIM_BAR_IO_FLAG) {
		uint32_t m = mask & SHIM_BAR_IO_ADDR_MASK;

		/* 16-bit decoders leave the upper half reading zero. */
		if ((m & 0xffff0000u) == 0)
			m |= 0xffff0000u;
		bar->kind = SHIM_BAR_IO;
		bar->size = (uint32_t)(~m + 1);
		return 1;
	}
	bar->prefetchable = (mask & SHIM_BAR_MEM_PREFETCH) != 0;
	m64 = mask & SHIM_BAR_MEM_ADDR_MASK;
	if ((mask & 0x6u) == SHIM_BAR_MEM_TYPE_64 && i + 1 < SHIM_PCI_BAR_COUNT) {
		uint32_t hi = shim_fw_probe_mask(fw, dev->bdf, (uint16_t)(off + 4));

		bar->size = ~(((uint64_t)hi << 32) | m64) + 1;
		/* Type bits but no writable address bit: nothing to decode. */
		bar->kind = bar->size ? SHIM_BAR_MEM64 : SHIM_BAR_NONE;
		return 2;
	}
	bar->size = (uint32_t)(~(uint32_t)m64 + 1);
	bar->kind = bar->size ? SHIM_BAR_MEM32 : SHIM_BAR_NONE;
	return 1;
}

/* "16 GiB", "1 MiB", "256 bytes": the largest unit that divides exactly. */
static void shim_fw_size_text(uint64_t v, char *buf, size_t len)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (v != 0 && (v & 1023) == 0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)v, unit[u]);
}

/* Appends "<name> window <size> at 0x<base>[, <n> free]" to buf at *at. */
static void shim_fw_window_text(const struct shim_fw_window *w, char *buf, size_t len, size_t *at)
{
	const char *sep = *at ? "; " : "";
	char size[32], left[32];
	int n;

	if (*at >= len)
		return;
	shim_fw_size_text(w->end - w->base, size, sizeof(size));
	shim_fw_size_text(w->end > w->next ? w->end - w->next : 0, left, sizeof(left));
	if (w->next > w->base)
		n = snprintf(buf + *at, len - *at, "%s%s window %s at 0x%llx, %s free", sep, w->name,
			     size, (unsigned long long)w->base, left);
	else
		n = snprintf(buf + *at, len - *at, "%s%s window %s at 0x%llx", sep, w->name, size,
			     (unsigned long long)w->base);
	if (n > 0)
		*at += (size_t)n;
}

static shim_ret shim_fw_no_room(struct shim_fw *fw, const shim_pci_device *dev, unsigned i,
				const struct shim_fw_window *const *tried, size_t ntried)
{
	const struct shim_bar *bar = &dev->bar[i];
	const char *kind = bar->kind == SHIM_BAR_IO ? "I/O" :
			   bar->kind == SHIM_BAR_MEM64 ? "64-bit memory" : "32-bit memory";
	char size[32], windows[160] = "";
	size_t at = 0;

	shim_fw_size_text(bar->size, size, sizeof(size));
	if ((bar->size & (bar->size - 1)) != 0) {
		snprintf(fw->m->last_error, sizeof(fw->m->last_error),
			 "%s BAR%u: %s BAR reads back a size of 0x%llx, not a power of two",
			 dev->name, i, kind, (unsigned long long)bar->size);
		return SHIM_ERR_NO_RESOURCES;
	}
	for (size_t k = 0; k < ntried; k++)
		if (tried[k]->end > tried[k]->base)
			shim_fw_window_text(tried[k], windows, sizeof(windows), &at);
	snprintf(fw->m->last_error, sizeof(fw->m->last_error),
		 "%s BAR%u: %s BAR of %s fits no window (%s)", dev->name, i, kind, size,
		 at ? windows : "the host has none for it");
	return SHIM_ERR_NO_RESOURCES;
}

/* 64-bit BARs go above 4 GiB when the host has a window there, and into the
 * 32-bit window when it has none or that one is full. */
static shim_ret shim_fw_assign_bar(struct shim_fw *fw, shim_pci_device *dev, unsigned i)
{
	struct shim_bar *bar = &dev->bar[i];
	uint16_t off = (uint16_t)(SHIM_PCI_BAR0 + 4 * i);
	const struct shim_fw_window *tried[2];
	size_t ntried = 0;
	uint64_t addr;
	bool placed;

	if (bar->kind == SHIM_BAR_NONE)
		return SHIM_OK;
	if (bar->kind == SHIM_BAR_IO) {
		tried[ntried++] = &fw->io;
		placed = shim_fw_place(&fw->io, bar->size, &addr);
	} else {
		placed = false;
		if (bar->kind == SHIM_BAR_MEM64 && fw->mmio64.end > fw->mmio64.base) {
			tried[ntried++] = &fw->mmio64;
			placed = shim_fw_place(&fw->mmio64, bar->size, &addr);
		}
		if (!placed) {
			tried[ntried++] = &fw->mmio32;
			placed = shim_fw_place(&fw->mmio32, bar->size, &addr);
		}
	}
	if (!placed)
		return shim_fw_no_room(fw, dev, i, tried, ntried);
	shim_fw_write(fw, dev->bdf, off, 4, (uint32_t)addr);
	if (bar->kind == SHIM_BAR_MEM64)
		shim_fw_write(fw, dev->bdf, (uint16_t)(off + 4), 4, (uint32_t)(addr >> 32));
	bar->base = addr;
	bar->assigned = true;
	return SHIM_OK;
}

/* True when [off, off+len) lies in an assigned memory BAR bir of dev. */
static bool shim_fw_in_mem_bar(const shim_pci_device *dev, unsigned bir, uint64_t off,
			       uint64_t len)
{
	const struct shim_bar *bar = bir < SHIM_PCI_BAR_COUNT ? &dev->bar[bir] : NULL;

	return bar && bar->assigned && (bar->kind == SHIM_BAR_MEM32 || bar->kind == SHIM_BAR_MEM64) &&
	       off <= bar->size && len <= bar->size - off;
}

/* MSI-X: where its table and pending bits live. A capability whose table
 * or PBA lies outside every memory BAR is unusable and left out. */
static void shim_fw_note_msix(struct shim_fw *fw, shim_pci_device *dev, uint8_t ptr)
{
	uint16_t ctrl = (uint16_t)shim_fw_read(fw, dev->bdf, (uint16_t)(ptr + SHIM_MSIX_CTRL), 2);
	uint32_t table = shim_fw_read(fw, dev->bdf, (uint16_t)(ptr + SHIM_MSIX_TABLE), 4);
	uint32_t pba = shim_fw_read(fw, dev->bdf, (uint16_t)(ptr + SHIM_MSIX_PBA), 4);
	unsigned size = (ctrl & SHIM_MSIX_CTRL_SIZE) + 1u;

	if (!shim_fw_in_mem_bar(dev, table & SHIM_MSIX_BIR_MASK, table & ~SHIM_MSIX_BIR_MASK,
				(uint64_t)size * SHIM_MSIX_ENTRY_SIZE) ||
	    !shim_fw_in_mem_bar(dev, pba & SHIM_MSIX_BIR_MASK, pba & ~SHIM_MSIX_BIR_MASK,
				(size + 63u) / 64u * 8u))
		return;
	dev->msix_cap = ptr;
	dev->msix_size = (uint16_t)size;
	dev->msix_table_bar = (uint8_t)(table & SHIM_MSIX_BIR_MASK);
	dev->msix_table_off = table & ~SHIM_MSIX_BIR_MASK;
	dev->msix_pba_bar = (uint8_t)(pba & SHIM_MSIX_BIR_MASK);
	dev->msix_pba_off = pba & ~SHIM_MSIX_BIR_MASK;
}

/* The MSI and MSI-X capabilities (BARs are assigned by now). */
static void shim_fw_find_msi(struct shim_fw *fw, shim_pci_device *dev)
{
	uint8_t ptr;

	if (!(shim_fw_read(fw, dev->bdf, SHIM_PCI_STATUS, 2) & SHIM_PCI_STATUS_CAPS))
		return;
	ptr = (uint8_t)(shim_fw_read(fw, dev->bdf, SHIM_PCI_CAP_PTR, 1) & 0xfc);
	for (int n = 0; n < SHIM_PCI_CAP_WALK_MAX && ptr >= 0x40; n++) {
		uint32_t id = shim_fw_read(fw, dev->bdf, ptr, 1);

		if (id == SHIM_PCI_CAP_MSI && !dev->msi_cap) {
			dev->msi_cap = ptr;
			dev->msi_ctrl = (uint16_t)shim_fw_read(fw, dev->bdf,
							       (uint16_t)(ptr + SHIM_MSI_CTRL), 2);
		} else if (id == SHIM_PCI_CAP_MSIX && !dev->msix_cap) {
			shim_fw_note_msix(fw, dev, ptr);
		}
		ptr = (uint8_t)(shim_fw_read(fw, dev->bdf, (uint16_t)(ptr + 1), 1) & 0xfc);
	}
}

static shim_ret shim_fw_function(struct shim_fw *fw, uint16_t bdf, uint32_t id)
{
	shim_pci_device *dev;
	uint32_t cmd;
	shim_ret r;

	if ((shim_fw_read(fw, bdf, SHIM_PCI_HEADER_TYPE, 1) & SHIM_FW_HEADER_TYPE_MASK) !=
	    SHIM_FW_HEADER_ENDPOINT)
		return SHIM_OK; /* bridges are not modelled: nothing behind them is reached */
	r = shim_pci_device_create(fw->m, bdf, &dev);
	if (r != SHIM_OK)
		return r;
	dev->vendor = (uint16_t)id;
	dev->device = (uint16_t)(id >> 16);
	dev->class_code = shim_fw_read(fw, bdf, SHIM_PCI_CLASS_REV, 4) >> 8;
	/* Decode off while BARs hold all-ones, so nothing aliases. */
	cmd = shim_fw_read(fw, bdf, SHIM_PCI_COMMAND, 2) &
	      ~(uint32_t)(SHIM_PCI_CMD_IO | SHIM_PCI_CMD_MEMORY);
	shim_fw_write(fw, bdf, SHIM_PCI_COMMAND, 2, cmd);
	for (unsigned i = 0; i < SHIM_PCI_BAR_COUNT;)
		i += shim_fw_size_bar(fw, dev, i);
	r = SHIM_OK;
	for (unsigned i = 0; i < SHIM_PCI_BAR_COUNT && r == SHIM_OK; i++)
		r = shim_fw_assign_bar(fw, dev, i);
	if (r != SHIM_OK) {
		shim_pci_device_release(dev);
		return r;
	}
	shim_fw_find_msi(fw, dev);
	dev->intr_pin = (uint8_t)shim_fw_read(fw, bdf, SHIM_PCI_INTR_PIN, 1);
	if (dev->intr_pin > 4)
		dev->intr_pin = 0;
	r = shim_machine_add_device(fw->m, dev);
	if (r != SHIM_OK)
		shim_pci_device_release(dev);
	return r;
}

static shim_ret shim_fw_slot(struct shim_fw *fw, unsigned bus, unsigned slot)
{
	unsigned funcs = 1;

	for (unsigned fn = 0; fn < funcs; fn++) {
		uint16_t bdf = SHIM_BDF(bus, slot, fn);
		uint32_t id = shim_fw_read(fw, bdf, SHIM_PCI_VENDOR, 4);
		shim_ret r;

		if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
			continue;
		if (fn == 0 && (shim_fw_read(fw, bdf, SHIM_PCI_HEADER_TYPE, 1) &
				SHIM_FW_MULTIFUNCTION))
			funcs = SHIM_FW_FUNCS;
		r = shim_fw_function(fw, bdf, id);
		if (r != SHIM_OK)
			return r;
	}
	return SHIM_OK;
}

static void shim_fw_window_init(struct shim_fw_window *w, const char *name, uint64_t base,
				uint64_t size)
{
	w->name = name;
	w->base = base;
	w->next = base;
	w->end = base + size < base ? UINT64_MAX : base + size;
}

static void shim_fw_windows_init(struct shim_fw *fw, const struct shim_host_layout *l)
{
	shim_fw_window_init(&fw->mmio32, "32-bit", l->mmio32_base, l->mmio32_size);
	shim_fw_window_init(&fw->mmio64, "64-bit", l->mmio64_base, l->mmio64_size);
	shim_fw_window_init(&fw->io, "I/O", l->io_base, l->io_size);
	if (fw->io.end > SHIM_FW_IO_LIMIT)
		fw->io.end = SHIM_FW_IO_LIMIT;
	if (fw->io.base > fw->io.end)
		fw->io.base = fw->io.next = fw->io.end;
}

shim_ret shim_firmware_enumerate(shim_machine *m)
{
	struct shim_fw fw = { .m = m, .host_err = SHIM_OK };
	const struct shim_host_layout *l = &m->layout;

	shim_fw_windows_init(&fw, l);
	for (unsigned bus = 0; bus <= l->max_bus && bus < 256; bus++) {
		for (unsigned slot = 0; slot < SHIM_FW_SLOTS; slot++) {
			shim_ret r = shim_fw_slot(&fw, bus, slot);

			if (r != SHIM_OK)
				return r;
			if (fw.host_err != SHIM_OK)
				return fw.host_err;
		}
	}
	return SHIM_OK;
}

/* New BARs go above every BAR still assigned in the window, so live devices
 * keep their addresses and a slot re-plugged after a removal gets the
 * removed device's space back. */
static void shim_fw_window_skip_used(struct shim_fw_window *w, const shim_machine *m)
{
	uint64_t start = w->next;

	for (size_t i = 0; i < m->dev_count; i++) {
		for (unsigned b = 0; b < SHIM_PCI_BAR_COUNT; b++) {
			const struct shim_bar *bar = &m->devs[i]->bar[b];

			if (bar->assigned && bar->base >= start && bar->base < w->end &&
			    bar->base + bar->size > w->next)
				w->next = bar->base + bar->size;
		}
	}
}

static bool shim_fw_slot_taken(const shim_machine *m, unsigned bus, unsigned slot)
{
	for (size_t i = 0; i < m->dev_count; i++) {
		uint16_t bdf = m->devs[i]->bdf;

		if ((unsigned)(bdf >> 8) == bus && ((bdf >> 3) & 0x1fu) == slot)
			return true;
	}
	return false;
}

shim_ret shim_firmware_rescan(shim_machine *m, size_t *added)
{
	struct shim_fw fw = { .m = m, .host_err = SHIM_OK };
	const struct shim_host_layout *l = &m->layout;
	size_t before = m->dev_count;

	shim_fw_windows_init(&fw, l);
	shim_fw_window_skip_used(&fw.mmio32, m);
	shim_fw_window_skip_used(&fw.mmio64, m);
	shim_fw_window_skip_used(&fw.io, m);
	for (unsigned bus = 0; bus <= l->max_bus && bus < 256; bus++) {
		for (unsigned slot = 0; slot < SHIM_FW_SLOTS; slot++) {
			shim_ret r;

			if (shim_fw_slot_taken(m, bus, slot))
				continue;
			r = shim_fw_slot(&fw, bus, slot);
			if (r == SHIM_OK)
				r = fw.host_err;
			if (r != SHIM_OK) {
				*added = m->dev_count - before;
				return r;
			}
		}
	}
	*added = m->dev_count - before;
	return SHIM_OK;
}
