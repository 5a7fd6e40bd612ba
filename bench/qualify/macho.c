/* Mach-O binaries through the LLVM-based reader (macho_abi.h), loaded on
 * first use from beside the library (or DRVBENCH_MACHO_READER, or the build
 * tree), and turned into the slices the rules read: symbols without C's
 * leading '_' in the link checks' shape, classes from OSMetaClass symbols. */
#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macho_abi.h"
#include "q_internal.h"

#ifndef BENCH_MACHO_BUILD_PATH
#define BENCH_MACHO_BUILD_PATH ""
#endif
#define Q_MH_BUNDLE 8u
#define Q_MH_KEXT_BUNDLE 11u

static const struct bench_macho_reader *q_reader;
static char q_reader_why[512];

static const struct bench_macho_reader *q_try(const char *path)
{
	void *h = path != NULL && *path ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
	const struct bench_macho_reader *r;

	if (h == NULL) {
		/* A reader that is not there keeps "not built": only one that
		 * is there and fails to load says more. */
		if (path != NULL && *path && access(path, F_OK) == 0)
			snprintf(q_reader_why, sizeof(q_reader_why), "%s", dlerror());
		return NULL;
	}
	r = dlsym(h, BENCH_MACHO_READER_SYMBOL);
	if (r == NULL || r->abi_version != BENCH_MACHO_ABI_VERSION) {
		snprintf(q_reader_why, sizeof(q_reader_why), "%s: not a Mach-O reader of ABI %u", path,
			 BENCH_MACHO_ABI_VERSION);
		dlclose(h);
		return NULL;
	}
	return r; /* kept loaded for the process */
}

static const struct bench_macho_reader *q_load(void)
{
	char here[BENCH_Q_PATH] = "", path[BENCH_Q_PATH + 32];
	Dl_info info;

	if (q_reader != NULL)
		return q_reader;
	snprintf(q_reader_why, sizeof(q_reader_why),
		 "the Mach-O reader (libdrvbench-macho.so, LLVM 14) was not built or installed "
		 "(it needs llvm-14-dev for this architecture: an i386 build has none)");
	q_reader = q_try(getenv("DRVBENCH_MACHO_READER"));
	if (q_reader == NULL && dladdr((void *)q_load, &info) != 0 && info.dli_fname != NULL) {
		snprintf(here, sizeof(here), "%s", info.dli_fname);
		snprintf(path, sizeof(path), "%s/libdrvbench-macho.so", dirname(here));
		q_reader = q_try(path);
	}
	if (q_reader == NULL)
		q_reader = q_try(BENCH_MACHO_BUILD_PATH);
	return q_reader;
}

bool bench_qualify_macho_available(char *why, size_t len)
{
	if (q_load() != NULL)
		return true;
	snprintf(why, len, "%s", q_reader_why);
	return false;
}

/* "_ZN9EduDriver10gMetaClassE" -> "EduDriver" in buf, else NULL. */
static const char *q_metaclass(const char *name, char *buf, size_t len)
{
	unsigned long n;
	char *end;

	if (strncmp(name, "_ZN", 3) != 0)
		return NULL;
	n = strtoul(name + 3, &end, 10);
	if (end == name + 3 || n == 0 || n >= len || strlen(end) < n ||
	    strcmp(end + n, "10gMetaClassE") != 0)
		return NULL;
	snprintf(buf, len, "%.*s", (int)n, end);
	return buf;
}

/* Linkage the static linker adds to every bundle, no kext's own. */
static bool q_linker_made(const char *name)
{
	return strcmp(name, "dyld_stub_binder") == 0 || strcmp(name, "_mh_bundle_header") == 0 ||
	       strcmp(name, "__dso_handle") == 0;
}

static const char *q_c_name(const char *n)
{
	return n[0] == '_' ? n + 1 : n;
}

/* The slice's symbols as a bench_elf_image in one block (freed with
 * bench_elf_image_free), its classes beside. */
static bool q_slice_image(const struct bench_macho_slice *m, struct bench_q_slice *s)
{
	size_t nu = 0, nd = 0, text = 0, nc = 0;
	struct bench_elf_symbol *syms;
	char *pool, cls[128];

	for (size_t i = 0; i < m->nsyms; i++)
		text += strlen(m->syms[i].name) + 1;
	s->img = calloc(1, sizeof(*s->img) + m->nsyms * sizeof(*syms) + text + 1);
	s->classes = calloc(m->nsyms + 1, sizeof(char *));
	if (s->img == NULL || s->classes == NULL)
		return false;
	syms = (struct bench_elf_symbol *)(s->img + 1);
	pool = (char *)(syms + m->nsyms);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < m->nsyms; i++) {
			const struct bench_macho_sym *y = &m->syms[i];
			const char *cname = q_c_name(y->name);
			bool undef = !y->defined;

			if (!y->global || q_linker_made(cname) || (pass == 0) != undef)
				continue; /* undefined first, then defined */
			strcpy(pool, cname);
			syms[undef ? nu : nu + nd] = (struct bench_elf_symbol){ pool, y->weak != 0,
									      y->function != 0 };
			pool += strlen(pool) + 1;
			*(undef ? &nu : &nd) += 1;
			if (!undef && q_metaclass(cname, cls, sizeof(cls)) != NULL)
				s->classes[nc++] = strdup(cls);
		}
	s->nclasses = nc;
	s->img->name = "binary";
	s->img->undefined = syms;
	s->img->undefined_count = nu;
	s->img->defined = syms + nu;
	s->img->defined_count = nd;
	return true;
}

bool bench_q_macho_read(const char *path, struct bench_q_binary *b, char *why, size_t len)
{
	const struct bench_macho_reader *r = q_load();
	struct bench_macho_file *f = NULL;
	bool ok = true;

	if (r == NULL) {
		snprintf(why, len, "a Mach-O file, and %s", q_reader_why);
		return false;
	}
	if (r->read(path, &f, why, len) != 0)
		return false;
	b->universal = f->universal != 0;
	for (size_t i = 0; i < f->nslices && ok; i++) {
		const struct bench_macho_slice *m = &f->slices[i];
		struct bench_q_slice *s = &b->slices[b->nslices++];

		snprintf(s->arch, sizeof(s->arch), "%s", strcmp(m->arch, "arm64") == 0 ? "aarch64"
											: m->arch);
		s->kext_type = m->filetype == Q_MH_KEXT_BUNDLE;
		snprintf(s->type_desc, sizeof(s->type_desc), "Mach-O file type %s (%u), not "
			 "MH_KEXT_BUNDLE", m->filetype == Q_MH_BUNDLE ? "MH_BUNDLE" : "", m->filetype);
		s->debug = m->has_debug != 0;
		snprintf(s->debug_section, sizeof(s->debug_section), "%s", m->debug_section);
		s->code_bytes = m->code_bytes;
		s->symtab_bytes = m->symtab_bytes;
		ok = q_slice_image(m, s);
	}
	r->release(f);
	if (!ok)
		snprintf(why, len, "out of memory");
	return ok;
}
