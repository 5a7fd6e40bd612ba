/* Power management, driver side: a driver declares a table of power states
 * (at least one off and one on) and a set_power_state callback; the shim
 * calls it when the policy pushed from user space asks for a change. The
 * driver holds mechanism only: it quiesces and restores its device, never
 * decides when to sleep.
 *
 * Order of a change, as a PCI family does it:
 *   to a state without SHIM_POWER_ON: driver callback (quiesce, ack now or
 *     later) -> shim saves config space (header + MSI) -> the device loses
 *     its context unless the state has SHIM_POWER_KEEPS_CONTEXT;
 *   back to an on state: shim restores config space (BARs, MSI, command)
 *     -> driver callback (restore its own registers, re-check the ID).
 * So a driver's wake path may assume BAR decode and MSI programming are back. */
#ifndef SHIM_POWER_H
#define SHIM_POWER_H

#include "shim/types.h"

typedef struct shim_service shim_service;

/* State flags. A state without SHIM_POWER_ON is low power: requests are
 * not served and, without SHIM_POWER_KEEPS_CONTEXT, device registers
 * (config space included) are lost. */
#define SHIM_POWER_ON 0x1u
#define SHIM_POWER_KEEPS_CONTEXT 0x2u

struct shim_power_state {
	const char *name;   /* "off", "sleep", "on" ... for logs */
	unsigned flags;     /* SHIM_POWER_* */
};

/* set_power_state's answer: done (ack now), or the most microseconds the
 * change may take, the driver then calling shim_power_ack when done. A late
 * ack (after that time, or the policy's ack timeout if shorter) is logged
 * and counted; the change goes on without it. */
#define SHIM_POWER_ACK_NOW 0u

/* What a driver plugs into struct shim_driver's `power` member. The table
 * is ordered from lowest (index 0, off) to highest power; the service
 * starts in the highest state. */
struct shim_power_desc {
	const struct shim_power_state *states;
	unsigned state_count;   /* >= 2: state 0 without SHIM_POWER_ON, the last with it */
	/* Called on the work loop's thread in gated context. `state` indexes
	 * the table. Must not be NULL. */
	uint32_t (*set_power_state)(shim_service *svc, unsigned state);
};

/* The late acknowledgement of the pending change on svc's device. Safe to
 * call when nothing is pending (ignored, logged): a change that already
 * timed out. */
void shim_power_ack(shim_service *svc);
/* Current state index of the service (the highest state before any change). */
unsigned shim_power_current(shim_service *svc);

#endif
