/* The cycle runner: repeats one common operation (driver start/stop,
 * device attach/detach, sleep/wake, user-client open/close) N times on a
 * fixture machine, snapshots the kernel's counters after every cycle and
 * fails on a non-baseline end state or on a counter that trends upwards.
 * Kinds are a table: a missing operation is one entry in bench_cycle_kinds.c. */
#ifndef BENCH_CYCLE_H
#define BENCH_CYCLE_H

#include <stdio.h>

#include "bench/scenario.h"

#define BENCH_CYCLE_DEFAULT_COUNT 1000ul
#define BENCH_CYCLE_MAX_COUNT 100000ul
/* Counts a memcheck run scales down to (DRVBENCH_UNDER_VALGRIND set). */
#define BENCH_CYCLE_VALGRIND_DIVISOR 10ul

/* Trend rule: a counter fails when the least-squares slope of its per-cycle
 * series exceeds max(BENCH_CYCLE_SLOPE_MIN, 1 / (cycles - 1)), i.e. it rises
 * by more than one unit every 1,000 cycles AND the fitted line rises by
 * more than one whole unit over the run. One object leaked every 100
 * cycles is a slope of 0.01, ten times the bar over 1,000 cycles; a steady
 * counter on the deterministic sim host has a slope of exactly 0; a single
 * warm-up allocation in the first cycles fits well below one unit. */
#define BENCH_CYCLE_SLOPE_MIN 0.001

/* What a cycle kind gets: the booted machine, and a slot for its own state. */
struct bench_cycle_ctx {
	struct bench_machine *fx;
	void *priv;
	unsigned long index; /* the cycle about to run, from 0 */
};

struct bench_cycle_kind {
	const char *name;     /* as given to drvbench cycle --kind */
	const char *summary;
	/* Optional. SHIM_ERR_UNSUPPORTED (with why) when this machine or this
	 * build cannot do the operation: the run is CANNOT RUN, not FAIL. */
	shim_ret (*setup)(struct bench_cycle_ctx *c, char *why, size_t len);
	/* One full cycle that ends in the state it started from. */
	shim_ret (*cycle)(struct bench_cycle_ctx *c, char *why, size_t len);
	/* Optional; runs whenever setup succeeded. */
	void (*teardown)(struct bench_cycle_ctx *c);
	bool hotplug;         /* boots the machine with bench_options.hotplug */
};

const struct bench_cycle_kind *bench_cycle_kind_at(size_t i); /* NULL past the end */
const struct bench_cycle_kind *bench_cycle_kind_find(const char *name);

/* ---- the per-cycle series ---- */

/* Fixed columns; per-class live counts follow them. */
enum bench_cycle_col {
	BENCH_COL_OBJECTS_LIVE = 0,
	BENCH_COL_ALLOC_COUNT,
	BENCH_COL_ALLOC_BYTES,
	BENCH_COL_WIRED_BYTES,
	BENCH_COL_PREPARED,
	BENCH_COL_LOG_DROPPED,
	BENCH_COL_VERIFIER,
	BENCH_COL_UC_TASKS,
	BENCH_COL_UC_CONNECTIONS,
	BENCH_COL_UC_OPEN,
	BENCH_COL_UC_HANDLES,
	BENCH_COL_UC_ASYNCS,
	BENCH_COL_FIXED_COUNT
};
#define BENCH_CYCLE_MAX_COLS (BENCH_COL_FIXED_COUNT + BENCH_MAX_CLASSES)

struct bench_cycle_series {
	size_t ncols;
	char cls[BENCH_CYCLE_MAX_COLS][BENCH_CLASS_NAME_LEN]; /* class columns' names */
	unsigned long rows, cap;
	int64_t *v;        /* rows x BENCH_CYCLE_MAX_COLS, row-major */
	double *cycle_us;  /* wall time of each cycle */
};

/* The column's name: "objects_live", ..., or the class name. */
const char *bench_cycle_col_name(const struct bench_cycle_series *s, size_t col);
int64_t bench_cycle_value(const struct bench_cycle_series *s, unsigned long row, size_t col);
/* Least-squares slope of a column over all rows (0 with fewer than 2). */
double bench_cycle_slope(const struct bench_cycle_series *s, size_t col);
/* The bar a slope must exceed to count as a trend over `rows` cycles. */
double bench_cycle_slope_threshold(unsigned long rows);

/* ---- a run ---- */

#define BENCH_CYCLE_MAX_TRENDS 8

struct bench_cycle_trend {
	size_t col;
	bool is_class;
	const char *name;
	double slope;          /* units per cycle */
	int64_t first, last;
};

typedef void (*bench_cycle_progress_fn)(void *arg, unsigned long done, unsigned long total);
/* After every cycle, with its row in the series (a writer streams from here). */
typedef void (*bench_cycle_row_fn)(void *arg, const struct bench_cycle_series *s);

struct bench_cycle_config {
	const struct bench_cycle_kind *kind;
	const struct bench_host_factory *host;
	unsigned long count;          /* 0: BENCH_CYCLE_DEFAULT_COUNT */
	struct bench_options opt;     /* profile, kext, module, variant, wrapper */
	bench_cycle_progress_fn progress; /* optional, called after every cycle */
	void *progress_arg;
	bench_cycle_row_fn row;       /* optional, called after every cycle */
	void *row_arg;
};

struct bench_cycle_result {
	const char *kind;
	char host[48];                /* "host:device" */
	enum bench_result result;
	char why[1024];
	unsigned long requested, done;
	double seconds;               /* the cycles only, without boot/shutdown */
	double threshold;             /* the slope bar used */
	/* The run was interrupted (bench/interrupt.h): it stopped before cycle
	 * `done`; trends and end state are those of the cycles done. */
	bool interrupted;
	size_t ntrends;
	struct bench_cycle_trend trends[BENCH_CYCLE_MAX_TRENDS];
	struct bench_cycle_series series;
};

/* Boots a machine, runs the cycles, checks end state and trends, shuts
 * down. Never aborts; the result owns the series (bench_cycle_result_free).
 * Once the run is interrupted (bench_interrupted()), no further cycle
 * starts; a cycle the interrupt cut short (its QEMU gave up) is not one
 * of the done. */
void bench_cycle_run(const struct bench_cycle_config *cfg, struct bench_cycle_result *res);
void bench_cycle_result_free(struct bench_cycle_result *res);

/* n divided by BENCH_CYCLE_VALGRIND_DIVISOR (at least min) under valgrind, else n. */
unsigned long bench_cycle_scaled(unsigned long n, unsigned long min);

/* ---- output (bench_cycle_output.c) ---- */

/* Header "cycle,cycle_us,<columns>", one row per cycle. False on a write error. */
bool bench_cycle_write_csv(FILE *out, const struct bench_cycle_result *res);

/* The same CSV written while the cycles run, so an interrupted or killed
 * run leaves the rows it did: rows are appended as they come and flushed
 * at least every BENCH_CYCLE_CSV_FLUSH_S; when a class first seen mid-run
 * adds a column, the file starts over with the new header. A stream that
 * cannot seek (a pipe, a terminal) gets the whole series at the end. */
#define BENCH_CYCLE_CSV_FLUSH_S 0.1
struct bench_cycle_csv {
	FILE *out;
	bool seekable, failed;
	int error;                /* errno of the first failed write */
	size_t ncols;             /* columns in the header written (0: none yet) */
	unsigned long rows;       /* rows written */
	double flushed_at;
};
void bench_cycle_csv_start(struct bench_cycle_csv *w, FILE *out);
/* Writes the rows of s not written yet; with final, everything and a
 * flush. False once a write failed (w->error says why). */
bool bench_cycle_csv_update(struct bench_cycle_csv *w, const struct bench_cycle_series *s,
			    bool final);
/* One JSON object: kind, host, result, why, interrupted, counts, trends,
 * columns, series. */
bool bench_cycle_write_json(FILE *out, const struct bench_cycle_result *res);
/* One line of a progress bar with rate and ETA ("\r", no newline). */
void bench_cycle_progress_line(FILE *out, const char *label, unsigned long done,
			    unsigned long total, double elapsed_s);

/* ---- planted leak (bench_cycle_leak.c), to prove the runner catches one ---- */

#define BENCH_CYCLE_LEAK_CLASS "bench_planted_leak"

/* A kext wrapper (bench_options.wrap_kext) under which every period-th
 * successful start of any of the kext's drivers allocates one counted
 * object of class BENCH_CYCLE_LEAK_CLASS and keeps it. The driver is
 * untouched. One planted leak at a time. */
bench_kext_wrap_fn bench_cycle_leak_wrap(unsigned long period);
long bench_cycle_leak_planted(void);
/* Frees every planted object (after the run, so valgrind stays clean). */
void bench_cycle_leak_reap(void);

#endif
