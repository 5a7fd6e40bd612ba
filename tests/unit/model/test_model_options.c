/* The option walker every model spec goes through (model/options.h):
 * items in order, flags and values, empty items skipped, and malformed
 * items refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/options.h"

static void test_items_come_in_order_with_flags_and_values(void **state)
{
	const char *cur = "fast,irq_delay_ns=1000,image=/tmp/a=b";
	struct model_option o;
	char why[128] = "";

	(void)state;
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_string_equal("fast", o.key);
	assert_false(o.has_value);
	assert_true(model_option_is_flag(&o, why, sizeof(why)));
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_string_equal("irq_delay_ns", o.key);
	assert_string_equal("1000", o.value);
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_string_equal("image", o.key);
	assert_string_equal("/tmp/a=b", o.value); /* the first '=' splits */
	assert_int_equal(0, model_option_next(&cur, &o, why, sizeof(why)));
	assert_int_equal(0, model_option_next(&cur, &o, why, sizeof(why)));
	assert_string_equal("", why);
}

static void test_empty_items_and_no_options_give_no_item(void **state)
{
	const char *cur = ",,a,,";
	const char *none = NULL;
	struct model_option o;

	(void)state;
	assert_int_equal(1, model_option_next(&cur, &o, NULL, 0));
	assert_string_equal("a", o.key);
	assert_int_equal(0, model_option_next(&cur, &o, NULL, 0));
	assert_int_equal(0, model_option_next(&none, &o, NULL, 0));
	assert_int_equal(0, model_option_next(NULL, &o, NULL, 0));
}

static void test_malformed_items_are_refused_with_the_reason(void **state)
{
	char value[MODEL_OPTION_VALUE_MAX + 8], spec[MODEL_OPTION_VALUE_MAX + 16], why[128];
	const char *cur = "=5";
	struct model_option o;

	(void)state;
	assert_int_equal(-1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_string_equal("option '=5' has no name before its '='", why);
	cur = "a_key_of_more_than_thirty_one_characters=1";
	assert_int_equal(-1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_non_null(strstr(why, "longer than 31 characters"));
	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	strcpy(spec, "image=");
	strcat(spec, value);
	cur = spec;
	assert_int_equal(-1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_string_equal("option 'image': value longer than 255 characters", why);
}

static void test_numbers_are_checked_against_their_range(void **state)
{
	const char *cur = "n=0x10,m=010,big=0x100000000,neg=-1,sp= 1,none=";
	struct model_option o;
	uint64_t v = 0;
	char why[128];

	(void)state;
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_true(model_option_u64(&o, 0xff, &v, why, sizeof(why)));
	assert_int_equal(16, v);
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_true(model_option_u64(&o, 0xff, &v, why, sizeof(why)));
	assert_int_equal(8, v); /* C's octal, as strtoull(..., 0) */
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_false(model_option_u64(&o, UINT32_MAX, &v, why, sizeof(why)));
	assert_string_equal("option 'big': 0x100000000 is above the largest value 0xffffffff", why);
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_false(model_option_u64(&o, UINT64_MAX, &v, why, sizeof(why)));
	assert_string_equal("option 'neg': '-1' is not a number", why);
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_false(model_option_u64(&o, UINT64_MAX, &v, why, sizeof(why)));
	assert_int_equal(1, model_option_next(&cur, &o, why, sizeof(why)));
	assert_false(model_option_u64(&o, UINT64_MAX, &v, why, sizeof(why)));
	assert_string_equal("option 'none' needs a value (none=N)", why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items_come_in_order_with_flags_and_values),
		cmocka_unit_test(test_empty_items_and_no_options_give_no_item),
		cmocka_unit_test(test_malformed_items_are_refused_with_the_reason),
		cmocka_unit_test(test_numbers_are_checked_against_their_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
