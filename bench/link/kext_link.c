/* The link checks: a kext's undefined symbols, defined globals and
 * OSBundleLibraries against the KPI table and the loaded kexts, every
 * problem collected (not only the first), as the kernel linker reports. */
#include "kext_link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_internal.h"
#include "shim/kpi.h"

/* The prefix of everything the shim exports: a kext global under it would
 * shadow or be shadowed by the kernel's, KPI or not. */
#define KERNEL_PREFIX "shim_"

static const char *const kind_strings[] = {
	[BENCH_LINK_UNDEFINED_SYMBOL] = "undefined symbol",
	[BENCH_LINK_KERNEL_COLLISION] = "collision with the kernel",
	[BENCH_LINK_KEXT_COLLISION] = "collision with a loaded kext",
	[BENCH_LINK_UNKNOWN_LIBRARY] = "unknown library",
	[BENCH_LINK_BAD_VERSION] = "malformed library version",
	[BENCH_LINK_VERSION_MISMATCH] = "library version out of range",
	[BENCH_LINK_UNDECLARED_LIBRARY] = "undeclared library",
	[BENCH_LINK_NO_ENTRY_SYMBOL] = "no entry symbol",
	[BENCH_LINK_UNUSED_LIBRARY] = "unused library (note)",
};
_Static_assert(sizeof(kind_strings) / sizeof(kind_strings[0]) == BENCH_LINK_KIND_COUNT_,
	       "one string per bench_link_kind");

const char *bench_link_kind_string(enum bench_link_kind kind)
{
	if ((unsigned)kind >= BENCH_LINK_KIND_COUNT_)
		return "unknown link problem";
	return kind_strings[kind];
}

bool bench_link_kind_refuses(enum bench_link_kind kind)
{
	return (unsigned)kind < BENCH_LINK_KIND_COUNT_ && kind != BENCH_LINK_UNUSED_LIBRARY;
}

/* The report with its storage: each problem's strings are one allocation. */
struct report {
	struct bench_link_report pub; /* first: the caller's pointer is to it */
	struct bench_link_problem *v;
	char **mem;
	size_t cap;
	bool no_memory;
};

/* s with control bytes replaced, so a hostile symbol name cannot break a
 * one-line message; written to dst (which has room for strlen(s) + 1). */
static char *copy_printable(char *dst, const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[i] = '\0';
	return dst;
}

/* Adds a problem: item, other and the formatted message are copied
 * (sanitised). Out of memory is remembered and reported once, at the end. */
__attribute__((format(printf, 5, 6)))
static void add(struct report *r, enum bench_link_kind kind, const char *item, const char *other,
		const char *fmt, ...)
{
	size_t ilen = strlen(item) + 1, olen = other != NULL ? strlen(other) + 1 : 0;
	struct bench_link_problem *p;
	va_list ap;
	char *block, *msg;
	int mlen;

	if (r->no_memory)
		return;
	if (r->pub.count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct bench_link_problem *v = realloc(r->v, cap * sizeof(*v));
		char **mem;

		if (v == NULL)
			goto no_memory;
		r->v = v;
		mem = realloc(r->mem, cap * sizeof(*mem));
		if (mem == NULL)
			goto no_memory;
		r->mem = mem;
		r->cap = cap;
	}
	va_start(ap, fmt);
	mlen = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (mlen < 0 || (block = malloc(ilen + olen + (size_t)mlen + 1)) == NULL)
		goto no_memory;
	msg = block + ilen + olen;
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)mlen + 1, fmt, ap);
	va_end(ap);
	copy_printable(msg, msg);
	p = &r->v[r->pub.count];
	p->kind = kind;
	p->item = copy_printable(block, item);
	p->other = other != NULL ? copy_printable(block + ilen, other) : NULL;
	p->message = msg;
	r->mem[r->pub.count++] = block;
	if (bench_link_kind_refuses(kind))
		r->pub.refusals++;
	else
		r->pub.notes++;
	return;

no_memory:
	r->no_memory = true;
}

void bench_link_report_free(struct bench_link_report *report)
{
	struct report *r = (struct report *)report;

	if (r == NULL)
		return;
	for (size_t i = 0; i < r->pub.count; i++)
		free(r->mem[i]);
	free(r->mem);
	free(r->v);
	free(r);
}

static size_t library_index(const struct shim_kpi_library *lib)
{
	size_t i;

	for (i = 0; i < shim_kpi_library_count(); i++)
		if (shim_kpi_library_at(i) == lib)
			break;
	return i;
}

/* OSBundleLibraries: each entry names a KPI library at a version it
 * satisfies. Marks declared[] for the libraries it names. */
static void check_libraries(struct report *r, const struct bench_link_library_ref *libs,
			    size_t lib_count, bool *declared)
{
	for (size_t i = 0; i < lib_count; i++) {
		const struct shim_kpi_library *lib = shim_kpi_library_find(libs[i].id);
		const char *v = libs[i].version;

		if (lib == NULL) {
			add(r, BENCH_LINK_UNKNOWN_LIBRARY, libs[i].id, NULL,
			    "OSBundleLibraries declares '%s', which no KPI library provides", libs[i].id);
			continue;
		}
		declared[library_index(lib)] = true;
		if (v == NULL || shim_kpi_version_compare(v, lib->version) == -2) {
			add(r, BENCH_LINK_BAD_VERSION, lib->id, v != NULL ? v : "",
			    "OSBundleLibraries declares %s with version '%s', not a version (A[.B[.C]])",
			    lib->id, v != NULL ? v : "");
		} else if (shim_kpi_version_compare(v, lib->version) > 0 ||
			   shim_kpi_version_compare(v, lib->compatible_version) < 0) {
			add(r, BENCH_LINK_VERSION_MISMATCH, lib->id, v,
			    "OSBundleLibraries declares %s %s, but the kernel provides %s (compatible back to %s)",
			    lib->id, v, lib->version, lib->compatible_version);
		}
	}
}

/* Each needed symbol: a KPI from a declared library, instrumentation (a
 * coverage runtime's C library calls included), or a weak reference allowed
 * to stay unresolved. Marks used[]. */
static void check_undefined(struct report *r, const struct bench_elf_image *img,
			    const bool *declared, bool *used)
{
	bool coverage = bench_link_carries_coverage_runtime(img);

	for (size_t i = 0; i < img->undefined_count; i++) {
		const struct bench_elf_symbol *s = &img->undefined[i];
		const struct shim_kpi_symbol *kpi = shim_kpi_symbol_find(s->name);

		if (kpi != NULL) {
			size_t li = library_index(kpi->library);

			used[li] = true;
			if (!declared[li])
				add(r, BENCH_LINK_UNDECLARED_LIBRARY, s->name, kpi->library->id,
				    "symbol '%s' comes from %s, which OSBundleLibraries does not declare",
				    s->name, kpi->library->id);
		} else if (!s->weak && !shim_kpi_is_instrumentation(s->name) &&
			   !(coverage && bench_link_coverage_runtime_import(s->name))) {
			add(r, BENCH_LINK_UNDEFINED_SYMBOL, s->name, NULL,
			    "undefined symbol '%s': not exported by the kernel (no KPI library provides it)",
			    s->name);
		}
	}
}

/* Each exported global against the kernel's names and the loaded kexts';
 * and the entry symbol, without which the loader cannot find the kext's
 * descriptor (checked here so a binary lacking it is never dlopen'ed). */
static void check_defined(struct report *r, const struct bench_elf_image *img,
			  const bench_link_registry *loaded)
{
	bool entry = false;

	for (size_t i = 0; i < img->defined_count; i++) {
		const char *name = img->defined[i].name;
		const struct shim_kpi_symbol *kpi = shim_kpi_symbol_find(name);
		const char *owner;

		if (strcmp(name, BENCH_LINK_ENTRY_SYMBOL) == 0) {
			entry = true;
			continue;
		}
		if (kpi != NULL) {
			add(r, BENCH_LINK_KERNEL_COLLISION, name, kpi->library->id,
			    "global '%s' collides with the kernel's export of the same name (%s)", name,
			    kpi->library->id);
		} else if (strncmp(name, KERNEL_PREFIX, strlen(KERNEL_PREFIX)) == 0) {
			add(r, BENCH_LINK_KERNEL_COLLISION, name, KERNEL_PREFIX,
			    "global '%s' collides with the kernel: the %s prefix is the kernel's namespace",
			    name, KERNEL_PREFIX);
		} else if (!bench_link_exempt_from_collision(name) &&
			   (owner = bench_link_registry_owner(loaded, name)) != NULL) {
			add(r, BENCH_LINK_KEXT_COLLISION, name, owner,
			    "global '%s' collides with the same global in loaded kext %s", name, owner);
		}
	}
	if (!entry)
		add(r, BENCH_LINK_NO_ENTRY_SYMBOL, BENCH_LINK_ENTRY_SYMBOL, NULL,
		    "%s does not export %s, the entry symbol that leads to a kext's descriptor",
		    img->name, BENCH_LINK_ENTRY_SYMBOL);
}

enum bench_link_result bench_link_check(const struct bench_elf_image *img,
					const struct bench_link_library_ref *libs, size_t lib_count,
					const bench_link_registry *loaded,
					struct bench_link_report **out, char *why, size_t why_len)
{
	size_t nlib = shim_kpi_library_count();
	bool *declared, *used;
	struct report *r;

	if (out != NULL)
		*out = NULL;
	if (img == NULL || out == NULL || (libs == NULL && lib_count > 0)) {
		if (why != NULL && why_len > 0)
			snprintf(why, why_len, "bench_link_check: missing image, report or libraries");
		return BENCH_LINK_ERROR;
	}
	for (size_t i = 0; i < lib_count; i++) {
		if (libs[i].id == NULL) {
			if (why != NULL && why_len > 0)
				snprintf(why, why_len, "%s: OSBundleLibraries entry %zu has no id",
					 img->name, i);
			return BENCH_LINK_ERROR;
		}
	}
	r = calloc(1, sizeof(*r));
	declared = calloc(2 * nlib + 1, sizeof(bool));
	if (r == NULL || declared == NULL) {
		free(r);
		free(declared);
		if (why != NULL && why_len > 0)
			snprintf(why, why_len, "%s: out of memory checking its symbols", img->name);
		return BENCH_LINK_ERROR;
	}
	used = declared + nlib;
	check_libraries(r, libs, lib_count, declared);
	check_undefined(r, img, declared, used);
	check_defined(r, img, loaded);
	/* Notes last: qualification reads them, the loader does not refuse. */
	for (size_t i = 0; i < nlib; i++) {
		const char *id = shim_kpi_library_at(i)->id;

		if (declared[i] && !used[i])
			add(r, BENCH_LINK_UNUSED_LIBRARY, id, NULL,
			    "%s is declared in OSBundleLibraries, but no symbol from it is used", id);
	}
	free(declared);
	if (r->no_memory) {
		bench_link_report_free(&r->pub);
		if (why != NULL && why_len > 0)
			snprintf(why, why_len, "%s: out of memory listing its link problems", img->name);
		return BENCH_LINK_ERROR;
	}
	r->pub.problems = r->v;
	*out = &r->pub;
	return r->pub.refusals > 0 ? BENCH_LINK_REFUSED : BENCH_LINK_PASS;
}
