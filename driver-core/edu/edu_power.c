/* Power mechanism of the edu driver: states {off, sleep, on}. Going down,
 * an operation in flight is let finish (the ack comes when it ends) and new
 * ones are refused; if the change goes on without the ack, the operation
 * fails with SHIM_ERR_ABORTED instead of reading a reset device. Coming
 * up, config space (BARs, MSI) is already restored by the shim: the driver
 * re-checks the ID register and re-enables its interrupt source. */
#include "edu_private.h"
#include "shim/log.h"
#include "shim/power.h"

enum { EDU_PS_OFF = 0, EDU_PS_SLEEP, EDU_PS_ON, EDU_PS_COUNT };

/* Longest an operation can still take (the DMA timeout bounds it). */
#define EDU_SLEEP_ACK_MAX_US (EDU_DMA_TIMEOUT_NS / 1000u)

static const struct shim_power_state edu_power_states[EDU_PS_COUNT] = {
	[EDU_PS_OFF] = { "off", 0 },
	[EDU_PS_SLEEP] = { "sleep", 0 },
	[EDU_PS_ON] = { "on", SHIM_POWER_ON },
};

/* Nothing of the device's work may survive into the low-power state. */
static void edu_power_quiesce(struct edu_state *st)
{
	shim_intr_source_disable(st->intr);
	st->irq_pending = 0;
	st->irq_seen = 0;
}

static uint32_t edu_power_sleep(struct edu_state *st, unsigned state)
{
	if (st->asleep)
		return SHIM_POWER_ACK_NOW;
	st->asleep = true; /* new operations are refused from here on */
	if (st->op_active) {
		st->sleep_acked_later = true;
		shim_log(SHIM_LOG_INFO, "edu %s: %s after the operation in flight",
			 shim_pci_name(st->dev), edu_power_states[state].name);
		return EDU_SLEEP_ACK_MAX_US;
	}
	edu_power_quiesce(st);
	return SHIM_POWER_ACK_NOW;
}

static bool edu_power_id_ok(uint32_t id)
{
	return ((id >> EDU_ID_MAJOR_SHIFT) & EDU_ID_MAJOR_MASK) == EDU_ID_MAJOR &&
	       (id & EDU_ID_MAGIC_MASK) == EDU_ID_MAGIC;
}

static uint32_t edu_power_wake(struct edu_state *st)
{
	uint32_t id;

	if (!st->asleep)
		return SHIM_POWER_ACK_NOW;
	id = edu_rd(st, EDU_REG_ID);
	if (id == EDU_ALL_ONES) {
		st->gone = true;
		shim_log(SHIM_LOG_WARN, "edu %s: gone while asleep", shim_pci_name(st->dev));
		return SHIM_POWER_ACK_NOW;
	}
	if (!edu_power_id_ok(id)) {
		/* Stay "asleep": operations keep being refused rather than run
		 * against a device that did not come back as itself. */
		shim_log(SHIM_LOG_ERR, "edu %s: wake: ID reads 0x%08x, device not restored",
			 shim_pci_name(st->dev), id);
		st->stats.errors++;
		return SHIM_POWER_ACK_NOW;
	}
	/* Causes raised before the context was lost are gone with it. */
	edu_wr(st, EDU_REG_IRQ_ACK, EDU_ALL_ONES);
	st->irq_pending = 0;
	st->irq_seen = 0;
	st->asleep = false;
	shim_intr_source_enable(st->intr);
	shim_log(SHIM_LOG_INFO, "edu %s: awake, ID 0x%08x", shim_pci_name(st->dev), id);
	return SHIM_POWER_ACK_NOW;
}

static uint32_t edu_set_power_state(shim_service *svc, unsigned state)
{
	struct edu_state *st = edu_state_from_service(svc);

	if (!st || state >= EDU_PS_COUNT)
		return SHIM_POWER_ACK_NOW;
	return state == EDU_PS_ON ? edu_power_wake(st) : edu_power_sleep(st, state);
}

const struct shim_power_desc edu_power_desc = {
	.states = edu_power_states,
	.state_count = EDU_PS_COUNT,
	.set_power_state = edu_set_power_state,
};

shim_ret edu_power_check(struct edu_state *st)
{
	if (!st->asleep)
		return SHIM_OK;
	if (!st->sleep_acked_later)
		return SHIM_ERR_NOT_READY;
	/* The change waits for this operation, unless it went on without us. */
	return shim_power_current(st->svc) == EDU_PS_ON ? SHIM_OK : SHIM_ERR_ABORTED;
}

void edu_power_op_done(struct edu_state *st)
{
	if (!st->sleep_acked_later)
		return;
	st->sleep_acked_later = false;
	edu_power_quiesce(st);
	shim_power_ack(st->svc);
}
