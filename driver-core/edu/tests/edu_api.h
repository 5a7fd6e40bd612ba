/* The edu driver's operations, reached in the loaded kext through the
 * bench's symbol lookup (the test module is not linked to the driver: a
 * bundle is mapped afresh on every load). Each member has the type of the
 * prototype in edu/edu_driver.h (org_drvbench_driver_edu_NAME). */
#ifndef EDU_TESTS_API_H
#define EDU_TESTS_API_H

#include "bench/scenario.h"
#include "edu/edu_driver.h"

#define EDU_API_MEMBER(name) __typeof__(&org_drvbench_driver_edu_##name) name

struct edu_api {
	EDU_API_MEMBER(liveness);
	EDU_API_MEMBER(read_id);
	EDU_API_MEMBER(factorial);
	EDU_API_MEMBER(factorial_polled);
	EDU_API_MEMBER(dma_to_device);
	EDU_API_MEMBER(dma_from_device);
	EDU_API_MEMBER(dma_memdesc);
	EDU_API_MEMBER(raise_interrupt);
	EDU_API_MEMBER(get_stats);
};

/* Filled by edu_api_resolve for the kext loaded on this run. */
extern struct edu_api edu_api;

/* Resolves every operation in the machine's kext; false (why) if one is missing. */
bool edu_api_resolve(struct bench_machine *fx, char *why, size_t len);

/* edu's power table is {off, sleep, on}. */
#define EDU_PS_SLEEP 1u
#define EDU_PS_ON 2u

/* sleep-ack-timeout's note when it passes: which clean outcome happened. */
#define EDU_ACK_TIMEOUT_FORCED "forced: the ack timed out, the sleep went on, the DMA was ABORTED"
#define EDU_ACK_TIMEOUT_ACKED "acked: the DMA completed and was acked before the ack timeout"

#endif
