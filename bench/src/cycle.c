/* The cycle runner (see bench_cycle.h): boot, N cycles with a snapshot after
 * each, end-state and trend checks, shutdown. The log ring is drained after
 * every cycle, as a syslog daemon would, so drops mean a single cycle
 * flooded the ring rather than that nobody was reading it. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cycle_priv.h"
#include "shim/verifier.h"

static double bench_cycle_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_cycle_now(const struct bench_cycle_config *cfg)
{
	return cfg->clock != NULL ? cfg->clock(cfg->clock_arg) : bench_cycle_monotonic();
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
	t->first = res->fit.first[col];
	t->last = res->fit.last[col];
}

/* Classes first: "which class leaks" is the most useful name to give. The
 * fit spans every cycle of the run, also those a window dropped and those of
 * the part before a resume. */
static void bench_cycle_find_trends(struct bench_cycle_result *res)
{
	const struct bench_cycle_series *s = &res->series;

	res->threshold = bench_cycle_slope_threshold(res->fit.n);
	for (int pass = 0; pass < 2; pass++) {
		size_t from = pass == 0 ? BENCH_COL_FIXED_COUNT : 0;
		size_t to = pass == 0 ? s->ncols : BENCH_COL_FIXED_COUNT;

		for (size_t col = from; col < to; col++) {
			double slope = bench_cycle_fit_slope(&res->fit, col);

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
			      (long long)t->last, res->fit.n, res->threshold);
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

/* A checkpoint: the rows since the last one go to the sink; a window then
 * forgets them (the fit keeps what the trend needs). */
static bool bench_cycle_checkpoint(const struct bench_cycle_config *cfg,
				   struct bench_cycle_result *res, unsigned long *from, bool final)
{
	char why[512] = "";

	if (cfg->checkpoint == NULL)
		return true;
	if (!cfg->checkpoint(cfg->checkpoint_arg, res, *from, final, why, sizeof(why))) {
		bench_why_append(res->why, sizeof(res->why), "checkpoint after cycle %lu: %s",
				 res->done, why);
		res->result = BENCH_FAIL;
		return false;
	}
	if (cfg->window) {
		res->series.first += res->series.rows;
		res->series.rows = 0;
	}
	*from = res->series.rows;
	return true;
}

static bool bench_cycle_time_up(const struct bench_cycle_config *cfg, double before,
				double t_run)
{
	return cfg->duration_s > 0.0 && before + (bench_cycle_now(cfg) - t_run) >= cfg->duration_s;
}

/* The cycles themselves; false (with why) at the first failing cycle. */
static bool bench_cycle_loop(const struct bench_cycle_config *cfg, struct bench_cycle_ctx *ctx,
			  struct bench_cycle_result *res, unsigned long *from)
{
	size_t verifier_before = shim_verifier_count();
	double t_run = bench_cycle_now(cfg), before = res->seconds;
	bool ok = true;

	for (unsigned long i = res->done; i < res->requested; i++) {
		struct bench_cycle_sample smp;
		char step[256] = "";
		double t0 = bench_cycle_now(cfg);
		shim_ret r;

		if (cfg->stop != NULL && *cfg->stop) {
			res->stopped = true;
			break;
		}
		if (bench_cycle_time_up(cfg, before, t_run))
			break;
		ctx->index = i;
		r = cfg->kind->cycle(ctx, step, sizeof(step));
		bench_cycle_drain_log();
		bench_cycle_sample(&smp);
		bench_cycle_series_add(&res->series, &smp, (bench_cycle_now(cfg) - t0) * 1e6);
		bench_cycle_fit_add(&res->fit, &res->series, res->series.rows - 1);
		res->done = i + 1;
		res->seconds = before + (bench_cycle_now(cfg) - t_run);
		if (cfg->progress != NULL)
			cfg->progress(cfg->progress_arg, res->done, res->requested);
		if (r != SHIM_OK) {
			bench_why_append(res->why, sizeof(res->why), "cycle %lu: %s", i, step);
			ok = false;
			break;
		}
		if (shim_verifier_count() != verifier_before) {
			char v[256] = "";

			bench_verifier_empty(v, sizeof(v));
			bench_why_append(res->why, sizeof(res->why), "cycle %lu: %s", i, v);
			ok = false;
			break;
		}
		if (cfg->checkpoint_every > 0 && res->done % cfg->checkpoint_every == 0 &&
		    res->done < res->requested && !bench_cycle_checkpoint(cfg, res, from, false))
			return false;
	}
	res->seconds = before + (bench_cycle_now(cfg) - t_run);
	return ok && res->why[0] == '\0';
}

/* A resumed part starts on a fresh machine: each counter is shifted so that
 * it continues from the value the last part committed. */
static void bench_cycle_stitch(const struct bench_cycle_config *cfg,
			       struct bench_cycle_result *res,
			       const struct bench_cycle_sample *pre)
{
	int64_t row[BENCH_CYCLE_MAX_COLS];

	if (cfg->resume == NULL || cfg->resume->done == 0)
		return;
	bench_cycle_sample_row(&res->series, pre, row);
	for (size_t c = 0; c < res->series.ncols; c++)
		res->series.offset[c] = cfg->resume->fit.last[c] - row[c];
}

static void bench_cycle_booted(const struct bench_cycle_config *cfg, struct bench_machine *fx,
			    struct bench_cycle_result *res, unsigned long *from)
{
	struct bench_cycle_ctx ctx = { .fx = fx };
	struct bench_cycle_sample pre;
	shim_ret r = SHIM_OK;

	if (fx->svc == NULL) {
		bench_why_append(res->why, sizeof(res->why), "driver did not start: match %s",
			      shim_ret_string(fx->match_ret));
		res->result = BENCH_FAIL;
		return;
	}
	if (cfg->kind->setup != NULL)
		r = cfg->kind->setup(&ctx, res->why, sizeof(res->why));
	if (r != SHIM_OK) {
		res->result = r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
		return;
	}
	bench_cycle_drain_log();
	bench_cycle_sample(&pre);
	bench_cycle_stitch(cfg, res, &pre);
	if (!bench_cycle_loop(cfg, &ctx, res, from))
		res->result = BENCH_FAIL;
	if (cfg->kind->teardown != NULL)
		cfg->kind->teardown(&ctx);
	bench_cycle_find_trends(res); /* first: the most specific reason */
	if (res->ntrends > 0)
		res->result = BENCH_FAIL;
	if (!bench_cycle_end_state(&pre, res->why, sizeof(res->why)))
		res->result = BENCH_FAIL;
}

/* The part of the run already done (a resume), and the series to hold the rest. */
static bool bench_cycle_prepare(const struct bench_cycle_config *cfg, struct bench_cycle_result *res)
{
	const struct bench_cycle_resume *rs = cfg->resume;
	unsigned long cap;

	if (cfg->count != 0)
		res->requested = cfg->count;
	else
		res->requested = cfg->duration_s > 0.0 ? ULONG_MAX : BENCH_CYCLE_DEFAULT_COUNT;
	if (rs != NULL && rs->done > res->requested) {
		bench_fail(res->why, sizeof(res->why), "resume at cycle %lu is past the %lu requested",
			   rs->done, res->requested);
		return false;
	}
	if (cfg->window && cfg->checkpoint_every == 0) {
		bench_fail(res->why, sizeof(res->why), "a windowed series needs checkpoints");
		return false;
	}
	cap = cfg->window ? cfg->checkpoint_every : res->requested - (rs != NULL ? rs->done : 0);
	if (cap > BENCH_CYCLE_MAX_COUNT || !bench_cycle_series_init(&res->series, cap)) {
		bench_fail(res->why, sizeof(res->why), "cannot keep a series of %lu cycles", cap);
		return false;
	}
	if (rs != NULL) {
		res->done = rs->done;
		res->resumed_at = rs->done;
		res->seconds = rs->seconds;
		res->fit = rs->fit;
		res->series.first = rs->done;
		res->series.ncols = rs->ncols < BENCH_COL_FIXED_COUNT ? BENCH_COL_FIXED_COUNT : rs->ncols;
		memcpy(res->series.cls, rs->cls, sizeof(res->series.cls));
	}
	return true;
}

void bench_cycle_run(const struct bench_cycle_config *cfg, struct bench_cycle_result *res)
{
	struct bench_machine fx;
	struct bench_options opt;
	char down[384] = "";
	unsigned long from = 0;

	memset(res, 0, sizeof(*res));
	res->kind = cfg->kind->name;
	bench_host_label(cfg->host, cfg->opt.profile, res->host, sizeof(res->host));
	res->result = BENCH_PASS;
	if (!bench_cycle_prepare(cfg, res)) {
		res->result = BENCH_FAIL;
		return;
	}
	opt = cfg->opt;
	opt.hotplug = opt.hotplug || cfg->kind->hotplug;
	if (bench_machine_boot(&fx, cfg->host, &opt, res->why, sizeof(res->why)) != SHIM_OK) {
		res->result = fx.host_refused ? BENCH_CANNOT_RUN : BENCH_FAIL;
		bench_cycle_checkpoint(cfg, res, &from, true);
		return;
	}
	bench_cycle_booted(cfg, &fx, res, &from);
	if (!bench_machine_shutdown(&fx, down, sizeof(down))) {
		bench_why_append(res->why, sizeof(res->why), "shutdown: %s", down);
		res->result = BENCH_FAIL;
	}
	if (res->stopped)
		bench_why_append(res->why, sizeof(res->why), "stopped after cycle %lu", res->done);
	bench_cycle_checkpoint(cfg, res, &from, true);
}

void bench_cycle_result_free(struct bench_cycle_result *res)
{
	bench_cycle_series_free(&res->series);
}
