/* Resolving the edu driver's operations in the loaded kext (edu_api.h). */
#include <stdio.h>
#include <string.h>

#include "edu_api.h"

struct edu_api edu_api;

#define EDU_API_PREFIX "org_drvbench_driver_edu_"
#define EDU_API_RESOLVE(name)                                                          \
	do {                                                                           \
		void *sym = bench_machine_kext_symbol(fx, EDU_API_PREFIX #name);       \
		if (sym == NULL) {                                                     \
			snprintf(why, len, "the kext exports no " EDU_API_PREFIX #name);  \
			return false;                                                  \
		}                                                                      \
		memcpy(&api.name, &sym, sizeof(sym));                                  \
	} while (0)

bool edu_api_resolve(struct bench_machine *fx, char *why, size_t len)
{
	struct edu_api api;

	EDU_API_RESOLVE(liveness);
	EDU_API_RESOLVE(read_id);
	EDU_API_RESOLVE(factorial);
	EDU_API_RESOLVE(factorial_polled);
	EDU_API_RESOLVE(dma_to_device);
	EDU_API_RESOLVE(dma_from_device);
	EDU_API_RESOLVE(dma_memdesc);
	EDU_API_RESOLVE(raise_interrupt);
	EDU_API_RESOLVE(get_stats);
	edu_api = api;
	return true;
}
