/* Coverage instrumentation of a shared object (fuzz_sancov.h), read from
 * its section headers: the compiler puts the per-edge counters (inline
 * 8-bit counters) or guards (trace-pc-guard) in sections of known names. */
#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_sancov.h"

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len;
}

static int scan(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Shdr names, sh;
	char *str;
	int found = 0;

	if (!read_at(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shstrndx >= eh.e_shnum ||
	    !read_at(fd, &names, sizeof(names), (off_t)(eh.e_shoff + eh.e_shstrndx * sizeof(sh))) ||
	    names.sh_size == 0 || names.sh_size > (1u << 24))
		return -1;
	str = malloc(names.sh_size + 1);
	if (str == NULL || !read_at(fd, str, names.sh_size, (off_t)names.sh_offset)) {
		free(str);
		return -1;
	}
	str[names.sh_size] = '\0';
	for (unsigned i = 0; i < eh.e_shnum && !found; i++) {
		if (!read_at(fd, &sh, sizeof(sh), (off_t)(eh.e_shoff + i * sizeof(sh))) ||
		    sh.sh_name >= names.sh_size)
			continue;
		found = strcmp(str + sh.sh_name, "__sancov_cntrs") == 0 ||
			strcmp(str + sh.sh_name, "__sancov_guards") == 0;
	}
	free(str);
	return found;
}

int fuzz_sancov_instrumented(const char *path)
{
	int fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	int r;

	if (fd < 0)
		return -1;
	r = scan(fd);
	close(fd);
	return r;
}
