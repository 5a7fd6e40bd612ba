/* Auto-unload on the virtual clock: a kext whose last service went (its
 * device removed, say) is unloaded by IOKit about a minute later if no
 * instance of its classes is left. The machine lets that minute pass on
 * its loop, timers firing, then says whether the kext may go or names the
 * class that holds it. */
#include <stdio.h>

#include "machine_internal.h"
#include "shim/log.h"

void shim_machine_set_unload_delay(shim_machine *m, uint64_t delay_ns)
{
	if (m == NULL)
		return;
	m->unload_delay_ns = delay_ns;
	m->unload_delay_set = delay_ns != 0;
}

uint64_t shim_machine_unload_delay(const shim_machine *m)
{
	return m != NULL && m->unload_delay_set ? m->unload_delay_ns : SHIM_UNLOAD_DELAY_DEFAULT_NS;
}

shim_ret shim_machine_await_unload(shim_machine *m, shim_kext *k, char *why, size_t len)
{
	uint64_t idle_since = 0, now, due;
	const char *cls;
	long live = 0;
	shim_ret r;

	if (m == NULL || k == NULL) {
		snprintf(why, len, "no machine or kext");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (shim_kext_services(k, &idle_since) > 0) {
		snprintf(why, len, "a service of %s still runs", shim_kext_bundle_id(k));
		return SHIM_ERR_BUSY;
	}
	now = shim_workloop_now_ns(m->wl);
	due = idle_since + shim_machine_unload_delay(m);
	if (now < due) {
		/* Idle time alone (the device is gone): on a host that counts
		 * idle time in real time (qemu) the minute passes in one jump. */
		r = shim_workloop_idle_ns(m->wl, due - now);
		if (r != SHIM_OK) {
			snprintf(why, len, "the virtual clock did not run: %s", shim_ret_string(r));
			return r;
		}
	}
	if (shim_kext_services(k, NULL) > 0) {
		snprintf(why, len, "a service of %s started again", shim_kext_bundle_id(k));
		return SHIM_ERR_BUSY;
	}
	cls = shim_kext_live_class(k, &live);
	if (cls != NULL) {
		snprintf(why, len, "class %s has %ld live instance(s)", cls, live);
		shim_log(SHIM_LOG_WARN, "kext %s: cannot auto-unload: class %s has %ld live "
			 "instance(s)", shim_kext_bundle_id(k), cls, live);
		return SHIM_ERR_BUSY;
	}
	return SHIM_OK;
}
