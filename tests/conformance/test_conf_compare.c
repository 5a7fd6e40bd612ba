/* The comparison and the allow-list on their own (no QEMU needed): a
 * difference is caught, an allowed line is excused and counted, and an
 * allow-list line without a reason is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"

static struct bench_trace_line conf_line(const char *text, unsigned long count)
{
	struct bench_trace_line l;

	snprintf(l.text, sizeof(l.text), "%s", text);
	l.count = count;
	return l;
}

/* Writes text to a temporary file and loads it as an allow-list. */
static bool conf_load_text(const char *text, struct conf_allowlist *al, char *why, size_t len)
{
	char path[] = "/tmp/conf_allowXXXXXX";
	int fd = mkstemp(path);
	bool ok;

	assert_true(fd >= 0);
	assert_int_equal((ssize_t)strlen(text), write(fd, text, strlen(text)));
	close(fd);
	ok = conf_allowlist_load(al, path, why, len);
	unlink(path);
	return ok;
}

static void test_conf_compare_catches_a_different_value(void **state)
{
	struct bench_trace_line a[] = { conf_line("cfg_r 0x000/4 = 0x11e81234", 1),
				     conf_line("mmio_r bar0+0x000/4 = 0x10000ed", 1) };
	struct bench_trace_line b[] = { conf_line("cfg_r 0x000/4 = 0x11e81234", 1),
				     conf_line("mmio_r bar0+0x000/4 = 0x10000ee", 1) };
	struct conf_allowlist al = { 0 };
	char why[1024];

	(void)state;
	assert_true(conf_compare(a, 2, a, 2, &al, why, sizeof(why)));
	assert_false(conf_compare(a, 2, b, 2, &al, why, sizeof(why)));
	assert_non_null(strstr(why, "0x10000ee"));
}

static void test_conf_compare_catches_a_different_count_or_length(void **state)
{
	struct bench_trace_line a[] = { conf_line("mmio_r bar0+0x020/4 = 0x0", 1) };
	struct bench_trace_line b[] = { conf_line("mmio_r bar0+0x020/4 = 0x0", 2) };
	struct conf_allowlist al = { 0 };
	char why[1024];

	(void)state;
	assert_false(conf_compare(a, 1, b, 1, &al, why, sizeof(why)));
	assert_false(conf_compare(a, 1, b, 0, &al, why, sizeof(why)));
	assert_non_null(strstr(why, "trace ends"));
}

static void test_conf_allowed_lines_are_dropped_and_counted(void **state)
{
	struct bench_trace_line a[] = { conf_line("poll mmio_r bar0+0x020/4 = 0x1", 7),
				     conf_line("poll mmio_r bar0+0x020/4 = 0x0", 1) };
	struct bench_trace_line b[] = { conf_line("poll mmio_r bar0+0x020/4 = 0x0", 1) };
	struct conf_allowlist al;
	char why[1024] = "";

	(void)state;
	assert_true(conf_load_text("# comment\n\npoll mmio_r bar0+0x020/4 = 0x1  threaded\n", &al,
				   why, sizeof(why)));
	assert_int_equal(1, al.count);
	assert_string_equal("threaded", al.items[0].reason);
	assert_true(conf_compare(a, 2, b, 1, &al, why, sizeof(why)));
	assert_int_equal(1, al.items[0].used);
	/* The 0x0 poll is not excused: dropping it on one side is a difference. */
	assert_false(conf_compare(a, 1, b, 1, &al, why, sizeof(why)));
	conf_allowlist_free(&al);
}

static void test_conf_allowlist_line_without_reason_is_refused(void **state)
{
	struct conf_allowlist al;
	char why[256] = "";

	(void)state;
	assert_false(conf_load_text("cfg_w 0x044/4 0x*\n", &al, why, sizeof(why)));
	assert_non_null(strstr(why, ":1:"));
	assert_false(conf_load_text("ok  reason\ncfg_w 0x044/4 0x*   \n", &al, why, sizeof(why)));
	assert_non_null(strstr(why, ":2:"));
	assert_false(conf_allowlist_load(&al, "/nonexistent/allowlist.txt", why, sizeof(why)));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_compare_catches_a_different_value),
		cmocka_unit_test(test_conf_compare_catches_a_different_count_or_length),
		cmocka_unit_test(test_conf_allowed_lines_are_dropped_and_counted),
		cmocka_unit_test(test_conf_allowlist_line_without_reason_is_refused),
	};

	return cmocka_run_group_tests_name("conf_compare", tests, NULL, NULL);
}
