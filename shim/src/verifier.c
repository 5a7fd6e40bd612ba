/* The verifier's record book: the first SHIM_VERIFIER_KEEP misuses are kept
 * with file:line, every one is counted. Fatal mode (fuzzers, strict tests)
 * turns the first record into a crash a harness cannot miss. */
#include "shim/machine.h"
#include "shim/verifier.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct shim_violation records[SHIM_VERIFIER_KEEP];
static size_t record_count;
static bool fatal_mode;

static const char *const kind_strings[] = {
	[SHIM_V_PREPARE_UNBALANCED] = "PREPARE_UNBALANCED",
	[SHIM_V_REFCOUNT_UNDERFLOW] = "REFCOUNT_UNDERFLOW",
	[SHIM_V_DMA_UNPREPARED] = "DMA_UNPREPARED",
	[SHIM_V_DMA_OUT_OF_RANGE] = "DMA_OUT_OF_RANGE",
	[SHIM_V_BLOCKING_IN_FILTER] = "BLOCKING_IN_FILTER",
	[SHIM_V_LOCK_MISUSE] = "LOCK_MISUSE",
	[SHIM_V_LEAK_AT_UNLOAD] = "LEAK_AT_UNLOAD",
	[SHIM_V_FREE_MISMATCH] = "FREE_MISMATCH",
	[SHIM_V_MMIO_OUT_OF_RANGE] = "MMIO_OUT_OF_RANGE",
	[SHIM_V_BAD_STATE] = "BAD_STATE",
};

_Static_assert(sizeof(kind_strings) / sizeof(kind_strings[0]) == SHIM_V_COUNT_,
	       "kind_strings must name every violation kind");

const char *shim_violation_kind_string(enum shim_violation_kind kind)
{
	if ((unsigned)kind >= (unsigned)SHIM_V_COUNT_)
		return "UNKNOWN_VIOLATION";
	return kind_strings[kind];
}

static void print_violation(const struct shim_violation *v)
{
	fprintf(stderr, "drvbench verifier: %s at %s:%d: %s\n",
		shim_violation_kind_string(v->kind), v->file ? v->file : "?", v->line,
		v->message);
}

void shim_verifier_record_(enum shim_violation_kind kind, const char *file, int line,
			   const char *fmt, ...)
{
	struct shim_violation v = { .kind = kind, .line = line };
	va_list ap;

	/* The site string may live in a kext that is unloaded before the
	 * record is read; keep its tail (the file name) in the record. */
	if (file != NULL) {
		size_t n = strlen(file);

		snprintf(v.site, sizeof(v.site), "%s", n < sizeof(v.site) ? file
								   : file + n - (sizeof(v.site) - 1));
	}

	va_start(ap, fmt);
	vsnprintf(v.message, sizeof(v.message), fmt, ap);
	va_end(ap);

	if (record_count < SHIM_VERIFIER_KEEP) {
		records[record_count] = v;
		records[record_count].file = file != NULL ? records[record_count].site : NULL;
	}
	record_count++;
	v.file = file != NULL ? v.site : NULL;

	if (fatal_mode) {
		print_violation(&v);
		abort();
	}
	if (getenv("DRVBENCH_VERIFIER_ECHO") != NULL)
		print_violation(&v);
}

size_t shim_verifier_count(void)
{
	return record_count;
}

const struct shim_violation *shim_verifier_get(size_t i)
{
	if (i >= record_count || i >= SHIM_VERIFIER_KEEP)
		return NULL;
	return &records[i];
}

void shim_verifier_clear(void)
{
	record_count = 0;
}

void shim_verifier_set_fatal(bool fatal)
{
	fatal_mode = fatal;
}
