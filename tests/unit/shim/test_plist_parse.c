/* The bounded property-list parse every manifest and profile goes through:
 * parse errors named as such, size and nesting bounded before libplist
 * recurses (XML and binary), strings with a NUL, integers libplist would
 * misread, and the signed range helper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "shim/plist_parse.h"

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">"

static char why[256];

/* ---- a small binary property list writer (3-byte offsets and references) ---- */

struct bp {
	uint8_t *buf;
	size_t len, cap;
	uint32_t *offs;
	size_t nobj;
};

static void bp_put(struct bp *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->buf = realloc(b->buf, b->cap);
		assert_non_null(b->buf);
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void bp_be(struct bp *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t byte = (uint8_t)(v >> (8 * (n - 1 - i)));
		bp_put(b, &byte, 1);
	}
}

static void bp_begin(struct bp *b, size_t max_objects)
{
	memset(b, 0, sizeof(*b));
	b->offs = calloc(max_objects, sizeof(*b->offs));
	assert_non_null(b->offs);
	bp_put(b, "bplist00", 8);
}

static void bp_object_start(struct bp *b)
{
	b->offs[b->nobj++] = (uint32_t)b->len;
}

/* An array (0xa) or dict (0xd, refs = keys then values) of refs. */
static void bp_container(struct bp *b, unsigned type, const uint32_t *refs, unsigned n)
{
	uint8_t marker = (uint8_t)(type << 4 | (type == 0xd ? n / 2 : n));

	bp_object_start(b);
	bp_put(b, &marker, 1);
	for (unsigned i = 0; i < n; i++)
		bp_be(b, refs[i], 3);
}

static void bp_ascii(struct bp *b, const char *s, size_t n)
{
	uint8_t marker = (uint8_t)(0x50 | n);

	assert_true(n < 15);
	bp_object_start(b);
	bp_put(b, &marker, 1);
	bp_put(b, s, n);
}

static void bp_end(struct bp *b, uint32_t top)
{
	size_t table = b->len, nobj = b->nobj;

	for (size_t i = 0; i < nobj; i++)
		bp_be(b, b->offs[i], 3);
	bp_put(b, "\0\0\0\0\0\0\x03\x03", 8);
	bp_be(b, nobj, 8);
	bp_be(b, top, 8);
	bp_be(b, table, 8);
}

static void bp_free(struct bp *b)
{
	free(b->buf);
	free(b->offs);
}

/* Object i is an array holding object i + 1; the last one is empty. */
static void bp_nested(struct bp *b, size_t levels)
{
	bp_begin(b, levels);
	for (size_t i = 0; i < levels; i++) {
		uint32_t next = (uint32_t)(i + 1);

		bp_container(b, 0xa, &next, i + 1 < levels ? 1 : 0);
	}
	bp_end(b, 0);
}

/* ---- XML ---- */

static char *xml_nested(size_t levels, const char *before)
{
	size_t cap = levels * 16 + strlen(before) + 128, n = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n, XML_HEAD "%s", before);
	for (size_t i = 0; i < levels; i++)
		n += (size_t)snprintf(s + n, cap - n, "<array>");
	for (size_t i = 0; i < levels; i++)
		n += (size_t)snprintf(s + n, cap - n, "</array>");
	snprintf(s + n, cap - n, "</plist>\n");
	return s;
}

static shim_ret parse_text(const char *text, plist_t *out)
{
	return shim_plist_parse(text, strlen(text), out, why, sizeof(why));
}

static void expect_refused(shim_ret r, plist_t root, const char *word)
{
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, r);
	assert_null(root);
	if (strstr(why, word) == NULL)
		fail_msg("the reason '%s' does not say '%s'", why, word);
}

static void test_plist_parse_reads_xml_and_binary_lists(void **state)
{
	plist_t root = NULL, again = NULL;
	char *bin = NULL;
	uint32_t n = 0;

	(void)state;
	assert_int_equal(SHIM_OK, parse_text(XML_HEAD "<dict><key>CFBundleIdentifier</key>"
						   "<string>org.example.a</string></dict></plist>",
					     &root));
	assert_string_equal("org.example.a",
			    plist_get_string_ptr(plist_dict_get_item(root, "CFBundleIdentifier"),
						 NULL));
	plist_to_bin(root, &bin, &n);
	assert_int_equal(SHIM_OK, shim_plist_parse(bin, n, &again, why, sizeof(why)));
	assert_int_equal(PLIST_DICT, plist_get_node_type(again));
	plist_to_bin_free(bin);
	plist_free(again);
	plist_free(root);
}

static void test_plist_parse_reports_what_libplist_cannot_read_as_a_parse_error(void **state)
{
	static const char *const bad[] = {
		XML_HEAD "<dict><key>a</key><strin>x</string></dict></plist>",
		XML_HEAD "<dict><key>a</key><string>x</string>",
		"this is not a property list\n",
		XML_HEAD "<!-- never closed",
		"bplist00 and then nothing that a trailer could describe at all..........",
	};
	plist_t root = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		root = NULL;
		expect_refused(parse_text(bad[i], &root), root, "parse error");
	}
}

static void test_plist_parse_refuses_more_than_its_size_limit(void **state)
{
	size_t n = SHIM_PLIST_MAX_BYTES + 1;
	char *big = malloc(n);
	plist_t root = NULL;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, XML_HEAD, strlen(XML_HEAD));
	expect_refused(shim_plist_parse(big, n, &root, why, sizeof(why)), root, "larger than");
	free(big);
}

/* libplist frees (and parses binary lists) recursively, a frame per level:
 * the most a 1 MiB list can nest is refused at once (200,000 levels, which
 * overflowed its stack, are more than 1 MiB: tests/unit/shim/test_kext.c). */
static void test_plist_parse_refuses_60000_nested_xml_arrays_without_crashing(void **state)
{
	char *s = xml_nested(60000, "");
	plist_t root = NULL;

	(void)state;
	expect_refused(parse_text(s, &root), root, "nested deeper than 32");
	free(s);
}

static void test_plist_parse_takes_the_depth_limit_and_refuses_one_more(void **state)
{
	char *ok = xml_nested(SHIM_PLIST_MAX_DEPTH, ""), *deep = xml_nested(SHIM_PLIST_MAX_DEPTH + 1, "");
	struct bp b;
	plist_t root = NULL;

	(void)state;
	assert_int_equal(SHIM_OK, parse_text(ok, &root));
	plist_free(root);
	root = NULL;
	expect_refused(parse_text(deep, &root), root, "nested deeper");
	bp_nested(&b, SHIM_PLIST_MAX_DEPTH);
	assert_int_equal(SHIM_OK, shim_plist_parse((char *)b.buf, b.len, &root, why, sizeof(why)));
	plist_free(root);
	root = NULL;
	bp_free(&b);
	bp_nested(&b, SHIM_PLIST_MAX_DEPTH + 1);
	expect_refused(shim_plist_parse((char *)b.buf, b.len, &root, why, sizeof(why)), root,
		       "nested deeper");
	bp_free(&b);
	free(ok);
	free(deep);
}

/* A "</array>" in a comment closes nothing: counting it would let the
 * nesting after it through. Empty arrays open nothing. */
static void test_plist_parse_counts_nesting_past_comments_and_cdata(void **state)
{
	char *s = xml_nested(SHIM_PLIST_MAX_DEPTH + 1,
			     "<!-- </array></array></array></array> -->"
			     "<?pi </array></array> ?><array/><dict />");
	plist_t root = NULL;

	(void)state;
	expect_refused(parse_text(s, &root), root, "nested deeper");
	free(s);
}

static void test_plist_parse_refuses_100000_nested_binary_arrays_without_crashing(void **state)
{
	struct bp b;
	plist_t root = NULL;

	(void)state;
	bp_nested(&b, 100000);
	expect_refused(shim_plist_parse((char *)b.buf, b.len, &root, why, sizeof(why)), root,
		       "nested deeper than 32");
	bp_free(&b);
}

static void test_plist_parse_refuses_a_binary_list_that_contains_itself(void **state)
{
	uint32_t refs[2] = { 1, 0 };
	struct bp b;
	plist_t root = NULL;

	(void)state;
	bp_begin(&b, 2);
	bp_container(&b, 0xa, &refs[0], 1); /* 0: [1] */
	bp_container(&b, 0xa, &refs[1], 1); /* 1: [0] */
	bp_end(&b, 0);
	expect_refused(shim_plist_parse((char *)b.buf, b.len, &root, why, sizeof(why)), root,
		       "contains itself");
	bp_free(&b);
}

/* 30 arrays, each holding the next twice: 2^30 nodes once libplist copies
 * every shared object. */
static void test_plist_parse_refuses_a_binary_list_whose_shared_objects_explode(void **state)
{
	struct bp b;
	plist_t root = NULL;

	(void)state;
	bp_begin(&b, 31);
	for (uint32_t i = 0; i < 30; i++) {
		uint32_t refs[2] = { i + 1, i + 1 };

		bp_container(&b, 0xa, refs, 2);
	}
	bp_container(&b, 0xa, NULL, 0);
	bp_end(&b, 0);
	expect_refused(shim_plist_parse((char *)b.buf, b.len, &root, why, sizeof(why)), root,
		       "more than");
	bp_free(&b);
}

static void test_plist_parse_refuses_a_nul_inside_an_xml_string(void **state)
{
	static const char text[] = XML_HEAD "<dict><key>CFBundleIdentifier</key>"
					    "<string>org.example\0.evil</string></dict></plist>";
	plist_t root = NULL;

	(void)state;
	expect_refused(shim_plist_parse(text, sizeof(text) - 1, &root, why, sizeof(why)), root,
		       "NUL");
}

static void test_plist_parse_refuses_a_nul_inside_a_binary_string_or_key(void **state)
{
	(void)state;
	for (int in_key = 0; in_key < 2; in_key++) {
		uint32_t refs[2] = { 1, 2 };
		struct bp b;
		plist_t root = NULL;

		bp_begin(&b, 3);
		bp_container(&b, 0xd, refs, 2);
		bp_ascii(&b, in_key ? "Key\0x" : "Key", in_key ? 5 : 3);
		bp_ascii(&b, in_key ? "org.a" : "org\0.a", in_key ? 5 : 6);
		bp_end(&b, 0);
		expect_refused(shim_plist_parse((char *)b.buf, b.len, &root, why, sizeof(why)),
			       root, "NUL");
		bp_free(&b);
	}
}

/* libplist reads an <integer> with strtoll in base 0: "1e23" became 1,
 * "010" 8 (macOS reads 10), 2^64 and more saturated. */
static void test_plist_parse_refuses_integers_libplist_would_misread(void **state)
{
	static const char *const bad[] = { "1e23", "010", "99999999999999999999",
					   "9223372036854775808", "", "12x", "0x", "--1" };
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		plist_t root = NULL;

		snprintf(text, sizeof(text), XML_HEAD "<dict><key>IOProbeScore</key><integer>%s"
						      "</integer></dict></plist>", bad[i]);
		expect_refused(parse_text(text, &root), root, "<integer>");
	}
}

static void test_plist_parse_takes_plain_signed_integers(void **state)
{
	static const struct {
		const char *text;
		int64_t value;
	} good[] = { { "0", 0 }, { "-5", -5 }, { " 42 ", 42 }, { "0x10", 16 }, { "+7", 7 },
		     { "9223372036854775807", INT64_MAX }, { "-9223372036854775808", INT64_MIN } };
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		plist_t root = NULL;
		int64_t v = 0;

		snprintf(text, sizeof(text), XML_HEAD "<dict><key>n</key><integer>%s</integer>"
						      "</dict></plist>", good[i].text);
		assert_int_equal(SHIM_OK, parse_text(text, &root));
		assert_true(shim_plist_int(plist_dict_get_item(root, "n"), INT64_MIN, INT64_MAX, &v));
		assert_int_equal(good[i].value, v);
		plist_free(root);
	}
}

static void test_plist_int_refuses_values_outside_the_range_and_other_types(void **state)
{
	plist_t root = NULL;
	int64_t v = 99;

	(void)state;
	assert_int_equal(SHIM_OK, parse_text(XML_HEAD "<dict><key>big</key><integer>2147483648"
						   "</integer><key>s</key><string>1</string>"
						   "</dict></plist>", &root));
	assert_false(shim_plist_int(plist_dict_get_item(root, "big"), INT32_MIN, INT32_MAX, &v));
	assert_false(shim_plist_int(plist_dict_get_item(root, "s"), INT32_MIN, INT32_MAX, &v));
	assert_false(shim_plist_int(NULL, INT32_MIN, INT32_MAX, &v));
	assert_int_equal(99, v);
	assert_true(shim_plist_int(plist_dict_get_item(root, "big"), 0, INT64_MAX, &v));
	assert_int_equal(2147483648, v);
	plist_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plist_parse_reads_xml_and_binary_lists),
		cmocka_unit_test(test_plist_parse_reports_what_libplist_cannot_read_as_a_parse_error),
		cmocka_unit_test(test_plist_parse_refuses_more_than_its_size_limit),
		cmocka_unit_test(test_plist_parse_refuses_60000_nested_xml_arrays_without_crashing),
		cmocka_unit_test(test_plist_parse_takes_the_depth_limit_and_refuses_one_more),
		cmocka_unit_test(test_plist_parse_counts_nesting_past_comments_and_cdata),
		cmocka_unit_test(test_plist_parse_refuses_100000_nested_binary_arrays_without_crashing),
		cmocka_unit_test(test_plist_parse_refuses_a_binary_list_that_contains_itself),
		cmocka_unit_test(test_plist_parse_refuses_a_binary_list_whose_shared_objects_explode),
		cmocka_unit_test(test_plist_parse_refuses_a_nul_inside_an_xml_string),
		cmocka_unit_test(test_plist_parse_refuses_a_nul_inside_a_binary_string_or_key),
		cmocka_unit_test(test_plist_parse_refuses_integers_libplist_would_misread),
		cmocka_unit_test(test_plist_parse_takes_plain_signed_integers),
		cmocka_unit_test(test_plist_int_refuses_values_outside_the_range_and_other_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
