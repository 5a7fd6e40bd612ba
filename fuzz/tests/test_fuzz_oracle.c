/* The reference model (fuzz_oracle.h): a test module's oracle is bound to
 * the dispatch table it describes, by selector count and names, and asked
 * only after the shim's own checks pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_oracle.h"

static shim_ret method(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	(void)a;
	return SHIM_OK;
}

static const struct shim_uc_method methods[] = {
	{ .name = "read", .fn = method, .scalar_in_count = 1 },
	{ .name = "write", .fn = method, .scalar_in_count = 1, .entitlement = "org.test.write" },
};
static const struct shim_uc_desc table = { .methods = methods, .method_count = 2 };

static struct bench_uc_expect at_most_7(const struct bench_uc_call_model *m)
{
	return m->call->scalar_in[0] > 7 ? BENCH_UC_REFUSE(SHIM_ERR_BAD_ARGUMENT, "above 7") :
					   BENCH_UC_PASS;
}

static const struct bench_uc_method_oracle read_only[] = { { "read", at_most_7, NULL, false } };
static const struct bench_uc_oracle good = { .name = "good", .method_count = 2,
					     .max_connections = 1, .methods = read_only,
					     .nmethods = 1 };
static const struct bench_uc_oracle wrong_count = { .name = "three", .method_count = 3,
						    .methods = read_only, .nmethods = 1 };
static const struct bench_uc_method_oracle renamed[] = { { "fetch", at_most_7, NULL, false } };
static const struct bench_uc_oracle wrong_name = { .name = "renamed", .method_count = 2,
						   .methods = renamed, .nmethods = 1 };

static struct bench_uc_call_model model(const struct shim_uc_call *c, uint32_t sel)
{
	return (struct bench_uc_call_model){ .desc = &table, .sel = sel, .call = c, .open = true };
}

static void test_oracle_matches_the_table_with_its_count_and_names(void **state)
{
	const struct bench_uc_oracle *const list[] = { &wrong_count, &wrong_name, &good };
	struct bench_test_module m = { .uc_oracles = list, .uc_oracle_count = 3 };

	(void)state;
	assert_ptr_equal(&good, fuzz_oracle_match(&m, &table));
	m.uc_oracle_count = 2;
	assert_null(fuzz_oracle_match(&m, &table));
	assert_null(fuzz_oracle_match(NULL, &table));
}

static void test_bound_method_oracle_gives_the_refusal(void **state)
{
	uint64_t in[1] = { 8 };
	struct shim_uc_call c = { .scalar_in = in, .scalar_in_count = 1 };
	struct bench_uc_call_model m = model(&c, 0);
	char why[128];

	(void)state;
	assert_true(fuzz_oracle_bind(&table, &good, why, sizeof(why)));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, fuzz_expect_call(&m).ret);
	in[0] = 7;
	assert_int_equal(SHIM_OK, fuzz_expect_call(&m).ret);
}

static void test_shim_checks_come_before_the_method_oracle(void **state)
{
	uint64_t in[2] = { 8, 8 };
	struct shim_uc_call c = { .scalar_in = in, .scalar_in_count = 2 };
	struct bench_uc_call_model m = model(&c, 0);
	char why[128];

	(void)state;
	assert_true(fuzz_oracle_bind(&table, &good, why, sizeof(why)));
	assert_int_equal(SHIM_ERR_BAD_SHAPE, fuzz_expect_call(&m).ret);
	m.open = false;
	assert_int_equal(SHIM_ERR_NOT_READY, fuzz_expect_call(&m).ret);
	c.scalar_in_count = 1;
	m = model(&c, 1);
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, fuzz_expect_call(&m).ret);
	m = model(&c, 2);
	assert_int_equal(SHIM_ERR_BAD_SELECTOR, fuzz_expect_call(&m).ret);
}

static void test_unbound_table_gets_the_generic_model_only(void **state)
{
	uint64_t in[1] = { 1000 };
	struct shim_uc_call c = { .scalar_in = in, .scalar_in_count = 1 };
	struct bench_uc_call_model m = model(&c, 0);
	char why[128];

	(void)state;
	assert_true(fuzz_oracle_bind(&table, NULL, why, sizeof(why)));
	assert_null(fuzz_oracle_bound(&table));
	assert_int_equal(SHIM_OK, fuzz_expect_call(&m).ret);
	assert_int_equal(SHIM_OK, fuzz_expect_open(&table, 501, NULL, 0, 5).ret);
}

static void test_oracle_connection_limit_refuses_the_next_open(void **state)
{
	char why[128];

	(void)state;
	assert_true(fuzz_oracle_bind(&table, &good, why, sizeof(why)));
	assert_int_equal(SHIM_OK, fuzz_expect_open(&table, 501, NULL, 0, 0).ret);
	assert_int_equal(SHIM_ERR_NO_RESOURCES, fuzz_expect_open(&table, 501, NULL, 0, 1).ret);
}

static void test_malformed_oracle_is_refused_naming_it(void **state)
{
	static const struct bench_uc_method_oracle no_fn[] = { { "read", NULL, NULL, false } };
	static const struct bench_uc_oracle bad = { .name = "bad", .methods = no_fn, .nmethods = 1 };
	char why[128] = "";

	(void)state;
	assert_false(fuzz_oracle_bind(&table, &bad, why, sizeof(why)));
	assert_non_null(strstr(why, "oracle bad"));
}

/* The table lost "write"'s entitlement (and the method its check): only a
 * contract that states its own access rules still expects the refusal. */
static const struct shim_uc_method lax_methods[] = {
	{ .name = "read", .fn = method, .scalar_in_count = 1 },
	{ .name = "write", .fn = method, .scalar_in_count = 1 },
};
static const struct shim_uc_desc lax = { .methods = lax_methods, .method_count = 2 };
static const struct bench_uc_method_oracle rules[] = {
	{ "read", NULL, NULL, false },
	{ "write", NULL, "org.test.write", true },
};
static const struct bench_uc_oracle stated = { .name = "stated", .method_count = 2,
					       .methods = rules, .nmethods = 2,
					       .access_rules = true,
					       .open_entitlement = "org.test.client" };

static void test_contract_access_rules_hold_where_the_table_lost_them(void **state)
{
	static const char *const client[] = { "org.test.client" };
	static const char *const writer[] = { "org.test.client", "org.test.write" };
	uint64_t in[2] = { 1, 1 };
	struct shim_uc_call c = { .scalar_in = in, .scalar_in_count = 1 };
	struct bench_uc_call_model m = { .desc = &lax, .sel = 1, .call = &c, .open = true,
					 .uid = 501, .ents = client, .nents = 1 };
	char why[128];

	(void)state;
	assert_true(fuzz_oracle_bind(&lax, NULL, why, sizeof(why)));
	assert_int_equal(SHIM_OK, fuzz_expect_call(&m).ret); /* the table's word */
	assert_true(fuzz_oracle_bind(&lax, &stated, why, sizeof(why)));
	assert_true(fuzz_oracle_access_stated(&lax));
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, fuzz_expect_call(&m).ret);
	assert_non_null(strstr(fuzz_expect_call(&m).why, "[access rule]"));
	/* The shim's shape check still comes first. */
	c.scalar_in_count = 2;
	assert_int_equal(SHIM_ERR_BAD_SHAPE, fuzz_expect_call(&m).ret);
	c.scalar_in_count = 1;
	m.ents = writer;
	m.nents = 2;
	assert_int_equal(SHIM_OK, fuzz_expect_call(&m).ret);
	m.ents = client;
	m.nents = 1;
	m.uid = 0;
	assert_int_equal(SHIM_OK, fuzz_expect_call(&m).ret);
	/* Opening: the contract's entitlement, root always passes. */
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, fuzz_expect_open(&lax, 501, NULL, 0, 0).ret);
	assert_int_equal(SHIM_OK, fuzz_expect_open(&lax, 501, client, 1, 0).ret);
	assert_int_equal(SHIM_OK, fuzz_expect_open(&lax, 0, NULL, 0, 0).ret);
	assert_string_equal("org.test.write", fuzz_oracle_method_entitlement(&lax, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_matches_the_table_with_its_count_and_names),
		cmocka_unit_test(test_bound_method_oracle_gives_the_refusal),
		cmocka_unit_test(test_shim_checks_come_before_the_method_oracle),
		cmocka_unit_test(test_unbound_table_gets_the_generic_model_only),
		cmocka_unit_test(test_oracle_connection_limit_refuses_the_next_open),
		cmocka_unit_test(test_malformed_oracle_is_refused_naming_it),
		cmocka_unit_test(test_contract_access_rules_hold_where_the_table_lost_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
