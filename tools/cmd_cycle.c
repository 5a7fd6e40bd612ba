/* drvbench cycle: repeat start/stop, attach/detach, sleep/wake or
 * open/close N times on a host, watch every counter for a trend, write the
 * per-cycle series as the cycles run (files opened first: cycle_files.h).
 * The exit status is drvbench.h's: CANNOT RUN is reported but fails
 * nothing; the host named unavailable is not tested (3); a lost output is
 * 4. SIGINT, SIGTERM or SIGHUP stop the run between two cycles: the series
 * so far is written and marked interrupted (and committed to the records),
 * then drvbench dies of the signal (bench/interrupt.h); --timeout bounds
 * the whole run. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cycle.h"
#include "bench/interrupt.h"
#include "bench/junit.h"
#include "cycle_files.h"
#include "cycle_plan.h"
#include "drvbench.h"
#include "run_report.h"
#include "target.h"

#define CYCLE_PROGRESS_EVERY_S 0.1
/* --count's ceiling: a run past BENCH_CYCLE_MAX_COUNT keeps a window of its
 * series in memory and the rest in the records (or only the trend fit). The
 * count is an unsigned long, so an ILP32 build stops at ULONG_MAX (4.29e9,
 * still more than a weekend of sim cycles); the message names the bound. */
#define CYCLE_COUNT_LIMIT (ULONG_MAX < 1000000000000ull ? ULONG_MAX : 1000000000000ull)
#define CYCLE_MAX_SECONDS 604800ul /* --timeout: a week */

struct cycle_progress {
	const char *label;
	double t0, last;
	const struct bench_cycle_result *res; /* the run in progress, for the status line */
	double duration_s;
	bool status;                          /* the weekend run's status line */
};

/* One kind's streamed CSV, fed after every cycle. */
struct cycle_live {
	struct bench_cycle_csv csv;
	struct cycle_file *csv_file;
};

struct cycle_totals {
	unsigned failed, cannot, cut, not_run;
	bool output_lost;
};

void drvbench_cycle_usage(FILE *out)
{
	const struct bench_cycle_kind *k;

	fprintf(out,
		"usage: drvbench cycle --kext PATH [--tests PATH] [--device NAME|FILE]\n"
		"                      [--kind KIND] [--host HOST] [--count N] [--csv FILE]\n"
		"                      [--json FILE] [--plant-leak PERIOD] [--junit FILE]\n"
		"                      [--duration D] [--checkpoint N] [--record [--records PATH]\n"
		"                      [--label L]] [--resume] [--timeout S] [--require-hosts]\n\n"
		"Repeat one operation N times on HOST with the kext, snapshot the kernel\n"
		"counters after every cycle (per-class live counts, allocations and bytes, wired\n"
		"bytes, prepared descriptors, user-client connections and handles, log drops)\n"
		"and fail when the end state differs from the start or a counter trends up:\n"
		"least-squares slope above max(%.4f, 1/(N-1)) per cycle (a leak of one object\n"
		"per 100 cycles is 0.01). A progress bar shows on a terminal.\n"
		"Output files are created before the first cycle; the CSV grows as the cycles\n"
		"run. SIGINT, SIGTERM or SIGHUP stop the run between two cycles: the series so\n"
		"far is written (JSON: \"interrupted\": true) and committed, then drvbench dies\n"
		"of the signal.\n\n"
		"After every cycle the driver must still answer (the test module's alive check,\n"
		"or at least a running service on a present device).\n\n"
		"options:\n" DRVBENCH_TARGET_HELP
		"  -k, --kind KIND        operation to cycle, or 'all' (default: all)\n"
		"  -H, --host HOST        sim, qemu or qemu-proxy, or HOST:DEVICE (default: sim)\n"
		"  -n, --count N          cycles per kind (default: %lu; a tenth under valgrind);\n"
		"                         more than %lu keep the series in the records only\n"
		"  -d, --duration D       cycle each kind for D (90s, 30m, 48h, 2d; with --count,\n"
		"                         whichever ends first): the weekend run\n"
		"      --checkpoint N     with --record, commit the series every N cycles (default\n"
		"                         %lu) and on SIGINT/SIGTERM/SIGHUP\n"
		"      --resume           continue the kext's last interrupted cycle run in the\n"
		"                         records on a fresh machine, numbering cycles on from\n"
		"                         the last committed one (its kinds, counts and duration)\n"
		DRVBENCH_RECORD_HELP
		"      --junit FILE       JUnit XML: one test case per cycle kind\n"
		"      --csv FILE         per-cycle series as CSV (with several kinds, one file\n"
		"                         each: FILE with -KIND before its extension, unless FILE\n"
		"                         is not a regular file, e.g. /dev/stdout: then all in it)\n"
		"      --json FILE        per-cycle series, trends and verdict as JSON (same naming)\n"
		"  -t, --timeout S        the whole run may take S seconds: the kind under way\n"
		"                         stops and fails, the rest fail unrun (exit 1)\n"
		"  -r, --require-hosts    accepted as for run: cycle runs on the one host named,\n"
		"                         and that host unavailable is always exit 3\n"
		"      --plant-leak P     self-test: wrap the drivers' start to leak one object of\n"
		"                         class " BENCH_CYCLE_LEAK_CLASS " every P starts\n"
		"  -h, --help             this text\n\n"
		"kinds:\n",
		BENCH_CYCLE_SLOPE_MIN, BENCH_CYCLE_DEFAULT_COUNT, BENCH_CYCLE_MAX_COUNT,
		CYCLE_CHECKPOINT_EVERY);
	for (size_t i = 0; (k = bench_cycle_kind_at(i)) != NULL; i++)
		fprintf(out, "  %-14s %s\n", k->name, k->summary);
	fprintf(out, "\nhosts:\n");
	drvbench_print_hosts(out, NULL);
	fprintf(out, "devices (built-in profiles):\n");
	drvbench_print_devices(out);
	fprintf(out, "\n" DRVBENCH_EXIT_HELP
		     "After a signal, what was done is kept; --resume goes on from there.\n");
}

static bool cycle_set_kind(struct cycle_args *a, const char *name)
{
	const struct bench_cycle_kind *k = bench_cycle_kind_find(name);

	a->nkinds = 0;
	if (strcmp(name, "all") == 0) {
		for (size_t i = 0; (k = bench_cycle_kind_at(i)) != NULL && i < CYCLE_MAX_KINDS; i++)
			a->kinds[a->nkinds++] = k;
		return true;
	}
	if (k == NULL) {
		fprintf(stderr, "drvbench cycle: unknown kind '%s'; kinds:", name);
		for (size_t i = 0; (k = bench_cycle_kind_at(i)) != NULL; i++)
			fprintf(stderr, " %s", k->name);
		fprintf(stderr, " all\n");
		return false;
	}
	a->kinds[a->nkinds++] = k;
	return true;
}

static bool cycle_number(const char *what, const char *s, unsigned long max, unsigned long *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > max) {
		fprintf(stderr, "drvbench cycle: %s must be a number from 1 to %lu, not '%s'\n", what,
			max, s);
		return false;
	}
	*out = v;
	return true;
}

/* Returns -1 to go on, else the exit status. */
static int cycle_parse(struct cycle_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kext", required_argument, NULL, 'K' },
		{ "tests", required_argument, NULL, 'T' },
		{ "device", required_argument, NULL, 'D' },
		{ "kind", required_argument, NULL, 'k' },
		{ "host", required_argument, NULL, 'H' },
		{ "count", required_argument, NULL, 'n' },
		{ "csv", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "plant-leak", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "checkpoint", required_argument, NULL, 'C' },
		{ "resume", no_argument, NULL, 'R' },
		{ "junit", required_argument, NULL, 'J' },
		{ "timeout", required_argument, NULL, 't' },
		{ "require-hosts", no_argument, NULL, 'r' },
		DRVBENCH_RECORD_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":K:T:D:k:H:n:d:t:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'K':
			a->target.kext = optarg;
			break;
		case 'T':
			a->target.tests = optarg;
			break;
		case 'D':
			a->target.device = optarg;
			break;
		case 'k':
			if (!cycle_set_kind(a, optarg))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'H':
			a->host = bench_host_by_name(optarg, &a->target.host_device);
			if (a->host == NULL) {
				fprintf(stderr, "drvbench cycle: unknown host '%s' (see --help)\n",
					optarg);
				return DRVBENCH_EXIT_USAGE;
			}
			break;
		case 'n':
			if (!cycle_number("--count", optarg, CYCLE_COUNT_LIMIT, &a->count))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'c':
			a->csv = optarg;
			break;
		case 'j':
			a->json = optarg;
			break;
		case 'p':
			if (!cycle_number("--plant-leak", optarg, BENCH_CYCLE_MAX_COUNT, &a->leak_period))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'd':
			if (!cycle_duration(optarg, &a->duration_s))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'C':
			if (!cycle_number("--checkpoint", optarg, BENCH_CYCLE_MAX_COUNT, &a->checkpoint))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'R':
			a->resume = true;
			a->rec.on = true;
			break;
		case 'J':
			a->junit_path = optarg;
			break;
		case 't':
			if (!cycle_number("--timeout", optarg, CYCLE_MAX_SECONDS, &a->timeout_s))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'r':
			break; /* the one host named is always required */
		case 0x100:
		case 0x101:
		case 0x102:
			drvbench_record_option(&a->rec, c, optarg);
			break;
		case 'h':
			drvbench_cycle_usage(stdout);
			return DRVBENCH_EXIT_OK;
		case ':':
			fprintf(stderr, "drvbench cycle: option '%s' needs a value\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		default:
			fprintf(stderr, "drvbench cycle: unknown option '%s'\n"
					"try 'drvbench cycle --help'\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "drvbench cycle: unexpected argument '%s'\n", argv[optind]);
		return DRVBENCH_EXIT_USAGE;
	}
	if ((a->csv != NULL || a->json != NULL) &&
	    (a->duration_s > 0 || a->count > BENCH_CYCLE_MAX_COUNT)) {
		fprintf(stderr, "drvbench cycle: --csv and --json keep the whole series in memory: at "
				"most %lu cycles and no --duration (record the series with --record)\n",
			BENCH_CYCLE_MAX_COUNT);
		return DRVBENCH_EXIT_USAGE;
	}
	return -1;
}

static double cycle_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cycle_progress(void *arg, unsigned long done, unsigned long total)
{
	struct cycle_progress *p = arg;
	double now = cycle_now();

	if (done < total && now - p->last < CYCLE_PROGRESS_EVERY_S)
		return;
	p->last = now;
	if (p->status) {
		double spent = p->res->seconds, rate = spent > 0 ? (double)p->res->fit.n / spent : 0;
		double left = p->duration_s > 0 ? p->duration_s - spent
			      : rate > 0 ? (double)(total - done) / rate : -1.0;

		bench_cycle_status_line(stderr, p->label, p->res, rate, left);
	} else {
		bench_cycle_progress_line(stderr, p->label, done, total, now - p->t0);
	}
	if (done == total)
		fputc('\n', stderr);
}

static void cycle_row(void *arg, const struct bench_cycle_series *s)
{
	struct cycle_live *live = arg;

	if (!bench_cycle_csv_update(&live->csv, s, false) && live->csv_file->error == 0)
		live->csv_file->error = live->csv.error;
}

/* The kind's series to its files; false when a file lost it (why says so). */
static bool cycle_finish_files(struct cycle_live *live, struct cycle_file *json,
			       const struct bench_cycle_result *res, char *why, size_t len)
{
	bool ok = true;

	if (live->csv_file != NULL) {
		live->csv_file->written = true;
		if (!bench_cycle_csv_update(&live->csv, &res->series, true)) {
			snprintf(why, len, "output: error writing %s: %s", live->csv_file->path,
				 strerror(live->csv.error));
			ok = false;
		}
	}
	if (json != NULL) {
		json->written = true;
		errno = 0;
		if (!bench_cycle_write_json(json->f, res)) {
			json->error = errno != 0 ? errno : EIO;
			snprintf(why, len, "output: error writing %s: %s", json->path,
				 strerror(json->error));
			ok = false;
		}
	}
	return ok;
}

/* Stopped by a signal: neither passed nor failed. */
static bool cycle_cut(const struct bench_cycle_result *res)
{
	return res->stopped && bench_interrupted() != BENCH_INTERRUPT_DEADLINE;
}

static void cycle_print(const struct bench_cycle_result *res, const char *output_why)
{
	double rate = res->seconds > 0 ? (double)res->done / res->seconds : 0.0;

	char cycles[48];

	if (res->requested == ULONG_MAX) /* a duration: no count to reach */
		snprintf(cycles, sizeof(cycles), "%15lu", res->done);
	else
		snprintf(cycles, sizeof(cycles), "%7lu/%-7lu", res->done, res->requested);
	printf("%-14s %-14s %-10s %s %8.3f s %10.0f/s  trends %zu\n", res->kind, res->host,
	       cycle_cut(res) ? "INTERRUPTED" : bench_result_string(res->result), cycles,
	       res->seconds, rate, res->ntrends);
	if (res->why[0] != '\0')
		printf("    %s\n", res->why);
	if (output_why[0] != '\0')
		printf("    %s\n", output_why);
}

/* After an interrupt the verdict is that of the cycles done, and says so;
 * after the deadline, a kind that did not finish failed. */
static void cycle_note_interrupt(const struct cycle_args *a, struct bench_cycle_result *res)
{
	char why[sizeof(res->why) + 160];

	if (!res->stopped)
		return;
	if (bench_interrupted() == BENCH_INTERRUPT_DEADLINE) {
		res->result = BENCH_FAIL;
		snprintf(why, sizeof(why), "%s after %lu cycles (--timeout %lu)%s%s",
			 bench_interrupt_reason(), res->done, a->timeout_s, res->why[0] ? "; " : "",
			 res->why);
	} else if (res->result == BENCH_FAIL) {
		snprintf(why, sizeof(why), "%s after %lu cycles; the cycles done failed: %s",
			 bench_interrupt_reason(), res->done, res->why);
	} else { /* why only says where it stopped */
		snprintf(why, sizeof(why), "%s after %lu cycles; the cycles done passed",
			 bench_interrupt_reason(), res->done);
	}
	snprintf(res->why, sizeof(res->why), "%.*s", (int)sizeof(res->why) - 1, why);
}

static void cycle_one(struct cycle_args *a, const struct drvbench_target *t, size_t i,
		      struct cycle_job *job, struct cycle_files *csv, struct cycle_files *json,
		      struct cycle_totals *tot)
{
	struct bench_cycle_result *res = calloc(1, sizeof(*res));
	struct cycle_progress p = { .label = job->kind->name, .t0 = cycle_now(), .res = res,
				    .duration_s = job->duration_s,
				    .status = job->duration_s > 0 || a->rec.on };
	struct bench_cycle_config cfg = { .kind = job->kind, .host = job->host,
					  .count = job->count, .duration_s = job->duration_s,
					  .stop = bench_interrupt_flag() };
	struct cycle_live live = { .csv_file = NULL };
	char output_why[4200] = "";

	if (res == NULL) {
		fprintf(stderr, "drvbench cycle: out of memory\n");
		tot->failed++;
		return;
	}
	drvbench_target_options(t, &cfg.opt);
	if (job->leak_period != 0)
		cfg.opt.wrap_kext = bench_cycle_leak_wrap(job->leak_period);
	if (!drvbench_cycle_job_hook(a, job, &cfg)) {
		free(res);
		tot->failed++;
		return;
	}
	if (isatty(STDERR_FILENO)) {
		cfg.progress = cycle_progress;
		cfg.progress_arg = &p;
	}
	if (csv->n > i) {
		live.csv_file = &csv->file[i];
		bench_cycle_csv_start(&live.csv, live.csv_file->f);
		cfg.row = cycle_row;
		cfg.row_arg = &live;
	}
	bench_cycle_run(&cfg, res);
	drvbench_cycle_job_done(job);
	if (job->leak_period != 0)
		bench_cycle_leak_reap();
	if (p.status && cfg.progress != NULL)
		fputc('\n', stderr);
	cycle_note_interrupt(a, res);
	if (!cycle_finish_files(&live, json->n > i ? &json->file[i] : NULL, res, output_why,
				sizeof(output_why)))
		tot->output_lost = true;
	cycle_print(res, output_why);
	if (a->junit != NULL && !cycle_cut(res) && !bench_junit_add_cycle(a->junit, res))
		tot->output_lost = true;
	tot->failed += res->result == BENCH_FAIL && !cycle_cut(res);
	tot->cannot += res->result == BENCH_CANNOT_RUN;
	tot->cut += cycle_cut(res);
	bench_cycle_result_free(res);
	free(res);
	fflush(stdout);
}

/* Kinds the deadline left unstarted failed; after a signal they are only counted. */
static void cycle_not_run(const struct cycle_job *jobs, size_t from, size_t njobs,
			  const char *label, struct cycle_totals *tot)
{
	for (size_t i = from; i < njobs; i++) {
		if (bench_interrupted() != BENCH_INTERRUPT_DEADLINE) {
			tot->not_run++;
			continue;
		}
		printf("%-14s %-14s %-10s %15s\n    not run: %s\n", jobs[i].kind->name, label, "FAIL",
		       "0", bench_interrupt_reason());
		tot->failed++;
	}
}

/* Opens --csv and --json for every job; false (reason printed) on a bad path. */
static bool cycle_open_files(const struct cycle_args *a, const struct cycle_job *jobs,
			     size_t njobs, struct cycle_files *csv, struct cycle_files *json)
{
	const char *names[CYCLE_MAX_KINDS];

	for (size_t i = 0; i < njobs; i++)
		names[i] = jobs[i].kind->name;
	memset(csv, 0, sizeof(*csv));
	memset(json, 0, sizeof(*json));
	if (a->csv != NULL && !cycle_files_open(csv, a->csv, names, njobs))
		return false;
	if (a->json != NULL && !cycle_files_open(json, a->json, names, njobs)) {
		cycle_files_close(csv);
		return false;
	}
	return true;
}

static int cycle_all(struct cycle_args *a, const struct drvbench_target *t,
		     struct cycle_job *jobs, size_t njobs, const char *label)
{
	struct cycle_files csv, json;
	struct cycle_totals tot = { 0 };
	char why[256] = "";
	int status;
	size_t i;

	if (!cycle_open_files(a, jobs, njobs, &csv, &json))
		return DRVBENCH_EXIT_USAGE;
	if (!bench_interrupt_install(why, sizeof(why)))
		fprintf(stderr, "drvbench cycle: %s; an interrupt will stop the run where it is\n",
			why);
	bench_interrupt_deadline((unsigned)a->timeout_s);
	printf("drvbench cycle: %s %s on host %s, %zu kind(s)\n\n", bench_kext_bundle_id(t->kext),
	       bench_kext_version(t->kext), label, njobs);
	printf("%-14s %-14s %-10s %15s %10s %12s\n", "kind", "host", "result", "cycles", "time",
	       "rate");
	fflush(stdout);
	for (i = 0; i < njobs && !bench_interrupted(); i++)
		cycle_one(a, t, i, &jobs[i], &csv, &json, &tot);
	cycle_not_run(jobs, i, njobs, label, &tot);
	bench_interrupt_deadline(0);
	if (!cycle_files_close(&csv) || !cycle_files_close(&json))
		tot.output_lost = true;
	printf("\n%zu kind(s): %zu passed, %u failed, %u cannot run", njobs,
	       njobs - tot.failed - tot.cannot - tot.cut - tot.not_run, tot.failed, tot.cannot);
	if (tot.cut + tot.not_run > 0)
		printf(", %u cut short, %u not run", tot.cut, tot.not_run);
	printf("\n");
	status = tot.failed > 0 ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;
	return tot.output_lost ? drvbench_exit_worst(status, DRVBENCH_EXIT_OUTPUT) : status;
}

int drvbench_cmd_cycle(int argc, char **argv)
{
	struct cycle_args a = { .host = &bench_host_sim_factory };
	struct cycle_job jobs[CYCLE_MAX_KINDS];
	struct drvbench_target t;
	size_t njobs = 0;
	char label[64], why[256] = "";
	int status;

	cycle_set_kind(&a, "all");
	status = cycle_parse(&a, argc, argv);
	if (status >= 0)
		return status;
	status = drvbench_target_open("cycle", &a.target, &t);
	if (status >= 0)
		return status;
	status = drvbench_cycle_plan(&a, &t, jobs, &njobs);
	if (status >= 0) {
		drvbench_target_close(&t);
		drvbench_cycle_outputs_close(&a, false);
		return status;
	}
	bench_host_label(jobs[0].host, t.profile, label, sizeof(label));
	if (!jobs[0].host->available(t.profile, why, sizeof(why))) {
		printf("drvbench cycle: host %s unavailable: %s: nothing was tested\n", label, why);
		drvbench_target_close(&t);
		drvbench_cycle_outputs_close(&a, false);
		return DRVBENCH_EXIT_NOT_TESTED;
	}
	status = cycle_all(&a, &t, jobs, njobs, label);
	drvbench_target_close(&t); /* first: a coverage build's counters reach the disk */
	if (!drvbench_cycle_outputs_close(&a, status != DRVBENCH_EXIT_USAGE)) {
		printf("drvbench cycle: the records or the JUnit file could not be written\n");
		status = drvbench_exit_worst(status, DRVBENCH_EXIT_OUTPUT);
	}
	if (bench_interrupted() && bench_interrupted() != BENCH_INTERRUPT_DEADLINE) {
		printf("drvbench cycle: %s; the cycles done were kept%s\n", bench_interrupt_reason(),
		       a.rec.on ? " (drvbench cycle --kext ... --resume goes on)" : "");
		bench_interrupt_exit();
	}
	return status;
}
