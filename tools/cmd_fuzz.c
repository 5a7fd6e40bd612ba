/* drvbench fuzz: a local libFuzzer campaign on one user-client target, with
 * J processes sharing one corpus directory (libFuzzer reloads what the
 * others find), a live status line, and the grown corpus kept on disk.
 * The binaries are those fuzz/oss-fuzz/build.sh makes (a clang build puts
 * them in <build>/fuzz/libfuzzer, next to seeds/ and the dictionary). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
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

#define FUZZ_MAX_JOBS 32
#define FUZZ_GRACE_S 30 /* after --time, before children are killed */

struct fuzz_job {
	pid_t pid;
	int fd;           /* the child's stderr */
	char line[512];   /* partial line being read */
	size_t len;
	unsigned long execs, cov, corp, rate;
	int status;
	bool running, crashed;
	char artifact[PATH_MAX];
	char last[256];   /* last line that was not a status line, for failures */
};

struct fuzz_opts {
	const char *target, *bin_dir, *corpus;
	unsigned seconds, jobs;
};

void drvbench_fuzz_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench fuzz [--target T] [--time S] [--jobs J] [--bin-dir D] [--corpus D]\n\n"
		"Runs a libFuzzer campaign on a user-client target for S seconds (default 60)\n"
		"with J processes (default 1) sharing one corpus, printing a status line.\n"
		"  --target T   fuzz_uc_struct (default) or fuzz_uc_raw_<selector>\n"
		"  --bin-dir D  where build.sh put the targets (default: <build>/fuzz/libfuzzer,\n"
		"               or $DRVBENCH_FUZZ_DIR)\n"
		"  --corpus D   corpus kept and grown here (default: fuzz-corpus/<target>)\n"
		"Crashes are written next to the corpus; each is reproduced by running the\n"
		"target binary (or its _replay build) with the crash file as argument.\n");
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

/* <dir of this executable>/../fuzz/libfuzzer */
static void default_bin_dir(char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	out[0] = '\0';
	if (n <= 0)
		return;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (!fmt(out, len, "%s/../fuzz/libfuzzer", self))
		out[0] = '\0';
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

static int spawn(struct fuzz_job *j, const struct fuzz_opts *o, const char *bin, const char *seeds,
		 const char *dict, const char *crash_prefix)
{
	char t[32], pfx[PATH_MAX + 32], dictarg[PATH_MAX + 8];
	int fds[2];

	if (!fmt(t, sizeof(t), "-max_total_time=%u", o->seconds) ||
	    !fmt(pfx, sizeof(pfx), "-artifact_prefix=%s", crash_prefix) ||
	    !fmt(dictarg, sizeof(dictarg), "-dict=%s", dict) || pipe(fds) != 0)
		return -1;
	j->pid = fork();
	if (j->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (j->pid == 0) {
		/* Without a dictionary the slot holds a harmless default flag. */
		char *argv[] = { (char *)bin, t, pfx, "-max_len=16384", "-print_final_stats=1",
				 access(dict, R_OK) == 0 ? dictarg : "-verbosity=1",
				 (char *)o->corpus, access(seeds, R_OK) == 0 ? (char *)seeds : NULL,
				 NULL };

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

/* libFuzzer status lines: "#N <kind> cov: C ft: F corp: K/... exec/s: E ...". */
static void parse_line(struct fuzz_job *j, const char *l)
{
	const char *p;

	if (l[0] == '#' && l[1] >= '0' && l[1] <= '9')
		j->execs = strtoul(l + 1, NULL, 10);
	if ((p = strstr(l, "cov: ")) != NULL)
		j->cov = strtoul(p + 5, NULL, 10);
	if ((p = strstr(l, "corp: ")) != NULL)
		j->corp = strtoul(p + 6, NULL, 10);
	if ((p = strstr(l, "exec/s: ")) != NULL)
		j->rate = strtoul(p + 8, NULL, 10);
	if (l[0] != '#' && l[0] != '\0' && strncmp(l, "stat::", 6) != 0)
		fmt(j->last, sizeof(j->last), "%s", l);
	if ((p = strstr(l, "Test unit written to ")) != NULL) {
		snprintf(j->artifact, sizeof(j->artifact), "%s", p + 21);
		j->artifact[strcspn(j->artifact, "\n")] = '\0';
	}
}

static void drain(struct fuzz_job *j)
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
			parse_line(j, j->line);
			j->len = 0;
		} else {
			j->line[j->len++] = buf[i];
		}
	}
}

/* On a terminal the status line redraws in place; in a log (CI, nohup) it
 * becomes one line every FUZZ_LOG_EVERY_S seconds, so the log stays readable. */
#define FUZZ_LOG_EVERY_S 30
static void status_line(const struct fuzz_opts *o, struct fuzz_job *jobs, time_t start, bool last)
{
	static time_t last_logged;
	bool tty = isatty(STDERR_FILENO);
	unsigned long execs = 0, cov = 0, corp = 0, rate = 0;
	unsigned running = 0, crashes = 0;

	if (!tty && !last && time(NULL) - last_logged < FUZZ_LOG_EVERY_S)
		return;
	last_logged = time(NULL);

	for (unsigned i = 0; i < o->jobs; i++) {
		execs += jobs[i].execs;
		rate += jobs[i].rate;
		cov = jobs[i].cov > cov ? jobs[i].cov : cov;
		corp = jobs[i].corp > corp ? jobs[i].corp : corp;
		running += jobs[i].running;
		crashes += jobs[i].crashed;
	}
	fprintf(stderr, "%s%s %lds/%us jobs %u execs %lu (%lu/s) cov %lu corp %lu crashes %u%s",
		tty ? "\r" : "", o->target, (long)(time(NULL) - start), o->seconds, running, execs,
		rate, cov, corp, crashes, tty ? "   " : "\n");
}

/* Runs the jobs to completion; returns the number that crashed. */
static unsigned supervise(const struct fuzz_opts *o, struct fuzz_job *jobs)
{
	time_t start = time(NULL);
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
					drain(&jobs[map[k]]);
		for (unsigned i = 0; i < o->jobs; i++) {
			struct fuzz_job *j = &jobs[i];

			if (j->running && j->fd < 0 && waitpid(j->pid, &j->status, 0) == j->pid) {
				j->running = false;
				j->crashed = !WIFEXITED(j->status) || WEXITSTATUS(j->status) != 0;
				crashed += j->crashed;
				live--;
			} else if (j->running && time(NULL) > start + o->seconds + FUZZ_GRACE_S) {
				kill(j->pid, SIGKILL); /* bounded: a hung child does not hang us */
			}
		}
		status_line(o, jobs, start, false);
	}
	status_line(o, jobs, start, true);
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	return crashed;
}

static int parse_args(int argc, char **argv, struct fuzz_opts *o)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' }, { "time", required_argument, NULL, 's' },
		{ "jobs", required_argument, NULL, 'j' },   { "bin-dir", required_argument, NULL, 'b' },
		{ "corpus", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+t:s:j:b:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': o->target = optarg; break;
		case 'b': o->bin_dir = optarg; break;
		case 'c': o->corpus = optarg; break;
		case 'h': drvbench_fuzz_usage(stdout); return DRVBENCH_EXIT_OK;
		case 's':
		case 'j':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > (c == 's' ? 86400 * 7 : FUZZ_MAX_JOBS)) {
				fprintf(stderr, "drvbench fuzz: bad value '%s'\n", optarg);
				return DRVBENCH_EXIT_USAGE;
			}
			*(c == 's' ? &o->seconds : &o->jobs) = (unsigned)v;
			break;
		default:
			fprintf(stderr, "drvbench fuzz: bad option '%s'\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "drvbench fuzz: unexpected '%s'\n", argv[optind]);
		return DRVBENCH_EXIT_USAGE;
	}
	return -1;
}

int drvbench_cmd_fuzz(int argc, char **argv)
{
	static struct fuzz_job jobs[FUZZ_MAX_JOBS];
	struct fuzz_opts o = { "fuzz_uc_struct", NULL, NULL, 60, 1 };
	char dir[PATH_MAX], bin[PATH_MAX], seeds[PATH_MAX], dict[PATH_MAX];
	char corpus[PATH_MAX], crash[PATH_MAX];
	unsigned crashed;
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (o.bin_dir == NULL)
		o.bin_dir = getenv("DRVBENCH_FUZZ_DIR");
	if (o.bin_dir == NULL)
		default_bin_dir(dir, sizeof(dir));
	else if (!fmt(dir, sizeof(dir), "%s", o.bin_dir))
		dir[0] = '\0';
	if (!fmt(bin, sizeof(bin), "%s/%s", dir, o.target) || access(bin, X_OK) != 0) {
		fprintf(stderr, "drvbench fuzz: no target %s\nbuild the targets with clang "
			"(CC=clang-14 meson setup -Dfuzzing=enabled ...) or fuzz/oss-fuzz/build.sh "
			"and pass --bin-dir\n", bin);
		return DRVBENCH_EXIT_USAGE;
	}
	if (!fmt(seeds, sizeof(seeds), "%s/seeds/%s", dir, o.target) ||
	    !fmt(dict, sizeof(dict), "%s/%s.dict", dir, o.target) ||
	    (o.corpus != NULL ? !fmt(corpus, sizeof(corpus), "%s", o.corpus) :
				!fmt(corpus, sizeof(corpus), "fuzz-corpus/%s", o.target)) ||
	    !fmt(crash, sizeof(crash), "%s.crashes/", corpus)) {
		fprintf(stderr, "drvbench fuzz: path too long\n");
		return DRVBENCH_EXIT_USAGE;
	}
	if (mkdirs(corpus) != 0 || mkdirs(crash) != 0) {
		fprintf(stderr, "drvbench fuzz: cannot create %s: %s\n", corpus, strerror(errno));
		return DRVBENCH_EXIT_FAILED;
	}
	o.corpus = corpus;
	for (unsigned i = 0; i < o.jobs; i++) {
		jobs[i].fd = -1;
		if (spawn(&jobs[i], &o, bin, seeds, dict, crash) != 0) {
			fprintf(stderr, "drvbench fuzz: cannot start job %u\n", i);
			o.jobs = i;
			break;
		}
	}
	crashed = supervise(&o, jobs);
	for (unsigned i = 0; i < o.jobs; i++)
		if (jobs[i].crashed)
			fprintf(stderr, "job %u: %s\n  reproduce: %s %s\n", i, jobs[i].last, bin,
				jobs[i].artifact[0] != '\0' ? jobs[i].artifact : "(no crash file)");
	printf("corpus kept in %s\n", corpus);
	return crashed > 0 || o.jobs == 0 ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;
}
