/* Decimation for the report's plots (bench_report_decimate): a pixel column
 * shows the lowest and the highest value that fell into it, so a single
 * spike among a million cycles is still drawn, and the page stays small. */
#include "bench/report.h"

static void bench_decimate_bucket(size_t lo, size_t hi, const double *x, size_t nseries,
				  const double *const *y, double *xo, double *const *yo,
				  size_t at)
{
	xo[at] = x[lo];
	xo[at + 1] = x[hi - 1];
	for (size_t s = 0; s < nseries; s++) {
		size_t imin = lo, imax = lo;

		for (size_t i = lo + 1; i < hi; i++) {
			if (y[s][i] < y[s][imin])
				imin = i;
			if (y[s][i] > y[s][imax])
				imax = i;
		}
		yo[s][at] = imin <= imax ? y[s][imin] : y[s][imax];
		yo[s][at + 1] = imin <= imax ? y[s][imax] : y[s][imin];
	}
}

size_t bench_report_decimate(size_t n, const double *x, size_t nseries, const double *const *y,
			     size_t columns, double *xo, double *const *yo)
{
	size_t out = 0;

	if (columns == 0)
		return 0;
	if (n <= 2 * columns) {
		for (size_t i = 0; i < n; i++) {
			xo[i] = x[i];
			for (size_t s = 0; s < nseries; s++)
				yo[s][i] = y[s][i];
		}
		return n;
	}
	for (size_t b = 0; b < columns; b++) {
		size_t lo = n * b / columns, hi = n * (b + 1) / columns;

		if (hi <= lo)
			continue;
		if (hi - lo == 1) {
			xo[out] = x[lo];
			for (size_t s = 0; s < nseries; s++)
				yo[s][out] = y[s][lo];
			out++;
			continue;
		}
		bench_decimate_bucket(lo, hi, x, nseries, y, xo, yo, out);
		out += 2;
	}
	return out;
}
