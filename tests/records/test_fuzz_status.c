/* drvbench fuzz's reading of libFuzzer's output (tools/fuzz_status.h):
 * status lines as libFuzzer 14 prints them, final stats, the kext fuzzer's
 * selector lines, and the coverage curve kept bounded. No libFuzzer here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_status.h"

static void test_status_lines_give_execs_coverage_features_corpus_and_rate(void **state)
{
	struct drvbench_fuzz_status st = { 0 };

	(void)state;
	assert_true(drvbench_fuzz_status_parse(
		"#2\tINITED cov: 31 ft: 32 corp: 1/1b exec/s: 0 rss: 30Mb", &st));
	assert_int_equal(2, st.execs);
	assert_int_equal(31, st.cov);
	assert_int_equal(32, st.ft);
	assert_int_equal(1, st.corp);
	assert_true(drvbench_fuzz_status_parse("#4096\tpulse  cov: 112 ft: 407 corp: 58/2311b "
					       "lim: 43 exec/s: 2048 rss: 41Mb", &st));
	assert_int_equal(4096, st.execs);
	assert_int_equal(112, st.cov);
	assert_int_equal(407, st.ft);
	assert_int_equal(58, st.corp);
	assert_int_equal(2048, st.rate);
	assert_true(drvbench_fuzz_status_parse("#5000\tDONE   cov: 113 ft: 409 corp: 59/2320b "
					       "lim: 43 exec/s: 1666 rss: 41Mb", &st));
	assert_int_equal(5000, st.execs);
	assert_int_equal(409, st.ft);
}

static void test_a_status_line_without_coverage_keeps_the_last_figures(void **state)
{
	struct drvbench_fuzz_status st = { .cov = 7, .ft = 9, .corp = 3 };

	(void)state;
	/* An uninstrumented target: libFuzzer prints no cov, ft or corp. */
	assert_true(drvbench_fuzz_status_parse("#64 pulse  exec/s: 32 rss: 29Mb", &st));
	assert_int_equal(64, st.execs);
	assert_int_equal(9, st.ft);
	assert_int_equal(32, st.rate);
}

static void test_the_kext_fuzzers_own_pulse_moves_the_count_and_rate_only(void **state)
{
	struct drvbench_fuzz_status st = { .execs = 4096, .cov = 112, .ft = 407, .corp = 58 };

	(void)state;
	assert_true(drvbench_fuzz_status_parse("#1601931\tpulse  exec/s: 1707 (kext fuzzer)", &st));
	assert_int_equal(1601931, st.execs);
	assert_int_equal(1707, st.rate);
	assert_int_equal(112, st.cov);
	assert_int_equal(407, st.ft);
	assert_int_equal(58, st.corp);
}

static void test_other_lines_are_not_status_lines(void **state)
{
	struct drvbench_fuzz_status st = { .execs = 11, .ft = 5 };
	const char *const lines[] = {
		"INFO: Seed: 1", "#define X 1", "#", "# 12 cov: 3", "#12cov: 3",
		"==1234==ERROR: AddressSanitizer: heap-buffer-overflow", "", "stat::peak_rss_mb: 41",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_false(drvbench_fuzz_status_parse(lines[i], &st));
		assert_false(drvbench_fuzz_final_stat_parse(lines[i], &st));
	}
	assert_int_equal(11, st.execs);
	assert_int_equal(5, st.ft);
}

static void test_final_stats_give_the_run_count_and_the_average_rate(void **state)
{
	struct drvbench_fuzz_status st = { .execs = 4096, .rate = 10 };

	(void)state;
	assert_true(drvbench_fuzz_final_stat_parse("stat::number_of_executed_units: 5000", &st));
	assert_true(drvbench_fuzz_final_stat_parse("stat::average_exec_per_sec:     1250", &st));
	assert_int_equal(5000, st.execs);
	assert_int_equal(1250, st.rate);
}

static void test_selector_lines_are_read_with_their_counts(void **state)
{
	struct shim_uc_selector_count s;

	(void)state;
	assert_true(drvbench_fuzz_selector_parse(
		"fuzz_kext: selector\tEduDriver\t3\tfactorial\t120\t40\t80\t7", &s));
	assert_string_equal("EduDriver", s.client);
	assert_int_equal(3, s.selector);
	assert_string_equal("factorial", s.method);
	assert_int_equal(120, s.reached);
	assert_int_equal(40, s.refused);
	assert_int_equal(80, s.ran);
	assert_int_equal(7, s.failed);
	assert_true(drvbench_fuzz_selector_parse("fuzz_kext: selector\tEduDriver\tother\t-\t9\t9\t0\t0",
						 &s));
	assert_int_equal(SHIM_UC_SEL_OTHER, s.selector);
	assert_string_equal("", s.method);
}

static void test_malformed_selector_lines_are_refused(void **state)
{
	struct shim_uc_selector_count s;
	const char *const bad[] = {
		"fuzz_kext: selector\tEduDriver\t3\tfactorial\t120\t40\t80",    /* a count short */
		"fuzz_kext: selector\tEduDriver\tx3\tfactorial\t1\t0\t1\t0",     /* not a selector */
		"fuzz_kext: selector\tEduDriver\t3\tfactorial\t1\t-1\t1\t0",     /* not a count */
		"fuzz_kext: selector EduDriver 3 factorial 1 0 1 0",             /* not tabs */
		"fuzz_kext: note: EduDriver has no coverage instrumentation",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(drvbench_fuzz_selector_parse(bad[i], &s));
}

static void test_the_curve_skips_repeats_and_halves_when_full_keeping_its_ends(void **state)
{
	static struct drvbench_fuzz_curve c;
	struct bench_record_fuzz_point p = { 0 };

	(void)state;
	p.execs = 1;
	drvbench_fuzz_curve_add(&c, &p);
	p.t_s = 5; /* only the time moved: nothing new */
	drvbench_fuzz_curve_add(&c, &p);
	assert_int_equal(1, c.n);
	for (unsigned long i = 2; i <= 10 * DRVBENCH_FUZZ_POINTS; i++) {
		p.execs = i;
		p.features = i / 3;
		drvbench_fuzz_curve_add(&c, &p);
		assert_true(c.n <= DRVBENCH_FUZZ_POINTS);
	}
	assert_true(c.n > DRVBENCH_FUZZ_POINTS / 2);
	assert_int_equal(1, c.p[0].execs);
	assert_int_equal(10 * DRVBENCH_FUZZ_POINTS, c.p[c.n - 1].execs);
	for (size_t i = 1; i < c.n; i++)
		assert_true(c.p[i].execs > c.p[i - 1].execs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_lines_give_execs_coverage_features_corpus_and_rate),
		cmocka_unit_test(test_a_status_line_without_coverage_keeps_the_last_figures),
		cmocka_unit_test(test_the_kext_fuzzers_own_pulse_moves_the_count_and_rate_only),
		cmocka_unit_test(test_other_lines_are_not_status_lines),
		cmocka_unit_test(test_final_stats_give_the_run_count_and_the_average_rate),
		cmocka_unit_test(test_selector_lines_are_read_with_their_counts),
		cmocka_unit_test(test_malformed_selector_lines_are_refused),
		cmocka_unit_test(test_the_curve_skips_repeats_and_halves_when_full_keeping_its_ends),
	};

	return cmocka_run_group_tests_name("fuzz_status", tests, NULL, NULL);
}
