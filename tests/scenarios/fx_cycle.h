/* The cycle runner: repeats one common operation (driver start/stop,
 * device attach/detach, sleep/wake, user-client open/close) N times on a
 * fixture machine, snapshots the kernel's counters after every cycle and
 * fails on a non-baseline end state or on a counter that trends upwards.
 * Kinds are a table: a missing operation is one entry in fx_cycle_kinds.c. */
#ifndef FX_CYCLE_H
#define FX_CYCLE_H

#include <stdio.h>

#include "fx_scenario.h"

#define FX_CYCLE_DEFAULT_COUNT 1000ul
#define FX_CYCLE_MAX_COUNT 100000ul
/* Counts a memcheck run scales down to (DRVBENCH_UNDER_VALGRIND set). */
#define FX_CYCLE_VALGRIND_DIVISOR 10ul

/* Trend rule: a counter fails when the least-squares slope of its per-cycle
 * series exceeds max(FX_CYCLE_SLOPE_MIN, 1 / (cycles - 1)), i.e. it rises
 * by more than one unit every 1,000 cycles AND the fitted line rises by
 * more than one whole unit over the run. One object leaked every 100
 * cycles is a slope of 0.01, ten times the bar over 1,000 cycles; a steady
 * counter on the deterministic sim host has a slope of exactly 0; a single
 * warm-up allocation in the first cycles fits well below one unit. */
#define FX_CYCLE_SLOPE_MIN 0.001

/* What a cycle kind gets: the booted machine, and a slot for its own state. */
struct fx_cycle_ctx {
	struct fx_machine *fx;
	void *priv;
	unsigned long index; /* the cycle about to run, from 0 */
};

struct fx_cycle_kind {
	const char *name;     /* as given to drvbench cycle --kind */
	const char *summary;
	/* Optional. SHIM_ERR_UNSUPPORTED (with why) when this machine or this
	 * build cannot do the operation: the run is CANNOT RUN, not FAIL. */
	shim_ret (*setup)(struct fx_cycle_ctx *c, char *why, size_t len);
	/* One full cycle that ends in the state it started from. */
	shim_ret (*cycle)(struct fx_cycle_ctx *c, char *why, size_t len);
	/* Optional; runs whenever setup succeeded. */
	void (*teardown)(struct fx_cycle_ctx *c);
	bool hotplug;         /* boots the machine with fx_options.hotplug */
};

const struct fx_cycle_kind *fx_cycle_kind_at(size_t i); /* NULL past the end */
const struct fx_cycle_kind *fx_cycle_kind_find(const char *name);

/* ---- the per-cycle series ---- */

/* Fixed columns; per-class live counts follow them. */
enum fx_cycle_col {
	FX_COL_OBJECTS_LIVE = 0,
	FX_COL_ALLOC_COUNT,
	FX_COL_ALLOC_BYTES,
	FX_COL_WIRED_BYTES,
	FX_COL_PREPARED,
	FX_COL_LOG_DROPPED,
	FX_COL_VERIFIER,
	FX_COL_UC_TASKS,
	FX_COL_UC_CONNECTIONS,
	FX_COL_UC_OPEN,
	FX_COL_UC_HANDLES,
	FX_COL_UC_ASYNCS,
	FX_COL_FIXED_COUNT
};
#define FX_CYCLE_MAX_COLS (FX_COL_FIXED_COUNT + FX_MAX_CLASSES)

struct fx_cycle_series {
	size_t ncols;
	const shim_class *cls[FX_CYCLE_MAX_COLS]; /* NULL for fixed columns */
	unsigned long rows, cap;
	int64_t *v;        /* rows x FX_CYCLE_MAX_COLS, row-major */
	double *cycle_us;  /* wall time of each cycle */
};

/* The column's name: "objects_live", ..., or the class name. */
const char *fx_cycle_col_name(const struct fx_cycle_series *s, size_t col);
int64_t fx_cycle_value(const struct fx_cycle_series *s, unsigned long row, size_t col);
/* Least-squares slope of a column over all rows (0 with fewer than 2). */
double fx_cycle_slope(const struct fx_cycle_series *s, size_t col);
/* The bar a slope must exceed to count as a trend over `rows` cycles. */
double fx_cycle_slope_threshold(unsigned long rows);

/* ---- a run ---- */

#define FX_CYCLE_MAX_TRENDS 8

struct fx_cycle_trend {
	size_t col;
	bool is_class;
	const char *name;
	double slope;          /* units per cycle */
	int64_t first, last;
};

typedef void (*fx_cycle_progress_fn)(void *arg, unsigned long done, unsigned long total);

struct fx_cycle_config {
	const struct fx_cycle_kind *kind;
	const struct fx_host_factory *host;
	unsigned long count;          /* 0: FX_CYCLE_DEFAULT_COUNT */
	struct fx_options opt;        /* machine variant, kext override */
	fx_cycle_progress_fn progress; /* optional, called after every cycle */
	void *progress_arg;
};

struct fx_cycle_result {
	const char *kind;
	const char *host;
	enum fx_result result;
	char why[1024];
	unsigned long requested, done;
	double seconds;               /* the cycles only, without boot/shutdown */
	double threshold;             /* the slope bar used */
	size_t ntrends;
	struct fx_cycle_trend trends[FX_CYCLE_MAX_TRENDS];
	struct fx_cycle_series series;
};

/* Boots a machine, runs the cycles, checks end state and trends, shuts
 * down. Never aborts; the result owns the series (fx_cycle_result_free). */
void fx_cycle_run(const struct fx_cycle_config *cfg, struct fx_cycle_result *res);
void fx_cycle_result_free(struct fx_cycle_result *res);

/* n divided by FX_CYCLE_VALGRIND_DIVISOR (at least min) under valgrind, else n. */
unsigned long fx_cycle_scaled(unsigned long n, unsigned long min);

/* ---- output (fx_cycle_output.c) ---- */

/* Header "cycle,cycle_us,<columns>", one row per cycle. False on a write error. */
bool fx_cycle_write_csv(FILE *out, const struct fx_cycle_result *res);
/* One JSON object: kind, host, result, why, counts, trends, columns, series. */
bool fx_cycle_write_json(FILE *out, const struct fx_cycle_result *res);
/* One line of a progress bar with rate and ETA ("\r", no newline). */
void fx_cycle_progress_line(FILE *out, const char *label, unsigned long done,
			    unsigned long total, double elapsed_s);

/* ---- planted leak (fx_cycle_leak.c), to prove the runner catches one ---- */

#define FX_CYCLE_LEAK_CLASS "fx_planted_leak"

/* edu_kext with its start wrapped: every period-th successful start
 * allocates one counted object of class FX_CYCLE_LEAK_CLASS and keeps it.
 * The driver source is untouched. One planted kext at a time. */
const struct shim_kext_desc *fx_cycle_leak_kext(unsigned long period);
long fx_cycle_leak_planted(void);
/* Frees every planted object (after the run, so valgrind stays clean). */
void fx_cycle_leak_reap(void);

#endif
