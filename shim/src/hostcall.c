/* The machine's only road to its host, and the only file of the shim that
 * touches a host's ops: each call checks the host is still there and keeps
 * the host's explanation of a failure for shim_machine_last_error.
 * tools/check_host_calls.sh holds the rest of shim/src to that. */
#include <stdio.h>

#include "machine_internal.h"

#define SHIM_HOSTCALL_NEED(o, op) \
	do { \
		if (!(o)->op) \
			return #op; \
	} while (0)

/* The first op a host must have and lacks, or NULL. */
static const char *shim_hostcall_missing_op(const struct shim_host_ops *o)
{
	SHIM_HOSTCALL_NEED(o, cfg_read);
	SHIM_HOSTCALL_NEED(o, cfg_write);
	SHIM_HOSTCALL_NEED(o, mem_read);
	SHIM_HOSTCALL_NEED(o, mem_write);
	SHIM_HOSTCALL_NEED(o, io_read);
	SHIM_HOSTCALL_NEED(o, io_write);
	SHIM_HOSTCALL_NEED(o, ram_read);
	SHIM_HOSTCALL_NEED(o, ram_write);
	SHIM_HOSTCALL_NEED(o, clock_ns);
	SHIM_HOSTCALL_NEED(o, clock_run);
	SHIM_HOSTCALL_NEED(o, msi_route);
	SHIM_HOSTCALL_NEED(o, intx_route);
	SHIM_HOSTCALL_NEED(o, irq_next);
	SHIM_HOSTCALL_NEED(o, layout);
	SHIM_HOSTCALL_NEED(o, last_error);
	SHIM_HOSTCALL_NEED(o, destroy);
	return NULL;
}

shim_ret shim_hostcall_check(struct shim_host host, char *why, size_t len)
{
	const char *missing;

	if (!host.ops) {
		snprintf(why, len, "no host (ops is NULL)");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	/* Nothing past the version is read before it matches: another
	 * version's ops may be laid out differently. */
	if (host.ops->version != SHIM_HOST_VERSION) {
		snprintf(why, len,
			 "host built for shim/host.h version %lu, this shim speaks version %u",
			 (unsigned long)host.ops->version, SHIM_HOST_VERSION);
		return SHIM_ERR_UNSUPPORTED;
	}
	missing = shim_hostcall_missing_op(host.ops);
	if (missing) {
		snprintf(why, len, "host %s has no %s op", host.ops->name ? host.ops->name : "?",
			 missing);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	return SHIM_OK;
}

void shim_hostcall_release(struct shim_host host)
{
	if (host.ops && host.ops->version == SHIM_HOST_VERSION && host.ops->destroy)
		host.ops->destroy(host.ctx);
}

void shim_hostcall_destroy(shim_machine *m)
{
	if (!m->host_alive)
		return;
	m->host_alive = false;
	m->host.ops->destroy(m->host.ctx);
}

const char *shim_hostcall_name(const shim_machine *m)
{
	return m->host.ops && m->host.ops->name ? m->host.ops->name : "";
}

void shim_hostcall_layout(shim_machine *m, struct shim_host_layout *out)
{
	*out = (struct shim_host_layout){ 0 };
	if (m->host_alive)
		m->host.ops->layout(m->host.ctx, out);
}

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

bool shim_hostcall_can_skip(shim_machine *m)
{
	return m->host_alive && m->host.ops->clock_skip != NULL;
}

shim_ret shim_hostcall_clock_skip(shim_machine *m, uint64_t ns)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	if (!m->host.ops->clock_skip)
		return SHIM_ERR_UNSUPPORTED;
	return shim_hostcall_done(m, m->host.ops->clock_skip(m->host.ctx, ns));
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

void *shim_hostcall_ram_map(shim_machine *m, uint64_t addr, uint64_t len)
{
	void *ptr = NULL;

	if (!m->host_alive || !m->host.ops->ram_map || len == 0)
		return NULL;
	if (m->host.ops->ram_map(m->host.ctx, addr, len, &ptr) != SHIM_OK)
		return NULL;
	return ptr;
}

shim_ret shim_hostcall_device_reset(shim_machine *m, uint16_t bdf)
{
	if (!shim_hostcall_alive(m))
		return SHIM_ERR_HOST;
	if (!m->host.ops->device_reset)
		return SHIM_ERR_UNSUPPORTED;
	return shim_hostcall_done(m, m->host.ops->device_reset(m->host.ctx, bdf));
}
