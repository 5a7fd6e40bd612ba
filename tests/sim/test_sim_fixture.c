/* The bench machine and scenario runner themselves, on the sim host with
 * the minimal kext: hosts that lack something make a scenario CANNOT RUN
 * (with the reason), a host that breaks makes it FAIL, a test module's init
 * and alive checks are honoured, and shutdown names what is not back to
 * baseline. The scenarios here are the test's own, not a driver's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "bench/scenario.h"
#include "shim/alloc.h"
#include "shim/verifier.h"

static struct bench_options base;

static bool never_available(const struct bench_profile *p, char *why, size_t len)
{
	(void)p;
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

static shim_ret create_breaks(const struct bench_options *opt, struct bench_host_parts *out,
			      char *why, size_t len)
{
	(void)opt;
	(void)out;
	snprintf(why, len, "host crashed while starting");
	return SHIM_ERR_HOST;
}

static int runs;

static enum bench_result run_passes(struct bench_machine *fx, char *why, size_t len)
{
	(void)fx;
	(void)why;
	(void)len;
	runs++;
	return BENCH_PASS;
}

static const struct bench_scenario sc_plain = { .name = "plain", .run = run_passes };
static const struct bench_scenario sc_needs_errors = {
	.name = "needs-errors", .run = run_passes, .needs = BENCH_CAP_DEVICE_ERRORS,
};
static const struct bench_scenario sc_variant = {
	.name = "variant", .run = run_passes, .device_options = "no_msi",
};

static shim_ret init_refuses(struct bench_machine *fx, char *why, size_t len)
{
	(void)fx;
	snprintf(why, len, "the driver's entry points are not where the module looked");
	return SHIM_ERR_NOT_FOUND;
}

static shim_ret alive_refuses(struct bench_machine *fx, char *why, size_t len)
{
	(void)fx;
	snprintf(why, len, "the driver does not answer its liveness probe");
	return SHIM_ERR_DEVICE_ERROR;
}

static void expect_result(const struct bench_scenario *sc, const struct bench_host_factory *h,
			  const struct bench_options *opt, enum bench_result want, const char *why)
{
	struct bench_report rep;

	bench_scenario_run(sc, h, opt, &rep);
	if (rep.result != want || strstr(rep.why, why) == NULL)
		fail_msg("%s on %s: %s: '%s'; expected %s with '%s'", sc->name, h->name,
			 bench_result_string(rep.result), rep.why, bench_result_string(want), why);
}

static void test_fixture_host_table_offers_every_host_and_the_device_shorthand(void **state)
{
	const char *device = "unset";

	(void)state;
	assert_ptr_equal(&bench_host_sim_factory, bench_host_by_name("sim", &device));
	assert_null(device);
	assert_ptr_equal(&bench_host_sim_factory, bench_host_by_kind(BENCH_HOST_SIM));
	assert_ptr_equal(&bench_host_sim_factory, bench_host_at(0));
	assert_ptr_equal(&bench_host_qemu_factory, bench_host_by_name("qemu", NULL));
	assert_ptr_equal(&bench_host_qemu_proxy_factory, bench_host_by_name("qemu-proxy:edu", &device));
	assert_string_equal("edu", device);
	assert_null(bench_host_by_name("qemu:", &device));
	assert_null(bench_host_by_name("no-such-host", NULL));
	assert_null(bench_host_by_name("qemu-prox", NULL));
}

static void test_fixture_scenario_needing_device_errors_cannot_run_without_them(void **state)
{
	struct bench_host_factory blind = bench_host_sim_factory;

	(void)state;
	blind.name = "sim-without-error-counter";
	blind.caps &= ~(unsigned)BENCH_CAP_DEVICE_ERRORS;
	runs = 0;
	expect_result(&sc_needs_errors, &blind, &base, BENCH_CANNOT_RUN, "device-error counter");
	expect_result(&sc_needs_errors, &blind, &base, BENCH_CANNOT_RUN, blind.name);
	assert_int_equal(0, runs);
	expect_result(&sc_needs_errors, &bench_host_sim_factory, &base, BENCH_PASS, "");
	assert_int_equal(1, runs);
}

static void test_fixture_unavailable_host_cannot_run_with_its_reason(void **state)
{
	struct bench_host_factory off = bench_host_sim_factory;

	(void)state;
	off.available = never_available;
	expect_result(&sc_plain, &off, &base, BENCH_CANNOT_RUN, "switched off");
}

static void test_fixture_variant_a_host_cannot_build_cannot_run(void **state)
{
	struct bench_host_factory h = bench_host_sim_factory;

	(void)state;
	h.create = variant_unsupported;
	expect_result(&sc_variant, &h, &base, BENCH_CANNOT_RUN, "no such variant");
}

static void test_fixture_host_that_breaks_at_creation_fails(void **state)
{
	struct bench_host_factory h = bench_host_sim_factory;

	(void)state;
	h.create = create_breaks;
	expect_result(&sc_plain, &h, &base, BENCH_FAIL, "crashed");
}

static void test_fixture_module_init_failure_fails_the_scenario_with_its_reason(void **state)
{
	struct bench_test_module m = { .api_version = BENCH_API_VERSION, .name = "t",
				       .init = init_refuses };
	struct bench_options opt = base;

	(void)state;
	opt.module = &m;
	runs = 0;
	expect_result(&sc_plain, &bench_host_sim_factory, &opt, BENCH_FAIL, "not where the module");
	assert_int_equal(0, runs);
}

/* A generic scenario asks the module whether the driver still answers. */
static void test_fixture_generic_scenario_uses_the_module_alive_check(void **state)
{
	struct bench_test_module m = { .api_version = BENCH_API_VERSION, .name = "t",
				       .alive = alive_refuses };
	struct bench_options opt = base;

	(void)state;
	opt.module = &m;
	expect_result(bench_scenario_find(NULL, "load-start-stop-unload"), &bench_host_sim_factory,
		      &opt, BENCH_FAIL, "after start: the driver does not answer");
	expect_result(bench_scenario_find(NULL, "load-start-stop-unload"), &bench_host_sim_factory,
		      &base, BENCH_PASS, "");
}

static void test_fixture_boot_without_kext_finds_the_device_by_profile(void **state)
{
	struct bench_options opt = { .profile = base.profile };
	struct bench_machine fx;
	char why[BENCH_WHY_LEN];

	(void)state;
	assert_int_equal(SHIM_OK, bench_machine_boot(&fx, &bench_host_sim_factory, &opt, why,
						     sizeof(why)));
	assert_non_null(fx.dev);
	assert_int_equal(base.profile->vendor_id, shim_pci_vendor_id(fx.dev));
	assert_int_equal(base.profile->device_id, shim_pci_device_id(fx.dev));
	assert_null(fx.kext);
	assert_null(fx.svc);
	if (!bench_machine_shutdown(&fx, why, sizeof(why)))
		fail_msg("shutdown: %s", why);
}

static void test_fixture_boot_without_profile_is_refused(void **state)
{
	struct bench_options opt = base;
	struct bench_machine fx;
	char why[BENCH_WHY_LEN] = "";

	(void)state;
	opt.profile = NULL;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 bench_machine_boot(&fx, &bench_host_sim_factory, &opt, why, sizeof(why)));
	assert_non_null(strstr(why, "no device profile"));
}

static void test_fixture_shutdown_names_a_leaked_allocation(void **state)
{
	struct bench_machine fx;
	char why[BENCH_WHY_LEN];
	void *leak;

	(void)state;
	assert_int_equal(SHIM_OK, bench_machine_boot(&fx, &bench_host_sim_factory, &base, why,
						     sizeof(why)));
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
	assert_int_equal(SHIM_OK, bench_machine_boot(&fx, &bench_host_sim_factory, &base, why,
						     sizeof(why)));
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
	assert_int_equal(SHIM_OK, bench_machine_boot(&fx, &bench_host_sim_factory, &base, why,
						     sizeof(why)));
	assert_non_null(fx.svc);
	assert_true(bench_kext_loaded(base.kext));
	assert_string_equal("sim", shim_machine_host_name(fx.machine));
	if (!bench_machine_shutdown(&fx, why, sizeof(why)))
		fail_msg("clean shutdown reported: %s", why);
	assert_false(bench_kext_loaded(base.kext));
}

static int group_setup(void **state)
{
	struct bench_kext *k = NULL;
	char why[512] = "";

	(void)state;
	if (bench_kext_open(MINIMAL_KEXT, &k, why, sizeof(why)) != SHIM_OK) {
		print_error("minimal kext: %s\n", why);
		return -1;
	}
	base.kext = k;
	base.profile = bench_profile_builtin_find("edu");
	return base.profile != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	bench_kext_close(base.kext);
	return 0;
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_host_table_offers_every_host_and_the_device_shorthand),
		cmocka_unit_test(test_fixture_scenario_needing_device_errors_cannot_run_without_them),
		cmocka_unit_test(test_fixture_unavailable_host_cannot_run_with_its_reason),
		cmocka_unit_test(test_fixture_variant_a_host_cannot_build_cannot_run),
		cmocka_unit_test(test_fixture_host_that_breaks_at_creation_fails),
		cmocka_unit_test(test_fixture_module_init_failure_fails_the_scenario_with_its_reason),
		cmocka_unit_test(test_fixture_generic_scenario_uses_the_module_alive_check),
		cmocka_unit_test(test_fixture_boot_without_kext_finds_the_device_by_profile),
		cmocka_unit_test(test_fixture_boot_without_profile_is_refused),
		cmocka_unit_test(test_fixture_shutdown_names_a_leaked_allocation),
		cmocka_unit_test(test_fixture_shutdown_reports_and_clears_verifier_records),
		cmocka_unit_test(test_fixture_clean_boot_and_shutdown_is_back_to_baseline),
	};

	return cmocka_run_group_tests_name("sim_fixture", tests, group_setup, group_teardown);
}
