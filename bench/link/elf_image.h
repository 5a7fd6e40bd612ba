/* What the loader's link checks need from a kext binary, read with libelf:
 * that it is an ELF shared object for this bench's architecture, the
 * symbols it needs (undefined) and the globals it exports (defined). */
#ifndef BENCH_ELF_IMAGE_H
#define BENCH_ELF_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

enum bench_elf_status {
	BENCH_ELF_OK = 0,
	BENCH_ELF_UNREADABLE,    /* missing, not a regular file, no permission, I/O error */
	BENCH_ELF_NOT_ELF,       /* no ELF magic (a script, a PE file, an ar archive, ...) */
	BENCH_ELF_WRONG_CLASS,   /* ELFCLASS32 on a 64-bit bench, or the reverse */
	BENCH_ELF_WRONG_DATA,    /* byte order differs from the bench's */
	BENCH_ELF_WRONG_MACHINE, /* e_machine is not the bench's architecture */
	BENCH_ELF_NOT_SHARED,    /* an executable (PIE included), relocatable or core file */
	BENCH_ELF_MALFORMED,     /* truncated, or no dynamic symbol table */
	BENCH_ELF_NO_MEMORY,
	BENCH_ELF_STATUS_COUNT_
};

/* Never NULL: "BENCH_ELF_NOT_ELF: not an ELF file", ...; unknown values
 * give "unknown ELF status". */
const char *bench_elf_status_string(enum bench_elf_status s);

struct bench_elf_symbol {
	const char *name;
	bool weak;     /* STB_WEAK: an undefined weak reference may stay unresolved */
	bool function; /* STT_FUNC or STT_GNU_IFUNC; else data or untyped */
};

/* Read-only once built. Strings live as long as the image. */
struct bench_elf_image {
	const char *path;     /* as given */
	const char *name;     /* its last path component, used in messages */
	const char *soname;   /* DT_SONAME, NULL if none */
	const char *const *needed; /* DT_NEEDED entries, in order */
	size_t needed_count;
	/* Undefined global and weak symbols of .dynsym: what the binary needs. */
	const struct bench_elf_symbol *undefined;
	size_t undefined_count;
	/* Defined global, weak and unique symbols of .dynsym with default or
	 * protected visibility: what it exports into the flat namespace. Not
	 * included: SHN_ABS symbols and the ones linkers add by themselves
	 * (_init, _fini, _edata, _end, __bss_start: gold still exports the last
	 * three, older GNU ld all five). */
	const struct bench_elf_symbol *defined;
	size_t defined_count;
};

/* Reads path. On success *out is the image (free it with
 * bench_elf_image_free). On failure *out is NULL and why (if why_len > 0)
 * says what is wrong, naming the file by its last component:
 * "EduDriver: not an ELF file (starts with 'MZ')",
 * "EduDriver: ELF for aarch64, this bench runs x86_64",
 * "EduDriver: ELFCLASS32 object on a 64-bit bench (built for i386)". */
enum bench_elf_status bench_elf_image_open(const char *path, struct bench_elf_image **out,
					   char *why, size_t why_len);
/* The same for a shared object of any ELF class, byte order and machine
 * (qualification reads the i386 and aarch64 builds of a kext too). */
enum bench_elf_status bench_elf_image_open_any(const char *path, struct bench_elf_image **out,
					       char *why, size_t why_len);
void bench_elf_image_free(struct bench_elf_image *img);

/* What qualification wants beyond the link's needs, from the section
 * headers of an ELF file of any class and machine. */
struct bench_elf_facts {
	char machine[24];          /* "x86_64", "i386", "aarch64", "machine 42" */
	unsigned elf_class;        /* 32 or 64 */
	unsigned type;             /* e_type: ET_DYN for a kext */
	bool debug_info;           /* a .debug_* or .zdebug_* section (DWARF) */
	char debug_section[32];    /* the first one */
	unsigned long long code_bytes;   /* sections holding instructions */
	unsigned long long symtab_bytes; /* .symtab and its string table (0: stripped) */
};

/* Reads path's ELF header and section headers. BENCH_ELF_OK, or the
 * status of bench_elf_image_open (UNREADABLE, NOT_ELF, MALFORMED) with why. */
enum bench_elf_status bench_elf_facts_read(const char *path, struct bench_elf_facts *out,
					   char *why, size_t why_len);

/* The e_machine this bench was built for ("x86_64", "aarch64", ...). */
const char *bench_elf_host_machine(void);

#endif
