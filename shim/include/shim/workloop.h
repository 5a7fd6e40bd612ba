/* One deterministic work loop per machine. Interrupt actions, timers and
 * gated calls never run concurrently. "Sleeping" on the loop means running
 * it (and the host's virtual clock) until a wakeup or the timeout. */
#ifndef SHIM_WORKLOOP_H
#define SHIM_WORKLOOP_H

#include "shim/pci.h"
#include "shim/types.h"

typedef struct shim_workloop shim_workloop;
typedef struct shim_timer shim_timer;
typedef struct shim_intr_source shim_intr_source;

/* Virtual time of the machine's host, in ns. */
uint64_t shim_workloop_now_ns(shim_workloop *wl);

/* Run the loop until shim_workloop_wakeup(wl, event) or timeout_ns of
 * virtual time. Returns SHIM_OK when woken, SHIM_ERR_TIMEOUT, or
 * SHIM_ERR_HOST if the host failed. Not allowed in filter context. */
shim_ret shim_workloop_sleep_(shim_workloop *wl, const void *event, uint64_t timeout_ns,
			      const char *file, int line);
#define shim_workloop_sleep(wl, ev, t) shim_workloop_sleep_((wl), (ev), (t), __FILE__, __LINE__)
void shim_workloop_wakeup(shim_workloop *wl, const void *event);
/* Let virtual time pass (busy-wait equivalent), running the loop meanwhile. */
shim_ret shim_workloop_delay_ns(shim_workloop *wl, uint64_t ns);

/* Timers on the host's virtual clock; the callback runs on the loop. */
typedef void (*shim_timer_fn)(void *owner, shim_timer *timer);
shim_ret shim_timer_create(shim_workloop *wl, shim_timer_fn fn, void *owner, shim_timer **out);
void shim_timer_arm_ns(shim_timer *timer, uint64_t delay_ns);
void shim_timer_cancel(shim_timer *timer);
void shim_timer_release(shim_timer *timer);

/* Interrupt event source on interrupt `index` of dev. The filter runs in
 * primary interrupt context (no alloc, log, lock, sleep): it acknowledges
 * the device and returns true to schedule the action, which runs later on
 * the loop with the number of filter approvals since it last ran. With a
 * NULL filter every interrupt schedules the action. Sources start disabled.
 * Registering an MSI index turns INTx off on the device. */
typedef bool (*shim_intr_filter_fn)(void *owner, shim_intr_source *src);
typedef void (*shim_intr_action_fn)(void *owner, shim_intr_source *src, int count);
shim_ret shim_intr_source_create(shim_workloop *wl, shim_pci_device *dev, unsigned index,
				 shim_intr_filter_fn filter, shim_intr_action_fn action,
				 void *owner, shim_intr_source **out);
void shim_intr_source_enable(shim_intr_source *src);
void shim_intr_source_disable(shim_intr_source *src);
void shim_intr_source_release(shim_intr_source *src);

#endif
