/* Lock misuse checks: recursion, unlock not held, free while held,
 * locking in filter context; locks are accounted allocations. */
#include "core_fixture.h"
#include "shim/lock.h"

static void test_lock_lock_and_unlock_track_held(void **state)
{
	shim_lock *lk;

	(void)state;
	lk = shim_lock_alloc();
	assert_non_null(lk);
	assert_false(shim_lock_held(lk));
	shim_lock_lock(lk);
	assert_true(shim_lock_held(lk));
	shim_lock_unlock(lk);
	assert_false(shim_lock_held(lk));
	shim_lock_free(lk);
	assert_int_equal(0, shim_verifier_count());
}

static void test_lock_is_an_accounted_allocation(void **state)
{
	struct shim_counters before, during;
	shim_lock *lk;

	(void)state;
	shim_counters_snapshot(&before);
	lk = shim_lock_alloc();
	shim_counters_snapshot(&during);
	assert_int_equal(before.alloc_count + 1, during.alloc_count);
	shim_lock_free(lk);
}

static void test_lock_alloc_fails_cleanly_under_fault_injection(void **state)
{
	(void)state;
	shim_alloc_fail_nth(1);
	assert_null(shim_lock_alloc());
}

static void test_lock_recursion_is_recorded(void **state)
{
	shim_lock *lk = shim_lock_alloc();

	(void)state;
	shim_lock_lock(lk);
	shim_lock_lock(lk);
	assert_int_equal(SHIM_V_LOCK_MISUSE, core_take_single_violation());
	assert_true(shim_lock_held(lk));
	shim_lock_unlock(lk);
	assert_false(shim_lock_held(lk));
	shim_lock_free(lk);
}

static void test_lock_unlock_not_held_is_recorded(void **state)
{
	shim_lock *lk = shim_lock_alloc();

	(void)state;
	shim_lock_unlock(lk);
	assert_int_equal(SHIM_V_LOCK_MISUSE, core_take_single_violation());
	assert_false(shim_lock_held(lk));
	shim_lock_free(lk);
}

static void test_lock_free_while_held_is_recorded_and_still_freed(void **state)
{
	shim_lock *lk = shim_lock_alloc();

	(void)state;
	shim_lock_lock(lk);
	shim_lock_free(lk);
	assert_int_equal(SHIM_V_LOCK_MISUSE, core_take_single_violation());
	/* Teardown checks that the allocation count is back to the start. */
}

static void test_lock_in_filter_context_is_recorded(void **state)
{
	shim_lock *lk = shim_lock_alloc();
	enum shim_context prev;

	(void)state;
	prev = shim_context_enter(SHIM_CTX_FILTER);
	shim_lock_lock(lk);
	shim_lock_unlock(lk);
	shim_context_leave(prev);
	assert_int_equal(SHIM_V_BLOCKING_IN_FILTER, core_take_single_violation());
	assert_false(shim_lock_held(lk));
	shim_lock_free(lk);
}

static void test_lock_null_lock_is_recorded_and_free_null_is_a_no_op(void **state)
{
	(void)state;
	shim_lock_lock(NULL);
	assert_int_equal(SHIM_V_LOCK_MISUSE, core_take_single_violation());
	shim_lock_unlock(NULL);
	assert_int_equal(SHIM_V_LOCK_MISUSE, core_take_single_violation());
	shim_lock_free(NULL);
	assert_false(shim_lock_held(NULL));
	assert_int_equal(0, shim_verifier_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_lock_lock_and_unlock_track_held),
		CORE_TEST(test_lock_is_an_accounted_allocation),
		CORE_TEST(test_lock_alloc_fails_cleanly_under_fault_injection),
		CORE_TEST(test_lock_recursion_is_recorded),
		CORE_TEST(test_lock_unlock_not_held_is_recorded),
		CORE_TEST(test_lock_free_while_held_is_recorded_and_still_freed),
		CORE_TEST(test_lock_in_filter_context_is_recorded),
		CORE_TEST(test_lock_null_lock_is_recorded_and_free_null_is_a_no_op),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
