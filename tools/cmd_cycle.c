/* drvbench cycle: repeat start/stop, attach/detach, sleep/wake or
 * open/close N times on a host, watch every counter for a trend, write the
 * per-cycle series as the cycles run (files opened first: cycle_files.h).
 * The exit status is drvbench.h's: CANNOT RUN is reported but fails
 * nothing; the host named unavailable is not tested (3); a lost output is
 * 4. SIGINT, SIGTERM or SIGHUP stop the run between two cycles: the series
 * so far is written and marked interrupted, then drvbench dies of the
 * signal (bench/interrupt.h); --timeout bounds the whole run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cycle.h"
#include "bench/interrupt.h"
#include "cycle_files.h"
#include "drvbench.h"
#include "run_report.h"
#include "target.h"

#define CYCLE_MAX_KINDS CYCLE_FILES_MAX
#define CYCLE_PROGRESS_EVERY_S 0.1
#define CYCLE_MAX_SECONDS 604800ul

struct cycle_args {
	struct drvbench_target_args target;
	const struct bench_host_factory *host;
	const struct bench_cycle_kind *kinds[CYCLE_MAX_KINDS];
	size_t nkinds;
	unsigned long count, leak_period, timeout_s;
	const char *csv, *json;
};

struct cycle_progress {
	const char *label;
	double t0, last;
};

/* One kind's run as it goes: its progress bar and its streamed CSV. */
struct cycle_live {
	struct cycle_progress progress;
	struct bench_cycle_csv csv;
	struct cycle_file *csv_file;
};

struct cycle_totals {
	unsigned failed, cannot, interrupted, not_run;
	bool output_lost;
};

void drvbench_cycle_usage(FILE *out)
{
	const struct bench_cycle_kind *k;

	fprintf(out,
		"usage: drvbench cycle --kext PATH [--tests PATH] [--device NAME|FILE]\n"
		"                      [--kind KIND] [--host HOST] [--count N] [--csv FILE]\n"
		"                      [--json FILE] [--timeout S] [--require-hosts]\n"
		"                      [--plant-leak PERIOD]\n\n"
		"Repeat one operation N times on HOST with the kext, snapshot the kernel\n"
		"counters after every cycle (per-class live counts, allocations and bytes, wired\n"
		"bytes, prepared descriptors, user-client connections and handles, log drops)\n"
		"and fail when the end state differs from the start or a counter trends up:\n"
		"least-squares slope above max(%.4f, 1/(N-1)) per cycle (a leak of one object\n"
		"per 100 cycles is 0.01). A progress bar shows on a terminal.\n"
		"Output files are created before the first cycle; the CSV grows as the cycles\n"
		"run. SIGINT, SIGTERM or SIGHUP stop the run between two cycles: the series so\n"
		"far is written (JSON: \"interrupted\": true), then drvbench dies of the signal.\n\n"
		"After every cycle the driver must still answer (the test module's alive check,\n"
		"or at least a running service on a present device).\n\n"
		"options:\n" DRVBENCH_TARGET_HELP
		"  -k, --kind KIND        operation to cycle, or 'all' (default: all)\n"
		"  -H, --host HOST        sim, qemu or qemu-proxy, or HOST:DEVICE (default: sim)\n"
		"  -n, --count N          cycles per kind, 1..%lu (default: %lu; a tenth under\n"
		"                         valgrind)\n"
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
		BENCH_CYCLE_SLOPE_MIN, BENCH_CYCLE_MAX_COUNT, BENCH_CYCLE_DEFAULT_COUNT);
	for (size_t i = 0; (k = bench_cycle_kind_at(i)) != NULL; i++)
		fprintf(out, "  %-14s %s\n", k->name, k->summary);
	fprintf(out, "\nhosts:\n");
	drvbench_print_hosts(out, NULL);
	fprintf(out, "devices (built-in profiles):\n");
	drvbench_print_devices(out);
	fprintf(out, "\n" DRVBENCH_EXIT_HELP);
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
		{ "timeout", required_argument, NULL, 't' },
		{ "require-hosts", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":K:T:D:k:H:n:t:rh", opts, NULL)) != -1) {
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
			if (!cycle_number("--count", optarg, BENCH_CYCLE_MAX_COUNT, &a->count))
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
		case 't':
			if (!cycle_number("--timeout", optarg, CYCLE_MAX_SECONDS, &a->timeout_s))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'r':
			break; /* the one host named is always required */
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
	bench_cycle_progress_line(stderr, p->label, done, total, now - p->t0);
	if (done == total)
		fputc('\n', stderr);
}

static void cycle_row(void *arg, const struct bench_cycle_series *s)
{
	struct cycle_live *live = arg;

	if (live->csv_file != NULL && !bench_cycle_csv_update(&live->csv, s, false) &&
	    live->csv_file->error == 0)
		live->csv_file->error = live->csv.error;
}

/* The kind's series to its files; false when a file lost it (the row says so). */
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

static const char *cycle_result_word(const struct bench_cycle_result *res)
{
	if (res->interrupted && bench_interrupted() != BENCH_INTERRUPT_DEADLINE)
		return "INTERRUPTED";
	return bench_result_string(res->result);
}

static void cycle_print(const struct bench_cycle_result *res, const char *output_why)
{
	double rate = res->seconds > 0 ? (double)res->done / res->seconds : 0.0;

	printf("%-14s %-14s %-10s %7lu/%-7lu %8.3f s %10.0f/s  trends %zu\n", res->kind, res->host,
	       cycle_result_word(res), res->done, res->requested, res->seconds, rate,
	       res->ntrends);
	if (res->why[0] != '\0')
		printf("    %s\n", res->why);
	if (output_why[0] != '\0')
		printf("    %s\n", output_why);
	fflush(stdout);
}

/* After an interrupt: the verdict is that of the cycles done, and says so;
 * after the deadline, a kind that did not finish failed. */
static void cycle_note_interrupt(const struct cycle_args *a, struct bench_cycle_result *res)
{
	char why[sizeof(res->why) + 128];

	if (!res->interrupted)
		return;
	if (bench_interrupted() == BENCH_INTERRUPT_DEADLINE) {
		res->result = BENCH_FAIL;
		snprintf(why, sizeof(why), "%s after %lu of %lu cycles (--timeout %lu)%s%s",
			 bench_interrupt_reason(), res->done, res->requested, a->timeout_s,
			 res->why[0] ? "; " : "", res->why);
	} else {
		snprintf(why, sizeof(why), "%s after %lu of %lu cycles; the cycles done %s%s%s",
			 bench_interrupt_reason(), res->done, res->requested,
			 res->result == BENCH_FAIL ? "failed" : "passed", res->why[0] ? ": " : "",
			 res->why);
	}
	snprintf(res->why, sizeof(res->why), "%.*s", (int)sizeof(res->why) - 1, why);
}

static void cycle_one(const struct cycle_args *a, const struct drvbench_target *t, size_t i,
		      struct cycle_files *csv, struct cycle_files *json, struct cycle_totals *tot)
{
	const struct bench_cycle_kind *k = a->kinds[i];
	struct cycle_live live = { .progress = { .label = k->name, .t0 = cycle_now() } };
	struct bench_cycle_config cfg = { .kind = k, .host = a->host };
	struct bench_cycle_result res;
	char output_why[4200] = "";

	cfg.count = a->count != 0 ? a->count : bench_cycle_scaled(BENCH_CYCLE_DEFAULT_COUNT, 1);
	drvbench_target_options(t, &cfg.opt);
	if (a->leak_period != 0)
		cfg.opt.wrap_kext = bench_cycle_leak_wrap(a->leak_period);
	if (isatty(STDERR_FILENO)) {
		cfg.progress = cycle_progress;
		cfg.progress_arg = &live.progress;
	}
	if (csv->n > 0) {
		live.csv_file = &csv->file[i];
		bench_cycle_csv_start(&live.csv, live.csv_file->f);
		cfg.row = cycle_row;
		cfg.row_arg = &live;
	}
	bench_cycle_run(&cfg, &res);
	if (a->leak_period != 0)
		bench_cycle_leak_reap();
	cycle_note_interrupt(a, &res);
	if (!cycle_finish_files(&live, json->n > 0 ? &json->file[i] : NULL, &res, output_why,
				sizeof(output_why)))
		tot->output_lost = true;
	cycle_print(&res, output_why);
	tot->failed += res.result == BENCH_FAIL &&
		       !(res.interrupted && bench_interrupted() != BENCH_INTERRUPT_DEADLINE);
	tot->cannot += res.result == BENCH_CANNOT_RUN;
	tot->interrupted += res.interrupted && bench_interrupted() != BENCH_INTERRUPT_DEADLINE;
	bench_cycle_result_free(&res);
}

/* Kinds the deadline left unstarted failed; after a signal they are only counted. */
static void cycle_not_run(const struct cycle_args *a, size_t from, const char *label,
			  struct cycle_totals *tot)
{
	for (size_t i = from; i < a->nkinds; i++) {
		if (bench_interrupted() != BENCH_INTERRUPT_DEADLINE) {
			tot->not_run++;
			continue;
		}
		printf("%-14s %-14s %-10s %7u/%-7lu\n    not run: %s\n", a->kinds[i]->name, label,
		       "FAIL", 0, a->count != 0 ? a->count
					  : bench_cycle_scaled(BENCH_CYCLE_DEFAULT_COUNT, 1),
		       bench_interrupt_reason());
		tot->failed++;
	}
}

/* Opens --csv and --json for every kind; false (reason printed) on a bad path. */
static bool cycle_open_files(const struct cycle_args *a, struct cycle_files *csv,
			     struct cycle_files *json)
{
	const char *names[CYCLE_MAX_KINDS];

	for (size_t i = 0; i < a->nkinds; i++)
		names[i] = a->kinds[i]->name;
	memset(csv, 0, sizeof(*csv));
	memset(json, 0, sizeof(*json));
	if (a->csv != NULL && !cycle_files_open(csv, a->csv, names, a->nkinds))
		return false;
	if (a->json != NULL && !cycle_files_open(json, a->json, names, a->nkinds)) {
		cycle_files_close(csv);
		return false;
	}
	return true;
}

static int cycle_all(const struct cycle_args *a, const struct drvbench_target *t,
		     const char *label)
{
	struct cycle_files csv, json;
	struct cycle_totals tot = { 0 };
	char why[256] = "";
	size_t i;
	int status;

	if (!cycle_open_files(a, &csv, &json))
		return DRVBENCH_EXIT_USAGE;
	if (!bench_interrupt_install(why, sizeof(why)))
		fprintf(stderr, "drvbench cycle: %s; an interrupt will stop the run where it is\n",
			why);
	bench_interrupt_deadline((unsigned)a->timeout_s);
	printf("drvbench cycle: %s %s on host %s, %zu kind(s)\n\n", bench_kext_bundle_id(t->kext),
	       bench_kext_version(t->kext), label, a->nkinds);
	printf("%-14s %-14s %-10s %15s %10s %12s\n", "kind", "host", "result", "cycles", "time",
	       "rate");
	fflush(stdout);
	for (i = 0; i < a->nkinds && !bench_interrupted(); i++)
		cycle_one(a, t, i, &csv, &json, &tot);
	cycle_not_run(a, i, label, &tot);
	bench_interrupt_deadline(0);
	if (!cycle_files_close(&csv) || !cycle_files_close(&json))
		tot.output_lost = true;
	printf("\n%zu kind(s): %zu passed, %u failed, %u cannot run", a->nkinds,
	       a->nkinds - tot.failed - tot.cannot - tot.interrupted - tot.not_run, tot.failed,
	       tot.cannot);
	if (tot.interrupted + tot.not_run > 0)
		printf(", %u cut short, %u not run", tot.interrupted, tot.not_run);
	printf("\n");
	if (tot.output_lost)
		printf("drvbench cycle: an output file could not be written (see above)\n");
	if (bench_interrupted() && bench_interrupted() != BENCH_INTERRUPT_DEADLINE) {
		printf("drvbench cycle: %s; the series so far is written\n", bench_interrupt_reason());
		bench_interrupt_exit();
	}
	status = tot.failed > 0 ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;
	return tot.output_lost ? drvbench_exit_worst(status, DRVBENCH_EXIT_OUTPUT) : status;
}

int drvbench_cmd_cycle(int argc, char **argv)
{
	struct cycle_args a = { .host = &bench_host_sim_factory };
	struct drvbench_target t;
	char label[64], why[256] = "";
	int status;

	cycle_set_kind(&a, "all");
	status = cycle_parse(&a, argc, argv);
	if (status >= 0)
		return status;
	status = drvbench_target_open("cycle", &a.target, &t);
	if (status >= 0)
		return status;
	bench_host_label(a.host, t.profile, label, sizeof(label));
	if (!a.host->available(t.profile, why, sizeof(why))) {
		printf("drvbench cycle: host %s unavailable: %s: nothing was tested\n", label, why);
		drvbench_target_close(&t);
		return DRVBENCH_EXIT_NOT_TESTED;
	}
	status = cycle_all(&a, &t, label);
	drvbench_target_close(&t);
	return status;
}
