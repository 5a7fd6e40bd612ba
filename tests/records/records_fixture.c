/* Records one release of a kext for the records tests: a start-stop cycle
 * run on sim whose times come from a virtual clock (each reading advances
 * STEP_US, with a fixed ripple), so a slower release is slower by the same
 * factor on every machine and no test reads the wall clock.
 * usage: records_fixture DB KEXT LABEL STEP_US [LEAK_PERIOD [COUNT]] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/cycle.h"
#include "bench/kext.h"
#include "bench/profile.h"
#include "bench/records.h"

struct fixture_clock {
	double t, step;
	unsigned long k;
};

static double fixture_now(void *arg)
{
	struct fixture_clock *c = arg;

	c->t += c->step * (1.0 + 0.2 * sin((double)c->k++)) / 1e6;
	return c->t;
}

int main(int argc, char **argv)
{
	struct fixture_clock clk = { 0 };
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find("start-stop"),
					  .host = &bench_host_sim_factory, .count = 2000,
					  .clock = fixture_now, .clock_arg = &clk };
	struct bench_record_key key = { .command = "cycle", .host = "sim" };
	struct bench_cycle_result res;
	struct bench_records *db;
	struct bench_kext *kext;
	bench_record_id run;
	char why[1024] = "";
	int status = 1;

	if (argc < 5) {
		fprintf(stderr, "usage: records_fixture DB KEXT LABEL STEP_US [LEAK_PERIOD [COUNT]]\n");
		return 2;
	}
	clk.step = atof(argv[4]);
	if (argc > 6)
		cfg.count = strtoul(argv[6], NULL, 10);
	if (bench_kext_open(argv[2], &kext, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "records_fixture: %s\n", why);
		return 1;
	}
	cfg.opt.kext = kext;
	cfg.opt.profile = bench_profile_for_kext(bench_kext_manifest(kext), why, sizeof(why));
	if (argc > 5 && atol(argv[5]) > 0)
		cfg.opt.wrap_kext = bench_cycle_leak_wrap(strtoul(argv[5], NULL, 10));
	key.bundle_id = bench_kext_bundle_id(kext);
	key.bundle_version = bench_kext_version(kext);
	key.label = argv[3];
	if (cfg.opt.profile != NULL &&
	    bench_records_open(argv[1], true, &db, why, sizeof(why)) == SHIM_OK) {
		bench_cycle_run(&cfg, &res);
		if (bench_records_begin(db, &key, &run, why, sizeof(why)) == SHIM_OK &&
		    bench_records_add_cycle(db, run, &res, why, sizeof(why)) == SHIM_OK &&
		    bench_records_end(db, run, "done", why, sizeof(why)) == SHIM_OK)
			status = 0;
		printf("records_fixture: %s %s: %s, %lu cycles, %zu trend(s)\n", argv[3],
		       bench_result_string(res.result), res.why, res.done, res.ntrends);
		bench_cycle_result_free(&res);
		bench_cycle_leak_reap();
		bench_records_close(db);
	}
	if (status != 0)
		fprintf(stderr, "records_fixture: %s\n", why);
	bench_kext_close(kext);
	return status;
}
