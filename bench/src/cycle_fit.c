/* The streaming trend fit of a cycle run (bench_cycle_fit in cycle.h): one
 * update per cycle, so the line spans every cycle of a run that is longer
 * than memory or was resumed in another process. */
#include <math.h>

#include "bench/cycle.h"

void bench_cycle_fit_add(struct bench_cycle_fit *f, const struct bench_cycle_series *s,
			 unsigned long row)
{
	double x = (double)(s->first + row), dx, n, t = s->cycle_us[row], dt;

	f->n++;
	n = (double)f->n;
	dx = x - f->mean_x;
	f->mean_x += dx / n;
	/* m2x uses the old and the new mean: exact for a constant step. */
	f->m2x += dx * (x - f->mean_x);
	for (size_t c = 0; c < s->ncols; c++) {
		double y = (double)bench_cycle_value(s, row, c);
		double dy = y - f->mean_y[c];

		if (f->n == 1)
			f->first[c] = bench_cycle_value(s, row, c);
		f->mean_y[c] += dy / n;
		f->cxy[c] += dx * (y - f->mean_y[c]);
		f->last[c] = bench_cycle_value(s, row, c);
	}
	dt = t - f->time_mean;
	f->time_mean += dt / n;
	f->time_m2 += dt * (t - f->time_mean);
	if (t > f->time_max)
		f->time_max = t;
}

double bench_cycle_fit_slope(const struct bench_cycle_fit *f, size_t col)
{
	if (f->n < 2 || col >= BENCH_CYCLE_MAX_COLS || f->m2x <= 0.0)
		return 0.0;
	return f->cxy[col] / f->m2x;
}

double bench_cycle_fit_time_sd(const struct bench_cycle_fit *f)
{
	return f->n > 1 ? sqrt(f->time_m2 / (double)(f->n - 1)) : 0.0;
}

size_t bench_cycle_fit_worst(const struct bench_cycle_fit *f, size_t ncols, double *slope)
{
	size_t worst = SIZE_MAX;
	double best = 0.0;

	for (size_t c = 0; c < ncols; c++) {
		double sl = bench_cycle_fit_slope(f, c);

		if (sl > best) {
			best = sl;
			worst = c;
		}
	}
	*slope = best;
	return worst;
}
