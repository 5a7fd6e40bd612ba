/* The edu test-side driver library (edu_qos.h): every access goes through
 * the host's ops, and a failed one ends the test naming the access and the
 * host's own reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "edu_qos.h"
#include "shim/ioreturn.h"
#include "shim/pci.h"

/* Ends the test when r is a failure: "edu 00:04.0: what 0xOFF: STATUS (host's reason)". */
static void edu_qos_check(const struct edu_qos *e, shim_ret r, const char *what, uint64_t off)
{
	if (r == SHIM_OK)
		return;
	fail_msg("edu %02x:%02x.%x: %s 0x%llx: %s (%s)", e->bdf >> 8, (e->bdf >> 3) & 0x1f,
		 e->bdf & 7, what, (unsigned long long)off, shim_ret_string(r),
		 e->host.ops->last_error(e->host.ctx));
}

void edu_qos_init(struct edu_qos *e, const struct shim_host *h, uint16_t bdf)
{
	e->host = *h;
	e->bdf = bdf;
	e->bar0 = 0;
}

void edu_qos_map(struct edu_qos *e, uint64_t addr)
{
	edu_qos_cfg_write(e, EDU_QOS_CFG_BAR0, 4, (uint32_t)addr);
	edu_qos_cfg_write(e, EDU_QOS_CFG_COMMAND, 2, EDU_QOS_CMD_MEMORY | EDU_QOS_CMD_MASTER);
	e->bar0 = addr;
}

void edu_qos_find_bar0(struct edu_qos *e)
{
	e->bar0 = edu_qos_cfg_read(e, EDU_QOS_CFG_BAR0, 4) & ~0xfull;
	if (e->bar0 == 0)
		fail_msg("edu %02x:%02x.%x: BAR0 was never placed", e->bdf >> 8,
			 (e->bdf >> 3) & 0x1f, e->bdf & 7);
}

shim_pci_device *edu_qos_find_function(shim_machine *m)
{
	for (size_t i = 0; i < shim_machine_device_count(m); i++) {
		shim_pci_device *d = shim_machine_device(m, i);

		if (shim_pci_vendor_id(d) == EDU_QOS_VENDOR_ID &&
		    shim_pci_device_id(d) == EDU_QOS_DEVICE_ID)
			return d;
	}
	return NULL;
}

shim_ret edu_qos_try_cfg_read(struct edu_qos *e, uint16_t off, unsigned size, uint32_t *val)
{
	*val = 0;
	return e->host.ops->cfg_read(e->host.ctx, e->bdf, off, size, val);
}

uint32_t edu_qos_cfg_read(struct edu_qos *e, uint16_t off, unsigned size)
{
	uint32_t v = 0;

	edu_qos_check(e, edu_qos_try_cfg_read(e, off, size, &v), "config read", off);
	return v;
}

void edu_qos_cfg_write(struct edu_qos *e, uint16_t off, unsigned size, uint32_t val)
{
	edu_qos_check(e, e->host.ops->cfg_write(e->host.ctx, e->bdf, off, size, val),
		      "config write", off);
}

shim_ret edu_qos_try_read(struct edu_qos *e, uint32_t off, unsigned size, uint64_t *val)
{
	*val = 0;
	return e->host.ops->mem_read(e->host.ctx, e->bar0 + off, size, val);
}

uint32_t edu_qos_read(struct edu_qos *e, uint32_t off)
{
	uint64_t v = 0;

	edu_qos_check(e, edu_qos_try_read(e, off, 4, &v), "read BAR0 +", off);
	return (uint32_t)v;
}

uint64_t edu_qos_read64(struct edu_qos *e, uint32_t off)
{
	uint64_t v = 0;

	edu_qos_check(e, edu_qos_try_read(e, off, 8, &v), "8-byte read BAR0 +", off);
	return v;
}

void edu_qos_write(struct edu_qos *e, uint32_t off, uint32_t val)
{
	edu_qos_check(e, e->host.ops->mem_write(e->host.ctx, e->bar0 + off, 4, val),
		      "write BAR0 +", off);
}

void edu_qos_write64(struct edu_qos *e, uint32_t off, uint64_t val)
{
	edu_qos_check(e, e->host.ops->mem_write(e->host.ctx, e->bar0 + off, 8, val),
		      "8-byte write BAR0 +", off);
}

shim_ret edu_qos_try_run(struct edu_qos *e, uint64_t ns)
{
	uint64_t now = e->host.ops->clock_ns(e->host.ctx);

	return e->host.ops->clock_run(e->host.ctx, now + ns);
}

bool edu_qos_wait_clear(struct edu_qos *e, uint32_t off, uint32_t mask)
{
	for (int i = 0; i < EDU_QOS_WAIT_ROUNDS; i++) {
		if ((edu_qos_read(e, off) & mask) == 0)
			return true;
		edu_qos_check(e, edu_qos_try_run(e, EDU_QOS_STEP_NS), "clock run, waiting on",
			      off);
	}
	return false;
}

bool edu_qos_wait_irq(struct edu_qos *e, struct shim_host_irq *ev)
{
	for (int i = 0; i < EDU_QOS_WAIT_ROUNDS; i++) {
		shim_ret r = e->host.ops->irq_next(e->host.ctx, ev);

		if (r == SHIM_OK)
			return true;
		if (r != SHIM_ERR_NOT_FOUND)
			edu_qos_check(e, r, "next interrupt, round", (uint64_t)i);
		edu_qos_check(e, edu_qos_try_run(e, EDU_QOS_STEP_NS), "clock run, round",
			      (uint64_t)i);
	}
	return false;
}

void edu_qos_msi_enable(struct edu_qos *e, uint32_t vector)
{
	uint64_t addr = 0;
	uint32_t data = 0;

	edu_qos_check(e, e->host.ops->msi_route(e->host.ctx, vector, &addr, &data), "MSI route",
		      vector);
	edu_qos_cfg_write(e, EDU_QOS_MSI_CAP + EDU_QOS_MSI_ADDR_LO, 4, (uint32_t)addr);
	edu_qos_cfg_write(e, EDU_QOS_MSI_CAP + EDU_QOS_MSI_ADDR_HI, 4, (uint32_t)(addr >> 32));
	edu_qos_cfg_write(e, EDU_QOS_MSI_CAP + EDU_QOS_MSI_DATA, 2, data);
	edu_qos_cfg_write(e, EDU_QOS_MSI_CAP + EDU_QOS_MSI_CONTROL, 2,
			  (EDU_QOS_MSI_HEADER >> 16) | EDU_QOS_MSI_ENABLE);
}

void edu_qos_msi_disable(struct edu_qos *e)
{
	edu_qos_cfg_write(e, EDU_QOS_MSI_CAP + EDU_QOS_MSI_CONTROL, 2, EDU_QOS_MSI_HEADER >> 16);
}

void edu_qos_dma_start(struct edu_qos *e, uint64_t src, uint64_t dst, uint64_t count,
		       uint32_t cmd)
{
	edu_qos_write64(e, EDU_QOS_DMA_SRC, src);
	edu_qos_write64(e, EDU_QOS_DMA_DST, dst);
	edu_qos_write64(e, EDU_QOS_DMA_CNT, count);
	edu_qos_write64(e, EDU_QOS_DMA_CMD, cmd);
}

bool edu_qos_dma(struct edu_qos *e, uint64_t src, uint64_t dst, uint64_t count, uint32_t cmd)
{
	edu_qos_dma_start(e, src, dst, count, cmd);
	return edu_qos_wait_clear(e, EDU_QOS_DMA_CMD, EDU_QOS_DMA_START);
}
