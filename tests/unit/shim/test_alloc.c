/* Accounted allocations: counts and bytes, checked frees, fault injection,
 * and refusal in filter context. */
#include <stdalign.h>
#include <string.h>

#include "core_fixture.h"
#include "shim/alloc.h"
#include "shim/machine.h"

static void totals(long *count, uint64_t *bytes, uint64_t *high)
{
	shim_alloc_totals(count, bytes, high);
}

static void test_alloc_counts_blocks_and_bytes_until_freed(void **state)
{
	long c0, c1, c2;
	uint64_t b0, b1, b2;
	void *a, *b;

	(void)state;
	totals(&c0, &b0, NULL);
	a = shim_malloc(100);
	b = shim_malloc(28);
	assert_non_null(a);
	assert_non_null(b);
	totals(&c1, &b1, NULL);
	assert_int_equal(c0 + 2, c1);
	assert_int_equal(b0 + 128, b1);
	shim_free(a, 100);
	shim_free(b, 28);
	totals(&c2, &b2, NULL);
	assert_int_equal(c0, c2);
	assert_int_equal(b0, b2);
	assert_int_equal(0, shim_verifier_count());
}

static void test_alloc_zalloc_returns_zeroed_aligned_memory(void **state)
{
	unsigned char *p;

	(void)state;
	p = shim_zalloc(64);
	assert_non_null(p);
	assert_int_equal(0, (uintptr_t)p % alignof(max_align_t));
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(0, p[i]);
	shim_free(p, 64);
}

static void test_alloc_high_water_keeps_the_peak(void **state)
{
	uint64_t b0, high;
	void *p;

	(void)state;
	totals(NULL, &b0, NULL);
	p = shim_malloc(1 << 20);
	assert_non_null(p);
	shim_free(p, 1 << 20);
	totals(NULL, NULL, &high);
	assert_true(high >= b0 + (1 << 20));
}

static void test_alloc_free_null_is_a_no_op(void **state)
{
	(void)state;
	shim_free(NULL, 0);
	shim_free(NULL, 16);
	assert_int_equal(0, shim_verifier_count());
}

static void test_alloc_free_with_wrong_size_is_recorded(void **state)
{
	long c0, c1;
	uint64_t b0, b1;
	const struct shim_violation *v;
	void *p;

	(void)state;
	totals(&c0, &b0, NULL);
	p = shim_malloc(48);
	assert_non_null(p);
	shim_free(p, 32);
	assert_int_equal(1, shim_verifier_count());
	v = shim_verifier_get(0);
	assert_int_equal(SHIM_V_FREE_MISMATCH, v->kind);
	assert_non_null(strstr(v->message, "size 32"));
	assert_non_null(strstr(v->message, "size 48"));
	/* Freed with the recorded size, so the books still balance. */
	totals(&c1, &b1, NULL);
	assert_int_equal(c0, c1);
	assert_int_equal(b0, b1);
	shim_verifier_clear();
}

static void test_alloc_double_free_is_recorded_and_ignored(void **state)
{
	long c0, c1;
	void *p, *keep;

	(void)state;
	keep = shim_malloc(8); /* so the second free cannot hit an empty table only */
	p = shim_malloc(24);
	assert_non_null(p);
	shim_free(p, 24);
	totals(&c0, NULL, NULL);
	shim_free(p, 24);
	totals(&c1, NULL, NULL);
	assert_int_equal(c0, c1);
	assert_int_equal(1, shim_verifier_count());
	assert_int_equal(SHIM_V_FREE_MISMATCH, shim_verifier_get(0)->kind);
	assert_non_null(strstr(shim_verifier_get(0)->message, "double free"));
	shim_verifier_clear();
	shim_free(keep, 8);
}

static void test_alloc_foreign_pointer_free_is_recorded_and_not_freed(void **state)
{
	char on_stack[32];
	char *interior;

	(void)state;
	shim_free(on_stack, sizeof(on_stack));
	assert_int_equal(SHIM_V_FREE_MISMATCH, core_take_single_violation());

	interior = shim_malloc(32);
	assert_non_null(interior);
	shim_free(interior + 8, 24);
	assert_int_equal(SHIM_V_FREE_MISMATCH, core_take_single_violation());
	shim_free(interior, 32);
}

static void test_alloc_overwritten_header_is_recorded_and_block_kept(void **state)
{
	long c0, c1;
	unsigned char *p, saved;

	(void)state;
	p = shim_malloc(16);
	assert_non_null(p);
	totals(&c0, NULL, NULL);
	/* A driver writing just below its buffer lands in the header. */
	saved = p[-1];
	p[-1] ^= 0xff;
	shim_free(p, 16);
	totals(&c1, NULL, NULL);
	assert_int_equal(c0, c1);
	assert_int_equal(SHIM_V_FREE_MISMATCH, core_take_single_violation());
	p[-1] = saved;
	shim_free(p, 16);
	assert_int_equal(0, shim_verifier_count());
}

static void test_alloc_size_zero_and_overflowing_sizes_return_null(void **state)
{
	long c0, c1;

	(void)state;
	totals(&c0, NULL, NULL);
	assert_null(shim_malloc(0));
	assert_null(shim_zalloc(SIZE_MAX));
	assert_null(shim_malloc(SIZE_MAX - 8));
	totals(&c1, NULL, NULL);
	assert_int_equal(c0, c1);
}

static void test_alloc_fail_nth_fails_exactly_that_call(void **state)
{
	void *p[4];

	(void)state;
	shim_alloc_fail_nth(3);
	for (int i = 0; i < 4; i++)
		p[i] = shim_malloc(8);
	assert_non_null(p[0]);
	assert_non_null(p[1]);
	assert_null(p[2]);
	assert_non_null(p[3]); /* one-shot: later calls succeed again */
	for (int i = 0; i < 4; i++)
		shim_free(p[i], 8);
}

static void test_alloc_fail_nth_one_fails_the_next_call(void **state)
{
	void *p;

	(void)state;
	shim_alloc_fail_nth(1);
	assert_null(shim_zalloc(8));
	p = shim_zalloc(8);
	assert_non_null(p);
	shim_free(p, 8);
}

static void test_alloc_fail_nth_zero_turns_injection_off(void **state)
{
	void *p;

	(void)state;
	shim_alloc_fail_nth(1);
	shim_alloc_fail_nth(0);
	p = shim_malloc(8);
	assert_non_null(p);
	shim_free(p, 8);
}

static void test_alloc_in_filter_context_is_refused(void **state)
{
	enum shim_context prev;
	void *p;

	(void)state;
	prev = shim_context_enter(SHIM_CTX_FILTER);
	p = shim_malloc(8);
	shim_context_leave(prev);
	assert_null(p);
	assert_int_equal(SHIM_V_BLOCKING_IN_FILTER, core_take_single_violation());
}

static void test_alloc_many_blocks_free_in_any_order(void **state)
{
	enum { N = 1000 };
	static void *blocks[N];

	(void)state;
	for (size_t i = 0; i < N; i++) {
		blocks[i] = shim_malloc(i + 1);
		assert_non_null(blocks[i]);
		memset(blocks[i], (int)i, i + 1);
	}
	/* Stride through the array so removals hit scattered table slots. */
	for (size_t k = 0; k < N; k++) {
		size_t i = (k * 7) % N;

		shim_free(blocks[i], i + 1);
	}
	assert_int_equal(0, shim_verifier_count());
}

/* Exactly the live blocks and their headers: not other memory, not a block
 * once freed (the fuzzers' address-disclosure oracle relies on it). */
static void test_alloc_contains_exactly_the_live_blocks(void **state)
{
	unsigned char *a = shim_malloc(40), *b = shim_malloc(24);
	int on_the_stack = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_true(shim_alloc_contains((uintptr_t)a));
	assert_true(shim_alloc_contains((uintptr_t)(a + 39)));
	assert_true(shim_alloc_contains((uintptr_t)(b + 23)));
	assert_false(shim_alloc_contains((uintptr_t)&on_the_stack));
	assert_false(shim_alloc_contains(UINTPTR_MAX - 4096));
	shim_free(b, 24);
	assert_false(shim_alloc_contains((uintptr_t)b));
	assert_true(shim_alloc_contains((uintptr_t)a));
	shim_free(a, 40);
	assert_false(shim_alloc_contains((uintptr_t)a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_alloc_counts_blocks_and_bytes_until_freed),
		CORE_TEST(test_alloc_zalloc_returns_zeroed_aligned_memory),
		CORE_TEST(test_alloc_high_water_keeps_the_peak),
		CORE_TEST(test_alloc_free_null_is_a_no_op),
		CORE_TEST(test_alloc_free_with_wrong_size_is_recorded),
		CORE_TEST(test_alloc_double_free_is_recorded_and_ignored),
		CORE_TEST(test_alloc_foreign_pointer_free_is_recorded_and_not_freed),
		CORE_TEST(test_alloc_overwritten_header_is_recorded_and_block_kept),
		CORE_TEST(test_alloc_size_zero_and_overflowing_sizes_return_null),
		CORE_TEST(test_alloc_fail_nth_fails_exactly_that_call),
		CORE_TEST(test_alloc_fail_nth_one_fails_the_next_call),
		CORE_TEST(test_alloc_fail_nth_zero_turns_injection_off),
		CORE_TEST(test_alloc_in_filter_context_is_refused),
		CORE_TEST(test_alloc_many_blocks_free_in_any_order),
		CORE_TEST(test_alloc_contains_exactly_the_live_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
