/* Reading a kext's executable once for every binary rule: by its magic, an
 * ELF file through bench/link's libelf reader (any class and machine) or a
 * Mach-O file, thin or universal, through the LLVM-based reader. Whatever
 * cannot be read is one binary.malformed finding with the reader's reason. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "q_internal.h"

static bool q_is_macho(const unsigned char *m, size_t n)
{
	static const unsigned char magics[][4] = {
		{ 0xfe, 0xed, 0xfa, 0xce }, { 0xce, 0xfa, 0xed, 0xfe }, /* 32-bit, either order */
		{ 0xfe, 0xed, 0xfa, 0xcf }, { 0xcf, 0xfa, 0xed, 0xfe }, /* 64-bit */
		{ 0xca, 0xfe, 0xba, 0xbe }, { 0xca, 0xfe, 0xba, 0xbf }, /* universal (fat, fat64) */
	};

	for (size_t i = 0; n >= 4 && i < sizeof(magics) / sizeof(magics[0]); i++)
		if (memcmp(m, magics[i], 4) == 0)
			return true;
	return false;
}

static void q_describe(const unsigned char *m, size_t n, char *out, size_t len)
{
	size_t k = 0;

	if (n == 0) {
		snprintf(out, len, "empty");
		return;
	}
	k = (size_t)snprintf(out, len, "starts with bytes");
	for (size_t i = 0; i < n && i < 4 && k < len; i++)
		k += (size_t)snprintf(out + k, len - k, " %02x", m[i]);
}

static bool q_read_elf(const char *path, struct bench_q_binary *b, char *why, size_t len)
{
	struct bench_q_slice *s = &b->slices[0];
	struct bench_elf_facts facts;
	enum bench_elf_status st;

	if (bench_elf_facts_read(path, &facts, why, len) != BENCH_ELF_OK)
		return false;
	b->nslices = 1;
	snprintf(s->arch, sizeof(s->arch), "%s", facts.machine);
	s->debug = facts.debug_info;
	snprintf(s->debug_section, sizeof(s->debug_section), "%s", facts.debug_section);
	s->code_bytes = facts.code_bytes;
	s->symtab_bytes = facts.symtab_bytes;
	st = bench_elf_image_open_any(path, &s->img, why, len);
	if (st == BENCH_ELF_NOT_SHARED) {
		const char *colon = strstr(why, ": ");

		snprintf(s->type_desc, sizeof(s->type_desc), "%s", colon ? colon + 2 : why);
		return true; /* readable, just not a kext: binary.type says so */
	}
	if (st != BENCH_ELF_OK)
		return false;
	s->img_from_elf = true;
	s->kext_type = true;
	return true;
}

void bench_q_binary_read(struct bench_q_ctx *c)
{
	char path[BENCH_Q_PATH + 600];

	if (!c->exec_present)
		return;
	snprintf(path, sizeof(path), "%s/%s", c->dir, c->exec_rel);
	bench_q_binary_read_file(c, path);
}

void bench_q_binary_read_file(struct bench_q_ctx *c, const char *path)
{
	char why[512] = "", desc[64];
	unsigned char magic[4];
	ssize_t n = 0;
	bool ok;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		n = pread(fd, magic, sizeof(magic), 0);
		close(fd);
	}
	if (fd < 0 || n < 0) {
		bench_q_add(c, "binary.malformed", c->exec_rel, "", "", "make the executable readable",
			    "%s cannot be read", c->exec_rel);
		return;
	}
	if ((size_t)n >= 4 && memcmp(magic, "\177ELF", 4) == 0) {
		ok = q_read_elf(path, &c->bin, why, sizeof(why));
	} else if (q_is_macho(magic, (size_t)n)) {
		c->bin.macho = true;
		ok = bench_q_macho_read(path, &c->bin, why, sizeof(why));
	} else {
		q_describe(magic, (size_t)n, desc, sizeof(desc));
		snprintf(why, sizeof(why), "not an ELF or Mach-O file (%s)", desc);
		ok = false;
	}
	if (!ok) {
		bench_q_binary_free(&c->bin);
		bench_q_add(c, "binary.malformed", c->exec_rel, "", "",
			    "rebuild the kext and install the linker's output unchanged",
			    "%s: %s", c->exec_rel, why);
		return;
	}
	c->bin.read = true;
	if (c->bin.macho)
		snprintf(c->res->runs_here_why, sizeof(c->res->runs_here_why),
			 "a Mach-O kext runs on macOS, not on this bench");
	else if (strcmp(c->bin.slices[0].arch, bench_elf_host_machine()) != 0 ||
		 !c->bin.slices[0].kext_type)
		snprintf(c->res->runs_here_why, sizeof(c->res->runs_here_why),
			 "the binary is not an ELF shared object for this %s bench",
			 bench_elf_host_machine());
	else
		c->res->runs_here = true;
}

void bench_q_binary_free(struct bench_q_binary *b)
{
	for (size_t i = 0; i < b->nslices; i++) {
		struct bench_q_slice *s = &b->slices[i];

		bench_elf_image_free(s->img); /* one block, whichever reader built it */
		bench_q_names_free(s->classes);
	}
	memset(b, 0, sizeof(*b));
}
