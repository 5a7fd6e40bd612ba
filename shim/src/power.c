/* Power management: the policy a user-space agent pushes, state changes
 * driven through a driver's set_power_state with ack-now / ack-later, and
 * the PCI family's part: config space (header + MSI) saved before a state
 * that loses context and restored before the driver's wake callback, with
 * the MSI-X entries the shim programmed written again into the table. */
#include "machine_internal.h"
#include "shim/alloc.h"
#include "shim/log.h"

#define SHIM_PM_HEADER_DWORDS 16   /* 0x00..0x3f */
#define SHIM_PM_BAR_END 0x28
#define SHIM_PM_CACHE_LINE 0x0c    /* cache line size + latency timer, 16 bits */
#define SHIM_PM_ROM 0x30
#define SHIM_PM_INT_LINE 0x3c
#define SHIM_PM_US 1000ull
/* Bound on wakeups skipped while waiting for an ack (the loop keeps few). */
#define SHIM_PM_WAIT_ROUNDS 64u

struct shim_power_dev {
	shim_pci_device *dev;      /* not retained: the record dies before the service */
	const struct shim_power_desc *desc;
	unsigned current, target;
	bool pending;
	bool waiter;               /* set_power_state sleeps on &dev->pm for it */
	bool saved;                /* cfg/msi hold the copy taken before low power */
	bool low_acked;            /* current is low power and the driver acked it in time */
	shim_timer *ack_timer;     /* only while an ack is awaited */
	uint32_t cfg[SHIM_PM_HEADER_DWORDS];
	uint16_t msi_ctrl, msi_data;
	uint32_t msi_addr_lo, msi_addr_hi;
};

static const struct shim_power_desc *shim_power_desc_of(shim_pci_device *dev)
{
	const struct shim_driver *d = dev && dev->svc ? shim_service_driver(dev->svc) : NULL;
	const struct shim_power_desc *p = d ? d->power : NULL;

	if (!p || !p->states || p->state_count < 2 || !p->set_power_state)
		return NULL;
	return p;
}

static unsigned shim_power_top(const struct shim_power_desc *p)
{
	return p->state_count - 1;
}

static bool shim_power_is_on(const struct shim_power_desc *p, unsigned s)
{
	return (p->states[s].flags & SHIM_POWER_ON) != 0;
}

static bool shim_power_loses_context(const struct shim_power_desc *p, unsigned s)
{
	return !(p->states[s].flags & (SHIM_POWER_ON | SHIM_POWER_KEEPS_CONTEXT));
}

static void shim_power_free(shim_pci_device *dev)
{
	struct shim_power_dev *pm = dev->pm;

	if (!pm)
		return;
	shim_timer_release(pm->ack_timer);
	dev->pm = NULL;
	shim_free(pm, sizeof(*pm));
}

/* ---- the PCI family's part: config space ---- */

static void shim_power_save_config(shim_machine *m, struct shim_power_dev *pm)
{
	shim_pci_device *dev = pm->dev;
	uint16_t cap = dev->msi_cap;

	for (unsigned i = 0; i < SHIM_PM_HEADER_DWORDS; i++)
		pm->cfg[i] = shim_pci_cfg_read32(dev, (uint16_t)(4 * i));
	if (cap) {
		pm->msi_ctrl = shim_pci_cfg_read16(dev, (uint16_t)(cap + SHIM_MSI_CTRL));
		pm->msi_addr_lo = shim_pci_cfg_read32(dev, (uint16_t)(cap + SHIM_MSI_ADDR_LO));
		if (pm->msi_ctrl & SHIM_MSI_CTRL_64BIT) {
			pm->msi_addr_hi = shim_pci_cfg_read32(dev, (uint16_t)(cap + SHIM_MSI_ADDR_HI));
			pm->msi_data = shim_pci_cfg_read16(dev, (uint16_t)(cap + SHIM_MSI_DATA_64));
		} else {
			pm->msi_data = shim_pci_cfg_read16(dev, (uint16_t)(cap + SHIM_MSI_DATA_32));
		}
	}
	pm->saved = true;
	m->power_stats.config_saves++;
}

/* BARs and MSI first, the command register last, so decode and bus
 * mastering come back only once the addresses are right. */
static void shim_power_restore_config(shim_machine *m, struct shim_power_dev *pm)
{
	shim_pci_device *dev = pm->dev;
	uint16_t cap = dev->msi_cap;
	uint16_t cmd = (uint16_t)pm->cfg[SHIM_PCI_COMMAND / 4];
	bool mismatch = false;

	shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND,
			     (uint16_t)(cmd & ~(SHIM_PCI_CMD_IO | SHIM_PCI_CMD_MEMORY |
						SHIM_PCI_CMD_MASTER)));
	for (uint16_t off = SHIM_PCI_BAR0; off < SHIM_PM_BAR_END; off += 4)
		shim_pci_cfg_write32(dev, off, pm->cfg[off / 4]);
	if (pm->cfg[SHIM_PM_ROM / 4])
		shim_pci_cfg_write32(dev, SHIM_PM_ROM, pm->cfg[SHIM_PM_ROM / 4]);
	shim_pci_cfg_write16(dev, SHIM_PM_CACHE_LINE, (uint16_t)pm->cfg[SHIM_PM_CACHE_LINE / 4]);
	shim_pci_cfg_write8(dev, SHIM_PM_INT_LINE, (uint8_t)pm->cfg[SHIM_PM_INT_LINE / 4]);
	if (cap) {
		shim_pci_cfg_write32(dev, (uint16_t)(cap + SHIM_MSI_ADDR_LO), pm->msi_addr_lo);
		if (pm->msi_ctrl & SHIM_MSI_CTRL_64BIT) {
			shim_pci_cfg_write32(dev, (uint16_t)(cap + SHIM_MSI_ADDR_HI), pm->msi_addr_hi);
			shim_pci_cfg_write16(dev, (uint16_t)(cap + SHIM_MSI_DATA_64), pm->msi_data);
		} else {
			shim_pci_cfg_write16(dev, (uint16_t)(cap + SHIM_MSI_DATA_32), pm->msi_data);
		}
		shim_pci_cfg_write16(dev, (uint16_t)(cap + SHIM_MSI_CTRL), pm->msi_ctrl);
	}
	shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND, cmd);
	/* MSI-X lives in a BAR: its entries come back once decode does. */
	shim_intr_msix_restore(dev);
	pm->saved = false;
	m->power_stats.config_restores++;
	/* Read back what matters for decode and interrupts. */
	for (uint16_t off = SHIM_PCI_BAR0; off < SHIM_PM_BAR_END; off += 4)
		mismatch |= shim_pci_cfg_read32(dev, off) != pm->cfg[off / 4];
	mismatch |= shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND) != cmd;
	if (cap)
		mismatch |= shim_pci_cfg_read16(dev, (uint16_t)(cap + SHIM_MSI_CTRL)) != pm->msi_ctrl;
	if (mismatch) {
		m->power_stats.restore_mismatches++;
		shim_log(SHIM_LOG_WARN, "power %s: config space differs after restore", dev->name);
	}
}

/* ---- state changes ---- */

static void shim_power_complete(shim_machine *m, struct shim_power_dev *pm, bool late)
{
	shim_pci_device *dev = pm->dev;
	const struct shim_power_desc *p = pm->desc;
	unsigned from = pm->current;
	shim_ret r;

	pm->pending = false;
	shim_timer_release(pm->ack_timer);
	pm->ack_timer = NULL;
	if (late) {
		m->power_stats.late_acks++;
		shim_log(SHIM_LOG_WARN, "power %s: no ack for %s -> %s in time; going on", dev->name,
			 p->states[from].name, p->states[pm->target].name);
	}
	pm->current = pm->target;
	/* A late change went on without the driver: it may still be finishing. */
	pm->low_acked = !late && !shim_power_is_on(p, pm->current);
	m->power_stats.changes++;
	if (shim_power_loses_context(p, pm->current) && !pm->saved && !dev->gone) {
		shim_power_save_config(m, pm);
		r = shim_hostcall_device_reset(m, dev->bdf);
		if (r == SHIM_OK)
			m->power_stats.context_losses++;
		else if (r != SHIM_ERR_UNSUPPORTED) /* a host that cannot: the context stays */
			shim_log(SHIM_LOG_WARN, "power %s: host could not reset the device: %s",
				 dev->name, m->last_error);
	}
	/* Only a waiter gets a wakeup: unclaimed ones would pile up in the loop. */
	if (pm->waiter)
		shim_workloop_wakeup(m->wl, &dev->pm);
	pm->waiter = false;
	if (pm->current == shim_power_top(p) && !pm->saved)
		shim_power_free(dev);
}

static void shim_power_ack_timeout(void *owner, shim_timer *timer)
{
	shim_pci_device *dev = owner;

	(void)timer;
	if (dev->pm && dev->pm->pending)
		shim_power_complete(dev->m, dev->pm, true);
}

static uint64_t shim_power_ack_timeout_ns(const shim_machine *m)
{
	if (m->power_policy_set && m->power_policy.ack_timeout_ns)
		return m->power_policy.ack_timeout_ns;
	return SHIM_POWER_DEFAULT_ACK_TIMEOUT_NS;
}

static shim_ret shim_power_lookup(shim_machine *m, shim_pci_device *dev,
				  const struct shim_power_desc **out)
{
	if (!m || !dev || dev->m != m)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!dev->svc)
		return SHIM_ERR_NOT_FOUND;
	*out = shim_power_desc_of(dev);
	return *out ? SHIM_OK : SHIM_ERR_UNSUPPORTED;
}

shim_ret shim_machine_request_power_state(shim_machine *m, shim_pci_device *dev, unsigned state)
{
	const struct shim_power_desc *p;
	struct shim_power_dev *pm;
	enum shim_context prev;
	uint64_t wait_ns;
	uint32_t ack_us;
	shim_ret r = shim_power_lookup(m, dev, &p);

	if (r != SHIM_OK)
		return r;
	if (state >= p->state_count)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!shim_pci_check_present(dev))
		return SHIM_ERR_NO_DEVICE;
	if (dev->pm && dev->pm->pending)
		return SHIM_ERR_BUSY;
	if ((dev->pm ? dev->pm->current : shim_power_top(p)) == state)
		return SHIM_OK;
	if (!dev->pm) {
		dev->pm = shim_zalloc(sizeof(*dev->pm));
		if (!dev->pm)
			return SHIM_ERR_NO_MEMORY;
		dev->pm->dev = dev;
		dev->pm->desc = p;
		dev->pm->current = shim_power_top(p);
	}
	pm = dev->pm;
	/* Config space comes back before the driver is asked to wake. */
	if (shim_power_is_on(p, state) && pm->saved)
		shim_power_restore_config(m, pm);
	pm->pending = true;
	pm->target = state;
	prev = shim_context_enter(SHIM_CTX_GATED);
	ack_us = p->set_power_state(dev->svc, state);
	shim_context_leave(prev);
	if (!dev->pm || !dev->pm->pending)
		return SHIM_OK; /* acked from inside the callback */
	if (ack_us == SHIM_POWER_ACK_NOW) {
		shim_power_complete(m, pm, false);
		return SHIM_OK;
	}
	wait_ns = (uint64_t)ack_us * SHIM_PM_US;
	if (wait_ns > shim_power_ack_timeout_ns(m))
		wait_ns = shim_power_ack_timeout_ns(m);
	r = shim_timer_create(m->wl, shim_power_ack_timeout, dev, &pm->ack_timer);
	if (r != SHIM_OK) {
		shim_power_complete(m, pm, true); /* cannot wait: go on as on a timeout */
		return SHIM_OK;
	}
	shim_timer_arm_ns(pm->ack_timer, wait_ns);
	return SHIM_OK;
}

const char *shim_power_registers_off(const shim_pci_device *dev)
{
	const struct shim_power_dev *pm = dev != NULL ? dev->pm : NULL;

	if (pm == NULL || pm->pending || !pm->low_acked)
		return NULL;
	return pm->desc->states[pm->current].name != NULL ? pm->desc->states[pm->current].name
							  : "low power";
}

bool shim_machine_power_pending(shim_machine *m, shim_pci_device *dev)
{
	return m && dev && dev->m == m && dev->pm && dev->pm->pending;
}

shim_ret shim_machine_set_power_state(shim_machine *m, shim_pci_device *dev, unsigned state)
{
	shim_ret r = shim_machine_request_power_state(m, dev, state);

	if (r == SHIM_OK && dev->pm && dev->pm->pending)
		dev->pm->waiter = true;
	/* The ack timer fires before this sleep's deadline; a timeout means the
	 * clock stood still. Extra rounds only skip stale wakeups. */
	for (unsigned round = 0; r == SHIM_OK && round < SHIM_PM_WAIT_ROUNDS &&
				 shim_machine_power_pending(m, dev); round++)
		r = shim_workloop_sleep(m->wl, &dev->pm, shim_power_ack_timeout_ns(m));
	if (r == SHIM_ERR_TIMEOUT)
		r = SHIM_OK;
	if (r == SHIM_OK && shim_machine_power_pending(m, dev))
		shim_power_complete(m, dev->pm, true);
	return r;
}

shim_ret shim_machine_power_state(shim_machine *m, shim_pci_device *dev, unsigned *state)
{
	const struct shim_power_desc *p;
	shim_ret r = shim_power_lookup(m, dev, &p);

	if (r == SHIM_OK && state)
		*state = dev->pm ? dev->pm->current : shim_power_top(p);
	return r;
}

void shim_power_ack(shim_service *svc)
{
	shim_pci_device *dev = shim_service_provider(svc);

	if (!dev || !dev->pm || !dev->pm->pending) {
		shim_log(SHIM_LOG_INFO, "power %s: ack with no change pending (late?)",
			 dev ? dev->name : "?");
		return;
	}
	shim_power_complete(dev->m, dev->pm, false);
}

unsigned shim_power_current(shim_service *svc)
{
	shim_pci_device *dev = shim_service_provider(svc);
	const struct shim_power_desc *p = shim_power_desc_of(dev);

	if (!p)
		return 0;
	return dev->pm ? dev->pm->current : shim_power_top(p);
}

void shim_power_service_end(shim_pci_device *dev)
{
	if (!dev || !dev->pm)
		return;
	if (dev->pm->saved && shim_pci_check_present(dev))
		shim_power_restore_config(dev->m, dev->pm);
	shim_power_free(dev);
}

shim_ret shim_machine_reset_device(shim_machine *m, shim_pci_device *dev)
{
	struct shim_power_dev saved = { .dev = dev };
	shim_ret r;

	if (!m || !dev || dev->m != m)
		return SHIM_ERR_BAD_ARGUMENT;
	if (dev->svc || dev->msi_users)
		return SHIM_ERR_BUSY; /* never under a running driver's feet */
	if (!shim_pci_check_present(dev))
		return SHIM_ERR_NO_DEVICE;
	shim_power_save_config(m, &saved);
	r = shim_hostcall_device_reset(m, dev->bdf);
	if (r != SHIM_OK)
		return r;
	shim_power_restore_config(m, &saved);
	return SHIM_OK;
}

/* ---- policy and system sleep ---- */

shim_ret shim_machine_set_power_policy(shim_machine *m, const struct shim_power_policy *p)
{
	if (!m)
		return SHIM_ERR_BAD_ARGUMENT;
	m->power_policy_set = p != NULL;
	if (p)
		m->power_policy = *p;
	return SHIM_OK;
}

static unsigned shim_power_sleep_target(const shim_machine *m, const struct shim_power_desc *p)
{
	unsigned s;

	if (m->power_policy_set && m->power_policy.sleep_state >= 0 &&
	    (unsigned)m->power_policy.sleep_state < p->state_count)
		return (unsigned)m->power_policy.sleep_state;
	for (s = shim_power_top(p); s > 0 && shim_power_is_on(p, s); s--)
		;
	return s;
}

static shim_ret shim_power_system(shim_machine *m, bool sleep)
{
	shim_ret first = SHIM_OK;

	if (!m)
		return SHIM_ERR_BAD_ARGUMENT;
	for (size_t i = 0; i < m->dev_count; i++) {
		shim_pci_device *dev = m->devs[i];
		const struct shim_power_desc *p = shim_power_desc_of(dev);
		shim_ret r;

		if (!p || dev->gone)
			continue;
		r = shim_machine_set_power_state(m, dev, sleep ? shim_power_sleep_target(m, p)
							       : shim_power_top(p));
		if (r != SHIM_OK && first == SHIM_OK)
			first = r;
	}
	return first;
}

shim_ret shim_machine_system_sleep(shim_machine *m)
{
	return shim_power_system(m, true);
}

shim_ret shim_machine_system_wake(shim_machine *m)
{
	return shim_power_system(m, false);
}

void shim_machine_power_stats(const shim_machine *m, struct shim_power_stats *out)
{
	if (!out)
		return;
	if (!m) {
		*out = (struct shim_power_stats){ 0 };
		return;
	}
	*out = m->power_stats;
}
