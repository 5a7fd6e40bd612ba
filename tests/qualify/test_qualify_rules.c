/* drvbench qualify's pieces one by one: the version grammar, C++ names'
 * outer identifiers, JSON escaping, option refusals, suppression, and bad
 * input (no directory, a directory for a manifest, huge and deep plists, a
 * truncated Mach-O, a tar listing of ownership) giving a finding, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "q_internal.h"

static char dir[256];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/qualify-unit-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* dir/name.kext/Contents/Info.plist holding text; returns the bundle path. */
static const char *bundle(const char *name, const char *plist, size_t len)
{
	static char path[512];
	char file[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.kext", dir, name);
	snprintf(file, sizeof(file), "%s/Contents", path);
	mkdir(path, 0755);
	mkdir(file, 0755);
	snprintf(file, sizeof(file), "%s/Contents/Info.plist", path);
	f = fopen(file, "wb");
	assert_non_null(f);
	fwrite(plist, 1, len, f);
	fclose(f);
	return path;
}

static size_t count_rule(const struct bench_qualify_result *r, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < r->count; i++)
		n += strcmp(r->findings[i].rule->id, rule) == 0;
	return n;
}

static void qualify(const struct bench_qualify_options *opt, struct bench_qualify_result *r)
{
	char why[256] = "";

	bench_qualify_result_init(r, opt->bundle);
	assert_int_equal(SHIM_OK, bench_qualify_static(opt, r, why, sizeof(why)));
}

static void test_version_grammar_orders_stages_below_the_release(void **state)
{
	const char *order[] = { "1.0.0d1", "1.0.0a9", "1.0.0b2", "1.0.0fc1", "1.0.0", "1.0.1", "1.2",
				"10.2.99", "9999.99.99" };
	uint64_t prev = 0, v = 0, w = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		assert_true(bench_q_version_parse(order[i], &v));
		assert_true(i == 0 || v > prev);
		prev = v;
	}
	assert_true(bench_q_version_parse("10.2", &v) && bench_q_version_parse("10.2.0", &w));
	assert_true(v == w);
}

static void test_version_grammar_refuses_what_the_loader_refuses(void **state)
{
	const char *bad[] = { "", "1..2", "12345", "1.100", "1.0.0-beta", "1.0b0", "1.0b256", "a1",
			      "1.2.3.4", "1.0x1" };
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bench_q_version_parse(bad[i], &v))
			fail_msg("'%s' accepted", bad[i]);
}

static void test_outer_name_of_cxx_symbols_is_their_class_or_function(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal("EduDriver", bench_q_outer_name("_ZN9EduDriver5startEv", b, sizeof(b)));
	assert_string_equal("EduDriver", bench_q_outer_name("_ZNK9EduDriver3getEv", b, sizeof(b)));
	assert_string_equal("EduDriver", bench_q_outer_name("_ZTV9EduDriver", b, sizeof(b)));
	assert_string_equal("foo", bench_q_outer_name("_Z3foov", b, sizeof(b)));
	assert_string_equal("std", bench_q_outer_name("_ZNSt6vectorIiE9push_backEi", b, sizeof(b)));
	assert_string_equal("start", bench_q_outer_name("start", b, sizeof(b)));
	assert_string_equal("_Z999x", bench_q_outer_name("_Z999x", b, sizeof(b)));
}

static void test_json_strings_stay_valid_whatever_the_bytes(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	bench_q_json_string(f, "a\x01\"\\\n\xff\xc3\xa9");
	fclose(f);
	assert_string_equal("\"a\\u0001\\\"\\\\\\n\\ufffd\xc3\xa9\"", buf);
	free(buf);
}

static void test_not_a_directory_is_one_layout_finding(void **state)
{
	struct bench_qualify_options opt = { 0 };
	struct bench_qualify_result r;
	char path[300];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/File.kext", dir);
	f = fopen(path, "w");
	fclose(f);
	opt.bundle = path;
	qualify(&opt, &r);
	assert_int_equal(1, r.count);
	assert_string_equal("bundle.layout", r.findings[0].rule->id);
	bench_qualify_result_free(&r);
	opt.bundle = "/nonexistent/Nothing.kext";
	qualify(&opt, &r);
	assert_int_equal(1, count_rule(&r, "bundle.layout"));
	assert_non_null(strstr(r.findings[0].message, "No such file"));
	bench_qualify_result_free(&r);
}

static void test_manifest_that_is_a_directory_is_unreadable_not_fatal(void **state)
{
	struct bench_qualify_options opt = { 0 };
	struct bench_qualify_result r;
	char path[300];

	(void)state;
	snprintf(path, sizeof(path), "%s/Dir.kext", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/Dir.kext/Contents", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/Dir.kext/Contents/Info.plist", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/Dir.kext", dir);
	opt.bundle = path;
	qualify(&opt, &r);
	assert_int_equal(1, count_rule(&r, "plist.unreadable"));
	bench_qualify_result_free(&r);
	/* A FIFO where the manifest belongs: refused at once, no read that waits. */
	snprintf(path, sizeof(path), "%s/Fifo.kext", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/Fifo.kext/Contents", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/Fifo.kext/Contents/Info.plist", dir);
	assert_int_equal(0, mkfifo(path, 0644));
	snprintf(path, sizeof(path), "%s/Fifo.kext", dir);
	qualify(&opt, &r);
	assert_int_equal(1, count_rule(&r, "plist.unreadable"));
	bench_qualify_result_free(&r);
}

static void test_huge_and_deep_manifests_are_refused_by_the_bounded_parse(void **state)
{
	struct bench_qualify_options opt = { 0 };
	struct bench_qualify_result r;
	size_t n = 2u << 20;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	memcpy(big, "<plist><string>", 15);
	opt.bundle = bundle("Huge", big, n);
	qualify(&opt, &r);
	assert_int_equal(1, count_rule(&r, "plist.unreadable"));
	bench_qualify_result_free(&r);
	for (size_t i = 0; i < 200; i++)
		memcpy(big + i * 7, "<array>", 7);
	opt.bundle = bundle("Deep", big, 200 * 7);
	qualify(&opt, &r);
	assert_int_equal(1, count_rule(&r, "plist.unreadable"));
	assert_non_null(strstr(r.findings[0].message, "deeper"));
	bench_qualify_result_free(&r);
	free(big);
}

static void test_truncated_binary_is_a_malformed_one(void **state)
{
	static const char plist[] = "<plist><dict><key>CFBundleIdentifier</key><string>org.x.t</string>"
				    "<key>CFBundleExecutable</key><string>T</string></dict></plist>";
	static const unsigned char macho[] = { 0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1, 3, 0, 0, 0,
					       11, 0, 0, 0, 40, 0, 0, 0 };
	static const unsigned char elf[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0,
					     0, 0, 0, 0, 3, 0, 62, 0 };
	/* Under valgrind, glibc's loader reads past a string while mapping
	 * libLLVM for the Mach-O reader (a false positive outside this code),
	 * so the truncated file is an ELF one there; the fuzz suite replays a
	 * truncated Mach-O in every build. */
	const unsigned char *header = getenv("DRVBENCH_UNDER_VALGRIND") ? elf : macho;
	struct bench_qualify_options opt = { 0 };
	struct bench_qualify_result r;
	char path[600];
	FILE *f;

	(void)state;
	opt.bundle = bundle("Trunc", plist, sizeof(plist) - 1);
	snprintf(path, sizeof(path), "%s/Contents/MacOS", opt.bundle);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/Contents/MacOS/T", opt.bundle);
	f = fopen(path, "wb");
	fwrite(header, 1, sizeof(macho), f);
	fclose(f);
	qualify(&opt, &r);
	assert_int_equal(1, count_rule(&r, "binary.malformed"));
	bench_qualify_result_free(&r);
}

static void test_tar_listing_names_each_entry_not_owned_by_root(void **state)
{
	static const char plist[] = "<plist><dict/></plist>";
	struct bench_qualify_options opt = { 0 };
	struct bench_qualify_result r;
	char listing[300];
	FILE *f;

	(void)state;
	opt.bundle = bundle("Owned", plist, sizeof(plist) - 1);
	snprintf(listing, sizeof(listing), "%s/listing.txt", dir);
	f = fopen(listing, "w");
	fprintf(f, "drwxr-xr-x 0/0 0 2024-01-01 00:00 ./Owned.kext/\n"
		   "-rw-r--r-- 501/20 10 2024-01-01 00:00 ./Owned.kext/Contents/Info.plist\n"
		   "-rw-r--r--  1 root  wheel  10 Jan  1 00:00 x/Owned.kext/Contents/A\n"
		   "-rw-r--r--  1 alice staff  10 Jan  1 00:00 x/Owned.kext/Contents/B\n"
		   "-rw-r--r-- 1000/1000 10 2024-01-01 00:00 ./Other.kext/Contents/Info.plist\n");
	fclose(f);
	opt.as_installed = listing;
	qualify(&opt, &r);
	assert_int_equal(2, count_rule(&r, "bundle.ownership"));
	for (size_t i = 0; i < r.count; i++)
		if (strcmp(r.findings[i].rule->id, "bundle.ownership") == 0)
			assert_true(strcmp(r.findings[i].file, "Contents/Info.plist") == 0 ||
				    strcmp(r.findings[i].file, "Contents/B") == 0);
	bench_qualify_result_free(&r);
}

static void test_bad_options_are_refused_with_the_reason(void **state)
{
	struct bench_qualify_disable no_reason = { "plist.iokitdebug", NULL };
	struct bench_qualify_disable unknown = { "plist.nonsense", "because" };
	struct bench_qualify_options opt = { .bundle = dir, .disabled = &no_reason, .ndisabled = 1 };
	struct bench_qualify_result r;
	char why[256] = "";

	(void)state;
	bench_qualify_result_init(&r, dir);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, bench_qualify_static(&opt, &r, why, sizeof(why)));
	assert_non_null(strstr(why, "needs a reason"));
	opt.disabled = &unknown;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, bench_qualify_static(&opt, &r, why, sizeof(why)));
	assert_non_null(strstr(why, "no such rule"));
	opt.ndisabled = 0;
	opt.arch[0] = "sparc";
	opt.narch = 1;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, bench_qualify_static(&opt, &r, why, sizeof(why)));
	bench_qualify_result_free(&r);
}

static void test_disabled_rule_is_suppressed_with_its_reason_and_not_counted(void **state)
{
	static const char plist[] = "<plist><dict><key>CFBundleIdentifier</key>"
				    "<string>com.example.x</string></dict></plist>";
	struct bench_qualify_disable d = { "plist.identifier-placeholder", "a sample" };
	struct bench_qualify_options opt = { .disabled = &d, .ndisabled = 1 };
	struct bench_qualify_result r;

	(void)state;
	opt.bundle = bundle("Placeholder", plist, sizeof(plist) - 1);
	qualify(&opt, &r);
	assert_int_equal(1, count_rule(&r, "plist.identifier-placeholder"));
	for (size_t i = 0; i < r.count; i++)
		if (strcmp(r.findings[i].rule->id, "plist.identifier-placeholder") == 0)
			assert_string_equal("a sample", r.findings[i].suppressed);
	assert_int_equal(0, count_rule(&r, "plist.identifier"));
	bench_qualify_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_grammar_orders_stages_below_the_release),
		cmocka_unit_test(test_version_grammar_refuses_what_the_loader_refuses),
		cmocka_unit_test(test_outer_name_of_cxx_symbols_is_their_class_or_function),
		cmocka_unit_test(test_json_strings_stay_valid_whatever_the_bytes),
		cmocka_unit_test(test_not_a_directory_is_one_layout_finding),
		cmocka_unit_test(test_manifest_that_is_a_directory_is_unreadable_not_fatal),
		cmocka_unit_test(test_huge_and_deep_manifests_are_refused_by_the_bounded_parse),
		cmocka_unit_test(test_truncated_binary_is_a_malformed_one),
		cmocka_unit_test(test_tar_listing_names_each_entry_not_owned_by_root),
		cmocka_unit_test(test_bad_options_are_refused_with_the_reason),
		cmocka_unit_test(test_disabled_rule_is_suppressed_with_its_reason_and_not_counted),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
