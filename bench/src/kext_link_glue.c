/* The kernel linker's checks before a kext's binary is mapped. Placeholder
 * until bench/link lands: accepts every binary. */
#include "kext_priv.h"

shim_ret bench_kext_link(struct bench_kext *k, char *why, size_t len)
{
	(void)k;
	(void)why;
	(void)len;
	return SHIM_OK;
}

void bench_kext_unlink(struct bench_kext *k)
{
	k->link_registered = false;
}
