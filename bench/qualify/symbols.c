/* The symbol rules, per slice: every exported global carries the bundle's
 * prefix (C++ names by their outermost name); and the kernel linker's own
 * checks (bench/link: unresolved symbols, collisions with the kernel and
 * with the --with kexts, OSBundleLibraries against what is used, the entry
 * symbol), each problem mapped to its rule, with kextlibs' block as the fix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../link/kext_link.h"
#include "../link/link_internal.h"
#include "q_internal.h"
#include "shim/kpi.h"

#define Q_PLIST "Contents/Info.plist"
#define Q_MAX_LIBS 64

/* Entry names every kext has (kmod_info's role, and the C entry points
 * Apple's kmod glue defines), exempt from the prefix rule. */
static bool q_entry_name(const char *name)
{
	static const char *const names[] = { BENCH_LINK_ENTRY_SYMBOL, "_realmain", "_antimain",
					     "_kext_apple_cc" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return bench_link_exempt_from_collision(name);
}

const char *bench_q_outer_name(const char *sym, char *buf, size_t len)
{
	const char *p = sym;
	unsigned long n;
	char *end;

	if (strncmp(p, "_Z", 2) != 0)
		return sym;
	p += 2;
	if (p[0] == 'T' && strchr("VISTh", p[1]) != NULL && p[1] != '\0')
		p += 2; /* vtable, typeinfo, its name, VTT */
	if (*p == 'N')
		for (p++; *p == 'r' || *p == 'V' || *p == 'K'; p++)
			;
	if (strncmp(p, "St", 2) == 0)
		return "std";
	n = strtoul(p, &end, 10);
	if (end == p || n == 0 || n >= len || strlen(end) < n)
		return sym;
	snprintf(buf, len, "%.*s", (int)n, end);
	return buf;
}

/* A name the collision rules report: the kernel's, or a --with kext's. */
static bool q_collides(const char *name, const bench_link_registry *with)
{
	return shim_kpi_symbol_find(name) != NULL || strncmp(name, "shim_", 5) == 0 ||
	       (with != NULL && bench_link_registry_owner(with, name) != NULL);
}

static void q_prefix(struct bench_q_ctx *c, const struct bench_elf_image *img,
		     const bench_link_registry *with)
{
	size_t plen = strlen(c->prefix);
	char outer[256];

	for (size_t i = 0; i < img->defined_count; i++) {
		const char *name = img->defined[i].name;
		const char *o = bench_q_outer_name(name, outer, sizeof(outer));

		if (q_entry_name(name) || q_collides(name, with) || strncmp(o, c->prefix, plen) == 0 ||
		    (strlen(o) == plen - 1 && strncmp(o, c->prefix, plen - 1) == 0))
			continue;
		if (c->short_prefix[0] && strncmp(o, c->short_prefix, strlen(c->short_prefix)) == 0)
			bench_q_add(c, "binary.short-prefix", c->exec_rel, name, "symbol",
				    "rename it with the full prefix, or make it static/hidden if "
				    "nothing outside the kext calls it",
				    "exported global '%s' carries only the short prefix '%s', not '%s'",
				    name, c->short_prefix, c->prefix);
		else
			bench_q_add(c, "binary.unprefixed-global", c->exec_rel, name, "symbol",
				    "make it static (or hidden: -fvisibility=hidden), or rename it "
				    "with the bundle's prefix",
				    "exported global '%s' does not carry the prefix '%s'", name,
				    c->prefix);
	}
}

/* OSBundleLibraries as the link check wants them (ids malloc'd); entries
 * that are not version strings are reported and left out. */
static size_t q_libraries(struct bench_q_ctx *c, struct bench_link_library_ref *libs)
{
	plist_t dict = plist_dict_get_item(c->root, "OSBundleLibraries");
	plist_dict_iter it = NULL;
	size_t n = 0;

	if (dict == NULL || plist_get_node_type(dict) != PLIST_DICT)
		return 0;
	plist_dict_new_iter(dict, &it);
	for (uint32_t i = 0, size = plist_dict_get_size(dict); it != NULL && i < size; i++) {
		char *key = NULL;
		plist_t v = NULL;

		plist_dict_next_item(dict, it, &key, &v);
		if (key != NULL && v != NULL && plist_get_node_type(v) == PLIST_STRING && n < Q_MAX_LIBS) {
			libs[n].id = key; /* kept until the check is done: freed by q_free_libs */
			libs[n++].version = plist_get_string_ptr(v, NULL);
			continue;
		}
		if (key != NULL)
			bench_q_add(c, "deps.bad-library", Q_PLIST, key, "key",
				    "give each library's version as a string", "OSBundleLibraries: "
				    "%s is not a version string", key);
		free(key);
	}
	free(it);
	return n;
}

static void q_free_libs(struct bench_link_library_ref *libs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)libs[i].id);
}

static const char *q_rule_of(enum bench_link_kind k)
{
	switch (k) {
	case BENCH_LINK_UNDEFINED_SYMBOL: return "deps.unresolved-symbol";
	case BENCH_LINK_KERNEL_COLLISION: return "binary.collision-kernel";
	case BENCH_LINK_KEXT_COLLISION: return "binary.collision-kext";
	case BENCH_LINK_UNKNOWN_LIBRARY:
	case BENCH_LINK_BAD_VERSION:
	case BENCH_LINK_VERSION_MISMATCH: return "deps.bad-library";
	case BENCH_LINK_UNDECLARED_LIBRARY: return "deps.missing";
	case BENCH_LINK_NO_ENTRY_SYMBOL: return "binary.no-entry";
	case BENCH_LINK_UNUSED_LIBRARY: return "deps.unused";
	default: return "binary.malformed";
	}
}

static const char *q_fix(enum bench_link_kind k, const char *block)
{
	switch (k) {
	case BENCH_LINK_UNDEFINED_SYMBOL:
		return "define it in the kext (static), or call a kernel KPI instead";
	case BENCH_LINK_NO_ENTRY_SYMBOL:
		return "declare the kext with SHIM_KEXT_DECLARE(its descriptor)";
	case BENCH_LINK_KERNEL_COLLISION:
	case BENCH_LINK_KEXT_COLLISION:
		return "rename the global with the bundle's prefix, or make it static";
	default:
		return block;
	}
}

static bool q_reported(const struct bench_q_ctx *c, const char *rule, const char *item)
{
	for (size_t i = 0; i < c->res->count; i++)
		if (strcmp(c->res->findings[i].rule->id, rule) == 0 &&
		    strcmp(c->res->findings[i].item, item) == 0)
			return true;
	return false;
}

static void q_link(struct bench_q_ctx *c, const struct bench_elf_image *img,
		   const bench_link_registry *with)
{
	struct bench_link_library_ref libs[Q_MAX_LIBS];
	size_t nlibs = q_libraries(c, libs), need;
	struct bench_link_report *rep = NULL;
	char why[256], *block = NULL;

	if (bench_link_check(img, libs, nlibs, with, &rep, why, sizeof(why)) == BENCH_LINK_ERROR) {
		bench_q_not_checked(c->res, "dependencies and collisions: %s", why);
		q_free_libs(libs, nlibs);
		return;
	}
	need = bench_link_kextlibs_xml(img, NULL, 0) + 1;
	block = malloc(need + 64);
	if (block != NULL) {
		int k = snprintf(block, need + 64, "paste into Info.plist:\n");
		bench_link_kextlibs_xml(img, block + k, need);
	}
	for (size_t i = 0; i < rep->count; i++) {
		const struct bench_link_problem *p = &rep->problems[i];
		const char *rule = q_rule_of(p->kind);
		bool lib = strncmp(rule, "deps.", 5) == 0 && p->kind != BENCH_LINK_UNDEFINED_SYMBOL;
		char item[192];

		if (p->kind == BENCH_LINK_UNDECLARED_LIBRARY) {
			/* One finding per library, whichever of its symbols came first. */
			snprintf(item, sizeof(item), "OSBundleLibraries.%s", p->other);
			if (!q_reported(c, rule, item))
				bench_q_add(c, rule, Q_PLIST, item, "key", block,
					    "the binary uses %s (%s, ...), which OSBundleLibraries does "
					    "not declare", p->other, p->item);
			continue;
		}
		if (lib)
			snprintf(item, sizeof(item), "OSBundleLibraries.%s", p->item);
		else
			snprintf(item, sizeof(item), "%s", p->item);
		bench_q_add(c, rule, lib ? Q_PLIST : c->exec_rel, item, lib ? "key" : "symbol",
			    q_fix(p->kind, block), "%s", p->message);
	}
	free(block);
	bench_link_report_free(rep);
	q_free_libs(libs, nlibs);
}

/* OSBundleCompatibleVersion belongs to a library: a binary exporting more
 * than its entry symbols. */
static void q_library_role(struct bench_q_ctx *c)
{
	if (plist_dict_get_item(c->root, "OSBundleCompatibleVersion") == NULL)
		return;
	for (size_t s = 0; s < c->bin.nslices; s++)
		for (size_t i = 0; c->bin.slices[s].img && i < c->bin.slices[s].img->defined_count; i++)
			if (!q_entry_name(c->bin.slices[s].img->defined[i].name))
				return;
	bench_q_add(c, "plist.compatible-version-not-library", Q_PLIST, "OSBundleCompatibleVersion",
		    "key", "remove OSBundleCompatibleVersion: no other kext can link against this one",
		    "OSBundleCompatibleVersion is set, but the binary exports nothing for other kexts");
}

void bench_q_symbol_rules(struct bench_q_ctx *c)
{
	bench_link_registry *with;

	if (!c->bin.read || c->root == NULL)
		return;
	with = bench_q_with_registry(c);
	for (size_t i = 0; i < c->bin.nslices; i++) {
		const struct bench_elf_image *img = c->bin.slices[i].img;

		if (img == NULL)
			continue;
		if (c->prefix[0])
			q_prefix(c, img, with);
		q_link(c, img, with);
	}
	if (!c->prefix[0])
		bench_q_not_checked(c->res, "prefix: no valid CFBundleIdentifier to derive it from");
	q_library_role(c);
	bench_link_registry_destroy(with);
}
