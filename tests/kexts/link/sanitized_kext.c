/* Fixture: a kext compiled with sanitizer instrumentation: its references
 * to the runtime (__asan_*, __ubsan_*) are provided by the build, not by a
 * KPI, and must not be refused. */
#include "shim/libkern.h"

const int kmod_info = 1;

int sanitized_sum(const int *v, int n);
int sanitized_sum(const int *v, int n)
{
	int sum = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	return sum + (int)shim_strlen("x");
}
