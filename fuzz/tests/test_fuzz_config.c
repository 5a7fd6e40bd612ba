/* The kext fuzzer's own options (fuzz_config.h): taken out of argv before
 * libFuzzer sees it, exported for libFuzzer's child processes, $ORIGIN. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fuzz_config.h"

static int clear_env(void **state)
{
	(void)state;
	unsetenv("DRVBENCH_FUZZ_KEXT");
	unsetenv("DRVBENCH_FUZZ_TESTS");
	unsetenv("DRVBENCH_FUZZ_DEVICE");
	unsetenv("DRVBENCH_FUZZ_TARGET");
	return 0;
}

static void test_own_flags_leave_argv_and_libfuzzer_flags_stay_in_order(void **state)
{
	char *args[] = { "fuzz_kext", "-runs=5", "-kext=A.kext", "corpus", "-tests=./t.so",
			 "-target=raw:ping", "-seed=1", NULL };
	char **argv = args;
	int argc = 7;
	struct fuzz_config cfg;

	(void)state;
	fuzz_config_read(&argc, &argv, &cfg);
	assert_int_equal(4, argc);
	assert_string_equal("fuzz_kext", argv[0]);
	assert_string_equal("-runs=5", argv[1]);
	assert_string_equal("corpus", argv[2]);
	assert_string_equal("-seed=1", argv[3]);
	assert_null(argv[4]);
	assert_string_equal("A.kext", cfg.kext);
	assert_string_equal("./t.so", cfg.tests);
	assert_string_equal("raw:ping", cfg.target);
	assert_null(cfg.device);
}

static void test_flags_are_exported_for_libfuzzers_child_processes(void **state)
{
	char *args[] = { "fuzz_kext", "-kext=B.kext", "-device=edu", NULL };
	char **argv = args;
	int argc = 3;
	struct fuzz_config cfg;

	(void)state;
	fuzz_config_read(&argc, &argv, &cfg);
	assert_non_null(getenv("DRVBENCH_FUZZ_KEXT"));
	assert_string_equal("B.kext", getenv("DRVBENCH_FUZZ_KEXT"));
	assert_string_equal("edu", getenv("DRVBENCH_FUZZ_DEVICE"));
}

static void test_environment_is_read_and_a_flag_wins_over_it(void **state)
{
	char *args[] = { "fuzz_kext", "-target=struct", NULL };
	char **argv = args;
	int argc = 2;
	struct fuzz_config cfg;

	(void)state;
	setenv("DRVBENCH_FUZZ_KEXT", "Env.kext", 1);
	setenv("DRVBENCH_FUZZ_TARGET", "raw:x", 1);
	fuzz_config_read(&argc, &argv, &cfg);
	assert_string_equal("Env.kext", cfg.kext);
	assert_string_equal("struct", cfg.target);
	assert_int_equal(1, argc);
}

static void test_origin_is_the_directory_of_the_binary(void **state)
{
	char *args[] = { "fuzz_kext", "-kext=$ORIGIN/kexts/C.kext", "-target=$ORIGIN/x", NULL };
	char **argv = args, self[PATH_MAX], want[PATH_MAX + 16];
	int argc = 3;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct fuzz_config cfg;

	(void)state;
	assert_true(n > 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(want, sizeof(want), "%s/kexts/C.kext", self);
	fuzz_config_read(&argc, &argv, &cfg);
	assert_string_equal(want, cfg.kext);
	assert_string_equal("$ORIGIN/x", cfg.target); /* not a path: left alone */
}

static void test_list_selectors_is_on_unless_zero(void **state)
{
	char *on[] = { "f", "-list_selectors=1", NULL }, *off[] = { "f", "-list_selectors=0", NULL };
	char **argv = on;
	int argc = 2;
	struct fuzz_config cfg;

	(void)state;
	fuzz_config_read(&argc, &argv, &cfg);
	assert_true(cfg.list);
	argv = off;
	argc = 2;
	fuzz_config_read(&argc, &argv, &cfg);
	assert_false(cfg.list);
	assert_int_equal(1, argc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_own_flags_leave_argv_and_libfuzzer_flags_stay_in_order,
				       clear_env),
		cmocka_unit_test_setup(test_flags_are_exported_for_libfuzzers_child_processes,
				       clear_env),
		cmocka_unit_test_setup(test_environment_is_read_and_a_flag_wins_over_it, clear_env),
		cmocka_unit_test_setup(test_origin_is_the_directory_of_the_binary, clear_env),
		cmocka_unit_test_setup(test_list_selectors_is_on_unless_zero, clear_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
