/* Suite 'cycle': the cycle runner with the minimal kext on the sim host
 * and on every QEMU-backed host: clean runs pass with every counter flat, a
 * leak planted into the driver's start is caught and named with its slope,
 * and the trend arithmetic and output themselves. Counts shrink under valgrind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/cycle.h"
#include "bench/kext.h"

#define CYCLES_SIM 1000ul
#define CYCLES_QEMU 200ul
#define CYCLES_QEMU_HOTPLUG 50ul /* each ~60 ms: QMP device_del, eject, device_add */
#define LEAK_CYCLES 1000ul
#define LEAK_PERIOD 100ul

/* The minimal kext on the edu profile, opened once. */
static struct bench_options minimal;

static void run_kind(const char *kind, const struct bench_host_factory *host, unsigned long count,
		     const struct bench_options *opt, struct bench_cycle_result *res)
{
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find(kind), .host = host,
				       .count = count, .opt = opt != NULL ? *opt : minimal };

	assert_non_null(cfg.kind);
	bench_cycle_run(&cfg, res);
}

/* Fails the test unless kind passes on host with every column flat;
 * returns false (reason printed) when the host cannot run the kind. */
static bool clean_or_cannot(const char *kind, const struct bench_host_factory *host,
			    unsigned long count)
{
	struct bench_cycle_result res;

	run_kind(kind, host, count, NULL, &res);
	if (res.result == BENCH_CANNOT_RUN) {
		assert_true(res.why[0] != '\0'); /* never silently */
		print_message("%s on %s: CANNOT RUN: %s\n", kind, host->name, res.why);
		bench_cycle_result_free(&res);
		return false;
	}
	if (res.result != BENCH_PASS)
		fail_msg("%s on %s: %s: %s", kind, host->name, bench_result_string(res.result),
			 res.why);
	assert_int_equal(count, res.done);
	assert_int_equal(count, res.series.rows);
	assert_int_equal(0, res.ntrends);
	for (size_t c = 0; c < res.series.ncols; c++)
		if (bench_cycle_slope(&res.series, c) != 0.0)
			fail_msg("%s on %s: column %s has slope %g on a clean run", kind, host->name,
				 bench_cycle_col_name(&res.series, c), bench_cycle_slope(&res.series, c));
	print_message("%s on %s: %lu cycles, %.0f/s\n", kind, host->name, res.done,
		      res.seconds > 0 ? (double)res.done / res.seconds : 0.0);
	bench_cycle_result_free(&res);
	return true;
}

/* The sim host can do every kind: CANNOT RUN is a failure there. */
static void expect_clean_on_sim(const char *kind)
{
	if (!clean_or_cannot(kind, &bench_host_sim_factory, bench_cycle_scaled(CYCLES_SIM, 50)))
		fail_msg("%s cannot run on sim", kind);
}

/* (kind, host) pairs that cannot run, with the reason the runner must give.
 * Anything else that cannot run fails; a listed pair that runs fails too,
 * so the list is kept honest. */
static const struct {
	const char *kind, *host, *reason;
} qemu_expected_cannot[] = {
	/* { "kind", "host", "reason substring" }: none today. */
	{ NULL, NULL, NULL },
};

static const char *expected_cannot(const char *kind, const char *host)
{
	for (size_t i = 0; qemu_expected_cannot[i].kind != NULL; i++)
		if (strcmp(qemu_expected_cannot[i].kind, kind) == 0 &&
		    strcmp(qemu_expected_cannot[i].host, host) == 0)
			return qemu_expected_cannot[i].reason;
	return NULL;
}

/* Every QEMU-backed host in the fixture table. QEMU is a dependency the
 * bootstrap installs, so an unavailable host fails. Under valgrind (not for
 * QEMU processes) the test is skipped, saying so. */
static void expect_clean_on_qemu_hosts(const char *kind, unsigned long count)
{
	const struct bench_host_factory *h;

	if (getenv("DRVBENCH_UNDER_VALGRIND") != NULL) {
		print_message("qemu cycles are not run under valgrind\n");
		skip();
	}
	for (size_t i = 0; (h = bench_host_at(i)) != NULL; i++) {
		char why[160] = "";
		const char *reason = expected_cannot(kind, h->name);
		struct bench_cycle_result res;

		if (h->kind == BENCH_HOST_SIM)
			continue;
		if (!h->available(minimal.profile, why, sizeof(why)))
			fail_msg("%s: host unavailable: %s", h->name, why);
		if (reason == NULL) {
			if (!clean_or_cannot(kind, h, count))
				fail_msg("%s cannot run on %s (not an expected case)", kind, h->name);
			continue;
		}
		run_kind(kind, h, count, NULL, &res);
		if (res.result != BENCH_CANNOT_RUN || strstr(res.why, reason) == NULL)
			fail_msg("%s on %s: expected CANNOT RUN (%s), got %s: %s; update the list",
				 kind, h->name, reason, bench_result_string(res.result), res.why);
		print_message("%s on %s: CANNOT RUN as expected: %s\n", kind, h->name, res.why);
		bench_cycle_result_free(&res);
	}
}

static void test_cycle_start_stop_on_sim_is_flat(void **state)
{
	(void)state;
	expect_clean_on_sim("start-stop");
}

static void test_cycle_open_close_on_sim_is_flat(void **state)
{
	(void)state;
	expect_clean_on_sim("open-close");
}

static void test_cycle_attach_detach_on_sim_is_flat(void **state)
{
	(void)state;
	expect_clean_on_sim("attach-detach");
}

static void test_cycle_sleep_wake_on_sim_is_flat(void **state)
{
	(void)state;
	expect_clean_on_sim("sleep-wake");
}

static void test_cycle_load_unload_on_sim_is_flat(void **state)
{
	(void)state;
	expect_clean_on_sim("load-unload");
}

/* One object every LEAK_PERIOD starts: the runner must fail and name the
 * class with a slope near 1 / LEAK_PERIOD. Under valgrind the period
 * shrinks with the count, so the same number of objects leaks. */
static void expect_leak_caught(const char *kind)
{
	unsigned long count = bench_cycle_scaled(LEAK_CYCLES, 100);
	unsigned long period = LEAK_PERIOD * count / LEAK_CYCLES;
	struct bench_options opt = minimal;
	struct bench_cycle_result res;
	const struct bench_cycle_trend *leak = NULL;
	double expect = 1.0 / (double)period;
	char named[96];

	opt.wrap_kext = bench_cycle_leak_wrap(period);
	run_kind(kind, &bench_host_sim_factory, count, &opt, &res);
	print_message("%s, leak every %lu starts: %s: %s\n", kind, period,
		      bench_result_string(res.result), res.why);
	if (res.result == BENCH_CANNOT_RUN) { /* sim can run every kind */
		bench_cycle_leak_reap();
		bench_cycle_result_free(&res);
		fail_msg("%s cannot run on sim", kind);
	}
	/* The boot's start counts too: starts = count + 1. */
	assert_int_equal((count + 1) / period, bench_cycle_leak_planted());
	bench_cycle_leak_reap();
	assert_int_equal(BENCH_FAIL, res.result);
	assert_int_equal(count, res.done);
	for (size_t i = 0; i < res.ntrends; i++)
		if (res.trends[i].is_class && strcmp(res.trends[i].name, BENCH_CYCLE_LEAK_CLASS) == 0)
			leak = &res.trends[i];
	if (leak == NULL)
		fail_msg("no trend names class %s: %s", BENCH_CYCLE_LEAK_CLASS, res.why);
	assert_ptr_equal(leak, &res.trends[0]); /* the class comes before the totals */
	assert_true(leak->slope > expect * 0.9 && leak->slope < expect * 1.1);
	assert_true(leak->last - leak->first >= (int64_t)(count / period) - 1);
	snprintf(named, sizeof(named), "class %s grows %+.4f per cycle", BENCH_CYCLE_LEAK_CLASS,
		 leak->slope);
	assert_non_null(strstr(res.why, named));
	assert_non_null(strstr(res.why, "end state not at baseline"));
	bench_cycle_result_free(&res);
}

static void test_cycle_planted_leak_is_caught_and_named(void **state)
{
	(void)state;
	expect_leak_caught("start-stop");
}

static void test_cycle_planted_leak_is_caught_across_replug(void **state)
{
	(void)state;
	expect_leak_caught("attach-detach");
}

/* The wrapper is applied again to every freshly mapped image. */
static void test_cycle_planted_leak_is_caught_across_reload(void **state)
{
	(void)state;
	expect_leak_caught("load-unload");
}

static void test_cycle_slope_of_a_staircase_is_its_rate(void **state)
{
	struct bench_cycle_series s = { .ncols = 1, .rows = 1000 };
	int64_t *v = calloc(1000 * BENCH_CYCLE_MAX_COLS, sizeof(*v));

	(void)state;
	assert_non_null(v);
	s.v = v;
	for (unsigned long r = 0; r < s.rows; r++)
		v[r * BENCH_CYCLE_MAX_COLS] = 7 + (int64_t)(r / 100);
	assert_true(bench_cycle_slope(&s, 0) > 0.0099 && bench_cycle_slope(&s, 0) < 0.0101);
	assert_true(bench_cycle_slope(&s, 0) > bench_cycle_slope_threshold(s.rows));
	for (unsigned long r = 0; r < s.rows; r++)
		v[r * BENCH_CYCLE_MAX_COLS] = 7;
	assert_true(bench_cycle_slope(&s, 0) == 0.0);
	/* One warm-up allocation in cycle 3 that stays is no trend. */
	for (unsigned long r = 3; r < s.rows; r++)
		v[r * BENCH_CYCLE_MAX_COLS] = 8;
	assert_true(bench_cycle_slope(&s, 0) < bench_cycle_slope_threshold(s.rows));
	free(v);
}

static void test_cycle_threshold_needs_one_unit_over_short_runs(void **state)
{
	/* Constants as doubles: on i386 (x87, FLT_EVAL_METHOD 2) a bare 0.001 is
	 * evaluated in long double and never equals the double returned. */
	const double min = BENCH_CYCLE_SLOPE_MIN, hundredth = 0.01;

	(void)state;
	assert_true(bench_cycle_slope_threshold(1000) >= min);
	assert_true(bench_cycle_slope_threshold(10000) == min);
	assert_true(bench_cycle_slope_threshold(101) == hundredth);
}

static void test_cycle_csv_has_a_row_per_cycle_and_class_columns(void **state)
{
	struct bench_cycle_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	size_t lines = 0;

	(void)state;
	assert_non_null(mem);
	run_kind("start-stop", &bench_host_sim_factory, 20, NULL, &res);
	assert_int_equal(BENCH_PASS, res.result);
	assert_true(bench_cycle_write_csv(mem, &res));
	fclose(mem);
	for (char *p = buf; *p != '\0'; p++)
		lines += *p == '\n';
	assert_int_equal(21, lines);
	assert_non_null(strstr(buf, "cycle,cycle_us,objects_live,alloc_count,alloc_bytes"));
	assert_non_null(strstr(buf, ",uc_handles,"));
	free(buf);
	bench_cycle_result_free(&res);
}

static void test_cycle_json_names_kind_result_and_series(void **state)
{
	struct bench_cycle_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(mem);
	run_kind("start-stop", &bench_host_sim_factory, 5, NULL, &res);
	assert_true(bench_cycle_write_json(mem, &res));
	fclose(mem);
	assert_non_null(strstr(buf, "\"kind\": \"start-stop\""));
	assert_non_null(strstr(buf, "\"result\": \"PASS\""));
	assert_non_null(strstr(buf, "\"objects_live\": ["));
	assert_non_null(strstr(buf, "\"trends\": []"));
	free(buf);
	bench_cycle_result_free(&res);
}

/* QEMU: one QEMU process per host and kind, many cycles in it. */
static void test_cycle_start_stop_on_qemu_is_flat(void **state)
{
	(void)state;
	expect_clean_on_qemu_hosts("start-stop", CYCLES_QEMU);
}

static void test_cycle_sleep_wake_on_qemu_is_flat(void **state)
{
	(void)state;
	expect_clean_on_qemu_hosts("sleep-wake", CYCLES_QEMU);
}

static void test_cycle_open_close_on_qemu_is_flat(void **state)
{
	(void)state;
	expect_clean_on_qemu_hosts("open-close", CYCLES_QEMU);
}

static void test_cycle_attach_detach_on_qemu_is_flat(void **state)
{
	(void)state;
	expect_clean_on_qemu_hosts("attach-detach", CYCLES_QEMU_HOTPLUG);
}

static void test_cycle_load_unload_on_qemu_is_flat(void **state)
{
	(void)state;
	expect_clean_on_qemu_hosts("load-unload", CYCLES_QEMU);
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
	return open_kext(MINIMAL_KEXT, &minimal) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	bench_kext_close(minimal.kext);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle_slope_of_a_staircase_is_its_rate),
		cmocka_unit_test(test_cycle_threshold_needs_one_unit_over_short_runs),
		cmocka_unit_test(test_cycle_start_stop_on_sim_is_flat),
		cmocka_unit_test(test_cycle_open_close_on_sim_is_flat),
		cmocka_unit_test(test_cycle_attach_detach_on_sim_is_flat),
		cmocka_unit_test(test_cycle_sleep_wake_on_sim_is_flat),
		cmocka_unit_test(test_cycle_load_unload_on_sim_is_flat),
		cmocka_unit_test(test_cycle_planted_leak_is_caught_and_named),
		cmocka_unit_test(test_cycle_planted_leak_is_caught_across_replug),
		cmocka_unit_test(test_cycle_planted_leak_is_caught_across_reload),
		cmocka_unit_test(test_cycle_csv_has_a_row_per_cycle_and_class_columns),
		cmocka_unit_test(test_cycle_json_names_kind_result_and_series),
		cmocka_unit_test(test_cycle_start_stop_on_qemu_is_flat),
		cmocka_unit_test(test_cycle_sleep_wake_on_qemu_is_flat),
		cmocka_unit_test(test_cycle_open_close_on_qemu_is_flat),
		cmocka_unit_test(test_cycle_attach_detach_on_qemu_is_flat),
		cmocka_unit_test(test_cycle_load_unload_on_qemu_is_flat),
	};

	return cmocka_run_group_tests_name("cycle_runner", tests, group_setup, group_teardown);
}
