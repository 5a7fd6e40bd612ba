/* The cycle runner on what cannot be cycled: a kind the driver or the host
 * cannot do (no power table, no user client, no hot-plug, host unavailable)
 * runs no cycle and is CANNOT RUN with the reason, never a pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/cycle.h"
#include "bench/kext.h"

#define CANNOT_CYCLES 10ul

/* The minimal kext (it can do every kind), and the bare one: no power
 * table, no user client. */
static struct bench_options minimal, bare;

/* A kind the driver or host cannot do runs no cycle and says why. */
static void expect_cannot_run(const char *kind, const struct bench_host_factory *host,
			      const struct bench_options *opt, const char *reason)
{
	struct bench_cycle_result res;
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find(kind), .host = host,
					  .count = CANNOT_CYCLES, .opt = opt != NULL ? *opt : minimal };

	assert_non_null(cfg.kind);
	bench_cycle_run(&cfg, &res);
	if (res.result != BENCH_CANNOT_RUN || strstr(res.why, reason) == NULL)
		fail_msg("%s on %s: %s: '%s'; expected CANNOT RUN with '%s'", kind, host->name,
			 bench_result_string(res.result), res.why, reason);
	assert_int_equal(0, res.done);
	bench_cycle_result_free(&res);
}

static void test_cycle_sleep_wake_without_power_table_cannot_run(void **state)
{
	(void)state;
	expect_cannot_run("sleep-wake", &bench_host_sim_factory, &bare,
			  "the driver declares no power-state table");
}

static void test_cycle_open_close_without_user_client_cannot_run(void **state)
{
	(void)state;
	expect_cannot_run("open-close", &bench_host_sim_factory, &bare,
			  "the driver publishes no user client");
}

static shim_ret sim_without_hotplug(const struct bench_options *opt, struct bench_host_parts *out,
				    char *why, size_t len)
{
	shim_ret r = bench_host_sim_factory.create(opt, out, why, len);

	if (r == SHIM_OK) {
		out->unplug = NULL;
		out->replug = NULL;
		out->no_hotplug_why = "this test host keeps its devices soldered in";
	}
	return r;
}

static bool switched_off(const struct bench_profile *p, char *why, size_t len)
{
	(void)p;
	snprintf(why, len, "this test host is switched off");
	return false;
}

static void test_cycle_attach_detach_on_a_host_without_hotplug_cannot_run(void **state)
{
	struct bench_host_factory h = bench_host_sim_factory;

	(void)state;
	h.create = sim_without_hotplug;
	expect_cannot_run("attach-detach", &h, NULL, "soldered in");
}

static void test_cycle_on_an_unavailable_host_cannot_run(void **state)
{
	struct bench_host_factory h = bench_host_sim_factory;

	(void)state;
	h.available = switched_off;
	expect_cannot_run("start-stop", &h, NULL, "switched off");
}

static bool open_kext(const char *path, struct bench_options *opt)
{
	char why[512] = "";

	opt->profile = bench_profile_builtin_find("edu");
	if (bench_kext_open(path, &opt->kext, why, sizeof(why)) == SHIM_OK)
		return true;
	print_error("%s\n", why);
	return false;
}

static int group_setup(void **state)
{
	(void)state;
	return open_kext(MINIMAL_KEXT, &minimal) && open_kext(BARE_KEXT, &bare) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	bench_kext_close(minimal.kext);
	bench_kext_close(bare.kext);
	return 0;
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle_sleep_wake_without_power_table_cannot_run),
		cmocka_unit_test(test_cycle_open_close_without_user_client_cannot_run),
		cmocka_unit_test(test_cycle_attach_detach_on_a_host_without_hotplug_cannot_run),
		cmocka_unit_test(test_cycle_on_an_unavailable_host_cannot_run),
	};

	return cmocka_run_group_tests_name("cycle_cannot_run", tests, group_setup, group_teardown);
}
