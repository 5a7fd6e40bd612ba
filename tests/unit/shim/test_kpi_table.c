/* The KPI table: sorted and unique (lookups are a binary search), every
 * symbol in a listed library, the versions the edu manifest declares
 * accepted, instrumentation names recognised, versions compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shim/kpi.h"

static void test_symbols_are_sorted_and_unique_so_bsearch_finds_each(void **state)
{
	size_t n = shim_kpi_symbol_count();

	(void)state;
	assert_true(n > 0);
	for (size_t i = 1; i < n; i++) {
		const char *prev = shim_kpi_symbol_at(i - 1)->name;
		const char *cur = shim_kpi_symbol_at(i)->name;

		if (strcmp(prev, cur) >= 0)
			fail_msg("KPI table out of order or duplicated at %zu: '%s' then '%s'", i, prev, cur);
	}
	for (size_t i = 0; i < n; i++) {
		const struct shim_kpi_symbol *s = shim_kpi_symbol_at(i);

		assert_ptr_equal(s, shim_kpi_symbol_find(s->name));
	}
	assert_null(shim_kpi_symbol_at(n));
}

static void test_every_symbol_belongs_to_a_listed_library(void **state)
{
	(void)state;
	for (size_t i = 0; i < shim_kpi_symbol_count(); i++) {
		const struct shim_kpi_symbol *s = shim_kpi_symbol_at(i);

		assert_non_null(s->library);
		if (shim_kpi_library_find(s->library->id) != s->library)
			fail_msg("'%s' names library '%s', which is not listed", s->name, s->library->id);
	}
}

static void test_libraries_have_sane_unique_versions(void **state)
{
	size_t n = shim_kpi_library_count();

	(void)state;
	assert_true(n > 0);
	assert_null(shim_kpi_library_at(n));
	for (size_t i = 0; i < n; i++) {
		const struct shim_kpi_library *l = shim_kpi_library_at(i);

		assert_non_null(l->summary);
		if (shim_kpi_version_compare(l->compatible_version, l->version) > 0)
			fail_msg("%s: compatible version %s is newer than version %s", l->id,
				 l->compatible_version, l->version);
		assert_int_not_equal(-2, shim_kpi_version_compare(l->compatible_version, l->version));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(shim_kpi_library_at(j)->id, l->id);
	}
}

/* driver-core/edu/Info.plist declares these; the sample must keep loading. */
static void test_libraries_the_edu_manifest_declares_are_in_range(void **state)
{
	static const char *const declared[][2] = {
		{ "com.apple.iokit.IOPCIFamily", "2.9" },
		{ "com.apple.kpi.iokit", "19.0" },
		{ "com.apple.kpi.libkern", "19.0" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(declared) / sizeof(declared[0]); i++) {
		const struct shim_kpi_library *l = shim_kpi_library_find(declared[i][0]);

		assert_non_null(l);
		assert_true(shim_kpi_version_compare(l->compatible_version, declared[i][1]) <= 0);
		assert_true(shim_kpi_version_compare(declared[i][1], l->version) <= 0);
	}
}

static void test_symbols_map_to_their_roles(void **state)
{
	(void)state;
	assert_string_equal("com.apple.iokit.IOPCIFamily", shim_kpi_symbol_find("shim_pci_map_bar_")->library->id);
	assert_string_equal("com.apple.iokit.IOPCIFamily", shim_kpi_symbol_find("shim_mmio_read32")->library->id);
	assert_string_equal("com.apple.kpi.iokit", shim_kpi_symbol_find("shim_malloc_")->library->id);
	assert_string_equal("com.apple.kpi.iokit", shim_kpi_symbol_find("shim_verifier_record_")->library->id);
	assert_string_equal("com.apple.kpi.libkern", shim_kpi_symbol_find("shim_snprintf")->library->id);
	assert_string_equal("com.apple.kpi.libkern", shim_kpi_symbol_find("memcpy")->library->id);
	assert_string_equal("com.apple.kpi.libkern", shim_kpi_symbol_find("__stack_chk_fail")->library->id);
	assert_string_equal("com.apple.kpi.libkern", shim_kpi_symbol_find("shim_object_retain_")->library->id);
}

static void test_macros_platform_functions_and_libc_are_not_kpis(void **state)
{
	(void)state;
	assert_null(shim_kpi_symbol_find("shim_malloc"));  /* a macro over shim_malloc_ */
	assert_null(shim_kpi_symbol_find("shim_log"));
	assert_null(shim_kpi_symbol_find("shim_machine_create")); /* platform side */
	assert_null(shim_kpi_symbol_find("printf"));
	assert_null(shim_kpi_symbol_find(""));
	assert_null(shim_kpi_symbol_find(NULL));
	assert_null(shim_kpi_library_find("com.example.nothing"));
	assert_null(shim_kpi_library_find(NULL));
}

static void test_instrumentation_runtime_names_are_recognised(void **state)
{
	(void)state;
	assert_true(shim_kpi_is_instrumentation("__asan_report_load4"));
	assert_true(shim_kpi_is_instrumentation("__ubsan_handle_add_overflow"));
	assert_true(shim_kpi_is_instrumentation("__sanitizer_cov_trace_pc_guard"));
	assert_true(shim_kpi_is_instrumentation("__sancov_lowest_stack"));
	assert_true(shim_kpi_is_instrumentation("__llvm_profile_filename"));
	assert_true(shim_kpi_is_instrumentation("__gcov_master"));
	assert_true(shim_kpi_is_instrumentation("mcount"));
	assert_false(shim_kpi_is_instrumentation("__asan"));
	assert_false(shim_kpi_is_instrumentation("asan_report"));
	assert_false(shim_kpi_is_instrumentation("shim_log_"));
	assert_false(shim_kpi_is_instrumentation("mcount2"));
	assert_false(shim_kpi_is_instrumentation(NULL));
	/* Nothing is both: a KPI would be misfiled as provided by the build. */
	for (size_t i = 0; i < shim_kpi_symbol_count(); i++)
		assert_false(shim_kpi_is_instrumentation(shim_kpi_symbol_at(i)->name));
}

static void test_versions_compare_numerically_by_component(void **state)
{
	(void)state;
	assert_int_equal(0, shim_kpi_version_compare("19.0", "19"));
	assert_int_equal(0, shim_kpi_version_compare("19.0.0", "19"));
	assert_int_equal(-1, shim_kpi_version_compare("2.9", "2.10"));
	assert_int_equal(1, shim_kpi_version_compare("10.0", "9.9.9"));
	assert_int_equal(-1, shim_kpi_version_compare("8.0", "8.0.1"));
	assert_int_equal(0, shim_kpi_version_compare("007", "7"));
	assert_int_equal(1, shim_kpi_version_compare("999999999", "1"));
}

static void test_malformed_versions_compare_as_minus_two(void **state)
{
	static const char *const bad[] = {
		"", "a", "1.", ".1", "1..2", "1.2.3.4", "1.0b1", "-1", " 1", "1 ", "1234567890",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (shim_kpi_version_compare(bad[i], "1") != -2)
			fail_msg("'%s' was accepted as a version", bad[i]);
		assert_int_equal(-2, shim_kpi_version_compare("1", bad[i]));
	}
	assert_int_equal(-2, shim_kpi_version_compare(NULL, "1"));
	assert_int_equal(-2, shim_kpi_version_compare("1", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_symbols_are_sorted_and_unique_so_bsearch_finds_each),
		cmocka_unit_test(test_every_symbol_belongs_to_a_listed_library),
		cmocka_unit_test(test_libraries_have_sane_unique_versions),
		cmocka_unit_test(test_libraries_the_edu_manifest_declares_are_in_range),
		cmocka_unit_test(test_symbols_map_to_their_roles),
		cmocka_unit_test(test_macros_platform_functions_and_libc_are_not_kpis),
		cmocka_unit_test(test_instrumentation_runtime_names_are_recognised),
		cmocka_unit_test(test_versions_compare_numerically_by_component),
		cmocka_unit_test(test_malformed_versions_compare_as_minus_two),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
