/* The qemu host's temp dirs (shim/host_qemu.h) in a TMPDIR of the test's
 * own: a dir whose owner died is swept whatever its pid, a live one (even
 * another process's) never, a dir caught between mkdtemp and its lock is
 * left alone while young, foreign names are never touched, a TMPDIR too
 * long for socket paths is refused by name, and abandon empties this
 * process's live dirs. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shim/host_qemu.h"

static char root[64];

static int entries(void)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/drvbench-tmpdir-test-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	return setenv("TMPDIR", root, 1);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* A child makes a dir with a file in it and dies without removing it, as
 * a SIGKILLed run would; its path comes back through the pipe. */
static void dir_of_a_dead_process(char *path, size_t len)
{
	int fds[2], status;
	pid_t pid;

	assert_int_equal(0, pipe(fds));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct shim_qemu_tmpdir t;
		char err[256], file[SHIM_QEMU_TMPDIR_PATH + 16];
		FILE *f;

		if (shim_qemu_tmpdir_make("qemu", 200, &t, err, sizeof(err)) != SHIM_OK)
			_exit(1);
		snprintf(file, sizeof(file), "%s/qemu.log", t.path);
		f = fopen(file, "w");
		if (f != NULL)
			fclose(f);
		if (write(fds[1], t.path, sizeof(t.path)) != (ssize_t)sizeof(t.path))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal((ssize_t)len, read(fds[0], path, len));
	close(fds[0]);
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_int_equal(0, status);
}

static void test_a_dead_owners_dir_is_swept_whatever_its_pid(void **state)
{
	char path[SHIM_QEMU_TMPDIR_PATH];

	(void)state;
	dir_of_a_dead_process(path, sizeof(path));
	assert_true(exists(path));
	assert_int_equal(1, shim_qemu_tmpdir_sweep());
	assert_false(exists(path));
	assert_int_equal(0, entries());
}

static void test_a_live_dir_is_never_swept_even_another_processes(void **state)
{
	struct shim_qemu_tmpdir mine;
	char err[256], path[SHIM_QEMU_TMPDIR_PATH], go = 0;
	int to_child[2], from_child[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(SHIM_OK, shim_qemu_tmpdir_make("qemu", 200, &mine, err, sizeof(err)));
	assert_int_equal(0, pipe(to_child));
	assert_int_equal(0, pipe(from_child));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct shim_qemu_tmpdir t;

		if (shim_qemu_tmpdir_make("backing", 200, &t, err, sizeof(err)) != SHIM_OK ||
		    write(from_child[1], t.path, sizeof(t.path)) != (ssize_t)sizeof(t.path) ||
		    read(to_child[0], &go, 1) != 1)
			_exit(1);
		shim_qemu_tmpdir_remove(&t);
		_exit(0);
	}
	assert_int_equal((ssize_t)sizeof(path), read(from_child[0], path, sizeof(path)));
	assert_int_equal(0, shim_qemu_tmpdir_sweep());
	assert_true(exists(mine.path));
	assert_true(exists(path));
	assert_int_equal(1, write(to_child[1], "g", 1));
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_int_equal(0, status);
	assert_false(exists(path));
	snprintf(path, sizeof(path), "%s", mine.path);
	shim_qemu_tmpdir_remove(&mine);
	assert_false(exists(path));
	assert_int_equal(0, entries());
	for (int i = 0; i < 2; i++) {
		close(to_child[i]);
		close(from_child[i]);
	}
}

/* Unlocked but not yet marked: its maker may be between mkdtemp and flock. */
static void test_a_young_unmarked_dir_and_foreign_names_are_left_alone(void **state)
{
	static const char *const names[] = { "drvbench-qemu-AbC123", "drvbench-qemu-toolong1",
					     "drvbench-other-AbC123", "something-else" };
	char path[128];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		assert_int_equal(0, mkdir(path, 0700));
	}
	assert_int_equal(0, shim_qemu_tmpdir_sweep());
	assert_int_equal(4, entries());
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		rmdir(path);
	}
}

static void test_a_tmpdir_too_long_for_socket_paths_is_refused_by_name(void **state)
{
	struct shim_qemu_tmpdir t;
	char err[512];

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_tmpdir_make("qemu", 30, &t, err,
								      sizeof(err)));
	assert_non_null(strstr(err, "TMPDIR "));
	assert_non_null(strstr(err, root));
	assert_non_null(strstr(err, "set TMPDIR to a directory of at most"));
	assert_int_equal(0, entries());
}

static void test_a_missing_tmpdir_is_named(void **state)
{
	struct shim_qemu_tmpdir t;
	char err[512], gone[96];

	(void)state;
	snprintf(gone, sizeof(gone), "%s/not-there", root);
	setenv("TMPDIR", gone, 1);
	assert_int_equal(SHIM_ERR_HOST, shim_qemu_tmpdir_make("qemu", 200, &t, err, sizeof(err)));
	setenv("TMPDIR", root, 1);
	assert_non_null(strstr(err, "cannot create a temp dir in "));
	assert_non_null(strstr(err, gone));
}

static void test_abandon_empties_this_processes_live_dirs(void **state)
{
	struct shim_qemu_tmpdir a, b;
	char err[256], file[SHIM_QEMU_TMPDIR_PATH + 16];
	FILE *f;

	(void)state;
	assert_int_equal(SHIM_OK, shim_qemu_tmpdir_make("qemu", 200, &a, err, sizeof(err)));
	assert_int_equal(SHIM_OK, shim_qemu_tmpdir_make("backing", 200, &b, err, sizeof(err)));
	snprintf(file, sizeof(file), "%s/disk.img", b.path);
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	shim_qemu_tmpdir_abandon();
	assert_int_equal(0, entries());
	shim_qemu_tmpdir_remove(&a); /* what a caller still does: harmless now */
	shim_qemu_tmpdir_remove(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_dead_owners_dir_is_swept_whatever_its_pid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_live_dir_is_never_swept_even_another_processes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_young_unmarked_dir_and_foreign_names_are_left_alone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_tmpdir_too_long_for_socket_paths_is_refused_by_name,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_missing_tmpdir_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abandon_empties_this_processes_live_dirs, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
