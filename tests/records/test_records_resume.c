/* Suite 'cycle': the weekend run's interruption, with the minimal kext on
 * sim. A run stopped by the flag a signal sets, or killed outright, keeps
 * what it committed; its resume boots a fresh machine and numbers cycles on
 * from the last committed one, so the recorded series holds every cycle
 * exactly once, the resume point is marked, and the trend fit spans both
 * parts. Counts shrink under valgrind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/cycle.h"
#include "bench/kext.h"
#include "bench/records.h"

static struct bench_options minimal;
static char tmpdir[] = "/tmp/drvbench-resume-XXXXXX";
static unsigned long total, stop_at, every;

struct part {
	volatile sig_atomic_t stop;
	bool kill;
	bool interrupt; /* this part is the one interrupted at stop_at */
};

/* The signal's stand-in: stop (or die) once stop_at cycles are done. */
static void at_cycle(void *arg, unsigned long done, unsigned long all)
{
	struct part *p = arg;

	(void)all;
	if (!p->interrupt)
		return;
	if (done == stop_at && p->kill)
		_exit(9); /* no final checkpoint: as SIGKILL would leave it */
	if (done == stop_at)
		p->stop = 1;
}

static void run_part(struct bench_records *r, bench_record_id cycle,
		     const struct bench_cycle_resume *resume, struct part *p,
		     bench_kext_wrap_fn wrap, struct bench_cycle_result *res)
{
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find("start-stop"),
					  .host = &bench_host_sim_factory, .count = total,
					  .opt = minimal, .checkpoint_every = every,
					  .checkpoint = bench_records_cycle_checkpoint,
					  .stop = &p->stop, .resume = resume,
					  .progress = at_cycle, .progress_arg = p };
	struct bench_records_cycle *rc;
	char why[512] = "";

	cfg.opt.wrap_kext = wrap;
	assert_int_equal(SHIM_OK, bench_records_cycle_open(r, cycle, &rc, why, sizeof(why)));
	cfg.checkpoint_arg = rc;
	bench_cycle_run(&cfg, res);
	bench_records_cycle_close(rc);
}

static struct bench_records *open_new(const char *name, bench_record_id *cycle)
{
	struct bench_record_key key = { .command = "cycle", .bundle_id = "org.drvbench.minimal",
					.bundle_version = "1", .label = "1", .host = "sim" };
	struct bench_record_cycle_plan plan = { .kind = "start-stop", .host = "sim:edu",
						.count = total };
	struct bench_records *r;
	bench_record_id run;
	char path[256], why[512] = "";

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	assert_int_equal(SHIM_OK, bench_records_open(path, true, &r, why, sizeof(why)));
	assert_int_equal(SHIM_OK, bench_records_begin(r, &key, &run, why, sizeof(why)));
	assert_int_equal(SHIM_OK, bench_records_cycle_plan(r, run, &plan, cycle, why, sizeof(why)));
	return r;
}

/* Every cycle 0..total-1 exactly once, in order, and the marks. */
static void assert_whole_series(struct bench_records *r, bench_record_id cycle,
				unsigned long mark)
{
	struct bench_record_series s;
	char why[512] = "";

	assert_int_equal(SHIM_OK, bench_records_cycle_series(r, cycle, &s, why, sizeof(why)));
	assert_int_equal(total, s.rows);
	for (unsigned long i = 0; i < s.rows; i++)
		if (s.cycle[i] != i)
			fail_msg("row %lu holds cycle %lu: a cycle lost or counted twice", i, s.cycle[i]);
	assert_int_equal(1, s.nmarks);
	assert_int_equal(mark, s.marks[0]);
	bench_record_series_free(&s);
}

static void test_a_stopped_run_resumes_with_no_cycle_lost_or_counted_twice(void **state)
{
	struct part first = { .interrupt = true }, second = { 0 };
	struct bench_cycle_result res;
	struct bench_cycle_resume at;
	bench_record_id cycle;
	struct bench_records *r = open_new("stopped.sqlite", &cycle);
	char why[512] = "";

	(void)state;
	run_part(r, cycle, NULL, &first, NULL, &res);
	assert_true(res.stopped);
	assert_int_equal(stop_at, res.done);
	bench_cycle_result_free(&res);
	assert_int_equal(SHIM_OK, bench_records_cycle_resume_point(r, cycle, &at, why, sizeof(why)));
	assert_int_equal(stop_at, at.done); /* the stop committed every cycle it ran */
	run_part(r, cycle, &at, &second, NULL, &res);
	assert_int_equal(BENCH_PASS, res.result);
	assert_int_equal(total, res.done);
	assert_int_equal(total, res.fit.n);
	assert_int_equal(stop_at, res.resumed_at);
	bench_cycle_result_free(&res);
	assert_whole_series(r, cycle, stop_at);
	bench_records_close(r);
}

static void test_a_killed_run_resumes_from_its_last_checkpoint(void **state)
{
	struct part killed = { .kill = true, .interrupt = true }, second = { 0 };
	struct bench_cycle_result res;
	struct bench_cycle_resume at;
	bench_record_id cycle;
	struct bench_records *r = open_new("killed.sqlite", &cycle);
	char why[512] = "";
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		run_part(r, cycle, NULL, &killed, NULL, &res);
		_exit(0);
	}
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_int_equal(9, WEXITSTATUS(status));
	assert_int_equal(SHIM_OK, bench_records_cycle_resume_point(r, cycle, &at, why, sizeof(why)));
	assert_int_equal(stop_at / every * every, at.done);
	run_part(r, cycle, &at, &second, NULL, &res);
	assert_int_equal(BENCH_PASS, res.result);
	assert_int_equal(total, res.done);
	bench_cycle_result_free(&res);
	assert_whole_series(r, cycle, stop_at / every * every);
	bench_records_close(r);
}

static void test_a_leak_keeps_rising_across_a_resume(void **state)
{
	struct part first = { .interrupt = true }, second = { 0 };
	struct bench_cycle_result res;
	struct bench_cycle_resume at;
	struct bench_record_series s;
	bench_record_id cycle;
	struct bench_records *r = open_new("leak.sqlite", &cycle);
	char why[512] = "";
	size_t col = SIZE_MAX;

	(void)state;
	run_part(r, cycle, NULL, &first, bench_cycle_leak_wrap(100), &res);
	bench_cycle_result_free(&res);
	bench_cycle_leak_reap();
	assert_int_equal(SHIM_OK, bench_records_cycle_resume_point(r, cycle, &at, why, sizeof(why)));
	run_part(r, cycle, &at, &second, bench_cycle_leak_wrap(100), &res);
	bench_cycle_leak_reap();
	assert_int_equal(BENCH_FAIL, res.result);
	assert_true(res.ntrends > 0);
	assert_string_equal(BENCH_CYCLE_LEAK_CLASS, res.trends[0].name);
	/* One object per 100 cycles over both parts, not a sawtooth. */
	assert_true(res.trends[0].slope > 0.008 && res.trends[0].slope < 0.012);
	bench_cycle_result_free(&res);
	assert_int_equal(SHIM_OK, bench_records_cycle_series(r, cycle, &s, why, sizeof(why)));
	for (size_t c = 0; c < s.ncols; c++)
		if (strcmp(s.names[c], BENCH_CYCLE_LEAK_CLASS) == 0)
			col = c;
	assert_true(col != SIZE_MAX);
	assert_true(s.v[col * s.rows + stop_at] >= s.v[col * s.rows + stop_at - 1]);
	assert_true(s.v[col * s.rows + s.rows - 1] >= (int64_t)(total / 100) - 1);
	bench_record_series_free(&s);
	bench_records_close(r);
}

static int setup(void **state)
{
	char why[512] = "";

	(void)state;
	total = bench_cycle_scaled(3000, 300);
	stop_at = total * 1234 / 3000;
	every = total / 6;
	minimal.profile = bench_profile_builtin_find("edu");
	if (mkdtemp(tmpdir) == NULL ||
	    bench_kext_open(MINIMAL_KEXT, &minimal.kext, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "setup: %s\n", why);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	bench_kext_close(minimal.kext);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_stopped_run_resumes_with_no_cycle_lost_or_counted_twice),
		cmocka_unit_test(test_a_killed_run_resumes_from_its_last_checkpoint),
		cmocka_unit_test(test_a_leak_keeps_rising_across_a_resume),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
