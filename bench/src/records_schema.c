/* The records schema, one migration per version (PRAGMA user_version). A
 * new version is one more entry here: never edit an old one, a file in the
 * field was made with it. */
#include "records_priv.h"

static const char *const bench_records_migrations[BENCH_RECORDS_SCHEMA + 1] = {
	[1] =
	/* One row per recorded command, keyed by the kext, its label, where and when. */
	"CREATE TABLE runs(id INTEGER PRIMARY KEY, command TEXT NOT NULL,"
	" bundle_id TEXT NOT NULL, bundle_version TEXT NOT NULL, label TEXT NOT NULL,"
	" host TEXT, device TEXT, started INTEGER NOT NULL, ended INTEGER,"
	" cpu TEXT, cores INTEGER, state TEXT NOT NULL DEFAULT 'running');"
	"CREATE TABLE scenarios(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
	" name TEXT NOT NULL, host TEXT NOT NULL, result TEXT NOT NULL, why TEXT, ms REAL,"
	" objects_delta INTEGER, alloc_count_delta INTEGER, alloc_bytes_delta INTEGER,"
	" wired_delta INTEGER, prepared_delta INTEGER, log_drops INTEGER,"
	" verifier_records INTEGER);"
	"CREATE TABLE scenario_classes(scenario_id INTEGER NOT NULL REFERENCES scenarios(id),"
	" name TEXT NOT NULL, before INTEGER, after INTEGER);"
	/* A planned cycle kind; the fit's shared part lives here, so an
	 * interrupted run resumes from the last checkpoint. */
	"CREATE TABLE cycles(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
	" kind TEXT NOT NULL, host TEXT NOT NULL, requested INTEGER, duration_s REAL,"
	" leak_period INTEGER, state TEXT NOT NULL DEFAULT 'pending', result TEXT, why TEXT,"
	" done INTEGER NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0, rate REAL,"
	" mean_us REAL, sd_us REAL, max_us REAL, threshold REAL,"
	" fit_mean_x REAL, fit_m2x REAL, fit_time_m2 REAL);"
	/* Per column: its name, and the fit (slope, the sums that continue it). */
	"CREATE TABLE cycle_columns(cycle_id INTEGER NOT NULL REFERENCES cycles(id),"
	" col INTEGER NOT NULL, name TEXT NOT NULL, slope REAL, trend INTEGER,"
	" first INTEGER, last INTEGER, mean_y REAL, cxy REAL, PRIMARY KEY(cycle_id, col));"
	/* The per-cycle series in chunks of zigzag-varint deltas (records_codec.c). */
	"CREATE TABLE cycle_chunks(cycle_id INTEGER NOT NULL REFERENCES cycles(id),"
	" first INTEGER NOT NULL, rows INTEGER NOT NULL, ncols INTEGER NOT NULL,"
	" data BLOB NOT NULL, PRIMARY KEY(cycle_id, first));"
	"CREATE TABLE cycle_marks(cycle_id INTEGER NOT NULL REFERENCES cycles(id),"
	" cycle INTEGER NOT NULL, what TEXT NOT NULL);"
	"CREATE TABLE fuzz(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
	" target TEXT NOT NULL, seconds REAL, execs INTEGER, execs_per_s REAL,"
	" features INTEGER, corpus INTEGER, crashes INTEGER);"
	"CREATE TABLE fuzz_points(fuzz_id INTEGER NOT NULL REFERENCES fuzz(id), t_s REAL,"
	" execs INTEGER, features INTEGER, corpus INTEGER, crashes INTEGER);"
	"CREATE TABLE findings(run_id INTEGER NOT NULL REFERENCES runs(id),"
	" check_name TEXT NOT NULL, severity TEXT NOT NULL, location TEXT, message TEXT NOT NULL);"
	"CREATE TABLE figures(run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL,"
	" value REAL NOT NULL, unit TEXT);",
	[2] =
	/* Coverage builds keep gcovr's JSON; compare and report look runs up by label. */
	"CREATE TABLE coverage(run_id INTEGER NOT NULL REFERENCES runs(id), json TEXT NOT NULL);"
	"CREATE INDEX runs_label ON runs(label, id);"
	"CREATE INDEX scenarios_run ON scenarios(run_id);"
	"CREATE INDEX cycles_run ON cycles(run_id);"
	"CREATE INDEX fuzz_run ON fuzz(run_id);"
	"CREATE INDEX findings_run ON findings(run_id);",
	[3] =
	/* Per-selector user-client coverage of a run (shim/uc_selectors.h);
	 * selector NULL: the calls past the client's table, on one row. */
	"CREATE TABLE uc_selectors(run_id INTEGER NOT NULL REFERENCES runs(id),"
	" client TEXT NOT NULL, selector INTEGER, method TEXT, reached INTEGER NOT NULL,"
	" refused INTEGER NOT NULL, ran INTEGER NOT NULL, failed INTEGER NOT NULL);"
	"CREATE INDEX uc_selectors_run ON uc_selectors(run_id);",
};

const char *bench_records_migration(unsigned to)
{
	return to >= 1 && to <= BENCH_RECORDS_SCHEMA ? bench_records_migrations[to] : NULL;
}
