/* The kernel's export table: every symbol a kext may link against, and the
 * KPI library (identifier, version, compatible version) that provides it.
 * The loader checks a kext's undefined symbols and its OSBundleLibraries
 * against it, as the kernel linker checks a kext against the kernel's
 * symbol sets. Platform side: drivers do not include this header. */
#ifndef SHIM_KPI_H
#define SHIM_KPI_H

#include <stdbool.h>
#include <stddef.h>

/* One KPI library, in the roles of Apple's (com.apple.kpi.libkern, ...).
 * A kext declaring it with version V links if
 * compatible_version <= V <= version. */
struct shim_kpi_library {
	const char *id;                 /* "com.apple.kpi.iokit" */
	const char *version;            /* what the shim provides: "19.0" */
	const char *compatible_version; /* oldest version it still satisfies: "8.0" */
	const char *summary;            /* one line: what it holds */
};

/* One exported symbol: the real linker name (shim_malloc_, the function
 * behind the shim_malloc macro), never a macro. */
struct shim_kpi_symbol {
	const char *name;
	const struct shim_kpi_library *library;
};

/* Libraries in a fixed order (by id); NULL past the end. */
size_t shim_kpi_library_count(void);
const struct shim_kpi_library *shim_kpi_library_at(size_t i);
/* NULL when no library has this id. */
const struct shim_kpi_library *shim_kpi_library_find(const char *id);

/* Symbols sorted by name (strcmp order), so lookups are a binary search;
 * NULL past the end. */
size_t shim_kpi_symbol_count(void);
const struct shim_kpi_symbol *shim_kpi_symbol_at(size_t i);
/* NULL: not a KPI (the kernel does not export it). */
const struct shim_kpi_symbol *shim_kpi_symbol_find(const char *name);

/* Symbols of the sanitizer, coverage and profiling runtimes (__asan_,
 * __ubsan_, __sanitizer_, __sancov_, __llvm_, __gcov_, ...) that an
 * instrumented build of a kext references or defines: allowed, provided by
 * the build (the fuzzer or test binary), not by a KPI library. */
bool shim_kpi_is_instrumentation(const char *name);

/* Compares version strings "A[.B[.C]]" (decimal, at most 9 digits a
 * component, missing components are 0: "19" == "19.0"). Returns -1, 0 or
 * 1 as a <, ==, > b; -2 if either is malformed (NULL, empty, a letter, a
 * fourth component, "1..2"). */
int shim_kpi_version_compare(const char *a, const char *b);

#endif
