/* Device profiles (bench/profile.h): built-in lookup, the choice between a
 * name and a file, profile files with every key, each refusal naming the
 * key or value at fault, relative model paths, and the profile a kext's
 * personalities select. Files are written to a fresh temp directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/profile.h"

#define PLIST_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>"
#define PLIST_TAIL "</dict></plist>\n"
#define IDS "<key>VendorID</key><string>0x1234</string><key>DeviceID</key><string>0xbe11</string>"

static char dir[64];
static unsigned nfiles;

/* Writes a profile dictionary body to a new file; returns its path (static). */
static const char *profile_file(const char *body)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/p%u.plist", dir, nfiles++);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s%s%s", PLIST_HEAD, body, PLIST_TAIL);
	assert_int_equal(0, fclose(f));
	return path;
}

static const struct bench_profile *load(const char *body, char *why, size_t len)
{
	why[0] = '\0';
	return bench_profile_resolve(profile_file(body), why, len);
}

static void expect_refused(const char *body, const char *reason)
{
	char why[512];

	if (load(body, why, sizeof(why)) != NULL)
		fail_msg("profile accepted, expected a refusal with '%s': %s", reason, body);
	if (strstr(why, reason) == NULL)
		fail_msg("refusal '%s' lacks '%s'", why, reason);
	assert_non_null(strstr(why, dir)); /* names the file */
}

static void test_builtin_edu_is_found_by_name(void **state)
{
	char why[256] = "";
	const struct bench_profile *p = bench_profile_resolve("edu", why, sizeof(why));

	(void)state;
	assert_non_null(p);
	assert_ptr_equal(p, bench_profile_builtin_find("edu"));
	assert_ptr_equal(p, bench_profile_builtin_at(0));
	assert_int_equal(0x1234, p->vendor_id);
	assert_int_equal(0x11e8, p->device_id);
	assert_non_null(p->model);
	assert_non_null(p->qemu_device);
	assert_null(bench_profile_builtin_find("no-such-device"));
}

static void test_unknown_name_is_refused_listing_the_builtins(void **state)
{
	char why[256] = "";

	(void)state;
	assert_null(bench_profile_resolve("nosuch", why, sizeof(why)));
	assert_non_null(strstr(why, "unknown device 'nosuch'"));
	assert_non_null(strstr(why, "edu"));
	assert_null(bench_profile_resolve("", why, sizeof(why)));
	assert_non_null(strstr(why, "no device named"));
}

/* A name with a '/' or ending in .plist is a file, never a built-in. */
static void test_a_plist_name_without_slash_is_read_as_a_file(void **state)
{
	char why[256] = "";

	(void)state;
	assert_null(bench_profile_resolve("edu.plist", why, sizeof(why)));
	assert_non_null(strstr(why, "device profile edu.plist"));
	assert_non_null(strstr(why, "No such file"));
}

static void test_file_with_every_key_is_read(void **state)
{
	char why[512];
	const struct bench_profile *p = load(
		"<key>Name</key><string>nvm</string><key>Summary</key><string>a disk</string>"
		"<key>VendorID</key><integer>6918</integer><key>DeviceID</key><string>0x0010</string>"
		"<key>ClassCode</key><string>0x010802</string><key>Model</key><string>edu</string>"
		"<key>QEMUDevice</key><string>nvme,serial=x,drive=nvm0</string>"
		"<key>QEMUOptions</key><array><string>mdts</string><string>msix_qsize</string></array>"
		"<key>QEMUBacking</key><array><dict><key>Kind</key><string>disk</string>"
		"<key>ID</key><string>nvm0</string><key>Size</key><integer>1048576</integer></dict>"
		"</array><key>Hotplug</key><true/><key>Slot</key><integer>7</integer>",
		why, sizeof(why));

	(void)state;
	if (p == NULL)
		fail_msg("refused: %s", why);
	assert_string_equal("nvm", p->name);
	assert_string_equal("a disk", p->summary);
	assert_int_equal(0x1b06, p->vendor_id);
	assert_int_equal(0x0010, p->device_id);
	assert_int_equal(0x010802, p->class_code);
	assert_string_equal("edu", p->model); /* a built-in model name stays a name */
	assert_string_equal("nvme,serial=x,drive=nvm0", p->qemu_device);
	assert_non_null(p->qemu_options);
	assert_string_equal("mdts", p->qemu_options[0]);
	assert_string_equal("msix_qsize", p->qemu_options[1]);
	assert_null(p->qemu_options[2]);
	assert_int_equal(1, p->nbacking);
	assert_string_equal("disk", p->backing[0].kind);
	assert_string_equal("nvm0", p->backing[0].id);
	assert_int_equal(1048576, p->backing[0].size);
	assert_true(p->hotplug);
	assert_int_equal(7, bench_profile_slot(p));
}

static void test_minimal_file_gets_defaults(void **state)
{
	char why[512];
	const struct bench_profile *p =
		load("<key>Name</key><string>q</string>" IDS
		     "<key>QEMUDevice</key><string>pci-testdev</string>", why, sizeof(why));

	(void)state;
	if (p == NULL)
		fail_msg("refused: %s", why);
	assert_null(p->model);
	assert_non_null(p->summary);
	assert_int_equal(0, p->class_code);
	assert_int_equal(0, p->nbacking);
	assert_false(p->hotplug);
	assert_int_equal(BENCH_DEFAULT_SLOT, bench_profile_slot(p));
}

/* A plugin path in Model is taken from the profile's own directory. */
static void test_relative_model_path_is_taken_from_the_profile_directory(void **state)
{
	char why[512], want[128];
	const struct bench_profile *p = load("<key>Name</key><string>r</string>" IDS
					     "<key>Model</key><string>plugins/libdev.so,id=3</string>",
					     why, sizeof(why));

	(void)state;
	if (p == NULL)
		fail_msg("refused: %s", why);
	snprintf(want, sizeof(want), "%s/plugins/libdev.so,id=3", dir);
	assert_string_equal(want, p->model);
	p = load("<key>Name</key><string>a</string>" IDS
		 "<key>Model</key><string>/opt/dev/libdev.so</string>", why, sizeof(why));
	assert_non_null(p);
	assert_string_equal("/opt/dev/libdev.so", p->model);
}

static void test_same_file_is_read_once(void **state)
{
	char why[256];
	const char *path = profile_file("<key>Name</key><string>once</string>" IDS
					"<key>Model</key><string>edu</string>");
	const struct bench_profile *a = bench_profile_resolve(path, why, sizeof(why));

	(void)state;
	assert_non_null(a);
	assert_ptr_equal(a, bench_profile_resolve(path, why, sizeof(why)));
}

static void test_unknown_key_is_refused_by_name(void **state)
{
	(void)state;
	expect_refused("<key>Name</key><string>u</string>" IDS
		       "<key>Model</key><string>edu</string><key>QEMUDevise</key><string>e</string>",
		       "unknown key 'QEMUDevise' (known: Name, Summary");
}

/* Each key of the wrong type is named. */
static void test_each_wrong_type_is_refused_naming_the_key(void **state)
{
	static const struct {
		const char *body, *reason;
	} cases[] = {
		{ "<key>Name</key><integer>1</integer>" IDS "<key>Model</key><string>edu</string>",
		  "Name missing or not a string" },
		{ "<key>Name</key><string>t</string><key>VendorID</key><true/>"
		  "<key>DeviceID</key><string>1</string><key>Model</key><string>edu</string>",
		  "VendorID is not an integer up to 0xffff" },
		{ "<key>Name</key><string>t</string><key>VendorID</key><string>1</string>"
		  "<key>DeviceID</key><string>0x10000</string><key>Model</key><string>edu</string>",
		  "DeviceID is not an integer up to 0xffff" },
		{ "<key>Name</key><string>t</string>" IDS "<key>ClassCode</key><string>-1</string>"
		  "<key>Model</key><string>edu</string>", "ClassCode is not an integer" },
		{ "<key>Name</key><string>t</string>" IDS "<key>Model</key><integer>1</integer>",
		  "Summary, Model and QEMUDevice must be strings" },
		{ "<key>Name</key><string>t</string>" IDS "<key>Model</key><string>edu</string>"
		  "<key>QEMUOptions</key><string>dma_mask</string>",
		  "QEMUOptions is not an array of strings" },
		{ "<key>Name</key><string>t</string>" IDS "<key>Model</key><string>edu</string>"
		  "<key>QEMUBacking</key><array><string>disk</string></array>",
		  "QEMUBacking entry is not a dictionary" },
		{ "<key>Name</key><string>t</string>" IDS "<key>Model</key><string>edu</string>"
		  "<key>QEMUBacking</key><array><dict><key>Kind</key><string>tape</string>"
		  "<key>ID</key><string>t0</string><key>Size</key><integer>1</integer></dict></array>",
		  "QEMUBacking Kind must be \"disk\"" },
		{ "<key>Name</key><string>t</string>" IDS "<key>Model</key><string>edu</string>"
		  "<key>Hotplug</key><string>yes</string>", "Hotplug is not a boolean" },
		{ "<key>Name</key><string>t</string>" IDS "<key>Model</key><string>edu</string>"
		  "<key>Slot</key><integer>32</integer>", "Slot is not an integer 1..31" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refused(cases[i].body, cases[i].reason);
}

static void test_missing_pieces_are_refused(void **state)
{
	(void)state;
	expect_refused("<key>Name</key><string>t</string>" IDS, "neither Model nor QEMUDevice");
	expect_refused("<key>Name</key><string>t</string><key>DeviceID</key><string>1</string>"
		       "<key>Model</key><string>edu</string>", "VendorID missing");
	expect_refused(IDS "<key>Model</key><string>edu</string>", "Name missing");
}

static void test_files_that_are_no_profile_are_refused(void **state)
{
	char path[128], why[256] = "";
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/empty.plist", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_null(bench_profile_resolve(path, why, sizeof(why)));
	assert_non_null(strstr(why, "empty"));
	snprintf(path, sizeof(path), "%s/text.plist", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("Name = edu\n", f);
	fclose(f);
	assert_null(bench_profile_resolve(path, why, sizeof(why)));
	assert_non_null(strstr(why, "parse error")); /* said "not a ... dictionary" before */
	snprintf(path, sizeof(path), "%s/string.plist", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("<plist><string>edu</string></plist>\n", f);
	fclose(f);
	assert_null(bench_profile_resolve(path, why, sizeof(why)));
	assert_non_null(strstr(why, "not a property list dictionary"));
	assert_null(bench_profile_resolve("/nonexistent/dev.plist", why, sizeof(why)));
	assert_non_null(strstr(why, "/nonexistent/dev.plist: No such file"));
}

static const char kext_plist[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict>"
	"<key>CFBundleIdentifier</key><string>org.drvbench.test.%s</string>"
	"<key>CFBundleVersion</key><string>1.0</string>"
	"<key>IOKitPersonalities</key><dict><key>P</key><dict>"
	"<key>IOClass</key><string>c</string><key>IOPCIMatch</key><string>%s</string>"
	"<key>IOProviderClass</key><string>IOPCIDevice</string></dict></dict></dict></plist>\n";

static shim_kext *manifest(const char *id, const char *match)
{
	char text[1024], why[256] = "";
	shim_kext *k = NULL;
	int n = snprintf(text, sizeof(text), kext_plist, id, match);

	if (shim_kext_load_manifest(text, (size_t)n, NULL, &k, why, sizeof(why)) != SHIM_OK)
		fail_msg("manifest refused: %s", why);
	return k;
}

static void test_kext_personalities_select_the_builtin_profile(void **state)
{
	shim_kext *edu_kext = manifest("foredu", "0x11e81234");
	shim_kext *other = manifest("other", "0x00011af4");
	char why[512] = "";

	(void)state;
	assert_ptr_equal(bench_profile_builtin_find("edu"),
			 bench_profile_for_kext(edu_kext, why, sizeof(why)));
	assert_null(bench_profile_for_kext(other, why, sizeof(why)));
	assert_non_null(strstr(why, "org.drvbench.test.other"));
	assert_non_null(strstr(why, "edu"));
	assert_non_null(strstr(why, "--device NAME|FILE"));
	assert_int_equal(SHIM_OK, shim_kext_unload(edu_kext));
	assert_int_equal(SHIM_OK, shim_kext_unload(other));
}

static int group_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/profile-test-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	char path[128];

	(void)state;
	for (unsigned i = 0; i < nfiles; i++) {
		snprintf(path, sizeof(path), "%s/p%u.plist", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/empty.plist", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/text.plist", dir);
	unlink(path);
	return rmdir(dir) == 0 ? 0 : -1;
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_edu_is_found_by_name),
		cmocka_unit_test(test_unknown_name_is_refused_listing_the_builtins),
		cmocka_unit_test(test_a_plist_name_without_slash_is_read_as_a_file),
		cmocka_unit_test(test_file_with_every_key_is_read),
		cmocka_unit_test(test_minimal_file_gets_defaults),
		cmocka_unit_test(test_relative_model_path_is_taken_from_the_profile_directory),
		cmocka_unit_test(test_same_file_is_read_once),
		cmocka_unit_test(test_unknown_key_is_refused_by_name),
		cmocka_unit_test(test_each_wrong_type_is_refused_naming_the_key),
		cmocka_unit_test(test_missing_pieces_are_refused),
		cmocka_unit_test(test_files_that_are_no_profile_are_refused),
		cmocka_unit_test(test_kext_personalities_select_the_builtin_profile),
	};

	return cmocka_run_group_tests_name("profile_file", tests, group_setup, group_teardown);
}
