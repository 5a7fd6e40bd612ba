/* The qemu host's device_reset op: a low-power state without context is
 * modelled by a reset through QMP. QEMU 7.2 has no per-device reset
 * command, so the whole machine resets (every function loses config space
 * and BARs; the shim restores the one it saved). The host then re-arms
 * what the reset undid on its own side: HPET clock, mailbox, PIRQ routing. */
#include "qemu_internal.h"

#define RESET_EVENT_TIMEOUT_MS 5000u

shim_ret shim_qemu_device_reset(void *ctx, uint16_t bdf)
{
	struct shim_qemu_host *h = ctx;
	char reply[256];
	shim_ret r;

	(void)bdf;
	if (h->dead)
		return SHIM_ERR_HOST;
	(void)shim_qemu_clock_ns(h); /* the time the clock must go on from */
	r = shim_qemu_qmp_exec(&h->qmp, "{\"execute\":\"system_reset\"}", reply, sizeof(reply));
	if (r == SHIM_ERR_GENERIC)
		return shim_qemu_host_result(h, r, reply);
	if (r != SHIM_OK)
		return shim_qemu_host_result(h, r, h->qmp.detail);
	/* The reply may come before the reset has run: RESET says it has. */
	r = shim_qemu_qmp_wait_event(&h->qmp, "RESET", RESET_EVENT_TIMEOUT_MS, NULL, 0);
	if (r == SHIM_ERR_TIMEOUT)
		return shim_qemu_host_result(h, r, "system_reset: no RESET event");
	if (r != SHIM_OK)
		return shim_qemu_host_result(h, r, h->qmp.detail);
	return shim_qemu_irq_after_reset(h);
}
