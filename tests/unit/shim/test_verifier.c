/* The verifier keeps the first records with file:line, counts all of them,
 * and in fatal mode turns the first one into an abort with a clear line. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "core_fixture.h"

static void test_verifier_records_kind_file_line_and_message(void **state)
{
	const struct shim_violation *v;

	(void)state;
	shim_verifier_record_(SHIM_V_DMA_UNPREPARED, "drv.c", 42, "buffer %d", 3);
	assert_int_equal(1, shim_verifier_count());
	v = shim_verifier_get(0);
	assert_non_null(v);
	assert_int_equal(SHIM_V_DMA_UNPREPARED, v->kind);
	assert_string_equal("drv.c", v->file);
	assert_int_equal(42, v->line);
	assert_string_equal("buffer 3", v->message);
	shim_verifier_clear();
}

static void test_verifier_keeps_counting_past_capacity(void **state)
{
	(void)state;
	for (int i = 0; i < SHIM_VERIFIER_KEEP + 10; i++)
		shim_verifier_record_(SHIM_V_BAD_STATE, "f.c", i, "record %d", i);
	assert_int_equal(SHIM_VERIFIER_KEEP + 10, shim_verifier_count());
	/* The oldest are kept: the first violation is usually the cause. */
	assert_int_equal(0, shim_verifier_get(0)->line);
	assert_int_equal(SHIM_VERIFIER_KEEP - 1, shim_verifier_get(SHIM_VERIFIER_KEEP - 1)->line);
	assert_null(shim_verifier_get(SHIM_VERIFIER_KEEP));
	shim_verifier_clear();
}

static void test_verifier_get_beyond_count_is_null(void **state)
{
	(void)state;
	assert_null(shim_verifier_get(0));
	SHIM_VERIFY_FAIL(SHIM_V_LOCK_MISUSE, "x");
	assert_non_null(shim_verifier_get(0));
	assert_null(shim_verifier_get(1));
	shim_verifier_clear();
}

static void test_verifier_clear_forgets_every_record(void **state)
{
	(void)state;
	SHIM_VERIFY_FAIL(SHIM_V_LOCK_MISUSE, "one");
	SHIM_VERIFY_FAIL(SHIM_V_LOCK_MISUSE, "two");
	shim_verifier_clear();
	assert_int_equal(0, shim_verifier_count());
	assert_null(shim_verifier_get(0));
}

static void test_verifier_long_message_is_truncated_not_overrun(void **state)
{
	char big[400];

	(void)state;
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "%s", big);
	assert_int_equal(sizeof(shim_verifier_get(0)->message) - 1,
			 strlen(shim_verifier_get(0)->message));
	shim_verifier_clear();
}

static void test_verifier_kind_string_covers_every_kind(void **state)
{
	(void)state;
	for (int i = 0; i < SHIM_V_COUNT_; i++) {
		const char *s = shim_violation_kind_string((enum shim_violation_kind)i);

		assert_non_null(s);
		assert_string_not_equal("UNKNOWN_VIOLATION", s);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(shim_violation_kind_string((enum shim_violation_kind)j), s);
	}
	assert_string_equal("REFCOUNT_UNDERFLOW", shim_violation_kind_string(SHIM_V_REFCOUNT_UNDERFLOW));
	assert_string_equal("UNKNOWN_VIOLATION", shim_violation_kind_string(SHIM_V_COUNT_));
}

static void record_fatal(void)
{
	shim_verifier_set_fatal(true);
	shim_verifier_record_(SHIM_V_LEAK_AT_UNLOAD, "kext.c", 7, "2 live edu_driver");
}

static void test_verifier_fatal_prints_and_aborts(void **state)
{
	char err[1024];
	int status;

	(void)state;
	status = core_run_in_child(record_fatal, err, sizeof(err));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(SIGABRT, WTERMSIG(status));
	assert_non_null(strstr(err, "drvbench verifier: LEAK_AT_UNLOAD at kext.c:7: 2 live edu_driver"));
}

static void record_with_echo(void)
{
	setenv("DRVBENCH_VERIFIER_ECHO", "1", 1);
	shim_verifier_record_(SHIM_V_BAD_STATE, "pci.c", 9, "echoed");
	unsetenv("DRVBENCH_VERIFIER_ECHO");
	shim_verifier_record_(SHIM_V_BAD_STATE, "pci.c", 10, "silent");
}

static void test_verifier_echoes_to_stderr_only_when_asked(void **state)
{
	char err[1024];
	int status;

	(void)state;
	status = core_run_in_child(record_with_echo, err, sizeof(err));
	assert_true(WIFEXITED(status));
	assert_int_equal(0, WEXITSTATUS(status));
	assert_non_null(strstr(err, "drvbench verifier: BAD_STATE at pci.c:9: echoed"));
	assert_null(strstr(err, "silent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_verifier_records_kind_file_line_and_message),
		CORE_TEST(test_verifier_keeps_counting_past_capacity),
		CORE_TEST(test_verifier_get_beyond_count_is_null),
		CORE_TEST(test_verifier_clear_forgets_every_record),
		CORE_TEST(test_verifier_long_message_is_truncated_not_overrun),
		CORE_TEST(test_verifier_kind_string_covers_every_kind),
		CORE_TEST(test_verifier_fatal_prints_and_aborts),
		CORE_TEST(test_verifier_echoes_to_stderr_only_when_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
