/* Shared by the files of bench/qualify, not part of its API: one
 * qualification in progress (the bundle, its manifest, its binary read
 * once) and the calls each rule family makes on it. */
#ifndef BENCH_Q_INTERNAL_H
#define BENCH_Q_INTERNAL_H

#include <plist/plist.h>
#include <stdbool.h>
#include <stdint.h>

#include "../link/elf_image.h"
#include "../src/internal.h"
#include "bench/qualify.h"
#include "shim/types.h"

#define BENCH_Q_MAX_SLICES 16
#define BENCH_Q_PATH 4096

/* One architecture of the binary: an ELF file, or a Mach-O slice. */
struct bench_q_slice {
	char arch[24];              /* normalised: "x86_64", "i386", "aarch64", ... */
	bool kext_type;             /* ET_DYN / MH_KEXT_BUNDLE */
	char type_desc[64];         /* what it is instead */
	bool debug;
	char debug_section[48];
	unsigned long long code_bytes, symtab_bytes;
	/* Its symbols in the link checks' shape (Mach-O names without their
	 * leading '_'); NULL when the file type gave none. */
	struct bench_elf_image *img;
	bool img_from_elf;          /* freed with bench_elf_image_free */
	char **classes;             /* Mach-O: classes named by OSMetaClass symbols */
	size_t nclasses;
};

struct bench_q_binary {
	bool read;                  /* false: a binary.malformed finding says why */
	bool macho, universal;
	size_t nslices;
	struct bench_q_slice slices[BENCH_Q_MAX_SLICES];
};

struct bench_q_ctx {
	const struct bench_qualify_options *opt;
	struct bench_qualify_result *res;
	char dir[BENCH_Q_PATH];     /* the bundle, without a trailing '/' */
	plist_t root;               /* the manifest; NULL when unreadable */
	const char *exec;           /* CFBundleExecutable when a plain name, else NULL */
	char exec_rel[512];         /* "Contents/MacOS/<exec>" */
	bool exec_present;          /* a regular file there */
	struct bench_q_binary bin;
	char prefix[160];           /* "com_vendor_driver_foo_" */
	char short_prefix[72];      /* "foo_" */
};

/* findings.c: records a finding of rule (it must exist) with its location,
 * fix (may be NULL) and message; suppressed when --disable names the rule. */
BENCH_INTERNAL void bench_q_add(struct bench_q_ctx *c, const char *rule, const char *file,
				const char *item, const char *item_kind, const char *fix,
				const char *fmt, ...) SHIM_PRINTF(7, 8);
BENCH_INTERNAL void bench_q_not_checked(struct bench_qualify_result *res, const char *fmt, ...)
	SHIM_PRINTF(2, 3);
/* A string of the manifest (NULL when absent or not a string). */
BENCH_INTERNAL const char *bench_q_plist_string(plist_t dict, const char *key);

/* qualify_static.c: options (rule ids, reasons, architectures). */
BENCH_INTERNAL shim_ret bench_q_check_options(const struct bench_qualify_options *opt, char *why,
					      size_t len);
/* json.c: a JSON string (quoted, escaped, invalid UTF-8 replaced), and a
 * URI reference with everything but unreserved characters and '/' escaped. */
BENCH_INTERNAL void bench_q_json_string(FILE *out, const char *s);
BENCH_INTERNAL void bench_q_json_uri(FILE *out, const char *prefix, const char *path);

/* version.c: the kext version grammar, as one comparable number. */
BENCH_INTERNAL bool bench_q_version_parse(const char *s, uint64_t *out);

/* bundle.c: layout, Info.plist (through shim_plist_parse), stray files and
 * permissions. False when the bundle is not a bundle (nothing else runs). */
BENCH_INTERNAL bool bench_q_bundle(struct bench_q_ctx *c);
/* Parses the manifest bytes into c->root (a plist.unreadable finding on failure). */
BENCH_INTERNAL bool bench_q_plist_load(struct bench_q_ctx *c, const char *bytes, size_t len);
/* bundle_walk.c: every entry of the bundle against the allowed layout,
 * and its permissions. */
BENCH_INTERNAL void bench_q_walk(struct bench_q_ctx *c);
/* ownership.c */
BENCH_INTERNAL void bench_q_ownership(struct bench_q_ctx *c);
/* plist_rules.c: every Info.plist rule but the classes'; and whether an
 * identifier is reverse-DNS and no placeholder (the prefix comes from it). */
BENCH_INTERNAL bool bench_q_identifier_ok(const char *id);
BENCH_INTERNAL void bench_q_plist_rules(struct bench_q_ctx *c);
/* binary.c: reads c->exec into c->bin (ELF through bench/link, Mach-O
 * through the LLVM reader); binary.malformed when it cannot. */
BENCH_INTERNAL void bench_q_binary_read(struct bench_q_ctx *c);
/* The same for the file at path (c->exec_rel names it in findings). */
BENCH_INTERNAL void bench_q_binary_read_file(struct bench_q_ctx *c, const char *path);
BENCH_INTERNAL void bench_q_binary_free(struct bench_q_binary *b);
/* macho.c: one Mach-O file into b. */
BENCH_INTERNAL bool bench_q_macho_read(const char *path, struct bench_q_binary *b, char *why,
				       size_t len);
/* binary_rules.c: type, debug information, symbol table, architectures.
 * Architecture names normalised ("arm64" is "aarch64"), and the ones --arch knows. */
BENCH_INTERNAL const char *bench_q_arch_normal(const char *arch);
BENCH_INTERNAL bool bench_q_arch_known(const char *arch);
BENCH_INTERNAL void bench_q_binary_rules(struct bench_q_ctx *c);
/* symbols.c: entry, prefixes, collisions, dependencies. */
BENCH_INTERNAL void bench_q_symbol_rules(struct bench_q_ctx *c);
/* The identifier C++ or C linkage gives a symbol's outermost name
 * ("_ZN9EduDriver5startEv" -> "EduDriver"), written into buf. */
BENCH_INTERNAL const char *bench_q_outer_name(const char *sym, char *buf, size_t len);
/* with.c: the globals of the --with kexts, keyed by their identifiers
 * (NULL: none given or none readable; not_checked says why). */
struct bench_link_registry;
BENCH_INTERNAL struct bench_link_registry *bench_q_with_registry(struct bench_q_ctx *c);
/* classes.c: the classes a binary defines, then plist.ioclass-undefined.
 * ELF: loaded in a child process; Mach-O: its OSMetaClass symbols. */
BENCH_INTERNAL void bench_q_class_rules(struct bench_q_ctx *c);
/* plist.ioclass-undefined against a NULL-terminated list of class names. */
BENCH_INTERNAL void bench_q_check_ioclasses(struct bench_q_ctx *c, char **names);
/* Reads the class names an ELF kext's descriptor lists, in a child
 * process (a kext's constructors may crash or hang: bounded by timeout_ms).
 * Returns the count (names in a NULL-terminated malloc'd array), -1 with why. */
BENCH_INTERNAL long bench_q_elf_classes(const char *path, char ***names, int timeout_ms,
					char *why, size_t len);
BENCH_INTERNAL void bench_q_names_free(char **names);

#endif
