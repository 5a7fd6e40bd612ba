/* The per-cycle series: one row of counters per cycle (fixed columns, then
 * one column per class that ever had an instance), and the least-squares
 * slope that turns a series into a trend. */
#include <stdlib.h>
#include <string.h>

#include "cycle_priv.h"
#include "shim/uc_client.h"

static const char *const bench_fixed_names[BENCH_COL_FIXED_COUNT] = {
	[BENCH_COL_OBJECTS_LIVE] = "objects_live",
	[BENCH_COL_ALLOC_COUNT] = "alloc_count",
	[BENCH_COL_ALLOC_BYTES] = "alloc_bytes",
	[BENCH_COL_WIRED_BYTES] = "wired_bytes",
	[BENCH_COL_PREPARED] = "prepared",
	[BENCH_COL_LOG_DROPPED] = "log_dropped",
	[BENCH_COL_VERIFIER] = "verifier_records",
	[BENCH_COL_UC_TASKS] = "uc_tasks",
	[BENCH_COL_UC_CONNECTIONS] = "uc_connections",
	[BENCH_COL_UC_OPEN] = "uc_open_connections",
	[BENCH_COL_UC_HANDLES] = "uc_handles",
	[BENCH_COL_UC_ASYNCS] = "uc_asyncs",
};

const char *bench_cycle_col_name(const struct bench_cycle_series *s, size_t col)
{
	if (col < BENCH_COL_FIXED_COUNT)
		return bench_fixed_names[col];
	if (col < s->ncols)
		return s->cls[col];
	return "?";
}

int64_t bench_cycle_value(const struct bench_cycle_series *s, unsigned long row, size_t col)
{
	if (row >= s->rows || col >= s->ncols)
		return 0;
	return s->v[row * BENCH_CYCLE_MAX_COLS + col];
}

bool bench_cycle_series_init(struct bench_cycle_series *s, unsigned long cap)
{
	memset(s, 0, sizeof(*s));
	s->ncols = BENCH_COL_FIXED_COUNT;
	s->v = calloc(cap > 0 ? cap : 1, sizeof(int64_t) * BENCH_CYCLE_MAX_COLS);
	s->cycle_us = calloc(cap > 0 ? cap : 1, sizeof(double));
	if (s->v == NULL || s->cycle_us == NULL) {
		bench_cycle_series_free(s);
		return false;
	}
	s->cap = cap;
	return true;
}

void bench_cycle_series_free(struct bench_cycle_series *s)
{
	free(s->v);
	free(s->cycle_us);
	s->v = NULL;
	s->cycle_us = NULL;
	s->rows = s->cap = 0;
}

/* A class seen for the first time gets a column; earlier rows had none live. */
static size_t bench_series_class_col(struct bench_cycle_series *s, const char *name)
{
	for (size_t c = BENCH_COL_FIXED_COUNT; c < s->ncols; c++)
		if (strcmp(s->cls[c], name) == 0)
			return c;
	if (s->ncols == BENCH_CYCLE_MAX_COLS)
		return SIZE_MAX;
	snprintf(s->cls[s->ncols], sizeof(s->cls[s->ncols]), "%s", name);
	return s->ncols++;
}

void bench_cycle_sample(struct bench_cycle_sample *out)
{
	struct shim_uc_counters uc;

	bench_baseline_take(&out->base);
	shim_uc_counters_snapshot(&uc);
	out->uc[0] = uc.tasks;
	out->uc[1] = uc.connections;
	out->uc[2] = uc.open_connections;
	out->uc[3] = uc.handles;
	out->uc[4] = uc.asyncs;
}

void bench_cycle_sample_row(struct bench_cycle_series *s, const struct bench_cycle_sample *smp,
			    int64_t *row)
{
	const struct shim_counters *c = &smp->base.counters;

	memset(row, 0, sizeof(int64_t) * BENCH_CYCLE_MAX_COLS);
	row[BENCH_COL_OBJECTS_LIVE] = c->objects_live;
	row[BENCH_COL_ALLOC_COUNT] = c->alloc_count;
	row[BENCH_COL_ALLOC_BYTES] = (int64_t)c->alloc_bytes;
	row[BENCH_COL_WIRED_BYTES] = (int64_t)c->wired_bytes;
	row[BENCH_COL_PREPARED] = c->prepared;
	row[BENCH_COL_LOG_DROPPED] = c->log_dropped;
	row[BENCH_COL_VERIFIER] = c->verifier_records;
	for (size_t i = 0; i < 5; i++)
		row[BENCH_COL_UC_TASKS + i] = smp->uc[i];
	for (size_t i = 0; i < smp->base.nclasses; i++) {
		size_t col = bench_series_class_col(s, smp->base.classes[i].name);

		if (col != SIZE_MAX)
			row[col] += smp->base.classes[i].live;
	}
}

bool bench_cycle_series_add(struct bench_cycle_series *s, const struct bench_cycle_sample *smp,
			 double cycle_us)
{
	int64_t *row;

	if (s->rows == s->cap)
		return false;
	row = &s->v[s->rows * BENCH_CYCLE_MAX_COLS];
	bench_cycle_sample_row(s, smp, row);
	for (size_t c = 0; c < s->ncols; c++)
		row[c] += s->offset[c];
	s->cycle_us[s->rows++] = cycle_us;
	return true;
}

/* Centred sums: a constant column gives exactly 0 (its mean is exact). */
double bench_cycle_slope(const struct bench_cycle_series *s, size_t col)
{
	double n = (double)s->rows, mx = (n - 1.0) / 2.0, my = 0.0, sxy = 0.0, sxx = 0.0;

	if (s->rows < 2 || col >= s->ncols)
		return 0.0;
	for (unsigned long r = 0; r < s->rows; r++)
		my += (double)bench_cycle_value(s, r, col);
	my /= n;
	for (unsigned long r = 0; r < s->rows; r++) {
		double dx = (double)r - mx;

		sxy += dx * ((double)bench_cycle_value(s, r, col) - my);
		sxx += dx * dx;
	}
	return sxy / sxx;
}

double bench_cycle_slope_threshold(unsigned long rows)
{
	double per_run = rows > 1 ? 1.0 / (double)(rows - 1) : 1.0;

	return per_run > BENCH_CYCLE_SLOPE_MIN ? per_run : BENCH_CYCLE_SLOPE_MIN;
}
