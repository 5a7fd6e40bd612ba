/* edu scenarios: interrupt raise/acknowledge over MSI, and the INTx
 * fallback on a device variant without an MSI capability. */
#include "edu_tests.h"

static const uint32_t edu_raise_bits[] = { 0x00001000u, 0x80000000u, 0x00ff0000u };
#define EDU_RAISE_COUNT (sizeof(edu_raise_bits) / sizeof(edu_raise_bits[0]))

static enum bench_result edu_read_stats(struct bench_machine *fx, struct edu_stats *s, char *why, size_t len)
{
	shim_ret r = edu_api.get_stats(fx->svc, s);

	return r == SHIM_OK ? BENCH_PASS : bench_fail(why, len, "edu_get_stats: %s", shim_ret_string(r));
}

/* Each raise must come back through the handler: one more interrupt, its
 * bits seen in the status, and the call only returns once acknowledged. */
static enum bench_result edu_raise_each(struct bench_machine *fx, char *why, size_t len)
{
	struct edu_stats before, after;

	for (size_t i = 0; i < EDU_RAISE_COUNT; i++) {
		shim_ret r;

		if (edu_read_stats(fx, &before, why, len) != BENCH_PASS)
			return BENCH_FAIL;
		r = edu_api.raise_interrupt(fx->svc, edu_raise_bits[i]);
		if (r != SHIM_OK)
			return bench_fail(why, len, "edu_raise_interrupt(0x%08x): %s", edu_raise_bits[i],
				       shim_ret_string(r));
		if (edu_read_stats(fx, &after, why, len) != BENCH_PASS)
			return BENCH_FAIL;
		if (after.interrupts <= before.interrupts)
			return bench_fail(why, len, "raise 0x%08x: interrupt count stayed %u",
				       edu_raise_bits[i], after.interrupts);
		if ((after.last_status & edu_raise_bits[i]) != edu_raise_bits[i])
			return bench_fail(why, len, "raise 0x%08x: handler saw status 0x%08x",
				       edu_raise_bits[i], after.last_status);
	}
	return BENCH_PASS;
}

static enum bench_result run_msi_raise_ack(struct bench_machine *fx, char *why, size_t len)
{
	struct edu_stats s;

	if (edu_read_stats(fx, &s, why, len) != BENCH_PASS)
		return BENCH_FAIL;
	if (!s.using_msi)
		return bench_fail(why, len, "driver is not using MSI on a device with an MSI capability");
	return edu_raise_each(fx, why, len);
}

static enum bench_result run_intx_fallback(struct bench_machine *fx, char *why, size_t len)
{
	struct edu_stats before, after;
	uint32_t got = 0;
	shim_ret r;

	if (shim_pci_interrupt_type(fx->dev, 1) == SHIM_INTR_MSI)
		return bench_fail(why, len, "the shim reports an MSI vector on a device without MSI");
	if (edu_read_stats(fx, &before, why, len) != BENCH_PASS)
		return BENCH_FAIL;
	if (before.using_msi)
		return bench_fail(why, len, "driver claims MSI on a device without an MSI capability");
	r = edu_api.factorial(fx->svc, 10, &got);
	if (r != SHIM_OK || got != 3628800u)
		return bench_fail(why, len, "edu_factorial(10) over INTx: %s, result %u",
			       shim_ret_string(r), got);
	if (edu_read_stats(fx, &after, why, len) != BENCH_PASS)
		return BENCH_FAIL;
	if (after.interrupts <= before.interrupts)
		return bench_fail(why, len, "factorial completed but no INTx interrupt was counted");
	return edu_raise_each(fx, why, len);
}

const struct bench_scenario edu_sc_msi_raise_ack = {
	.name = "msi-raise-ack",
	.summary = "raised interrupt bits arrive by MSI, are seen by the handler and acknowledged",
	.run = run_msi_raise_ack,
};

const struct bench_scenario edu_sc_intx_fallback = {
	.name = "intx-fallback",
	.summary = "without an MSI capability the driver uses INTx and interrupts still arrive",
	.run = run_intx_fallback,
	.device_options = "no_msi",
	.cannot_run = (const struct bench_expect[]){
		{ "qemu", "no 'no_msi' option" },     /* QEMU's edu always has MSI */
		{ "qemu-proxy", "MSI-only" },        /* INTx cannot cross the proxy */
		{ NULL, NULL } },
};
