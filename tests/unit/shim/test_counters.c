/* Kernel-wide counter snapshot: each field follows its source. */
#include "core_fixture.h"
#include "shim/alloc.h"
#include "shim/log.h"
#include "shim/object.h"

static shim_class counted_class = SHIM_CLASS_INIT("Counted");

static void test_counters_snapshot_tracks_allocations(void **state)
{
	struct shim_counters before, during, after;
	void *p;

	(void)state;
	shim_counters_snapshot(&before);
	p = shim_malloc(300);
	assert_non_null(p);
	shim_counters_snapshot(&during);
	assert_int_equal(before.alloc_count + 1, during.alloc_count);
	assert_int_equal(before.alloc_bytes + 300, during.alloc_bytes);
	assert_true(during.alloc_high_water >= during.alloc_bytes);
	shim_free(p, 300);
	shim_counters_snapshot(&after);
	assert_int_equal(before.alloc_count, after.alloc_count);
	assert_int_equal(before.alloc_bytes, after.alloc_bytes);
	assert_int_equal(during.alloc_high_water, after.alloc_high_water);
}

static void test_counters_snapshot_tracks_live_objects(void **state)
{
	struct shim_counters before, during, after;
	shim_object obj;

	(void)state;
	shim_counters_snapshot(&before);
	shim_object_init(&obj, &counted_class, NULL);
	shim_counters_snapshot(&during);
	assert_int_equal(before.objects_live + 1, during.objects_live);
	shim_object_release(&obj);
	shim_counters_snapshot(&after);
	assert_int_equal(before.objects_live, after.objects_live);
}

static void test_counters_snapshot_tracks_wired_and_prepared(void **state)
{
	struct shim_counters before, during, after;

	(void)state;
	shim_counters_snapshot(&before);
	shim_counters_wired_add(4096);
	shim_counters_prepared_add(2);
	shim_counters_snapshot(&during);
	assert_int_equal(before.wired_bytes + 4096, during.wired_bytes);
	assert_int_equal(before.prepared + 2, during.prepared);
	shim_counters_wired_add(-4096);
	shim_counters_prepared_add(-2);
	shim_counters_snapshot(&after);
	assert_int_equal(before.wired_bytes, after.wired_bytes);
	assert_int_equal(before.prepared, after.prepared);
}

static void test_counters_negative_wired_or_prepared_is_recorded(void **state)
{
	struct shim_counters before, after;

	(void)state;
	shim_counters_snapshot(&before);
	shim_counters_wired_add(-(int64_t)before.wired_bytes - 1);
	assert_int_equal(SHIM_V_BAD_STATE, core_take_single_violation());
	shim_counters_prepared_add(-before.prepared - 1);
	assert_int_equal(SHIM_V_BAD_STATE, core_take_single_violation());
	shim_counters_snapshot(&after);
	assert_int_equal(0, after.wired_bytes);
	assert_int_equal(0, after.prepared);
	/* Restore what was there so teardown sees the start state. */
	shim_counters_wired_add((int64_t)before.wired_bytes);
	shim_counters_prepared_add(before.prepared);
}

static void test_counters_snapshot_reports_verifier_records_and_drops(void **state)
{
	struct shim_counters c;
	long dropped = shim_log_dropped_total();

	(void)state;
	SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "one");
	SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "two");
	shim_counters_snapshot(&c);
	assert_int_equal(2, c.verifier_records);
	assert_int_equal(dropped, c.log_dropped);
	shim_verifier_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_counters_snapshot_tracks_allocations),
		CORE_TEST(test_counters_snapshot_tracks_live_objects),
		CORE_TEST(test_counters_snapshot_tracks_wired_and_prepared),
		CORE_TEST(test_counters_negative_wired_or_prepared_is_recorded),
		CORE_TEST(test_counters_snapshot_reports_verifier_records_and_drops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
