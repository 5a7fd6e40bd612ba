/* Interrupt event sources. MSI: the machine hands out global vectors, the
 * host says which message makes each observable, and the device's MSI
 * capability is programmed with it (INTx then disabled in the command
 * register). MSI-X: one vector per table entry, each entry programmed with
 * its own message in the device's table (in a BAR) and masked there while
 * its source is disabled, so the device keeps a vector raised meanwhile
 * pending and sends it on unmask. INTx: level-triggered lines; a source
 * whose filter claimed the line stays auto-disabled until its action has
 * run, so a line held high cannot storm. Filters run in filter context,
 * actions in gated context. */
#include "machine_internal.h"
#include "shim/alloc.h"

static shim_class shim_intr_source_class = SHIM_CLASS_INIT("ShimInterruptEventSource");

static void shim_intr_source_free(shim_object *obj)
{
	shim_intr_source *src = (shim_intr_source *)obj;
	shim_pci_device *dev = src->dev;
	shim_workloop *wl = src->wl;

	shim_free(src, sizeof(*src));
	shim_pci_device_release(dev);
	shim_workloop_release(wl);
}

bool shim_intr_uses_msix(const shim_pci_device *dev)
{
	return dev->msix_cap != 0;
}

/* ---- MSI-X: the table lives in a BAR ---- */

static uint64_t shim_msix_entry(const shim_pci_device *dev, unsigned entry, unsigned field)
{
	return dev->bar[dev->msix_table_bar].base + dev->msix_table_off +
	       (uint64_t)entry * SHIM_MSIX_ENTRY_SIZE + field;
}

/* Table accesses need memory decode: turned on for them if the driver has
 * not, and back off after (the previous command word is returned). */
static uint16_t shim_msix_decode_on(shim_pci_device *dev)
{
	uint16_t cmd = shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND);

	if (!(cmd & SHIM_PCI_CMD_MEMORY) && !dev->gone)
		shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND, (uint16_t)(cmd | SHIM_PCI_CMD_MEMORY));
	return cmd;
}

static void shim_msix_decode_restore(shim_pci_device *dev, uint16_t cmd)
{
	if (!(cmd & SHIM_PCI_CMD_MEMORY) && !dev->gone)
		shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND, cmd);
}

static void shim_msix_write(shim_pci_device *dev, unsigned entry, unsigned field, uint32_t val)
{
	if (!dev->gone)
		(void)shim_hostcall_mem_write(dev->m, shim_msix_entry(dev, entry, field), 4, val);
}

static void shim_msix_set_ctrl(shim_pci_device *dev, uint16_t set, uint16_t clear)
{
	uint16_t off = (uint16_t)(dev->msix_cap + SHIM_MSIX_CTRL);
	uint16_t ctrl = shim_pci_cfg_read16(dev, off);

	if (!dev->gone)
		shim_pci_cfg_write16(dev, off, (uint16_t)((ctrl | set) & ~clear));
}

/* Entry i gets vector base + i: its own message, no consecutive data needed. */
static shim_ret shim_msix_program(shim_intr_source *src)
{
	shim_pci_device *dev = src->dev;
	unsigned entry = src->index - 1;
	uint64_t addr;
	uint32_t data;
	uint16_t cmd;
	shim_ret r = shim_hostcall_msi_route(dev->m, src->id, &addr, &data);

	if (r != SHIM_OK)
		return r;
	if (dev->gone)
		return SHIM_ERR_NO_DEVICE;
	cmd = shim_msix_decode_on(dev);
	/* The function mask holds every vector while entries change. */
	shim_msix_set_ctrl(dev, SHIM_MSIX_CTRL_ENABLE | SHIM_MSIX_CTRL_MASKALL, 0);
	shim_msix_write(dev, entry, SHIM_MSIX_VCTRL, SHIM_MSIX_VCTRL_MASKED);
	shim_msix_write(dev, entry, SHIM_MSIX_ADDR_LO, (uint32_t)addr);
	shim_msix_write(dev, entry, SHIM_MSIX_ADDR_HI, (uint32_t)(addr >> 32));
	shim_msix_write(dev, entry, SHIM_MSIX_DATA, data);
	if (src->enabled)
		shim_msix_write(dev, entry, SHIM_MSIX_VCTRL, 0);
	shim_msix_set_ctrl(dev, 0, SHIM_MSIX_CTRL_MASKALL);
	shim_msix_decode_restore(dev, cmd);
	return dev->gone ? SHIM_ERR_NO_DEVICE : SHIM_OK;
}

static void shim_msix_mask(shim_intr_source *src, bool masked)
{
	shim_pci_device *dev = src->dev;
	uint16_t cmd;

	if (dev->gone || dev->told_gone)
		return;
	cmd = shim_msix_decode_on(dev);
	shim_msix_write(dev, src->index - 1, SHIM_MSIX_VCTRL, masked ? SHIM_MSIX_VCTRL_MASKED : 0);
	shim_msix_decode_restore(dev, cmd);
}

/* The block of vectors for the whole table (or as much of it as indexes
 * go), reserved at the first registration. */
static void shim_msix_vectors(shim_pci_device *dev)
{
	shim_machine *m = dev->m;

	if (dev->msi_vectors_valid)
		return;
	if (m->next_vector < SHIM_MSI_FIRST_VECTOR)
		m->next_vector = SHIM_MSI_FIRST_VECTOR;
	dev->msi_vec_count = shim_pci_message_interrupt_count(dev, NULL);
	dev->msi_vec_base = m->next_vector;
	m->next_vector += dev->msi_vec_count;
	dev->msi_vectors_valid = true;
}

static shim_ret shim_msix_route(shim_intr_source *src)
{
	shim_pci_device *dev = src->dev;
	shim_ret r;

	shim_msix_vectors(dev);
	src->id = dev->msi_vec_base + src->index - 1;
	if (dev->msi_users == 0)
		shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND,
				     (uint16_t)(shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND) |
						SHIM_PCI_CMD_INTX_DISABLE));
	r = shim_msix_program(src);
	if (r != SHIM_OK) {
		if (dev->msi_users == 0 && !dev->gone) {
			shim_msix_set_ctrl(dev, 0, SHIM_MSIX_CTRL_ENABLE | SHIM_MSIX_CTRL_MASKALL);
			shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND,
					     (uint16_t)(shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND) &
							~SHIM_PCI_CMD_INTX_DISABLE));
		}
		return r;
	}
	dev->msi_users++;
	return SHIM_OK;
}

static void shim_msix_unroute(shim_intr_source *src)
{
	shim_pci_device *dev = src->dev;

	shim_msix_mask(src, true);
	if (--dev->msi_users == 0 && !dev->gone && !dev->told_gone) {
		shim_msix_set_ctrl(dev, 0, SHIM_MSIX_CTRL_ENABLE);
		shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND,
				     (uint16_t)(shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND) &
						~SHIM_PCI_CMD_INTX_DISABLE));
	}
}

void shim_intr_msix_restore(shim_pci_device *dev)
{
	shim_workloop *wl = dev->m->wl;

	if (!dev->msix_cap || dev->msi_users == 0 || !wl || dev->gone)
		return;
	for (shim_intr_source *s = wl->sources; s; s = s->next)
		if (s->dev == dev && s->msix)
			(void)shim_msix_program(s);
}

/* ---- MSI ---- */

/* Reserves the device's block of vectors (aligned to its size, as multiple
 * message MSI needs) and keeps only as many as the host can route with
 * consecutive data values from one address. */
static shim_ret shim_intr_msi_vectors(shim_pci_device *dev, uint64_t *addr, uint32_t *data)
{
	shim_machine *m = dev->m;
	unsigned count;
	shim_ret r;

	if (!dev->msi_vectors_valid) {
		count = 1u << ((dev->msi_ctrl >> SHIM_MSI_CTRL_MMC_SHIFT) & 7);
		if (count > SHIM_MSI_MAX_VECTORS)
			count = SHIM_MSI_MAX_VECTORS;
		if (m->next_vector < SHIM_MSI_FIRST_VECTOR)
			m->next_vector = SHIM_MSI_FIRST_VECTOR;
		dev->msi_vec_base = (m->next_vector + count - 1) & ~(count - 1);
		dev->msi_vec_count = count;
		m->next_vector = dev->msi_vec_base + count;
	}
	r = shim_hostcall_msi_route(m, dev->msi_vec_base, addr, data);
	if (r != SHIM_OK || dev->msi_vectors_valid)
		return r;
	for (unsigned k = 1; k < dev->msi_vec_count; k++) {
		uint64_t a;
		uint32_t d;

		r = shim_hostcall_msi_route(m, dev->msi_vec_base + k, &a, &d);
		if (r != SHIM_OK)
			return r;
		if (a != *addr || d != *data + k || (*data & (dev->msi_vec_count - 1)) != 0) {
			dev->msi_vec_count = 1;
			break;
		}
	}
	dev->msi_vectors_valid = true;
	return SHIM_OK;
}

static unsigned shim_log2(unsigned v)
{
	unsigned n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

static shim_ret shim_intr_msi_program(shim_pci_device *dev, uint64_t addr, uint32_t data)
{
	uint16_t cap = dev->msi_cap;
	uint16_t ctrl = shim_pci_cfg_read16(dev, (uint16_t)(cap + SHIM_MSI_CTRL));
	bool is64 = (ctrl & SHIM_MSI_CTRL_64BIT) != 0;

	if (dev->gone)
		return SHIM_ERR_NO_DEVICE;
	if (!is64 && (addr >> 32) != 0)
		return SHIM_ERR_UNSUPPORTED;
	shim_pci_cfg_write32(dev, (uint16_t)(cap + SHIM_MSI_ADDR_LO), (uint32_t)addr);
	if (is64) {
		shim_pci_cfg_write32(dev, (uint16_t)(cap + SHIM_MSI_ADDR_HI), (uint32_t)(addr >> 32));
		shim_pci_cfg_write16(dev, (uint16_t)(cap + SHIM_MSI_DATA_64), (uint16_t)data);
	} else {
		shim_pci_cfg_write16(dev, (uint16_t)(cap + SHIM_MSI_DATA_32), (uint16_t)data);
	}
	ctrl = (uint16_t)(ctrl & ~(7u << SHIM_MSI_CTRL_MME_SHIFT));
	ctrl = (uint16_t)(ctrl | (shim_log2(dev->msi_vec_count) << SHIM_MSI_CTRL_MME_SHIFT) |
			  SHIM_MSI_CTRL_ENABLE);
	shim_pci_cfg_write16(dev, (uint16_t)(cap + SHIM_MSI_CTRL), ctrl);
	shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND,
			     (uint16_t)(shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND) |
					SHIM_PCI_CMD_INTX_DISABLE));
	return SHIM_OK;
}

static void shim_intr_msi_unprogram(shim_pci_device *dev)
{
	uint16_t cap = dev->msi_cap;
	uint16_t ctrl = shim_pci_cfg_read16(dev, (uint16_t)(cap + SHIM_MSI_CTRL));

	if (dev->gone)
		return;
	shim_pci_cfg_write16(dev, (uint16_t)(cap + SHIM_MSI_CTRL),
			     (uint16_t)(ctrl & ~SHIM_MSI_CTRL_ENABLE));
	shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND,
			     (uint16_t)(shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND) &
					~SHIM_PCI_CMD_INTX_DISABLE));
}

static shim_ret shim_intr_route(shim_intr_source *src)
{
	shim_pci_device *dev = src->dev;
	uint64_t addr;
	uint32_t data;
	shim_ret r;

	if (!src->msi)
		return shim_hostcall_intx_route(dev->m, dev->bdf, dev->intr_pin, &src->id);
	if (src->msix)
		return shim_msix_route(src);
	r = shim_intr_msi_vectors(dev, &addr, &data);
	if (r != SHIM_OK)
		return r;
	if (src->index > dev->msi_vec_count)
		return SHIM_ERR_UNSUPPORTED;
	if (dev->msi_users == 0) {
		r = shim_intr_msi_program(dev, addr, data);
		if (r != SHIM_OK)
			return r;
	}
	dev->msi_users++;
	src->id = dev->msi_vec_base + src->index - 1;
	return SHIM_OK;
}

shim_ret shim_intr_source_create(shim_workloop *wl, shim_pci_device *dev, unsigned index,
				 shim_intr_filter_fn filter, shim_intr_action_fn action,
				 void *owner, shim_intr_source **out)
{
	enum shim_intr_type type;
	shim_intr_source *src;
	shim_ret r;

	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (SHIM_FAULT(SHIM_FAULT_INTR, NULL, 0))
		return SHIM_ERR_NO_RESOURCES;
	if (!wl || !dev || !action || dev->m != wl->m)
		return SHIM_ERR_BAD_ARGUMENT;
	type = shim_pci_interrupt_type(dev, index);
	if (type == SHIM_INTR_NONE)
		return SHIM_ERR_UNSUPPORTED;
	if (!shim_pci_check_present(dev))
		return SHIM_ERR_NO_DEVICE;
	for (const shim_intr_source *s = wl->sources; s; s = s->next)
		if (s->dev == dev && s->index == index)
			return SHIM_ERR_BUSY;
	src = shim_zalloc(sizeof(*src));
	if (!src)
		return SHIM_ERR_NO_MEMORY;
	src->dev = dev;
	src->index = index;
	src->msi = type == SHIM_INTR_MSI || type == SHIM_INTR_MSIX;
	src->msix = type == SHIM_INTR_MSIX;
	r = shim_intr_route(src);
	if (r != SHIM_OK) {
		shim_free(src, sizeof(*src));
		return r;
	}
	shim_object_init(&src->obj, &shim_intr_source_class, shim_intr_source_free);
	shim_object_retain(&wl->obj);
	shim_object_retain(&dev->obj);
	src->wl = wl;
	src->filter = filter;
	src->action = action;
	src->owner = owner;
	src->next = wl->sources;
	wl->sources = src;
	*out = src;
	return SHIM_OK;
}

void shim_intr_source_enable(shim_intr_source *src)
{
	if (!src || src->released || src->enabled)
		return;
	src->enabled = true;
	if (src->msix)
		shim_msix_mask(src, false); /* a vector pending in the device arrives now */
}

void shim_intr_source_disable(shim_intr_source *src)
{
	if (!src || !src->enabled)
		return;
	src->enabled = false;
	if (src->msix && !src->released)
		shim_msix_mask(src, true);
}

void shim_intr_source_release(shim_intr_source *src)
{
	shim_intr_source **pp;

	if (!src || src->released)
		return;
	src->enabled = false;
	src->released = true;
	for (pp = &src->wl->sources; *pp; pp = &(*pp)->next) {
		if (*pp == src) {
			*pp = src->next;
			break;
		}
	}
	if (src->msix)
		shim_msix_unroute(src);
	else if (src->msi && --src->dev->msi_users == 0)
		shim_intr_msi_unprogram(src->dev);
	shim_object_release(&src->obj);
}

static void shim_intr_call_filter(shim_intr_source *src)
{
	bool take = true;

	if (src->filter) {
		enum shim_context prev = shim_context_enter(SHIM_CTX_FILTER);

		take = src->filter(src->owner, src);
		shim_context_leave(prev);
	}
	if (take) {
		src->approvals++;
		if (!src->msi)
			src->auto_disabled = true;
	}
}

void shim_intr_deliver_msi(shim_workloop *wl, uint32_t vector)
{
	for (shim_intr_source *s = wl->sources; s; s = s->next) {
		if (!s->msi || s->id != vector)
			continue;
		if (s->enabled)
			shim_intr_call_filter(s);
		else
			s->msi_pending++;
		return;
	}
	/* No source for this vector: nobody asked for it, drop it. */
}

static bool shim_intr_line_level(const shim_workloop *wl, uint32_t line)
{
	for (size_t i = 0; i < wl->intx_count; i++)
		if (wl->intx[i].line == line)
			return wl->intx[i].level;
	return false;
}

void shim_intr_set_line(shim_workloop *wl, uint32_t line, bool level)
{
	for (size_t i = 0; i < wl->intx_count; i++) {
		if (wl->intx[i].line == line) {
			wl->intx[i].level = level;
			return;
		}
	}
	if (wl->intx_count < SHIM_WL_INTX_LINES) {
		wl->intx[wl->intx_count].line = line;
		wl->intx[wl->intx_count].level = level;
		wl->intx_count++;
	}
}

void shim_intr_run_filters(shim_workloop *wl)
{
	for (shim_intr_source *s = wl->sources; s; s = s->next) {
		if (!s->enabled)
			continue;
		if (s->msi) {
			while (s->msi_pending > 0 && s->enabled) {
				s->msi_pending--;
				shim_intr_call_filter(s);
			}
		} else if (s->dev->msi_users == 0 && !s->auto_disabled &&
			   shim_intr_line_level(wl, s->id)) {
			shim_intr_call_filter(s);
		}
	}
}

static shim_intr_source *shim_intr_next_action(shim_workloop *wl)
{
	for (shim_intr_source *s = wl->sources; s; s = s->next)
		if (s->enabled && s->approvals > 0 && !s->in_action && s->action_pass != wl->pass)
			return s;
	return NULL;
}

void shim_intr_run_actions(shim_workloop *wl)
{
	shim_intr_source *s;

	while ((s = shim_intr_next_action(wl)) != NULL) {
		enum shim_context prev;
		int count = s->approvals;

		s->approvals = 0;
		s->in_action = true;
		s->action_pass = wl->pass;
		/* The action may release its own source: keep it alive meanwhile. */
		shim_object_retain(&s->obj);
		prev = shim_context_enter(SHIM_CTX_GATED);
		s->action(s->owner, s, count);
		shim_context_leave(prev);
		s->in_action = false;
		s->auto_disabled = false;
		shim_object_release(&s->obj);
	}
}
