/* Reading back where an interrupted run stopped: the run, its planned
 * kinds, and for each the committed cycles and the fit to continue. */
#include <string.h>

#include "records_priv.h"

static void bench_records_copy(char *dst, size_t n, const unsigned char *src)
{
	snprintf(dst, n, "%s", src != NULL ? (const char *)src : "");
}

shim_ret bench_records_unfinished(struct bench_records *r, const char *command,
				  const char *bundle_id, bench_record_id *run, char *why,
				  size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret;
	int rc;

	if (r->schema == 0) {
		snprintf(why, len, "%s holds no runs", r->path);
		return SHIM_ERR_NOT_FOUND;
	}
	ret = bench_records_prepare(r,
		"SELECT id FROM runs WHERE command=? AND bundle_id=? AND state IN"
		" ('running','interrupted') ORDER BY id DESC LIMIT 1", &st, why, len);
	if (ret != SHIM_OK)
		return ret;
	bench_records_bind_text(st, 1, command);
	bench_records_bind_text(st, 2, bundle_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*run = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return SHIM_OK;
	if (rc != SQLITE_DONE)
		return bench_records_fail(r, rc, "looking for an unfinished run", why, len);
	snprintf(why, len, "%s holds no unfinished %s run of %s", r->path, command, bundle_id);
	return SHIM_ERR_NOT_FOUND;
}

shim_ret bench_records_cycle_states(struct bench_records *r, bench_record_id run,
				    struct bench_record_cycle_state *out, size_t *n, char *why,
				    size_t len)
{
	sqlite3_stmt *st;
	size_t cap = *n;
	shim_ret ret = bench_records_prepare(r,
		"SELECT id, kind, host, state, requested, done, leak_period, duration_s FROM cycles"
		" WHERE run_id=? ORDER BY id", &st, why, len);
	int rc;

	*n = 0;
	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
		struct bench_record_cycle_state *s = &out[(*n)++];

		s->cycle = sqlite3_column_int64(st, 0);
		bench_records_copy(s->kind, sizeof(s->kind), sqlite3_column_text(st, 1));
		bench_records_copy(s->host, sizeof(s->host), sqlite3_column_text(st, 2));
		bench_records_copy(s->state, sizeof(s->state), sqlite3_column_text(st, 3));
		s->count = (unsigned long)sqlite3_column_int64(st, 4);
		s->done = (unsigned long)sqlite3_column_int64(st, 5);
		s->leak_period = (unsigned long)sqlite3_column_int64(st, 6);
		s->duration_s = sqlite3_column_double(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		       ? SHIM_OK
		       : bench_records_fail(r, rc, "reading planned cycle kinds", why, len);
}

static shim_ret bench_records_resume_columns(struct bench_records *r, bench_record_id cycle,
					     struct bench_cycle_resume *out, char *why,
					     size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT col, name, first, last, mean_y, cxy FROM cycle_columns WHERE cycle_id=?"
		" ORDER BY col", &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	out->ncols = BENCH_COL_FIXED_COUNT;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t c = sqlite3_column_int64(st, 0);

		if (c < 0 || c >= BENCH_CYCLE_MAX_COLS)
			continue;
		if (c >= BENCH_COL_FIXED_COUNT)
			bench_records_copy(out->cls[c], sizeof(out->cls[c]), sqlite3_column_text(st, 1));
		if ((size_t)c + 1 > out->ncols)
			out->ncols = (size_t)c + 1;
		out->fit.first[c] = sqlite3_column_int64(st, 2);
		out->fit.last[c] = sqlite3_column_int64(st, 3);
		out->fit.mean_y[c] = sqlite3_column_double(st, 4);
		out->fit.cxy[c] = sqlite3_column_double(st, 5);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK
				 : bench_records_fail(r, rc, "reading the trend fit", why, len);
}

shim_ret bench_records_cycle_resume_point(struct bench_records *r, bench_record_id cycle,
					  struct bench_cycle_resume *out, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT done, seconds, mean_us, max_us, fit_mean_x, fit_m2x, fit_time_m2 FROM cycles"
		" WHERE id=?", &st, why, len);
	int rc;

	memset(out, 0, sizeof(*out));
	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->done = (unsigned long)sqlite3_column_int64(st, 0);
		out->seconds = sqlite3_column_double(st, 1);
		out->fit.n = out->done;
		out->fit.time_mean = sqlite3_column_double(st, 2);
		out->fit.time_max = sqlite3_column_double(st, 3);
		out->fit.mean_x = sqlite3_column_double(st, 4);
		out->fit.m2x = sqlite3_column_double(st, 5);
		out->fit.time_m2 = sqlite3_column_double(st, 6);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		snprintf(why, len, "%s holds no cycle record %lld", r->path, (long long)cycle);
		return SHIM_ERR_NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return bench_records_fail(r, rc, "reading a resume point", why, len);
	return bench_records_resume_columns(r, cycle, out, why, len);
}
