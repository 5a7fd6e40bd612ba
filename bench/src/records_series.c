/* Reading a recorded per-cycle series back in one piece (for the report):
 * every chunk decoded into one column-major table, and the resume marks. */
#include <stdlib.h>
#include <string.h>

#include "records_priv.h"

void bench_record_series_free(struct bench_record_series *s)
{
	free(s->names);
	free(s->cycle);
	free(s->cycle_us);
	free(s->v);
	free(s->marks);
	memset(s, 0, sizeof(*s));
}

static shim_ret bench_series_names(struct bench_records *r, bench_record_id cycle,
				   struct bench_record_series *s, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT col, name FROM cycle_columns WHERE cycle_id=? ORDER BY col", &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t c = sqlite3_column_int64(st, 0);
		const unsigned char *name = sqlite3_column_text(st, 1);

		if (c >= 0 && (size_t)c < s->ncols)
			snprintf(s->names[c], sizeof(s->names[c]), "%s",
				 name != NULL ? (const char *)name : "?");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, "reading columns", why, len);
}

static shim_ret bench_series_marks(struct bench_records *r, bench_record_id cycle,
				   struct bench_record_series *s, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT cycle FROM cycle_marks WHERE cycle_id=? ORDER BY cycle", &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned long *m = realloc(s->marks, (s->nmarks + 1) * sizeof(*m));

		if (m == NULL)
			break;
		s->marks = m;
		s->marks[s->nmarks++] = (unsigned long)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, "reading marks", why, len);
}

static shim_ret bench_series_chunks(struct bench_records *r, bench_record_id cycle,
				    struct bench_record_series *s, char *why, size_t len)
{
	sqlite3_stmt *st;
	unsigned long at = 0;
	shim_ret ret = bench_records_prepare(r,
		"SELECT first, rows, ncols, data FROM cycle_chunks WHERE cycle_id=? ORDER BY first",
		&st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	while (ret == SHIM_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned long first = (unsigned long)sqlite3_column_int64(st, 0);
		unsigned long rows = (unsigned long)sqlite3_column_int64(st, 1);
		size_t ncols = (size_t)sqlite3_column_int64(st, 2);
		const unsigned char *data = sqlite3_column_blob(st, 3);
		size_t n = (size_t)sqlite3_column_bytes(st, 3);

		if (at + rows > s->rows || ncols > s->ncols ||
		    !bench_records_decode(data, n, rows, ncols, s->v + at, s->rows, s->cycle_us + at)) {
			snprintf(why, len, "%s: cycle record %lld has a malformed chunk at cycle %lu",
				 r->path, (long long)cycle, first);
			ret = SHIM_ERR_BAD_ARGUMENT;
			break;
		}
		for (unsigned long i = 0; i < rows; i++)
			s->cycle[at + i] = first + i;
		at += rows;
	}
	sqlite3_finalize(st);
	if (ret == SHIM_OK && rc != SQLITE_DONE)
		ret = bench_records_fail(r, rc, "reading cycles", why, len);
	return ret;
}

shim_ret bench_records_cycle_series(struct bench_records *r, bench_record_id cycle,
				    struct bench_record_series *out, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT COALESCE(SUM(rows),0), COALESCE(MAX(ncols),0),"
		" (SELECT COUNT(*) FROM cycle_columns WHERE cycle_id=?1)"
		" FROM cycle_chunks WHERE cycle_id=?1", &st, why, len);
	int rc;

	memset(out, 0, sizeof(*out));
	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int64_t cols = sqlite3_column_int64(st, 1), named = sqlite3_column_int64(st, 2);

		out->rows = (unsigned long)sqlite3_column_int64(st, 0);
		out->ncols = (size_t)(named > cols ? named : cols);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return bench_records_fail(r, rc, "reading cycles", why, len);
	out->names = calloc(out->ncols + 1, sizeof(*out->names));
	out->cycle = calloc(out->rows + 1, sizeof(*out->cycle));
	out->cycle_us = calloc(out->rows + 1, sizeof(*out->cycle_us));
	out->v = calloc((size_t)out->rows * out->ncols + 1, sizeof(*out->v));
	if (out->names == NULL || out->cycle == NULL || out->cycle_us == NULL || out->v == NULL) {
		bench_record_series_free(out);
		snprintf(why, len, "out of memory reading a series of %lu cycles", out->rows);
		return SHIM_ERR_NO_MEMORY;
	}
	ret = bench_series_names(r, cycle, out, why, len);
	if (ret == SHIM_OK)
		ret = bench_series_chunks(r, cycle, out, why, len);
	if (ret == SHIM_OK)
		ret = bench_series_marks(r, cycle, out, why, len);
	if (ret != SHIM_OK)
		bench_record_series_free(out);
	return ret;
}
