/* The edu driver's user client: selectors, their argument layout, and the
 * two calls the driver makes to publish it on start and withdraw it on
 * stop. Scalars are 64-bit; every value is range-checked by the method. */
#ifndef EDU_USERCLIENT_H
#define EDU_USERCLIENT_H

#include "shim/driver.h"
#include "shim/types.h"
#include "shim/userclient.h"

#define EDU_UC_OPEN_ENTITLEMENT "org.drvbench.edu.client"  /* or root */
#define EDU_UC_POWER_ENTITLEMENT "org.drvbench.edu.power"  /* or root */
#define EDU_UC_MAX_CONNECTIONS 8u     /* per service */
#define EDU_UC_MAX_REQUESTS 8u        /* outstanding async requests per connection */
#define EDU_UC_FACTORIAL_MAX 12u      /* 13! does not fit the device's 32 bits */
#define EDU_UC_ASYNC_DELAY_NS 10000ull
#define EDU_UC_HANDLE_REQUEST 0x65647271u /* handle type tag of async requests */

enum edu_uc_selector {
	EDU_UC_LIVENESS = 0,     /* in: value (u32); out: readback (~value) */
	EDU_UC_FACTORIAL,        /* in: n (<= EDU_UC_FACTORIAL_MAX); out: n! */
	/* in: dev_off, len, buf_off; struct in: the client buffer (any size up
	 * to SHIM_UC_MAX_STRUCT_IN, above 4096 it is a descriptor): bytes
	 * [buf_off, buf_off+len) go to the device at dev_off. */
	EDU_UC_DMA_WRITE,
	EDU_UC_DMA_READ,         /* in: dev_off, len; struct out: len bytes from the device */
	EDU_UC_RAISE_INTERRUPT,  /* in: status bits (non-zero u32) */
	EDU_UC_IRQ_STATUS,       /* out: last status bits, interrupts handled */
	EDU_UC_GET_STATS,        /* struct out: struct edu_uc_stats */
	EDU_UC_SET_POWER_POLICY, /* privileged; in: enum edu_uc_power_policy */
	EDU_UC_FACTORIAL_ASYNC,  /* async; in: n; out: handle; completion: {handle, n!} */
	EDU_UC_REQUEST_QUERY,    /* in: handle; out: done (0/1), result */
	EDU_UC_REQUEST_RELEASE,  /* in: handle; cancels a pending completion */
	EDU_UC_SELECTOR_COUNT
};

enum edu_uc_power_policy {
	EDU_UC_POWER_ALWAYS_ON = 0,
	EDU_UC_POWER_IDLE_SLEEP,
	EDU_UC_POWER_AGGRESSIVE,
	EDU_UC_POWER_POLICY_COUNT
};

/* Fixed layout, no padding: nothing uninitialised can reach the client. */
struct edu_uc_stats {
	uint32_t using_msi;
	uint32_t interrupts;
	uint32_t factorials;
	uint32_t dma_transfers;
	uint32_t errors;
	uint32_t last_status;
	uint32_t power_policy;
	uint32_t connections;
};

extern const struct shim_uc_desc edu_uc_desc;

/* Called by the driver: publish at the end of a successful start,
 * withdraw (force-closing connections) at the beginning of stop. */
shim_ret edu_userclient_start(shim_service *svc);
void edu_userclient_stop(shim_service *svc);

#endif
