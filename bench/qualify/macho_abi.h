/* The C boundary of the Mach-O reader (libdrvbench-macho.so, one C++ file
 * over LLVM's object library), loaded with dlopen only when a Mach-O
 * binary is met: linking libLLVM into every drvbench process would cost
 * each of them ~80 ms of start-up. Plain C types only. */
#ifndef BENCH_MACHO_ABI_H
#define BENCH_MACHO_ABI_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MACHO_ABI_VERSION 1u
#define BENCH_MACHO_READER_SYMBOL "bench_macho_reader"
#define BENCH_MACHO_MAX_SLICES 16

struct bench_macho_sym {
	const char *name;   /* as in the file: C names carry a leading '_' */
	unsigned char defined, global, weak, function;
};

struct bench_macho_slice {
	char arch[24];           /* "x86_64", "arm64", "i386", ... */
	uint64_t offset, size;   /* in the file (a thin file: 0 and its size) */
	uint32_t filetype;       /* MH_BUNDLE 8, MH_KEXT_BUNDLE 11, ... */
	int has_debug;           /* a __DWARF segment or __debug_* section */
	char debug_section[48];  /* the first one met */
	uint64_t code_bytes;     /* sections holding instructions */
	uint64_t symtab_bytes;   /* LC_SYMTAB's symbols and strings */
	struct bench_macho_sym *syms;
	size_t nsyms;
};

struct bench_macho_file {
	int universal;
	size_t nslices;
	struct bench_macho_slice slices[BENCH_MACHO_MAX_SLICES];
};

struct bench_macho_reader {
	unsigned abi_version; /* BENCH_MACHO_ABI_VERSION */
	/* 0 with *out set, else -1 with why ("truncated load command ...",
	 * "slices x86_64 and arm64 overlap"). Never aborts on bad input. */
	int (*read)(const char *path, struct bench_macho_file **out, char *why, size_t len);
	void (*release)(struct bench_macho_file *f);
};

#endif
