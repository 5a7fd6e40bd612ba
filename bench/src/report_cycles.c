/* The report's cycle plots: for the latest run of each kind and host under
 * each of the last labels, the ioclasscount/ioalloccount view (live
 * instances per class, allocations, bytes, per-cycle time, the other
 * counters that moved), decimated, each counter with its fitted line. */
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

#define CYC_MAX_SERIES (BENCH_CYCLE_MAX_COLS + 1)

struct cyc_fit {
	double slope, mean_y;
	bool known;
};

struct cyc_plot {
	const char *title;
	size_t cols[CYC_MAX_SERIES]; /* series columns; SIZE_MAX: the cycle time */
	size_t n;
};

static size_t cyc_col(const struct bench_record_series *s, const char *name)
{
	for (size_t c = 0; c < s->ncols && c < BENCH_COL_FIXED_COUNT; c++)
		if (strcmp(s->names[c], name) == 0)
			return c;
	return SIZE_MAX;
}

static bool cyc_moves(const struct bench_record_series *s, size_t c)
{
	for (unsigned long r = 1; r < s->rows; r++)
		if (s->v[c * s->rows + r] != s->v[c * s->rows])
			return true;
	return false;
}

/* The plots of one record; the cycle-time plot has no fit. */
static size_t cyc_plans(const struct bench_record_series *s, struct cyc_plot *p)
{
	static const char *const other[] = { "objects_live", "prepared", "log_dropped",
					     "verifier_records", "uc_tasks", "uc_connections",
					     "uc_open_connections", "uc_handles", "uc_asyncs" };
	size_t np = 0, c;

	memset(p, 0, sizeof(*p) * 5);
	p[np].title = "live instances per class";
	for (c = BENCH_COL_FIXED_COUNT; c < s->ncols; c++)
		p[np].cols[p[np].n++] = c;
	np += p[np].n > 0;
	p[np].title = "allocations";
	if ((c = cyc_col(s, "alloc_count")) != SIZE_MAX)
		p[np].cols[p[np].n++] = c;
	np += p[np].n > 0;
	p[np].title = "allocated and wired bytes";
	if ((c = cyc_col(s, "alloc_bytes")) != SIZE_MAX)
		p[np].cols[p[np].n++] = c;
	if ((c = cyc_col(s, "wired_bytes")) != SIZE_MAX)
		p[np].cols[p[np].n++] = c;
	np += p[np].n > 0;
	p[np].title = "per-cycle time (us)";
	p[np].cols[p[np].n++] = SIZE_MAX;
	np++;
	p[np].title = "other counters that moved";
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if ((c = cyc_col(s, other[i])) != SIZE_MAX && cyc_moves(s, c))
			p[np].cols[p[np].n++] = c;
	np += p[np].n > 0;
	return np;
}

static shim_ret cyc_fits(struct bench_records *r, int64_t cycle, struct cyc_fit *fit,
			 double *mean_x, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT col, slope, mean_y, (SELECT fit_mean_x FROM cycles WHERE id=?1)"
		" FROM cycle_columns WHERE cycle_id=?1", &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t c = sqlite3_column_int64(st, 0);

		*mean_x = sqlite3_column_double(st, 3);
		if (c < 0 || c >= BENCH_CYCLE_MAX_COLS)
			continue;
		fit[c].slope = sqlite3_column_double(st, 1);
		fit[c].mean_y = sqlite3_column_double(st, 2);
		fit[c].known = true;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, "reading fits", why, len);
}

struct cyc_buf {
	double *x, *xo;
	double *y[CYC_MAX_SERIES], *yo[CYC_MAX_SERIES];
};

static void cyc_buf_free(struct cyc_buf *b)
{
	free(b->x);
	free(b->xo);
	for (size_t i = 0; i < CYC_MAX_SERIES; i++) {
		free(b->y[i]);
		free(b->yo[i]);
	}
}

static bool cyc_plot_write(FILE *out, const struct bench_record_series *s,
			   const struct cyc_plot *p, const struct cyc_fit *fit, double mean_x,
			   int64_t cycle, size_t k, unsigned columns)
{
	struct cyc_buf b = { 0 };
	size_t n;
	bool ok = (b.x = malloc((s->rows + 1) * sizeof(double))) != NULL &&
		  (b.xo = malloc((2 * (size_t)columns + 1) * sizeof(double))) != NULL;

	for (size_t i = 0; ok && i < p->n; i++) {
		ok = (b.y[i] = malloc((s->rows + 1) * sizeof(double))) != NULL &&
		     (b.yo[i] = malloc((2 * (size_t)columns + 1) * sizeof(double))) != NULL;
		for (unsigned long r = 0; ok && r < s->rows; r++)
			b.y[i][r] = p->cols[i] == SIZE_MAX ? s->cycle_us[r]
							    : (double)s->v[p->cols[i] * s->rows + r];
	}
	if (!ok) {
		cyc_buf_free(&b);
		return false;
	}
	for (unsigned long r = 0; r < s->rows; r++)
		b.x[r] = (double)s->cycle[r];
	n = bench_report_decimate(s->rows, b.x, p->n, (const double *const *)b.y, columns, b.xo,
				  b.yo);
	fprintf(out, "{\"id\": \"cycle-%lld-%zu\", \"title\": ", (long long)cycle, k);
	bench_json_string(out, p->title, true);
	fputs(", \"x\": [", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i > 0 ? "," : "", out);
		bench_report_json_number(out, b.xo[i]);
	}
	fputs("], \"series\": [", out);
	for (size_t i = 0; i < p->n; i++) {
		size_t c = p->cols[i];

		fputs(i > 0 ? ", {\"name\": " : "{\"name\": ", out);
		bench_json_string(out, c == SIZE_MAX ? "cycle_us" : s->names[c], true);
		fputs(", \"y\": [", out);
		for (size_t j = 0; j < n; j++) {
			fputs(j > 0 ? "," : "", out);
			bench_report_json_number(out, b.yo[i][j]);
		}
		fputs("]", out);
		if (c != SIZE_MAX && fit[c].known) {
			fputs(", \"slope\": ", out);
			bench_report_json_number(out, fit[c].slope);
			fputs(", \"at\": ", out);
			bench_report_json_number(out, fit[c].mean_y - fit[c].slope * mean_x);
		}
		fputs("}", out);
	}
	fputs("]}", out);
	cyc_buf_free(&b);
	return true;
}

static shim_ret cyc_record(struct bench_records *r, FILE *out, sqlite3_stmt *row,
			   const char *label, const struct bench_report_opts *o, char *why,
			   size_t len)
{
	int64_t cycle = sqlite3_column_int64(row, 0);
	struct bench_record_series s;
	struct cyc_fit fit[BENCH_CYCLE_MAX_COLS] = { { 0 } };
	struct cyc_plot plots[5];
	double mean_x = 0.0;
	size_t np;
	shim_ret ret = bench_records_cycle_series(r, cycle, &s, why, len);

	if (ret != SHIM_OK)
		return ret;
	ret = cyc_fits(r, cycle, fit, &mean_x, why, len);
	if (ret != SHIM_OK) {
		bench_record_series_free(&s);
		return ret;
	}
	fputs("{\"kind\": ", out);
	bench_json_string(out, (const char *)sqlite3_column_text(row, 1), true);
	fputs(", \"host\": ", out);
	bench_json_string(out, (const char *)sqlite3_column_text(row, 2), true);
	fputs(", \"label\": ", out);
	bench_json_string(out, label, true);
	fputs(", \"result\": ", out);
	bench_json_string(out, (const char *)sqlite3_column_text(row, 3), true);
	fputs(", \"why\": ", out);
	bench_json_string(out, (const char *)sqlite3_column_text(row, 4), true);
	fprintf(out, ", \"done\": %lld, \"rows\": %lu, \"columns\": %u, \"decimated\": %s, \"marks\": [",
		(long long)sqlite3_column_int64(row, 5), s.rows, o->columns,
		s.rows > 2 * (unsigned long)o->columns ? "true" : "false");
	for (size_t i = 0; i < s.nmarks; i++)
		fprintf(out, "%s%lu", i > 0 ? "," : "", s.marks[i]);
	fputs("], \"plots\": [", out);
	np = cyc_plans(&s, plots);
	for (size_t k = 0; k < np && ret == SHIM_OK; k++) {
		fputs(k > 0 ? ",\n   " : "\n   ", out);
		if (!cyc_plot_write(out, &s, &plots[k], fit, mean_x, cycle, k, o->columns)) {
			snprintf(why, len, "out of memory drawing %lu cycles", s.rows);
			ret = SHIM_ERR_NO_MEMORY;
		}
	}
	fputs("]}", out);
	bench_record_series_free(&s);
	return ret;
}

shim_ret bench_report_cycles(struct bench_records *r, FILE *out, char (*labels)[128],
			     size_t nlabels, const struct bench_report_opts *o, char *why,
			     size_t len)
{
	shim_ret ret = SHIM_OK;
	bool first = true;

	fputs("\"cycles\": [", out);
	for (size_t i = nlabels; ret == SHIM_OK && i > 0 && i + o->labels > nlabels; i--) {
		sqlite3_stmt *st;
		int rc;

		ret = bench_records_prepare(r,
			"SELECT c.id, c.kind, c.host, COALESCE(c.result, c.state), c.why, c.done"
			" FROM cycles c WHERE c.id IN (SELECT MAX(c2.id) FROM cycles c2 JOIN runs r2"
			" ON r2.id=c2.run_id WHERE r2.label=?1 AND c2.done > 0 GROUP BY c2.kind, c2.host)"
			" ORDER BY c.kind, c.host", &st, why, len);
		if (ret != SHIM_OK)
			break;
		bench_records_bind_text(st, 1, labels[i - 1]);
		while (ret == SHIM_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			fputs(first ? "\n  " : ",\n  ", out);
			first = false;
			ret = cyc_record(r, out, st, labels[i - 1], o, why, len);
		}
		sqlite3_finalize(st);
		if (ret == SHIM_OK && rc != SQLITE_DONE)
			ret = bench_records_fail(r, rc, "reading cycle runs", why, len);
	}
	fputs("]", out);
	return ret;
}
