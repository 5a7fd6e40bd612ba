/* Recording cycle runs: a kind is planned when the run starts, then every
 * checkpoint appends the new rows as one compact chunk with the fit so far,
 * in one transaction, so an interrupted run (even a killed one) keeps all it
 * committed and --resume continues from there. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "records_priv.h"

struct bench_records_cycle {
	struct bench_records *r;
	bench_record_id cycle;
	bool marked; /* the resume mark of this part is written */
};

shim_ret bench_records_cycle_plan(struct bench_records *r, bench_record_id run,
				  const struct bench_record_cycle_plan *plan, bench_record_id *cycle,
				  char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"INSERT INTO cycles(run_id, kind, host, requested, duration_s, leak_period)"
		" VALUES(?,?,?,?,?,?)", &st, why, len);

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, run);
	bench_records_bind_text(st, 2, plan->kind);
	bench_records_bind_text(st, 3, plan->host != NULL ? plan->host : "");
	sqlite3_bind_int64(st, 4, (int64_t)plan->count);
	sqlite3_bind_double(st, 5, plan->duration_s);
	sqlite3_bind_int64(st, 6, (int64_t)plan->leak_period);
	ret = bench_records_step_done(r, st, "planning a cycle run", why, len);
	if (ret == SHIM_OK)
		*cycle = sqlite3_last_insert_rowid(r->db);
	return ret;
}

shim_ret bench_records_cycle_open(struct bench_records *r, bench_record_id cycle,
				  struct bench_records_cycle **out, char *why, size_t len)
{
	struct bench_records_cycle *rc = calloc(1, sizeof(*rc));

	*out = NULL;
	if (rc == NULL) {
		snprintf(why, len, "out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	rc->r = r;
	rc->cycle = cycle;
	*out = rc;
	return SHIM_OK;
}

void bench_records_cycle_close(struct bench_records_cycle *rc)
{
	free(rc);
}

static shim_ret bench_records_chunk(struct bench_records_cycle *rc,
				    const struct bench_cycle_result *res, unsigned long row_from,
				    char *why, size_t len)
{
	const struct bench_cycle_series *s = &res->series;
	unsigned long rows = s->rows - row_from;
	unsigned char *data = NULL;
	size_t n;
	sqlite3_stmt *st;
	shim_ret ret;

	if (rows == 0)
		return SHIM_OK;
	n = bench_records_encode(s, row_from, rows, &data);
	if (n == 0) {
		snprintf(why, len, "out of memory encoding %lu cycles", rows);
		return SHIM_ERR_NO_MEMORY;
	}
	ret = bench_records_prepare(rc->r,
		"INSERT INTO cycle_chunks(cycle_id, first, rows, ncols, data) VALUES(?,?,?,?,?)", &st,
		why, len);
	if (ret == SHIM_OK) {
		sqlite3_bind_int64(st, 1, rc->cycle);
		sqlite3_bind_int64(st, 2, (int64_t)(s->first + row_from));
		sqlite3_bind_int64(st, 3, (int64_t)rows);
		sqlite3_bind_int64(st, 4, (int64_t)s->ncols);
		sqlite3_bind_blob(st, 5, data, (int)n, free);
		return bench_records_step_done(rc->r, st, "recording cycles", why, len);
	}
	free(data);
	return ret;
}

static shim_ret bench_records_columns(struct bench_records_cycle *rc,
				      const struct bench_cycle_result *res, double threshold,
				      char *why, size_t len)
{
	const struct bench_cycle_fit *f = &res->fit;
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(rc->r,
		"INSERT OR REPLACE INTO cycle_columns(cycle_id, col, name, slope, trend, first, last,"
		" mean_y, cxy) VALUES(?,?,?,?,?,?,?,?,?)", &st, why, len);

	for (size_t c = 0; ret == SHIM_OK && c < res->series.ncols; c++) {
		double slope = bench_cycle_fit_slope(f, c);
		int rcode;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, rc->cycle);
		sqlite3_bind_int64(st, 2, (int64_t)c);
		bench_records_bind_text(st, 3, bench_cycle_col_name(&res->series, c));
		sqlite3_bind_double(st, 4, slope);
		sqlite3_bind_int(st, 5, slope > threshold);
		sqlite3_bind_int64(st, 6, f->first[c]);
		sqlite3_bind_int64(st, 7, f->last[c]);
		sqlite3_bind_double(st, 8, f->mean_y[c]);
		sqlite3_bind_double(st, 9, f->cxy[c]);
		rcode = sqlite3_step(st);
		if (rcode != SQLITE_DONE)
			ret = bench_records_fail(rc->r, rcode, "recording the trend fit", why, len);
	}
	sqlite3_finalize(st);
	return ret;
}

static shim_ret bench_records_summary(struct bench_records_cycle *rc,
				      const struct bench_cycle_result *res, bool final,
				      double threshold, char *why, size_t len)
{
	const struct bench_cycle_fit *f = &res->fit;
	const char *state = !final ? "running" : res->stopped ? "interrupted" : "done";
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(rc->r,
		"UPDATE cycles SET state=?, result=?, why=?, done=?, seconds=?, rate=?, mean_us=?,"
		" sd_us=?, max_us=?, threshold=?, fit_mean_x=?, fit_m2x=?, fit_time_m2=? WHERE id=?",
		&st, why, len);

	if (ret != SHIM_OK)
		return ret;
	bench_records_bind_text(st, 1, state);
	bench_records_bind_text(st, 2, final ? bench_result_string(res->result) : NULL);
	bench_records_bind_text(st, 3, res->why);
	sqlite3_bind_int64(st, 4, (int64_t)res->done);
	sqlite3_bind_double(st, 5, res->seconds);
	sqlite3_bind_double(st, 6, res->seconds > 0 ? (double)f->n / res->seconds : 0.0);
	sqlite3_bind_double(st, 7, f->time_mean);
	sqlite3_bind_double(st, 8, bench_cycle_fit_time_sd(f));
	sqlite3_bind_double(st, 9, f->time_max);
	sqlite3_bind_double(st, 10, threshold);
	sqlite3_bind_double(st, 11, f->mean_x);
	sqlite3_bind_double(st, 12, f->m2x);
	sqlite3_bind_double(st, 13, f->time_m2);
	sqlite3_bind_int64(st, 14, rc->cycle);
	return bench_records_step_done(rc->r, st, "recording a cycle summary", why, len);
}

static shim_ret bench_records_mark(struct bench_records_cycle *rc,
				   const struct bench_cycle_result *res, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret;

	if (rc->marked || res->resumed_at == 0)
		return SHIM_OK;
	ret = bench_records_prepare(rc->r,
		"INSERT INTO cycle_marks(cycle_id, cycle, what) VALUES(?,?,'resume')", &st, why, len);
	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, rc->cycle);
	sqlite3_bind_int64(st, 2, (int64_t)res->resumed_at);
	ret = bench_records_step_done(rc->r, st, "marking the resume point", why, len);
	rc->marked = ret == SHIM_OK;
	return ret;
}

bool bench_records_cycle_checkpoint(void *arg, const struct bench_cycle_result *res,
				    unsigned long row_from, bool final, char *why, size_t len)
{
	struct bench_records_cycle *rc = arg;
	double threshold = final && res->threshold > 0 ? res->threshold
						       : bench_cycle_slope_threshold(res->fit.n);
	bool marked = rc->marked;
	shim_ret ret = bench_records_tx_begin(rc->r, why, len);

	if (ret == SHIM_OK)
		ret = bench_records_chunk(rc, res, row_from, why, len);
	if (ret == SHIM_OK)
		ret = bench_records_mark(rc, res, why, len);
	if (ret == SHIM_OK)
		ret = bench_records_columns(rc, res, threshold, why, len);
	if (ret == SHIM_OK)
		ret = bench_records_summary(rc, res, final, threshold, why, len);
	if (ret == SHIM_OK)
		ret = bench_records_tx_commit(rc->r, why, len);
	if (ret != SHIM_OK) {
		bench_records_tx_rollback(rc->r);
		rc->marked = marked;
	}
	return ret == SHIM_OK;
}

shim_ret bench_records_add_cycle(struct bench_records *r, bench_record_id run,
				 const struct bench_cycle_result *res, char *why, size_t len)
{
	struct bench_record_cycle_plan plan = { .kind = res->kind, .host = res->host,
						.count = res->requested };
	struct bench_records_cycle *rc;
	bench_record_id cycle;
	shim_ret ret = bench_records_cycle_plan(r, run, &plan, &cycle, why, len);

	if (ret == SHIM_OK)
		ret = bench_records_cycle_open(r, cycle, &rc, why, len);
	if (ret != SHIM_OK)
		return ret;
	if (!bench_records_cycle_checkpoint(rc, res, 0, true, why, len))
		ret = SHIM_ERR_GENERIC;
	bench_records_cycle_close(rc);
	return ret;
}
