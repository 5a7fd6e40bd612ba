/* The NVMe driver's user client: selectors, their argument layout, and the
 * two calls the driver makes to publish it on start and withdraw it on
 * stop. Scalars are 64-bit; every value is range-checked by the method,
 * and reads and writes are checked against the namespace and the transfer
 * limit before any register is touched. */
#ifndef NVME_USERCLIENT_H
#define NVME_USERCLIENT_H

#include "shim/driver.h"
#include "shim/types.h"
#include "shim/userclient.h"

#define NVME_UC_OPEN_ENTITLEMENT "org.drvbench.nvme.client"   /* or root */
#define NVME_UC_WRITE_ENTITLEMENT "org.drvbench.nvme.write"   /* or root */
#define NVME_UC_MAX_CONNECTIONS 8u      /* per service */
#define NVME_UC_MAX_REQUESTS 8u         /* outstanding async requests per connection */
#define NVME_UC_HANDLE_REQUEST 0x6e766d72u /* handle type tag of async requests */
#define NVME_UC_MAX_NSID 0xffffffffull

enum nvme_uc_selector {
	NVME_UC_IDENTIFY = 0,    /* in: cns (< 256), nsid (u32); struct out: 4096 bytes */
	/* in: lba, blocks; struct out: blocks whole blocks (at most 4096 bytes) */
	NVME_UC_READ,
	/* write entitlement; in: lba, blocks; struct in: exactly blocks whole
	 * blocks (above 4096 bytes a descriptor, DMAed from where it lies) */
	NVME_UC_WRITE,
	NVME_UC_FLUSH,
	NVME_UC_FLUSH_ASYNC,     /* async; out: handle; completion: {handle, shim_ret} */
	NVME_UC_REQUEST_QUERY,   /* in: handle; out: done (0/1), shim_ret */
	NVME_UC_REQUEST_RELEASE, /* in: handle; a pending completion is not delivered */
	NVME_UC_GET_INFO,        /* struct out: struct nvme_uc_info */
	NVME_UC_SELECTOR_COUNT
};

/* Fixed layout, no padding: nothing uninitialised can reach the client. */
struct nvme_uc_info {
	uint64_t blocks;
	uint32_t block_size;
	uint32_t max_transfer;
	uint32_t io_queues;
	uint32_t msix;
	uint32_t connections;
	uint32_t reserved;
};

extern const struct shim_uc_desc nvme_uc_desc;

/* Called by the driver: publish at the end of a successful start,
 * withdraw (force-closing connections) at the beginning of stop. */
shim_ret nvme_userclient_start(shim_service *svc);
void nvme_userclient_stop(shim_service *svc);

#endif
