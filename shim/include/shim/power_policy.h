/* Power policy, platform side: what a user-space power agent (a test, the
 * cycle runner, drvbench) pushes into the kernel. The driver only carries
 * out changes (shim/power.h); when and how deep to sleep is decided here.
 * Drivers never include this header. */
#ifndef SHIM_POWER_POLICY_H
#define SHIM_POWER_POLICY_H

#include "shim/machine.h"
#include "shim/power.h"

#define SHIM_POWER_DEFAULT_ACK_TIMEOUT_NS 10000000000ull /* 10 s, as the kernel's */

struct shim_power_policy {
	/* State index system sleep moves each driver to; negative: the highest
	 * state of its table without SHIM_POWER_ON ("sleep" in {off, sleep, on}). */
	int sleep_state;
	/* Longest wait for a late ack, virtual ns; 0: the default (10 s). */
	uint64_t ack_timeout_ns;
};

/* Counters kept by the power code, for reports and tests. */
struct shim_power_stats {
	unsigned long changes;         /* completed state changes */
	unsigned long late_acks;       /* changes that went on without the ack */
	unsigned long config_saves;
	unsigned long config_restores;
	unsigned long restore_mismatches; /* config read back differing from the saved copy */
	unsigned long context_losses;  /* host resets of a device (low-power entry) */
};

/* Replaces the machine's policy (copied). NULL restores the defaults. */
shim_ret shim_machine_set_power_policy(shim_machine *m, const struct shim_power_policy *p);

/* Moves the service on dev to `state` (an index of its driver's table) and
 * waits, running the work loop, until the change is complete: acked, or the
 * late-ack timeout passed (then SHIM_OK too, counted in late_acks).
 * SHIM_ERR_NOT_FOUND: no service on dev; SHIM_ERR_UNSUPPORTED: its driver
 * has no power table; SHIM_ERR_BAD_ARGUMENT: no such state;
 * SHIM_ERR_BUSY: a change is already pending on dev;
 * SHIM_ERR_NO_DEVICE: dev has gone away (the change is not made). */
shim_ret shim_machine_set_power_state(shim_machine *m, shim_pci_device *dev, unsigned state);
/* The same, without waiting: a change acked later completes in
 * shim_power_ack or when its timeout fires on the work loop. Safe to call
 * from a timer callback while the driver sleeps in an operation. */
shim_ret shim_machine_request_power_state(shim_machine *m, shim_pci_device *dev, unsigned state);
/* True while a requested change waits for its ack. */
bool shim_machine_power_pending(shim_machine *m, shim_pci_device *dev);
/* Current state index of the service on dev (SHIM_ERR_NOT_FOUND / _UNSUPPORTED as above). */
shim_ret shim_machine_power_state(shim_machine *m, shim_pci_device *dev, unsigned *state);

/* System sleep and wake: every service with a power table goes to the
 * policy's sleep state / its highest state. Returns the first error. */
shim_ret shim_machine_system_sleep(shim_machine *m);
shim_ret shim_machine_system_wake(shim_machine *m);

void shim_machine_power_stats(const shim_machine *m, struct shim_power_stats *out);

#endif
