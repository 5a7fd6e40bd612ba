/* Resolving the NVMe driver's operations in the loaded kext (nvme_api.h). */
#include <stdio.h>
#include <string.h>

#include "nvme_api.h"

struct nvme_api nvt_api;

/* The driver's exported names carry its bundle's prefix (drvbench qualify). */
#define NVT_API_PREFIX "org_drvbench_driver_nvme_"
#define NVT_API_RESOLVE(name)                                                          \
	do {                                                                           \
		void *sym = bench_machine_kext_symbol(fx, NVT_API_PREFIX #name);       \
		if (sym == NULL) {                                                     \
			snprintf(why, len, "the kext exports no " NVT_API_PREFIX #name);  \
			return false;                                                  \
		}                                                                      \
		memcpy(&api.name, &sym, sizeof(sym));                                  \
	} while (0)

bool nvt_api_resolve(struct bench_machine *fx, char *why, size_t len)
{
	struct nvme_api api;

	NVT_API_RESOLVE(get_info);
	NVT_API_RESOLVE(get_stats);
	NVT_API_RESOLVE(identify);
	NVT_API_RESOLVE(read);
	NVT_API_RESOLVE(write);
	NVT_API_RESOLVE(read_buf);
	NVT_API_RESOLVE(write_buf);
	NVT_API_RESOLVE(flush);
	NVT_API_RESOLVE(passthru);
	NVT_API_RESOLVE(completion_log);
	NVT_API_RESOLVE(set_timeout);
	NVT_API_RESOLVE(set_queue_interrupt);
	nvt_api = api;
	return true;
}
