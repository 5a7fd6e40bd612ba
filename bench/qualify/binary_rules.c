/* The binary rules that need no symbol: each slice is a kext's file type,
 * carries no DWARF, has a symbol table no larger than its code; and the
 * architectures present are exactly the ones shipped (--arch). */
#include <stdio.h>
#include <string.h>

#include "q_internal.h"

/* A symbol table under this size is never worth a warning. */
#define Q_SYMTAB_FLOOR 4096ull

const char *bench_q_arch_normal(const char *arch)
{
	if (strcmp(arch, "arm64") == 0)
		return "aarch64";
	if (strcmp(arch, "amd64") == 0)
		return "x86_64";
	if (strcmp(arch, "i686") == 0 || strcmp(arch, "x86") == 0)
		return "i386";
	return arch;
}

bool bench_q_arch_known(const char *arch)
{
	const char *a = bench_q_arch_normal(arch);

	return strcmp(a, "x86_64") == 0 || strcmp(a, "i386") == 0 || strcmp(a, "aarch64") == 0;
}

static void q_slice_rules(struct bench_q_ctx *c, const struct bench_q_slice *s, const char *where)
{
	if (!s->kext_type)
		bench_q_add(c, "binary.type", c->exec_rel, s->arch, "architecture",
			    c->bin.macho ? "link with -kext (ld's MH_KEXT_BUNDLE output), not -bundle"
					 : "link with -shared (meson: shared_module), not as an "
					   "executable or object",
			    "%s%s is %s", c->exec_rel, where, s->type_desc);
	if (s->debug)
		bench_q_add(c, "binary.debug-info", c->exec_rel, s->debug_section, "section",
			    c->bin.macho ? "build the release without -g, or strip -S after keeping a "
					   "dSYM (dsymutil)"
					 : "build the release without -g, or objcopy --strip-debug "
					   "(drvbench-mkbundle --strip-debug) after keeping a debug file",
			    "%s%s carries DWARF debug information (%s)", c->exec_rel, where,
			    s->debug_section);
	if (s->symtab_bytes > s->code_bytes && s->symtab_bytes > Q_SYMTAB_FLOOR)
		bench_q_add(c, "binary.symtab-size", c->exec_rel, s->arch, "architecture",
			    "strip local symbols from the release (strip -x), keep the full table in "
			    "the debug file",
			    "%s%s: symbol table of %llu bytes for %llu bytes of code", c->exec_rel,
			    where, s->symtab_bytes, s->code_bytes);
}

static bool q_has_arch(const struct bench_q_binary *b, const char *arch)
{
	for (size_t i = 0; i < b->nslices; i++)
		if (strcmp(b->slices[i].arch, arch) == 0)
			return true;
	return false;
}

static bool q_shipped(const struct bench_qualify_options *opt, const char *arch)
{
	if (opt->narch == 0)
		return strcmp(arch, "x86_64") == 0;
	for (size_t i = 0; i < opt->narch; i++)
		if (strcmp(bench_q_arch_normal(opt->arch[i]), arch) == 0)
			return true;
	return false;
}

static void q_arch_rules(struct bench_q_ctx *c)
{
	const struct bench_qualify_options *opt = c->opt;
	size_t n = opt->narch ? opt->narch : 1;

	for (size_t i = 0; i < n; i++) {
		const char *want = opt->narch ? bench_q_arch_normal(opt->arch[i]) : "x86_64";

		if (!q_has_arch(&c->bin, want))
			bench_q_add(c, "binary.arch-missing", c->exec_rel, want, "architecture",
				    c->bin.macho ? "build that slice and join the slices with lipo -create"
						 : "an ELF file holds one architecture: ship one bundle "
						   "per architecture, or drop it from --arch",
				    "%s has no %s code (it holds %s%s)", c->exec_rel, want,
				    c->bin.slices[0].arch, c->bin.nslices > 1 ? ", ..." : "");
	}
	for (size_t i = 0; i < c->bin.nslices; i++)
		if (!q_shipped(opt, c->bin.slices[i].arch))
			bench_q_add(c, "binary.arch-extra", c->exec_rel, c->bin.slices[i].arch,
				    "architecture",
				    c->bin.macho ? "remove the slice (lipo -remove) or add it to --arch "
						   "and test it"
						 : "build for the shipped architecture, or add it to --arch "
						   "and test it",
				    "%s holds %s code, which is not shipped (--arch)", c->exec_rel,
				    c->bin.slices[i].arch);
}

void bench_q_binary_rules(struct bench_q_ctx *c)
{
	char where[48];

	if (!c->bin.read)
		return;
	for (size_t i = 0; i < c->bin.nslices; i++) {
		where[0] = '\0';
		if (c->bin.universal)
			snprintf(where, sizeof(where), " (%s slice)", c->bin.slices[i].arch);
		q_slice_rules(c, &c->bin.slices[i], where);
	}
	q_arch_rules(c);
}
