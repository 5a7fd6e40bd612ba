/* The edu driver scenarios on qemu:edu (QEMU's own edu, not our model), one
 * test each. A test fails on FAIL, and on CANNOT RUN unless the scenario is
 * one of the documented cases below, with the documented reason. The power
 * scenarios have their own program (test_qemu_power.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/scenario.h"
#include "qemu_fixture.h"

/* Why a scenario cannot run on qemu:edu; NULL: it must run and pass. */
struct qemu_expect {
	const char *name;
	const char *cannot_run_because; /* a substring of the runner's reason */
};

static const struct qemu_expect qemu_expected[] = {
	{ "identity", NULL },
	{ "liveness", NULL },
	{ "factorial-irq", NULL },
	{ "factorial-polled", NULL },
	{ "msi-raise-ack", NULL },
	/* QEMU's edu always has its MSI capability. */
	{ "intx-fallback", "no MSI-less option" },
	{ "dma-round-trip", NULL },
	{ "dma-last-byte-refused", NULL },
	{ "dma-above-mask-refused", NULL },
	/* QEMU's edu has a fixed identification register. */
	{ "wrong-id-start-fails", "no ID-register option" },
	{ "calls-after-stop", NULL },
	{ "verifier-catches-misuse", NULL },
	{ "unload-refused-while-running", NULL },
};

#define QEMU_NEXPECTED (sizeof(qemu_expected) / sizeof(qemu_expected[0]))

static const struct qemu_expect *qemu_expect_find(const char *name)
{
	for (size_t i = 0; i < QEMU_NEXPECTED; i++)
		if (strcmp(qemu_expected[i].name, name) == 0)
			return &qemu_expected[i];
	return NULL;
}

static void run_on_qemu(const char *name)
{
	const struct bench_scenario *sc = bench_scenario_find(name);
	const struct qemu_expect *ex = qemu_expect_find(name);
	struct bench_report rep;

	if (sc == NULL || ex == NULL)
		fail_msg("no scenario or expectation named %s", name);
	bench_scenario_run(sc, &bench_host_qemu_edu_factory, &rep);
	if (rep.result == BENCH_FAIL)
		fail_msg("scenario %s on qemu:edu: FAIL: %s", name, rep.why);
	if (rep.result == BENCH_CANNOT_RUN && ex->cannot_run_because == NULL)
		fail_msg("scenario %s on qemu:edu: CANNOT RUN, not an expected case: %s", name,
			 rep.why);
	if (rep.result == BENCH_CANNOT_RUN && strstr(rep.why, ex->cannot_run_because) == NULL)
		fail_msg("scenario %s on qemu:edu: CANNOT RUN for an unexpected reason: %s "
			 "(expected: %s)", name, rep.why, ex->cannot_run_because);
	if (rep.result == BENCH_PASS && ex->cannot_run_because != NULL)
		fail_msg("scenario %s on qemu:edu now passes: drop it from the cannot-run list",
			 name);
	assert_int_equal(rep.before.objects_live, rep.after.objects_live);
	assert_int_equal(rep.before.alloc_count, rep.after.alloc_count);
}

#define QEMU_SCENARIO_TEST(fn, name)       \
	static void fn(void **state)       \
	{                                  \
		(void)state;               \
		run_on_qemu(name);         \
	}

QEMU_SCENARIO_TEST(test_qemu_identity_reads_edu_ids, "identity")
QEMU_SCENARIO_TEST(test_qemu_liveness_reads_back_the_complement, "liveness")
QEMU_SCENARIO_TEST(test_qemu_factorial_by_interrupt_matches_table, "factorial-irq")
QEMU_SCENARIO_TEST(test_qemu_factorial_polled_matches_table, "factorial-polled")
QEMU_SCENARIO_TEST(test_qemu_msi_raise_is_handled_and_acknowledged, "msi-raise-ack")
QEMU_SCENARIO_TEST(test_qemu_intx_fallback_cannot_run_without_msi_less_edu, "intx-fallback")
QEMU_SCENARIO_TEST(test_qemu_dma_round_trip_returns_the_same_bytes, "dma-round-trip")
QEMU_SCENARIO_TEST(test_qemu_dma_touching_last_byte_is_refused_and_qemu_survives,
		   "dma-last-byte-refused")
QEMU_SCENARIO_TEST(test_qemu_dma_above_mask_is_refused_and_edu_never_programmed,
		   "dma-above-mask-refused")
QEMU_SCENARIO_TEST(test_qemu_wrong_id_cannot_run_with_fixed_id, "wrong-id-start-fails")
QEMU_SCENARIO_TEST(test_qemu_calls_after_stop_are_not_ready, "calls-after-stop")
QEMU_SCENARIO_TEST(test_qemu_verifier_records_unprepared_descriptor_misuse,
		   "verifier-catches-misuse")
QEMU_SCENARIO_TEST(test_qemu_unload_is_refused_while_running, "unload-refused-while-running")

/* The evidence the DMA refusal scenarios rely on: a real edu fault (QEMU's
 * abort or clamped address; the model's report of the same) is counted, on
 * both hosts for the same request. */
static void fault_is_counted(const struct bench_host_factory *f, uint64_t ram, uint64_t src,
			     uint64_t dst, uint32_t cmd, const char *sign)
{
	struct bench_options opt = { .ram_size = ram };
	struct bench_host_parts parts = { 0 };
	const char *last = NULL;
	char why[512] = "";
	unsigned long n = 0;

	if (!f->available(why, sizeof(why)))
		fail_msg("%s unavailable: %s", f->name, why);
	if (f->create(&opt, &parts, why, sizeof(why)) != SHIM_OK)
		fail_msg("%s create: %s", f->name, why);
	assert_int_equal(0, parts.device_errors(parts.priv, &last));
	fx_edu_map(&parts.host);
	fx_edu_write(&parts.host, FX_EDU_DMA_SRC, src, 8);
	fx_edu_write(&parts.host, FX_EDU_DMA_DST, dst, 8);
	fx_edu_write(&parts.host, FX_EDU_DMA_CNT, 16, 8);
	fx_edu_write(&parts.host, FX_EDU_DMA_CMD, cmd, 8);
	/* Run the clock until the DMA timer fired (or QEMU died of it). */
	for (int i = 0; i < 200 && n == 0; i++) {
		uint64_t now = parts.host.ops->clock_ns(parts.host.ctx);

		parts.host.ops->clock_run(parts.host.ctx, now + 200000000ull);
		n = parts.device_errors(parts.priv, &last);
	}
	snprintf(why, sizeof(why), "%s", last != NULL ? last : "(none)"); /* priv owns last */
	parts.host.ops->destroy(parts.host.ctx);
	parts.release(parts.priv);
	assert_true(n >= 1);
	if (strstr(why, sign) == NULL)
		fail_msg("%s: fault report '%s' lacks '%s'", f->name, why, sign);
}

static void test_qemu_device_errors_count_last_byte_dma_on_both_hosts(void **state)
{
	(void)state;
	/* 16 bytes at 0x40ff8 touch the buffer's last byte: QEMU 7.2 aborts. */
	fault_is_counted(&bench_host_qemu_edu_factory, 0, 0x40ff8u, 0x200000u,
			 FX_EDU_DMA_START | FX_EDU_DMA_TO_RAM, "hardware error");
	fault_is_counted(&bench_host_sim_factory, 0, 0x40ff8u, 0x200000u,
			 FX_EDU_DMA_START | FX_EDU_DMA_TO_RAM, "out of bounds");
}

static void test_qemu_device_errors_count_clamped_dma_on_both_hosts(void **state)
{
	(void)state;
	/* A bus address above the 28-bit mask is clamped, with a note on stdout. */
	fault_is_counted(&bench_host_qemu_edu_factory, 512ull << 20, 0x10200000u, FX_EDU_DMA_BUF,
			 FX_EDU_DMA_START, "clamping DMA");
	fault_is_counted(&bench_host_sim_factory, 512ull << 20, 0x10200000u, FX_EDU_DMA_BUF,
			 FX_EDU_DMA_START, "clamping DMA");
}

/* The count only grows: each of several identical faults adds exactly one,
 * though the same message is already in QEMU's (or the remote's) output. */
static void repeat_fault_counts_each(const struct bench_host_factory *f)
{
	struct bench_options opt = { .ram_size = 512ull << 20 };
	struct bench_host_parts parts = { 0 };
	unsigned long n[4] = { 0 };
	char why[512] = "";

	if (!f->available(why, sizeof(why)))
		fail_msg("%s unavailable: %s", f->name, why);
	if (f->create(&opt, &parts, why, sizeof(why)) != SHIM_OK)
		fail_msg("%s create: %s", f->name, why);
	fx_edu_map(&parts.host);
	n[0] = parts.device_errors(parts.priv, NULL);
	for (unsigned k = 1; k <= 3; k++) {
		/* The same clamped request each time (a bus address above the mask). */
		fx_edu_write(&parts.host, FX_EDU_DMA_SRC, 0x10200000u, 8);
		fx_edu_write(&parts.host, FX_EDU_DMA_DST, FX_EDU_DMA_BUF, 8);
		fx_edu_write(&parts.host, FX_EDU_DMA_CNT, 16, 8);
		fx_edu_write(&parts.host, FX_EDU_DMA_CMD, FX_EDU_DMA_START, 8);
		n[k] = n[k - 1];
		for (int i = 0; i < 200 && n[k] == n[k - 1]; i++) {
			uint64_t now = parts.host.ops->clock_ns(parts.host.ctx);

			parts.host.ops->clock_run(parts.host.ctx, now + 200000000ull);
			n[k] = parts.device_errors(parts.priv, NULL);
		}
	}
	parts.host.ops->destroy(parts.host.ctx);
	parts.release(parts.priv);
	print_message("  %s: device errors %lu -> %lu -> %lu -> %lu\n", f->name, n[0], n[1],
		      n[2], n[3]);
	assert_int_equal(0, n[0]);
	assert_int_equal(1, n[1]);
	assert_int_equal(2, n[2]);
	assert_int_equal(3, n[3]);
}

static void test_qemu_device_errors_count_identical_faults_each_time(void **state)
{
	(void)state;
	repeat_fault_counts_each(&bench_host_qemu_edu_factory);
	repeat_fault_counts_each(&bench_host_qemu_proxy_factory);
}

/* A scenario added to the table must get a test here or in test_qemu_power.c. */
static void test_qemu_every_scenario_is_covered(void **state)
{
	static const char *const power[] = { "sleep-wake", "sleep-in-flight", "sleep-ack-timeout",
					     "surprise-removal" };
	(void)state;
	for (size_t i = 0; i < bench_scenario_count(); i++) {
		const char *name = bench_scenario_at(i)->name;
		bool covered = qemu_expect_find(name) != NULL;

		for (size_t p = 0; p < sizeof(power) / sizeof(power[0]); p++)
			covered = covered || strcmp(power[p], name) == 0;
		if (!covered)
			fail_msg("scenario %s has no qemu test", name);
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_identity_reads_edu_ids),
		cmocka_unit_test(test_qemu_liveness_reads_back_the_complement),
		cmocka_unit_test(test_qemu_factorial_by_interrupt_matches_table),
		cmocka_unit_test(test_qemu_factorial_polled_matches_table),
		cmocka_unit_test(test_qemu_msi_raise_is_handled_and_acknowledged),
		cmocka_unit_test(test_qemu_intx_fallback_cannot_run_without_msi_less_edu),
		cmocka_unit_test(test_qemu_dma_round_trip_returns_the_same_bytes),
		cmocka_unit_test(test_qemu_dma_touching_last_byte_is_refused_and_qemu_survives),
		cmocka_unit_test(test_qemu_dma_above_mask_is_refused_and_edu_never_programmed),
		cmocka_unit_test(test_qemu_wrong_id_cannot_run_with_fixed_id),
		cmocka_unit_test(test_qemu_calls_after_stop_are_not_ready),
		cmocka_unit_test(test_qemu_verifier_records_unprepared_descriptor_misuse),
		cmocka_unit_test(test_qemu_unload_is_refused_while_running),
		cmocka_unit_test(test_qemu_device_errors_count_last_byte_dma_on_both_hosts),
		cmocka_unit_test(test_qemu_device_errors_count_clamped_dma_on_both_hosts),
		cmocka_unit_test(test_qemu_device_errors_count_identical_faults_each_time),
		cmocka_unit_test(test_qemu_every_scenario_is_covered),
	};

	return cmocka_run_group_tests_name("qemu_scenarios", tests, NULL, NULL);
}
