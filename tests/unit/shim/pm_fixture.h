/* Shared by test_power.c and test_rescan.c: a fake host that can reset a
 * function (power-on config values), and a one-driver kext whose driver
 * records its calls and registers an MSI source so config has MSI state. */
#ifndef DRVBENCH_TESTS_PM_FIXTURE_H
#define DRVBENCH_TESTS_PM_FIXTURE_H

#include "fake_host.h"
#include "shim/power.h"
#include "shim/power_policy.h"
#include "shim/workloop.h"

#define PM_VENDOR 0x1234
#define PM_DEVICE 0x11e8
#define PM_SLOT 3
#define PM_BDF SHIM_BDF(0, PM_SLOT, 0)
#define PM_BAR_SIZE (1u << 20)
enum { PM_OFF, PM_SLEEP, PM_ON };

struct pm_driver_log {
	unsigned starts, stops, gones;
	unsigned calls;              /* set_power_state calls */
	unsigned last_state;
	uint32_t ack_us;             /* what set_power_state answers */
	uint32_t bar0_at_wake;       /* BAR0 as the driver saw it in the wake call */
	shim_service *svc;           /* the last one started */
};

extern struct pm_driver_log pm_log;

/* fh gets a device at PM_BDF with a 1 MiB BAR0 and 64-bit MSI. */
struct fake_dev *pm_add_device(struct fake_host *fh, uint16_t bdf);
/* Builds f->m on f->fh with device_reset, loads the kext and matches it. */
void pm_boot(struct plat_fixture *f, shim_kext **k, bool with_power);
/* Terminates what runs, unloads k. */
void pm_unload(struct plat_fixture *f, shim_kext *k);
/* Number of device_reset calls the host got. */
unsigned pm_resets(void);
/* How the host's device_reset behaves from now on (pm_boot: PM_RESET_WORKS). */
enum pm_reset { PM_RESET_WORKS, PM_RESET_FAILS, PM_RESET_ABSENT };
void pm_set_reset(enum pm_reset how);

#endif
