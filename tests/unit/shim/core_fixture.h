/* Per-test fixture for shim core tests: each test starts with an empty
 * verifier, no injected faults, thread context and an empty log ring, and
 * must leave allocation and object counts as it found them. */
#ifndef DRVBENCH_TESTS_CORE_FIXTURE_H
#define DRVBENCH_TESTS_CORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim/machine.h"
#include "shim/verifier.h"

#include "internal.h"

struct core_fixture {
	struct shim_counters start;
};

static inline void core_fixture_drain_log(void)
{
	char buf[8];

	while (shim_log_pop(buf, sizeof(buf), NULL))
		;
}

static inline int core_setup(void **state)
{
	struct core_fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	shim_verifier_set_fatal(false);
	shim_verifier_clear();
	shim_alloc_fail_nth(0);
	shim_log_set_echo(false);
	shim_context_enter(SHIM_CTX_THREAD);
	core_fixture_drain_log();
	shim_counters_snapshot(&f->start);
	*state = f;
	return 0;
}

/* Tests that provoke violations check and clear them; anything left is a failure. */
static inline int core_teardown(void **state)
{
	struct core_fixture *f = *state;
	struct shim_counters end;

	shim_counters_snapshot(&end);
	shim_alloc_fail_nth(0);
	shim_context_enter(SHIM_CTX_THREAD);
	core_fixture_drain_log();
	assert_int_equal(f->start.alloc_count, end.alloc_count);
	assert_int_equal(f->start.alloc_bytes, end.alloc_bytes);
	assert_int_equal(f->start.objects_live, end.objects_live);
	assert_int_equal(f->start.wired_bytes, end.wired_bytes);
	assert_int_equal(f->start.prepared, end.prepared);
	assert_int_equal(0, shim_verifier_count());
	free(f);
	return 0;
}

#define CORE_TEST(fn) cmocka_unit_test_setup_teardown(fn, core_setup, core_teardown)

/* The kind of the only record, then clears the verifier for teardown. */
static inline enum shim_violation_kind core_take_single_violation(void)
{
	const struct shim_violation *v;
	enum shim_violation_kind kind;

	assert_int_equal(1, shim_verifier_count());
	v = shim_verifier_get(0);
	assert_non_null(v);
	kind = v->kind;
	shim_verifier_clear();
	return kind;
}

/* Runs child_fn in a child with stderr on a pipe; returns the wait status
 * and what the child wrote to stderr. */
static inline int core_run_in_child(void (*child_fn)(void), char *err, size_t err_len)
{
	int fds[2];
	pid_t pid;
	int status = 0;
	size_t got = 0;
	ssize_t n;

	assert_int_equal(0, pipe(fds));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		child_fn();
		_exit(0);
	}
	close(fds[1]);
	while (got + 1 < err_len && (n = read(fds[0], err + got, err_len - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(fds[0]);
	assert_int_equal(pid, waitpid(pid, &status, 0));
	return status;
}

#endif
