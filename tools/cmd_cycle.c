/* drvbench cycle: repeat start/stop, attach/detach, sleep/wake or
 * open/close N times on a host, watch every counter for a trend, write the
 * per-cycle series. Exit 0 when no kind failed (CANNOT RUN is reported but
 * is not a failure), 1 when one did, 2 on a bad command line. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/cycle.h"
#include "bench/junit.h"
#include "cycle_plan.h"
#include "drvbench.h"
#include "interrupt.h"
#include "run_report.h"
#include "target.h"

#define CYCLE_PROGRESS_EVERY_S 0.1
/* --count's ceiling: a run past BENCH_CYCLE_MAX_COUNT keeps a window of its
 * series in memory and the rest in the records (or only the trend fit). The
 * count is an unsigned long, so an ILP32 build stops at ULONG_MAX (4.29e9,
 * still more than a weekend of sim cycles); the message names the bound. */
#define CYCLE_COUNT_LIMIT (ULONG_MAX < 1000000000000ull ? ULONG_MAX : 1000000000000ull)

struct cycle_progress {
	const char *label;
	double t0, last;
	const struct bench_cycle_result *res; /* the run in progress, for the status line */
	double duration_s;
	bool status;                          /* the weekend run's status line */
};

void drvbench_cycle_usage(FILE *out)
{
	const struct bench_cycle_kind *k;

	fprintf(out,
		"usage: drvbench cycle --kext PATH [--tests PATH] [--device NAME|FILE]\n"
		"                      [--kind KIND] [--host HOST] [--count N] [--csv FILE]\n"
		"                      [--json FILE] [--plant-leak PERIOD] [--junit FILE]\n"
		"                      [--duration D] [--checkpoint N] [--record [--records PATH]\n"
		"                      [--label L]] [--resume]\n\n"
		"Repeat one operation N times on HOST with the kext, snapshot the kernel\n"
		"counters after every cycle (per-class live counts, allocations and bytes, wired\n"
		"bytes, prepared descriptors, user-client connections and handles, log drops)\n"
		"and fail when the end state differs from the start or a counter trends up:\n"
		"least-squares slope above max(%.4f, 1/(N-1)) per cycle (a leak of one object\n"
		"per 100 cycles is 0.01). A progress bar shows on a terminal.\n\n"
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
		"                         each: FILE with -KIND before its extension)\n"
		"      --json FILE        per-cycle series, trends and verdict as JSON (same naming)\n"
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
	fprintf(out, "\nExit status: 0 no kind failed, 1 a kind failed, 2 bad command line,\n"
		     "128+N stopped by signal N (what was done is kept; --resume goes on).\n");
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
		DRVBENCH_RECORD_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":K:T:D:k:H:n:d:h", opts, NULL)) != -1) {
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

/* FILE, or FILE with "-KIND" before its extension when several kinds run. */
static void cycle_path(char *buf, size_t len, const char *file, const char *kind, bool several)
{
	const char *slash = strrchr(file, '/');
	const char *dot = strrchr(slash != NULL ? slash : file, '.');

	if (!several)
		snprintf(buf, len, "%s", file);
	else if (dot == NULL || dot == file || dot[-1] == '/')
		snprintf(buf, len, "%s-%s", file, kind);
	else
		snprintf(buf, len, "%.*s-%s%s", (int)(dot - file), file, kind, dot);
}

static bool cycle_write(const char *file, const struct bench_cycle_result *res, bool several,
			bool (*writer)(FILE *, const struct bench_cycle_result *))
{
	char path[4096];
	FILE *f;
	bool ok;

	cycle_path(path, sizeof(path), file, res->kind, several);
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "drvbench cycle: cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	ok = writer(f, res);
	ok = fclose(f) == 0 && ok;
	if (!ok)
		fprintf(stderr, "drvbench cycle: error writing %s\n", path);
	return ok;
}

static void cycle_print(const struct bench_cycle_result *res)
{
	double rate = res->seconds > 0 ? (double)res->done / res->seconds : 0.0;

	char cycles[48];

	if (res->requested == ULONG_MAX) /* a duration: no count to reach */
		snprintf(cycles, sizeof(cycles), "%15lu", res->done);
	else
		snprintf(cycles, sizeof(cycles), "%7lu/%-7lu", res->done, res->requested);
	printf("%-14s %-14s %-10s %s %8.3f s %10.0f/s  trends %zu\n", res->kind, res->host,
	       bench_result_string(res->result), cycles, res->seconds, rate, res->ntrends);
	if (res->why[0] != '\0')
		printf("    %s\n", res->why);
}

static enum bench_result cycle_one(struct cycle_args *a, const struct drvbench_target *t,
				   struct cycle_job *job)
{
	struct bench_cycle_result *res = calloc(1, sizeof(*res));
	struct cycle_progress p = { .label = job->kind->name, .t0 = cycle_now(), .res = res,
				    .duration_s = job->duration_s,
				    .status = job->duration_s > 0 || a->rec.on };
	struct bench_cycle_config cfg = { .kind = job->kind, .host = job->host,
					  .count = job->count, .duration_s = job->duration_s,
					  .stop = &drvbench_interrupted };
	bool several = a->nkinds > 1;
	enum bench_result verdict;

	if (res == NULL) {
		fprintf(stderr, "drvbench cycle: out of memory\n");
		return BENCH_FAIL;
	}
	drvbench_target_options(t, &cfg.opt);
	if (job->leak_period != 0)
		cfg.opt.wrap_kext = bench_cycle_leak_wrap(job->leak_period);
	if (!drvbench_cycle_job_hook(a, job, &cfg)) {
		free(res);
		return BENCH_FAIL;
	}
	if (isatty(STDERR_FILENO)) {
		cfg.progress = cycle_progress;
		cfg.progress_arg = &p;
	}
	bench_cycle_run(&cfg, res);
	drvbench_cycle_job_done(job);
	if (job->leak_period != 0)
		bench_cycle_leak_reap();
	if (p.status && cfg.progress != NULL)
		fputc('\n', stderr);
	cycle_print(res);
	verdict = res->result;
	if (a->junit != NULL && !bench_junit_add_cycle(a->junit, res))
		verdict = BENCH_FAIL;
	if (res->result != BENCH_CANNOT_RUN && a->csv != NULL &&
	    !cycle_write(a->csv, res, several, bench_cycle_write_csv))
		verdict = BENCH_FAIL;
	if (res->result != BENCH_CANNOT_RUN && a->json != NULL &&
	    !cycle_write(a->json, res, several, bench_cycle_write_json))
		verdict = BENCH_FAIL;
	bench_cycle_result_free(res);
	free(res);
	fflush(stdout);
	return verdict;
}

int drvbench_cmd_cycle(int argc, char **argv)
{
	struct cycle_args a = { .host = &bench_host_sim_factory };
	struct cycle_job jobs[CYCLE_MAX_KINDS];
	struct drvbench_target t;
	unsigned failed = 0, cannot = 0;
	size_t njobs = 0;
	char label[64], why[256] = "";
	int status;
	bool outputs_ok;

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
		printf("drvbench cycle: host %s unavailable: %s\n", label, why);
		drvbench_target_close(&t);
		drvbench_cycle_outputs_close(&a, false);
		return DRVBENCH_EXIT_FAILED;
	}
	printf("drvbench cycle: %s %s on host %s, %zu kind(s)\n\n", bench_kext_bundle_id(t.kext),
	       bench_kext_version(t.kext), label, njobs);
	printf("%-14s %-14s %-10s %15s %10s %12s\n", "kind", "host", "result", "cycles", "time",
	       "rate");
	drvbench_interrupt_install();
	for (size_t i = 0; i < njobs && !drvbench_interrupted; i++) {
		enum bench_result r = cycle_one(&a, &t, &jobs[i]);

		failed += r == BENCH_FAIL;
		cannot += r == BENCH_CANNOT_RUN;
	}
	drvbench_target_close(&t);
	outputs_ok = drvbench_cycle_outputs_close(&a, true);
	if (drvbench_interrupted) {
		printf("\ndrvbench cycle: interrupted; the cycles done were kept%s\n",
		       a.rec.on ? " (drvbench cycle --kext ... --resume goes on)" : "");
		return drvbench_interrupt_status();
	}
	printf("\n%zu kind(s): %zu passed, %u failed, %u cannot run\n", njobs,
	       njobs - failed - cannot, failed, cannot);
	return failed > 0 || !outputs_ok ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;
}
