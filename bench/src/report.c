/* drvbench report (bench/report.h): the page, its embedded assets and the
 * records as one JSON object (labels, trends, cycle plots, the latest
 * scenario table, findings, fuzz campaigns, user-client selectors,
 * coverage) that report.js draws. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "bench/compare.h"
#include "report_assets.h"
#include "report_priv.h"

void bench_report_json_number(FILE *out, double v)
{
	if (!isfinite(v))
		fputs("null", out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.9g", v);
}

shim_ret bench_report_rows(struct bench_records *r, FILE *out, sqlite3_stmt *st, char *why,
			   size_t len)
{
	bool first = true;
	int rc;

	fputs("[", out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs(first ? "\n   [" : ",\n   [", out);
		first = false;
		for (int c = 0; c < sqlite3_column_count(st); c++) {
			fputs(c > 0 ? ", " : "", out);
			if (sqlite3_column_type(st, c) == SQLITE_INTEGER ||
			    sqlite3_column_type(st, c) == SQLITE_FLOAT)
				bench_report_json_number(out, sqlite3_column_double(st, c));
			else if (sqlite3_column_type(st, c) == SQLITE_NULL)
				fputs("null", out);
			else
				bench_json_string(out, (const char *)sqlite3_column_text(st, c), true);
		}
		fputs("]", out);
	}
	sqlite3_finalize(st);
	fputs("]", out);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, "reading rows", why, len);
}

/* Rows of a query as arrays of strings and numbers. */
static shim_ret report_rows(struct bench_records *r, FILE *out, const char *sql, char *why,
			    size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r, sql, &st, why, len);

	return ret == SHIM_OK ? bench_report_rows(r, out, st, why, len) : ret;
}

/* The label of the latest run of `command` (empty when none). */
static void report_latest_label(struct bench_records *r, const char *command, char *out,
				size_t n)
{
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(r->db, "SELECT label FROM runs WHERE command=? ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	bench_records_bind_text(st, 1, command);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static shim_ret report_tables(struct bench_records *r, FILE *out, char *why, size_t len)
{
	char label[128];
	shim_ret ret;

	report_latest_label(r, "run", label, sizeof(label));
	fputs(",\n\"scenarios\": {\"label\": ", out);
	bench_json_string(out, label, true);
	fputs(", \"rows\": ", out);
	ret = report_rows(r, out,
		"SELECT name, host, result, ROUND(ms, 1), objects_delta, log_drops, why FROM scenarios"
		" WHERE run_id=(SELECT MAX(id) FROM runs WHERE command='run') ORDER BY id", why, len);
	report_latest_label(r, "qualify", label, sizeof(label));
	fputs("},\n\"findings\": {\"label\": ", out);
	bench_json_string(out, label, true);
	fputs(", \"rows\": ", out);
	if (ret == SHIM_OK)
		ret = report_rows(r, out,
			"SELECT check_name, severity, location, message FROM findings WHERE"
			" run_id=(SELECT MAX(id) FROM runs WHERE command='qualify') ORDER BY rowid",
			why, len);
	fputs("}", out);
	return ret;
}

/* gcovr's JSON, as recorded: it is JSON already; '<' only occurs inside its
 * strings, where \u003c means the same. */
static void report_coverage(struct bench_records *r, FILE *out)
{
	sqlite3_stmt *st;

	fputs(",\n\"coverage\": ", out);
	if (sqlite3_prepare_v2(r->db,
			       "SELECT r.label, c.json FROM coverage c JOIN runs r ON r.id=c.run_id"
			       " ORDER BY c.rowid DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK) {
		fputs("null", out);
		return;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *j = sqlite3_column_text(st, 1);

		fputs("{\"label\": ", out);
		bench_json_string(out, (const char *)sqlite3_column_text(st, 0), true);
		fputs(", \"gcovr\": ", out);
		for (; j != NULL && *j != '\0'; j++) {
			if (*j == '<' || *j == '>' || *j == '&')
				fprintf(out, "\\u%04x", *j);
			else
				fputc(*j, out);
		}
		fputs("}", out);
	} else {
		fputs("null", out);
	}
	sqlite3_finalize(st);
}

static shim_ret report_data(struct bench_records *r, FILE *out, const struct bench_report_opts *o,
			    char *why, size_t len)
{
	static char labels[4096][BENCH_LABEL_LEN];
	size_t n = sizeof(labels) / sizeof(labels[0]);
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	shim_ret ret = bench_records_labels(r, labels, &n, why, len);

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs("{\"file\": ", out);
	bench_json_string(out, r->path, true);
	fputs(", \"generated\": ", out);
	bench_json_string(out, stamp, true);
	if (ret != SHIM_OK || n == 0) {
		fputs(", \"empty\": true}", out);
		return ret;
	}
	fputs(", \"empty\": false,\n\"labels\": [", out);
	for (size_t i = 0; i < n; i++) {
		fputs(i > 0 ? ", " : "", out);
		bench_json_string(out, labels[i], true);
	}
	fputs("],\n\"labelRows\": ", out);
	ret = report_rows(r, out,
		"SELECT label, COUNT(*), MAX(bundle_id || ' ' || bundle_version),"
		" MAX(cpu || ' (' || cores || ' cores)'), datetime(MAX(started), 'unixepoch')"
		" FROM runs GROUP BY label ORDER BY MAX(id)", why, len);
	fputs(",\n", out);
	if (ret == SHIM_OK)
		ret = bench_report_trends(r, out, labels, n, why, len);
	fputs(",\n", out);
	if (ret == SHIM_OK)
		ret = bench_report_cycles(r, out, labels, n, o, why, len);
	if (ret == SHIM_OK)
		ret = report_tables(r, out, why, len);
	if (ret == SHIM_OK)
		ret = bench_report_fuzz(r, out, labels, n, o, why, len);
	report_coverage(r, out);
	fputs("}", out);
	return ret;
}

shim_ret bench_report_write(struct bench_records *r, FILE *out,
			    const struct bench_report_opts *opts, char *why, size_t len)
{
	struct bench_report_opts o = opts != NULL ? *opts : (struct bench_report_opts){ 0 };
	shim_ret ret;

	o.columns = o.columns != 0 ? o.columns : BENCH_REPORT_COLUMNS;
	o.labels = o.labels != 0 ? o.labels : BENCH_REPORT_LABELS;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<title>drvbench report</title>\n<style>\n", out);
	fwrite(bench_asset_uplot_css, 1, bench_asset_uplot_css_len, out);
	fwrite(bench_asset_report_css, 1, bench_asset_report_css_len, out);
	fputs("</style>\n<script>\n/* uPlot 1.6.32, embedded unchanged under its licence:\n", out);
	fwrite(bench_asset_uplot_license, 1, bench_asset_uplot_license_len, out);
	fputs("*/\n", out);
	fwrite(bench_asset_uplot_js, 1, bench_asset_uplot_js_len, out);
	fputs("\n</script>\n</head><body>\n<h1 id=\"drvbench-title\">drvbench records</h1>\n"
	      "<main id=\"drvbench-main\"></main>\n<pre id=\"drvbench-selftest\"></pre>\n"
	      "<script type=\"application/json\" id=\"drvbench-data\">", out);
	ret = report_data(r, out, &o, why, len);
	fputs("</script>\n<script>\n", out);
	fwrite(bench_asset_report_js, 1, bench_asset_report_js_len, out);
	fputs("</script>\n</body></html>\n", out);
	if (ret == SHIM_OK && (fflush(out) != 0 || ferror(out))) {
		snprintf(why, len, "error writing the report");
		ret = SHIM_ERR_GENERIC;
	}
	return ret;
}
