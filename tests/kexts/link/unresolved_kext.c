/* Fixture: a kext linked against what the kernel does not export (a libc
 * function and a function nobody defines), plus a weak reference that may
 * stay unresolved. */
#include "shim/log.h"

int printf(const char *fmt, ...);
int totally_missing(int x);
int maybe_present(void) __attribute__((weak));

const int kmod_info = 1;

int unresolved_entry(int x);
int unresolved_entry(int x)
{
	shim_log(SHIM_LOG_INFO, "entry");
	if (maybe_present)
		x += maybe_present();
	printf("%d\n", x);
	return totally_missing(x);
}
