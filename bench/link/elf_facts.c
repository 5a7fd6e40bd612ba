/* What qualification reads from an ELF file's section headers besides its
 * symbols: the machine and class it was built for, whether DWARF debug
 * sections are left in, the bytes of code and of the symbol table. Any
 * class and machine; libelf bounds every header it hands back. */
#include "elf_image.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_internal.h"

static enum bench_elf_status facts_fail(enum bench_elf_status st, char *why, size_t len,
					const char *name, const char *what)
{
	if (why != NULL && len > 0)
		snprintf(why, len, "%s: %s", name, what);
	return st;
}

static bool is_debug_section(const char *n)
{
	return strncmp(n, ".debug_", 7) == 0 || strncmp(n, ".zdebug_", 8) == 0;
}

/* The size of the section at index idx, 0 when there is none. */
static unsigned long long section_size(Elf *elf, size_t idx)
{
	Elf_Scn *scn = elf_getscn(elf, idx);
	GElf_Shdr sh;

	return scn != NULL && gelf_getshdr(scn, &sh) != NULL ? sh.sh_size : 0;
}

static enum bench_elf_status walk_sections(Elf *elf, struct bench_elf_facts *out,
					   const char *name, char *why, size_t len)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx = 0;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return facts_fail(BENCH_ELF_MALFORMED, why, len, name, "unreadable section headers");
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		const char *sname;

		if (gelf_getshdr(scn, &sh) == NULL)
			return facts_fail(BENCH_ELF_MALFORMED, why, len, name,
					  "unreadable section header");
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sname == NULL)
			sname = "";
		if ((sh.sh_flags & SHF_EXECINSTR) && sh.sh_type != SHT_NOBITS)
			out->code_bytes += sh.sh_size;
		if (sh.sh_type == SHT_SYMTAB)
			out->symtab_bytes += sh.sh_size + section_size(elf, sh.sh_link);
		if (!out->debug_info && is_debug_section(sname)) {
			out->debug_info = true;
			snprintf(out->debug_section, sizeof(out->debug_section), "%s", sname);
		}
	}
	return BENCH_ELF_OK;
}

enum bench_elf_status bench_elf_facts_read(const char *path, struct bench_elf_facts *out,
					   char *why, size_t why_len)
{
	const char *slash = path != NULL ? strrchr(path, '/') : NULL;
	const char *name = slash != NULL ? slash + 1 : path;
	enum bench_elf_status st = BENCH_ELF_OK;
	struct stat stbuf;
	GElf_Ehdr eh;
	Elf *elf;
	int fd;

	memset(out, 0, sizeof(*out));
	if (path == NULL)
		return facts_fail(BENCH_ELF_UNREADABLE, why, why_len, "?", "no path given");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return facts_fail(BENCH_ELF_UNREADABLE, why, why_len, name, strerror(errno));
	if (fstat(fd, &stbuf) != 0 || !S_ISREG(stbuf.st_mode)) {
		close(fd);
		return facts_fail(BENCH_ELF_UNREADABLE, why, why_len, name, "not a regular file");
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		close(fd);
		return facts_fail(BENCH_ELF_MALFORMED, why, why_len, name, "libelf is out of date");
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf == NULL || elf_kind(elf) != ELF_K_ELF) {
		st = facts_fail(BENCH_ELF_NOT_ELF, why, why_len, name, "not an ELF file");
	} else if (gelf_getehdr(elf, &eh) == NULL) {
		st = facts_fail(BENCH_ELF_MALFORMED, why, why_len, name, "truncated ELF header");
	} else {
		char mbuf[24];

		snprintf(out->machine, sizeof(out->machine), "%s",
			 bench_elf_machine_name(eh.e_machine, mbuf, sizeof(mbuf)));
		out->elf_class = gelf_getclass(elf) == ELFCLASS32 ? 32 : 64;
		out->type = eh.e_type;
		st = walk_sections(elf, out, name, why, why_len);
	}
	elf_end(elf);
	close(fd);
	return st;
}
