/* The interrupt (bench/interrupt.h): a handler that records the first
 * signal and makes a pipe readable (the self-pipe every wait can poll),
 * then arms a grace period; past it, or at a second signal, the handler
 * itself cleans up what is async-signal-safe to clean and dies. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/host.h"
#include "bench/interrupt.h"

static const int intr_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGALRM };
#define INTR_NSIG (sizeof(intr_signals) / sizeof(intr_signals[0]))

static volatile sig_atomic_t intr_sig;      /* the first signal, 0 before */
static volatile sig_atomic_t intr_deadline; /* seconds of the armed deadline */
static int intr_pipe[2] = { -1, -1 };
static int intr_fd = -1;                    /* intr_pipe[0] while installed */
static bool intr_installed;
static bool intr_caught[INTR_NSIG];
static struct sigaction intr_old[INTR_NSIG];

static void intr_say(const char *s)
{
	(void)!write(STDERR_FILENO, s, strlen(s));
}

/* Dies of sig now (from the handler: only async-signal-safe calls). */
static void intr_die(int sig)
{
	const struct bench_host_factory *f;
	sigset_t set;

	for (size_t i = 0; (f = bench_host_at(i)) != NULL; i++)
		if (f->abandon != NULL)
			f->abandon();
	intr_say("drvbench: interrupted and not stopped within the grace period (or signalled "
		 "again): ending now; temp dirs removed, QEMU processes die with this one\n");
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static void intr_handler(int sig)
{
	int saved = errno;

	if (intr_sig == 0) {
		intr_sig = sig;
		if (intr_pipe[1] >= 0)
			(void)!write(intr_pipe[1], "!", 1);
		alarm(BENCH_INTERRUPT_GRACE_S);
	} else {
		intr_die(intr_sig);
	}
	errno = saved;
}

bool bench_interrupt_install(char *why, size_t len)
{
	struct sigaction sa;

	if (intr_installed)
		return true;
	if (pipe2(intr_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(why, len, "cannot make the interrupt pipe: %s", strerror(errno));
		intr_pipe[0] = intr_pipe[1] = -1;
		return false;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = intr_handler;
	sa.sa_flags = SA_RESTART; /* stdio does not retry a write cut by EINTR */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < INTR_NSIG; i++)
		sigaddset(&sa.sa_mask, intr_signals[i]);
	for (size_t i = 0; i < INTR_NSIG; i++) {
		intr_caught[i] = false;
		if (sigaction(intr_signals[i], NULL, &intr_old[i]) != 0)
			continue;
		/* A signal ignored from the start (a background job's SIGINT, nohup's
		 * SIGHUP) stays ignored, as the shell meant. */
		if (intr_old[i].sa_handler == SIG_IGN && intr_signals[i] != SIGALRM)
			continue;
		intr_caught[i] = sigaction(intr_signals[i], &sa, NULL) == 0;
	}
	intr_sig = 0;
	intr_fd = intr_pipe[0];
	intr_installed = true;
	return true;
}

void bench_interrupt_uninstall(void)
{
	if (!intr_installed)
		return;
	alarm(0);
	for (size_t i = 0; i < INTR_NSIG; i++)
		if (intr_caught[i])
			sigaction(intr_signals[i], &intr_old[i], NULL);
	intr_fd = -1;
	close(intr_pipe[0]);
	close(intr_pipe[1]);
	intr_pipe[0] = intr_pipe[1] = -1;
	intr_sig = 0;
	intr_deadline = 0;
	intr_installed = false;
}

void bench_interrupt_deadline(unsigned seconds)
{
	intr_deadline = (sig_atomic_t)seconds;
	if (intr_sig == 0)
		alarm(seconds);
}

int bench_interrupted(void)
{
	return intr_sig;
}

volatile sig_atomic_t *bench_interrupt_flag(void)
{
	return &intr_sig;
}

int bench_interrupt_fd(void)
{
	return intr_fd;
}

const int *bench_interrupt_fd_ref(void)
{
	return &intr_fd;
}

const char *bench_interrupt_reason(void)
{
	static char buf[64];

	if (intr_sig == 0)
		return "";
	if (intr_sig == BENCH_INTERRUPT_DEADLINE)
		snprintf(buf, sizeof(buf), "the deadline of %d s passed", (int)intr_deadline);
	else
		snprintf(buf, sizeof(buf), "interrupted by SIG%s", sigabbrev_np(intr_sig));
	return buf;
}

void bench_interrupt_exit(void)
{
	int sig = intr_sig;
	sigset_t set;

	fflush(NULL);
	if (sig == 0 || sig == BENCH_INTERRUPT_DEADLINE)
		_exit(1);
	alarm(0);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}
