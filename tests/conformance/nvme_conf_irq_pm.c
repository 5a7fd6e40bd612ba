/* NVMe conformance cases about interrupts, power and faults, traced on
 * every host: a command on each I/O queue and the vector that took its
 * completion; a completion on a masked vector (its pending bit, read
 * through the MSI-X capability, then delivery on unmask); a sleep
 * requested while a write waits (CC.SHN shutdown once it is done, wake,
 * data kept); and recovery from a fatal controller status. */
#include <stdio.h>
#include <string.h>

#include "nvme/nvme_userclient.h"
#include "nvme_conf.h"
#include "shim/machine.h"
#include "shim/pci.h"
#include "shim/power_policy.h"
#include "shim/uc_client.h"
#include "shim/workloop.h"

#define NC_PCI_CAP_MSIX 0x11
#define NC_MSIX_PBA 8
#define NC_SETTLE_NS 2000000ull /* virtual: the loop's turn, not a wait on the device */
#define NC_PS_SLEEP 1u          /* the driver's power table is {off, sleep, on} */
#define NC_IO_LBA 512u
#define NC_IO_BLOCKS 8u
#define NC_LOOK_NS 10000000ull /* the driver's default look period */

/* Which queues' interrupts handled completions between two snapshots. */
static void nc_note_vectors(struct nc_host *h, const struct nvme_stats *a,
			    const struct nvme_stats *b, const char *after)
{
	char text[64] = "";
	size_t used = 0;

	for (unsigned k = 0; k < NVME_MAX_QUEUES; k++) {
		uint64_t got = b->interrupts[k] - a->interrupts[k];

		if (got != 0 && used < sizeof(text))
			used += (size_t)snprintf(text + used, sizeof(text) - used, " q%u x%llu", k,
						 (unsigned long long)got);
	}
	bench_trace_note(h->trace, "%s: handled by%s", after, used ? text : " none");
}

bool nc_case_msix_per_queue(struct nc_host *h, char *why, size_t len)
{
	struct nvme_info info;

	if (h->api.get_info(h->svc, &info) != SHIM_OK || !info.msix || info.io_queues < 2) {
		snprintf(why, len, "want MSI-X and several I/O queues");
		return false;
	}
	bench_trace_note(h->trace, "%u I/O queues, MSI-X, %u vectors", info.io_queues,
			 info.vectors);
	for (unsigned q = 1; q <= info.io_queues; q++) {
		struct nvme_stats before, after;
		struct nvme_completion cqe;
		uint8_t sqe[64] = { 0 };
		char what[32];

		sqe[4] = 1; /* Flush of namespace 1 */
		h->api.get_stats(h->svc, &before);
		if (h->api.passthru(h->svc, q, sqe, NULL, &cqe) != SHIM_OK) {
			snprintf(why, len, "flush on queue %u not done", q);
			return false;
		}
		h->api.get_stats(h->svc, &after);
		nc_note_completions(h);
		snprintf(what, sizeof(what), "flush on q%u", q);
		nc_note_vectors(h, &before, &after, what);
	}
	return true;
}

/* The device's pending bits of vectors 0..31, read as a debugger would:
 * through the MSI-X capability and a mapping of the BAR it names. The
 * read is in the trace (bar0 + the PBA's offset). */
static shim_ret nc_pba(struct nc_host *h, uint32_t *bits)
{
	uint8_t cap = shim_pci_find_capability(h->dev, NC_PCI_CAP_MSIX);
	shim_mmio_map *map = NULL;
	uint32_t pba;
	shim_ret r;

	if (cap == 0)
		return SHIM_ERR_NOT_FOUND;
	pba = shim_pci_cfg_read32(h->dev, (uint16_t)(cap + NC_MSIX_PBA));
	r = shim_pci_map_bar(h->dev, pba & 7u, &map);
	if (r != SHIM_OK)
		return r;
	*bits = shim_mmio_read32(map, pba & ~7u);
	shim_mmio_unmap(map);
	return SHIM_OK;
}

struct nc_async {
	unsigned long completions;
	shim_ret status;
};

static void nc_async_done(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	struct nc_async *a = refcon;

	a->completions++;
	a->status = status == SHIM_OK && count == 2 ? (shim_ret)(int64_t)vals[1] : status;
}

/* Every I/O queue's vector masked, an async flush through the user client
 * (nothing may wait on the device), the pending bit looked at, then the
 * vectors unmasked: the flush's completion must arrive then. */
bool nc_case_masked_vector(struct nc_host *h, char *why, size_t len)
{
	shim_workloop *wl = shim_machine_workloop(h->m);
	struct nc_async done = { 0, SHIM_OK };
	struct nvme_stats before, after;
	struct nvme_info info = { 0 };
	shim_task *task = NULL;
	shim_uc_conn *conn = NULL;
	uint32_t pending = 0, later = 0;
	uint64_t handle = 0;
	struct shim_uc_call call = { .scalar_out = &handle, .scalar_out_count = 1,
				     .async_fn = nc_async_done, .async_refcon = &done };
	shim_ret r = h->api.get_info(h->svc, &info);

	if (r == SHIM_OK && !info.msix)
		r = SHIM_ERR_UNSUPPORTED;
	if (r == SHIM_OK)
		r = shim_task_create(0, NULL, 0, &task);
	if (r == SHIM_OK)
		r = shim_uc_open(task, h->svc, &conn);
	for (unsigned q = 1; r == SHIM_OK && q <= info.io_queues; q++)
		r = h->api.set_queue_interrupt(h->svc, q, false);
	h->api.get_stats(h->svc, &before);
	if (r == SHIM_OK)
		r = shim_uc_call(conn, NVME_UC_FLUSH_ASYNC, &call);
	if (r == SHIM_OK)
		r = shim_workloop_delay_ns(wl, NC_SETTLE_NS);
	if (r == SHIM_OK)
		r = nc_pba(h, &pending);
	if (r == SHIM_OK)
		bench_trace_note(h->trace, "masked: %lu delivered, pending 0x%08x", done.completions,
				 pending);
	for (unsigned q = 1; r == SHIM_OK && q <= info.io_queues; q++)
		r = h->api.set_queue_interrupt(h->svc, q, true);
	if (r == SHIM_OK)
		r = shim_workloop_delay_ns(wl, NC_SETTLE_NS);
	if (r == SHIM_OK)
		r = nc_pba(h, &later);
	h->api.get_stats(h->svc, &after);
	if (r == SHIM_OK) {
		bench_trace_note(h->trace, "unmasked: %lu delivered (%s), pending 0x%08x",
				 done.completions, shim_ret_string(done.status), later);
		nc_note_completions(h);
		nc_note_vectors(h, &before, &after, "async flush");
	}
	if (r != SHIM_OK)
		snprintf(why, len, "masked vector: %s", shim_ret_string(r));
	else if (done.completions != 1 || (pending & ~1u) == 0 || later != 0) {
		snprintf(why, len, "%lu completion(s), pending 0x%08x masked, 0x%08x unmasked",
			 done.completions, pending, later);
		r = SHIM_ERR_DEVICE_ERROR;
	}
	for (unsigned q = 1; q <= info.io_queues && q <= NVME_MAX_IO_QUEUES; q++)
		(void)h->api.set_queue_interrupt(h->svc, q, true); /* after a failure midway */
	if (task != NULL)
		shim_task_destroy(task);
	return r == SHIM_OK;
}

struct nc_mid {
	struct nc_host *h;
	unsigned queues;
	bool fired;
	shim_ret ret;
};

/* The sleep request, then the I/O vectors unmasked: the write's completion
 * (held in its pending bit) can only arrive after the request, on every
 * host, whatever the order in which a host hands the loop a timer and an
 * interrupt that are both due. */
static void nc_mid_sleep(void *owner, shim_timer *t)
{
	struct nc_mid *mid = owner;

	(void)t;
	if (mid->fired)
		return;
	mid->fired = true;
	mid->ret = shim_machine_request_power_state(mid->h->m, mid->h->dev, NC_PS_SLEEP);
	for (unsigned q = 1; q <= mid->queues; q++)
		(void)mid->h->api.set_queue_interrupt(mid->h->svc, q, true);
}

/* A sleep requested while a write waits (its completion held by masked
 * vectors, a timer due at once makes the request and unmasks): the driver
 * acks it once the write is done and shuts the controller down (CC.SHN);
 * a read while asleep is refused; after wake the data is there. */
bool nc_case_sleep_io(struct nc_host *h, char *why, size_t len)
{
	uint8_t data[NC_IO_BLOCKS * 512], back[NC_IO_BLOCKS * 512];
	struct nc_mid mid = { h, 0, false, SHIM_OK };
	struct nvme_info info = { 0 };
	unsigned state = 0;
	shim_timer *t = NULL;
	shim_ret r, asleep;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(11u * 31u + i * 7u + (i >> 9));
	r = h->api.get_info(h->svc, &info);
	mid.queues = info.io_queues;
	for (unsigned q = 1; r == SHIM_OK && q <= mid.queues; q++)
		r = h->api.set_queue_interrupt(h->svc, q, false);
	if (r == SHIM_OK)
		r = shim_timer_create(shim_machine_workloop(h->m), nc_mid_sleep, &mid, &t);
	if (r != SHIM_OK) {
		snprintf(why, len, "masking the vectors, or the timer: %s", shim_ret_string(r));
		return false;
	}
	shim_timer_arm_ns(t, 0);
	r = h->api.write_buf(h->svc, NC_IO_LBA, NC_IO_BLOCKS, data);
	shim_timer_cancel(t);
	shim_timer_release(t);
	nc_note_completions(h);
	if (!mid.fired || mid.ret != SHIM_OK || r != SHIM_OK) {
		snprintf(why, len, "write with a sleep request in flight: %s (request %s, %s)",
			 shim_ret_string(r), mid.fired ? "made" : "not made", shim_ret_string(mid.ret));
		return false;
	}
	shim_machine_power_state(h->m, h->dev, &state);
	asleep = h->api.read_buf(h->svc, NC_IO_LBA, NC_IO_BLOCKS, back);
	bench_trace_note(h->trace, "after the write: state %u, pending %d, read %s", state,
			 shim_machine_power_pending(h->m, h->dev), shim_ret_string(asleep));
	r = shim_machine_system_wake(h->m);
	if (r == SHIM_OK)
		r = h->api.read_buf(h->svc, NC_IO_LBA, NC_IO_BLOCKS, back);
	nc_note_completions(h);
	if (r == SHIM_OK)
		nc_note_data(h, "read after wake", back, sizeof(back));
	if (r != SHIM_OK || state != NC_PS_SLEEP || asleep != SHIM_ERR_NOT_READY ||
	    memcmp(back, data, sizeof(data)) != 0) {
		snprintf(why, len, "sleep state %u, read asleep %s, after wake %s", state,
			 shim_ret_string(asleep), shim_ret_string(r));
		return false;
	}
	return true;
}

/* Bus mastering off behind the driver: QEMU's controller and the model
 * both fail the next fetch with CSTS.CFS and post nothing. The driver
 * learns it at its first look at the controller (the watch, set short for
 * this case: with no completion coming, that look is the only event, so it
 * is not timing), fails the flush, resets the controller and I/O works. */
bool nc_case_fatal_recovery(struct nc_host *h, char *why, size_t len)
{
	uint8_t data[4 * 512], back[4 * 512];
	struct nvme_stats before, after;
	shim_ret r, flushed;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(5u * 31u + i * 7u + (i >> 9));
	h->api.get_stats(h->svc, &before);
	r = h->api.set_watch(h->svc, NC_LOOK_NS);
	if (r == SHIM_OK) {
		(void)shim_pci_set_bus_master(h->dev, false);
		flushed = h->api.flush(h->svc);
		r = h->api.set_watch(h->svc, NC_WATCH_NS);
		h->api.get_stats(h->svc, &after);
		nc_note_completions(h);
		bench_trace_note(h->trace, "flush with bus mastering off: %s, %llu reset(s), %llu "
				 "fatal", shim_ret_string(flushed),
				 (unsigned long long)(after.resets - before.resets),
				 (unsigned long long)(after.device_errors - before.device_errors));
		if (flushed != SHIM_ERR_DEVICE_ERROR)
			r = SHIM_ERR_DEVICE_ERROR;
	}
	if (r == SHIM_OK)
		r = h->api.write_buf(h->svc, NC_IO_LBA, 4, data);
	if (r == SHIM_OK)
		r = h->api.read_buf(h->svc, NC_IO_LBA, 4, back);
	nc_note_completions(h);
	if (r == SHIM_OK)
		nc_note_data(h, "read after the reset", back, sizeof(back));
	if (r != SHIM_OK || memcmp(back, data, sizeof(data)) != 0) {
		snprintf(why, len, "fatal status recovery: %s", shim_ret_string(r));
		return false;
	}
	return true;
}

struct nc_gone {
	struct nc_host *h;
	bool fired;
	shim_ret ret;
	char why[128];
};

static void nc_mid_remove(void *owner, shim_timer *t)
{
	struct nc_gone *g = owner;

	(void)t;
	if (g->fired)
		return;
	g->fired = true;
	g->ret = g->h->parts.unplug(g->h->parts.priv, g->why, sizeof(g->why));
	bench_trace_note(g->h->trace, "controller removed: %s", shim_ret_string(g->ret));
}

/* The controller removed while async flushes and a write wait (their
 * completions held by masked vectors; a timer removes it once the device
 * has had the loop's turn to run them: QEMU's runs a command during the
 * doorbell write, the model on sim a little later, so the order is the
 * same on every host). The write's wait learns it at its
 * first look (the watch set short: with the device gone that look is the
 * only event); the next write is refused; the rescan stops the driver,
 * which ends the flushes (delivered, or dropped with the connection that
 * closes with the service: the trace says which, and hosts must agree).
 * The device stays gone: the machine goes next. */
bool nc_case_removal_io(struct nc_host *h, char *why, size_t len)
{
	uint8_t data[NC_IO_BLOCKS * 512];
	struct nc_gone g = { h, false, SHIM_OK, "" };
	struct nc_async done = { 0, SHIM_OK };
	struct nvme_info info = { 0 };
	shim_task *task = NULL;
	shim_uc_conn *conn = NULL;
	shim_timer *t = NULL;
	size_t added = 0, removed = 0;
	shim_ret r, first = SHIM_OK, second = SHIM_OK;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(7u * 31u + i * 7u + (i >> 9));
	r = h->parts.unplug != NULL ? h->api.get_info(h->svc, &info) : SHIM_ERR_UNSUPPORTED;
	if (r == SHIM_OK)
		r = h->api.set_watch(h->svc, NC_LOOK_NS);
	if (r == SHIM_OK)
		r = shim_task_create(0, NULL, 0, &task);
	if (r == SHIM_OK)
		r = shim_uc_open(task, h->svc, &conn);
	for (unsigned q = 1; r == SHIM_OK && q <= info.io_queues; q++)
		r = h->api.set_queue_interrupt(h->svc, q, false);
	for (unsigned i = 0; r == SHIM_OK && i < 2; i++) {
		uint64_t handle = 0;
		struct shim_uc_call call = { .scalar_out = &handle, .scalar_out_count = 1,
					     .async_fn = nc_async_done, .async_refcon = &done };

		r = shim_uc_call(conn, NVME_UC_FLUSH_ASYNC, &call);
	}
	if (r == SHIM_OK)
		r = shim_timer_create(shim_machine_workloop(h->m), nc_mid_remove, &g, &t);
	if (r == SHIM_OK) {
		shim_timer_arm_ns(t, NC_SETTLE_NS);
		first = h->api.write_buf(h->svc, NC_IO_LBA, NC_IO_BLOCKS, data);
		shim_timer_cancel(t);
		shim_timer_release(t);
		second = h->api.write_buf(h->svc, NC_IO_LBA, NC_IO_BLOCKS, data);
		nc_note_completions(h);
		bench_trace_note(h->trace, "write in flight: %s; next write: %s", shim_ret_string(first),
				 shim_ret_string(second));
		r = g.fired && g.ret == SHIM_OK ? SHIM_OK : SHIM_ERR_NO_DEVICE;
	}
	if (r == SHIM_OK)
		r = shim_machine_rescan(h->m, &added, &removed);
	if (r == SHIM_OK) {
		h->svc = NULL; /* the rescan stopped the driver and forgot the device */
		h->dev = NULL;
		/* A completion the driver queued for the client arrives on the
		 * loop; the connection closes with the service, so fewer may. */
		r = shim_workloop_delay_ns(shim_machine_workloop(h->m), NC_SETTLE_NS);
		bench_trace_note(h->trace, "rescan: %zu added, %zu removed; %lu flush(es) ended (%s)",
				 added, removed, done.completions, shim_ret_string(done.status));
	}
	if (task != NULL)
		shim_task_destroy(task);
	if (r != SHIM_OK || second != SHIM_ERR_NO_DEVICE || removed != 1 || done.completions > 2) {
		snprintf(why, len, "removal: %s (%s), next write %s, %zu removed, %lu of 2 flushes",
			 shim_ret_string(r), g.why, shim_ret_string(second), removed,
			 done.completions);
		return false;
	}
	return true;
}
