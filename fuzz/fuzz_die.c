/* A fuzz target's finding (fuzz_die.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_die.h"

void fuzz_die(const char *target, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s: ", target);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
