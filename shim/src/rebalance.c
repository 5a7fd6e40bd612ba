/* Rebalance, as a PCI family does when it makes room for a device: while no
 * driver runs on a function, every BAR of it moves to a new address in its
 * window (an MSI-X table with it) and its MSI or MSI-X vectors (so its
 * message addresses and data) change. A driver that kept an address or a
 * mapping across stop now reaches nothing. */
#include <stdio.h>

#include "machine_internal.h"

/* True when [a, a + size) overlaps an assigned BAR of m. */
static bool shim_rb_used(const shim_machine *m, uint64_t a, uint64_t size)
{
	for (size_t i = 0; i < m->dev_count; i++) {
		for (unsigned b = 0; b < SHIM_PCI_BAR_COUNT; b++) {
			const struct shim_bar *bar = &m->devs[i]->bar[b];

			if (bar->assigned && bar->kind != SHIM_BAR_NONE && a < bar->base + bar->size &&
			    bar->base < a + size)
				return true;
		}
	}
	return false;
}

/* The lowest naturally aligned place of size in [base, end) that no
 * assigned BAR (the moving one included) occupies. */
static bool shim_rb_place(const shim_machine *m, uint64_t base, uint64_t end, uint64_t size,
			  uint64_t *out)
{
	if (size == 0 || (size & (size - 1)) != 0)
		return false;
	for (uint64_t a = (base + size - 1) & ~(size - 1); a >= base && a < end && size <= end - a;
	     a += size) {
		if (!shim_rb_used(m, a, size)) {
			*out = a;
			return true;
		}
	}
	return false;
}

static shim_ret shim_rb_bar(shim_machine *m, shim_pci_device *dev, unsigned i)
{
	struct shim_bar *bar = &dev->bar[i];
	const struct shim_host_layout *l = &m->layout;
	uint16_t off = (uint16_t)(SHIM_PCI_BAR0 + 4 * i);
	uint64_t addr = 0;
	bool placed = false;
	shim_ret r;

	if (!bar->assigned || bar->kind == SHIM_BAR_NONE)
		return SHIM_OK;
	if (bar->kind == SHIM_BAR_IO)
		placed = shim_rb_place(m, l->io_base, (uint64_t)l->io_base + l->io_size, bar->size,
				       &addr);
	else if (bar->base >= l->mmio64_base && l->mmio64_size != 0 &&
		 bar->base < l->mmio64_base + l->mmio64_size)
		placed = shim_rb_place(m, l->mmio64_base, l->mmio64_base + l->mmio64_size,
				       bar->size, &addr);
	else
		placed = shim_rb_place(m, l->mmio32_base, l->mmio32_base + l->mmio32_size,
				       bar->size, &addr);
	if (!placed) {
		snprintf(m->last_error, sizeof(m->last_error),
			 "%s BAR%u: no other room of 0x%llx bytes in its window", dev->name, i,
			 (unsigned long long)bar->size);
		return SHIM_ERR_NO_RESOURCES;
	}
	r = shim_hostcall_cfg_write(m, dev->bdf, off, 4,
				    (uint32_t)addr | (shim_pci_cfg_read32(dev, off) & 0xfu));
	if (r == SHIM_OK && bar->kind == SHIM_BAR_MEM64)
		r = shim_hostcall_cfg_write(m, dev->bdf, (uint16_t)(off + 4), 4,
					    (uint32_t)(addr >> 32));
	if (r == SHIM_OK)
		bar->base = addr;
	return r;
}

/* True when another function of m holds vectors overlapping [v, v + n). */
static bool shim_rb_vectors_taken(const shim_machine *m, const shim_pci_device *dev, uint32_t v,
				  uint32_t n)
{
	for (size_t i = 0; i < m->dev_count; i++) {
		const shim_pci_device *o = m->devs[i];

		if (o != dev && o->msi_vectors_valid && v < o->msi_vec_base + o->msi_vec_count &&
		    o->msi_vec_base < v + n)
			return true;
	}
	return false;
}

/* New vectors on the next registration, so new message addresses/data:
 * the next ones past its own, or back at the first when the host has no
 * more (a host's vector space is finite). */
static void shim_rb_vectors(shim_machine *m, shim_pci_device *dev)
{
	uint32_t n = dev->msi_vec_count != 0 ? dev->msi_vec_count : 1;
	uint32_t next = dev->msi_vec_base + n;
	/* An MSI block may grow to the most vectors MSI has; MSI-X's is fixed. */
	uint32_t room = dev->msix_cap ? n : SHIM_MSI_MAX_VECTORS;
	uint64_t a;
	uint32_t d;

	if (!dev->msi_vectors_valid)
		return; /* never registered: the first registration picks fresh ones anyway */
	if (next < m->next_vector)
		next = m->next_vector;
	if (shim_hostcall_msi_route(m, next + room - 1, &a, &d) != SHIM_OK &&
	    !shim_rb_vectors_taken(m, dev, SHIM_MSI_FIRST_VECTOR, room) &&
	    dev->msi_vec_base != SHIM_MSI_FIRST_VECTOR)
		next = SHIM_MSI_FIRST_VECTOR;
	dev->msi_vectors_valid = false;
	m->next_vector = next;
}

shim_ret shim_machine_rebalance(shim_machine *m, shim_pci_device *dev)
{
	shim_ret r = SHIM_OK;

	if (m == NULL || dev == NULL || dev->m != m)
		return SHIM_ERR_BAD_ARGUMENT;
	if (dev->svc != NULL || dev->msi_users != 0)
		return SHIM_ERR_BUSY; /* a running driver is never moved under its feet */
	if (dev->gone)
		return SHIM_ERR_NO_DEVICE;
	for (unsigned i = 0; i < SHIM_PCI_BAR_COUNT && r == SHIM_OK; i++)
		r = shim_rb_bar(m, dev, i);
	if (r != SHIM_OK)
		return r;
	shim_rb_vectors(m, dev);
	return SHIM_OK;
}
