/* shim_ret_string: every status has its own readable text. */
#include <string.h>

#include "core_fixture.h"
#include "shim/ioreturn.h"

static void test_ret_string_covers_every_code(void **state)
{
	(void)state;
	for (int i = 0; i < SHIM_RET_COUNT_; i++) {
		const char *s = shim_ret_string((shim_ret)i);

		assert_non_null(s);
		assert_string_not_equal("unknown status", s);
		/* Distinct texts, so a log line names exactly one code. */
		for (int j = 0; j < i; j++)
			assert_string_not_equal(shim_ret_string((shim_ret)j), s);
	}
}

static void test_ret_string_names_the_code_and_describes_it(void **state)
{
	(void)state;
	assert_non_null(strstr(shim_ret_string(SHIM_ERR_BAD_ARGUMENT), "SHIM_ERR_BAD_ARGUMENT"));
	assert_non_null(strstr(shim_ret_string(SHIM_ERR_BAD_ARGUMENT), "bad argument"));
	assert_non_null(strstr(shim_ret_string(SHIM_OK), "SHIM_OK"));
}

static void test_ret_string_maps_unknown_values_to_unknown_status(void **state)
{
	(void)state;
	assert_string_equal("unknown status", shim_ret_string(SHIM_RET_COUNT_));
	assert_string_equal("unknown status", shim_ret_string((shim_ret)-1));
	assert_string_equal("unknown status", shim_ret_string((shim_ret)1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_ret_string_covers_every_code),
		CORE_TEST(test_ret_string_names_the_code_and_describes_it),
		CORE_TEST(test_ret_string_maps_unknown_values_to_unknown_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
