/* Reads a kext binary's ELF header, dynamic section and dynamic symbol
 * table with libelf, refusing with a reason anything that is not a shared
 * object for the architecture this bench was built for. */
#include "elf_image.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_internal.h"

__attribute__((format(printf, 4, 5)))
static enum bench_elf_status fail(enum bench_elf_status st, char *why, size_t why_len,
				  const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && why_len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Linkers define these in every output; they are no kext's own globals. */
static bool linker_generated(const char *name)
{
	static const char *const names[] = { "_init", "_fini", "_edata", "_end", "__bss_start" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* What a non-ELF file starts with: "'MZ'", "'#!/bin/s'" or "bytes 00 01 02 03". */
static void describe_start(const unsigned char *b, size_t n, char *out, size_t len)
{
	size_t printable = 0;

	while (printable < n && printable < 8 && b[printable] >= 0x20 && b[printable] < 0x7f &&
	       b[printable] != '\'')
		printable++;
	if (printable > 0) {
		snprintf(out, len, "starts with '%.*s'", (int)printable, (const char *)b);
		return;
	}
	snprintf(out, len, "starts with bytes");
	for (size_t i = 0; i < n && i < 4; i++) {
		size_t used = strlen(out);

		snprintf(out + used, len - used, " %02x", b[i]);
	}
}

/* The image is built in two passes over the same walk: the first sizes one
 * allocation, the second fills it, so the image is freed with one free(). */
struct builder {
	bool fill;
	size_t needed, undefined, defined, text; /* counts, then cursors */
	struct bench_elf_image *img;
	const char **needed_v;
	struct bench_elf_symbol *undefined_v, *defined_v;
	char *pool;
};

static const char *keep_string(struct builder *b, const char *s)
{
	size_t n = strlen(s) + 1;
	char *copy = NULL;

	if (b->fill) {
		copy = b->pool + b->text;
		memcpy(copy, s, n);
	}
	b->text += n;
	return copy;
}

static void add_symbol(struct builder *b, bool undefined, const char *name, const GElf_Sym *sym)
{
	size_t *count = undefined ? &b->undefined : &b->defined;
	const char *copy = keep_string(b, name);

	if (b->fill) {
		struct bench_elf_symbol *s = undefined ? &b->undefined_v[*count] : &b->defined_v[*count];
		unsigned type = GELF_ST_TYPE(sym->st_info);

		s->name = copy;
		s->weak = GELF_ST_BIND(sym->st_info) == STB_WEAK;
		s->function = type == STT_FUNC || type == STT_GNU_IFUNC;
	}
	(*count)++;
}

static enum bench_elf_status walk_dynamic(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
					  struct builder *b, const char *name, char *why, size_t why_len)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t entsize = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);

	if (data == NULL || entsize == 0)
		return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: unreadable dynamic section: %s",
			    name, elf_errmsg(-1));
	for (size_t i = 0; i < data->d_size / entsize && i < INT_MAX; i++) {
		GElf_Dyn dyn;
		const char *s;

		if (gelf_getdyn(data, (int)i, &dyn) == NULL || dyn.d_tag == DT_NULL)
			break;
		if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE))
			return fail(BENCH_ELF_NOT_SHARED, why, why_len,
				    "%s: a position-independent executable, not a shared object", name);
		if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_SONAME)
			continue;
		s = elf_strptr(elf, sh->sh_link, dyn.d_un.d_val);
		if (s == NULL)
			return fail(BENCH_ELF_MALFORMED, why, why_len,
				    "%s: dynamic entry %zu names no string", name, i);
		s = keep_string(b, s);
		if (b->fill && dyn.d_tag == DT_SONAME)
			b->img->soname = s;
		else if (b->fill)
			b->needed_v[b->needed] = s;
		b->needed += dyn.d_tag == DT_NEEDED;
	}
	return BENCH_ELF_OK;
}

static enum bench_elf_status walk_dynsym(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
					 struct builder *b, const char *name, char *why, size_t why_len)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT), count;

	if (data == NULL || entsize == 0)
		return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: unreadable .dynsym: %s", name,
			    elf_errmsg(-1));
	count = data->d_size / entsize;
	if (count > INT_MAX) /* gelf_getsym takes an int */
		return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: %zu dynamic symbols", name, count);
	/* Entry 0 is the reserved null symbol. */
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		const char *sname;
		unsigned bind, vis, type;

		if (gelf_getsym(data, (int)i, &sym) == NULL ||
		    (sname = elf_strptr(elf, sh->sh_link, sym.st_name)) == NULL)
			return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: dynamic symbol %zu unreadable",
				    name, i);
		bind = GELF_ST_BIND(sym.st_info);
		vis = GELF_ST_VISIBILITY(sym.st_other);
		type = GELF_ST_TYPE(sym.st_info);
		if (sname[0] == '\0' || type == STT_SECTION || type == STT_FILE)
			continue;
		if (sym.st_shndx == SHN_UNDEF) {
			if (bind == STB_GLOBAL || bind == STB_WEAK)
				add_symbol(b, true, sname, &sym);
			continue;
		}
		if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE)
			continue;
		if (vis != STV_DEFAULT && vis != STV_PROTECTED)
			continue;
		if (sym.st_shndx == SHN_ABS || linker_generated(sname))
			continue;
		add_symbol(b, false, sname, &sym);
	}
	return BENCH_ELF_OK;
}

/* One pass over the sections (sizing or filling b). */
static enum bench_elf_status walk(Elf *elf, struct builder *b, const char *name, char *why,
				  size_t why_len)
{
	Elf_Scn *scn = NULL, *dynsym = NULL, *dynamic = NULL;
	GElf_Shdr dynsym_sh = { 0 }, dynamic_sh = { 0 }, sh;
	enum bench_elf_status st;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: unreadable section header: %s",
				    name, elf_errmsg(-1));
		if (sh.sh_type == SHT_DYNSYM && dynsym == NULL) {
			dynsym = scn;
			dynsym_sh = sh;
		} else if (sh.sh_type == SHT_DYNAMIC && dynamic == NULL) {
			dynamic = scn;
			dynamic_sh = sh;
		}
	}
	if (dynsym == NULL)
		return fail(BENCH_ELF_MALFORMED, why, why_len,
			    "%s: no dynamic symbol table (.dynsym), so nothing to link", name);
	if (dynamic != NULL) {
		st = walk_dynamic(elf, dynamic, &dynamic_sh, b, name, why, why_len);
		if (st != BENCH_ELF_OK)
			return st;
	}
	return walk_dynsym(elf, dynsym, &dynsym_sh, b, name, why, why_len);
}

/* Class, byte order, machine (unless any_machine: qualification reads
 * binaries built for other architectures) and type against the bench's. */
static enum bench_elf_status check_header(Elf *elf, bool any_machine, const char *name, char *why,
					  size_t why_len)
{
	const char *ident = elf_getident(elf, NULL);
	GElf_Ehdr eh;
	char mbuf[24];
	const char *machine;

	if (ident == NULL || (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64))
		return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: ELF header with an invalid class",
			    name);
	if (gelf_getehdr(elf, &eh) == NULL)
		return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: truncated ELF header: %s", name,
			    elf_errmsg(-1));
	machine = bench_elf_machine_name(eh.e_machine, mbuf, sizeof(mbuf));
	if (!any_machine && ident[EI_CLASS] != BENCH_ELF_HOST_CLASS)
		return fail(BENCH_ELF_WRONG_CLASS, why, why_len,
			    "%s: %s object on a %s bench (built for %s)", name,
			    ident[EI_CLASS] == ELFCLASS32 ? "ELFCLASS32" : "ELFCLASS64",
			    BENCH_ELF_HOST_CLASS == ELFCLASS64 ? "64-bit" : "32-bit", machine);
	if (!any_machine && ident[EI_DATA] != BENCH_ELF_HOST_DATA)
		return fail(BENCH_ELF_WRONG_DATA, why, why_len,
			    "%s: %s ELF (built for %s), this bench is %s", name,
			    ident[EI_DATA] == ELFDATA2MSB ? "big-endian" : "little-endian", machine,
			    BENCH_ELF_HOST_DATA == ELFDATA2MSB ? "big-endian" : "little-endian");
	if (!any_machine && BENCH_ELF_HOST_MACHINE != EM_NONE &&
	    eh.e_machine != BENCH_ELF_HOST_MACHINE)
		return fail(BENCH_ELF_WRONG_MACHINE, why, why_len, "%s: ELF for %s, this bench runs %s",
			    name, machine, bench_elf_host_machine());
	switch (eh.e_type) {
	case ET_DYN:
		return BENCH_ELF_OK;
	case ET_EXEC:
		return fail(BENCH_ELF_NOT_SHARED, why, why_len, "%s: an executable, not a shared object",
			    name);
	case ET_REL:
		return fail(BENCH_ELF_NOT_SHARED, why, why_len,
			    "%s: a relocatable object (.o), not a shared object (link it with -shared)",
			    name);
	case ET_CORE:
		return fail(BENCH_ELF_NOT_SHARED, why, why_len, "%s: a core dump, not a shared object",
			    name);
	default:
		return fail(BENCH_ELF_NOT_SHARED, why, why_len,
			    "%s: ELF type %u, not a shared object", name, (unsigned)eh.e_type);
	}
}

/* Sizes, allocates and fills the image once the file is known to be ours. */
static enum bench_elf_status build(Elf *elf, const char *path, const char *name,
				   struct bench_elf_image **out, char *why, size_t why_len)
{
	struct builder size = { 0 }, b;
	enum bench_elf_status st = walk(elf, &size, name, why, why_len);
	size_t head, path_len = strlen(path) + 1;
	char *block;

	if (st != BENCH_ELF_OK)
		return st;
	head = sizeof(struct bench_elf_image) + size.needed * sizeof(char *) +
	       (size.undefined + size.defined) * sizeof(struct bench_elf_symbol);
	block = calloc(1, head + path_len + size.text);
	if (block == NULL)
		return fail(BENCH_ELF_NO_MEMORY, why, why_len, "%s: out of memory", name);
	/* Layout: image, needed[], undefined[], defined[], path, strings. The
	 * pointer array keeps the symbol arrays pointer-aligned. */
	b = (struct builder){ .fill = true, .img = (struct bench_elf_image *)block };
	b.needed_v = (const char **)(b.img + 1);
	b.undefined_v = (struct bench_elf_symbol *)(b.needed_v + size.needed);
	b.defined_v = b.undefined_v + size.undefined;
	memcpy(block + head, path, path_len);
	b.pool = block + head + path_len;
	st = walk(elf, &b, name, why, why_len);
	if (st != BENCH_ELF_OK) {
		free(block);
		return st;
	}
	b.img->path = block + head;
	b.img->name = b.img->path + (name - path);
	b.img->needed = b.needed_v;
	b.img->needed_count = b.needed;
	b.img->undefined = b.undefined_v;
	b.img->undefined_count = b.undefined;
	b.img->defined = b.defined_v;
	b.img->defined_count = b.defined;
	*out = b.img;
	return BENCH_ELF_OK;
}

/* Refuses what is not a readable regular file holding ELF magic. */
static enum bench_elf_status check_file(int fd, const char *name, char *why, size_t why_len)
{
	struct stat stbuf;
	unsigned char start[SELFMAG + 4];
	ssize_t n;
	char desc[64];

	if (fstat(fd, &stbuf) != 0)
		return fail(BENCH_ELF_UNREADABLE, why, why_len, "%s: cannot read: %s", name,
			    strerror(errno));
	if (S_ISDIR(stbuf.st_mode))
		return fail(BENCH_ELF_UNREADABLE, why, why_len, "%s: a directory, not a binary", name);
	if (!S_ISREG(stbuf.st_mode))
		return fail(BENCH_ELF_UNREADABLE, why, why_len, "%s: not a regular file", name);
	n = pread(fd, start, sizeof(start), 0);
	if (n < 0)
		return fail(BENCH_ELF_UNREADABLE, why, why_len, "%s: cannot read: %s", name,
			    strerror(errno));
	if (n == 0)
		return fail(BENCH_ELF_NOT_ELF, why, why_len, "%s: not an ELF file (empty)", name);
	if ((size_t)n < SELFMAG || memcmp(start, ELFMAG, SELFMAG) != 0) {
		describe_start(start, (size_t)n, desc, sizeof(desc));
		return fail(BENCH_ELF_NOT_ELF, why, why_len, "%s: not an ELF file (%s)", name, desc);
	}
	return BENCH_ELF_OK;
}

static enum bench_elf_status open_image(const char *path, bool any_machine,
				       struct bench_elf_image **out, char *why, size_t why_len)
{
	const char *name, *slash;
	enum bench_elf_status st;
	Elf *elf;
	int fd;

	if (out != NULL)
		*out = NULL;
	if (path == NULL || *path == '\0' || out == NULL)
		return fail(BENCH_ELF_UNREADABLE, why, why_len, "no path given");
	slash = strrchr(path, '/');
	name = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
	/* O_NONBLOCK: a FIFO given as the binary must not hang the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(BENCH_ELF_UNREADABLE, why, why_len, "%s: cannot open: %s", name,
			    strerror(errno));
	st = check_file(fd, name, why, why_len);
	if (st != BENCH_ELF_OK) {
		close(fd);
		return st;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		close(fd);
		return fail(BENCH_ELF_MALFORMED, why, why_len, "%s: libelf is out of date: %s", name,
			    elf_errmsg(-1));
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
		st = fail(BENCH_ELF_MALFORMED, why, why_len, "%s: unreadable ELF: %s", name,
			  elf_errmsg(-1));
	} else {
		st = check_header(elf, any_machine, name, why, why_len);
		if (st == BENCH_ELF_OK)
			st = build(elf, path, name, out, why, why_len);
	}
	elf_end(elf);
	close(fd);
	return st;
}

enum bench_elf_status bench_elf_image_open(const char *path, struct bench_elf_image **out,
					   char *why, size_t why_len)
{
	return open_image(path, false, out, why, why_len);
}

enum bench_elf_status bench_elf_image_open_any(const char *path, struct bench_elf_image **out,
					       char *why, size_t why_len)
{
	return open_image(path, true, out, why, why_len);
}

void bench_elf_image_free(struct bench_elf_image *img)
{
	free(img);
}
