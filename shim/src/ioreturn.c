/* Status codes to text: the one place a shim_ret becomes a message. */
#include "shim/ioreturn.h"

#include <stddef.h>

/* Indexed by shim_ret; the static assert below keeps it in step with the enum. */
static const char *const ret_strings[] = {
	[SHIM_OK] = "SHIM_OK: success",
	[SHIM_ERR_GENERIC] = "SHIM_ERR_GENERIC: unspecified failure",
	[SHIM_ERR_NO_MEMORY] = "SHIM_ERR_NO_MEMORY: out of memory",
	[SHIM_ERR_NO_RESOURCES] = "SHIM_ERR_NO_RESOURCES: no resources left",
	[SHIM_ERR_BAD_ARGUMENT] = "SHIM_ERR_BAD_ARGUMENT: bad argument",
	[SHIM_ERR_NOT_READY] = "SHIM_ERR_NOT_READY: not ready",
	[SHIM_ERR_UNSUPPORTED] = "SHIM_ERR_UNSUPPORTED: unsupported",
	[SHIM_ERR_TIMEOUT] = "SHIM_ERR_TIMEOUT: timed out",
	[SHIM_ERR_NO_DEVICE] = "SHIM_ERR_NO_DEVICE: no such device",
	[SHIM_ERR_BUSY] = "SHIM_ERR_BUSY: busy",
	[SHIM_ERR_NOT_PERMITTED] = "SHIM_ERR_NOT_PERMITTED: not permitted",
	[SHIM_ERR_DEVICE_ERROR] = "SHIM_ERR_DEVICE_ERROR: device error",
	[SHIM_ERR_NOT_FOUND] = "SHIM_ERR_NOT_FOUND: not found",
	[SHIM_ERR_OVERRUN] = "SHIM_ERR_OVERRUN: overrun",
	[SHIM_ERR_UNDERRUN] = "SHIM_ERR_UNDERRUN: underrun",
	[SHIM_ERR_BAD_SELECTOR] = "SHIM_ERR_BAD_SELECTOR: bad selector",
	[SHIM_ERR_BAD_SHAPE] = "SHIM_ERR_BAD_SHAPE: bad call shape",
	[SHIM_ERR_BAD_HANDLE] = "SHIM_ERR_BAD_HANDLE: bad handle",
	[SHIM_ERR_ABORTED] = "SHIM_ERR_ABORTED: aborted",
	[SHIM_ERR_HOST] = "SHIM_ERR_HOST: host failure",
};

_Static_assert(sizeof(ret_strings) / sizeof(ret_strings[0]) == SHIM_RET_COUNT_,
	       "ret_strings must name every shim_ret");

const char *shim_ret_string(shim_ret r)
{
	/* Cast: an out-of-range value may be negative if the enum is signed. */
	if ((unsigned)r >= (unsigned)SHIM_RET_COUNT_ || ret_strings[r] == NULL)
		return "unknown status";
	return ret_strings[r];
}
