/* gcc's coverage runtime (libgcov) inside a kext: a kext built with
 * --coverage carries it, and it calls the C library to write its .gcda
 * files. Those calls are the instrumentation's, not the driver's, so the
 * link checks admit exactly them, and only in a binary that carries the
 * runtime; the release build, which has none, checks the driver's own. */
#include <string.h>

#include "elf_image.h"
#include "link_internal.h"

/* The runtime's own global, present in every binary that carries it. */
#define GCOV_RUNTIME_MARK "__gcov_master"

/* What libgcov (gcc 12) imports from the C library, as `nm -D
 * --undefined-only` lists it for an empty shared object built with
 * --coverage. */
static const char *const gcov_runtime_imports[] = {
	"__errno_location", "abort", "access", "close", "exit", "fclose", "fcntl",
	"fdopen", "fopen", "fprintf", "fread", "free", "fseek", "fwrite", "getenv",
	"getpid", "malloc", "memcpy", "mkdir", "mmap", "open", "sprintf", "stderr",
	"strcat", "strchr", "strlen", "strtol", "vfprintf",
};

bool bench_link_carries_coverage_runtime(const struct bench_elf_image *img)
{
	for (size_t i = 0; i < img->defined_count; i++)
		if (strcmp(img->defined[i].name, GCOV_RUNTIME_MARK) == 0)
			return true;
	return false;
}

bool bench_link_coverage_runtime_import(const char *name)
{
	for (size_t i = 0; i < sizeof(gcov_runtime_imports) / sizeof(gcov_runtime_imports[0]); i++)
		if (strcmp(name, gcov_runtime_imports[i]) == 0)
			return true;
	return false;
}
