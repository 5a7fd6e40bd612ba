/* The records database: results kept between releases in one SQLite file
 * (drvbench-records.sqlite by default), so compare (bench/compare.h) and
 * report (bench/report.h) can look back. A versioned schema migrated on
 * open; every write is one transaction, safe with several processes
 * recording into the same file at once. Errors come back as shim_ret with a
 * readable reason; a file that is not ours to write is never touched. */
#ifndef BENCH_RECORDS_H
#define BENCH_RECORDS_H

#include <stdint.h>

#include "bench/cycle.h"
#include "bench/scenario.h"
#include "shim/uc_selectors.h"

#define BENCH_RECORDS_DEFAULT_PATH "drvbench-records.sqlite"
/* The newest schema this build reads and writes (PRAGMA user_version). */
#define BENCH_RECORDS_SCHEMA 3u

struct bench_records;
typedef int64_t bench_record_id;

/* Opens a records file. Writable: created if missing, migrated to
 * BENCH_RECORDS_SCHEMA. Read-only: a missing file is an error. Refused with
 * the reason and without writing a byte: a file that is not SQLite, a
 * corrupt one, one from a newer schema, and (writable) one that cannot be
 * written. */
shim_ret bench_records_open(const char *path, bool writable, struct bench_records **out,
			    char *why, size_t len);
void bench_records_close(struct bench_records *r);
unsigned bench_records_schema(const struct bench_records *r);
const char *bench_records_path(const struct bench_records *r);
/* The SQL that takes a file from schema to-1 to `to` (1..BENCH_RECORDS_SCHEMA),
 * NULL outside; tests build old files with it. */
const char *bench_records_migration(unsigned to);

/* ---- who ran what where ---- */

/* This machine: the CPU's model name and the online core count. */
void bench_records_machine(char *cpu, size_t len, unsigned *cores);
/* The default release label of a kext: `git describe --tags --always
 * --dirty` of the git tree holding bundle_path, else version. */
void bench_records_default_label(const char *bundle_path, const char *version, char *out,
				 size_t len);

struct bench_record_key {
	const char *command;        /* "run", "cycle", "fuzz", "qualify", "bench" */
	const char *bundle_id;      /* CFBundleIdentifier */
	const char *bundle_version; /* CFBundleVersion */
	const char *label;          /* release label; NULL: bundle_version */
	const char *host;           /* "sim:DEVICE", "all", ...; may be NULL */
	const char *device;         /* profile name; may be NULL */
	int64_t started;            /* unix time; 0: now */
	const char *cpu;            /* NULL: this machine's */
	unsigned cores;             /* 0: this machine's */
};

/* A recorded run: state "running" until bench_records_end. */
shim_ret bench_records_begin(struct bench_records *r, const struct bench_record_key *key,
			     bench_record_id *run, char *why, size_t len);
/* state: "done", "interrupted" or "failed". */
shim_ret bench_records_end(struct bench_records *r, bench_record_id run, const char *state,
			   char *why, size_t len);

/* ---- what a run found ---- */

/* Result, time, counter deltas (per class too), log drops, verifier records. */
shim_ret bench_records_add_scenario(struct bench_records *r, bench_record_id run,
				    const struct bench_report *rep, char *why, size_t len);

/* A benchmark's figure, e.g. ("mmio_read_ns", 41.5, "ns"). */
shim_ret bench_records_add_figure(struct bench_records *r, bench_record_id run,
				  const char *name, double value, const char *unit, char *why,
				  size_t len);

/* A qualification finding (drvbench qualify; any source of findings). */
struct bench_record_finding {
	const char *check;    /* the check's name */
	const char *severity; /* "error", "warning", "note" */
	const char *where;    /* file, symbol or selector; may be NULL */
	const char *message;
};
shim_ret bench_records_add_finding(struct bench_records *r, bench_record_id run,
				   const struct bench_record_finding *f, char *why, size_t len);

/* A fuzz campaign, with its coverage over time. */
struct bench_record_fuzz_point {
	double t_s;
	unsigned long execs, features, corpus, crashes;
};
struct bench_record_fuzz {
	const char *target;
	double seconds, execs_per_s;
	unsigned long execs, features, corpus, crashes;
	const struct bench_record_fuzz_point *points;
	size_t npoints;
};
shim_ret bench_records_add_fuzz(struct bench_records *r, bench_record_id run,
				const struct bench_record_fuzz *f, char *why, size_t len);

/* Per-selector user-client coverage: how often each selector was reached,
 * refused by the shim, run and failed by its method during the run (rows
 * from shim_uc_selector_counts, or from a fuzzer's report), in one
 * transaction. Rows with the same client and selector add up. */
shim_ret bench_records_add_selectors(struct bench_records *r, bench_record_id run,
				     const struct shim_uc_selector_count *rows, size_t n,
				     char *why, size_t len);
/* The run's selectors, summed per client and selector, in out (up to cap;
 * SHIM_UC_SEL_OTHER for the shared row); *n is how many there are. */
shim_ret bench_records_selectors(struct bench_records *r, bench_record_id run,
				 struct shim_uc_selector_count *out, size_t cap, size_t *n,
				 char *why, size_t len);

/* gcovr's JSON for the run (a coverage build). */
shim_ret bench_records_add_coverage(struct bench_records *r, bench_record_id run,
				    const char *json, size_t n, char *why, size_t len);

/* ---- cycle runs: summaries, series in chunks, checkpoints ---- */

/* One cycle kind being recorded; its rows arrive through the runner's
 * checkpoints (bench_records_cycle_checkpoint as bench_cycle_config's
 * checkpoint, the handle as its argument). */
struct bench_records_cycle;

struct bench_record_cycle_plan {
	const char *kind;
	const char *host;
	unsigned long count;       /* requested (0: none, with a duration) */
	double duration_s;
	unsigned long leak_period; /* a planted leak's period, 0: none */
};

/* Declares a kind the run will cycle, before it starts ("pending"), so an
 * interrupted run knows what it had left to do. */
shim_ret bench_records_cycle_plan(struct bench_records *r, bench_record_id run,
				  const struct bench_record_cycle_plan *plan, bench_record_id *cycle,
				  char *why, size_t len);
/* Starts (or, after bench_records_cycle_resume_point, continues) recording
 * into a planned kind. */
shim_ret bench_records_cycle_open(struct bench_records *r, bench_record_id cycle,
				  struct bench_records_cycle **out, char *why, size_t len);
/* A bench_cycle_checkpoint_fn: appends the new rows as one compact chunk and
 * the fit so far, in one transaction; at the end, the verdict. */
bool bench_records_cycle_checkpoint(void *rc, const struct bench_cycle_result *res,
				    unsigned long row_from, bool final, char *why, size_t len);
void bench_records_cycle_close(struct bench_records_cycle *rc);

/* A whole finished result at once (plan, open, one checkpoint, close). */
shim_ret bench_records_add_cycle(struct bench_records *r, bench_record_id run,
				 const struct bench_cycle_result *res, char *why, size_t len);

/* ---- resuming an interrupted run ---- */

/* The newest run of bundle_id by `command` that did not end ("running" or
 * "interrupted"); SHIM_ERR_NOT_FOUND (why says so) when there is none. */
shim_ret bench_records_unfinished(struct bench_records *r, const char *command,
				  const char *bundle_id, bench_record_id *run, char *why,
				  size_t len);
/* The CFBundleVersion of the newest run of bundle_id by `command` that
 * ended "done" (for qualify: qualified) with a version other than except
 * (NULL: any), in out; SHIM_ERR_NOT_FOUND (why) when there is none. */
shim_ret bench_records_last_version(struct bench_records *r, const char *command,
				    const char *bundle_id, const char *except, char *out,
				    size_t outlen, char *why, size_t len);
/* The run's planned kinds, in plan order; *n on entry is the capacity. */
struct bench_record_cycle_state {
	bench_record_id cycle;
	char kind[48], host[48], state[16];
	unsigned long count, done, leak_period;
	double duration_s;
};
shim_ret bench_records_cycle_states(struct bench_records *r, bench_record_id run,
				    struct bench_record_cycle_state *out, size_t *n, char *why,
				    size_t len);
/* Where a planned kind stopped: the committed cycles and the fit. */
shim_ret bench_records_cycle_resume_point(struct bench_records *r, bench_record_id cycle,
					  struct bench_cycle_resume *out, char *why, size_t len);
/* Marks the run "running" again. */
shim_ret bench_records_reopen(struct bench_records *r, bench_record_id run, char *why,
			      size_t len);

/* ---- reading back a series ---- */

struct bench_record_series {
	unsigned long rows;
	size_t ncols;
	char (*names)[BENCH_CLASS_NAME_LEN]; /* ncols names */
	unsigned long *cycle;                /* rows cycle numbers */
	double *cycle_us;                    /* rows */
	int64_t *v;                          /* rows x ncols, column-major */
	size_t nmarks;
	unsigned long *marks;                /* cycles where a resumed part began */
};
shim_ret bench_records_cycle_series(struct bench_records *r, bench_record_id cycle,
				    struct bench_record_series *out, char *why, size_t len);
void bench_record_series_free(struct bench_record_series *s);

#endif
