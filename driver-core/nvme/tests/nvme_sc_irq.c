/* NVMe scenarios about interrupts: one MSI-X vector per queue pair, a
 * vector masked while its queue completes a command (pending in the
 * device, delivered on unmask), and INTx when the device has no MSI-X. */
#include <stdio.h>
#include <string.h>

#include "nvme_tests.h"
#include "shim/pci.h"
#include "shim/workloop.h"

#define NVT_PCI_CAP_MSIX 0x11
#define NVT_MSIX_PBA 8
#define NVT_SETTLE_NS 2000000ull

static enum bench_result run_msix_per_queue(struct bench_machine *fx, char *why, size_t len)
{
	struct nvme_stats before, after;
	struct nvme_completion cqe;
	struct nvme_info info;
	uint8_t sqe[64];

	nvt_api.get_info(fx->svc, &info);
	if (!info.msix || info.io_queues < 2)
		return bench_fail(why, len, "%u I/O queue(s), MSI-X %s: want one queue per vector",
				  info.io_queues, info.msix ? "on" : "off");
	for (unsigned q = 1; q <= info.io_queues; q++) {
		memset(sqe, 0, sizeof(sqe));
		sqe[4] = 1; /* Flush of namespace 1 */
		nvt_api.get_stats(fx->svc, &before);
		if (nvt_api.passthru(fx->svc, q, sqe, NULL, &cqe) != SHIM_OK || cqe.status != 0)
			return bench_fail(why, len, "flush on queue %u: status 0x%04x", q, cqe.status);
		nvt_api.get_stats(fx->svc, &after);
		for (unsigned k = 0; k <= info.io_queues; k++) {
			uint64_t got = after.interrupts[k] - before.interrupts[k];

			if (got != (k == q ? 1u : 0u))
				return bench_fail(why, len, "a flush on queue %u: %llu completion(s) "
						  "handled by queue %u's vector", q,
						  (unsigned long long)got, k);
		}
	}
	snprintf(why, len, "%u I/O queues, each completing on its own vector (of %u)",
		 info.io_queues, info.vectors);
	return BENCH_PASS;
}

/* The device's pending bits of vectors 0..31, read the way a debugger
 * would: through the capability and a mapping of the BAR it names. */
static shim_ret nvt_pba(struct bench_machine *fx, uint32_t *bits)
{
	uint8_t cap = shim_pci_find_capability(fx->dev, NVT_PCI_CAP_MSIX);
	uint32_t pba;
	shim_mmio_map *map = NULL;
	shim_ret r;

	if (cap == 0)
		return SHIM_ERR_NOT_FOUND;
	pba = shim_pci_cfg_read32(fx->dev, (uint16_t)(cap + NVT_MSIX_PBA));
	r = shim_pci_map_bar(fx->dev, pba & 7u, &map);
	if (r != SHIM_OK)
		return r;
	*bits = shim_mmio_read32(map, pba & ~7u);
	shim_mmio_unmap(map);
	return SHIM_OK;
}

static enum bench_result run_masked_vector(struct bench_machine *fx, char *why, size_t len)
{
	shim_workloop *wl = shim_machine_workloop(fx->machine);
	struct nvme_info info;
	struct nvt_client c;
	uint32_t pending = 0, after = 0;
	uint64_t handle = 0;
	enum bench_result res = BENCH_PASS;

	nvt_api.get_info(fx->svc, &info);
	if (!info.msix)
		return bench_fail(why, len, "no MSI-X on this controller");
	if (nvt_client_open(fx, &c, why, len) != SHIM_OK)
		return BENCH_FAIL;
	/* Every I/O queue's vector masked in the device's table. */
	for (unsigned q = 1; q <= info.io_queues; q++)
		nvt_api.set_queue_interrupt(fx->svc, q, false);
	if (nvt_flush_async(&c, &handle) != SHIM_OK) {
		res = bench_fail(why, len, "async flush not accepted");
		goto out;
	}
	shim_workloop_delay_ns(wl, NVT_SETTLE_NS);
	if (nvt_pba(fx, &pending) != SHIM_OK || c.completions != 0 || (pending & ~1u) == 0) {
		res = bench_fail(why, len, "with the vectors masked: %lu completion(s), pending bits "
				 "0x%08x (want none delivered, one I/O vector pending)",
				 c.completions, pending);
		goto out;
	}
	for (unsigned q = 1; q <= info.io_queues; q++)
		nvt_api.set_queue_interrupt(fx->svc, q, true);
	shim_workloop_delay_ns(wl, NVT_SETTLE_NS);
	if (nvt_pba(fx, &after) != SHIM_OK || c.completions != 1 || c.last_status != SHIM_OK ||
	    after != 0)
		res = bench_fail(why, len, "after unmask: %lu completion(s) (%s), pending bits 0x%08x",
				 c.completions, shim_ret_string(c.last_status), after);
	else
		snprintf(why, len, "pending bits 0x%08x while masked, delivered on unmask", pending);
out:
	for (unsigned q = 1; q <= info.io_queues; q++)
		nvt_api.set_queue_interrupt(fx->svc, q, true);
	nvt_client_close(&c);
	return res;
}

static enum bench_result run_intx_fallback(struct bench_machine *fx, char *why, size_t len)
{
	struct nvme_stats st;
	struct nvme_info info;
	enum bench_result res;

	nvt_api.get_info(fx->svc, &info);
	if (info.msix || shim_pci_interrupt_type(fx->dev, 1) != SHIM_INTR_NONE)
		return bench_fail(why, len, "booted without MSI-X, the driver says MSI-X %s",
				  info.msix ? "on" : "off");
	res = nvt_works(fx, "on INTx", why, len);
	if (res != BENCH_PASS)
		return res;
	nvt_api.get_stats(fx->svc, &st);
	if (st.interrupts[0] == 0)
		return bench_fail(why, len, "no completion came through the shared line");
	snprintf(why, len, "%u I/O queue(s) on the shared INTx line, %llu completion(s) by it",
		 info.io_queues, (unsigned long long)st.interrupts[0]);
	return BENCH_PASS;
}

static const struct bench_expect nvt_intx_cannot[] = {
	{ "qemu", "has no 'no_msix' option" },
	{ "qemu-proxy", "INTx cannot cross x-pci-proxy-dev" },
	{ NULL, NULL },
};

const struct bench_scenario nvt_sc_msix_per_queue = {
	.name = "msix-vector-per-queue",
	.summary = "each I/O queue pair completes on its own MSI-X vector, and only there",
	.run = run_msix_per_queue,
};

const struct bench_scenario nvt_sc_masked_vector = {
	.name = "masked-vector-delivered-on-unmask",
	.summary = "a completion on a masked vector raises nothing and sets its pending bit; "
		   "unmasking delivers it",
	.run = run_masked_vector,
};

const struct bench_scenario nvt_sc_intx_fallback = {
	.name = "intx-fallback",
	.summary = "without MSI-X the driver serves every queue from the shared INTx line",
	.run = run_intx_fallback,
	.device_options = "no_msix",
	.cannot_run = nvt_intx_cannot,
};
