/* Kernel log ring: FIFO order, drops counted when full, refused in filter
 * context, optional echo to stderr. */
#include <stdio.h>
#include <string.h>

#include "core_fixture.h"
#include "shim/log.h"

#define RING_SLOTS 256 /* the ring size log.c promises */
#define MESSAGE_BYTES 160

static void test_log_pop_returns_oldest_message_with_level(void **state)
{
	char buf[MESSAGE_BYTES];
	enum shim_log_level level;

	(void)state;
	shim_log(SHIM_LOG_WARN, "first %d", 1);
	shim_log(SHIM_LOG_DEBUG, "second");
	assert_true(shim_log_pop(buf, sizeof(buf), &level));
	assert_string_equal("first 1", buf);
	assert_int_equal(SHIM_LOG_WARN, level);
	assert_true(shim_log_pop(buf, sizeof(buf), &level));
	assert_string_equal("second", buf);
	assert_int_equal(SHIM_LOG_DEBUG, level);
}

static void test_log_pop_on_empty_ring_returns_false(void **state)
{
	char buf[8] = "keep";

	(void)state;
	assert_false(shim_log_pop(buf, sizeof(buf), NULL));
	assert_string_equal("keep", buf);
}

static void test_log_ring_full_drops_and_counts(void **state)
{
	struct shim_counters before, after;
	char buf[MESSAGE_BYTES];
	int n = 0;

	(void)state;
	shim_counters_snapshot(&before);
	for (int i = 0; i < RING_SLOTS + 5; i++)
		shim_log(SHIM_LOG_INFO, "msg %d", i);
	shim_counters_snapshot(&after);
	assert_int_equal(before.log_dropped + 5, after.log_dropped);
	assert_int_equal(before.log_dropped + 5, shim_log_dropped_total());
	/* The oldest messages survive; the newest were the ones dropped. */
	while (shim_log_pop(buf, sizeof(buf), NULL)) {
		char want[32];

		snprintf(want, sizeof(want), "msg %d", n);
		assert_string_equal(want, buf);
		n++;
	}
	assert_int_equal(RING_SLOTS, n);
	/* Room again after reading: accepted, not dropped. */
	shim_log(SHIM_LOG_INFO, "after");
	assert_int_equal(before.log_dropped + 5, shim_log_dropped_total());
	assert_true(shim_log_pop(buf, sizeof(buf), NULL));
	assert_string_equal("after", buf);
}

static void test_log_in_filter_context_is_refused(void **state)
{
	enum shim_context prev;
	long dropped = shim_log_dropped_total();
	char buf[MESSAGE_BYTES];

	(void)state;
	prev = shim_context_enter(SHIM_CTX_FILTER);
	shim_log(SHIM_LOG_ERR, "from the filter");
	shim_context_leave(prev);
	assert_int_equal(SHIM_V_BLOCKING_IN_FILTER, core_take_single_violation());
	assert_false(shim_log_pop(buf, sizeof(buf), NULL));
	assert_int_equal(dropped, shim_log_dropped_total());
}

static void test_log_long_message_is_truncated(void **state)
{
	char big[400], buf[400];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	shim_log(SHIM_LOG_INFO, "%s", big);
	assert_true(shim_log_pop(buf, sizeof(buf), NULL));
	assert_int_equal(MESSAGE_BYTES - 1, strlen(buf));
}

static void test_log_pop_into_small_buffer_truncates_and_consumes(void **state)
{
	char buf[4];

	(void)state;
	shim_log(SHIM_LOG_INFO, "abcdef");
	assert_true(shim_log_pop(buf, sizeof(buf), NULL));
	assert_string_equal("abc", buf);
	assert_false(shim_log_pop(buf, sizeof(buf), NULL));
}

static void log_with_echo(void)
{
	shim_log_set_echo(true);
	shim_log(SHIM_LOG_ERR, "visible %d", 5);
	shim_log_set_echo(false);
	shim_log(SHIM_LOG_ERR, "quiet");
}

static void test_log_echo_prints_accepted_messages_to_stderr(void **state)
{
	char err[1024];
	int status;

	(void)state;
	status = core_run_in_child(log_with_echo, err, sizeof(err));
	assert_true(WIFEXITED(status));
	assert_non_null(strstr(err, "visible 5"));
	assert_null(strstr(err, "quiet"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_log_pop_returns_oldest_message_with_level),
		CORE_TEST(test_log_pop_on_empty_ring_returns_false),
		CORE_TEST(test_log_ring_full_drops_and_counts),
		CORE_TEST(test_log_in_filter_context_is_refused),
		CORE_TEST(test_log_long_message_is_truncated),
		CORE_TEST(test_log_pop_into_small_buffer_truncates_and_consumes),
		CORE_TEST(test_log_echo_prints_accepted_messages_to_stderr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
