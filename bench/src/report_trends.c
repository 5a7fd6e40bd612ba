/* The report's release-over-release plots: one value per label and series
 * (cycles/s per kind and host, scenario time per host, fuzz exec/s and
 * coverage per target, findings), each from one grouped query. */
#include <stdlib.h>
#include <string.h>

#include "report_priv.h"

#define TREND_MAX_SERIES 64

struct trend_def {
	const char *title;
	const char *sql; /* rows: label, series name, value */
};

static const struct trend_def trend_defs[] = {
	{ "cycles/s per kind",
	  "SELECT r.label, c.kind || ' on ' || c.host, AVG(c.rate) FROM cycles c"
	  " JOIN runs r ON r.id=c.run_id WHERE c.done > 1 GROUP BY 1, 2" },
	{ "scenario time per host (ms, sum of the scenarios' means)",
	  "SELECT label, host, SUM(ms) FROM (SELECT r.label label, s.host host, AVG(s.ms) ms"
	  " FROM scenarios s JOIN runs r ON r.id=s.run_id GROUP BY 1, 2, s.name) GROUP BY 1, 2" },
	{ "failed scenarios per host (latest run)",
	  "SELECT r.label, s.host, SUM(s.result='FAIL') FROM scenarios s JOIN runs r"
	  " ON r.id=s.run_id WHERE r.id IN (SELECT MAX(id) FROM runs WHERE command='run'"
	  " GROUP BY label) GROUP BY 1, 2" },
	{ "fuzz exec/s per target",
	  "SELECT r.label, f.target, AVG(f.execs_per_s) FROM fuzz f JOIN runs r ON r.id=f.run_id"
	  " GROUP BY 1, 2" },
	{ "fuzz coverage features per target",
	  "SELECT r.label, f.target, MAX(f.features) FROM fuzz f JOIN runs r ON r.id=f.run_id"
	  " GROUP BY 1, 2" },
	{ "qualification findings (latest run)",
	  "SELECT r.label, 'findings', (SELECT COUNT(*) FROM findings f WHERE f.run_id=r.id)"
	  " FROM runs r WHERE r.id IN (SELECT MAX(id) FROM runs WHERE command='qualify'"
	  " GROUP BY label)" },
};

struct trend_series {
	char name[192];
	double *y;
	bool *set;
};

static size_t trend_label(char (*labels)[128], size_t n, const char *l)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(labels[i], l) == 0)
			return i;
	return SIZE_MAX;
}

static void trend_write(FILE *out, const struct trend_def *d, size_t id,
			const struct trend_series *s, size_t ns, size_t nlabels, bool *first)
{
	if (ns == 0)
		return;
	fprintf(out, "%s\n  {\"id\": \"trend-%zu\", \"title\": ", *first ? "" : ",", id);
	bench_json_string(out, d->title, true);
	fputs(", \"series\": [", out);
	for (size_t k = 0; k < ns; k++) {
		fputs(k > 0 ? ", {\"name\": " : "{\"name\": ", out);
		bench_json_string(out, s[k].name, true);
		fputs(", \"y\": [", out);
		for (size_t i = 0; i < nlabels; i++) {
			fputs(i > 0 ? "," : "", out);
			if (s[k].set[i])
				bench_report_json_number(out, s[k].y[i]);
			else
				fputs("null", out);
		}
		fputs("]}", out);
	}
	fputs("]}", out);
	*first = false;
}

static shim_ret trend_one(struct bench_records *r, FILE *out, const struct trend_def *d,
			  size_t id, char (*labels)[128], size_t nlabels, bool *first, char *why,
			  size_t len)
{
	struct trend_series s[TREND_MAX_SERIES];
	size_t ns = 0;
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r, d->sql, &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *l = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		size_t li = trend_label(labels, nlabels, l != NULL ? l : ""), k;

		if (li == SIZE_MAX || sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		for (k = 0; k < ns && strcmp(s[k].name, name != NULL ? name : "") != 0; k++)
			;
		if (k == ns) {
			if (ns == TREND_MAX_SERIES)
				continue;
			snprintf(s[k].name, sizeof(s[k].name), "%s", name != NULL ? name : "");
			s[k].y = calloc(nlabels, sizeof(double));
			s[k].set = calloc(nlabels, sizeof(bool));
			if (s[k].y == NULL || s[k].set == NULL) {
				free(s[k].y);
				free(s[k].set);
				continue;
			}
			ns++;
		}
		s[k].y[li] = sqlite3_column_double(st, 2);
		s[k].set[li] = true;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		trend_write(out, d, id, s, ns, nlabels, first);
	else
		ret = bench_records_fail(r, rc, "reading trends", why, len);
	for (size_t k = 0; k < ns; k++) {
		free(s[k].y);
		free(s[k].set);
	}
	return ret;
}

shim_ret bench_report_trends(struct bench_records *r, FILE *out, char (*labels)[128],
			     size_t nlabels, char *why, size_t len)
{
	bool first = true;
	shim_ret ret = SHIM_OK;

	fputs("\"trends\": [", out);
	for (size_t i = 0; ret == SHIM_OK && i < sizeof(trend_defs) / sizeof(trend_defs[0]); i++)
		ret = trend_one(r, out, &trend_defs[i], i, labels, nlabels, &first, why, len);
	fputs("]", out);
	return ret;
}
