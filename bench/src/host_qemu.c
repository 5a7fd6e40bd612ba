/* Host factory "qemu": a real QEMU with its own model of the profile's
 * device (-device <profile's qemu_device>,id=bench0,addr=SLOT plus the
 * run's variant options QEMU knows), on q35 unless the machine must
 * hot-plug: q35's root bus is not hot-pluggable, while pc's ACPI PCI
 * hotplug lets the bench complete a device_del as a guest's firmware would
 * (write the slot bit to the eject register; docs/qemu-host.md, 'Hot-plug
 * on pc'). Backing files the device needs are made in a temp directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/host.h"
#include "bench/interrupt.h"
#include "host_qemu_common.h"
#include "log_follow.h"
#include "shim/host_qemu.h"

#define QEMU_DEV_ID "bench0"
#define PIIX_HP_EJECT 0xae08u   /* ACPI PCI hotplug eject register (pc, bus 0) */
#define PIIX_HP_UP 0xae00u      /* pending insertions; reading clears */
#define QEMU_EVENT_MS 5000u
#define QEMU_EJECT_DELAY_NS 20000000L
#define QEMU_TAIL_LEN 1024

struct qemu_priv {
	struct shim_host host;      /* a copy; valid until the machine destroys the host */
	unsigned slot;
	char device_arg[BENCH_QEMU_ARG_LEN];
	struct bench_backing_dir backing;
	struct bench_log_follow log; /* QEMU's output, read up to here */
	char fault[QEMU_TAIL_LEN];  /* the last fault seen, for device_errors' `last` */
};

static bool qemu_available(const struct bench_profile *p, char *why, size_t len)
{
	if (p->qemu_device == NULL) {
		snprintf(why, len, "QEMU has no device for profile %s (no QEMU device given)",
			 p->name);
		return false;
	}
	return bench_qemu_binary_available(why, len);
}

static void qemu_release(void *priv)
{
	struct qemu_priv *p = priv;

	bench_backing_remove(&p->backing);
	free(p);
}

/* QEMU's own devices keep no error counter: their faults show as "hardware
 * error" reports (often followed by an abort) or "clamping DMA" notes, one
 * line each in QEMU's output; after an abort QEMU no longer answers. Counts
 * every such line since QEMU started (plus one once QEMU is dead), so the
 * count only grows and a scenario compares before and after. */
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
	char reply[512];
	shim_ret r = shim_qemu_host_qmp(&p->host, "{\"execute\":\"device_del\",\"arguments\":"
						  "{\"id\":\"" QEMU_DEV_ID "\"}}",
					reply, sizeof(reply));

	if (r != SHIM_OK) {
		snprintf(why, len, "qemu: device_del: %s (%.300s)", shim_ret_string(r), reply);
		return r;
	}
	/* A guest ejects some time after the request; here that pause also lets
	 * a device thread that is about to take QEMU's global lock finish first
	 * (a device that joins its thread under that lock on unplug would wait
	 * forever: docs/qemu-host.md, 'Hot-unplug and device threads'). */
	nanosleep(&(struct timespec){ .tv_nsec = QEMU_EJECT_DELAY_NS }, NULL);
	r = p->host.ops->io_write(p->host.ctx, PIIX_HP_EJECT, 4, 1u << p->slot);
	if (r == SHIM_OK)
		r = shim_qemu_host_qmp_event(&p->host, "DEVICE_DELETED", QEMU_EVENT_MS, NULL, 0);
	if (r != SHIM_OK)
		snprintf(why, len, "qemu: eject of slot %u: %s", p->slot, shim_ret_string(r));
	return r;
}

/* The same -device line again, through the monitor's own parser. */
static shim_ret qemu_replug(void *priv, char *why, size_t len)
{
	struct qemu_priv *p = priv;
	uint32_t up = 0;
	shim_ret r = bench_qemu_hmp(&p->host, "device_add", p->device_arg, why, len);

	if (r == SHIM_OK) /* the insertion is pending for a guest: acknowledge it */
		r = p->host.ops->io_read(p->host.ctx, PIIX_HP_UP, 4, &up);
	return r;
}

static shim_ret qemu_create(const struct bench_options *opt, struct bench_host_parts *out,
			    char *why, size_t len)
{
	uint64_t ram = opt->ram_size != 0 ? opt->ram_size : BENCH_DEFAULT_RAM;
	const char *extra[2 * BENCH_PROFILE_MAX_BACKING + 1];
	const char *devices[2];
	bool hotplug = opt->hotplug || opt->profile->hotplug;
	struct shim_qemu_options qo = { .machine = hotplug ? "pc" : "q35", .ram_mb = ram >> 20,
					.ram_high_mb = opt->profile->ram_high >> 20,
					.device_args = devices, .extra_args = extra };
	struct qemu_priv *p;
	shim_ret r;

	if (opt->hostile != NULL) {
		snprintf(why, len, "qemu: its own device cannot be made hostile (sim host only)");
		return SHIM_ERR_UNSUPPORTED;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(why, len, "qemu: out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	p->slot = bench_profile_slot(opt->profile);
	r = bench_qemu_device_arg(opt, QEMU_DEV_ID, p->slot, p->device_arg, sizeof(p->device_arg),
				  why, len);
	if (r == SHIM_OK)
		r = bench_backing_create(opt->profile, &p->backing, extra, why, len);
	if (r != SHIM_OK) {
		qemu_release(p);
		return r;
	}
	devices[0] = p->device_arg;
	devices[1] = NULL;
	shim_qemu_interrupt_on(bench_interrupt_fd_ref()); /* waits end at an interrupt */
	r = shim_qemu_host_create(&qo, &out->host, why, len);
	if (r != SHIM_OK) {
		qemu_release(p);
		return r;
	}
	p->host = out->host;
	out->priv = p;
	out->release = qemu_release;
	out->device_errors = qemu_device_errors;
	if (hotplug) {
		out->unplug = qemu_unplug;
		out->replug = qemu_replug;
	} else {
		out->no_hotplug_why = "qemu booted q35, whose root bus is not hot-pluggable; a "
				      "scenario that removes the device declares it (hotplug) and "
				      "runs on pc";
	}
	return SHIM_OK;
}

const struct bench_host_factory bench_host_qemu_factory = {
	.kind = BENCH_HOST_QEMU,
	.name = "qemu",
	.summary = "real QEMU (q35; pc where a scenario hot-plugs) with QEMU's own model of the "
		   "device, through qtest and QMP",
	.caps = BENCH_CAP_DEVICE_ERRORS, /* from QEMU's output and liveness, see above */
	.available = qemu_available,
	.create = qemu_create,
	.sweep = bench_qemu_sweep,
	.abandon = bench_qemu_abandon,
};
