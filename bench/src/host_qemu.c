/* Host factory "qemu:edu": a real QEMU with its own edu device in slot 4,
 * on q35 unless the machine must hot-plug (bench_options.hotplug): q35's root
 * bus is not hot-pluggable, while pc's ACPI PCI hotplug lets the bench
 * complete a device_del as a guest's firmware would (write the slot bit to
 * the eject register), so surprise removal and re-attach work there. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/host.h"
#include "log_follow.h"
#include "shim/host_qemu.h"

#define QEMU_EDU_ID "edu0"
#define PIIX_HP_EJECT 0xae08u   /* ACPI PCI hotplug eject register (pc, bus 0) */
#define PIIX_HP_UP 0xae00u      /* pending insertions; reading clears */
#define QEMU_EVENT_MS 5000u
#define QEMU_ARG_LEN 96
#define QEMU_TAIL_LEN 1024

struct qemu_priv {
	struct shim_host host;      /* a copy; valid until the machine destroys the host */
	char device_arg[QEMU_ARG_LEN];
	uint64_t dma_mask;          /* 0: QEMU's default */
	struct bench_log_follow log;   /* QEMU's output, read up to here */
	char fault[QEMU_TAIL_LEN];  /* the last fault seen, for device_errors' `last` */
};

static bool qemu_available(char *why, size_t len)
{
	const char *bin = getenv("DRVBENCH_QEMU");
	const char *path = getenv("PATH");
	char full[512];

	if (bin != NULL && *bin != '\0') {
		if (access(bin, X_OK) == 0)
			return true;
		snprintf(why, len, "DRVBENCH_QEMU=%s is not executable", bin);
		return false;
	}
	while (path != NULL && *path != '\0') {
		const char *end = strchr(path, ':');
		size_t n = end != NULL ? (size_t)(end - path) : strlen(path);

		snprintf(full, sizeof(full), "%.*s/qemu-system-x86_64", (int)n, path);
		if (n > 0 && access(full, X_OK) == 0)
			return true;
		path = end != NULL ? end + 1 : NULL;
	}
	snprintf(why, len, "qemu-system-x86_64 not found on PATH (set DRVBENCH_QEMU)");
	return false;
}

static void qemu_release(void *priv)
{
	free(priv);
}

static shim_ret qemu_qmp(struct qemu_priv *p, const char *json, const char *what, char *why,
			 size_t len)
{
	char reply[512];
	shim_ret r = shim_qemu_host_qmp(&p->host, json, reply, sizeof(reply));

	if (r != SHIM_OK)
		snprintf(why, len, "qemu: %s: %s (%.200s)", what, shim_ret_string(r), reply);
	return r;
}

/* QEMU's edu keeps no error counter: its faults show as a "hardware error"
 * report followed by an abort (a DMA touching the buffer's last byte, count
 * 0) or a "clamping DMA" note (a bus address above dma_mask), one line each
 * in QEMU's output; after an abort QEMU no longer answers. Counts every such
 * line since QEMU started (plus one once QEMU is dead), so the count only
 * grows and a scenario compares before and after. */
static unsigned long qemu_device_errors(void *priv, const char **last)
{
	static const char *const signs[] = { "hardware error", "clamping DMA", NULL };
	struct qemu_priv *p = priv;
	unsigned long n = bench_log_follow_scan(&p->log, &p->host, SHIM_QEMU_LOG_QEMU, signs);
	uint32_t id = 0;

	if (p->log.last[0] != '\0')
		snprintf(p->fault, sizeof(p->fault), "%s", p->log.last);
	if (p->host.ops->cfg_read(p->host.ctx, SHIM_BDF(0, 0, 0), 0, 4, &id) != SHIM_OK) {
		snprintf(p->fault, sizeof(p->fault), "QEMU no longer answers: %s",
			 p->host.ops->last_error(p->host.ctx));
		n++;
	}
	if (last != NULL)
		*last = p->fault[0] != '\0' ? p->fault : NULL;
	return n;
}

/* device_del only asks; a guest's ACPI code would then eject the slot. */
static shim_ret qemu_unplug(void *priv, char *why, size_t len)
{
	struct qemu_priv *p = priv;
	shim_ret r = qemu_qmp(p, "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"" QEMU_EDU_ID
				 "\"}}", "device_del", why, len);

	if (r == SHIM_OK)
		r = p->host.ops->io_write(p->host.ctx, PIIX_HP_EJECT, 4, 1u << BENCH_EDU_SLOT);
	if (r == SHIM_OK)
		r = shim_qemu_host_qmp_event(&p->host, "DEVICE_DELETED", QEMU_EVENT_MS, NULL, 0);
	if (r != SHIM_OK && why[0] == '\0')
		snprintf(why, len, "qemu: eject of slot %u: %s", BENCH_EDU_SLOT, shim_ret_string(r));
	return r;
}

static shim_ret qemu_replug(void *priv, const struct bench_options *opt, char *why, size_t len)
{
	struct qemu_priv *p = priv;
	char json[256], mask[48] = "";
	uint32_t up = 0;
	shim_ret r;

	(void)opt; /* the variant was fixed at create time */
	if (p->dma_mask != 0)
		snprintf(mask, sizeof(mask), ",\"dma_mask\":%" PRIu64, p->dma_mask);
	snprintf(json, sizeof(json),
		 "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"edu\",\"id\":\"" QEMU_EDU_ID
		 "\",\"addr\":\"%u\"%s}}",
		 BENCH_EDU_SLOT, mask);
	r = qemu_qmp(p, json, "device_add", why, len);
	if (r == SHIM_OK) /* the insertion is pending for a guest: acknowledge it */
		r = p->host.ops->io_read(p->host.ctx, PIIX_HP_UP, 4, &up);
	return r;
}

static shim_ret qemu_create(const struct bench_options *opt, struct bench_host_parts *out, char *why,
			    size_t len)
{
	uint64_t ram = opt->ram_size != 0 ? opt->ram_size : BENCH_DEFAULT_RAM;
	struct qemu_priv *p;
	const char *devices[2];
	struct shim_qemu_options qo = { .machine = opt->hotplug ? "pc" : "q35",
					.ram_mb = ram >> 20, .device_args = devices };
	shim_ret r;

	if (opt->edu.no_msi || opt->edu.id_value != 0) {
		snprintf(why, len, "qemu:edu: QEMU's own edu has no %s option",
			 opt->edu.no_msi ? "MSI-less" : "ID-register");
		return SHIM_ERR_UNSUPPORTED;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(why, len, "qemu:edu: out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	p->dma_mask = opt->edu.dma_mask;
	if (opt->edu.dma_mask != 0)
		snprintf(p->device_arg, sizeof(p->device_arg),
			 "edu,id=" QEMU_EDU_ID ",addr=%u,dma_mask=0x%" PRIx64, BENCH_EDU_SLOT,
			 opt->edu.dma_mask);
	else
		snprintf(p->device_arg, sizeof(p->device_arg), "edu,id=" QEMU_EDU_ID ",addr=%u",
			 BENCH_EDU_SLOT);
	devices[0] = p->device_arg;
	devices[1] = NULL;
	r = shim_qemu_host_create(&qo, &out->host, why, len);
	if (r != SHIM_OK) {
		free(p);
		return r;
	}
	p->host = out->host;
	out->priv = p;
	out->release = qemu_release;
	out->device_errors = qemu_device_errors;
	if (opt->hotplug) {
		out->unplug = qemu_unplug;
		out->replug = qemu_replug;
	} else {
		out->no_hotplug_why = "qemu:edu booted q35, whose root bus is not hot-pluggable; "
				      "a scenario that removes the device declares it (opt.hotplug) "
				      "and runs on pc";
	}
	return SHIM_OK;
}

const struct bench_host_factory bench_host_qemu_edu_factory = {
	.kind = BENCH_HOST_QEMU,
	.name = "qemu:edu",
	.summary = "real QEMU (q35; pc where a scenario hot-plugs) with its own edu device, "
		   "through qtest and QMP",
	.caps = BENCH_CAP_DEVICE_ERRORS, /* from QEMU's output and liveness, see above */
	.available = qemu_available,
	.create = qemu_create,
};
