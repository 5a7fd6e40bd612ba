/* The fixture itself: hosts that lack something make scenarios CANNOT RUN
 * (with the reason), and shutdown names what is not back to baseline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/scenario.h"
#include "shim/alloc.h"
#include "shim/verifier.h"

static bool never_available(char *why, size_t len)
{
	snprintf(why, len, "test host is switched off");
	return false;
}

static shim_ret variant_unsupported(const struct bench_options *opt, struct bench_host_parts *out,
				    char *why, size_t len)
{
	(void)opt;
	(void)out;
	snprintf(why, len, "this host has no such variant");
	return SHIM_ERR_UNSUPPORTED;
}

static shim_ret create_breaks(const struct bench_options *opt, struct bench_host_parts *out, char *why,
			      size_t len)
{
	(void)opt;
	(void)out;
	snprintf(why, len, "host crashed while starting");
	return SHIM_ERR_HOST;
}

static void test_fixture_host_table_offers_sim(void **state)
{
	(void)state;
	assert_ptr_equal(&bench_host_sim_factory, bench_host_by_name("sim"));
	assert_ptr_equal(&bench_host_sim_factory, bench_host_by_kind(BENCH_HOST_SIM));
	assert_ptr_equal(&bench_host_sim_factory, bench_host_at(0));
	assert_null(bench_host_by_name("no-such-host"));
}

static void test_fixture_scenario_needing_device_errors_cannot_run_without_them(void **state)
{
	struct bench_host_factory blind = bench_host_sim_factory;
	struct bench_report rep;

	(void)state;
	blind.name = "sim-without-error-counter";
	blind.caps &= ~(unsigned)BENCH_CAP_DEVICE_ERRORS;
	bench_scenario_run(bench_scenario_find("dma-last-byte-refused"), &blind, &rep);
	assert_int_equal(BENCH_CANNOT_RUN, rep.result);
	assert_non_null(strstr(rep.why, "device-error counter"));
	assert_non_null(strstr(rep.why, blind.name));
}

static void test_fixture_unavailable_host_cannot_run_with_its_reason(void **state)
{
	struct bench_host_factory off = bench_host_sim_factory;
	struct bench_report rep;

	(void)state;
	off.available = never_available;
	bench_scenario_run(bench_scenario_find("identity"), &off, &rep);
	assert_int_equal(BENCH_CANNOT_RUN, rep.result);
	assert_non_null(strstr(rep.why, "switched off"));
}

static void test_fixture_variant_a_host_cannot_build_cannot_run(void **state)
{
	struct bench_host_factory h = bench_host_sim_factory;
	struct bench_report rep;

	(void)state;
	h.create = variant_unsupported;
	bench_scenario_run(bench_scenario_find("intx-fallback"), &h, &rep);
	assert_int_equal(BENCH_CANNOT_RUN, rep.result);
	assert_non_null(strstr(rep.why, "no such variant"));
}

static void test_fixture_host_that_breaks_at_creation_fails(void **state)
{
	struct bench_host_factory h = bench_host_sim_factory;
	struct bench_report rep;

	(void)state;
	h.create = create_breaks;
	bench_scenario_run(bench_scenario_find("identity"), &h, &rep);
	assert_int_equal(BENCH_FAIL, rep.result);
	assert_non_null(strstr(rep.why, "crashed"));
}

static void test_fixture_shutdown_names_a_leaked_allocation(void **state)
{
	struct bench_machine fx;
	char why[BENCH_WHY_LEN];
	void *leak;

	(void)state;
	assert_int_equal(SHIM_OK, bench_machine_boot(&fx, &bench_host_sim_factory,
						  &(struct bench_options){ 0 }, why, sizeof(why)));
	assert_non_null(fx.svc);
	leak = shim_malloc(40);
	assert_non_null(leak);
	assert_false(bench_machine_shutdown(&fx, why, sizeof(why)));
	assert_non_null(strstr(why, "alloc_count"));
	shim_free(leak, 40);
}

static void test_fixture_shutdown_reports_and_clears_verifier_records(void **state)
{
	struct bench_machine fx;
	char why[BENCH_WHY_LEN];

	(void)state;
	assert_int_equal(SHIM_OK, bench_machine_boot(&fx, &bench_host_sim_factory,
						  &(struct bench_options){ 0 }, why, sizeof(why)));
	SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "provoked by the fixture test");
	assert_false(bench_machine_shutdown(&fx, why, sizeof(why)));
	assert_non_null(strstr(why, "provoked by the fixture test"));
	assert_int_equal(0, shim_verifier_count());
}

static void test_fixture_clean_boot_and_shutdown_is_back_to_baseline(void **state)
{
	struct bench_machine fx;
	char why[BENCH_WHY_LEN];

	(void)state;
	assert_int_equal(SHIM_OK, bench_machine_boot(&fx, &bench_host_sim_factory,
						  &(struct bench_options){ 0 }, why, sizeof(why)));
	assert_non_null(fx.svc);
	assert_string_equal("sim", shim_machine_host_name(fx.machine));
	if (!bench_machine_shutdown(&fx, why, sizeof(why)))
		fail_msg("clean shutdown reported: %s", why);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_host_table_offers_sim),
		cmocka_unit_test(test_fixture_scenario_needing_device_errors_cannot_run_without_them),
		cmocka_unit_test(test_fixture_unavailable_host_cannot_run_with_its_reason),
		cmocka_unit_test(test_fixture_variant_a_host_cannot_build_cannot_run),
		cmocka_unit_test(test_fixture_host_that_breaks_at_creation_fails),
		cmocka_unit_test(test_fixture_shutdown_names_a_leaked_allocation),
		cmocka_unit_test(test_fixture_shutdown_reports_and_clears_verifier_records),
		cmocka_unit_test(test_fixture_clean_boot_and_shutdown_is_back_to_baseline),
	};

	return cmocka_run_group_tests_name("sim_fixture", tests, NULL, NULL);
}
