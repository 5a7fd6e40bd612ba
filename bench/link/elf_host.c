/* Names for ELF readers' answers: the machines ELF files are built for,
 * the one this bench runs on, and the reader's status codes. */
#include "elf_image.h"

#include <gelf.h>
#include <stdio.h>

#include "elf_internal.h"

static const char *const status_strings[] = {
	[BENCH_ELF_OK] = "BENCH_ELF_OK: a shared object for this bench",
	[BENCH_ELF_UNREADABLE] = "BENCH_ELF_UNREADABLE: cannot read the file",
	[BENCH_ELF_NOT_ELF] = "BENCH_ELF_NOT_ELF: not an ELF file",
	[BENCH_ELF_WRONG_CLASS] = "BENCH_ELF_WRONG_CLASS: ELF class differs from the bench's",
	[BENCH_ELF_WRONG_DATA] = "BENCH_ELF_WRONG_DATA: byte order differs from the bench's",
	[BENCH_ELF_WRONG_MACHINE] = "BENCH_ELF_WRONG_MACHINE: built for another architecture",
	[BENCH_ELF_NOT_SHARED] = "BENCH_ELF_NOT_SHARED: not a shared object",
	[BENCH_ELF_MALFORMED] = "BENCH_ELF_MALFORMED: truncated or without dynamic symbols",
	[BENCH_ELF_NO_MEMORY] = "BENCH_ELF_NO_MEMORY: out of memory",
};
_Static_assert(sizeof(status_strings) / sizeof(status_strings[0]) == BENCH_ELF_STATUS_COUNT_,
	       "one string per bench_elf_status");

const char *bench_elf_status_string(enum bench_elf_status s)
{
	if ((unsigned)s >= BENCH_ELF_STATUS_COUNT_)
		return "unknown ELF status";
	return status_strings[s];
}

static const struct {
	unsigned machine;
	const char *name;
} machine_names[] = {
	{ EM_X86_64, "x86_64" }, { EM_386, "i386" }, { EM_AARCH64, "aarch64" },
	{ EM_ARM, "arm" }, { EM_RISCV, "riscv" }, { EM_PPC64, "ppc64" }, { EM_PPC, "ppc" },
	{ EM_S390, "s390" }, { EM_MIPS, "mips" }, { EM_SPARCV9, "sparcv9" },
};

BENCH_INTERNAL const char *bench_elf_machine_name(unsigned machine, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
		if (machine_names[i].machine == machine)
			return machine_names[i].name;
	snprintf(buf, len, "machine %u", machine);
	return buf;
}

const char *bench_elf_host_machine(void)
{
	static char buf[24];

	return bench_elf_machine_name(BENCH_ELF_HOST_MACHINE, buf, sizeof(buf));
}

