/* Internals shared by the bench records files (records_*.c, compare*.c,
 * report*.c): the open database and the few helpers every query uses. */
#ifndef BENCH_RECORDS_PRIV_H
#define BENCH_RECORDS_PRIV_H

#include <sqlite3.h>

#include "internal.h"
#include "bench/records.h"

struct bench_records {
	sqlite3 *db;
	bool writable;
	unsigned schema;
	char path[4096];
};

/* SQLite's word for rc, with the file named: "not a records file",
 * "corrupt", "busy", ... One place turns SQLite errors into text. */
BENCH_INTERNAL shim_ret bench_records_fail(struct bench_records *r, int rc, const char *doing,
					   char *why, size_t len);
/* BEGIN IMMEDIATE (waits for other writers), COMMIT, ROLLBACK. */
BENCH_INTERNAL shim_ret bench_records_tx_begin(struct bench_records *r, char *why, size_t len);
BENCH_INTERNAL shim_ret bench_records_tx_commit(struct bench_records *r, char *why, size_t len);
BENCH_INTERNAL void bench_records_tx_rollback(struct bench_records *r);
/* Prepares sql; on failure fills why. */
BENCH_INTERNAL shim_ret bench_records_prepare(struct bench_records *r, const char *sql,
					      sqlite3_stmt **st, char *why, size_t len);
/* Binds a string or NULL. */
BENCH_INTERNAL void bench_records_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Steps a statement that returns no row (SQLITE_DONE), then finalizes it. */
BENCH_INTERNAL shim_ret bench_records_step_done(struct bench_records *r, sqlite3_stmt *st,
						const char *doing, char *why, size_t len);
BENCH_INTERNAL shim_ret bench_records_need_writable(struct bench_records *r, char *why,
						    size_t len);

/* ---- the series codec (records_codec.c) ---- */

/* A chunk: rows of ncols columns (row-major in v, stride BENCH_CYCLE_MAX_COLS)
 * and their cycle times, as zigzag varints of the deltas down each column.
 * Returns the encoded size, 0 on allocation failure (*out malloc'd). */
BENCH_INTERNAL size_t bench_records_encode(const struct bench_cycle_series *s,
					   unsigned long row_from, unsigned long rows,
					   unsigned char **out);
/* Decodes into column-major dst (dst[c * stride + r]) and times; false on a
 * malformed chunk. */
BENCH_INTERNAL bool bench_records_decode(const unsigned char *p, size_t n, unsigned long rows,
					 size_t ncols, int64_t *dst, size_t stride, double *us);

#endif
