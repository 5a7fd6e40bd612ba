/* Seeds derived from a dispatch table alone (fuzz_seeds.c), in the
 * encodings fuzz/README.md gives: one struct program per selector plus one
 * calling them all, and raw bytes of each method's declared shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fuzz_targets.h"

static shim_ret method(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	(void)a;
	return SHIM_OK;
}

static const struct shim_uc_method methods[] = {
	{ .name = "get", .fn = method, .scalar_in_count = 1, .scalar_out_count = 1 },
	{ .name = NULL, .fn = NULL }, /* a hole: no seed */
	{ .name = "put/all", .fn = method, .scalar_in_count = SHIM_UC_VARIABLE,
	  .struct_in_size = SHIM_UC_VARIABLE, .async_allowed = true },
};
static const struct shim_uc_desc table = { .methods = methods, .method_count = 3 };

struct seeds {
	char dir[64];
	struct fuzz_world w;
};

static int setup(void **state)
{
	struct seeds *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/fuzz-seeds-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	s->w.nservices = 1;
	s->w.desc[0] = &table;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct seeds *s = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		return -1;
	free(s);
	return 0;
}

/* The file's bytes (at most cap), or -1 when it is absent. */
static long slurp(const char *dir, const char *name, uint8_t *buf, size_t cap)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return (long)n;
}

static void test_struct_seed_opens_as_root_and_calls_the_selector(void **state)
{
	struct seeds *s = *state;
	/* task (root, every entitlement, slot 0), open (task 0, client 0),
	 * call (connection 0, selector 0, mode 0, scalar kind u8 = 1), run. */
	static const uint8_t want[] = { 0, 0, 0xff, 0, 1, 0, 0, 2, 0, 0, 0, 0, 1, 6, 20 };
	uint8_t got[256];
	char why[128];

	assert_true(fuzz_seeds_struct(&s->w, s->dir, why, sizeof(why)));
	assert_int_equal(sizeof(want), slurp(s->dir, "get", got, sizeof(got)));
	assert_memory_equal(want, got, sizeof(want));
}

static void test_struct_seeds_skip_holes_and_make_names_file_names(void **state)
{
	struct seeds *s = *state;
	uint8_t got[256];
	char why[128];
	long n;

	assert_true(fuzz_seeds_struct(&s->w, s->dir, why, sizeof(why)));
	assert_true(slurp(s->dir, "unnamed", got, sizeof(got)) < 0);
	n = slurp(s->dir, "put_all", got, sizeof(got));
	/* async mode, then the variable shapes (kind small + value), one scalar. */
	assert_true(n > 11);
	assert_int_equal(2, got[9]);  /* selector */
	assert_int_equal(128, got[10]); /* async completion */
	assert_true(slurp(s->dir, "every_selector", got, sizeof(got)) > 0);
}

static void test_raw_seeds_follow_the_declared_shape(void **state)
{
	struct seeds *s = *state;
	uint8_t got[256];
	char why[128];

	assert_true(fuzz_seeds_raw(&s->w, 0, 0, s->dir, why, sizeof(why)));
	/* the mode byte (0: root), then the scalar */
	assert_int_equal(1 + 8, slurp(s->dir, "one", got, sizeof(got)));
	assert_int_equal(0, got[0]);
	assert_int_equal(1, got[1]);
	assert_int_equal(1 + 8, slurp(s->dir, "zero", got, sizeof(got)));
	/* the same calls by an unprivileged client, and with live, stale and
	 * foreign handles in scalar 0 */
	assert_int_equal(1 + 8, slurp(s->dir, "unprivileged", got, sizeof(got)));
	assert_int_equal(1, got[0]);
	assert_int_equal(1 + 8, slurp(s->dir, "live_handle", got, sizeof(got)));
	assert_int_equal(2, got[0]);
	assert_int_equal(4, (slurp(s->dir, "stale_handle", got, sizeof(got)), got[0]));
	assert_int_equal(6, (slurp(s->dir, "foreign_handle", got, sizeof(got)), got[0]));
	assert_true(fuzz_seeds_raw(&s->w, 0, 2, s->dir, why, sizeof(why)));
	/* the mode byte, a scalar count byte, one scalar, then the structure input */
	assert_int_equal(1 + 1 + 8 + 16, slurp(s->dir, "one", got, sizeof(got)));
	assert_int_equal(1, got[1]);
}

static void test_unwritable_directory_is_reported(void **state)
{
	struct seeds *s = *state;
	char why[128] = "";

	(void)s;
	assert_false(fuzz_seeds_struct(&s->w, "/proc/no/such/dir", why, sizeof(why)));
	assert_non_null(strstr(why, "/proc/no"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_struct_seed_opens_as_root_and_calls_the_selector,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_struct_seeds_skip_holes_and_make_names_file_names,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_seeds_follow_the_declared_shape, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_directory_is_reported, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
