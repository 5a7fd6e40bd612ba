/* Per-selector user-client coverage in the records: what
 * shim_uc_selector_counts (or a fuzzer, for its processes) counted during
 * a run, kept as rows that add up per client and selector. */
#include <stdio.h>

#include "records_priv.h"

static shim_ret sel_insert(struct bench_records *r, sqlite3_stmt *st, bench_record_id run,
			   const struct shim_uc_selector_count *s, char *why, size_t len)
{
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run);
	bench_records_bind_text(st, 2, s->client);
	if (s->selector == SHIM_UC_SEL_OTHER)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_int64(st, 3, s->selector);
	bench_records_bind_text(st, 4, s->method[0] != '\0' ? s->method : NULL);
	sqlite3_bind_int64(st, 5, (int64_t)s->reached);
	sqlite3_bind_int64(st, 6, (int64_t)s->refused);
	sqlite3_bind_int64(st, 7, (int64_t)s->ran);
	sqlite3_bind_int64(st, 8, (int64_t)s->failed);
	rc = sqlite3_step(st);
	return rc == SQLITE_DONE ? SHIM_OK
				 : bench_records_fail(r, rc, "recording selector coverage", why, len);
}

shim_ret bench_records_add_selectors(struct bench_records *r, bench_record_id run,
				     const struct shim_uc_selector_count *rows, size_t n,
				     char *why, size_t len)
{
	sqlite3_stmt *st = NULL;
	shim_ret ret = bench_records_tx_begin(r, why, len);

	if (ret == SHIM_OK)
		ret = bench_records_prepare(r,
			"INSERT INTO uc_selectors(run_id, client, selector, method, reached, refused,"
			" ran, failed) VALUES(?,?,?,?,?,?,?,?)", &st, why, len);
	for (size_t i = 0; ret == SHIM_OK && i < n; i++)
		ret = sel_insert(r, st, run, &rows[i], why, len);
	sqlite3_finalize(st);
	if (ret == SHIM_OK)
		return bench_records_tx_commit(r, why, len);
	bench_records_tx_rollback(r);
	return ret;
}

shim_ret bench_records_selectors(struct bench_records *r, bench_record_id run,
				 struct shim_uc_selector_count *out, size_t cap, size_t *n,
				 char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT client, selector, MAX(COALESCE(method, '')), SUM(reached), SUM(refused),"
		" SUM(ran), SUM(failed) FROM uc_selectors WHERE run_id=? GROUP BY client, selector"
		" ORDER BY client, selector IS NULL, selector", &st, why, len);
	int rc;

	*n = 0;
	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct shim_uc_selector_count *s;

		if (*n >= cap) {
			++*n;
			continue;
		}
		s = &out[*n];
		snprintf(s->client, sizeof(s->client), "%s", (const char *)sqlite3_column_text(st, 0));
		s->selector = sqlite3_column_type(st, 1) == SQLITE_NULL
				      ? SHIM_UC_SEL_OTHER : (uint32_t)sqlite3_column_int64(st, 1);
		snprintf(s->method, sizeof(s->method), "%s", (const char *)sqlite3_column_text(st, 2));
		s->reached = (unsigned long)sqlite3_column_int64(st, 3);
		s->refused = (unsigned long)sqlite3_column_int64(st, 4);
		s->ran = (unsigned long)sqlite3_column_int64(st, 5);
		s->failed = (unsigned long)sqlite3_column_int64(st, 6);
		++*n;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK
				 : bench_records_fail(r, rc, "reading selector coverage", why, len);
}
