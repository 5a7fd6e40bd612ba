/* edu scenarios: identity, liveness and the factorial engine. */
#include "edu_tests.h"


#define EDU_ID_QEMU 0x010000edu

/* n! in 32 bits, as the device computes it: 13! wraps. */
static const uint32_t edu_factorials[] = {
	1u, 1u, 2u, 6u, 24u, 120u, 720u, 5040u, 40320u, 362880u, 3628800u, 39916800u,
	479001600u, 1932053504u,
};
#define EDU_FACTORIAL_COUNT (sizeof(edu_factorials) / sizeof(edu_factorials[0]))

static enum bench_result run_identity(struct bench_machine *fx, char *why, size_t len)
{
	uint32_t id = 0;
	shim_ret r;

	if (shim_pci_vendor_id(fx->dev) != EDU_VENDOR_ID ||
	    shim_pci_device_id(fx->dev) != EDU_DEVICE_ID)
		return bench_fail(why, len, "config IDs %04x:%04x, expected %04x:%04x",
			       shim_pci_vendor_id(fx->dev), shim_pci_device_id(fx->dev),
			       EDU_VENDOR_ID, EDU_DEVICE_ID);
	r = edu_api.read_id(fx->svc, &id);
	if (r != SHIM_OK)
		return bench_fail(why, len, "edu_read_id: %s", shim_ret_string(r));
	if (id != EDU_ID_QEMU)
		return bench_fail(why, len, "ID register 0x%08x, expected 0x%08x", id, EDU_ID_QEMU);
	return BENCH_PASS;
}

static enum bench_result run_liveness(struct bench_machine *fx, char *why, size_t len)
{
	static const uint32_t values[] = { 0u, 1u, 0x12345678u, 0xa5a5a5a5u, 0xffffffffu };

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint32_t back = 0;
		shim_ret r = edu_api.liveness(fx->svc, values[i], &back);

		if (r != SHIM_OK)
			return bench_fail(why, len, "edu_liveness(0x%08x): %s", values[i],
				       shim_ret_string(r));
		if (back != ~values[i])
			return bench_fail(why, len, "liveness wrote 0x%08x, read 0x%08x, expected 0x%08x",
				       values[i], back, ~values[i]);
	}
	return BENCH_PASS;
}

typedef shim_ret (*edu_factorial_fn)(shim_service *svc, uint32_t n, uint32_t *result);

static enum bench_result edu_factorial_table(struct bench_machine *fx, edu_factorial_fn fn,
					 const char *fn_name, struct edu_stats *before,
					 struct edu_stats *after, char *why, size_t len)
{
	shim_ret r = edu_api.get_stats(fx->svc, before);

	if (r != SHIM_OK)
		return bench_fail(why, len, "edu_get_stats: %s", shim_ret_string(r));
	for (uint32_t n = 0; n < EDU_FACTORIAL_COUNT; n++) {
		uint32_t got = 0;

		r = fn(fx->svc, n, &got);
		if (r != SHIM_OK)
			return bench_fail(why, len, "%s(%u): %s", fn_name, n, shim_ret_string(r));
		if (got != edu_factorials[n])
			return bench_fail(why, len, "%s(%u) = %u, expected %u", fn_name, n, got,
				       edu_factorials[n]);
	}
	r = edu_api.get_stats(fx->svc, after);
	if (r != SHIM_OK)
		return bench_fail(why, len, "edu_get_stats: %s", shim_ret_string(r));
	if (after->factorials - before->factorials != EDU_FACTORIAL_COUNT)
		return bench_fail(why, len, "stats counted %u factorials, expected %zu",
			       after->factorials - before->factorials, EDU_FACTORIAL_COUNT);
	return BENCH_PASS;
}

static enum bench_result run_factorial_irq(struct bench_machine *fx, char *why, size_t len)
{
	struct edu_stats before, after;
	enum bench_result res = edu_factorial_table(fx, edu_api.factorial, "edu_factorial", &before,
						&after, why, len);

	if (res != BENCH_PASS)
		return res;
	if (after.interrupts - before.interrupts < EDU_FACTORIAL_COUNT)
		return bench_fail(why, len, "%u interrupts for %zu factorials by interrupt",
			       after.interrupts - before.interrupts, EDU_FACTORIAL_COUNT);
	return BENCH_PASS;
}

static enum bench_result run_factorial_polled(struct bench_machine *fx, char *why, size_t len)
{
	struct edu_stats before, after;

	return edu_factorial_table(fx, edu_api.factorial_polled, "edu_factorial_polled", &before,
				  &after, why, len);
}

const struct bench_scenario edu_sc_identity = {
	.name = "identity",
	.summary = "PCI IDs and the ID register read 1234:11e8 / 0x010000ed",
	.run = run_identity,
};

const struct bench_scenario edu_sc_liveness = {
	.name = "liveness",
	.summary = "the liveness register reads back the complement of what was written",
	.run = run_liveness,
};

const struct bench_scenario edu_sc_factorial_irq = {
	.name = "factorial-irq",
	.summary = "0!..12! and 13! (32-bit wrap) match the table, completion by interrupt",
	.run = run_factorial_irq,
};

const struct bench_scenario edu_sc_factorial_polled = {
	.name = "factorial-polled",
	.summary = "0!..13! match the table, completion found by polling the status register",
	.run = run_factorial_polled,
};
