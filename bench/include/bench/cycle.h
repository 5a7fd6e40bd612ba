/* The cycle runner: repeats one common operation (driver start/stop,
 * device attach/detach, sleep/wake, user-client open/close) N times on a
 * fixture machine, snapshots the kernel's counters after every cycle and
 * fails on a non-baseline end state or on a counter that trends upwards.
 * Kinds are a table: a missing operation is one entry in bench_cycle_kinds.c. */
#ifndef BENCH_CYCLE_H
#define BENCH_CYCLE_H

#include <signal.h>
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
	unsigned long first; /* the cycle number of row 0 (a windowed run or a resumed one) */
	int64_t *v;        /* rows x BENCH_CYCLE_MAX_COLS, row-major */
	double *cycle_us;  /* wall time of each cycle */
	/* Added to each column's value: a resumed run continues the counters of
	 * the part before it (bench_cycle_resume), so a leak keeps rising. */
	int64_t offset[BENCH_CYCLE_MAX_COLS];
};

/* The column's name: "objects_live", ..., or the class name. */
const char *bench_cycle_col_name(const struct bench_cycle_series *s, size_t col);
int64_t bench_cycle_value(const struct bench_cycle_series *s, unsigned long row, size_t col);
/* Least-squares slope of a column over all rows (0 with fewer than 2). */
double bench_cycle_slope(const struct bench_cycle_series *s, size_t col);
/* The bar a slope must exceed to count as a trend over `rows` cycles. */
double bench_cycle_slope_threshold(unsigned long rows);

/* ---- the streaming fit (bench_cycle_fit.c) ---- */

/* Least squares and the spread of the cycle times over every cycle of a run,
 * updated one cycle at a time (Welford's method: a constant column has a
 * slope of exactly 0), so a run longer than memory, or one resumed in
 * another process, still fits one line over all of its cycles. x is the
 * cycle number; every column shares n, mean_x and m2x, so a class column
 * that appears late starts from zeros that are exact. */
struct bench_cycle_fit {
	unsigned long n;
	double mean_x, m2x;
	double mean_y[BENCH_CYCLE_MAX_COLS], cxy[BENCH_CYCLE_MAX_COLS];
	int64_t first[BENCH_CYCLE_MAX_COLS], last[BENCH_CYCLE_MAX_COLS];
	double time_mean, time_m2, time_max; /* per-cycle time, microseconds */
};

void bench_cycle_fit_add(struct bench_cycle_fit *f, const struct bench_cycle_series *s,
			 unsigned long row);
double bench_cycle_fit_slope(const struct bench_cycle_fit *f, size_t col);
double bench_cycle_fit_time_sd(const struct bench_cycle_fit *f);
/* The column with the steepest slope so far (SIZE_MAX with none rising). */
size_t bench_cycle_fit_worst(const struct bench_cycle_fit *f, size_t ncols, double *slope);

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

struct bench_cycle_result;

/* Called every checkpoint_every cycles and once at the end (final), also
 * after a stop or a failure: rows row_from .. series.rows-1 are new since the
 * last call. False (with why) stops the run as a FAIL: a weekend run that
 * cannot keep its records should not go on. */
typedef bool (*bench_cycle_checkpoint_fn)(void *arg, const struct bench_cycle_result *res,
					  unsigned long row_from, bool final, char *why,
					  size_t len);

/* Where an interrupted run stopped: what the next part continues from. */
struct bench_cycle_resume {
	unsigned long done;           /* cycles committed: the next is numbered `done` */
	double seconds;               /* cycle time spent before */
	size_t ncols;                 /* the series' columns, classes by name */
	char cls[BENCH_CYCLE_MAX_COLS][BENCH_CLASS_NAME_LEN];
	struct bench_cycle_fit fit;
};

struct bench_cycle_config {
	const struct bench_cycle_kind *kind;
	const struct bench_host_factory *host;
	/* 0: BENCH_CYCLE_DEFAULT_COUNT, or no limit with a duration. With a
	 * resume, the total over all parts. */
	unsigned long count;
	struct bench_options opt;     /* profile, kext, module, variant, wrapper */
	bench_cycle_progress_fn progress; /* optional, called after every cycle */
	void *progress_arg;
	/* Optional: stop after this many seconds of cycling (over all parts). */
	double duration_s;
	/* Optional: set (by a signal handler) to stop after the cycle in progress. */
	volatile sig_atomic_t *stop;
	/* Optional: checkpoints. With window set, the series keeps only the rows
	 * since the last checkpoint (the trend fit still spans the whole run), so
	 * a run may be longer than BENCH_CYCLE_MAX_COUNT. */
	unsigned long checkpoint_every;
	bench_cycle_checkpoint_fn checkpoint;
	void *checkpoint_arg;
	bool window;
	/* Optional: continue an interrupted run on the freshly booted machine. */
	const struct bench_cycle_resume *resume;
	/* Optional time source in seconds (default CLOCK_MONOTONIC): records made
	 * in virtual time are reproducible. */
	double (*clock)(void *arg);
	void *clock_arg;
};

struct bench_cycle_result {
	const char *kind;
	char host[48];                /* "host:device" */
	enum bench_result result;
	char why[1024];
	unsigned long requested, done;  /* with a resume: over all parts */
	unsigned long resumed_at;       /* the first cycle of this part (0: not resumed) */
	bool stopped;                   /* cfg->stop was set: cycles left undone */
	double seconds;               /* the cycles only, without boot/shutdown; all parts */
	double threshold;             /* the slope bar used */
	size_t ntrends;
	struct bench_cycle_trend trends[BENCH_CYCLE_MAX_TRENDS];
	struct bench_cycle_series series;
	struct bench_cycle_fit fit;   /* over every cycle, all parts */
};

/* Boots a machine, runs the cycles, checks end state and trends, shuts
 * down. Never aborts; the result owns the series (bench_cycle_result_free). */
void bench_cycle_run(const struct bench_cycle_config *cfg, struct bench_cycle_result *res);
void bench_cycle_result_free(struct bench_cycle_result *res);

/* n divided by BENCH_CYCLE_VALGRIND_DIVISOR (at least min) under valgrind, else n. */
unsigned long bench_cycle_scaled(unsigned long n, unsigned long min);

/* ---- output (bench_cycle_output.c) ---- */

/* Header "cycle,cycle_us,<columns>", one row per cycle. False on a write error. */
bool bench_cycle_write_csv(FILE *out, const struct bench_cycle_result *res);
/* One JSON object: kind, host, result, why, counts, trends, columns, series. */
bool bench_cycle_write_json(FILE *out, const struct bench_cycle_result *res);
/* One line of a progress bar with rate and ETA ("\r", no newline). */
void bench_cycle_progress_line(FILE *out, const char *label, unsigned long done,
			    unsigned long total, double elapsed_s);
/* The weekend run's status line ("\r", no newline): cycles done, the rate,
 * the time left (left_s < 0: unknown) and the steepest counter so far. */
void bench_cycle_status_line(FILE *out, const char *label, const struct bench_cycle_result *res,
			     double rate, double left_s);

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
