/* Fault injection at a driver's call sites (shim_fault_arm): counting only,
 * failing exactly the nth call of the armed kinds with a kernel's error,
 * counting only calls made from the named code range, and never again
 * once disarmed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core_fixture.h"
#include "shim/alloc.h"
#include "shim/machine.h"

static void test_fault_counts_calls_without_failing_any(void **state)
{
	struct shim_fault_plan plan = { .kinds = SHIM_FAULT_ALL };
	struct shim_fault_stats st;
	void *a, *b;

	(void)state;
	shim_fault_arm(&plan);
	a = shim_malloc(8);
	b = shim_malloc(8);
	shim_fault_stats(&st);
	shim_fault_disarm();
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(2, st.calls);
	assert_false(st.fired);
	assert_int_equal(SHIM_FAULT_ALLOC, st.counted_kinds);
	shim_free(a, 8);
	shim_free(b, 8);
}

static void test_fault_fails_exactly_the_nth_call_and_names_its_site(void **state)
{
	struct shim_fault_plan plan = { .kinds = SHIM_FAULT_ALLOC, .nth = 2 };
	struct shim_fault_stats st;
	void *a, *b, *c;
	int line;

	(void)state;
	shim_fault_arm(&plan);
	a = shim_malloc(8);
	line = __LINE__ + 1;
	b = shim_malloc(8);
	c = shim_malloc(8);
	shim_fault_stats(&st);
	shim_fault_disarm();
	assert_non_null(a);
	assert_null(b);
	assert_non_null(c);
	assert_true(st.fired);
	assert_int_equal(SHIM_FAULT_ALLOC, st.kind);
	assert_string_equal(__FILE__, st.file);
	assert_int_equal(line, st.line);
	assert_string_equal("allocation", shim_fault_kind_string(st.kind));
	shim_free(a, 8);
	shim_free(c, 8);
}

static void test_fault_counts_only_calls_from_the_named_code(void **state)
{
	struct shim_fault_plan plan = { .kinds = SHIM_FAULT_ALL, .nth = 1,
					.code_lo = 1, .code_hi = 2 }; /* no code lives there */
	struct shim_fault_stats st;
	void *a;

	(void)state;
	shim_fault_arm(&plan);
	a = shim_malloc(8);
	shim_fault_stats(&st);
	shim_fault_disarm();
	assert_non_null(a);
	assert_int_equal(0, st.calls);
	shim_free(a, 8);
}

static void test_fault_disarmed_fails_nothing(void **state)
{
	struct shim_fault_plan plan = { .kinds = SHIM_FAULT_ALLOC, .nth = 1 };
	void *a;

	(void)state;
	shim_fault_arm(&plan);
	shim_fault_disarm();
	a = shim_malloc(8);
	assert_non_null(a);
	shim_free(a, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_fault_counts_calls_without_failing_any),
		CORE_TEST(test_fault_fails_exactly_the_nth_call_and_names_its_site),
		CORE_TEST(test_fault_counts_only_calls_from_the_named_code),
		CORE_TEST(test_fault_disarmed_fails_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
