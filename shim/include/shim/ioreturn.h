/* IOReturn-style status codes shared by every shim API. */
#ifndef SHIM_IORETURN_H
#define SHIM_IORETURN_H

typedef enum shim_ret {
	SHIM_OK = 0,
	SHIM_ERR_GENERIC,       /* unspecified failure */
	SHIM_ERR_NO_MEMORY,     /* allocation failed (or was made to fail) */
	SHIM_ERR_NO_RESOURCES,  /* a table, window or address range is full */
	SHIM_ERR_BAD_ARGUMENT,  /* caller passed a value outside the contract */
	SHIM_ERR_NOT_READY,     /* object not started / already stopped */
	SHIM_ERR_UNSUPPORTED,   /* feature absent (e.g. no MSI capability) */
	SHIM_ERR_TIMEOUT,       /* a bounded wait expired */
	SHIM_ERR_NO_DEVICE,     /* device absent or gone (reads all-ones) */
	SHIM_ERR_BUSY,          /* in use: open clients, live instances, transfer in flight */
	SHIM_ERR_NOT_PERMITTED, /* caller lacks privilege or entitlement */
	SHIM_ERR_DEVICE_ERROR,  /* device reported or showed a fault */
	SHIM_ERR_NOT_FOUND,     /* no such object, match or handle */
	SHIM_ERR_OVERRUN,       /* output or range too large */
	SHIM_ERR_UNDERRUN,      /* input too short */
	SHIM_ERR_BAD_SELECTOR,  /* user-client selector out of range */
	SHIM_ERR_BAD_SHAPE,     /* user-client call shape differs from the declaration */
	SHIM_ERR_BAD_HANDLE,    /* stale, forged or foreign handle */
	SHIM_ERR_ABORTED,       /* work cancelled (close, stop, device removal) */
	SHIM_ERR_HOST,          /* the host (e.g. QEMU) failed or went away */
	SHIM_RET_COUNT_
} shim_ret;

/* Never NULL: unknown values map to "unknown status". */
const char *shim_ret_string(shim_ret r);

#endif
