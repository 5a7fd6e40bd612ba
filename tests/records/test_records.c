/* The records database on its own: refusals that leave a file as it was,
 * migration, several processes writing at once, the series codec read back
 * exactly, compare on synthetic runs, decimation, an empty report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/compare.h"
#include "bench/records.h"
#include "bench/report.h"

static char tmpdir[] = "/tmp/drvbench-records-XXXXXX";

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*n + 1);
	assert_non_null(buf);
	assert_int_equal(*n, fread(buf, 1, *n, f));
	fclose(f);
	return buf;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(n, fwrite(data, 1, n, f));
	fclose(f);
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

static void add_scenario(struct bench_records *r, bench_record_id run, const char *name,
			 enum bench_result result, double ms)
{
	struct bench_scenario sc = { .name = name };
	struct bench_report rep = { .scenario = &sc, .result = result, .elapsed_ms = ms };
	char why[512] = "";

	snprintf(rep.host, sizeof(rep.host), "sim:edu");
	assert_int_equal(SHIM_OK, bench_records_add_scenario(r, run, &rep, why, sizeof(why)));
}

static void make_records(const char *path)
{
	struct bench_records *r;
	char why[512] = "";

	assert_int_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	add_scenario(r, begin(r, "1.0", "run"), "load", BENCH_PASS, 3.0);
	bench_records_close(r);
}

static void test_a_new_file_is_created_at_the_newest_schema(void **state)
{
	struct bench_records *r;
	char path[256], why[512] = "";

	(void)state;
	path_of(path, sizeof(path), "new.sqlite");
	assert_int_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	assert_int_equal(BENCH_RECORDS_SCHEMA, bench_records_schema(r));
	bench_records_close(r);
}

static void test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_was(void **state)
{
	static const char text[] = "my notes, not a database\n";
	struct bench_records *r = NULL;
	char path[256], why[512] = "";
	size_t n;
	char *after;

	(void)state;
	path_of(path, sizeof(path), "notes.txt");
	write_file(path, text, sizeof(text) - 1);
	assert_int_not_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	assert_null(r);
	assert_non_null(strstr(why, "not a SQLite records file"));
	after = slurp(path, &n);
	assert_int_equal(sizeof(text) - 1, n);
	assert_memory_equal(text, after, n);
	free(after);
}

static void test_a_corrupt_file_is_refused_and_left_as_it_was(void **state)
{
	struct bench_records *r = NULL;
	char path[256], why[512] = "";
	size_t n, m;
	char *before, *after;

	(void)state;
	path_of(path, sizeof(path), "corrupt.sqlite");
	make_records(path);
	before = slurp(path, &n);
	/* Garbage over the schema page, past SQLite's 100-byte header. */
	memset(before + 120, 0x5a, 3000);
	write_file(path, before, n);
	assert_int_not_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	assert_null(r);
	assert_non_null(strstr(why, "corrupt"));
	after = slurp(path, &m);
	assert_int_equal(n, m);
	assert_memory_equal(before, after, n);
	free(before);
	free(after);
}

static void test_a_file_from_a_newer_schema_is_refused(void **state)
{
	struct bench_records *r = NULL;
	char path[256], why[512] = "";
	sqlite3 *db;

	(void)state;
	path_of(path, sizeof(path), "newer.sqlite");
	make_records(path);
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL));
	sqlite3_close(db);
	assert_int_equal(SHIM_ERR_UNSUPPORTED, bench_records_open(path, true, &r, why, sizeof(why)));
	assert_non_null(strstr(why, "newer drvbench (schema 99"));
	assert_int_equal(SHIM_ERR_UNSUPPORTED, bench_records_open(path, false, &r, why, sizeof(why)));
}

/* As root, permissions do not bite: the check runs as nobody in a child. */
static void test_a_read_only_file_is_refused_for_writing(void **state)
{
	char path[256];
	int status;
	pid_t pid;

	(void)state;
	path_of(path, sizeof(path), "readonly.sqlite");
	make_records(path);
	assert_int_equal(0, chmod(path, 0444));
	assert_int_equal(0, chmod(tmpdir, 0755));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct bench_records *r = NULL;
		char why[512] = "";
		shim_ret ret;

		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		ret = bench_records_open(path, true, &r, why, sizeof(why));
		_exit(ret == SHIM_ERR_NOT_PERMITTED && strstr(why, "read-only") != NULL ? 0 : 1);
	}
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_true(WIFEXITED(status));
	assert_int_equal(0, WEXITSTATUS(status));
	chmod(tmpdir, 0700);
}

static void test_an_old_schema_is_migrated_keeping_its_rows(void **state)
{
	struct bench_records *r;
	char path[256], why[512] = "";
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	path_of(path, sizeof(path), "v1.sqlite");
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_exec(db, bench_records_migration(1), NULL, NULL, NULL));
	assert_int_equal(SQLITE_OK,
			 sqlite3_exec(db, "PRAGMA user_version=1; INSERT INTO runs(command, bundle_id,"
					  " bundle_version, label, started) VALUES('run','a','1','old',1)",
				      NULL, NULL, NULL));
	sqlite3_close(db);
	assert_int_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	assert_int_equal(BENCH_RECORDS_SCHEMA, bench_records_schema(r));
	bench_records_close(r);
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, "SELECT label FROM runs", -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	assert_string_equal("old", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(SQLITE_OK, sqlite3_exec(db, "SELECT * FROM coverage", NULL, NULL, NULL));
	sqlite3_close(db);
}

#define WRITERS 4
#define RUNS_EACH 25
#define SCENARIOS_EACH 4

static void test_several_processes_recording_at_once_lose_no_row(void **state)
{
	char path[256], why[512] = "";
	pid_t pids[WRITERS];
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	path_of(path, sizeof(path), "concurrent.sqlite");
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			struct bench_records *r;
			int bad = 0;

			/* Every writer creates and migrates the same new file at once. */
			if (bench_records_open(path, true, &r, why, sizeof(why)) != SHIM_OK) {
				fprintf(stderr, "writer %d: %s\n", w, why);
				_exit(2);
			}
			for (int i = 0; i < RUNS_EACH; i++) {
				struct bench_record_key key = { .command = "run", .bundle_id = "x",
								.bundle_version = "1", .label = "w" };
				bench_record_id run;
				struct bench_scenario sc = { .name = "s" };
				struct bench_report rep = { .scenario = &sc };

				bad += bench_records_begin(r, &key, &run, why, sizeof(why)) != SHIM_OK;
				for (int k = 0; k < SCENARIOS_EACH; k++)
					bad += bench_records_add_scenario(r, run, &rep, why, sizeof(why)) !=
					       SHIM_OK;
				bad += bench_records_end(r, run, "done", why, sizeof(why)) != SHIM_OK;
			}
			bench_records_close(r);
			if (bad)
				fprintf(stderr, "writer %d: %s\n", w, why);
			_exit(bad ? 1 : 0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int status;

		assert_int_equal(pids[w], waitpid(pids[w], &status, 0));
		assert_true(WIFEXITED(status));
		assert_int_equal(0, WEXITSTATUS(status));
	}
	assert_int_equal(SQLITE_OK, sqlite3_open(path, &db));
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db,
		"SELECT (SELECT COUNT(*) FROM runs WHERE state='done'), (SELECT COUNT(*) FROM scenarios),"
		" (SELECT COUNT(DISTINCT id) FROM scenarios)", -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	assert_int_equal(WRITERS * RUNS_EACH, sqlite3_column_int(st, 0));
	assert_int_equal(WRITERS * RUNS_EACH * SCENARIOS_EACH, sqlite3_column_int(st, 1));
	assert_int_equal(WRITERS * RUNS_EACH * SCENARIOS_EACH, sqlite3_column_int(st, 2));
	sqlite3_finalize(st);
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	assert_string_equal("ok", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A synthetic cycle result: counter c of row r is base + r * step[c] / 100,
 * cycle times t_us with a small ripple. */
static void synthetic_cycles(struct bench_cycle_result *res, unsigned long rows, double t_us,
			     int leak_per_100)
{
	struct bench_cycle_series *s = &res->series;

	memset(res, 0, sizeof(*res));
	res->kind = "start-stop";
	snprintf(res->host, sizeof(res->host), "sim:edu");
	res->requested = res->done = rows;
	res->seconds = rows * t_us / 1e6;
	s->ncols = BENCH_COL_FIXED_COUNT + 1;
	snprintf(s->cls[BENCH_COL_FIXED_COUNT], sizeof(s->cls[0]), "FooDriver");
	s->cap = s->rows = rows;
	s->v = calloc(rows * BENCH_CYCLE_MAX_COLS, sizeof(int64_t));
	s->cycle_us = calloc(rows, sizeof(double));
	assert_non_null(s->v);
	assert_non_null(s->cycle_us);
	for (unsigned long r = 0; r < rows; r++) {
		int64_t *row = &s->v[r * BENCH_CYCLE_MAX_COLS];

		row[BENCH_COL_OBJECTS_LIVE] = 10 + (int64_t)(r * leak_per_100 / 100);
		row[BENCH_COL_ALLOC_BYTES] = 4096 + (int64_t)(r % 7) - 3;
		row[BENCH_COL_FIXED_COUNT] = 1 + (int64_t)(r * leak_per_100 / 100);
		s->cycle_us[r] = t_us * (1.0 + 0.1 * (double)((r * 7919) % 11) / 10.0);
		bench_cycle_fit_add(&res->fit, s, r);
	}
	res->threshold = bench_cycle_slope_threshold(rows);
	res->result = leak_per_100 ? BENCH_FAIL : BENCH_PASS;
}

static void test_a_recorded_series_reads_back_exactly(void **state)
{
	struct bench_cycle_result res;
	struct bench_record_series back;
	struct bench_records *r;
	char path[256], why[512] = "";
	bench_record_id run;

	(void)state;
	path_of(path, sizeof(path), "series.sqlite");
	synthetic_cycles(&res, 5000, 12.5, 1);
	assert_int_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	run = begin(r, "1.0", "cycle");
	assert_int_equal(SHIM_OK, bench_records_add_cycle(r, run, &res, why, sizeof(why)));
	assert_int_equal(SHIM_OK, bench_records_cycle_series(r, 1, &back, why, sizeof(why)));
	assert_int_equal(5000, back.rows);
	assert_int_equal(res.series.ncols, back.ncols);
	assert_string_equal("FooDriver", back.names[BENCH_COL_FIXED_COUNT]);
	for (unsigned long row = 0; row < back.rows; row++) {
		assert_int_equal(row, back.cycle[row]);
		assert_true(back.cycle_us[row] > res.series.cycle_us[row] - 0.001 &&
			    back.cycle_us[row] < res.series.cycle_us[row] + 0.001);
		for (size_t c = 0; c < back.ncols; c++)
			assert_int_equal(bench_cycle_value(&res.series, row, c), back.v[c * back.rows + row]);
	}
	bench_record_series_free(&back);
	bench_records_close(r);
	free(res.series.v);
	free(res.series.cycle_us);
}

static void record_synthetic(struct bench_records *r, const char *label, double t_us, int leak)
{
	struct bench_cycle_result res;
	char why[512] = "";

	synthetic_cycles(&res, 3000, t_us, leak);
	assert_int_equal(SHIM_OK, bench_records_add_cycle(r, begin(r, label, "cycle"), &res, why,
							  sizeof(why)));
	free(res.series.v);
	free(res.series.cycle_us);
}

static bool has_change(const struct bench_comparison *c, enum bench_change_kind k, const char *needle)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->changes[i].kind == k && strstr(c->changes[i].detail, needle) != NULL)
			return true;
	return false;
}

static void test_compare_flags_a_leak_a_slowdown_and_a_broken_scenario(void **state)
{
	struct bench_compare_opts o = { .a = "1.0", .b = "1.1" };
	struct bench_comparison c;
	struct bench_records *r;
	char path[256], why[1024] = "";

	(void)state;
	path_of(path, sizeof(path), "compare.sqlite");
	assert_int_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	record_synthetic(r, "1.0", 10.0, 0);
	add_scenario(r, begin(r, "1.0", "run"), "load", BENCH_PASS, 3.0);
	record_synthetic(r, "1.1", 30.0, 1);
	add_scenario(r, begin(r, "1.1", "run"), "load", BENCH_FAIL, 3.0);
	assert_int_equal(SHIM_OK, bench_compare(r, &o, &c, why, sizeof(why)));
	assert_true(has_change(&c, BENCH_CHANGE_TREND_NEW, "FooDriver began to trend"));
	assert_true(has_change(&c, BENCH_CHANGE_SLOWER, "us per cycle"));
	assert_true(has_change(&c, BENCH_CHANGE_BROKE, "PASS -> FAIL"));
	assert_int_equal(4, c.regressions); /* FooDriver, objects_live, slower, broke */
	assert_non_null(strstr(c.noise_cycles, "within each run"));
	bench_comparison_free(&c);
	o.a = "1.0";
	o.b = "1.0";
	assert_int_equal(SHIM_OK, bench_compare(r, &o, &c, why, sizeof(why)));
	assert_int_equal(0, c.regressions);
	bench_comparison_free(&c);
	o.b = "2.0";
	assert_int_equal(SHIM_ERR_NOT_FOUND, bench_compare(r, &o, &c, why, sizeof(why)));
	assert_non_null(strstr(why, "no label '2.0'"));
	assert_non_null(strstr(why, "known labels: 1.0, 1.1"));
	bench_records_close(r);
}

static void test_decimation_keeps_every_spike(void **state)
{
	enum { N = 100000, COLS = 100 };
	static double x[N], y[N], xo[2 * COLS], yo[2 * COLS];
	const double *ys[1] = { y };
	double *yos[1] = { yo };
	size_t n;
	int spikes = 0;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		x[i] = (double)i;
		y[i] = i == 31337 ? 1000.0 : i == 77777 ? -500.0 : (double)(i % 3);
	}
	n = bench_report_decimate(N, x, 1, ys, COLS, xo, yos);
	assert_int_equal(2 * COLS, n);
	for (size_t i = 0; i < n; i++) {
		spikes += yo[i] == 1000.0 || yo[i] == -500.0;
		if (i > 0)
			assert_true(xo[i] >= xo[i - 1]);
	}
	assert_int_equal(2, spikes);
	n = bench_report_decimate(150, x, 1, ys, COLS, xo, yos);
	assert_int_equal(150, n); /* short enough: every point kept */
}

static void test_a_report_on_an_empty_file_says_so(void **state)
{
	struct bench_records *r;
	char path[256], page[256], why[512] = "";
	FILE *f;
	size_t n;
	char *html;

	(void)state;
	path_of(path, sizeof(path), "empty.sqlite");
	path_of(page, sizeof(page), "empty.html");
	write_file(path, "", 0);
	assert_int_equal(SHIM_OK, bench_records_open(path, false, &r, why, sizeof(why)));
	f = fopen(page, "w");
	assert_non_null(f);
	assert_int_equal(SHIM_OK, bench_report_write(r, f, NULL, why, sizeof(why)));
	fclose(f);
	bench_records_close(r);
	html = slurp(page, &n);
	assert_non_null(strstr(html, "\"empty\": true"));
	assert_non_null(strstr(html, "Permission is hereby granted")); /* uPlot's licence */
	free(html);
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
		cmocka_unit_test(test_a_new_file_is_created_at_the_newest_schema),
		cmocka_unit_test(test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_was),
		cmocka_unit_test(test_a_corrupt_file_is_refused_and_left_as_it_was),
		cmocka_unit_test(test_a_file_from_a_newer_schema_is_refused),
		cmocka_unit_test(test_a_read_only_file_is_refused_for_writing),
		cmocka_unit_test(test_an_old_schema_is_migrated_keeping_its_rows),
		cmocka_unit_test(test_several_processes_recording_at_once_lose_no_row),
		cmocka_unit_test(test_a_recorded_series_reads_back_exactly),
		cmocka_unit_test(test_compare_flags_a_leak_a_slowdown_and_a_broken_scenario),
		cmocka_unit_test(test_decimation_keeps_every_spike),
		cmocka_unit_test(test_a_report_on_an_empty_file_says_so),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
