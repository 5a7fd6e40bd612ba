/* The cycle runner (see bench_cycle.h): boot, N cycles with a snapshot after
 * each, end-state and trend checks, shutdown. The log ring is drained after
 * every cycle, as a syslog daemon would, so drops mean a single cycle
 * flooded the ring rather than that nobody was reading it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/interrupt.h"
#include "cycle_priv.h"
#include "shim/verifier.h"

static double bench_cycle_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_cycle_drain_log(void)
{
	char line[256];

	while (shim_log_pop(line, sizeof(line), NULL))
		;
}

unsigned long bench_cycle_scaled(unsigned long n, unsigned long min)
{
	unsigned long s = n;

	if (getenv("DRVBENCH_UNDER_VALGRIND") != NULL)
		s = n / BENCH_CYCLE_VALGRIND_DIVISOR;
	return s < min ? (n < min ? n : min) : s;
}

static void bench_cycle_add_trend(struct bench_cycle_result *res, size_t col, double slope)
{
	const struct bench_cycle_series *s = &res->series;
	struct bench_cycle_trend *t;

	if (res->ntrends == BENCH_CYCLE_MAX_TRENDS)
		return;
	t = &res->trends[res->ntrends++];
	t->col = col;
	t->is_class = col >= BENCH_COL_FIXED_COUNT;
	t->name = bench_cycle_col_name(s, col);
	t->slope = slope;
	t->first = bench_cycle_value(s, 0, col);
	t->last = bench_cycle_value(s, s->rows - 1, col);
}

/* Classes first: "which class leaks" is the most useful name to give. */
static void bench_cycle_find_trends(struct bench_cycle_result *res)
{
	const struct bench_cycle_series *s = &res->series;

	res->threshold = bench_cycle_slope_threshold(s->rows);
	for (int pass = 0; pass < 2; pass++) {
		size_t from = pass == 0 ? BENCH_COL_FIXED_COUNT : 0;
		size_t to = pass == 0 ? s->ncols : BENCH_COL_FIXED_COUNT;

		for (size_t col = from; col < to; col++) {
			double slope = bench_cycle_slope(s, col);

			if (slope > res->threshold)
				bench_cycle_add_trend(res, col, slope);
		}
	}
	for (size_t i = 0; i < res->ntrends; i++) {
		const struct bench_cycle_trend *t = &res->trends[i];

		bench_why_append(res->why, sizeof(res->why),
			      "trend: %s%s grows %+.4f per cycle (%lld -> %lld over %lu cycles, "
			      "bar %.4f)",
			      t->is_class ? "class " : "", t->name, t->slope, (long long)t->first,
			      (long long)t->last, s->rows, res->threshold);
	}
}

static bool bench_cycle_end_state(const struct bench_cycle_sample *pre, char *why, size_t len)
{
	static const char *const uc_names[5] = { "uc_tasks", "uc_connections",
						 "uc_open_connections", "uc_handles",
						 "uc_asyncs" };
	struct bench_cycle_sample now;
	char diff[384] = "";
	bool same = bench_baseline_matches(&pre->base, diff, sizeof(diff));

	bench_cycle_sample(&now);
	for (size_t i = 0; i < 5; i++) {
		if (now.uc[i] != pre->uc[i]) {
			bench_why_append(diff, sizeof(diff), "%s %ld (baseline %ld)", uc_names[i],
				      now.uc[i], pre->uc[i]);
			same = false;
		}
	}
	if (!same)
		bench_why_append(why, len, "end state not at baseline: %s", diff);
	return same;
}

/* How the cycles ended: all done (or stopped between two by an interrupt),
 * a cycle failed (why says how), or an interrupt cut a cycle short (QEMU
 * gave up mid-way: the machine's state says nothing any more). */
enum bench_cycle_end { BENCH_CYCLES_OK, BENCH_CYCLES_FAILED, BENCH_CYCLES_CUT };

static enum bench_cycle_end bench_cycle_loop(const struct bench_cycle_config *cfg,
					     struct bench_cycle_ctx *ctx,
					     struct bench_cycle_result *res)
{
	enum bench_cycle_end end = BENCH_CYCLES_OK;

	size_t verifier_before = shim_verifier_count();
	double t_run = bench_cycle_now();

	for (unsigned long i = 0; i < res->requested; i++) {
		struct bench_cycle_sample smp;
		char step[256] = "";
		double t0 = bench_cycle_now();
		shim_ret r;

		if (bench_interrupted()) {
			res->interrupted = true;
			break;
		}
		ctx->index = i;
		r = cfg->kind->cycle(ctx, step, sizeof(step));
		bench_cycle_drain_log();
		if (r != SHIM_OK && bench_interrupted()) {
			res->interrupted = true; /* cut short: not a cycle done, nor a failure */
			end = BENCH_CYCLES_CUT;
			break;
		}
		bench_cycle_sample(&smp);
		bench_cycle_series_add(&res->series, &smp, (bench_cycle_now() - t0) * 1e6);
		res->done = i + 1;
		if (cfg->progress != NULL)
			cfg->progress(cfg->progress_arg, res->done, res->requested);
		if (cfg->row != NULL)
			cfg->row(cfg->row_arg, &res->series);
		if (r != SHIM_OK) {
			bench_why_append(res->why, sizeof(res->why), "cycle %lu: %s", i, step);
			bench_machine_note_host_gone(ctx->fx, res->why, sizeof(res->why));
			break;
		}
		if (shim_verifier_count() != verifier_before) {
			char v[256] = "";

			bench_verifier_empty(v, sizeof(v));
			bench_why_append(res->why, sizeof(res->why), "cycle %lu: %s", i, v);
			break;
		}
	}
	res->seconds = bench_cycle_now() - t_run;
	if (end == BENCH_CYCLES_OK && res->why[0] != '\0')
		end = BENCH_CYCLES_FAILED;
	return end;
}

static enum bench_cycle_end bench_cycle_booted(const struct bench_cycle_config *cfg,
					       struct bench_machine *fx,
					       struct bench_cycle_result *res)
{
	struct bench_cycle_ctx ctx = { .fx = fx };
	struct bench_cycle_sample pre;
	enum bench_cycle_end end;
	shim_ret r = SHIM_OK;

	if (fx->svc == NULL) {
		bench_why_append(res->why, sizeof(res->why), "driver did not start: match %s",
			      shim_ret_string(fx->match_ret));
		res->result = BENCH_FAIL;
		return BENCH_CYCLES_FAILED;
	}
	if (cfg->kind->setup != NULL)
		r = cfg->kind->setup(&ctx, res->why, sizeof(res->why));
	if (r != SHIM_OK) {
		res->result = r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
		return BENCH_CYCLES_FAILED;
	}
	bench_cycle_drain_log();
	bench_cycle_sample(&pre);
	end = bench_cycle_loop(cfg, &ctx, res);
	if (end == BENCH_CYCLES_FAILED)
		res->result = BENCH_FAIL;
	if (cfg->kind->teardown != NULL)
		cfg->kind->teardown(&ctx);
	bench_cycle_find_trends(res); /* first: the most specific reason */
	if (res->ntrends > 0)
		res->result = BENCH_FAIL;
	if (end != BENCH_CYCLES_CUT && !bench_cycle_end_state(&pre, res->why, sizeof(res->why)))
		res->result = BENCH_FAIL;
	return end;
}

void bench_cycle_run(const struct bench_cycle_config *cfg, struct bench_cycle_result *res)
{
	struct bench_machine fx;
	struct bench_options opt;
	enum bench_cycle_end end;
	char down[384] = "";

	memset(res, 0, sizeof(*res));
	res->kind = cfg->kind->name;
	bench_host_label(cfg->host, cfg->opt.profile, res->host, sizeof(res->host));
	res->requested = cfg->count != 0 ? cfg->count : BENCH_CYCLE_DEFAULT_COUNT;
	res->result = BENCH_PASS;
	if (res->requested > BENCH_CYCLE_MAX_COUNT ||
	    !bench_cycle_series_init(&res->series, res->requested)) {
		res->result = bench_fail(res->why, sizeof(res->why),
				      "cannot keep a series of %lu cycles", res->requested);
		return;
	}
	opt = cfg->opt;
	opt.hotplug = opt.hotplug || cfg->kind->hotplug;
	if (bench_machine_boot(&fx, cfg->host, &opt, res->why, sizeof(res->why)) != SHIM_OK) {
		res->result = fx.host_refused ? BENCH_CANNOT_RUN : BENCH_FAIL;
		res->interrupted = bench_interrupted() != 0;
		return;
	}
	end = bench_cycle_booted(cfg, &fx, res);
	/* After a cycle cut short, shutdown finds what the cut left: not news. */
	if (!bench_machine_shutdown(&fx, down, sizeof(down)) && end != BENCH_CYCLES_CUT) {
		bench_why_append(res->why, sizeof(res->why), "shutdown: %s", down);
		res->result = BENCH_FAIL;
	}
}

void bench_cycle_result_free(struct bench_cycle_result *res)
{
	bench_cycle_series_free(&res->series);
}
