/* Execution context: enter/leave nest, and blocking is refused only in
 * filter context. */
#include <string.h>

#include "core_fixture.h"

static void test_context_starts_in_thread_context(void **state)
{
	(void)state;
	assert_int_equal(SHIM_CTX_THREAD, shim_context_current());
}

static void test_context_enter_and_leave_nest(void **state)
{
	enum shim_context outer, inner;

	(void)state;
	outer = shim_context_enter(SHIM_CTX_GATED);
	assert_int_equal(SHIM_CTX_THREAD, outer);
	inner = shim_context_enter(SHIM_CTX_FILTER);
	assert_int_equal(SHIM_CTX_GATED, inner);
	assert_int_equal(SHIM_CTX_FILTER, shim_context_current());
	shim_context_leave(inner);
	assert_int_equal(SHIM_CTX_GATED, shim_context_current());
	shim_context_leave(outer);
	assert_int_equal(SHIM_CTX_THREAD, shim_context_current());
}

static void test_context_may_block_outside_filter(void **state)
{
	enum shim_context prev;

	(void)state;
	assert_true(shim_context_may_block_("sleep", __FILE__, __LINE__));
	prev = shim_context_enter(SHIM_CTX_GATED);
	assert_true(shim_context_may_block_("sleep", __FILE__, __LINE__));
	shim_context_leave(prev);
	assert_int_equal(0, shim_verifier_count());
}

static void test_context_may_block_in_filter_is_recorded_with_caller(void **state)
{
	const struct shim_violation *v;
	enum shim_context prev;

	(void)state;
	prev = shim_context_enter(SHIM_CTX_FILTER);
	assert_false(shim_context_may_block_("shim_sleep", "driver.c", 77));
	shim_context_leave(prev);
	assert_int_equal(1, shim_verifier_count());
	v = shim_verifier_get(0);
	assert_int_equal(SHIM_V_BLOCKING_IN_FILTER, v->kind);
	assert_string_equal("driver.c", v->file);
	assert_int_equal(77, v->line);
	assert_non_null(strstr(v->message, "shim_sleep"));
	shim_verifier_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_context_starts_in_thread_context),
		CORE_TEST(test_context_enter_and_leave_nest),
		CORE_TEST(test_context_may_block_outside_filter),
		CORE_TEST(test_context_may_block_in_filter_is_recorded_with_caller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
