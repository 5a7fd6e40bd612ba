/* Per-selector user-client coverage (shim/uc_selectors.h): each call is
 * tallied under its client and selector as reached, refused by the shim,
 * run, and failed by the method; selectors never called are listed with
 * zeros; counting can be paused; counts outlive the table's withdrawal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shim/uc_selectors.h"
#include "uc_fixture.h"

#define CLIENT "org_drvbench_test_ucdrv" /* the test driver's class (UcTestDriver.plist) */
#define SECRET "org.drvbench.test.secret"
enum { SEL_CHECK, SEL_SECRET, SEL_IDLE, SEL_HOLE, SEL_COUNT };

/* Refuses 0 itself: a driver's own validation, past the shim's checks. */
static shim_ret m_check(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	return a->scalar_in[0] == 0 ? SHIM_ERR_BAD_ARGUMENT : SHIM_OK;
}

static shim_ret m_any(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	(void)a;
	return SHIM_OK;
}

static const struct shim_uc_method methods[SEL_COUNT] = {
	[SEL_CHECK] = { .name = "check", .fn = m_check, .scalar_in_count = 1 },
	[SEL_SECRET] = { .name = "secret", .fn = m_any, .entitlement = SECRET },
	[SEL_IDLE] = { .name = "idle", .fn = m_any },
	/* SEL_HOLE: a gap in the table */
};

static const struct shim_uc_desc desc = { .methods = methods, .method_count = SEL_COUNT };

static struct {
	struct uc_fixture *f;
	shim_task *t;
	shim_uc_conn *c;
} T;

static int setup(void **state)
{
	uc_fixture_test_setup(state);
	memset(&T, 0, sizeof(T));
	T.f = *state;
	shim_uc_selector_counts_reset();
	if (shim_service_set_userclient(T.f->fx.svc, &desc, NULL) != SHIM_OK ||
	    shim_task_create(501, NULL, 0, &T.t) != SHIM_OK ||
	    shim_uc_open(T.t, T.f->fx.svc, &T.c) != SHIM_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	shim_uc_selector_counting(true);
	if (T.t != NULL)
		shim_task_destroy(T.t);
	shim_service_set_userclient(T.f->fx.svc, NULL, NULL);
	return uc_fixture_test_teardown(state);
}

static shim_ret call(uint32_t sel, uint32_t nscalars, uint64_t v)
{
	uint64_t in[2] = { v, v };
	struct shim_uc_call c = { .scalar_in = in, .scalar_in_count = nscalars };

	return shim_uc_call(T.c, sel, &c);
}

/* The row of sel (SHIM_UC_SEL_OTHER: past the table); fails when absent. */
static struct shim_uc_selector_count row(uint32_t sel)
{
	struct shim_uc_selector_count rows[16];
	size_t n = shim_uc_selector_counts(rows, 16);

	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].client, CLIENT) == 0 && rows[i].selector == sel)
			return rows[i];
	fail_msg("no row for selector %u of %s among %zu", sel, CLIENT, n);
	return rows[0];
}

static void test_each_call_is_tallied_as_refused_or_run_and_failed(void **state)
{
	struct shim_uc_selector_count r;

	(void)state;
	assert_int_equal(SHIM_OK, call(SEL_CHECK, 1, 7));
	assert_int_equal(SHIM_OK, call(SEL_CHECK, 1, 8));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, call(SEL_CHECK, 1, 0)); /* the method's no */
	assert_int_equal(SHIM_ERR_BAD_SHAPE, call(SEL_CHECK, 2, 7));    /* the shim's no */
	r = row(SEL_CHECK);
	assert_string_equal("check", r.method);
	assert_int_equal(4, r.reached);
	assert_int_equal(1, r.refused);
	assert_int_equal(3, r.ran);
	assert_int_equal(1, r.failed);
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, call(SEL_SECRET, 0, 0));
	r = row(SEL_SECRET);
	assert_int_equal(1, r.reached);
	assert_int_equal(1, r.refused);
	assert_int_equal(0, r.ran);
}

static void test_selectors_outside_the_table_share_one_refused_row(void **state)
{
	struct shim_uc_selector_count r;

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_SELECTOR, call(SEL_HOLE, 0, 0));
	r = row(SEL_HOLE); /* a gap inside the table keeps its own row */
	assert_int_equal(1, r.reached);
	assert_int_equal(1, r.refused);
	assert_int_equal(SHIM_ERR_BAD_SELECTOR, call(SEL_COUNT, 0, 0));
	assert_int_equal(SHIM_ERR_BAD_SELECTOR, call(0xffff, 0, 0));
	r = row(SHIM_UC_SEL_OTHER);
	assert_string_equal("", r.method);
	assert_int_equal(2, r.reached);
	assert_int_equal(2, r.refused);
}

static void test_never_reached_selectors_are_listed_with_zeros(void **state)
{
	struct shim_uc_selector_count r = row(SEL_IDLE);

	(void)state;
	assert_string_equal("idle", r.method);
	assert_int_equal(0, r.reached + r.refused + r.ran + r.failed);
	/* No call past the table: no shared row. */
	assert_int_equal(SEL_COUNT, shim_uc_selector_counts(NULL, 0));
}

static void test_paused_counting_counts_nothing(void **state)
{
	(void)state;
	assert_true(shim_uc_selector_counting(false));
	assert_int_equal(SHIM_OK, call(SEL_IDLE, 0, 0));
	assert_false(shim_uc_selector_counting(true));
	assert_int_equal(0, row(SEL_IDLE).reached);
	assert_int_equal(SHIM_OK, call(SEL_IDLE, 0, 0));
	assert_int_equal(1, row(SEL_IDLE).reached);
}

static void test_counts_outlive_the_table_and_add_up_when_it_returns(void **state)
{
	(void)state;
	assert_int_equal(SHIM_OK, call(SEL_IDLE, 0, 0));
	shim_task_destroy(T.t);
	T.t = NULL;
	/* Withdrawn and published again (a stop and start, a kext reload). */
	assert_int_equal(SHIM_OK, shim_service_set_userclient(T.f->fx.svc, NULL, NULL));
	assert_int_equal(1, row(SEL_IDLE).ran);
	assert_int_equal(SHIM_OK, shim_service_set_userclient(T.f->fx.svc, &desc, NULL));
	assert_int_equal(SHIM_OK, shim_task_create(501, NULL, 0, &T.t));
	assert_int_equal(SHIM_OK, shim_uc_open(T.t, T.f->fx.svc, &T.c));
	assert_int_equal(SHIM_OK, call(SEL_IDLE, 0, 0));
	assert_int_equal(2, row(SEL_IDLE).ran);
	assert_int_equal(SEL_COUNT, shim_uc_selector_counts(NULL, 0)); /* one client, not two */
}

static int group_setup(void **state)
{
	return uc_fixture_boot(state);
}

#define SEL_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		SEL_TEST(test_each_call_is_tallied_as_refused_or_run_and_failed),
		SEL_TEST(test_selectors_outside_the_table_share_one_refused_row),
		SEL_TEST(test_never_reached_selectors_are_listed_with_zeros),
		SEL_TEST(test_paused_counting_counts_nothing),
		SEL_TEST(test_counts_outlive_the_table_and_add_up_when_it_returns),
	};

	return cmocka_run_group_tests_name("uc_selectors", tests, group_setup, uc_fixture_shutdown);
}
