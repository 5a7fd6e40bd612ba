/* The report's fuzz and user-client sections: each target's latest
 * campaign under each of the last labels as coverage features and corpus
 * over executions, and the latest label's per-selector coverage (reached,
 * refused by the shim, failed by the method, passed) per recording command. */
#include <string.h>

#include "report_priv.h"

/* One campaign's curve as a plot: x executions, features and corpus. */
static shim_ret fuzz_plot(struct bench_records *r, FILE *out, int64_t id, size_t n, char *why,
			  size_t len)
{
	static const char *const names[] = { "coverage features", "corpus units" };
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT execs, features, corpus FROM fuzz_points WHERE fuzz_id=? ORDER BY rowid",
		&st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	for (int col = 0; col < 3 && ret == SHIM_OK; col++) {
		bool first = true;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		if (col == 0)
			fprintf(out, "\"id\": \"fuzz-%zu\", \"x\": [", n);
		else
			fprintf(out, "%s{\"name\": \"%s\", \"y\": [", col == 1 ? "" : ", ",
				names[col - 1]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			fputs(first ? "" : ",", out);
			bench_report_json_number(out, sqlite3_column_double(st, col));
			first = false;
		}
		fputs(col == 0 ? "], \"series\": [" : "]}", out);
		if (rc != SQLITE_DONE)
			ret = bench_records_fail(r, rc, "reading fuzz coverage", why, len);
	}
	fputs("]", out);
	sqlite3_finalize(st);
	return ret;
}

static shim_ret report_fuzz_curves(struct bench_records *r, FILE *out, char (*labels)[128],
				   size_t nlabels, const struct bench_report_opts *o, char *why,
				   size_t len)
{
	size_t from = nlabels > o->labels ? nlabels - o->labels : 0, n = 0;
	shim_ret ret = SHIM_OK;

	fputs(",\n\"fuzz\": [", out);
	for (size_t l = from; ret == SHIM_OK && l < nlabels; l++) {
		sqlite3_stmt *st;
		int rc;

		ret = bench_records_prepare(r,
			"SELECT MAX(f.id), f.target, r.host FROM fuzz f JOIN runs r ON r.id=f.run_id"
			" WHERE r.label=? GROUP BY f.target, r.host ORDER BY f.target", &st, why, len);
		if (ret != SHIM_OK)
			break;
		bench_records_bind_text(st, 1, labels[l]);
		while (ret == SHIM_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);

			fputs(n > 0 ? ",\n {\"label\": " : "\n {\"label\": ", out);
			bench_json_string(out, labels[l], true);
			fputs(", \"target\": ", out);
			bench_json_string(out, (const char *)sqlite3_column_text(st, 1), true);
			fputs(", \"host\": ", out);
			bench_json_string(out, (const char *)sqlite3_column_text(st, 2), true);
			fputs(", ", out);
			ret = fuzz_plot(r, out, id, n++, why, len);
			fputs("}", out);
		}
		if (ret == SHIM_OK && rc != SQLITE_DONE)
			ret = bench_records_fail(r, rc, "reading fuzz campaigns", why, len);
		sqlite3_finalize(st);
	}
	fputs("]", out);
	return ret;
}

/* The newest label that recorded selector coverage, and its rows. */
static shim_ret report_selectors(struct bench_records *r, FILE *out, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT r.label FROM uc_selectors u JOIN runs r ON r.id=u.run_id"
		" ORDER BY r.id DESC LIMIT 1", &st, why, len);
	char label[128] = "";

	if (ret != SHIM_OK)
		return ret;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(label, sizeof(label), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	fputs(",\n\"selectors\": {\"label\": ", out);
	bench_json_string(out, label, true);
	fputs(", \"rows\": ", out);
	ret = bench_records_prepare(r,
		"SELECT r.command, u.client, COALESCE(u.selector, 'past the table'),"
		" MAX(COALESCE(u.method, '')), SUM(u.reached), SUM(u.refused), SUM(u.failed),"
		" SUM(u.ran) - SUM(u.failed) FROM uc_selectors u JOIN runs r ON r.id=u.run_id"
		" WHERE r.label=? GROUP BY 1, 2, u.selector"
		" ORDER BY 1, 2, u.selector IS NULL, u.selector", &st, why, len);
	if (ret == SHIM_OK) {
		bench_records_bind_text(st, 1, label);
		ret = bench_report_rows(r, out, st, why, len);
	}
	fputs("}", out);
	return ret;
}

shim_ret bench_report_fuzz(struct bench_records *r, FILE *out, char (*labels)[128],
			   size_t nlabels, const struct bench_report_opts *o, char *why,
			   size_t len)
{
	shim_ret ret = report_fuzz_curves(r, out, labels, nlabels, o, why, len);

	if (ret == SHIM_OK)
		ret = report_selectors(r, out, why, len);
	return ret;
}
