/* A kext's image in memory across load and unload (tiny test kexts on the
 * sim host): unload really unmaps it and load maps it afresh (static data
 * starts over, the dynamic linker no longer knows the file), and the
 * load-unload cycle kind relies on that; a kext whose class still has live
 * instances at unload keeps its image mapped, with a LEAK_AT_UNLOAD record
 * naming the class. */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/cycle.h"
#include "bench/kext.h"
#include "shim/verifier.h"

#define RELOADS 100ul

typedef unsigned (*starts_fn)(void);
typedef void (*release_fn)(void);

/* Kept in statics: a kext whose unload was refused is never freed. */
static struct bench_kext *once, *leaky, *leaky_helper;

static struct bench_options options_for(struct bench_kext *k)
{
	return (struct bench_options){ .profile = bench_profile_builtin_find("edu"), .kext = k };
}

/* Whether the dynamic linker has the file mapped (RTLD_NOLOAD maps nothing). */
static bool mapped(const char *binary)
{
	void *h = dlopen(binary, RTLD_NOW | RTLD_NOLOAD);

	if (h == NULL)
		return false;
	dlclose(h);
	return true;
}

static void boot(struct bench_machine *fx, struct bench_kext *k)
{
	struct bench_options opt = options_for(k);
	char why[BENCH_WHY_LEN] = "";

	if (bench_machine_boot(fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK)
		fail_msg("boot: %s", why);
	assert_non_null(fx->svc);
}

static void stop_service(struct bench_machine *fx)
{
	assert_int_equal(SHIM_OK, shim_machine_terminate(fx->machine, fx->dev));
	fx->svc = NULL;
}

static void shutdown_clean(struct bench_machine *fx)
{
	char why[BENCH_WHY_LEN] = "";

	if (!bench_machine_shutdown(fx, why, sizeof(why)))
		fail_msg("shutdown: %s", why);
}

/* The first LEAK_AT_UNLOAD record, which must name cls. */
static void expect_leak_record_naming(const char *cls)
{
	for (size_t i = 0; i < shim_verifier_count() && i < SHIM_VERIFIER_KEEP; i++) {
		const struct shim_violation *v = shim_verifier_get(i);

		if (v->kind != SHIM_V_LEAK_AT_UNLOAD)
			continue;
		if (strstr(v->message, cls) == NULL)
			fail_msg("LEAK_AT_UNLOAD record does not name %s: %s", cls, v->message);
		return;
	}
	fail_msg("no LEAK_AT_UNLOAD record among %zu", shim_verifier_count());
}

static void test_unload_unmaps_the_image_and_load_maps_it_afresh(void **state)
{
	struct bench_machine fx;
	starts_fn starts;
	char why[BENCH_WHY_LEN] = "";

	(void)state;
	boot(&fx, once);
	assert_true(mapped(ONCE_BINARY));
	starts = (starts_fn)(uintptr_t)bench_kext_symbol(once, "tiny_starts_in_image");
	assert_non_null(starts);
	assert_int_equal(1, starts());
	stop_service(&fx);
	assert_int_equal(SHIM_OK, bench_kext_unload(once, why, sizeof(why)));
	fx.kext = NULL;
	assert_false(mapped(ONCE_BINARY));
	assert_null(bench_kext_symbol(once, "tiny_starts_in_image"));
	assert_int_equal(SHIM_OK, bench_kext_load(once, NULL, &fx.kext, why, sizeof(why)));
	assert_true(mapped(ONCE_BINARY));
	starts = (starts_fn)(uintptr_t)bench_kext_symbol(once, "tiny_starts_in_image");
	assert_non_null(starts);
	assert_int_equal(0, starts()); /* fresh .data: nothing of the first mapping is left */
	shutdown_clean(&fx);
	assert_false(mapped(ONCE_BINARY));
}

/* The once-per-image driver refuses a second start in one mapping: reload
 * cycles pass only because every cycle maps the image afresh... */
static void test_load_unload_cycles_map_the_image_afresh_every_time(void **state)
{
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find("load-unload"),
					  .host = &bench_host_sim_factory,
					  .count = bench_cycle_scaled(RELOADS, 10),
					  .opt = options_for(once) };
	struct bench_cycle_result res;

	(void)state;
	bench_cycle_run(&cfg, &res);
	if (res.result != BENCH_PASS)
		fail_msg("load-unload: %s: %s", bench_result_string(res.result), res.why);
	assert_int_equal(cfg.count, res.done);
	bench_cycle_result_free(&res);
}

/* ...which start/stop cycles on one mapping show: the second start fails. */
static void test_start_stop_cycles_on_one_image_trip_the_once_per_image_driver(void **state)
{
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find("start-stop"),
					  .host = &bench_host_sim_factory, .count = 10,
					  .opt = options_for(once) };
	struct bench_cycle_result res;

	(void)state;
	bench_cycle_run(&cfg, &res);
	assert_int_equal(BENCH_FAIL, res.result);
	assert_int_equal(1, res.done);
	assert_non_null(strstr(res.why, "cycle 0: match"));
	bench_cycle_result_free(&res);
	shim_verifier_clear();
}

/* The driver's own (declared) class: the shim refuses the unload, the kext
 * stays loaded and mapped until the instance goes. */
static void test_live_instance_of_a_declared_class_keeps_the_kext_mapped(void **state)
{
	struct bench_machine fx;
	char why[BENCH_WHY_LEN] = "";
	release_fn release;

	(void)state;
	boot(&fx, leaky);
	stop_service(&fx);
	assert_int_equal(SHIM_ERR_BUSY, bench_kext_unload(leaky, why, sizeof(why)));
	assert_non_null(strstr(why, "unload refused"));
	expect_leak_record_naming("org_drvbench_test_leaky");
	assert_true(bench_kext_loaded(leaky));
	assert_true(mapped(LEAKY_BINARY));
	release = (release_fn)(uintptr_t)bench_kext_symbol(leaky, "tiny_release_leak");
	assert_non_null(release);
	release();
	shim_verifier_clear();
	assert_int_equal(SHIM_OK, bench_kext_unload(leaky, why, sizeof(why)));
	fx.kext = NULL;
	assert_false(mapped(LEAKY_BINARY));
	shutdown_clean(&fx);
}

/* A class the kext does not declare: the shim lets the unload through, the
 * bench finds the class in the image's address range, keeps the image
 * mapped and refuses to load the kext again. */
static void test_live_instance_of_an_undeclared_class_keeps_the_image_mapped(void **state)
{
	struct bench_machine fx;
	char why[BENCH_WHY_LEN] = "";
	shim_kext *again = NULL;
	release_fn release;
	void *h;

	(void)state;
	boot(&fx, leaky_helper);
	stop_service(&fx);
	assert_int_equal(SHIM_ERR_BUSY, bench_kext_unload(leaky_helper, why, sizeof(why)));
	fx.kext = NULL; /* the shim unloaded it; the image is what stays */
	assert_non_null(strstr(why, "image kept mapped: class org_drvbench_test_leaky_helper_buffer "
				    "has 1 live instance(s)"));
	expect_leak_record_naming("org_drvbench_test_leaky_helper_buffer");
	assert_false(bench_kext_loaded(leaky_helper));
	assert_true(mapped(LEAKY_HELPER_BINARY));
	assert_int_equal(SHIM_ERR_BUSY, bench_kext_load(leaky_helper, NULL, &again, why, sizeof(why)));
	assert_non_null(strstr(why, "an earlier unload was refused"));
	/* Still mapped, so its code can free what it leaked. */
	h = dlopen(LEAKY_HELPER_BINARY, RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(h);
	release = (release_fn)(uintptr_t)dlsym(h, "tiny_release_leak");
	assert_non_null(release);
	release();
	dlclose(h);
	shim_verifier_clear();
	shutdown_clean(&fx);
}

static int group_setup(void **state)
{
	char why[512] = "";

	(void)state;
	shim_verifier_set_fatal(false);
	if (bench_kext_open(ONCE_KEXT, &once, why, sizeof(why)) != SHIM_OK ||
	    bench_kext_open(LEAKY_KEXT, &leaky, why, sizeof(why)) != SHIM_OK ||
	    bench_kext_open(LEAKY_HELPER_KEXT, &leaky_helper, why, sizeof(why)) != SHIM_OK) {
		print_error("%s\n", why);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	bench_kext_close(once);
	bench_kext_close(leaky);
	bench_kext_close(leaky_helper);
	return 0;
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unload_unmaps_the_image_and_load_maps_it_afresh),
		cmocka_unit_test(test_load_unload_cycles_map_the_image_afresh_every_time),
		cmocka_unit_test(test_start_stop_cycles_on_one_image_trip_the_once_per_image_driver),
		cmocka_unit_test(test_live_instance_of_a_declared_class_keeps_the_kext_mapped),
		cmocka_unit_test(test_live_instance_of_an_undeclared_class_keeps_the_image_mapped),
	};

	return cmocka_run_group_tests_name("kext_image", tests, group_setup, group_teardown);
}
