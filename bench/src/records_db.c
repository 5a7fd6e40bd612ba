/* Opening a records file: refusals before SQLite writes a byte (not SQLite,
 * corrupt, newer schema, read-only), WAL so several processes can record at
 * once, migrations in one transaction; and the transaction helpers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "records_priv.h"

/* Another process may hold the write lock while it commits a chunk. */
#define BENCH_RECORDS_BUSY_MS 60000

shim_ret bench_records_fail(struct bench_records *r, int rc, const char *doing, char *why,
			    size_t len)
{
	const char *path = r != NULL ? r->path : "records file";
	const char *msg = r != NULL && r->db != NULL ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		snprintf(why, len, "%s is not a SQLite records file (%s); nothing was written",
			 path, doing);
		return SHIM_ERR_BAD_ARGUMENT;
	case SQLITE_CORRUPT:
		snprintf(why, len, "%s is corrupt (%s: %s); nothing was written", path, doing, msg);
		return SHIM_ERR_BAD_ARGUMENT;
	case SQLITE_READONLY:
	case SQLITE_PERM:
		snprintf(why, len, "%s is read-only (%s: %s); nothing was written", path, doing, msg);
		return SHIM_ERR_NOT_PERMITTED;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		snprintf(why, len, "%s stayed locked by another process for %d s (%s)", path,
			 BENCH_RECORDS_BUSY_MS / 1000, doing);
		return SHIM_ERR_BUSY;
	case SQLITE_FULL:
		snprintf(why, len, "%s: disk full (%s)", path, doing);
		return SHIM_ERR_NO_RESOURCES;
	case SQLITE_NOMEM:
		snprintf(why, len, "%s: out of memory (%s)", path, doing);
		return SHIM_ERR_NO_MEMORY;
	default:
		snprintf(why, len, "%s: %s (%s)", path, msg, doing);
		return SHIM_ERR_GENERIC;
	}
}

shim_ret bench_records_prepare(struct bench_records *r, const char *sql, sqlite3_stmt **st,
			       char *why, size_t len)
{
	int rc = sqlite3_prepare_v2(r->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? SHIM_OK : bench_records_fail(r, rc, "preparing a query", why, len);
}

void bench_records_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

shim_ret bench_records_step_done(struct bench_records *r, sqlite3_stmt *st, const char *doing,
				 char *why, size_t len)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, doing, why, len);
}

static shim_ret bench_records_exec(struct bench_records *r, const char *sql, const char *doing,
				   char *why, size_t len)
{
	int rc = sqlite3_exec(r->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? SHIM_OK : bench_records_fail(r, rc, doing, why, len);
}

shim_ret bench_records_tx_begin(struct bench_records *r, char *why, size_t len)
{
	return bench_records_exec(r, "BEGIN IMMEDIATE", "starting a write", why, len);
}

shim_ret bench_records_tx_commit(struct bench_records *r, char *why, size_t len)
{
	shim_ret ret = bench_records_exec(r, "COMMIT", "committing", why, len);

	if (ret != SHIM_OK)
		bench_records_tx_rollback(r);
	return ret;
}

void bench_records_tx_rollback(struct bench_records *r)
{
	if (!sqlite3_get_autocommit(r->db))
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
}

shim_ret bench_records_need_writable(struct bench_records *r, char *why, size_t len)
{
	if (r->writable)
		return SHIM_OK;
	snprintf(why, len, "%s was opened read-only", r->path);
	return SHIM_ERR_NOT_PERMITTED;
}

static shim_ret bench_records_user_version(struct bench_records *r, unsigned *v, char *why,
					   size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r, "PRAGMA user_version", &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = (unsigned)sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? SHIM_OK : bench_records_fail(r, rc, "reading the schema", why, len);
}

/* The file's first bytes, before SQLite sees it: an empty or missing file
 * is a new one, anything else must carry SQLite's header. */
static shim_ret bench_records_precheck(const char *path, bool writable, bool *exists, char *why,
				       size_t len)
{
	static const char magic[16] = "SQLite format 3";
	char head[16];
	struct stat st;
	FILE *f;
	size_t n;

	*exists = stat(path, &st) == 0;
	if (!*exists) {
		if (errno != ENOENT || !writable) {
			snprintf(why, len, "no records file %s (%s)%s", path, strerror(errno),
				 writable ? "" : "; record some with --record first");
			return SHIM_ERR_NOT_FOUND;
		}
		return SHIM_OK;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s is not a regular file", path);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (writable && access(path, W_OK) != 0) {
		snprintf(why, len, "%s is read-only (%s); nothing was written", path, strerror(errno));
		return SHIM_ERR_NOT_PERMITTED;
	}
	if (st.st_size == 0)
		return SHIM_OK;
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(why, len, "cannot read %s: %s", path, strerror(errno));
		return SHIM_ERR_NOT_PERMITTED;
	}
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n != sizeof(head) || memcmp(head, magic, sizeof(magic)) != 0) {
		snprintf(why, len, "%s is not a SQLite records file; nothing was written", path);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	return SHIM_OK;
}

/* Switching to WAL needs the file to itself, and SQLite may answer BUSY at
 * once, without its busy handler, while another process creating the same
 * file holds it: retried here, bounded like every other wait. */
static shim_ret bench_records_wal(struct bench_records *r, char *why, size_t len)
{
	for (int waited_ms = 0;; waited_ms += 10) {
		int rc = sqlite3_exec(r->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);

		if (rc != SQLITE_BUSY || waited_ms >= BENCH_RECORDS_BUSY_MS)
			return rc == SQLITE_OK ? SHIM_OK
					       : bench_records_fail(r, rc, "switching to WAL", why, len);
		sqlite3_sleep(10);
	}
}

/* Each step in the same transaction as the version bump: a crash leaves the
 * old schema, never half of a new one. */
static shim_ret bench_records_migrate(struct bench_records *r, char *why, size_t len)
{
	shim_ret ret = bench_records_wal(r, why, len);
	unsigned v = 0;

	if (ret == SHIM_OK)
		ret = bench_records_tx_begin(r, why, len);
	if (ret == SHIM_OK)
		ret = bench_records_user_version(r, &v, why, len); /* another process may have won */
	for (unsigned to = v + 1; ret == SHIM_OK && to <= BENCH_RECORDS_SCHEMA; to++) {
		char bump[64];

		snprintf(bump, sizeof(bump), "PRAGMA user_version=%u", to);
		ret = bench_records_exec(r, bench_records_migration(to), "migrating the schema", why,
					 len);
		if (ret == SHIM_OK)
			ret = bench_records_exec(r, bump, "migrating the schema", why, len);
	}
	if (ret == SHIM_OK)
		ret = bench_records_tx_commit(r, why, len);
	bench_records_tx_rollback(r);
	if (ret == SHIM_OK)
		r->schema = BENCH_RECORDS_SCHEMA;
	return ret;
}

static shim_ret bench_records_connect(struct bench_records *r, char *why, size_t len)
{
	int flags = r->writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
	int rc = sqlite3_open_v2(r->path, &r->db, flags, NULL);

	if (rc != SQLITE_OK)
		return bench_records_fail(r, rc, "opening", why, len);
	if (r->writable && sqlite3_db_readonly(r->db, "main") == 1) {
		snprintf(why, len, "%s is read-only; nothing was written", r->path);
		return SHIM_ERR_NOT_PERMITTED;
	}
	sqlite3_busy_timeout(r->db, BENCH_RECORDS_BUSY_MS);
	return bench_records_exec(r, "PRAGMA synchronous=NORMAL", "opening", why, len);
}

shim_ret bench_records_open(const char *path, bool writable, struct bench_records **out,
			    char *why, size_t len)
{
	struct bench_records *r;
	bool exists = false;
	unsigned v = 0;
	shim_ret ret = bench_records_precheck(path, writable, &exists, why, len);

	*out = NULL;
	if (ret != SHIM_OK)
		return ret;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		snprintf(why, len, "out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->writable = writable;
	ret = bench_records_connect(r, why, len);
	if (ret == SHIM_OK)
		ret = bench_records_user_version(r, &v, why, len);
	if (ret == SHIM_OK && v > BENCH_RECORDS_SCHEMA) {
		snprintf(why, len, "%s was written by a newer drvbench (schema %u; this one knows up "
			 "to %u); nothing was written", path, v, BENCH_RECORDS_SCHEMA);
		ret = SHIM_ERR_UNSUPPORTED;
	}
	r->schema = v;
	if (ret == SHIM_OK && v < BENCH_RECORDS_SCHEMA && (writable || v > 0)) {
		/* An old file read by compare or report is migrated first (it has to
		 * be writable then): the queries know one schema only. */
		if (!writable) {
			sqlite3_close(r->db);
			r->db = NULL;
			r->writable = true;
			ret = bench_records_connect(r, why, len);
		}
		if (ret == SHIM_OK)
			ret = bench_records_migrate(r, why, len);
		r->writable = writable;
	}
	if (ret != SHIM_OK) {
		bench_records_close(r);
		return ret;
	}
	*out = r;
	return SHIM_OK;
}

void bench_records_close(struct bench_records *r)
{
	if (r == NULL)
		return;
	if (r->db != NULL)
		sqlite3_close(r->db);
	free(r);
}

unsigned bench_records_schema(const struct bench_records *r)
{
	return r->schema;
}

const char *bench_records_path(const struct bench_records *r)
{
	return r->path;
}
