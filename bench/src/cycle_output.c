/* Output of a cycle run: the per-cycle series as CSV or JSON, and the
 * progress line a terminal shows while the cycles run. */
#include <math.h>
#include <string.h>

#include "bench/cycle.h"

bool bench_cycle_write_csv(FILE *out, const struct bench_cycle_result *res)
{
	const struct bench_cycle_series *s = &res->series;

	fputs("cycle,cycle_us", out);
	for (size_t c = 0; c < s->ncols; c++)
		fprintf(out, ",%s", bench_cycle_col_name(s, c));
	fputc('\n', out);
	for (unsigned long r = 0; r < s->rows; r++) {
		fprintf(out, "%lu,%.3f", r, s->cycle_us[r]);
		for (size_t c = 0; c < s->ncols; c++)
			fprintf(out, ",%lld", (long long)bench_cycle_value(s, r, c));
		fputc('\n', out);
	}
	return fflush(out) == 0 && !ferror(out);
}

/* Reasons and class names are ours, but escape anyway: JSON must parse. */
static void bench_json_string(FILE *out, const char *str)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)str; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void bench_json_trends(FILE *out, const struct bench_cycle_result *res)
{
	fputs("  \"trends\": [", out);
	for (size_t i = 0; i < res->ntrends; i++) {
		const struct bench_cycle_trend *t = &res->trends[i];

		fputs(i > 0 ? ",\n    {\"counter\": " : "\n    {\"counter\": ", out);
		bench_json_string(out, t->name);
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
		bench_json_string(out, bench_cycle_col_name(s, c));
	}
	fputs("],\n  \"cycle_us\": [", out);
	for (unsigned long r = 0; r < s->rows; r++)
		fprintf(out, "%s%.3f", r > 0 ? ", " : "", s->cycle_us[r]);
	fputs("],\n  \"series\": {", out);
	for (size_t c = 0; c < s->ncols; c++) {
		fputs(c > 0 ? ",\n    " : "\n    ", out);
		bench_json_string(out, bench_cycle_col_name(s, c));
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
	bench_json_string(out, res->kind);
	fputs(", \"host\": ", out);
	bench_json_string(out, res->host);
	fputs(", \"result\": ", out);
	bench_json_string(out, bench_result_string(res->result));
	fputs(",\n  \"why\": ", out);
	bench_json_string(out, res->why);
	fprintf(out, ",\n  \"requested\": %lu, \"done\": %lu, \"seconds\": %.6f, "
		     "\"slope_threshold\": %.6f,\n",
		res->requested, res->done, res->seconds, res->threshold);
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
