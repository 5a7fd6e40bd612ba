/* One scenario in a child process, for a driver that is not trusted: a
 * crash or a hang is that scenario's FAIL with the reason, and the run goes
 * on. The child runs the scenario as usual and sends its report back over
 * a pipe; the parent waits a bounded time (or until the run is
 * interrupted), then kills the child's process group and reaps it. A QEMU
 * the child started has a group of its own and dies with its parent
 * (PDEATHSIG); as a subreaper, the parent reaps it, then sweeps what the
 * killed child left (its QEMU temp dir: the host's sweep). The child dies
 * with the parent too. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/interrupt.h"
#include "bench/scenario.h"

static double bench_iso_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_iso_child(int fd, const struct bench_scenario *sc,
			    const struct bench_host_factory *host, const struct bench_options *base)
{
	struct bench_report rep;
	const char *p = (const char *)&rep;
	size_t left = sizeof(rep);

	setpgid(0, 0); /* one group with whatever it starts, to kill as one */
	/* The parent acts on interrupts (it kills this child); and if the
	 * parent dies, so does this child. */
	bench_interrupt_uninstall();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(4);
	bench_scenario_run(sc, host, base, &rep);
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		p += n;
		left -= (size_t)n;
	}
	_exit(0);
}

enum bench_iso_end { BENCH_ISO_DONE, BENCH_ISO_TIMEOUT, BENCH_ISO_INTERRUPTED };

/* Reads the child's report within the time left, unless interrupted. */
static enum bench_iso_end bench_iso_read(int fd, struct bench_report *rep, double deadline,
					 size_t *got)
{
	char *p = (char *)rep;

	*got = 0;
	while (*got < sizeof(*rep)) {
		struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
					 { .fd = bench_interrupt_fd(), .events = POLLIN } };
		double left = deadline - bench_iso_now();
		ssize_t n;

		if (bench_interrupted())
			return BENCH_ISO_INTERRUPTED;
		if (left <= 0)
			return BENCH_ISO_TIMEOUT;
		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, (int)(left * 1000) + 1) <= 0 ||
		    !(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, p + *got, sizeof(*rep) - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return BENCH_ISO_DONE; /* the child is gone: what it sent is all there is */
		*got += (size_t)n;
	}
	return BENCH_ISO_DONE;
}

/* Orphans of a killed child come to us (subreaper): collect them, bounded. */
static void bench_iso_reap_orphans(void)
{
	double until = bench_iso_now() + 2.0;

	while (bench_iso_now() < until) {
		pid_t p = waitpid(-1, NULL, WNOHANG);

		if (p < 0)
			return; /* ECHILD: none left */
		if (p == 0)
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
}

static void bench_iso_failed(struct bench_report *rep, enum bench_iso_end end, int status,
			     unsigned timeout_s)
{
	if (end == BENCH_ISO_INTERRUPTED)
		snprintf(rep->why, sizeof(rep->why), "%s: the isolated run was killed",
			 bench_interrupt_reason());
	else if (end == BENCH_ISO_TIMEOUT)
		snprintf(rep->why, sizeof(rep->why), "hung: no result after %u s; the isolated run "
				   "was killed", timeout_s ? timeout_s : 60);
	else if (WIFSIGNALED(status))
		snprintf(rep->why, sizeof(rep->why), "crashed: the isolated run died of %s",
			 strsignal(WTERMSIG(status)));
	else
		snprintf(rep->why, sizeof(rep->why), "the isolated run exited with status %d "
				   "before reporting", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

void bench_scenario_run_isolated(const struct bench_scenario *sc,
				 const struct bench_host_factory *host,
				 const struct bench_options *base, unsigned timeout_s,
				 struct bench_report *rep)
{
	double t0 = bench_iso_now();
	int fds[2], status = 0;
	size_t got = 0;
	enum bench_iso_end end;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	rep->scenario = sc;
	bench_host_label(host, base->profile, rep->host, sizeof(rep->host));
	rep->result = BENCH_FAIL;
	fflush(NULL);
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		snprintf(rep->why, sizeof(rep->why), "cannot start an isolated run: %s",
			 strerror(errno));
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		bench_iso_child(fds[1], sc, host, base);
	}
	close(fds[1]);
	setpgid(pid, pid);
	end = bench_iso_read(fds[0], rep, t0 + (timeout_s ? timeout_s : 60), &got);
	close(fds[0]);
	if (end != BENCH_ISO_DONE)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	kill(-pid, SIGKILL); /* anything the child left in its group */
	if (end != BENCH_ISO_DONE || !WIFEXITED(status)) {
		bench_iso_reap_orphans();
		if (host->sweep != NULL)
			host->sweep(); /* a killed child's QEMU temp dir, now unlocked */
	}
	if (end == BENCH_ISO_DONE && got == sizeof(*rep) && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0) {
		rep->elapsed_ms = (bench_iso_now() - t0) * 1e3;
		return;
	}
	memset(rep, 0, sizeof(*rep));
	rep->scenario = sc;
	bench_host_label(host, base->profile, rep->host, sizeof(rep->host));
	rep->result = BENCH_FAIL;
	rep->interrupted = end == BENCH_ISO_INTERRUPTED;
	rep->elapsed_ms = (bench_iso_now() - t0) * 1e3;
	bench_iso_failed(rep, end, status, timeout_s);
}
