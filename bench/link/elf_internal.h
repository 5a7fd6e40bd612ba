/* Shared by the ELF reader's files, not part of bench/link's API: what
 * this bench runs on, as ELF names it. */
#ifndef BENCH_ELF_INTERNAL_H
#define BENCH_ELF_INTERNAL_H

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

#include "../src/internal.h"

/* The bench's own architecture, from the compiler, so a kext built for
 * another one is refused before dlopen gives a vaguer message. */
#if defined(__x86_64__)
#define BENCH_ELF_HOST_MACHINE EM_X86_64
#elif defined(__i386__)
#define BENCH_ELF_HOST_MACHINE EM_386
#elif defined(__aarch64__)
#define BENCH_ELF_HOST_MACHINE EM_AARCH64
#elif defined(__arm__)
#define BENCH_ELF_HOST_MACHINE EM_ARM
#elif defined(__riscv)
#define BENCH_ELF_HOST_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define BENCH_ELF_HOST_MACHINE EM_PPC64
#elif defined(__s390x__)
#define BENCH_ELF_HOST_MACHINE EM_S390
#else
#define BENCH_ELF_HOST_MACHINE EM_NONE /* not listed: the machine check is skipped, dlopen still refuses */
#endif

#if UINTPTR_MAX > 0xffffffffu
#define BENCH_ELF_HOST_CLASS ELFCLASS64
#else
#define BENCH_ELF_HOST_CLASS ELFCLASS32
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BENCH_ELF_HOST_DATA ELFDATA2MSB
#else
#define BENCH_ELF_HOST_DATA ELFDATA2LSB
#endif

/* "x86_64" for EM_X86_64 ..., or "machine 4242" written into buf. */
BENCH_INTERNAL const char *bench_elf_machine_name(unsigned machine, char *buf, size_t len);

#endif
