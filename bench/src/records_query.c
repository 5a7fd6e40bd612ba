/* Looking a kext's history up in the records: the version of its last
 * release that passed a command (qualify's default --previous). */
#include <stdio.h>

#include "records_priv.h"

shim_ret bench_records_last_version(struct bench_records *r, const char *command,
				    const char *bundle_id, const char *except, char *out,
				    size_t outlen, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret;
	int rc;

	if (r->schema == 0) {
		snprintf(why, len, "%s holds no runs", r->path);
		return SHIM_ERR_NOT_FOUND;
	}
	ret = bench_records_prepare(r,
		"SELECT bundle_version FROM runs WHERE command=? AND bundle_id=? AND state='done'"
		" AND bundle_version<>? ORDER BY id DESC LIMIT 1", &st, why, len);
	if (ret != SHIM_OK)
		return ret;
	bench_records_bind_text(st, 1, command);
	bench_records_bind_text(st, 2, bundle_id);
	bench_records_bind_text(st, 3, except != NULL ? except : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return SHIM_OK;
	if (rc != SQLITE_DONE)
		return bench_records_fail(r, rc, "looking for the last release", why, len);
	snprintf(why, len, "%s holds no passed %s run of %s", r->path, command, bundle_id);
	return SHIM_ERR_NOT_FOUND;
}
