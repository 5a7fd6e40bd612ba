/* The ELF reader: what it lists from real shared objects built like kexts,
 * and the reason it gives for each file it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "elf_image.h"
#include "link_fixtures.h"

static const struct bench_elf_symbol *find(const struct bench_elf_symbol *v, size_t n,
					   const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static const struct bench_elf_symbol *undefined(const struct bench_elf_image *img, const char *name)
{
	return find(img->undefined, img->undefined_count, name);
}

static const struct bench_elf_symbol *defined(const struct bench_elf_image *img, const char *name)
{
	return find(img->defined, img->defined_count, name);
}

static struct bench_elf_image *open_ok(const char *key)
{
	struct bench_elf_image *img = NULL;
	char why[256] = "";
	enum bench_elf_status st = bench_elf_image_open(link_fixture(key), &img, why, sizeof(why));

	if (st != BENCH_ELF_OK)
		fail_msg("%s refused: %s", key, why);
	assert_non_null(img);
	return img;
}

/* Opens a fixture expected to be refused; returns the status, why in why. */
static enum bench_elf_status open_refused(const char *path, char *why, size_t why_len)
{
	struct bench_elf_image *img = (struct bench_elf_image *)&img; /* must be reset to NULL */
	enum bench_elf_status st = bench_elf_image_open(path, &img, why, why_len);

	assert_int_not_equal(BENCH_ELF_OK, st);
	assert_null(img);
	return st;
}

static void test_kext_lists_the_kpis_it_needs_and_the_globals_it_exports(void **state)
{
	struct bench_elf_image *img = open_ok("good");
	static const char *const needs[] = {
		"shim_pci_map_bar_", "shim_mmio_unmap_", "shim_malloc_", "shim_free_",
		"shim_memcpy", "shim_log_",
	};

	(void)state;
	assert_string_equal("good_kext.so", img->name);
	assert_string_equal(link_fixture("good"), img->path);
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		const struct bench_elf_symbol *s = undefined(img, needs[i]);

		if (s == NULL)
			fail_msg("'%s' is not among the undefined symbols", needs[i]);
		assert_false(s->weak);
	}
	assert_non_null(defined(img, "kmod_info"));
	assert_false(defined(img, "kmod_info")->function);
	assert_non_null(defined(img, "good_kext_starts"));
	/* Static functions and data stay out of the flat namespace. */
	assert_null(defined(img, "good_start"));
	assert_null(defined(img, "good_driver"));
	assert_null(undefined(img, "good_start"));
	bench_elf_image_free(img);
}

static void test_weak_references_are_marked_weak(void **state)
{
	struct bench_elf_image *img = open_ok("unresolved");

	(void)state;
	assert_non_null(undefined(img, "maybe_present"));
	assert_true(undefined(img, "maybe_present")->weak);
	assert_non_null(undefined(img, "totally_missing"));
	assert_false(undefined(img, "totally_missing")->weak);
	assert_non_null(undefined(img, "printf"));
	assert_true(defined(img, "unresolved_entry")->function);
	bench_elf_image_free(img);
}

static void test_soname_and_needed_libraries_are_read(void **state)
{
	struct bench_elf_image *img = open_ok("unresolved");
	bool libc = false;

	(void)state;
	assert_non_null(img->soname);
	assert_string_equal("org.example.unresolved", img->soname);
	for (size_t i = 0; i < img->needed_count; i++)
		libc = libc || strncmp(img->needed[i], "libc.so", 7) == 0;
	assert_true(libc); /* printf made the linker record libc */
	bench_elf_image_free(img);
}

static void test_function_and_data_exports_are_told_apart(void **state)
{
	struct bench_elf_image *img = open_ok("kernel_collision");

	(void)state;
	assert_true(defined(img, "shim_log_")->function);
	assert_false(defined(img, "shim_fixture_private_state")->function);
	bench_elf_image_free(img);
}

static void test_linker_generated_symbols_are_not_exports(void **state)
{
	static const char *const keys[] = { "good", "good_gold", "unresolved", "kernel_collision",
					    "collide_a", "collide_b" };
	static const char *const generated[] = { "_init", "_fini", "_edata", "_end", "__bss_start" };

	(void)state;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		struct bench_elf_image *img;

		if (link_fixture_optional(keys[k]) == NULL)
			continue; /* good_gold: only where gold is installed */
		img = open_ok(keys[k]);
		for (size_t g = 0; g < sizeof(generated) / sizeof(generated[0]); g++)
			if (defined(img, generated[g]) != NULL)
				fail_msg("%s lists linker-generated '%s' as an export", keys[k], generated[g]);
		assert_non_null(defined(img, "kmod_info"));
		bench_elf_image_free(img);
	}
}

static void test_stack_protector_reference_is_listed(void **state)
{
	struct bench_elf_image *img = open_ok("good_stack_protected");

	(void)state;
	assert_non_null(undefined(img, "__stack_chk_fail"));
	bench_elf_image_free(img);
}

static void test_sanitizer_runtime_references_are_listed(void **state)
{
	const char *path = link_fixture_optional("sanitized");
	struct bench_elf_image *img;
	bool asan = false;

	(void)state;
	if (path == NULL)
		skip(); /* the compiler cannot instrument */
	img = open_ok("sanitized");
	for (size_t i = 0; i < img->undefined_count; i++)
		asan = asan || strncmp(img->undefined[i].name, "__asan_", 7) == 0;
	assert_true(asan);
	bench_elf_image_free(img);
}

static void test_missing_file_is_refused_naming_it(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(BENCH_ELF_UNREADABLE,
			 open_refused("/nonexistent/Foo.kext/Contents/MacOS/Foo", why, sizeof(why)));
	assert_string_equal("Foo: cannot open: No such file or directory", why);
}

static void test_directory_and_device_are_refused(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(BENCH_ELF_UNREADABLE, open_refused("/tmp", why, sizeof(why)));
	assert_string_equal("tmp: a directory, not a binary", why);
	assert_int_equal(BENCH_ELF_UNREADABLE, open_refused("/dev/null", why, sizeof(why)));
	assert_string_equal("null: not a regular file", why);
}

static void test_non_elf_files_are_refused_saying_how_they_start(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(BENCH_ELF_NOT_ELF, open_refused(link_fixture("not_elf.bin"), why, sizeof(why)));
	assert_string_equal("not_elf.bin: not an ELF file (starts with 'MZ')", why);
	assert_int_equal(BENCH_ELF_NOT_ELF, open_refused(link_fixture("script.bin"), why, sizeof(why)));
	assert_string_equal("script.bin: not an ELF file (starts with '#!/bin/s')", why);
	assert_int_equal(BENCH_ELF_NOT_ELF,
			 open_refused(link_fixture("binary_junk.bin"), why, sizeof(why)));
	assert_string_equal("binary_junk.bin: not an ELF file (starts with bytes 00 01 02 03)", why);
	assert_int_equal(BENCH_ELF_NOT_ELF, open_refused(link_fixture("empty.bin"), why, sizeof(why)));
	assert_string_equal("empty.bin: not an ELF file (empty)", why);
}

/* The bench's word size: the refusal fixtures are chosen for it. */
static bool bench_is_64_bit(void)
{
	return sizeof(void *) == 8;
}

static void test_object_of_the_other_word_size_is_refused_naming_its_machine(void **state)
{
	const char *key = bench_is_64_bit() ? "elf32_i386.so" : "elf64_x86_64_nosections.so";
	char why[256], expect[256];

	(void)state;
	assert_int_equal(BENCH_ELF_WRONG_CLASS, open_refused(link_fixture(key), why, sizeof(why)));
	snprintf(expect, sizeof(expect), "%s: %s", key,
		 bench_is_64_bit() ? "ELFCLASS32 object on a 64-bit bench (built for i386)"
				   : "ELFCLASS64 object on a 32-bit bench (built for x86_64)");
	assert_string_equal(expect, why);
}

static void test_other_architecture_is_refused_naming_both(void **state)
{
	bool on_arm = strcmp(bench_elf_host_machine(), "aarch64") == 0 ||
		      strcmp(bench_elf_host_machine(), "arm") == 0;
	const char *key, *other;
	char why[256], expect[256];

	(void)state;
	if (bench_is_64_bit()) {
		key = on_arm ? "elf64_riscv.so" : "elf64_aarch64.so";
		other = on_arm ? "riscv" : "aarch64";
	} else {
		key = on_arm ? "elf32_i386.so" : "elf32_arm.so";
		other = on_arm ? "i386" : "arm";
	}
	assert_int_equal(BENCH_ELF_WRONG_MACHINE, open_refused(link_fixture(key), why, sizeof(why)));
	snprintf(expect, sizeof(expect), "%s: ELF for %s, this bench runs %s", key, other,
		 bench_elf_host_machine());
	assert_string_equal(expect, why);
}

static void test_other_byte_order_is_refused(void **state)
{
	const char *key = bench_is_64_bit() ? "elf64_ppc64_be.so" : "elf32_ppc_be.so";
	char why[256], expect[256];

	(void)state;
	assert_int_equal(BENCH_ELF_WRONG_DATA, open_refused(link_fixture(key), why, sizeof(why)));
	snprintf(expect, sizeof(expect),
		 "%s: big-endian ELF (built for %s), this bench is little-endian", key,
		 bench_is_64_bit() ? "ppc64" : "ppc");
	assert_string_equal(expect, why);
}

/* The hand-made headers exist for x86_64, i386 and aarch64 hosts. */
static const char *host_fixture(const char *x86_64_key, const char *i386_key,
				const char *aarch64_key)
{
	if (strcmp(bench_elf_host_machine(), "x86_64") == 0)
		return link_fixture(x86_64_key);
	if (strcmp(bench_elf_host_machine(), "i386") == 0)
		return link_fixture(i386_key);
	if (strcmp(bench_elf_host_machine(), "aarch64") == 0)
		return link_fixture(aarch64_key);
	return NULL;
}

static void test_objects_and_executables_are_not_shared_objects(void **state)
{
	const char *rel = host_fixture("elf64_x86_64_rel.o", "elf32_i386_rel.o", "elf64_aarch64_rel.o");
	const char *exec = host_fixture("elf64_x86_64_exec", "elf32_i386_exec", "elf64_aarch64_exec");
	char why[256];

	(void)state;
	if (rel == NULL)
		skip();
	assert_int_equal(BENCH_ELF_NOT_SHARED, open_refused(rel, why, sizeof(why)));
	assert_non_null(strstr(why, ": a relocatable object (.o), not a shared object"));
	assert_int_equal(BENCH_ELF_NOT_SHARED, open_refused(exec, why, sizeof(why)));
	assert_non_null(strstr(why, ": an executable, not a shared object"));
}

static void test_position_independent_executable_is_not_a_shared_object(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(BENCH_ELF_NOT_SHARED, open_refused(link_fixture("pie"), why, sizeof(why)));
	assert_string_equal("pie_exe: a position-independent executable, not a shared object", why);
}

static void test_truncated_or_symbol_less_elf_is_malformed(void **state)
{
	const char *bare = host_fixture("elf64_x86_64_nosections.so", "elf32_i386_nosections.so",
					"elf64_aarch64_nosections.so");
	char why[256];

	(void)state;
	assert_int_equal(BENCH_ELF_MALFORMED,
			 open_refused(link_fixture("truncated_elf.bin"), why, sizeof(why)));
	assert_non_null(strstr(why, "truncated_elf.bin: "));
	if (bare == NULL)
		skip();
	assert_int_equal(BENCH_ELF_MALFORMED, open_refused(bare, why, sizeof(why)));
	assert_non_null(strstr(why, "no dynamic symbol table (.dynsym)"));
}

static void test_bad_arguments_are_refused_not_crashed(void **state)
{
	struct bench_elf_image *img;
	char why[64];

	(void)state;
	assert_int_equal(BENCH_ELF_UNREADABLE, bench_elf_image_open(NULL, &img, why, sizeof(why)));
	assert_null(img);
	assert_int_equal(BENCH_ELF_UNREADABLE, bench_elf_image_open("", &img, why, sizeof(why)));
	assert_int_equal(BENCH_ELF_UNREADABLE,
			 bench_elf_image_open(link_fixture("good"), NULL, why, sizeof(why)));
	/* No reason buffer: still refused, nothing written. */
	assert_int_equal(BENCH_ELF_NOT_ELF, bench_elf_image_open(link_fixture("not_elf.bin"), &img, NULL, 0));
	bench_elf_image_free(NULL);
}

static void test_a_short_reason_buffer_is_truncated_and_terminated(void **state)
{
	char why[8];

	(void)state;
	open_refused(link_fixture("not_elf.bin"), why, sizeof(why));
	assert_string_equal("not_elf", why);
}

static void test_status_strings_cover_every_status(void **state)
{
	(void)state;
	for (int i = 0; i < BENCH_ELF_STATUS_COUNT_; i++) {
		const char *s = bench_elf_status_string((enum bench_elf_status)i);

		assert_string_not_equal("unknown ELF status", s);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(bench_elf_status_string((enum bench_elf_status)j), s);
	}
	assert_string_equal("unknown ELF status", bench_elf_status_string(BENCH_ELF_STATUS_COUNT_));
	assert_string_equal("unknown ELF status", bench_elf_status_string((enum bench_elf_status)-1));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kext_lists_the_kpis_it_needs_and_the_globals_it_exports),
		cmocka_unit_test(test_weak_references_are_marked_weak),
		cmocka_unit_test(test_soname_and_needed_libraries_are_read),
		cmocka_unit_test(test_function_and_data_exports_are_told_apart),
		cmocka_unit_test(test_linker_generated_symbols_are_not_exports),
		cmocka_unit_test(test_stack_protector_reference_is_listed),
		cmocka_unit_test(test_sanitizer_runtime_references_are_listed),
		cmocka_unit_test(test_missing_file_is_refused_naming_it),
		cmocka_unit_test(test_directory_and_device_are_refused),
		cmocka_unit_test(test_non_elf_files_are_refused_saying_how_they_start),
		cmocka_unit_test(test_object_of_the_other_word_size_is_refused_naming_its_machine),
		cmocka_unit_test(test_other_architecture_is_refused_naming_both),
		cmocka_unit_test(test_other_byte_order_is_refused),
		cmocka_unit_test(test_objects_and_executables_are_not_shared_objects),
		cmocka_unit_test(test_position_independent_executable_is_not_a_shared_object),
		cmocka_unit_test(test_truncated_or_symbol_less_elf_is_malformed),
		cmocka_unit_test(test_bad_arguments_are_refused_not_crashed),
		cmocka_unit_test(test_a_short_reason_buffer_is_truncated_and_terminated),
		cmocka_unit_test(test_status_strings_cover_every_status),
	};

	link_fixtures_init(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
