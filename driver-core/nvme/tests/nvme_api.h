/* The NVMe driver's operations, reached in the loaded kext through the
 * bench's symbol lookup (the test module is not linked to the driver: a
 * bundle is mapped afresh on every load). Each member has the type of the
 * prototype in nvme/nvme_driver.h. */
#ifndef NVME_TESTS_API_H
#define NVME_TESTS_API_H

#include "bench/scenario.h"
#include "nvme/nvme_driver.h"

#define NVME_API_MEMBER(name) __typeof__(&org_drvbench_driver_nvme_##name) name

struct nvme_api {
	NVME_API_MEMBER(get_info);
	NVME_API_MEMBER(get_stats);
	NVME_API_MEMBER(identify);
	NVME_API_MEMBER(read);
	NVME_API_MEMBER(write);
	NVME_API_MEMBER(read_buf);
	NVME_API_MEMBER(write_buf);
	NVME_API_MEMBER(flush);
	NVME_API_MEMBER(passthru);
	NVME_API_MEMBER(completion_log);
	NVME_API_MEMBER(set_timeout);
	NVME_API_MEMBER(set_queue_interrupt);
};

/* Filled by nvt_api_resolve for the kext loaded on this run. */
extern struct nvme_api nvt_api;

/* Resolves every operation in the machine's kext; false (why) if one is missing. */
bool nvt_api_resolve(struct bench_machine *fx, char *why, size_t len);

#endif
