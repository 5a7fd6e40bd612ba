/* The qemu host: shim_host_ops over the qtest client, create/destroy, and
 * the helpers of shim/host_qemu.h. Config space goes through the legacy
 * 0xcf8/0xcfc mechanism (firmware never set up ECAM: 256 bytes per function).
 * Guest RAM is a memfd made here and mapped here as well as in QEMU. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qemu_internal.h"

#if SHIM_HOST_VERSION != 3
#error "the qemu host implements shim/host.h version 3"
#endif

#define PCI_CONF_ADDR 0xcf8u
#define PCI_CONF_DATA 0xcfcu
#define PCI_CONF_ENABLE 0x80000000u
#define PCI_CONF_SPACE 256u
#define DMA_BASE 0x100000u           /* below 1 MiB: legacy holes */
#define MMIO32_BASE 0xfe000000u      /* up to the IOAPIC at 0xfec00000 */
#define MMIO32_SIZE 0x00c00000u
/* 64 GiB at 64 GiB: above 4 GiB and above all RAM (at most 2 GiB here, so
 * none sits above 4 GiB), inside the 40 address bits of QEMU's default CPU.
 * QEMU lays its PCI address space under all of system memory, on q35 and pc
 * alike, so BARs there decode (tests/qemu/test_qemu_bar64.c shows it). */
#define MMIO64_BASE 0x1000000000ull
#define MMIO64_SIZE 0x1000000000ull
#define HIGH_RAM_BASE 0x100000000ull  /* q35 and pc put RAM that does not fit below here */
#define IO_BASE 0xc000u
#define IO_SIZE 0x4000u
#define DEFAULT_TIMEOUT_MS 5000u
#define START_TIMEOUT_MS 10000u
#define EXIT_GRACE_MS 300u

static const struct shim_host_ops qemu_ops;

shim_ret shim_qemu_host_result(struct shim_qemu_host *h, shim_ret r, const char *detail)
{
	char status[96], tail[1024];

	if (r == SHIM_OK && !h->dead && shim_qemu_proxy_gone(h))
		return SHIM_ERR_HOST;
	if (r == SHIM_OK)
		return SHIM_OK;
	if (r != SHIM_ERR_HOST) {
		snprintf(h->err, sizeof(h->err), "%s", detail);
		return r;
	}
	if (h->dead)
		return SHIM_ERR_HOST;
	h->dead = true;
	/* EOF usually means QEMU is exiting: give it a moment to be reaped. A
	 * QEMU still running after a broken exchange is hung or confused. */
	if (shim_qemu_proc_reap(&h->proc, EXIT_GRACE_MS)) {
		shim_qemu_proc_describe(&h->proc, status, sizeof(status));
	} else {
		snprintf(status, sizeof(status), "QEMU (pid %ld) was still running: killed by the host",
			 (long)h->proc.pid);
		shim_qemu_proc_kill(&h->proc);
	}
	shim_qemu_proc_stderr_tail(&h->proc, tail, sizeof(tail));
	snprintf(h->err, sizeof(h->err), "%s; %s; stderr: %s", detail, status,
		 tail[0] ? tail : "(empty)");
	shim_qemu_proxy_note(h);  /* proxy mode: what the remote was doing */
	return SHIM_ERR_HOST;
}

static bool cfg_args_ok(uint16_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && (off & (size - 1)) == 0 &&
	       off + size <= PCI_CONF_SPACE;
}

static shim_ret cfg_select(struct shim_qemu_host *h, uint16_t bdf, uint16_t off)
{
	return shim_qemu_qtest_out(&h->qt, PCI_CONF_ADDR, 4,
				   PCI_CONF_ENABLE | (uint32_t)bdf << 8 | (off & 0xfcu));
}

static shim_ret qemu_cfg_read(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t *val)
{
	struct shim_qemu_host *h = ctx;
	shim_ret r;

	if (h->dead)
		return SHIM_ERR_HOST;
	if (!cfg_args_ok(off, size))
		return shim_qemu_host_result(h, SHIM_ERR_BAD_ARGUMENT, "config access size/offset");
	r = cfg_select(h, bdf, off);
	if (r == SHIM_OK)
		r = shim_qemu_qtest_in(&h->qt, (uint16_t)(PCI_CONF_DATA + (off & 3u)), size, val);
	return shim_qemu_host_result(h, r, h->qt.detail);
}

shim_ret shim_qemu_host_cfg_write(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t val)
{
	struct shim_qemu_host *h = ctx;
	shim_ret r;

	if (h->dead)
		return SHIM_ERR_HOST;
	if (!cfg_args_ok(off, size))
		return shim_qemu_host_result(h, SHIM_ERR_BAD_ARGUMENT, "config access size/offset");
	h->hpet_fresh = false; /* a write may arm a device timer */
	r = cfg_select(h, bdf, off);
	if (r == SHIM_OK)
		r = shim_qemu_qtest_out(&h->qt, (uint16_t)(PCI_CONF_DATA + (off & 3u)), size, val);
	return shim_qemu_host_result(h, r, h->qt.detail);
}

static shim_ret qemu_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	struct shim_qemu_host *h = ctx;

	if (h->dead)
		return SHIM_ERR_HOST;
	return shim_qemu_host_result(h, shim_qemu_qtest_read(&h->qt, addr, size, val), h->qt.detail);
}

static shim_ret qemu_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	struct shim_qemu_host *h = ctx;

	if (h->dead)
		return SHIM_ERR_HOST;
	h->hpet_fresh = false;
	return shim_qemu_host_result(h, shim_qemu_qtest_write(&h->qt, addr, size, val), h->qt.detail);
}

static shim_ret qemu_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	struct shim_qemu_host *h = ctx;

	if (h->dead)
		return SHIM_ERR_HOST;
	return shim_qemu_host_result(h, shim_qemu_qtest_in(&h->qt, port, size, val), h->qt.detail);
}

static shim_ret qemu_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	struct shim_qemu_host *h = ctx;

	if (h->dead)
		return SHIM_ERR_HOST;
	h->hpet_fresh = false;
	return shim_qemu_host_result(h, shim_qemu_qtest_out(&h->qt, port, size, val), h->qt.detail);
}

/* Offset in the RAM file of guest RAM [addr, addr+len); false if not RAM. */
static bool ram_offset(const struct shim_qemu_host *h, uint64_t addr, uint64_t len, uint64_t *off)
{
	if (addr <= h->ram_size && len <= h->ram_size - addr) {
		*off = addr;
		return true;
	}
	if (h->ram_high && addr >= HIGH_RAM_BASE && addr - HIGH_RAM_BASE <= h->ram_high &&
	    len <= h->ram_high - (addr - HIGH_RAM_BASE)) {
		*off = h->ram_size + (addr - HIGH_RAM_BASE);
		return true;
	}
	return false;
}

uint8_t *shim_qemu_ram_ptr(const struct shim_qemu_host *h, uint64_t addr, uint64_t len)
{
	uint64_t off;

	if (!h->ram_map || !h->map_in_use || !ram_offset(h, addr, len, &off))
		return NULL;
	return h->ram_map + off;
}

static shim_ret qemu_ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct shim_qemu_host *h = ctx;
	uint64_t off;
	uint8_t *p;

	if (h->dead)
		return SHIM_ERR_HOST;
	if (!ram_offset(h, addr, len, &off))
		return shim_qemu_host_result(h, SHIM_ERR_BAD_ARGUMENT, "RAM range outside guest RAM");
	if ((p = shim_qemu_ram_ptr(h, addr, len)) != NULL) {
		memcpy(buf, p, len);
		return shim_qemu_host_result(h, SHIM_OK, "");
	}
	return shim_qemu_host_result(h, shim_qemu_qtest_b64read(&h->qt, addr, buf, len), h->qt.detail);
}

static shim_ret qemu_ram_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct shim_qemu_host *h = ctx;
	uint64_t off;
	uint8_t *p;

	if (h->dead)
		return SHIM_ERR_HOST;
	if (!ram_offset(h, addr, len, &off))
		return shim_qemu_host_result(h, SHIM_ERR_BAD_ARGUMENT, "RAM range outside guest RAM");
	if ((p = shim_qemu_ram_ptr(h, addr, len)) != NULL) {
		memcpy(p, buf, len);
		return shim_qemu_host_result(h, SHIM_OK, "");
	}
	return shim_qemu_host_result(h, shim_qemu_qtest_b64write(&h->qt, addr, buf, len), h->qt.detail);
}

static shim_ret qemu_ram_map(void *ctx, uint64_t addr, uint64_t len, void **ptr)
{
	struct shim_qemu_host *h = ctx;

	if (h->dead)
		return SHIM_ERR_HOST;
	*ptr = shim_qemu_ram_ptr(h, addr, len);
	if (*ptr == NULL)
		return shim_qemu_host_result(h, SHIM_ERR_UNSUPPORTED,
					     h->ram_map && h->map_in_use ? "RAM map outside guest RAM"
									 : "guest RAM is not mapped");
	return SHIM_OK;
}

/* Guest RAM: a memfd QEMU opens through /proc/self/fd, mapped here too. A
 * failed mapping is not fatal: the host then copies through qtest. Sealed
 * against shrinking, as QEMU's own memfd backend is: a proxied model maps
 * only RAM no peer can shrink under it. */
static shim_ret qemu_ram_create(struct shim_qemu_host *h, char *err, size_t errlen)
{
	uint64_t total = h->ram_size + h->ram_high;
	void *m;

	h->ram_fd = memfd_create("drvbench-guest-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (h->ram_fd < 0 || ftruncate(h->ram_fd, (off_t)total) != 0 ||
	    fcntl(h->ram_fd, F_ADD_SEALS, F_SEAL_SHRINK) != 0) {
		snprintf(err, errlen, "guest RAM: memfd of %llu bytes: %s",
			 (unsigned long long)total, strerror(errno));
		return SHIM_ERR_HOST;
	}
	m = mmap(NULL, (size_t)total, PROT_READ | PROT_WRITE, MAP_SHARED, h->ram_fd, 0);
	h->ram_map = m == MAP_FAILED ? NULL : m;
	h->map_in_use = h->ram_map != NULL;
	return SHIM_OK;
}

static void qemu_ram_destroy(struct shim_qemu_host *h)
{
	if (h->ram_map)
		munmap(h->ram_map, (size_t)(h->ram_size + h->ram_high));
	h->ram_map = NULL;
	if (h->ram_fd >= 0)
		close(h->ram_fd);
	h->ram_fd = -1;
}

static void qemu_layout(void *ctx, struct shim_host_layout *out)
{
	struct shim_qemu_host *h = ctx;

	memset(out, 0, sizeof(*out));
	out->dma_base = DMA_BASE;
	out->dma_size = h->mailbox - DMA_BASE;
	out->dma_high_base = HIGH_RAM_BASE;
	out->dma_high_size = h->ram_high;
	out->mmio32_base = MMIO32_BASE;
	out->mmio32_size = MMIO32_SIZE;
	out->mmio64_base = MMIO64_BASE;
	out->mmio64_size = MMIO64_SIZE;
	out->io_base = IO_BASE;
	out->io_size = IO_SIZE;
	out->max_bus = 0;
}

static const char *qemu_last_error(void *ctx)
{
	struct shim_qemu_host *h = ctx;

	return h->err;
}

static void qemu_destroy(void *ctx)
{
	struct shim_qemu_host *h = ctx;

	if (!h)
		return;
	shim_qemu_proc_stop(&h->proc);
	shim_qemu_proxy_stop(&h->remote);  /* after QEMU: it exits on the EOF */
	shim_qemu_qtest_fini(&h->qt);
	shim_qemu_qmp_fini(&h->qmp);
	qemu_ram_destroy(h);
	free(h);
}

static const struct shim_host_ops qemu_ops = {
	.version = SHIM_HOST_VERSION,
	.name = "qemu",
	.cfg_read = qemu_cfg_read,
	.cfg_write = shim_qemu_host_cfg_write,
	.mem_read = qemu_mem_read,
	.mem_write = qemu_mem_write,
	.io_read = qemu_io_read,
	.io_write = qemu_io_write,
	.ram_read = qemu_ram_read,
	.ram_write = qemu_ram_write,
	.clock_ns = shim_qemu_clock_ns,
	.clock_run = shim_qemu_clock_run,
	.msi_route = shim_qemu_msi_route,
	.intx_route = shim_qemu_intx_route,
	.irq_next = shim_qemu_irq_next,
	.dma_next = NULL,
	.layout = qemu_layout,
	.last_error = qemu_last_error,
	.destroy = qemu_destroy,
	.device_reset = shim_qemu_device_reset,
	.ram_map = qemu_ram_map,
	.clock_skip = shim_qemu_clock_skip,
};

shim_ret shim_qemu_host_create(const struct shim_qemu_options *opt, struct shim_host *out,
			       char *err, size_t errlen)
{
	static const struct shim_qemu_options defaults;
	struct shim_qemu_host *h;
	unsigned timeout;
	shim_ret r;
	char dummy[1];

	if (!err || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!opt)
		opt = &defaults;
	timeout = opt->timeout_ms ? opt->timeout_ms : DEFAULT_TIMEOUT_MS;
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	h->is_pc = opt->machine && strcmp(opt->machine, "pc") == 0;
	h->ram_size = (opt->ram_mb ? opt->ram_mb : 128) << 20;
	h->ram_high = opt->ram_high_mb << 20;
	h->mailbox = h->ram_size - SHIM_QEMU_PAGE;
	h->ram_fd = -1;
	/* The memfd is made before QEMU's command line is checked: sizes first. */
	if (opt->ram_high_mb > 4096 || opt->ram_mb > 2048) {
		snprintf(err, errlen, "guest RAM of %llu MiB + %llu MiB above 4 GiB: at most 2048 + 4096",
			 (unsigned long long)(h->ram_size >> 20), (unsigned long long)opt->ram_high_mb);
		r = SHIM_ERR_BAD_ARGUMENT;
		goto early_fail;
	}
	r = qemu_ram_create(h, err, errlen);
	if (r == SHIM_OK)
		r = shim_qemu_proxy_proc_start(h, opt,
					       timeout > START_TIMEOUT_MS ? timeout : START_TIMEOUT_MS,
					       err, errlen);
	if (r != SHIM_OK) {
early_fail:
		qemu_ram_destroy(h);
		free(h);
		return r;
	}
	shim_qemu_qtest_init(&h->qt, h->proc.qt_fd, timeout);
	shim_qemu_qmp_init(&h->qmp, h->proc.qmp_fd, timeout);
	r = shim_qemu_qmp_handshake(&h->qmp);
	if (r != SHIM_OK)
		r = shim_qemu_host_result(h, SHIM_ERR_HOST, h->qmp.detail);
	if (r == SHIM_OK) {
		shim_qemu_phase("handshake");
		r = shim_qemu_irq_setup(h);
		r = shim_qemu_host_result(h, r, h->qt.detail);
	}
	if (r != SHIM_OK) {
		snprintf(err, errlen, "%s", h->err);
		qemu_destroy(h);
		return r;
	}
	/* QEMU answered qtest, so it has loaded the firmware and is connected */
	shim_qemu_proc_forget_files(&h->proc);
	shim_qemu_phase("ready");
	out->ops = &qemu_ops;
	out->ctx = h;
	return SHIM_OK;
}

bool shim_host_is_qemu(const struct shim_host *h)
{
	return h && h->ops == &qemu_ops && h->ctx;
}

shim_ret shim_qemu_host_qmp(const struct shim_host *host, const char *json, char *reply, size_t len)
{
	struct shim_qemu_host *h;
	shim_ret r;

	if (!shim_host_is_qemu(host))
		return SHIM_ERR_BAD_ARGUMENT;
	h = host->ctx;
	if (h->dead)
		return SHIM_ERR_HOST;
	r = shim_qemu_qmp_exec(&h->qmp, json, reply, len);
	if (r == SHIM_ERR_GENERIC || r == SHIM_ERR_BAD_ARGUMENT)
		return r;  /* QEMU refused the command, or it was not one object: not a host failure */
	return shim_qemu_host_result(h, r, h->qmp.detail);
}

shim_ret shim_qemu_host_qmp_event(const struct shim_host *host, const char *name,
				  unsigned timeout_ms, char *buf, size_t len)
{
	struct shim_qemu_host *h;
	shim_ret r;

	if (!shim_host_is_qemu(host))
		return SHIM_ERR_BAD_ARGUMENT;
	h = host->ctx;
	if (h->dead)
		return SHIM_ERR_HOST;
	r = shim_qemu_qmp_wait_event(&h->qmp, name, timeout_ms, buf, len);
	if (r == SHIM_ERR_TIMEOUT || r == SHIM_ERR_BAD_ARGUMENT)
		return r;
	return shim_qemu_host_result(h, r, h->qmp.detail);
}

long shim_qemu_host_pid(const struct shim_host *host)
{
	if (!shim_host_is_qemu(host))
		return -1;
	const struct shim_qemu_host *h = host->ctx;
	return h->proc.pid > 0 && !h->proc.reaped ? (long)h->proc.pid : -1;
}

size_t shim_qemu_host_stderr_tail(const struct shim_host *host, char *buf, size_t len)
{
	if (!shim_host_is_qemu(host)) {
		if (buf && len)
			buf[0] = '\0';
		return 0;
	}
	const struct shim_qemu_host *h = host->ctx;
	return shim_qemu_proc_stderr_tail(&h->proc, buf, len);
}

uint64_t shim_qemu_host_mailbox(const struct shim_host *host)
{
	if (!shim_host_is_qemu(host))
		return 0;
	const struct shim_qemu_host *h = host->ctx;
	return h->mailbox;
}

unsigned long long shim_qemu_host_round_trips(const struct shim_host *host)
{
	if (!shim_host_is_qemu(host))
		return 0;
	const struct shim_qemu_host *h = host->ctx;
	return h->qt.round_trips;
}

shim_ret shim_qemu_host_use_ram_map(const struct shim_host *host, bool on)
{
	struct shim_qemu_host *h;

	if (!shim_host_is_qemu(host))
		return SHIM_ERR_BAD_ARGUMENT;
	h = host->ctx;
	if (on && !h->ram_map)
		return SHIM_ERR_UNSUPPORTED;
	h->map_in_use = on;
	return SHIM_OK;
}
