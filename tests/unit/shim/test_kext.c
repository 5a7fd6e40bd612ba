/* Kext manifests, unload rules and driver matching on the fake host. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "shim/alloc.h"
#include "shim/log.h"
#include "shim/object.h"

static shim_class widget_class = SHIM_CLASS_INIT("com_example_Widget");

static struct {
	char calls[16];
	size_t n;
	shim_ret start_ret;
	void *leak;
	shim_service *svc;
} drv;

static void note(char c)
{
	if (drv.n < sizeof(drv.calls) - 1)
		drv.calls[drv.n++] = c;
}

static bool low_probe(shim_pci_device *dev, int *score)
{
	(void)dev;
	(void)score;
	note('p');
	return true;
}

static bool high_probe(shim_pci_device *dev, int *score)
{
	(void)dev;
	note('P');
	*score += 1;
	return true;
}

static shim_ret any_start(shim_service *svc, shim_pci_device *dev)
{
	assert_ptr_equal(dev, shim_service_provider(svc));
	note('s');
	drv.svc = svc;
	if (drv.start_ret != SHIM_OK)
		drv.leak = shim_malloc(40); /* a careless failed start */
	return drv.start_ret;
}

static void any_stop(shim_service *svc)
{
	(void)svc;
	note('t');
}

static void any_gone(shim_service *svc)
{
	(void)svc;
	note('g');
}

static const struct shim_driver low_driver = { "com_example_Low", low_probe, any_start, any_stop,
					       any_gone, NULL };
static const struct shim_driver high_driver = { "com_example_High", high_probe, any_start,
						any_stop, any_gone, NULL };
static const struct shim_driver *const drivers[] = { &low_driver, &high_driver };
static shim_class *const classes[] = { &widget_class };

static char plist_buf[4096];

static const char *personality(const char *name, const char *ioclass, const char *provider,
			       const char *match, int score)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
		 "<key>%s</key><dict>"
		 "<key>IOClass</key><string>%s</string>"
		 "<key>IOProviderClass</key><string>%s</string>"
		 "<key>IOPCIMatch</key><string>%s</string>"
		 "<key>IOProbeScore</key><integer>%d</integer>"
		 "</dict>",
		 name, ioclass, provider, match, score);
	return buf;
}

static struct shim_kext_desc manifest(const char *id_entry, const char *personalities)
{
	snprintf(plist_buf, sizeof(plist_buf),
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<plist version=\"1.0\"><dict>%s"
		 "<key>CFBundleVersion</key><string>1.0.0</string>"
		 "<key>IOKitPersonalities</key><dict>%s</dict>"
		 "</dict></plist>\n",
		 id_entry, personalities);
	return (struct shim_kext_desc){ plist_buf, strlen(plist_buf), drivers, 2, classes, 1 };
}

#define GOOD_ID "<key>CFBundleIdentifier</key><string>com.example.widget</string>"

static bool log_mentions(const char *word)
{
	char line[256];
	bool found = false;

	while (shim_log_pop(line, sizeof(line), NULL))
		found = found || strstr(line, word) != NULL;
	return found;
}

static void test_kext_load_accepts_a_valid_manifest_and_matches_ids(void **state)
{
	struct shim_kext_desc d = manifest(
		GOOD_ID, personality("Low", "com_example_Low", "IOPCIDevice",
				     "0x11e81234 0x00001af4&amp;0x0000ffff", 5));
	shim_kext *k;

	(void)state;
	assert_int_equal(SHIM_OK, shim_kext_load(&d, &k));
	assert_string_equal("com.example.widget", shim_kext_bundle_id(k));
	assert_true(shim_kext_matches(k, 0x1234, 0x11e8, 0));
	assert_false(shim_kext_matches(k, 0x1234, 0x11e9, 0));
	assert_true(shim_kext_matches(k, 0x1af4, 0x7777, 0));
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

static void expect_rejected(struct shim_kext_desc d, const char *reason_word)
{
	shim_kext *k = (shim_kext *)&d;

	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_kext_load(&d, &k));
	assert_null(k);
	assert_true(log_mentions(reason_word));
}

static void test_kext_load_rejects_a_missing_bundle_identifier(void **state)
{
	(void)state;
	expect_rejected(manifest("", personality("Low", "com_example_Low", "IOPCIDevice",
						 "0x11e81234", 0)),
			"CFBundleIdentifier");
	expect_rejected(manifest("<key>CFBundleIdentifier</key><string>widget</string>",
				 personality("Low", "com_example_Low", "IOPCIDevice", "0x11e81234",
					     0)),
			"reverse-DNS");
}

static void test_kext_load_rejects_a_bad_pci_match(void **state)
{
	static const char *const bad[] = { "", "1234", "0x11e81234 zz", "0x123456789",
					   "0x11e81234&amp;", "0x11e81234&amp;0xffffffff0", "0x" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_rejected(manifest(GOOD_ID, personality("Low", "com_example_Low",
							      "IOPCIDevice", bad[i], 0)),
				"IOPCIMatch");
}

static void test_kext_load_rejects_unknown_class_wrong_provider_and_bad_xml(void **state)
{
	struct shim_kext_desc d;

	(void)state;
	expect_rejected(manifest(GOOD_ID, personality("X", "com_example_Nobody", "IOPCIDevice",
						      "0x11e81234", 0)),
			"IOClass");
	expect_rejected(manifest(GOOD_ID, personality("X", "com_example_Low", "IOUSBDevice",
						      "0x11e81234", 0)),
			"IOProviderClass");
	expect_rejected(manifest(GOOD_ID, ""), "IOKitPersonalities");
	d = manifest(GOOD_ID, "");
	d.info_plist = "<plist><dict><key>oops</dict>";
	d.info_plist_len = strlen(d.info_plist);
	expect_rejected(d, "property list");
}

static struct shim_kext_desc manifest_n(const char *text, size_t len)
{
	return (struct shim_kext_desc){ text, len, drivers, 2, classes, 1 };
}

static const char *score_personality(const char *score)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 "<key>Low</key><dict><key>IOClass</key><string>com_example_Low</string>"
		 "<key>IOProviderClass</key><string>IOPCIDevice</string>"
		 "<key>IOPCIMatch</key><string>0x11e81234</string>"
		 "<key>IOProbeScore</key><integer>%s</integer></dict>", score);
	return buf;
}

/* IOProbeScore is an SInt32 in IOKit: 2^31 used to wrap to INT_MIN, and
 * "1e23" was read as 1. */
static void test_kext_load_range_checks_the_probe_score(void **state)
{
	shim_kext *k = NULL;
	struct shim_kext_desc d;

	(void)state;
	expect_rejected(manifest(GOOD_ID, score_personality("2147483648")), "IOProbeScore");
	expect_rejected(manifest(GOOD_ID, score_personality("-2147483649")), "IOProbeScore");
	expect_rejected(manifest(GOOD_ID, score_personality("1e23")), "1e23");
	d = manifest(GOOD_ID, score_personality("-2147483648"));
	assert_int_equal(SHIM_OK, shim_kext_load(&d, &k));
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

/* A NUL used to cut the identifier short: "com.example.widget\0evil" loaded
 * as com.example.widget. */
static void test_kext_load_refuses_a_nul_inside_the_bundle_identifier(void **state)
{
	static const char text[] =
		"<plist version=\"1.0\"><dict><key>CFBundleIdentifier</key>"
		"<string>com.example.widget\0evil</string>"
		"<key>CFBundleVersion</key><string>1.0.0</string>"
		"<key>IOKitPersonalities</key><dict><key>Low</key><dict>"
		"<key>IOClass</key><string>com_example_Low</string>"
		"<key>IOProviderClass</key><string>IOPCIDevice</string>"
		"<key>IOPCIMatch</key><string>0x11e81234</string></dict></dict></dict></plist>";

	(void)state;
	expect_rejected(manifest_n(text, sizeof(text) - 1), "NUL");
}

static void test_kext_load_reports_a_parse_error_as_one(void **state)
{
	static const char text[] = "<plist><dict><key>CFBundleIdentifier</key><string>x</dict>";
	char why[256] = "";
	shim_kext *k = NULL;

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_kext_load_manifest(text, strlen(text), NULL, &k, why, sizeof(why)));
	assert_non_null(strstr(why, "parse error"));
	log_mentions("");
}

/* 200,000 nested arrays overflowed libplist's recursive free. */
static void test_kext_load_survives_200000_nested_arrays(void **state)
{
	size_t levels = 200000, cap = levels * 16 + 256, n = 0;
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "<plist><dict><key>Deep</key>");
	for (size_t i = 0; i < levels; i++)
		n += (size_t)snprintf(text + n, cap - n, "<array>");
	for (size_t i = 0; i < levels; i++)
		n += (size_t)snprintf(text + n, cap - n, "</array>");
	n += (size_t)snprintf(text + n, cap - n, "</dict></plist>");
	expect_rejected(manifest_n(text, n), "larger than");
	free(text);
}

/* The reason reaches the caller, not only the log: a command prints it. */
static void test_kext_load_manifest_returns_the_reason_to_the_caller(void **state)
{
	struct shim_kext_desc d = manifest(GOOD_ID, personality("Lowly", "com_example_Low",
								 "IOUSBDevice", "0x11e81234", 0));
	char why[256] = "";
	shim_kext *k = NULL;

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_kext_load_manifest(d.info_plist, d.info_plist_len, &d, &k, why,
						 sizeof(why)));
	assert_null(k);
	assert_non_null(strstr(why, "com.example.widget"));
	assert_non_null(strstr(why, "personality Lowly"));
	assert_non_null(strstr(why, "IOUSBDevice"));
	log_mentions("");
}

static const char *class_personality(const char *match_key, const char *match)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 "<key>Storage</key><dict>"
		 "<key>IOClass</key><string>com_example_Low</string>"
		 "<key>IOProviderClass</key><string>IOPCIDevice</string>"
		 "<key>%s</key><string>%s</string>"
		 "</dict>", match_key, match);
	return buf;
}

/* IOPCIClassMatch compares the class code shifted up one byte, under a mask. */
static void test_kext_class_match_matches_the_class_code_under_its_mask(void **state)
{
	struct shim_kext_desc d = manifest(GOOD_ID, class_personality("IOPCIClassMatch",
								       "0x01080200&amp;0xffffff00"));
	shim_kext *k;

	(void)state;
	assert_int_equal(SHIM_OK, shim_kext_load(&d, &k));
	assert_true(shim_kext_matches(k, 0x1b36, 0x0010, 0x010802));
	assert_true(shim_kext_matches(k, 0x8086, 0x5845, 0x010802));
	assert_false(shim_kext_matches(k, 0x1b36, 0x0010, 0x010601));
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
	d = manifest(GOOD_ID, class_personality("IOPCIClassMatch", "0x01080200&amp;"));
	expect_rejected(d, "IOPCIClassMatch");
}

/* Without a descriptor the manifest is checked and asked, never started. */
static void test_kext_manifest_only_matches_but_cannot_start(void **state)
{
	struct shim_kext_desc d = manifest(GOOD_ID, personality("Any", "com_example_Nobody",
								 "IOPCIDevice", "0x11e81234", 0));
	struct plat_fixture *f = *state;
	char why[128] = "";
	shim_kext *k = NULL;
	size_t started = 9;

	assert_int_equal(SHIM_OK, shim_kext_load_manifest(d.info_plist, d.info_plist_len, NULL,
							  &k, why, sizeof(why)));
	assert_string_equal("", why);
	assert_true(shim_kext_matches(k, 0x1234, 0x11e8, 0));
	assert_string_equal("1.0.0", shim_kext_version(k));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_machine_match(f->m, k, &started));
	assert_int_equal(0, started);
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

static void test_kext_unload_is_refused_while_instances_live(void **state)
{
	struct shim_kext_desc d = manifest(
		GOOD_ID, personality("Low", "com_example_Low", "IOPCIDevice", "0x11e81234", 0));
	shim_object widget;
	const struct shim_violation *v;
	shim_kext *k;

	(void)state;
	assert_int_equal(SHIM_OK, shim_kext_load(&d, &k));
	shim_object_init(&widget, &widget_class, NULL);
	assert_int_equal(SHIM_ERR_BUSY, shim_kext_unload(k));
	assert_int_equal(1, shim_verifier_count());
	v = shim_verifier_get(0);
	assert_int_equal(SHIM_V_LEAK_AT_UNLOAD, v->kind);
	assert_non_null(strstr(v->message, "com_example_Widget"));
	shim_verifier_clear();
	shim_object_release(&widget);
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

static shim_kext *two_personality_kext(struct plat_fixture *f, struct fake_dev **dev)
{
	static char pers[2048];
	struct shim_kext_desc d;
	static struct shim_kext_desc keep;
	shim_kext *k;

	memset(&drv, 0, sizeof(drv));
	*dev = fake_dev_add(f->fh, SHIM_BDF(0, 4, 0), 0x1234, 0x11e8);
	fake_dev_add(f->fh, SHIM_BDF(0, 5, 0), 0x8086, 0x10d3);
	plat_machine(f);
	snprintf(pers, sizeof(pers), "%s",
		 personality("Low", "com_example_Low", "IOPCIDevice", "0x11e81234", 10));
	strncat(pers, personality("High", "com_example_High", "IOPCIDevice", "0x11e81234", 10),
		sizeof(pers) - strlen(pers) - 1);
	d = manifest(GOOD_ID, pers);
	keep = d;
	assert_int_equal(SHIM_OK, shim_kext_load(&keep, &k));
	return k;
}

static void test_machine_match_starts_the_best_probe_and_terminate_stops_it(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *fd;
	shim_kext *k = two_personality_kext(f, &fd);
	shim_pci_device *dev = shim_machine_device(f->m, 0);
	size_t started = 0;

	assert_int_equal(SHIM_OK, shim_machine_match(f->m, k, &started));
	assert_int_equal(1, started);
	assert_non_null(shim_machine_service(f->m, dev));
	assert_null(shim_machine_service(f->m, shim_machine_device(f->m, 1)));
	assert_string_equal("pPs", drv.calls);
	assert_ptr_equal(shim_machine_workloop(f->m), shim_service_workloop(drv.svc));
	/* Matching again leaves a claimed device alone. */
	assert_int_equal(SHIM_OK, shim_machine_match(f->m, k, &started));
	assert_int_equal(0, started);
	assert_int_equal(SHIM_ERR_BUSY, shim_kext_unload(k));
	assert_int_equal(SHIM_OK, shim_machine_terminate(f->m, dev));
	assert_string_equal("pPst", drv.calls);
	assert_null(shim_machine_service(f->m, dev));
	assert_int_equal(SHIM_ERR_NOT_FOUND, shim_machine_terminate(f->m, dev));
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

static void test_machine_failed_start_leaves_no_service_and_leaks_are_recorded(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *fd;
	shim_kext *k = two_personality_kext(f, &fd);
	size_t started = 7;

	drv.start_ret = SHIM_ERR_DEVICE_ERROR;
	assert_int_equal(SHIM_ERR_DEVICE_ERROR, shim_machine_match(f->m, k, &started));
	assert_int_equal(0, started);
	assert_null(shim_machine_service(f->m, shim_machine_device(f->m, 0)));
	assert_int_equal(1, plat_take_violations(SHIM_V_LEAK_AT_UNLOAD));
	shim_free(drv.leak, 40);
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

static void test_machine_terminate_of_a_removed_device_calls_device_gone_first(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *fd;
	shim_kext *k = two_personality_kext(f, &fd);
	size_t started;

	assert_int_equal(SHIM_OK, shim_machine_match(f->m, k, &started));
	fd->present = false;
	assert_int_equal(SHIM_OK, shim_machine_terminate(f->m, shim_machine_device(f->m, 0)));
	assert_string_equal("pPsgt", drv.calls);
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

static void test_machine_destroy_stops_running_services(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *fd;
	shim_kext *k = two_personality_kext(f, &fd);
	size_t started;

	assert_int_equal(SHIM_OK, shim_machine_match(f->m, k, &started));
	shim_machine_destroy(f->m);
	f->m = NULL;
	f->fh = NULL;
	assert_string_equal("pPst", drv.calls);
	assert_int_equal(SHIM_OK, shim_kext_unload(k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_kext_load_accepts_a_valid_manifest_and_matches_ids),
		PLAT_TEST(test_kext_load_rejects_a_missing_bundle_identifier),
		PLAT_TEST(test_kext_load_rejects_a_bad_pci_match),
		PLAT_TEST(test_kext_load_rejects_unknown_class_wrong_provider_and_bad_xml),
		PLAT_TEST(test_kext_load_manifest_returns_the_reason_to_the_caller),
		PLAT_TEST(test_kext_load_range_checks_the_probe_score),
		PLAT_TEST(test_kext_load_refuses_a_nul_inside_the_bundle_identifier),
		PLAT_TEST(test_kext_load_reports_a_parse_error_as_one),
		PLAT_TEST(test_kext_load_survives_200000_nested_arrays),
		PLAT_TEST(test_kext_class_match_matches_the_class_code_under_its_mask),
		PLAT_TEST(test_kext_manifest_only_matches_but_cannot_start),
		PLAT_TEST(test_kext_unload_is_refused_while_instances_live),
		PLAT_TEST(test_machine_match_starts_the_best_probe_and_terminate_stops_it),
		PLAT_TEST(test_machine_failed_start_leaves_no_service_and_leaks_are_recorded),
		PLAT_TEST(test_machine_terminate_of_a_removed_device_calls_device_gone_first),
		PLAT_TEST(test_machine_destroy_stops_running_services),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
