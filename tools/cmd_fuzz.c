/* drvbench fuzz: a local libFuzzer campaign on a kext's user clients. The
 * kext fuzzer (one binary for every kext, built by a clang -Dfuzzing build
 * or fuzz/oss-fuzz/build.sh) loads the bundle itself; this front end checks
 * the command line, asks the fuzzer what the kext publishes, seeds an
 * empty corpus from the dispatch tables, then runs J processes sharing one
 * corpus directory (libFuzzer reloads what the others find) with a live
 * status line, and keeps the grown corpus on disk; with --record, the
 * campaign goes into the records (fuzz_record.h). --keep FILE instead
 * turns one crash file (one CI printed, say) into a regression test. The
 * kext is never mapped here: an instrumented one only loads into the
 * sanitised fuzzer. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd_fuzz.h"
#include "drvbench.h"
#include "fuzz_record.h"
#include "fuzz_regress.h"
#include "target.h"

#define FUZZ_MAX_JOBS 32
#define FUZZ_GRACE_S 30   /* after --time, before children are killed */
#define FUZZ_LOG_EVERY_S 30
#define FUZZ_OUT_CAP 8192 /* what a preflight run may print */
#define FUZZ_FUZZER_REL "../fuzz/libfuzzer/drvbench/fuzz_kext"
#define FUZZ_REGRESSIONS "fuzz/regressions"
#define FUZZ_MINIMISE_RUNS 10000

struct fuzz_job {
	pid_t pid;
	int fd;           /* the child's stderr */
	char line[512];   /* partial line being read */
	size_t len;
	struct drvbench_fuzz_status st;
	int status;
	bool running, crashed;
	char artifact[PATH_MAX];
	char last[256];   /* last line that was not a status line, for failures */
	char finding[256]; /* the first line that says what broke */
};

struct fuzz_opts {
	const char *kext, *tests, *device, *target, *corpus, *dict, *fuzzer, *regressions, *client_abi;
	const char *keep; /* --keep: a crash file to keep, no campaign */
	unsigned seconds, jobs;
	unsigned long runs, seed; /* --runs, --seed (0: libFuzzer's defaults) */
	bool list;
	struct drvbench_fuzz_record *fr;
	/* The fuzzer's own options for this kext: -kext= -tests= -device= -target=
	 * -client_abi=. */
	char *fopt[5];
	char fopt_buf[5][PATH_MAX + 16];
	size_t nfopt;
};

void drvbench_fuzz_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench fuzz --kext PATH [--tests PATH] [--device NAME|FILE]\n"
		"                     [--target struct|raw:SELECTOR|device|both] [--time S] [--jobs J]\n"
		"                     [--corpus DIR] [--dict FILE] [--fuzzer PATH] [--list]\n"
		"                     [--regressions DIR] [--client-abi lp64|ilp32]\n"
		"                     [--runs N] [--seed N] [--record [--records PATH] [--label L]]\n"
		"       drvbench fuzz --kext PATH [--tests PATH] [--target T] --keep FILE\n"
		"                     [--regressions DIR] [--fuzzer PATH]\n\n"
		"Fuzzes the user clients the kext publishes, shaped by their dispatch tables, with\n"
		"libFuzzer for S seconds in J processes sharing one corpus, and prints a status\n"
		"line. Every call is checked against a reference model: the shim's checks and\n"
		"handles for any kext, plus each method's contract when the test module gives\n"
		"one (bench/uc_oracle.h); after every input all counters must be back where they\n"
		"were, the verifier empty and the device without error. A refused call may not\n"
		"touch a device register.\n\n"
		"options:\n" DRVBENCH_TARGET_HELP
		"  -t, --target T         struct (default): programs of opens, calls, handles and\n"
		"                         closes over every user client; raw:SELECTOR: the bytes\n"
		"                         of one method, named as in its table (see --list);\n"
		"                         device: a hostile device (register values, DMA data,\n"
		"                         interrupts, removal) under the driver's start, one call\n"
		"                         of each selector and its stop; both: a hostile device\n"
		"                         under a struct program (one input drives both sides)\n"
		"  -s, --time S           seconds, 1..604800 (default 60)\n"
		"      --runs N           at most N inputs per process (libFuzzer's -runs): with\n"
		"                         --seed, a campaign of fixed length, as CI wants\n"
		"      --seed N           libFuzzer's -seed for the first process (N+i for the\n"
		"                         i-th), so a campaign repeats\n"
		"  -j, --jobs J           processes, 1..%d (default 1)\n"
		"  -c, --corpus DIR       kept and grown here (default fuzz-corpus/<bundle>-<target>);\n"
		"                         an empty one is seeded from the dispatch tables\n"
		"      --dict FILE        a libFuzzer dictionary (values the methods compare against)\n"
		"      --fuzzer PATH      the kext fuzzer (default $DRVBENCH_FUZZER, else\n"
		"                         fuzz/libfuzzer/drvbench/fuzz_kext of this build)\n"
		"  -l, --list             print each user client's selectors and oracle, then exit\n"
		"      --regressions DIR  where each crash is kept, minimised, as a regression test:\n"
		"                         DIR/<bundle>-<target>/<what-broke>-<hash> and its .reason\n"
		"                         (default " FUZZ_REGRESSIONS "; the replay suite runs each\n"
		"                         file there as a test named after it)\n"
		"      --client-abi ABI   the fuzzed tasks are 64-bit (lp64, default) or 32-bit\n"
		"                         processes (ilp32: 32-bit scalars and structure sizes)\n"
		DRVBENCH_RECORD_HELP
		"                         (exec/s, coverage features over time, corpus, crashes,\n"
		"                         and how often each selector was reached and refused)\n"
		"  -k, --keep FILE        no campaign: minimise the crash FILE (found elsewhere, by\n"
		"                         CI say: its log prints this command) and keep it as a\n"
		"                         regression test as above; exit 1 if it does not crash\n"
		"                         alone. With a replay driver as --fuzzer it is kept\n"
		"                         whole (only libFuzzer minimises)\n\n"
		"Build the kext with clang and -fsanitize=fuzzer-no-link,address,undefined so\n"
		"libFuzzer sees its branches (the fuzzer says when it cannot). Crashes go to\n"
		"<corpus>.crashes/; each is minimised and kept as a regression test (above);\n"
		"reproduce one with the command printed, or with fuzz_kext_replay and the same\n"
		"options in any build.\n"
		"Exit status: 0 no crash (--keep: kept), 1 a crash, the kext refused or (--keep)\n"
		"the file does not crash, 2 bad command line.\n",
		FUZZ_MAX_JOBS);
}

/* snprintf that reports truncation (paths that do not fit are refused). */
__attribute__((format(printf, 3, 4))) static bool fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len;
}

static bool find_fuzzer(const struct fuzz_opts *o, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	if (o->fuzzer != NULL)
		return fmt(out, len, "%s", o->fuzzer);
	if (getenv("DRVBENCH_FUZZER") != NULL)
		return fmt(out, len, "%s", getenv("DRVBENCH_FUZZER"));
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	return fmt(out, len, "%s/" FUZZ_FUZZER_REL, self);
}

static int mkdirs(const char *path)
{
	char buf[PATH_MAX];

	if (!fmt(buf, sizeof(buf), "%s", path))
		return -1;
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Runs argv to completion, its stdout and stderr kept (cut at cap - 1). */
static int run_capture(char *const argv[], char *out, char *err, size_t cap)
{
	int po[2], pe[2], status = 0;
	size_t used[2] = { 0, 0 };
	char *buf[2] = { out, err };
	pid_t pid;

	if (pipe(po) != 0)
		return -1;
	if (pipe(pe) != 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		dup2(po[1], STDOUT_FILENO);
		dup2(pe[1], STDERR_FILENO);
		close(po[0]);
		close(pe[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	for (struct pollfd p[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	     pid > 0 && (p[0].fd >= 0 || p[1].fd >= 0);) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			char chunk[1024];
			ssize_t n;

			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			n = read(p[i].fd, chunk, sizeof(chunk));
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			for (ssize_t k = 0; k < n && used[i] + 1 < cap; k++)
				buf[i][used[i]++] = chunk[k];
		}
	}
	out[used[0]] = err[used[1]] = '\0';
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The fuzzer with this kext's options and extra (NULL-ended, at most 2). */
static int run_fuzzer(const char *bin, const struct fuzz_opts *o, const char *extra1,
		      const char *extra2, char *out, char *err)
{
	char *argv[8];
	size_t n = 0;

	argv[n++] = (char *)bin;
	for (size_t i = 0; i < o->nfopt; i++)
		argv[n++] = o->fopt[i];
	if (extra1 != NULL)
		argv[n++] = (char *)extra1;
	if (extra2 != NULL)
		argv[n++] = (char *)extra2;
	argv[n] = NULL;
	return run_capture(argv, out, err, FUZZ_OUT_CAP);
}

static bool dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	while (d != NULL && empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	if (d != NULL)
		closedir(d);
	return empty;
}

static int spawn(struct fuzz_job *j, const struct fuzz_job *jobs0, const struct fuzz_opts *o,
		 const char *bin, const char *crash_prefix)
{
	char t[32], pfx[PATH_MAX + 32], dictarg[PATH_MAX + 8], runs[40], seed[40];
	char *argv[20];
	size_t n = 0;
	int fds[2];

	if (!fmt(t, sizeof(t), "-max_total_time=%u", o->seconds) ||
	    !fmt(pfx, sizeof(pfx), "-artifact_prefix=%s", crash_prefix) ||
	    (o->dict != NULL && !fmt(dictarg, sizeof(dictarg), "-dict=%s", o->dict)) ||
	    pipe(fds) != 0)
		return -1;
	argv[n++] = (char *)bin;
	for (size_t i = 0; i < o->nfopt; i++)
		argv[n++] = o->fopt[i];
	argv[n++] = t;
	argv[n++] = pfx;
	argv[n++] = "-max_len=16384";
	argv[n++] = "-print_final_stats=1";
	argv[n++] = "-print_execs=10";
	if (o->dict != NULL)
		argv[n++] = dictarg;
	if (o->runs > 0 && fmt(runs, sizeof(runs), "-runs=%lu", o->runs))
		argv[n++] = runs;
	if (o->seed > 0 && fmt(seed, sizeof(seed), "-seed=%lu", o->seed + (unsigned long)(j - jobs0)))
		argv[n++] = seed;
	if (o->fr->rec.db != NULL)
		argv[n++] = "-print_selectors=1";
	argv[n++] = (char *)o->corpus;
	argv[n] = NULL;
	j->pid = fork();
	if (j->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (j->pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(bin, argv);
		_exit(127);
	}
	close(fds[1]);
	j->fd = fds[0];
	j->running = true;
	return 0;
}

/* libFuzzer's status lines and final stats (fuzz_status.h), the fuzzer's
 * selector lines, and what says why a job failed. */
static void parse_line(const struct fuzz_opts *o, struct fuzz_job *j, const char *l)
{
	const char *p;

	if (drvbench_fuzz_status_parse(l, &j->st) || drvbench_fuzz_final_stat_parse(l, &j->st))
		return;
	if (strncmp(l, "fuzz_kext: selector\t", 20) == 0) {
		drvbench_fuzz_record_line(o->fr, l);
		return;
	}
	if (l[0] != '\0' && strncmp(l, "stat::", 6) != 0)
		fmt(j->last, sizeof(j->last), "%s", l);
	/* An oracle's or invariant's abort message, a sanitizer's report. */
	if (j->finding[0] == '\0' && (strncmp(l, "fuzz: ", 6) == 0 || strstr(l, "ERROR: ") != NULL ||
				       strstr(l, "runtime error: ") != NULL))
		fmt(j->finding, sizeof(j->finding), "%s", l);
	if ((p = strstr(l, "Test unit written to ")) != NULL) {
		fmt(j->artifact, sizeof(j->artifact), "%s", p + 21);
		j->artifact[strcspn(j->artifact, "\n")] = '\0';
	}
}

static void drain(const struct fuzz_opts *o, struct fuzz_job *j)
{
	char buf[1024];
	ssize_t n = read(j->fd, buf, sizeof(buf));

	if (n <= 0) {
		close(j->fd);
		j->fd = -1;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || j->len + 1 == sizeof(j->line)) {
			j->line[j->len] = '\0';
			parse_line(o, j, j->line);
			j->len = 0;
		} else {
			j->line[j->len++] = buf[i];
		}
	}
}

/* On a terminal the status line redraws in place; in a log (CI, nohup) it
 * becomes one line every FUZZ_LOG_EVERY_S seconds, so the log stays
 * readable. The last one goes to stdout too: the run's summary. */
/* The campaign so far: executions and rates add up over the jobs; they
 * share one corpus, so coverage and corpus are the largest any job saw. */
struct fuzz_totals {
	struct drvbench_fuzz_status st;
	unsigned running, crashes;
};

static struct fuzz_totals totals(const struct fuzz_opts *o, const struct fuzz_job *jobs)
{
	struct fuzz_totals t = { 0 };

	for (unsigned i = 0; i < o->jobs; i++) {
		const struct drvbench_fuzz_status *s = &jobs[i].st;

		t.st.execs += s->execs;
		t.st.rate += s->rate;
		t.st.cov = s->cov > t.st.cov ? s->cov : t.st.cov;
		t.st.ft = s->ft > t.st.ft ? s->ft : t.st.ft;
		t.st.corp = s->corp > t.st.corp ? s->corp : t.st.corp;
		t.running += jobs[i].running;
		t.crashes += jobs[i].crashed;
	}
	return t;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* With --record, the campaign's coverage at this moment (fuzz_status.h). */
static void curve_point(const struct fuzz_opts *o, const struct fuzz_job *jobs, double t0)
{
	struct fuzz_totals t;

	if (o->fr->rec.db == NULL)
		return;
	t = totals(o, jobs);
	drvbench_fuzz_curve_add(&o->fr->curve, &(struct bench_record_fuzz_point){
		.t_s = now_s() - t0, .execs = t.st.execs, .features = t.st.ft,
		.corpus = t.st.corp, .crashes = t.crashes });
}

static void status_line(const struct fuzz_opts *o, struct fuzz_job *jobs, time_t start, bool last)
{
	static time_t last_logged;
	bool tty = isatty(STDERR_FILENO);
	struct fuzz_totals t;
	char line[256];

	if (!tty && !last && time(NULL) - last_logged < FUZZ_LOG_EVERY_S)
		return;
	last_logged = time(NULL);
	t = totals(o, jobs);
	fmt(line, sizeof(line), "fuzz %s: %lds/%us jobs %u execs %lu (%lu/s) cov %lu ft %lu "
	    "corp %lu crashes %u", o->target, (long)(time(NULL) - start), o->seconds, t.running,
	    t.st.execs, t.st.rate, t.st.cov, t.st.ft, t.st.corp, t.crashes);
	fprintf(stderr, "%s%s%s", tty ? "\r" : "", line, tty && !last ? "   " : "\n");
	if (last)
		printf("%s\n", line);
}

/* Runs the jobs to completion; returns the number that crashed, and how
 * long they ran in *seconds. */
static unsigned supervise(const struct fuzz_opts *o, struct fuzz_job *jobs, double *seconds)
{
	time_t start = time(NULL);
	double t0 = now_s();
	unsigned live = o->jobs, crashed = 0;

	while (live > 0) {
		struct pollfd pfd[FUZZ_MAX_JOBS];
		unsigned map[FUZZ_MAX_JOBS], n = 0;

		for (unsigned i = 0; i < o->jobs; i++) {
			if (jobs[i].fd >= 0) {
				pfd[n] = (struct pollfd){ .fd = jobs[i].fd, .events = POLLIN };
				map[n++] = i;
			}
		}
		if (n > 0 && poll(pfd, n, 1000) > 0)
			for (unsigned k = 0; k < n; k++)
				if (pfd[k].revents != 0)
					drain(o, &jobs[map[k]]);
		curve_point(o, jobs, t0);
		for (unsigned i = 0; i < o->jobs; i++) {
			struct fuzz_job *j = &jobs[i];

			if (j->running && j->fd < 0 && waitpid(j->pid, &j->status, 0) == j->pid) {
				j->running = false;
				j->crashed = !WIFEXITED(j->status) || WEXITSTATUS(j->status) != 0;
				crashed += j->crashed;
				live--;
			} else if (j->running && time(NULL) > start + (time_t)o->seconds + FUZZ_GRACE_S) {
				kill(j->pid, SIGKILL); /* bounded: a hung child does not hang us */
			}
		}
		status_line(o, jobs, start, false);
	}
	*seconds = now_s() - t0;
	curve_point(o, jobs, t0);
	status_line(o, jobs, start, true);
	return crashed;
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *f, ...)
{
	va_list ap;

	fprintf(stderr, "drvbench fuzz: ");
	va_start(ap, f);
	vfprintf(stderr, f, ap);
	va_end(ap);
	fprintf(stderr, "\ntry 'drvbench fuzz --help'\n");
	return DRVBENCH_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct fuzz_opts *o)
{
	static const struct option opts[] = {
		{ "kext", required_argument, NULL, 'K' },   { "tests", required_argument, NULL, 'T' },
		{ "device", required_argument, NULL, 'D' }, { "target", required_argument, NULL, 't' },
		{ "time", required_argument, NULL, 's' },   { "jobs", required_argument, NULL, 'j' },
		{ "corpus", required_argument, NULL, 'c' }, { "dict", required_argument, NULL, 'd' },
		{ "fuzzer", required_argument, NULL, 'f' }, { "list", no_argument, NULL, 'l' },
		{ "regressions", required_argument, NULL, 'R' },
		{ "client-abi", required_argument, NULL, 'A' },
		{ "runs", required_argument, NULL, 0x110 }, { "seed", required_argument, NULL, 0x111 },
		DRVBENCH_RECORD_OPTIONS,
		{ "keep", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
	};
	unsigned long long u;
	char *end;
	long v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":K:T:D:t:s:j:c:lk:h", opts, NULL)) != -1) {
		switch (c) {
		case 'K': o->kext = optarg; break;
		case 'T': o->tests = optarg; break;
		case 'D': o->device = optarg; break;
		case 't': o->target = optarg; break;
		case 'c': o->corpus = optarg; break;
		case 'd': o->dict = optarg; break;
		case 'f': o->fuzzer = optarg; break;
		case 'R': o->regressions = optarg; break;
		case 'l': o->list = true; break;
		case 'k': o->keep = optarg; break;
		case 'A':
			if (strcmp(optarg, "lp64") != 0 && strcmp(optarg, "ilp32") != 0)
				return usage_error("--client-abi is lp64 or ilp32, not '%s'", optarg);
			o->client_abi = optarg;
			break;
		case 'h': drvbench_fuzz_usage(stdout); return DRVBENCH_EXIT_OK;
		case 's':
		case 'j':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > (c == 's' ? 86400 * 7 : FUZZ_MAX_JOBS))
				return usage_error("bad value '%s'", optarg);
			*(c == 's' ? &o->seconds : &o->jobs) = (unsigned)v;
			break;
		case 0x110:
		case 0x111:
			errno = 0;
			u = strtoull(optarg, &end, 10);
			if (*end != '\0' || optarg[0] < '0' || optarg[0] > '9' || errno != 0 || u < 1 ||
			    u > (c == 0x110 ? 1000000000000ull : UINT32_MAX - FUZZ_MAX_JOBS))
				return usage_error("bad value '%s' for --%s", optarg,
						   c == 0x110 ? "runs" : "seed");
			*(c == 0x110 ? &o->runs : &o->seed) = (unsigned long)u;
			break;
		case 0x100:
		case 0x101:
		case 0x102: drvbench_record_option(&o->fr->rec, c, optarg); break;
		case ':': return usage_error("option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected '%s'", argv[optind]);
	if (o->kext == NULL)
		return usage_error("--kext PATH is required: the kext bundle to fuzz");
	if (o->keep != NULL && o->list)
		return usage_error("--keep and --list do not go together");
	if (o->keep != NULL && access(o->keep, R_OK) != 0)
		return usage_error("--keep %s: %s", o->keep, strerror(errno));
	if (strcmp(o->target, "struct") != 0 && strcmp(o->target, "device") != 0 &&
	    strcmp(o->target, "both") != 0 &&
	    (strncmp(o->target, "raw:", 4) != 0 || o->target[4] == '\0'))
		return usage_error("unknown target '%s' (struct, raw:SELECTOR, device or both)",
				   o->target);
	return -1;
}

/* -kext= -tests= -device= -target= -client_abi= for every run of the fuzzer. */
static bool fuzzer_options(struct fuzz_opts *o)
{
	const char *name[] = { "kext", "tests", "device", "target", "client_abi" };
	const char *val[] = { o->kext, o->tests, o->device, o->target, o->client_abi };

	for (size_t i = 0; i < 5; i++) {
		if (val[i] == NULL)
			continue;
		if (!fmt(o->fopt_buf[i], sizeof(o->fopt_buf[i]), "-%s=%s", name[i], val[i]))
			return false;
		o->fopt[o->nfopt++] = o->fopt_buf[i];
	}
	return true;
}

/* Asks the fuzzer what the kext publishes: it boots the machine, so a
 * refused kext, module or profile is reported here, once. -1: go on. */
static int preflight(const struct fuzz_opts *o, const char *bin)
{
	static char out[FUZZ_OUT_CAP], err[FUZZ_OUT_CAP];
	int rc = run_fuzzer(bin, o, "-list_selectors=1", NULL, out, err);
	const char *sel = strchr(o->target, ':');
	bool found = sel == NULL;

	if (rc != 0) { /* the reason on stdout, as run and cycle report a refused kext */
		printf("%sdrvbench fuzz: %s refused (fuzzer exit %d)\n", err, o->kext, rc);
		return rc == DRVBENCH_EXIT_USAGE ? DRVBENCH_EXIT_USAGE : DRVBENCH_EXIT_FAILED;
	}
	fputs(err, stderr); /* the user clients, their oracles, coverage notes */
	if (o->list) {
		fputs(out, stdout);
		return DRVBENCH_EXIT_OK;
	}
	for (char *l = strtok(out, "\n"); l != NULL && !found; l = strtok(NULL, "\n"))
		found = strcmp(l, sel + 1) == 0;
	if (!found) {
		fprintf(stderr, "drvbench fuzz: %s publishes no selector named '%s' (--list shows "
				"them)\n", o->kext, sel + 1);
		return DRVBENCH_EXIT_USAGE;
	}
	return -1;
}

/* ROOT/<bundle name>-<target, ':' as '-'> */
static bool kext_dir(const struct fuzz_opts *o, const char *root, char *out, size_t len)
{
	char path[PATH_MAX];
	const char *base;
	size_t n;

	if (!fmt(path, sizeof(path), "%s", o->kext))
		return false;
	for (n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0'; /* "Foo.kext/" names Foo.kext too */
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	n = strcspn(base, ".");
	if (!fmt(out, len, "%s/%.*s-%s", root, (int)n, base, o->target))
		return false;
	for (char *p = strrchr(out, '/'); *p != '\0'; p++)
		if (*p == ':')
			*p = '-';
	return true;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The crash, minimised, as a regression test (fuzz_regress.h). */
static bool keep_regression(const struct fuzz_opts *o, const char *bin, const char *crash)
{
	char dir[PATH_MAX], path[PATH_MAX + 200], reason[512], why[512];
	struct drvbench_regress r = { .fuzzer = bin, .fopt = o->fopt, .nfopt = o->nfopt,
				      .dir = dir, .runs = FUZZ_MINIMISE_RUNS };

	if (!kext_dir(o, o->regressions != NULL ? o->regressions : FUZZ_REGRESSIONS, dir,
		      sizeof(dir))) {
		printf("  not kept: path too long\n");
		return false;
	}
	fflush(stdout);
	if (!drvbench_regress_keep(&r, crash, path, sizeof(path), reason, sizeof(reason), why,
				   sizeof(why))) {
		printf("  not kept as a regression test: %s\n", why);
		return false;
	}
	if (file_size(path) < file_size(crash))
		printf("  minimised (%lld to %lld bytes)", file_size(crash), file_size(path));
	else /* a replay driver as --fuzzer does not minimise */
		printf("  %lld bytes (nothing smaller found)", file_size(path));
	printf(" and kept as a regression test: %s\n  reason: %s\n", path, reason);
	return true;
}

/* With --record: the campaign's totals and curve, its selectors, its end. */
static int record_campaign(const struct fuzz_opts *o, const struct fuzz_job *jobs,
			   double seconds, unsigned crashed, int rc)
{
	struct fuzz_totals t = totals(o, jobs);
	struct bench_record_fuzz f = {
		.target = o->target, .seconds = seconds, .execs = t.st.execs,
		/* By our clock: libFuzzer's own average counts whole seconds. */
		.execs_per_s = seconds > 0 ? (double)t.st.execs / seconds : (double)t.st.rate,
		.features = t.st.ft, .corpus = t.st.corp, .crashes = crashed,
	};

	if (o->fr->rec.db == NULL)
		return rc;
	if (!drvbench_fuzz_record_end(o->fr, &f, rc == DRVBENCH_EXIT_OK ? "done" : "failed"))
		return drvbench_exit_worst(rc, DRVBENCH_EXIT_OUTPUT);
	return rc;
}

/* Everything after the command line: preflight, seeds, the jobs, crashes. */
static int campaign(struct fuzz_opts *o, const char *bin)
{
	static struct fuzz_job jobs[FUZZ_MAX_JOBS];
	static char out[FUZZ_OUT_CAP], err[FUZZ_OUT_CAP];
	char corpus[PATH_MAX], crash[PATH_MAX], seeds[PATH_MAX + 16];
	double seconds = 0;
	unsigned crashed;
	int rc;

	if ((o->corpus != NULL ? !fmt(corpus, sizeof(corpus), "%s", o->corpus) :
				 !kext_dir(o, "fuzz-corpus", corpus, sizeof(corpus))) ||
	    !fmt(crash, sizeof(crash), "%s.crashes/", corpus) ||
	    !fmt(seeds, sizeof(seeds), "-write_seeds=%s", corpus))
		return usage_error("path too long");
	if ((rc = preflight(o, bin)) >= 0)
		return rc;
	if (o->keep != NULL) {
		printf("%s: keeping as a regression test\n", o->keep);
		return keep_regression(o, bin, o->keep) ? DRVBENCH_EXIT_OK : DRVBENCH_EXIT_FAILED;
	}
	if (mkdirs(corpus) != 0 || mkdirs(crash) != 0) {
		fprintf(stderr, "drvbench fuzz: cannot create %s: %s\n", corpus, strerror(errno));
		return DRVBENCH_EXIT_FAILED;
	}
	if (dir_empty(corpus) && run_fuzzer(bin, o, seeds, NULL, out, err) != 0) {
		fprintf(stderr, "%sdrvbench fuzz: cannot seed %s\n", err, corpus);
		return DRVBENCH_EXIT_FAILED;
	}
	if (!drvbench_fuzz_record_begin(o->fr, o->kext, o->device))
		return DRVBENCH_EXIT_USAGE;
	o->corpus = corpus;
	for (unsigned i = 0; i < o->jobs; i++) {
		jobs[i].fd = -1;
		if (spawn(&jobs[i], jobs, o, bin, crash) != 0) {
			fprintf(stderr, "drvbench fuzz: cannot start job %u\n", i);
			o->jobs = i;
			break;
		}
	}
	crashed = supervise(o, jobs, &seconds);
	for (unsigned i = 0; i < o->jobs; i++) {
		if (!jobs[i].crashed)
			continue;
		printf("job %u: %s\n  reproduce: %s", i,
		       jobs[i].finding[0] != '\0' ? jobs[i].finding : jobs[i].last, bin);
		for (size_t k = 0; k < o->nfopt; k++)
			printf(" %s", o->fopt[k]);
		printf(" %s\n", jobs[i].artifact[0] != '\0' ? jobs[i].artifact : "(no crash file)");
		if (jobs[i].artifact[0] != '\0')
			keep_regression(o, bin, jobs[i].artifact);
	}
	printf("corpus kept in %s\n", corpus);
	rc = crashed > 0 || o->jobs == 0 ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;
	return record_campaign(o, jobs, seconds, crashed, rc);
}

int drvbench_cmd_fuzz(int argc, char **argv)
{
	static struct drvbench_fuzz_record fr;
	struct fuzz_opts o = { .target = "struct", .seconds = 60, .jobs = 1, .fr = &fr };
	char bin[PATH_MAX];
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (!find_fuzzer(&o, bin, sizeof(bin)) || access(bin, X_OK) != 0) {
		fprintf(stderr, "drvbench fuzz: no kext fuzzer at %s\n"
			"It is built by a clang build with libFuzzer: CC=clang-14 meson setup BUILD "
			"-Dfuzzing=enabled\n(or tools/build.sh --clang BUILD), or by fuzz/oss-fuzz/build.sh; "
			"then pass --fuzzer PATH\nor run this drvbench from that build.\n", bin);
		return DRVBENCH_EXIT_USAGE;
	}
	if (!fuzzer_options(&o))
		return usage_error("path too long");
	/* Before any fuzzing: a records file that cannot be used fails now. */
	if (!o.list && o.keep == NULL && !drvbench_fuzz_record_open(&fr))
		return DRVBENCH_EXIT_USAGE;
	rc = campaign(&o, bin);
	drvbench_fuzz_record_close(&fr);
	return rc;
}
