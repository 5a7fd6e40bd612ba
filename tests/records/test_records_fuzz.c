/* Fuzz campaigns and per-selector user-client coverage in the records:
 * the schema 2 -> 3 migration, selector rows stored and added up, compare
 * flagging a coverage drop as a regression, and the report's fuzz curve
 * and selector table. Synthetic rows: no fuzzer, no kext. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "bench/compare.h"
#include "bench/records.h"
#include "bench/report.h"

static char tmpdir[] = "/tmp/drvbench-records-fuzz-XXXXXX";

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
}

static struct bench_records *open_db(const char *name)
{
	struct bench_records *r = NULL;
	char path[256], why[512] = "";

	path_of(path, sizeof(path), name);
	assert_int_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	return r;
}

static bench_record_id begin(struct bench_records *r, const char *label, const char *command)
{
	struct bench_record_key key = { .command = command, .bundle_id = "org.example.foo",
					.bundle_version = "1.0", .label = label, .host = "sim" };
	bench_record_id run = 0;
	char why[512] = "";

	assert_int_equal(SHIM_OK, bench_records_begin(r, &key, &run, why, sizeof(why)));
	return run;
}

/* A campaign whose features grow to `features` over 4 points. */
static void add_campaign(struct bench_records *r, const char *label, unsigned long features)
{
	struct bench_record_fuzz_point pts[4];
	struct bench_record_fuzz f = { .target = "struct", .seconds = 2, .execs = 4000,
				       .execs_per_s = 2000, .features = features, .corpus = 30,
				       .points = pts, .npoints = 4 };
	char why[512] = "";

	for (size_t i = 0; i < 4; i++)
		pts[i] = (struct bench_record_fuzz_point){ .t_s = (double)i / 2, .execs = 1000 * (i + 1),
							   .features = features * (i + 1) / 4,
							   .corpus = 10 + 5 * i };
	assert_int_equal(SHIM_OK, bench_records_add_fuzz(r, begin(r, label, "fuzz"), &f, why,
							sizeof(why)));
}

static struct shim_uc_selector_count sel(uint32_t selector, const char *method,
					 unsigned long reached, unsigned long refused,
					 unsigned long ran, unsigned long failed)
{
	struct shim_uc_selector_count s = { .selector = selector, .reached = reached,
					    .refused = refused, .ran = ran, .failed = failed };

	snprintf(s.client, sizeof(s.client), "FooClient");
	snprintf(s.method, sizeof(s.method), "%s", method);
	return s;
}

static void test_a_schema_2_file_is_migrated_to_hold_selector_coverage(void **state)
{
	struct bench_records *r;
	char path[256];
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	path_of(path, sizeof(path), "v2.sqlite");
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_exec(db, bench_records_migration(1), NULL, NULL, NULL));
	assert_int_equal(SQLITE_OK, sqlite3_exec(db, bench_records_migration(2), NULL, NULL, NULL));
	assert_int_equal(SQLITE_OK,
			 sqlite3_exec(db, "PRAGMA user_version=2; INSERT INTO runs(command, bundle_id,"
					  " bundle_version, label, started) VALUES('fuzz','a','1','old',1);"
					  " INSERT INTO fuzz(run_id, target, features) VALUES(1,'struct',77)",
				      NULL, NULL, NULL));
	sqlite3_close(db);
	r = open_db("v2.sqlite");
	assert_int_equal(3, bench_records_schema(r));
	bench_records_close(r);
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, "SELECT features FROM fuzz", -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	assert_int_equal(77, sqlite3_column_int(st, 0)); /* the old campaign is still there */
	sqlite3_finalize(st);
	assert_int_equal(SQLITE_OK, sqlite3_exec(db, "SELECT client, selector, method, reached,"
						     " refused, ran, failed FROM uc_selectors",
						 NULL, NULL, NULL));
	sqlite3_close(db);
}

static void test_selector_counts_are_stored_and_add_up_per_selector(void **state)
{
	struct shim_uc_selector_count job1[] = {
		sel(0, "open", 10, 2, 8, 1), sel(1, "never", 0, 0, 0, 0),
		sel(SHIM_UC_SEL_OTHER, "", 3, 3, 0, 0),
	};
	struct shim_uc_selector_count job2[] = { sel(0, "open", 5, 1, 4, 0) };
	struct shim_uc_selector_count back[8];
	struct bench_records *r = open_db("selectors.sqlite");
	bench_record_id run = begin(r, "1.0", "fuzz");
	char why[512] = "";
	size_t n = 0;

	(void)state;
	assert_int_equal(SHIM_OK, bench_records_add_selectors(r, run, job1, 3, why, sizeof(why)));
	assert_int_equal(SHIM_OK, bench_records_add_selectors(r, run, job2, 1, why, sizeof(why)));
	assert_int_equal(SHIM_OK, bench_records_selectors(r, run, back, 8, &n, why, sizeof(why)));
	assert_int_equal(3, n);
	assert_int_equal(0, back[0].selector);
	assert_string_equal("open", back[0].method);
	assert_int_equal(15, back[0].reached);
	assert_int_equal(3, back[0].refused);
	assert_int_equal(12, back[0].ran);
	assert_int_equal(1, back[0].failed);
	assert_int_equal(1, back[1].selector);
	assert_int_equal(0, back[1].reached);
	assert_int_equal(SHIM_UC_SEL_OTHER, back[2].selector);
	assert_string_equal("", back[2].method);
	assert_int_equal(3, back[2].refused);
	/* Fewer slots than rows: *n still says how many there are. */
	assert_int_equal(SHIM_OK, bench_records_selectors(r, run, back, 1, &n, why, sizeof(why)));
	assert_int_equal(3, n);
	bench_records_close(r);
}

static void test_compare_flags_a_fuzz_coverage_drop_as_a_regression(void **state)
{
	struct bench_compare_opts o = { .a = "1.0", .b = "1.1" };
	struct bench_records *r = open_db("fuzz-compare.sqlite");
	struct bench_comparison c;
	char why[1024] = "";
	bool seen = false;

	(void)state;
	add_campaign(r, "1.0", 400);
	add_campaign(r, "1.1", 360);
	add_campaign(r, "1.2", 420);
	assert_int_equal(SHIM_OK, bench_compare(r, &o, &c, why, sizeof(why)));
	for (size_t i = 0; i < c.n; i++) {
		if (c.changes[i].kind != BENCH_CHANGE_COVERAGE_DROP)
			continue;
		seen = true;
		assert_true(c.changes[i].regression);
		assert_non_null(strstr(c.changes[i].what, "fuzz struct on sim"));
		assert_non_null(strstr(c.changes[i].detail, "features 400 -> 360 (-10%"));
	}
	assert_true(seen);
	assert_int_equal(1, c.regressions);
	bench_comparison_free(&c);
	o.a = "1.1";
	o.b = "1.2"; /* a gain is reported, not a regression */
	assert_int_equal(SHIM_OK, bench_compare(r, &o, &c, why, sizeof(why)));
	assert_int_equal(0, c.regressions);
	assert_int_equal(1, c.n);
	assert_int_equal(BENCH_CHANGE_COVERAGE_GAIN, c.changes[0].kind);
	bench_comparison_free(&c);
	bench_records_close(r);
}

static void test_a_coverage_dip_within_libfuzzers_spread_is_no_regression(void **state)
{
	struct bench_compare_opts o = { .a = "1.0", .b = "1.1" };
	struct bench_records *r = open_db("fuzz-spread.sqlite");
	struct bench_comparison c;
	char why[1024] = "";

	(void)state;
	add_campaign(r, "1.0", 1000);
	add_campaign(r, "1.1", 960); /* -4%: as two campaigns of one seed may differ */
	assert_int_equal(SHIM_OK, bench_compare(r, &o, &c, why, sizeof(why)));
	assert_int_equal(0, c.regressions);
	assert_int_equal(0, c.n);
	bench_comparison_free(&c);
	bench_records_close(r);
}

static void test_with_three_campaigns_a_label_the_drop_must_clear_their_spread(void **state)
{
	static const unsigned long a[] = { 1000, 990, 1010 }, b[] = { 900, 800, 1000 };
	static const unsigned long steady[] = { 902, 900, 898 };
	struct bench_compare_opts o = { .a = "1.0", .b = "1.1" };
	struct bench_records *r = open_db("fuzz-three.sqlite");
	struct bench_comparison c;
	char why[1024] = "";

	(void)state;
	for (size_t i = 0; i < 3; i++)
		add_campaign(r, "1.0", a[i]);
	for (size_t i = 0; i < 3; i++)
		add_campaign(r, "1.1", b[i]);
	for (size_t i = 0; i < 3; i++)
		add_campaign(r, "1.2", steady[i]);
	/* -10% in the means, but the campaigns of 1.1 spread by +-100. */
	assert_int_equal(SHIM_OK, bench_compare(r, &o, &c, why, sizeof(why)));
	assert_int_equal(0, c.regressions);
	bench_comparison_free(&c);
	o.b = "1.2"; /* the same -10%, from campaigns that agree: a regression */
	assert_int_equal(SHIM_OK, bench_compare(r, &o, &c, why, sizeof(why)));
	assert_int_equal(1, c.regressions);
	assert_non_null(strstr(c.changes[0].detail, "means of 3 or more campaigns"));
	bench_comparison_free(&c);
	bench_records_close(r);
}

static char *report_of(struct bench_records *r, const char *name)
{
	char page[256], why[512] = "";
	char *html;
	FILE *f;
	long n;

	path_of(page, sizeof(page), name);
	f = fopen(page, "w+");
	assert_non_null(f);
	assert_int_equal(SHIM_OK, bench_report_write(r, f, NULL, why, sizeof(why)));
	n = ftell(f);
	rewind(f);
	html = malloc((size_t)n + 1);
	assert_non_null(html);
	assert_int_equal(n, (long)fread(html, 1, (size_t)n, f));
	html[n] = '\0';
	fclose(f);
	return html;
}

static void test_the_report_shows_fuzz_coverage_over_time_and_the_selector_table(void **state)
{
	struct shim_uc_selector_count rows[] = { sel(0, "open", 10, 2, 8, 1),
						 sel(1, "never", 0, 0, 0, 0) };
	struct bench_records *r = open_db("fuzz-report.sqlite");
	char why[512] = "";
	char *html;

	(void)state;
	add_campaign(r, "1.0", 400);
	assert_int_equal(SHIM_OK, bench_records_add_selectors(r, begin(r, "1.0", "run"), rows, 2,
							     why, sizeof(why)));
	html = report_of(r, "fuzz.html");
	/* The curve: executions on x, features and corpus over them. */
	assert_non_null(strstr(html, "\"id\": \"fuzz-0\", \"x\": [1000,2000,3000,4000]"));
	assert_non_null(strstr(html, "{\"name\": \"coverage features\", \"y\": [100,200,300,400]}"));
	/* The table: reached, refused by the shim, failed by the method, passed. */
	assert_non_null(strstr(html, "[\"run\", \"FooClient\", 0, \"open\", 10, 2, 1, 7]"));
	assert_non_null(strstr(html, "[\"run\", \"FooClient\", 1, \"never\", 0, 0, 0, 0]"));
	assert_non_null(strstr(html, "User-client selectors reached")); /* report.js draws it */
	free(html);
	bench_records_close(r);
}

static void test_a_report_without_campaigns_or_selectors_has_empty_sections(void **state)
{
	struct bench_records *r = open_db("nofuzz.sqlite");
	char *html;

	(void)state;
	begin(r, "1.0", "run");
	html = report_of(r, "nofuzz.html");
	assert_non_null(strstr(html, "\"fuzz\": []"));
	assert_non_null(strstr(html, "\"selectors\": {\"label\": \"\", \"rows\": []}"));
	free(html);
	bench_records_close(r);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_schema_2_file_is_migrated_to_hold_selector_coverage),
		cmocka_unit_test(test_selector_counts_are_stored_and_add_up_per_selector),
		cmocka_unit_test(test_compare_flags_a_fuzz_coverage_drop_as_a_regression),
		cmocka_unit_test(test_a_coverage_dip_within_libfuzzers_spread_is_no_regression),
		cmocka_unit_test(test_with_three_campaigns_a_label_the_drop_must_clear_their_spread),
		cmocka_unit_test(test_the_report_shows_fuzz_coverage_over_time_and_the_selector_table),
		cmocka_unit_test(test_a_report_without_campaigns_or_selectors_has_empty_sections),
	};

	return cmocka_run_group_tests_name("records_fuzz", tests, setup, teardown);
}
