/* The kernel linker in miniature: the checks the loader runs on a kext
 * binary before dlopen. Against the shim's KPI table (shim/kpi.h), the
 * bundle's OSBundleLibraries and the globals of kexts already loaded, it
 * finds every reason the kernel would refuse to link the kext, and notes
 * what qualification wants to know. Pure: no dlopen, no machine. */
#ifndef BENCH_KEXT_LINK_H
#define BENCH_KEXT_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "elf_image.h"

/* The entry symbol that leads to a kext's descriptor: every kext must
 * export it, so it is exempt from collisions. */
#define BENCH_LINK_ENTRY_SYMBOL "kmod_info"

/* One OSBundleLibraries entry, as the caller extracted it from the plist. */
struct bench_link_library_ref {
	const char *id;      /* "com.apple.kpi.iokit" */
	const char *version; /* "19.0" */
};

enum bench_link_kind {
	/* Refusals. */
	BENCH_LINK_UNDEFINED_SYMBOL,   /* needs a symbol that no KPI provides */
	BENCH_LINK_KERNEL_COLLISION,   /* defines a KPI's name, or one in the shim_ namespace */
	BENCH_LINK_KEXT_COLLISION,     /* defines a global a loaded kext defines */
	BENCH_LINK_UNKNOWN_LIBRARY,    /* OSBundleLibraries names no KPI library */
	BENCH_LINK_BAD_VERSION,        /* OSBundleLibraries gives a malformed version */
	BENCH_LINK_VERSION_MISMATCH,   /* outside [compatible_version, version] */
	BENCH_LINK_UNDECLARED_LIBRARY, /* uses a symbol of a library it does not declare */
	BENCH_LINK_NO_ENTRY_SYMBOL,    /* does not export BENCH_LINK_ENTRY_SYMBOL */
	/* Notes: not refusals. */
	BENCH_LINK_UNUSED_LIBRARY,     /* declared, but no symbol from it is used */
	BENCH_LINK_KIND_COUNT_
};

/* Never NULL: "undefined symbol", "collision with the kernel", ...;
 * unknown values give "unknown link problem". */
const char *bench_link_kind_string(enum bench_link_kind kind);
/* False for notes (BENCH_LINK_UNUSED_LIBRARY). */
bool bench_link_kind_refuses(enum bench_link_kind kind);

struct bench_link_problem {
	enum bench_link_kind kind;
	const char *item;    /* the offending symbol or library id */
	const char *other;   /* the library providing the symbol, the kext it
			      * collides with, the declared version; NULL if none */
	const char *message; /* one line naming both: "undefined symbol 'foo': not
			      * exported by the kernel (no KPI library provides it)" */
};

struct bench_link_report {
	const struct bench_link_problem *problems; /* refusals first, then notes */
	size_t count;
	size_t refusals;
	size_t notes;
};

/* The globals of the kexts loaded so far, keyed by bundle id: the kernel's
 * one flat namespace. Not thread-safe (the loader serialises loads). */
typedef struct bench_link_registry bench_link_registry;

bench_link_registry *bench_link_registry_create(void);
void bench_link_registry_destroy(bench_link_registry *reg); /* NULL is fine */
/* Records img's defined globals (kmod_info and instrumentation excepted)
 * under bundle_id, after a successful load. Returns false with why set if
 * bundle_id is already registered or memory runs out. */
bool bench_link_registry_add(bench_link_registry *reg, const char *bundle_id,
			     const struct bench_elf_image *img, char *why, size_t why_len);
/* At unload. False if bundle_id was not registered. */
bool bench_link_registry_remove(bench_link_registry *reg, const char *bundle_id);
/* The bundle id of the loaded kext defining symbol, NULL if none. */
const char *bench_link_registry_owner(const bench_link_registry *reg, const char *symbol);
size_t bench_link_registry_count(const bench_link_registry *reg);

enum bench_link_result {
	BENCH_LINK_PASS,    /* links; the report may hold notes */
	BENCH_LINK_REFUSED, /* the report lists every refusal */
	BENCH_LINK_ERROR,   /* the check could not run (bad argument, no memory): see why */
};

/* Checks img against the KPI table, its declared libraries (libs may be
 * NULL when lib_count is 0) and the kexts in loaded (NULL: none). On PASS
 * or REFUSED *out is the report, freed with bench_link_report_free; on
 * ERROR *out is NULL and why says what went wrong. Undefined weak symbols
 * may stay unresolved, as the kernel linker allows. */
enum bench_link_result bench_link_check(const struct bench_elf_image *img,
					const struct bench_link_library_ref *libs, size_t lib_count,
					const bench_link_registry *loaded,
					struct bench_link_report **out, char *why, size_t why_len);
void bench_link_report_free(struct bench_link_report *report); /* NULL is fine */

/* One line for a log: "links (1 note: ...)" or "refused: 3 problems: first;
 * second; third" (truncated to fit). snprintf semantics: returns the length
 * of the whole line, writes at most size bytes, NUL-terminated if size > 0. */
size_t bench_link_report_summary(const struct bench_link_report *report, char *buf, size_t size);

/* The OSBundleLibraries block the binary needs (kextlibs' role): every
 * library providing a symbol img uses, with the library's current version,
 * as plist XML:
 *   <key>OSBundleLibraries</key>
 *   <dict>
 *   	<key>com.apple.kpi.iokit</key>
 *   	<string>19.0</string>
 *   </dict>
 * snprintf semantics, as bench_link_report_summary. */
size_t bench_link_kextlibs_xml(const struct bench_elf_image *img, char *buf, size_t size);

#endif
