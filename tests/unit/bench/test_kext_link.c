/* The link checks, rule by rule, on fixture kexts and on hand-built
 * images: what is refused, what is only noted, and the text each gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kext_link.h"
#include "link_fixtures.h"

/* What driver-core/edu/Info.plist declares: the libraries of a PCI driver. */
static const struct bench_link_library_ref pci_driver_libs[] = {
	{ "com.apple.iokit.IOPCIFamily", "2.9" },
	{ "com.apple.kpi.iokit", "19.0" },
	{ "com.apple.kpi.libkern", "19.0" },
};
#define PCI_DRIVER_LIB_COUNT (sizeof(pci_driver_libs) / sizeof(pci_driver_libs[0]))

static struct bench_elf_image *load(const char *key)
{
	struct bench_elf_image *img = NULL;
	char why[256] = "";

	if (bench_elf_image_open(link_fixture(key), &img, why, sizeof(why)) != BENCH_ELF_OK)
		fail_msg("fixture %s unreadable: %s", key, why);
	return img;
}

/* Runs the check, expecting it to run (PASS or REFUSED). */
static struct bench_link_report *check(const struct bench_elf_image *img,
				       const struct bench_link_library_ref *libs, size_t n,
				       const bench_link_registry *loaded,
				       enum bench_link_result expect)
{
	struct bench_link_report *r = NULL;
	char why[256] = "";
	enum bench_link_result res = bench_link_check(img, libs, n, loaded, &r, why, sizeof(why));

	assert_non_null(r);
	if (res != expect) {
		char line[2048];

		bench_link_report_summary(r, line, sizeof(line));
		fail_msg("%s: result %d, expected %d: %s", img->name, res, expect, line);
	}
	return r;
}

/* The problem of this kind about item, failing the test if absent. */
static const struct bench_link_problem *problem(const struct bench_link_report *r,
						enum bench_link_kind kind, const char *item)
{
	for (size_t i = 0; i < r->count; i++)
		if (r->problems[i].kind == kind && strcmp(r->problems[i].item, item) == 0)
			return &r->problems[i];
	fail_msg("no '%s' problem about '%s'", bench_link_kind_string(kind), item);
	return NULL;
}

static void test_well_formed_kext_with_the_libraries_it_uses_links(void **state)
{
	struct bench_elf_image *img = load("good");
	struct bench_link_report *r = check(img, pci_driver_libs, PCI_DRIVER_LIB_COUNT, NULL,
					    BENCH_LINK_PASS);
	char line[256];

	(void)state;
	assert_int_equal(0, r->count);
	assert_int_equal(5, bench_link_report_summary(r, line, sizeof(line)));
	assert_string_equal("links", line);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_stack_protector_reference_is_a_libkern_kpi(void **state)
{
	struct bench_elf_image *img = load("good_stack_protected");
	struct bench_link_report *r = check(img, pci_driver_libs, PCI_DRIVER_LIB_COUNT, NULL,
					    BENCH_LINK_PASS);

	(void)state;
	assert_int_equal(0, r->count);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_unknown_symbols_are_refused_naming_each(void **state)
{
	struct bench_elf_image *img = load("unresolved");
	static const struct bench_link_library_ref libs[] = { { "com.apple.kpi.iokit", "19.0" } };
	struct bench_link_report *r = check(img, libs, 1, NULL, BENCH_LINK_REFUSED);

	(void)state;
	assert_string_equal(
		"undefined symbol 'totally_missing': not exported by the kernel (no KPI library provides it)",
		problem(r, BENCH_LINK_UNDEFINED_SYMBOL, "totally_missing")->message);
	assert_null(problem(r, BENCH_LINK_UNDEFINED_SYMBOL, "printf")->other);
	/* The weak reference may stay unresolved; nothing else is wrong. */
	assert_int_equal(2, r->count);
	assert_int_equal(2, r->refusals);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_every_problem_is_reported_not_only_the_first(void **state)
{
	struct bench_elf_image *img = load("unresolved");
	struct bench_link_report *r = check(img, NULL, 0, NULL, BENCH_LINK_REFUSED);

	(void)state;
	problem(r, BENCH_LINK_UNDEFINED_SYMBOL, "totally_missing");
	problem(r, BENCH_LINK_UNDEFINED_SYMBOL, "printf");
	problem(r, BENCH_LINK_UNDECLARED_LIBRARY, "shim_log_");
	assert_int_equal(3, r->refusals);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_globals_in_the_kernels_namespace_are_refused(void **state)
{
	struct bench_elf_image *img = load("kernel_collision");
	struct bench_link_report *r = check(img, NULL, 0, NULL, BENCH_LINK_REFUSED);
	const struct bench_link_problem *p;

	(void)state;
	p = problem(r, BENCH_LINK_KERNEL_COLLISION, "shim_log_");
	assert_string_equal("com.apple.kpi.iokit", p->other);
	assert_string_equal(
		"global 'shim_log_' collides with the kernel's export of the same name (com.apple.kpi.iokit)",
		p->message);
	p = problem(r, BENCH_LINK_KERNEL_COLLISION, "shim_fixture_private_state");
	assert_string_equal("global 'shim_fixture_private_state' collides with the kernel: "
			    "the shim_ prefix is the kernel's namespace", p->message);
	assert_int_equal(2, r->count); /* kmod_info is exempt */
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_kext_without_an_exported_entry_symbol_is_refused(void **state)
{
	struct bench_elf_image *img = load("hidden");
	struct bench_link_report *r = check(img, NULL, 0, NULL, BENCH_LINK_REFUSED);

	(void)state;
	assert_int_equal(0, img->defined_count); /* -fvisibility=hidden exported nothing */
	assert_int_equal(1, r->count);
	assert_string_equal("hidden_kext.so does not export kmod_info, the entry symbol that leads "
			    "to a kext's descriptor",
			    problem(r, BENCH_LINK_NO_ENTRY_SYMBOL, "kmod_info")->message);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_global_of_a_loaded_kext_collides_naming_that_kext(void **state)
{
	struct bench_elf_image *a = load("collide_a"), *b = load("collide_b");
	bench_link_registry *reg = bench_link_registry_create();
	struct bench_link_report *r;
	char why[128];

	(void)state;
	assert_non_null(reg);
	r = check(a, NULL, 0, reg, BENCH_LINK_PASS);
	bench_link_report_free(r);
	assert_true(bench_link_registry_add(reg, "org.example.a", a, why, sizeof(why)));
	r = check(b, NULL, 0, reg, BENCH_LINK_REFUSED);
	assert_string_equal("org.example.a", problem(r, BENCH_LINK_KEXT_COLLISION, "shared_table")->other);
	assert_string_equal("global 'shared_table' collides with the same global in loaded kext org.example.a",
			    problem(r, BENCH_LINK_KEXT_COLLISION, "shared_table")->message);
	assert_int_equal(1, r->count); /* not kmod_info, not b_only */
	bench_link_report_free(r);
	/* Once a is unloaded, b links. */
	assert_true(bench_link_registry_remove(reg, "org.example.a"));
	r = check(b, NULL, 0, reg, BENCH_LINK_PASS);
	bench_link_report_free(r);
	bench_link_registry_destroy(reg);
	bench_elf_image_free(a);
	bench_elf_image_free(b);
}

static void test_registry_tracks_globals_by_bundle_id(void **state)
{
	struct bench_elf_image *a = load("collide_a"), *b = load("collide_b");
	bench_link_registry *reg = bench_link_registry_create();
	char why[128] = "";

	(void)state;
	assert_true(bench_link_registry_add(reg, "org.example.a", a, why, sizeof(why)));
	assert_false(bench_link_registry_add(reg, "org.example.a", b, why, sizeof(why)));
	assert_string_equal("org.example.a is already registered as loaded", why);
	assert_true(bench_link_registry_add(reg, "org.example.b", b, why, sizeof(why)));
	assert_int_equal(2, bench_link_registry_count(reg));
	assert_string_equal("org.example.a", bench_link_registry_owner(reg, "a_only"));
	assert_string_equal("org.example.b", bench_link_registry_owner(reg, "b_only"));
	assert_null(bench_link_registry_owner(reg, "kmod_info"));
	assert_null(bench_link_registry_owner(reg, "nobody_defines_this"));
	assert_true(bench_link_registry_remove(reg, "org.example.a"));
	assert_false(bench_link_registry_remove(reg, "org.example.a"));
	assert_null(bench_link_registry_owner(reg, "a_only"));
	assert_string_equal("org.example.b", bench_link_registry_owner(reg, "b_only"));
	assert_int_equal(1, bench_link_registry_count(reg));
	assert_false(bench_link_registry_add(NULL, "x", a, why, sizeof(why)));
	assert_null(bench_link_registry_owner(NULL, "b_only"));
	bench_link_registry_destroy(reg);
	bench_link_registry_destroy(NULL);
	bench_elf_image_free(a);
	bench_elf_image_free(b);
}

static void test_symbol_from_an_undeclared_library_is_refused(void **state)
{
	struct bench_elf_image *img = load("good");
	struct bench_link_report *r = check(img, pci_driver_libs + 1, PCI_DRIVER_LIB_COUNT - 1, NULL,
					    BENCH_LINK_REFUSED);
	const struct bench_link_problem *p = problem(r, BENCH_LINK_UNDECLARED_LIBRARY, "shim_pci_map_bar_");

	(void)state;
	assert_string_equal("com.apple.iokit.IOPCIFamily", p->other);
	assert_string_equal("symbol 'shim_pci_map_bar_' comes from com.apple.iokit.IOPCIFamily, "
			    "which OSBundleLibraries does not declare", p->message);
	problem(r, BENCH_LINK_UNDECLARED_LIBRARY, "shim_mmio_unmap_");
	assert_int_equal(2, r->count);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_library_no_kpi_provides_is_refused(void **state)
{
	struct bench_elf_image *img = load("good");
	struct bench_link_library_ref libs[PCI_DRIVER_LIB_COUNT + 1];
	struct bench_link_report *r;

	(void)state;
	memcpy(libs, pci_driver_libs, sizeof(pci_driver_libs));
	libs[PCI_DRIVER_LIB_COUNT] = (struct bench_link_library_ref){ "com.example.nothing", "1.0" };
	r = check(img, libs, PCI_DRIVER_LIB_COUNT + 1, NULL, BENCH_LINK_REFUSED);
	assert_string_equal("OSBundleLibraries declares 'com.example.nothing', which no KPI library provides",
			    problem(r, BENCH_LINK_UNKNOWN_LIBRARY, "com.example.nothing")->message);
	assert_int_equal(1, r->count); /* and no "unused" note for it */
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

/* The libraries of a PCI driver with one version replaced. */
static enum bench_link_result check_iokit_version(const struct bench_elf_image *img,
						  const char *version, struct bench_link_report **r)
{
	struct bench_link_library_ref libs[PCI_DRIVER_LIB_COUNT];
	char why[128];

	memcpy(libs, pci_driver_libs, sizeof(libs));
	libs[1].version = version;
	return bench_link_check(img, libs, PCI_DRIVER_LIB_COUNT, NULL, r, why, sizeof(why));
}

static void test_declared_version_must_lie_between_compatible_and_current(void **state)
{
	struct bench_elf_image *img = load("good");
	static const char *const ok[] = { "8.0", "8", "12.3", "19.0", "19" };
	static const char *const out_of_range[] = { "20.0", "19.0.1", "7.9", "0" };
	struct bench_link_report *r;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (check_iokit_version(img, ok[i], &r) != BENCH_LINK_PASS)
			fail_msg("com.apple.kpi.iokit %s refused", ok[i]);
		bench_link_report_free(r);
	}
	for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
		if (check_iokit_version(img, out_of_range[i], &r) != BENCH_LINK_REFUSED)
			fail_msg("com.apple.kpi.iokit %s accepted", out_of_range[i]);
		assert_int_equal(1, r->count);
		assert_string_equal(out_of_range[i],
				    problem(r, BENCH_LINK_VERSION_MISMATCH, "com.apple.kpi.iokit")->other);
		bench_link_report_free(r);
	}
	check_iokit_version(img, "20.0", &r);
	assert_string_equal("OSBundleLibraries declares com.apple.kpi.iokit 20.0, but the kernel "
			    "provides 19.0 (compatible back to 8.0)", r->problems[0].message);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_malformed_declared_version_is_refused(void **state)
{
	struct bench_elf_image *img = load("good");
	struct bench_link_report *r;

	(void)state;
	assert_int_equal(BENCH_LINK_REFUSED, check_iokit_version(img, "19.0b1", &r));
	assert_string_equal("OSBundleLibraries declares com.apple.kpi.iokit with version '19.0b1', "
			    "not a version (A[.B[.C]])",
			    problem(r, BENCH_LINK_BAD_VERSION, "com.apple.kpi.iokit")->message);
	assert_int_equal(1, r->count); /* still counts as declared: no undeclared-library noise */
	bench_link_report_free(r);
	assert_int_equal(BENCH_LINK_REFUSED, check_iokit_version(img, NULL, &r));
	problem(r, BENCH_LINK_BAD_VERSION, "com.apple.kpi.iokit");
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_declared_but_unused_library_is_a_note_not_a_refusal(void **state)
{
	struct bench_elf_image *img = load("good");
	struct bench_link_library_ref libs[PCI_DRIVER_LIB_COUNT + 1];
	struct bench_link_report *r;
	char line[256];

	(void)state;
	memcpy(libs, pci_driver_libs, sizeof(pci_driver_libs));
	libs[PCI_DRIVER_LIB_COUNT] = (struct bench_link_library_ref){ "com.apple.kpi.bsd", "19.0" };
	r = check(img, libs, PCI_DRIVER_LIB_COUNT + 1, NULL, BENCH_LINK_PASS);
	assert_int_equal(0, r->refusals);
	assert_int_equal(1, r->notes);
	assert_false(bench_link_kind_refuses(problem(r, BENCH_LINK_UNUSED_LIBRARY, "com.apple.kpi.bsd")->kind));
	bench_link_report_summary(r, line, sizeof(line));
	assert_string_equal("links (1 note: com.apple.kpi.bsd is declared in OSBundleLibraries, "
			    "but no symbol from it is used)", line);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_refusal_summary_lists_every_refusal_on_one_line(void **state)
{
	struct bench_elf_image *img = load("unresolved");
	static const struct bench_link_library_ref libs[] = {
		{ "com.apple.kpi.iokit", "19.0" }, { "com.apple.kpi.mach", "19.0" },
	};
	struct bench_link_report *r = check(img, libs, 2, NULL, BENCH_LINK_REFUSED);
	char line[512], small[16];
	size_t len;

	(void)state;
	len = bench_link_report_summary(r, line, sizeof(line));
	assert_int_equal(strlen(line), len);
	assert_ptr_equal(line, strstr(line, "refused: 2 problems: "));
	assert_non_null(strstr(line, "undefined symbol 'printf': not exported by the kernel"));
	assert_non_null(strstr(line, "; "));
	assert_non_null(strstr(line, "undefined symbol 'totally_missing'"));
	assert_ptr_equal(line + len - strlen(" (and 1 note)"), strstr(line, " (and 1 note)"));
	assert_null(strchr(line, '\n'));
	/* snprintf semantics: the full length, a terminated prefix. */
	assert_int_equal(len, bench_link_report_summary(r, small, sizeof(small)));
	assert_string_equal("refused: 2 prob", small);
	assert_int_equal(len, bench_link_report_summary(r, NULL, 0));
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_kextlibs_prints_the_block_the_binary_needs(void **state)
{
	struct bench_elf_image *img = load("good");
	char xml[512];
	static const char expect[] = "<key>OSBundleLibraries</key>\n"
				     "<dict>\n"
				     "\t<key>com.apple.iokit.IOPCIFamily</key>\n"
				     "\t<string>2.9</string>\n"
				     "\t<key>com.apple.kpi.iokit</key>\n"
				     "\t<string>19.0</string>\n"
				     "\t<key>com.apple.kpi.libkern</key>\n"
				     "\t<string>19.0</string>\n"
				     "</dict>\n";

	(void)state;
	assert_int_equal(strlen(expect), bench_link_kextlibs_xml(img, xml, sizeof(xml)));
	assert_string_equal(expect, xml);
	assert_int_equal(strlen(expect), bench_link_kextlibs_xml(img, NULL, 0));
	bench_elf_image_free(img);
}

static void test_kextlibs_block_is_empty_for_a_kext_using_no_kpi(void **state)
{
	struct bench_elf_image *img = load("collide_a");
	char xml[128];

	(void)state;
	bench_link_kextlibs_xml(img, xml, sizeof(xml));
	assert_string_equal("<key>OSBundleLibraries</key>\n<dict>\n</dict>\n", xml);
	bench_elf_image_free(img);
}

static void test_instrumented_kext_links_with_its_runtime_symbols_unresolved(void **state)
{
	static const struct bench_link_library_ref libs[] = { { "com.apple.kpi.libkern", "19.0" } };
	struct bench_elf_image *img;
	struct bench_link_report *r;

	(void)state;
	if (link_fixture_optional("sanitized") == NULL)
		skip();
	img = load("sanitized");
	r = check(img, libs, 1, NULL, BENCH_LINK_PASS);
	assert_int_equal(0, r->count);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

/* The C library call the image needs, failing the test if absent. */
static void assert_needs(const struct bench_elf_image *img, const char *name)
{
	for (size_t i = 0; i < img->undefined_count; i++)
		if (strcmp(img->undefined[i].name, name) == 0)
			return;
	fail_msg("%s does not need '%s': the fixture no longer carries the coverage runtime",
		 img->name, name);
}

static void test_coverage_build_kext_links_with_its_gcov_runtime(void **state)
{
	struct bench_elf_image *img;
	struct bench_link_report *r;

	(void)state;
	if (link_fixture_optional("coverage") == NULL)
		skip(); /* not a gcc build */
	img = load("coverage");
	assert_needs(img, "getenv"); /* the runtime reads GCOV_PREFIX */
	assert_needs(img, "fopen");
	r = check(img, pci_driver_libs, PCI_DRIVER_LIB_COUNT, NULL, BENCH_LINK_PASS);
	assert_int_equal(0, r->count);
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

static void test_coverage_runtime_does_not_excuse_the_drivers_own_calls(void **state)
{
	/* libkern too: the runtime's memcpy is a libkern KPI. */
	static const struct bench_link_library_ref libs[] = { { "com.apple.kpi.iokit", "19.0" },
							      { "com.apple.kpi.libkern", "19.0" } };
	struct bench_elf_image *img;
	struct bench_link_report *r;

	(void)state;
	if (link_fixture_optional("coverage_unresolved") == NULL)
		skip();
	img = load("coverage_unresolved");
	assert_needs(img, "getenv");
	r = check(img, libs, 2, NULL, BENCH_LINK_REFUSED);
	problem(r, BENCH_LINK_UNDEFINED_SYMBOL, "printf");
	problem(r, BENCH_LINK_UNDEFINED_SYMBOL, "totally_missing");
	if (r->refusals != 2) { /* not the runtime's getenv, fopen, ... */
		char line[2048];

		bench_link_report_summary(r, line, sizeof(line));
		fail_msg("want printf and totally_missing refused, and nothing else: %s", line);
	}
	bench_link_report_free(r);
	bench_elf_image_free(img);
}

/* Images built by hand: rules the fixtures cannot reach cheaply. */
static void test_weak_kpi_reference_still_needs_its_library_declared(void **state)
{
	static const struct bench_elf_symbol undef[] = { { "shim_pci_name", true, true } };
	static const struct bench_elf_symbol def[] = { { "kmod_info", false, false } };
	struct bench_elf_image img = { .path = "x/Weak", .name = "Weak", .undefined = undef,
				       .undefined_count = 1, .defined = def, .defined_count = 1 };
	struct bench_link_report *r = check(&img, NULL, 0, NULL, BENCH_LINK_REFUSED);

	(void)state;
	problem(r, BENCH_LINK_UNDECLARED_LIBRARY, "shim_pci_name");
	assert_int_equal(1, r->count);
	bench_link_report_free(r);
}

static void test_hostile_symbol_names_cannot_break_the_one_line_summary(void **state)
{
	static const struct bench_elf_symbol undef[] = { { "evil\nname\x1b[2J", false, true } };
	struct bench_elf_image img = { .path = "x/Evil", .name = "Evil", .undefined = undef,
				       .undefined_count = 1 };
	struct bench_link_report *r = check(&img, NULL, 0, NULL, BENCH_LINK_REFUSED);
	char line[256];

	(void)state;
	assert_string_equal("evil?name?[2J", r->problems[0].item);
	bench_link_report_summary(r, line, sizeof(line));
	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '\x1b'));
	bench_link_report_free(r);
}

static void test_instrumentation_globals_never_collide_between_kexts(void **state)
{
	static const struct bench_elf_symbol def[] = {
		{ "__gcov_master", false, false }, { "kmod_info", false, false },
	};
	struct bench_elf_image img = { .path = "x/Cov", .name = "Cov", .defined = def,
				       .defined_count = 2 };
	bench_link_registry *reg = bench_link_registry_create();
	struct bench_link_report *r;
	char why[64];

	(void)state;
	assert_true(bench_link_registry_add(reg, "org.example.cov1", &img, why, sizeof(why)));
	r = check(&img, NULL, 0, reg, BENCH_LINK_PASS);
	assert_int_equal(0, r->count);
	bench_link_report_free(r);
	bench_link_registry_destroy(reg);
}

static void test_bad_arguments_are_errors_with_a_reason(void **state)
{
	struct bench_elf_image img = { .path = "x/Foo", .name = "Foo" };
	static const struct bench_link_library_ref no_id[] = { { NULL, "1.0" } };
	struct bench_link_report *r = (struct bench_link_report *)&r;
	char why[128];

	(void)state;
	assert_int_equal(BENCH_LINK_ERROR, bench_link_check(NULL, NULL, 0, NULL, &r, why, sizeof(why)));
	assert_null(r);
	assert_string_equal("bench_link_check: missing image, report or libraries", why);
	assert_int_equal(BENCH_LINK_ERROR, bench_link_check(&img, NULL, 2, NULL, &r, why, sizeof(why)));
	assert_int_equal(BENCH_LINK_ERROR, bench_link_check(&img, NULL, 0, NULL, NULL, NULL, 0));
	assert_int_equal(BENCH_LINK_ERROR, bench_link_check(&img, no_id, 1, NULL, &r, why, sizeof(why)));
	assert_string_equal("Foo: OSBundleLibraries entry 0 has no id", why);
	bench_link_report_free(NULL);
}

static void test_kind_strings_cover_every_kind_and_only_notes_do_not_refuse(void **state)
{
	(void)state;
	for (int i = 0; i < BENCH_LINK_KIND_COUNT_; i++) {
		const char *s = bench_link_kind_string((enum bench_link_kind)i);

		assert_string_not_equal("unknown link problem", s);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(bench_link_kind_string((enum bench_link_kind)j), s);
		assert_int_equal(i != BENCH_LINK_UNUSED_LIBRARY,
				 bench_link_kind_refuses((enum bench_link_kind)i));
	}
	assert_string_equal("unknown link problem", bench_link_kind_string(BENCH_LINK_KIND_COUNT_));
	assert_false(bench_link_kind_refuses(BENCH_LINK_KIND_COUNT_));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed_kext_with_the_libraries_it_uses_links),
		cmocka_unit_test(test_stack_protector_reference_is_a_libkern_kpi),
		cmocka_unit_test(test_unknown_symbols_are_refused_naming_each),
		cmocka_unit_test(test_every_problem_is_reported_not_only_the_first),
		cmocka_unit_test(test_globals_in_the_kernels_namespace_are_refused),
		cmocka_unit_test(test_kext_without_an_exported_entry_symbol_is_refused),
		cmocka_unit_test(test_global_of_a_loaded_kext_collides_naming_that_kext),
		cmocka_unit_test(test_registry_tracks_globals_by_bundle_id),
		cmocka_unit_test(test_symbol_from_an_undeclared_library_is_refused),
		cmocka_unit_test(test_library_no_kpi_provides_is_refused),
		cmocka_unit_test(test_declared_version_must_lie_between_compatible_and_current),
		cmocka_unit_test(test_malformed_declared_version_is_refused),
		cmocka_unit_test(test_declared_but_unused_library_is_a_note_not_a_refusal),
		cmocka_unit_test(test_refusal_summary_lists_every_refusal_on_one_line),
		cmocka_unit_test(test_kextlibs_prints_the_block_the_binary_needs),
		cmocka_unit_test(test_kextlibs_block_is_empty_for_a_kext_using_no_kpi),
		cmocka_unit_test(test_instrumented_kext_links_with_its_runtime_symbols_unresolved),
		cmocka_unit_test(test_coverage_build_kext_links_with_its_gcov_runtime),
		cmocka_unit_test(test_coverage_runtime_does_not_excuse_the_drivers_own_calls),
		cmocka_unit_test(test_weak_kpi_reference_still_needs_its_library_declared),
		cmocka_unit_test(test_hostile_symbol_names_cannot_break_the_one_line_summary),
		cmocka_unit_test(test_instrumentation_globals_never_collide_between_kexts),
		cmocka_unit_test(test_bad_arguments_are_errors_with_a_reason),
		cmocka_unit_test(test_kind_strings_cover_every_kind_and_only_notes_do_not_refuse),
	};

	link_fixtures_init(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
