/* The machine's only road to its host: each call checks the host is still
 * there and keeps the host's explanation of a failure for
 * shim_machine_last_error. */
#include <stdio.h>

#include "machine_internal.h"

static shim_ret shim_hostcall_done(shim_machine *m, shim_ret r)
{
	if (r != SHIM_OK && r != SHIM_ERR_NOT_FOUND && m->host.ops->last_error)
		snprintf(m->last_error, sizeof(m->last_error), "%s",
			 m->host.ops->last_error(m->host.ctx));
	return r;
}

static bool shim_hostcall_alive(shim_machine *m)
{
	if (m->host_alive)
		return true;
	snprintf(m->last_error, sizeof(m->last_error), "host already destroyed");
	return false;
}

shim_ret shim_hostcall_cfg_read(shim_machine *m, uint16_t bdf, uint16_t off, unsigned size,
				uint32_t *val)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->cfg_read(m->host.ctx, bdf, off, size, val));
}

shim_ret shim_hostcall_cfg_write(shim_machine *m, uint16_t bdf, uint16_t off, unsigned size,
				 uint32_t val)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->cfg_write(m->host.ctx, bdf, off, size, val));
}

shim_ret shim_hostcall_mem_read(shim_machine *m, uint64_t addr, unsigned size, uint64_t *val)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->mem_read(m->host.ctx, addr, size, val));
}

shim_ret shim_hostcall_mem_write(shim_machine *m, uint64_t addr, unsigned size, uint64_t val)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->mem_write(m->host.ctx, addr, size, val));
}

shim_ret shim_hostcall_io_read(shim_machine *m, uint16_t port, unsigned size, uint32_t *val)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->io_read(m->host.ctx, port, size, val));
}

shim_ret shim_hostcall_io_write(shim_machine *m, uint16_t port, unsigned size, uint32_t val)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->io_write(m->host.ctx, port, size, val));
}

shim_ret shim_hostcall_ram_read(shim_machine *m, uint64_t addr, void *buf, size_t len)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->ram_read(m->host.ctx, addr, buf, len));
}

shim_ret shim_hostcall_ram_write(shim_machine *m, uint64_t addr, const void *buf, size_t len)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->ram_write(m->host.ctx, addr, buf, len));
}

uint64_t shim_hostcall_clock_ns(shim_machine *m)
{
	if (!m->host_alive)
		return 0;
	return m->host.ops->clock_ns(m->host.ctx);
}

shim_ret shim_hostcall_clock_run(shim_machine *m, uint64_t until_ns)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->clock_run(m->host.ctx, until_ns));
}

shim_ret shim_hostcall_msi_route(shim_machine *m, uint32_t vector, uint64_t *addr,
				 uint32_t *data)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->msi_route(m->host.ctx, vector, addr, data));
}

shim_ret shim_hostcall_intx_route(shim_machine *m, uint16_t bdf, uint8_t pin, uint32_t *line)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->intx_route(m->host.ctx, bdf, pin, line));
}

shim_ret shim_hostcall_irq_next(shim_machine *m, struct shim_host_irq *ev)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	return shim_hostcall_done(m, m->host.ops->irq_next(m->host.ctx, ev));
}

shim_ret shim_hostcall_dma_next(shim_machine *m, struct shim_host_dma *ev)
{
	if (!m->host_alive || !m->host.ops->dma_next)
		return SHIM_ERR_NOT_FOUND;
	return shim_hostcall_done(m, m->host.ops->dma_next(m->host.ctx, ev));
}
