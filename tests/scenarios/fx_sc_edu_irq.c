/* edu scenarios: interrupt raise/acknowledge over MSI, and the INTx
 * fallback on a device variant without an MSI capability. */
#include "edu/edu_driver.h"
#include "fx_scenario.h"

static const uint32_t fx_raise_bits[] = { 0x00001000u, 0x80000000u, 0x00ff0000u };
#define FX_RAISE_COUNT (sizeof(fx_raise_bits) / sizeof(fx_raise_bits[0]))

static enum fx_result fx_stats(struct fx_machine *fx, struct edu_stats *s, char *why, size_t len)
{
	shim_ret r = edu_get_stats(fx->svc, s);

	return r == SHIM_OK ? FX_PASS : fx_fail(why, len, "edu_get_stats: %s", shim_ret_string(r));
}

/* Each raise must come back through the handler: one more interrupt, its
 * bits seen in the status, and the call only returns once acknowledged. */
static enum fx_result fx_raise_each(struct fx_machine *fx, char *why, size_t len)
{
	struct edu_stats before, after;

	for (size_t i = 0; i < FX_RAISE_COUNT; i++) {
		shim_ret r;

		if (fx_stats(fx, &before, why, len) != FX_PASS)
			return FX_FAIL;
		r = edu_raise_interrupt(fx->svc, fx_raise_bits[i]);
		if (r != SHIM_OK)
			return fx_fail(why, len, "edu_raise_interrupt(0x%08x): %s", fx_raise_bits[i],
				       shim_ret_string(r));
		if (fx_stats(fx, &after, why, len) != FX_PASS)
			return FX_FAIL;
		if (after.interrupts <= before.interrupts)
			return fx_fail(why, len, "raise 0x%08x: interrupt count stayed %u",
				       fx_raise_bits[i], after.interrupts);
		if ((after.last_status & fx_raise_bits[i]) != fx_raise_bits[i])
			return fx_fail(why, len, "raise 0x%08x: handler saw status 0x%08x",
				       fx_raise_bits[i], after.last_status);
	}
	return FX_PASS;
}

static enum fx_result run_msi_raise_ack(struct fx_machine *fx, char *why, size_t len)
{
	struct edu_stats s;

	if (fx_stats(fx, &s, why, len) != FX_PASS)
		return FX_FAIL;
	if (!s.using_msi)
		return fx_fail(why, len, "driver is not using MSI on a device with an MSI capability");
	return fx_raise_each(fx, why, len);
}

static enum fx_result run_intx_fallback(struct fx_machine *fx, char *why, size_t len)
{
	struct edu_stats before, after;
	uint32_t got = 0;
	shim_ret r;

	if (shim_pci_interrupt_type(fx->dev, 1) == SHIM_INTR_MSI)
		return fx_fail(why, len, "the shim reports an MSI vector on a device without MSI");
	if (fx_stats(fx, &before, why, len) != FX_PASS)
		return FX_FAIL;
	if (before.using_msi)
		return fx_fail(why, len, "driver claims MSI on a device without an MSI capability");
	r = edu_factorial(fx->svc, 10, &got);
	if (r != SHIM_OK || got != 3628800u)
		return fx_fail(why, len, "edu_factorial(10) over INTx: %s, result %u",
			       shim_ret_string(r), got);
	if (fx_stats(fx, &after, why, len) != FX_PASS)
		return FX_FAIL;
	if (after.interrupts <= before.interrupts)
		return fx_fail(why, len, "factorial completed but no INTx interrupt was counted");
	return fx_raise_each(fx, why, len);
}

const struct fx_scenario fx_sc_msi_raise_ack = {
	.name = "msi-raise-ack",
	.summary = "raised interrupt bits arrive by MSI, are seen by the handler and acknowledged",
	.run = run_msi_raise_ack,
};

const struct fx_scenario fx_sc_intx_fallback = {
	.name = "intx-fallback",
	.summary = "without an MSI capability the driver uses INTx and interrupts still arrive",
	.run = run_intx_fallback,
	.opt = { .edu = { .no_msi = true } },
};
