/* Power mechanism of the NVMe driver: states {off, sleep, on}. Going down,
 * operations in flight finish first (the ack comes when the last ends) and
 * new ones are refused; then a normal shutdown (CC.SHN, NVMe 1.4 section
 * 7.6.2) and the controller disabled. Coming up, config space and the
 * MSI-X table are back (the shim restores them), and the controller is
 * brought up again from scratch: the device may have lost everything. */
#include "nvme_private.h"
#include "shim/log.h"
#include "shim/power.h"

enum { NVME_PS_OFF = 0, NVME_PS_SLEEP, NVME_PS_ON, NVME_PS_COUNT };

/* Longest the operations in flight may still take. */
#define NVME_SLEEP_ACK_MAX_US (NVME_DEFAULT_TIMEOUT_NS / 1000u * 2u)

static const struct shim_power_state nvme_power_states[NVME_PS_COUNT] = {
	[NVME_PS_OFF] = { "off", 0 },
	[NVME_PS_SLEEP] = { "sleep", 0 },
	[NVME_PS_ON] = { "on", SHIM_POWER_ON },
};

/* Nothing of the controller's work survives into the low-power state. */
static void nvme_power_quiesce(struct nvme_state *st)
{
	if (st->gone)
		return;
	for (unsigned i = 0; i <= st->nq; i++)
		(void)nvme_queue_reap(&st->q[i]);
	if (nvme_ctrl_shutdown(st) != SHIM_OK)
		shim_log(SHIM_LOG_WARN, "nvme %s: shutdown incomplete before sleep",
			 shim_pci_name(st->dev));
	nvme_fail_all(st, SHIM_ERR_ABORTED); /* what it never completed */
	for (unsigned i = 0; i <= st->nq_planned; i++)
		shim_intr_source_disable(st->q[i].intr);
}

static uint32_t nvme_power_sleep(struct nvme_state *st, unsigned state)
{
	if (st->asleep)
		return SHIM_POWER_ACK_NOW;
	st->asleep = true; /* new operations are refused from here on */
	if (st->busy_ops > 0) {
		st->sleep_acked_later = true;
		shim_log(SHIM_LOG_INFO, "nvme %s: %s after %u operation(s) in flight",
			 shim_pci_name(st->dev), nvme_power_states[state].name, st->busy_ops);
		return NVME_SLEEP_ACK_MAX_US;
	}
	nvme_power_quiesce(st);
	return SHIM_POWER_ACK_NOW;
}

static uint32_t nvme_power_wake(struct nvme_state *st)
{
	shim_ret r;

	if (!st->asleep)
		return SHIM_POWER_ACK_NOW;
	st->asleep = false;
	if (st->gone || !shim_pci_is_present(st->dev)) {
		st->gone = true;
		shim_log(SHIM_LOG_WARN, "nvme %s: gone while asleep", shim_pci_name(st->dev));
		return SHIM_POWER_ACK_NOW;
	}
	for (unsigned i = 0; i <= st->nq_planned; i++)
		shim_intr_source_enable(st->q[i].intr);
	st->recovering = true; /* a failure here must not start a recovery of its own */
	r = nvme_ctrl_init(st);
	st->recovering = false;
	st->broken = r != SHIM_OK;
	if (st->broken)
		shim_log(SHIM_LOG_ERR, "nvme %s: wake: controller did not come back: %s",
			 shim_pci_name(st->dev), shim_ret_string(r));
	else
		shim_log(SHIM_LOG_INFO, "nvme %s: awake, %u I/O queue(s)", shim_pci_name(st->dev),
			 st->nq);
	return SHIM_POWER_ACK_NOW;
}

static uint32_t nvme_set_power_state(shim_service *svc, unsigned state)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st || state >= NVME_PS_COUNT)
		return SHIM_POWER_ACK_NOW;
	return state == NVME_PS_ON ? nvme_power_wake(st) : nvme_power_sleep(st, state);
}

const struct shim_power_desc nvme_power_desc = {
	.states = nvme_power_states,
	.state_count = NVME_PS_COUNT,
	.set_power_state = nvme_set_power_state,
};

shim_ret nvme_power_check(struct nvme_state *st)
{
	if (!st->asleep || st->recovering)
		return SHIM_OK;
	if (!st->sleep_acked_later)
		return SHIM_ERR_NOT_READY;
	/* The change waits for these operations, unless it went on without us. */
	return shim_power_current(st->svc) == NVME_PS_ON ? SHIM_OK : SHIM_ERR_ABORTED;
}

void nvme_power_op_done(struct nvme_state *st)
{
	if (!st->sleep_acked_later || st->busy_ops > 0)
		return;
	st->sleep_acked_later = false;
	nvme_power_quiesce(st);
	shim_power_ack(st->svc);
}
