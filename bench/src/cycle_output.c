/* Output of a cycle run: the per-cycle series as CSV or JSON, and the
 * progress line a terminal shows while the cycles run. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/cycle.h"
#include "json_out.h"

static double bench_csv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_cycle_csv_start(struct bench_cycle_csv *w, FILE *out)
{
	struct stat st;

	memset(w, 0, sizeof(*w));
	w->out = out;
	w->seekable = fstat(fileno(out), &st) == 0 && S_ISREG(st.st_mode);
	w->flushed_at = bench_csv_now();
}

static bool bench_csv_fail(struct bench_cycle_csv *w)
{
	if (!w->failed)
		w->error = errno != 0 ? errno : EIO;
	w->failed = true;
	return false;
}

/* A column appeared: the header written is wrong, start the file over. */
static bool bench_csv_restart(struct bench_cycle_csv *w)
{
	if (fflush(w->out) != 0 || ftruncate(fileno(w->out), 0) != 0 || fseek(w->out, 0, SEEK_SET) != 0)
		return bench_csv_fail(w);
	w->ncols = 0;
	w->rows = 0;
	return true;
}

bool bench_cycle_csv_update(struct bench_cycle_csv *w, const struct bench_cycle_series *s,
			    bool final)
{
	double now;

	if (w->failed)
		return false;
	if (!w->seekable && !final)
		return true; /* the whole series once it is complete */
	errno = 0;
	if (w->ncols != 0 && w->ncols != s->ncols && !bench_csv_restart(w))
		return false;
	if (w->ncols == 0) {
		fputs("cycle,cycle_us", w->out);
		for (size_t c = 0; c < s->ncols; c++)
			fprintf(w->out, ",%s", bench_cycle_col_name(s, c));
		fputc('\n', w->out);
		w->ncols = s->ncols;
	}
	for (; w->rows < s->rows; w->rows++) {
		fprintf(w->out, "%lu,%.3f", w->rows, s->cycle_us[w->rows]);
		for (size_t c = 0; c < s->ncols; c++)
			fprintf(w->out, ",%lld", (long long)bench_cycle_value(s, w->rows, c));
		fputc('\n', w->out);
	}
	now = bench_csv_now();
	if (final || now - w->flushed_at >= BENCH_CYCLE_CSV_FLUSH_S) {
		w->flushed_at = now;
		if (fflush(w->out) != 0)
			return bench_csv_fail(w);
	}
	if (ferror(w->out))
		return bench_csv_fail(w);
	return true;
}

bool bench_cycle_write_csv(FILE *out, const struct bench_cycle_result *res)
{
	struct bench_cycle_csv w;

	bench_cycle_csv_start(&w, out);
	w.seekable = false; /* one pass, nothing to start over */
	return bench_cycle_csv_update(&w, &res->series, true);
}

static void bench_json_trends(FILE *out, const struct bench_cycle_result *res)
{
	fputs("  \"trends\": [", out);
	for (size_t i = 0; i < res->ntrends; i++) {
		const struct bench_cycle_trend *t = &res->trends[i];

		fputs(i > 0 ? ",\n    {\"counter\": " : "\n    {\"counter\": ", out);
		bench_json_string(out, t->name, false);
		fprintf(out, ", \"class\": %s, \"slope\": %.6f, \"first\": %lld, \"last\": %lld}",
			t->is_class ? "true" : "false", t->slope, (long long)t->first,
			(long long)t->last);
	}
	fputs(res->ntrends > 0 ? "\n  ],\n" : "],\n", out);
}

static void bench_json_series(FILE *out, const struct bench_cycle_series *s)
{
	fputs("  \"columns\": [", out);
	for (size_t c = 0; c < s->ncols; c++) {
		fputs(c > 0 ? ", " : "", out);
		bench_json_string(out, bench_cycle_col_name(s, c), false);
	}
	fputs("],\n  \"cycle_us\": [", out);
	for (unsigned long r = 0; r < s->rows; r++)
		fprintf(out, "%s%.3f", r > 0 ? ", " : "", s->cycle_us[r]);
	fputs("],\n  \"series\": {", out);
	for (size_t c = 0; c < s->ncols; c++) {
		fputs(c > 0 ? ",\n    " : "\n    ", out);
		bench_json_string(out, bench_cycle_col_name(s, c), false);
		fputs(": [", out);
		for (unsigned long r = 0; r < s->rows; r++)
			fprintf(out, "%s%lld", r > 0 ? "," : "", (long long)bench_cycle_value(s, r, c));
		fputc(']', out);
	}
	fputs("\n  }\n", out);
}

bool bench_cycle_write_json(FILE *out, const struct bench_cycle_result *res)
{
	fputs("{\n  \"kind\": ", out);
	bench_json_string(out, res->kind, false);
	fputs(", \"host\": ", out);
	bench_json_string(out, res->host, false);
	fputs(", \"result\": ", out);
	bench_json_string(out, bench_result_string(res->result), false);
	fputs(",\n  \"why\": ", out);
	bench_json_string(out, res->why, false);
	fprintf(out, ",\n  \"interrupted\": %s, \"requested\": %lu, \"done\": %lu, "
		     "\"seconds\": %.6f, \"slope_threshold\": %.6f,\n",
		res->stopped ? "true" : "false", res->requested, res->done, res->seconds,
		res->threshold);
	bench_json_trends(out, res);
	bench_json_series(out, &res->series);
	fputs("}\n", out);
	return fflush(out) == 0 && !ferror(out);
}

void bench_cycle_progress_line(FILE *out, const char *label, unsigned long done,
			    unsigned long total, double elapsed_s)
{
	enum { WIDTH = 30 };
	char bar[WIDTH + 1];
	double frac = total > 0 ? (double)done / (double)total : 1.0;
	double rate = elapsed_s > 0 ? (double)done / elapsed_s : 0.0;
	double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
	size_t fill = (size_t)(frac * WIDTH + 0.5);

	if (fill > WIDTH)
		fill = WIDTH;

	memset(bar, '#', fill);
	memset(bar + fill, '.', WIDTH - fill);
	bar[WIDTH] = '\0';
	fprintf(out, "\r%-14s [%s] %3.0f%% %lu/%lu  %.0f/s  ETA %.1fs ", label, bar, frac * 100.0,
		done, total, rate, eta);
	fflush(out);
}

static void bench_cycle_span(char *buf, size_t len, double s)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s >= 3600.0)
		snprintf(buf, len, "%.0fh%02.0fm", floor(s / 3600.0), floor(fmod(s, 3600.0) / 60.0));
	else if (s >= 60.0)
		snprintf(buf, len, "%.0fm%02.0fs", floor(s / 60.0), floor(fmod(s, 60.0)));
	else
		snprintf(buf, len, "%.1fs", s);
}

void bench_cycle_status_line(FILE *out, const char *label, const struct bench_cycle_result *res,
			     double rate, double left_s)
{
	double slope = 0.0;
	size_t worst = bench_cycle_fit_worst(&res->fit, res->series.ncols, &slope);
	char left[32];

	bench_cycle_span(left, sizeof(left), left_s);
	fprintf(out, "\r%-14s %lu cycles  %.0f/s  left %s  worst slope %s %+.5f ", label,
		res->done, rate, left,
		worst == SIZE_MAX ? "(none)" : bench_cycle_col_name(&res->series, worst), slope);
	fflush(out);
}
