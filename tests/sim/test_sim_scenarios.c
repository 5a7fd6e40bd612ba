/* Every edu scenario on the sim host, one test each: the driver end to
 * end on the in-process bus. A failure prints the scenario's reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "bench/scenario.h"

static void run_on_sim(const char *name)
{
	const struct bench_scenario *sc = bench_scenario_find(name);
	struct bench_report rep;

	if (sc == NULL)
		fail_msg("no scenario named %s", name);
	bench_scenario_run(sc, &bench_host_sim_factory, &rep);
	if (rep.result != BENCH_PASS)
		fail_msg("scenario %s on sim: %s: %s", name, bench_result_string(rep.result), rep.why);
	assert_int_equal(rep.before.objects_live, rep.after.objects_live);
	assert_int_equal(rep.before.alloc_count, rep.after.alloc_count);
}

static void test_sim_identity_reads_edu_ids(void **state)
{
	(void)state;
	run_on_sim("identity");
}

static void test_sim_liveness_reads_back_the_complement(void **state)
{
	(void)state;
	run_on_sim("liveness");
}

static void test_sim_factorial_by_interrupt_matches_table(void **state)
{
	(void)state;
	run_on_sim("factorial-irq");
}

static void test_sim_factorial_polled_matches_table(void **state)
{
	(void)state;
	run_on_sim("factorial-polled");
}

static void test_sim_msi_raise_is_handled_and_acknowledged(void **state)
{
	(void)state;
	run_on_sim("msi-raise-ack");
}

static void test_sim_intx_used_when_msi_capability_absent(void **state)
{
	(void)state;
	run_on_sim("intx-fallback");
}

static void test_sim_dma_round_trip_returns_the_same_bytes(void **state)
{
	(void)state;
	run_on_sim("dma-round-trip");
}

static void test_sim_dma_touching_last_byte_is_refused(void **state)
{
	(void)state;
	run_on_sim("dma-last-byte-refused");
}

static void test_sim_dma_above_28_bit_mask_never_reaches_device(void **state)
{
	(void)state;
	run_on_sim("dma-above-mask-refused");
}

static void test_sim_wrong_id_fails_start_without_leaks(void **state)
{
	(void)state;
	run_on_sim("wrong-id-start-fails");
}

static void test_sim_calls_after_stop_are_not_ready(void **state)
{
	(void)state;
	run_on_sim("calls-after-stop");
}

static void test_sim_verifier_records_unprepared_descriptor_misuse(void **state)
{
	(void)state;
	run_on_sim("verifier-catches-misuse");
}

static void test_sim_unload_is_refused_while_running(void **state)
{
	(void)state;
	run_on_sim("unload-refused-while-running");
}

static void test_sim_sleep_wake_restores_config_and_driver(void **state)
{
	(void)state;
	run_on_sim("sleep-wake");
}

static void test_sim_sleep_during_dma_waits_for_it(void **state)
{
	(void)state;
	run_on_sim("sleep-in-flight");
}

static void test_sim_forced_sleep_aborts_dma_in_flight(void **state)
{
	(void)state;
	run_on_sim("sleep-ack-timeout");
}

static void test_sim_surprise_removal_then_reattach(void **state)
{
	(void)state;
	run_on_sim("surprise-removal");
}

static const struct CMUnitTest scenario_tests[] = {
	cmocka_unit_test(test_sim_identity_reads_edu_ids),
	cmocka_unit_test(test_sim_liveness_reads_back_the_complement),
	cmocka_unit_test(test_sim_factorial_by_interrupt_matches_table),
	cmocka_unit_test(test_sim_factorial_polled_matches_table),
	cmocka_unit_test(test_sim_msi_raise_is_handled_and_acknowledged),
	cmocka_unit_test(test_sim_intx_used_when_msi_capability_absent),
	cmocka_unit_test(test_sim_dma_round_trip_returns_the_same_bytes),
	cmocka_unit_test(test_sim_dma_touching_last_byte_is_refused),
	cmocka_unit_test(test_sim_dma_above_28_bit_mask_never_reaches_device),
	cmocka_unit_test(test_sim_wrong_id_fails_start_without_leaks),
	cmocka_unit_test(test_sim_calls_after_stop_are_not_ready),
	cmocka_unit_test(test_sim_verifier_records_unprepared_descriptor_misuse),
	cmocka_unit_test(test_sim_unload_is_refused_while_running),
	cmocka_unit_test(test_sim_sleep_wake_restores_config_and_driver),
	cmocka_unit_test(test_sim_sleep_during_dma_waits_for_it),
	cmocka_unit_test(test_sim_forced_sleep_aborts_dma_in_flight),
	cmocka_unit_test(test_sim_surprise_removal_then_reattach),
};

/* A scenario added to the table without a test here fails this one. */
static void test_sim_every_scenario_has_a_test(void **state)
{
	(void)state;
	assert_int_equal(sizeof(scenario_tests) / sizeof(scenario_tests[0]), bench_scenario_count());
}

int main(void)
{
	static const struct CMUnitTest meta[] = {
		cmocka_unit_test(test_sim_every_scenario_has_a_test),
	};
	int failed = cmocka_run_group_tests_name("sim_scenarios", scenario_tests, NULL, NULL);

	return failed + cmocka_run_group_tests_name("sim_scenario_table", meta, NULL, NULL);
}
