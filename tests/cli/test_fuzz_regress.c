/* drvbench fuzz's crash-to-regression step (tools/fuzz_regress.h): the file
 * name says what broke, without the build's paths; a crash is kept with its
 * reason beside it. The second test needs a kext that crashes the fuzzer:
 * REGRESS_FUZZER (a fuzzer or its replay driver), REGRESS_KEXT, REGRESS_TESTS
 * and REGRESS_CRASH name it; without them it is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_regress.h"

static void test_name_says_what_broke_without_paths(void **state)
{
	char name[160];
	const unsigned char data[] = { 1, 2, 3 };

	(void)state;
	drvbench_regress_name("fuzz: struct: [wedged device] selector 4 (raise_interrupt): got "
			      "SHIM_ERR_TIMEOUT", data, sizeof(data), name, sizeof(name));
	/* the words, then 8 hex digits of the input's hash */
	assert_int_equal(strlen("wedged-device-selector-4-raise-interrupt-got-shim-err-timeout-") + 8,
			 strlen(name));
	assert_memory_equal("wedged-device-selector-4-raise-interrupt-got-shim-err-timeout-", name,
			    strlen(name) - 8);
	drvbench_regress_name("drvbench verifier: BAD_STATE at /src/shim/src/mmio.c:88: read32 of "
			      "00:04.0", data, sizeof(data), name, sizeof(name));
	assert_null(strstr(name, "src"));
	assert_non_null(strstr(name, "bad-state"));
}

static void test_crash_is_kept_with_its_reason(void **state)
{
	const char *fuzzer = getenv("REGRESS_FUZZER"), *kext = getenv("REGRESS_KEXT");
	const char *tests = getenv("REGRESS_TESTS"), *crash = getenv("REGRESS_CRASH");
	char kopt[1024], topt[1024], dir[] = "/tmp/drvbench-regress-test-XXXXXX";
	char path[2048], reason[512], why[512], rpath[2100], line[512] = "";
	FILE *f;

	(void)state;
	if (fuzzer == NULL || kext == NULL || tests == NULL || crash == NULL)
		skip();
	snprintf(kopt, sizeof(kopt), "-kext=%s", kext);
	snprintf(topt, sizeof(topt), "-tests=%s", tests);
	assert_non_null(mkdtemp(dir));
	char *fopt[] = { kopt, topt };
	struct drvbench_regress r = { .fuzzer = fuzzer, .fopt = fopt, .nfopt = 2, .dir = dir,
				      .runs = 100 };

	if (!drvbench_regress_keep(&r, crash, path, sizeof(path), reason, sizeof(reason), why,
				   sizeof(why)))
		fail_msg("not kept: %s", why);
	assert_non_null(strstr(reason, "[kernel address disclosed]"));
	assert_non_null(strstr(path, "/kernel-address-disclosed-selector-5-irq-status-"));
	snprintf(rpath, sizeof(rpath), "%s.reason", path);
	f = fopen(rpath, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_string_equal(reason, strtok(line, "\n"));
	remove(rpath);
	remove(path);
	remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_says_what_broke_without_paths),
		cmocka_unit_test(test_crash_is_kept_with_its_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
