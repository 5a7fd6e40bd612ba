/* What shim_machine_create checks of a host before it trusts it: the
 * version of shim/host.h the host was built for, and the ops it must have. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "shim/log.h"

/* The fake host's handle with its ops copied into ops, for a test to spoil. */
static struct shim_host spoilable_host(struct fake_host *fh, struct shim_host_ops *ops)
{
	struct shim_host h = fake_host_handle(fh);

	*ops = *h.ops;
	h.ops = ops;
	return h;
}

static bool error_logged(const char *needle)
{
	enum shim_log_level level;
	bool found = false;
	char line[256];

	while (shim_log_pop(line, sizeof(line), &level))
		found |= level == SHIM_LOG_ERR && strstr(line, needle) != NULL;
	return found;
}

static void test_host_of_another_version_is_refused_and_left_untouched(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_host_ops ops;
	struct shim_host h = spoilable_host(f->fh, &ops);
	bool destroyed = false;
	shim_machine *m = NULL;
	char why[128];

	fake_dev_bar(fake_dev_add(f->fh, SHIM_BDF(0, 1, 0), 0x1234, 0x1), 0, 4096, 0);
	f->fh->destroyed = &destroyed;
	ops.version = SHIM_HOST_VERSION + 1;
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_machine_create(h, &m));
	assert_null(m);
	/* No op was called: not even destroy, whose place may differ in that version. */
	assert_false(destroyed);
	assert_int_equal(0, f->fh->dev[0].cfg_reads);
	snprintf(why, sizeof(why),
		 "host built for shim/host.h version %u, this shim speaks version %u",
		 SHIM_HOST_VERSION + 1, SHIM_HOST_VERSION);
	assert_string_equal(why, shim_machine_last_error(NULL));
	assert_true(error_logged(why));
	/* The caller still owns the host: the fixture's teardown destroys it. */
	f->fh->destroyed = NULL;
}

static void test_host_without_a_version_is_refused(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_host_ops ops;
	struct shim_host h = spoilable_host(f->fh, &ops);
	shim_machine *m = NULL;

	ops.version = 0; /* built from a designated initializer that forgot it */
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_machine_create(h, &m));
	assert_null(m);
	assert_non_null(strstr(shim_machine_last_error(NULL), "version 0,"));
}

static void test_host_missing_a_required_op_is_refused_naming_it(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_host_ops ops;
	struct shim_host h = spoilable_host(f->fh, &ops);
	bool destroyed = false;
	shim_machine *m = NULL;

	f->fh->destroyed = &destroyed;
	ops.irq_next = NULL;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_machine_create(h, &m));
	f->fh = NULL;
	assert_null(m);
	assert_true(destroyed); /* same version: the machine's ownership rule holds */
	assert_string_equal("host fake has no irq_next op", shim_machine_last_error(NULL));
	assert_true(error_logged("host fake has no irq_next op"));
}

static void test_host_without_the_optional_ops_is_accepted(void **state)
{
	struct plat_fixture *f = *state;
	static struct shim_host_ops ops; /* outlives the test: the teardown ends the machine */
	struct shim_host h = spoilable_host(f->fh, &ops);

	ops.dma_next = NULL;
	ops.device_reset = NULL;
	assert_int_equal(SHIM_OK, shim_machine_create(h, &f->m));
	assert_string_equal("fake", shim_machine_host_name(f->m));
	assert_string_equal("", shim_machine_last_error(NULL));
}

static void test_machine_without_a_place_to_go_destroys_the_host(void **state)
{
	struct plat_fixture *f = *state;
	bool destroyed = false;

	f->fh->destroyed = &destroyed;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_machine_create(fake_host_handle(f->fh), NULL));
	f->fh = NULL;
	assert_true(destroyed);
}

static void test_machine_without_a_host_is_refused(void **state)
{
	shim_machine *m = NULL;

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_machine_create((struct shim_host){ NULL, NULL }, &m));
	assert_null(m);
	assert_string_equal("no host (ops is NULL)", shim_machine_last_error(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_host_of_another_version_is_refused_and_left_untouched),
		PLAT_TEST(test_host_without_a_version_is_refused),
		PLAT_TEST(test_host_missing_a_required_op_is_refused_naming_it),
		PLAT_TEST(test_host_without_the_optional_ops_is_accepted),
		PLAT_TEST(test_machine_without_a_place_to_go_destroys_the_host),
		PLAT_TEST(test_machine_without_a_host_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
