/* bench_records: the records database's costs, printed, never asserted.
 * 1. --record on a sim start-stop run (default 100,000 cycles): the same run
 *    unrecorded and recorded (checkpoints every 10,000), best of two each.
 * 2. compare on two labels holding 1 M cycle rows each (synthetic rows,
 *    written through the same checkpoints; the write rate is printed too).
 * 3. report generation for a 1 M-point series, and its page load in
 *    Debian's headless chromium (the page's own script time, and the whole
 *    browser run), when chromium is installed.
 * usage: bench_records KEXT [CYCLES [ROWS]] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/compare.h"
#include "bench/cycle.h"
#include "bench/kext.h"
#include "bench/records.h"
#include "bench/report.h"

#define CHUNK 10000ul

static char dir[] = "/tmp/drvbench-bench-records-XXXXXX";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bench_record_id begin(struct bench_records *r, const char *label)
{
	struct bench_record_key key = { .command = "cycle", .bundle_id = "org.example.bench",
					.bundle_version = "1", .label = label, .host = "sim" };
	bench_record_id run = 0;
	char why[512];

	if (bench_records_begin(r, &key, &run, why, sizeof(why)) != SHIM_OK)
		fprintf(stderr, "bench_records: %s\n", why);
	return run;
}

/* One timed sim run; recorded into db when it is not NULL. */
static double cycle_run(struct bench_kext *kext, unsigned long count, struct bench_records *db)
{
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find("start-stop"),
					  .host = &bench_host_sim_factory, .count = count };
	struct bench_record_cycle_plan plan = { .kind = "start-stop", .host = "sim", .count = count };
	struct bench_cycle_result *res = calloc(1, sizeof(*res));
	struct bench_records_cycle *rc = NULL;
	bench_record_id cycle;
	char why[512];
	double t;

	cfg.opt.kext = kext;
	cfg.opt.no_tap = true;
	cfg.opt.profile = bench_profile_for_kext(bench_kext_manifest(kext), why, sizeof(why));
	if (db != NULL && bench_records_cycle_plan(db, begin(db, "bench"), &plan, &cycle, why,
						   sizeof(why)) == SHIM_OK &&
	    bench_records_cycle_open(db, cycle, &rc, why, sizeof(why)) == SHIM_OK) {
		cfg.checkpoint = bench_records_cycle_checkpoint;
		cfg.checkpoint_arg = rc;
		cfg.checkpoint_every = CHUNK;
	}
	t = now();
	bench_cycle_run(&cfg, res);
	t = now() - t;
	if (res->result != BENCH_PASS)
		printf("  (run %s: %s)\n", bench_result_string(res->result), res->why);
	bench_records_cycle_close(rc);
	bench_cycle_result_free(res);
	free(res);
	return t;
}

/* rows synthetic cycles under label: a flat counter, a leak of 1/1000, a
 * class, and cycle times with a ripple; written CHUNK rows at a time. */
static double synthetic(struct bench_records *db, const char *label, unsigned long rows,
			double t_us)
{
	struct bench_cycle_result *res = calloc(1, sizeof(*res));
	struct bench_cycle_series *s = &res->series;
	struct bench_record_cycle_plan plan = { .kind = "start-stop", .host = "sim", .count = rows };
	struct bench_records_cycle *rc = NULL;
	bench_record_id cycle;
	char why[512];
	double t = now();

	res->kind = "start-stop";
	snprintf(res->host, sizeof(res->host), "sim");
	s->ncols = BENCH_COL_FIXED_COUNT + 1;
	snprintf(s->cls[BENCH_COL_FIXED_COUNT], sizeof(s->cls[0]), "FooDriver");
	s->cap = CHUNK;
	s->v = calloc(CHUNK * BENCH_CYCLE_MAX_COLS, sizeof(int64_t));
	s->cycle_us = calloc(CHUNK, sizeof(double));
	if (bench_records_cycle_plan(db, begin(db, label), &plan, &cycle, why, sizeof(why)) != SHIM_OK ||
	    bench_records_cycle_open(db, cycle, &rc, why, sizeof(why)) != SHIM_OK)
		fprintf(stderr, "bench_records: %s\n", why);
	for (unsigned long done = 0; rc != NULL && done < rows; done += CHUNK) {
		s->rows = 0;
		s->first = done;
		for (unsigned long r = 0; r < CHUNK; r++, s->rows++) {
			int64_t *row = &s->v[r * BENCH_CYCLE_MAX_COLS];
			unsigned long c = done + r;

			row[BENCH_COL_OBJECTS_LIVE] = 10 + (int64_t)(c / 1000);
			row[BENCH_COL_ALLOC_BYTES] = 4096 + (int64_t)(c % 7);
			row[BENCH_COL_FIXED_COUNT] = 1;
			s->cycle_us[r] = t_us * (1.0 + 0.1 * sin((double)c)) + (c % 50000 == 0 ? 500 : 0);
			bench_cycle_fit_add(&res->fit, s, r);
		}
		res->done = done + CHUNK;
		res->seconds = res->done * t_us / 1e6;
		if (!bench_records_cycle_checkpoint(rc, res, 0, res->done >= rows, why, sizeof(why)))
			fprintf(stderr, "bench_records: %s\n", why);
	}
	bench_records_cycle_close(rc);
	free(s->v);
	free(s->cycle_us);
	free(res);
	return now() - t;
}

static void page_load(const char *page)
{
	char cmd[1024], line[65536];
	double t;
	FILE *p;
	const char *ms;

	if (system("command -v chromium >/dev/null 2>&1") != 0) {
		printf("report page load: not measured (no chromium; tools/bootstrap.sh installs it)\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "chromium --headless=new --no-sandbox --disable-gpu "
		 "--user-data-dir=%s/chromium --window-size=1280,2000 --dump-dom file://%s "
		 "2>/dev/null", dir, page);
	t = now();
	p = popen(cmd, "r");
	line[0] = '\0';
	while (p != NULL && fgets(line, sizeof(line), p) != NULL)
		if (strstr(line, "drvbench-selftest") != NULL && strstr(line, "loadMs") != NULL)
			break;
	ms = strstr(line, "loadMs&quot;:");
	if (ms == NULL)
		ms = strstr(line, "loadMs\":");
	while (p != NULL && fgets(cmd, sizeof(cmd), p) != NULL)
		;
	if (p != NULL)
		pclose(p);
	t = now() - t;
	printf("report page load, 1 M points: %.0f ms in the page's script, %.2f s for the whole "
	       "headless chromium run (start-up included)\n",
	       ms != NULL && strpbrk(ms, "0123456789") != NULL ? strtod(strpbrk(ms, "0123456789"), NULL)
							      : -1.0, t);
}

int main(int argc, char **argv)
{
	unsigned long cycles = argc > 2 && argv[2][0] != '-' ? strtoul(argv[2], NULL, 10) : 100000;
	unsigned long rows = argc > 3 && argv[3][0] != '-' ? strtoul(argv[3], NULL, 10) : 1000000;
	struct bench_compare_opts o = { .a = "A", .b = "B" };
	struct bench_comparison cmp;
	struct bench_records *db;
	struct bench_kext *kext;
	char path[512], page[512], why[1024] = "";
	double plain = 1e9, rec = 1e9, t;
	FILE *f;

	if (argc < 2 || mkdtemp(dir) == NULL) {
		fprintf(stderr, "usage: bench_records KEXT [CYCLES [ROWS]]\n");
		return 2;
	}
	cycles = bench_cycle_scaled(cycles, 1000);
	rows = bench_cycle_scaled(rows, CHUNK) / CHUNK * CHUNK;
	if (bench_kext_open(argv[1], &kext, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "bench_records: %s\n", why);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/records.sqlite", dir);
	if (bench_records_open(path, true, &db, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "bench_records: %s\n", why);
		return 1;
	}
	for (int i = 0; i < 2; i++) {
		t = cycle_run(kext, cycles, NULL);
		plain = t < plain ? t : plain;
		t = cycle_run(kext, cycles, db);
		rec = t < rec ? t : rec;
	}
	printf("--record on %lu sim start-stop cycles: %.3f s unrecorded, %.3f s recorded: "
	       "%+.1f%% (best of 2 each)\n", cycles, plain, rec, (rec / plain - 1.0) * 100.0);
	bench_records_close(db);
	unlink(path);
	bench_records_open(path, true, &db, why, sizeof(why));
	t = synthetic(db, "A", rows, 10.0) + synthetic(db, "B", rows, 12.0);
	{
		FILE *sz = fopen(path, "rb");
		long bytes = 0;

		if (sz != NULL && fseek(sz, 0, SEEK_END) == 0)
			bytes = ftell(sz);
		if (sz != NULL)
			fclose(sz);
		printf("recording 2 x %lu synthetic cycle rows: %.2f s (%.0f rows/s), file %.1f MB "
		       "(before the WAL is folded in)\n", rows, t, 2.0 * rows / t, bytes / 1e6);
	}
	t = now();
	if (bench_compare(db, &o, &cmp, why, sizeof(why)) != SHIM_OK)
		fprintf(stderr, "bench_records: %s\n", why);
	t = now() - t;
	printf("compare on 2 labels of %lu cycle rows each: %.3f s, %u regression(s)\n", rows, t,
	       cmp.regressions);
	bench_comparison_free(&cmp);
	snprintf(page, sizeof(page), "%s/report.html", dir);
	f = fopen(page, "w");
	t = now();
	if (f == NULL || bench_report_write(db, f, &(struct bench_report_opts){ .labels = 1 }, why,
					    sizeof(why)) != SHIM_OK)
		fprintf(stderr, "bench_records: %s\n", why);
	if (f != NULL)
		fclose(f);
	t = now() - t;
	printf("report generation, one series of %lu points (decimated to %u columns): %.3f s\n",
	       rows, BENCH_REPORT_COLUMNS, t);
	page_load(page);
	bench_records_close(db);
	bench_kext_close(kext);
	snprintf(why, sizeof(why), "rm -rf %s", dir);
	return system(why) == 0 ? 0 : 1;
}
