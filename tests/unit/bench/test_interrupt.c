/* The interrupt (bench/interrupt.h): the first signal is recorded and makes
 * the fd readable, the deadline does the same, a signal ignored from the
 * start stays ignored, the command's exit dies of the signal, and a second
 * signal or the end of the grace period ends the process from the handler
 * after removing its temp dirs. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/interrupt.h"
#include "shim/host_qemu.h"

#define WAIT_MS 30000 /* bound on waiting for what must come much sooner */

static bool fd_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do /* the signal that makes it readable also cuts the poll short */
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	return n == 1 && (p.revents & POLLIN);
}

static int forget(void **state)
{
	(void)state;
	bench_interrupt_uninstall();
	return 0;
}

static void test_the_first_signal_is_recorded_and_wakes_the_fd(void **state)
{
	char why[128] = "";

	(void)state;
	assert_true(bench_interrupt_install(why, sizeof(why)));
	assert_int_equal(0, bench_interrupted());
	assert_false(fd_readable(bench_interrupt_fd(), 0));
	raise(SIGTERM);
	assert_int_equal(SIGTERM, bench_interrupted());
	assert_true(fd_readable(bench_interrupt_fd(), 0));
	assert_int_equal(*bench_interrupt_fd_ref(), bench_interrupt_fd());
	assert_string_equal("interrupted by SIGTERM", bench_interrupt_reason());
	bench_interrupt_uninstall();
	assert_int_equal(0, bench_interrupted());
	assert_int_equal(-1, bench_interrupt_fd());
	assert_string_equal("", bench_interrupt_reason());
}

static void test_the_deadline_interrupts_like_a_signal(void **state)
{
	char why[128] = "";

	(void)state;
	assert_true(bench_interrupt_install(why, sizeof(why)));
	bench_interrupt_deadline(1);
	assert_true(fd_readable(bench_interrupt_fd(), WAIT_MS));
	assert_int_equal(BENCH_INTERRUPT_DEADLINE, bench_interrupted());
	assert_string_equal("the deadline of 1 s passed", bench_interrupt_reason());
	bench_interrupt_uninstall();
}

/* A background job's SIGINT is ignored by the shell on purpose. */
static void test_a_signal_ignored_from_the_start_stays_ignored(void **state)
{
	char why[128] = "";

	(void)state;
	signal(SIGINT, SIG_IGN);
	assert_true(bench_interrupt_install(why, sizeof(why)));
	raise(SIGINT);
	assert_int_equal(0, bench_interrupted());
	bench_interrupt_uninstall();
	assert_true(signal(SIGINT, SIG_DFL) == SIG_IGN);
}

/* Runs body in a child with the interrupt installed; returns its status. */
static int in_child(void (*body)(void), const char *tmp)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char why[128];

		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed test */
		setenv("TMPDIR", tmp, 1);
		if (!bench_interrupt_install(why, sizeof(why)))
			_exit(100);
		body();
		_exit(101);
	}
	assert_int_equal(pid, waitpid(pid, &status, 0));
	return status;
}

static void exit_after_sighup(void)
{
	raise(SIGHUP);
	printf("written before dying\n"); /* flushed by the exit */
	bench_interrupt_exit();
}

static void test_the_commands_exit_dies_of_the_signal(void **state)
{
	int status;

	(void)state;
	status = in_child(exit_after_sighup, "/tmp");
	assert_true(WIFSIGNALED(status));
	assert_int_equal(SIGHUP, WTERMSIG(status));
}

/* A live temp dir, then a signal the "driver" never returns from. */
static void hang_after(int second)
{
	struct shim_qemu_tmpdir t;
	char err[256];

	if (shim_qemu_tmpdir_make("qemu", 200, &t, err, sizeof(err)) != SHIM_OK)
		_exit(102);
	raise(SIGINT);
	if (second)
		raise(SIGINT);
	for (;;)
		pause();
}

static void hang_after_two(void)
{
	hang_after(1);
}

static void hang_after_one(void)
{
	hang_after(0);
}

static void expect_forced_death(void (*body)(void))
{
	char tmp[] = "/tmp/drvbench-intr-test-XXXXXX";
	struct stat st;
	int status;

	assert_non_null(mkdtemp(tmp));
	status = in_child(body, tmp);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(SIGINT, WTERMSIG(status));
	/* the handler removed the live temp dir before dying */
	assert_int_equal(0, rmdir(tmp));
	assert_int_not_equal(0, stat(tmp, &st));
}

static void test_a_second_signal_cleans_up_and_ends_at_once(void **state)
{
	(void)state;
	expect_forced_death(hang_after_two);
}

/* A driver spinning in the main process never reaches a safe point. */
static void test_the_grace_period_ends_a_run_that_does_not_stop(void **state)
{
	(void)state;
	expect_forced_death(hang_after_one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_the_first_signal_is_recorded_and_wakes_the_fd, forget),
		cmocka_unit_test_teardown(test_the_deadline_interrupts_like_a_signal, forget),
		cmocka_unit_test_teardown(test_a_signal_ignored_from_the_start_stays_ignored, forget),
		cmocka_unit_test_teardown(test_the_commands_exit_dies_of_the_signal, forget),
		cmocka_unit_test_teardown(test_a_second_signal_cleans_up_and_ends_at_once, forget),
		cmocka_unit_test_teardown(test_the_grace_period_ends_a_run_that_does_not_stop, forget),
	};

	/* As a user's shell gives them (a background job starts with SIGINT
	 * ignored, and the interrupt leaves an ignored signal alone). */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
