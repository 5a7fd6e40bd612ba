/* Power and hot-plug actions on a bench machine, for scenarios and the
 * cycle runner: system sleep and wake through the shim's power policy, and
 * surprise removal / re-attach of the device through the host (sim: the
 * bus detaches and attaches a model; qemu: QMP device_del + ACPI eject,
 * device_add). Every call returns SHIM_OK or an error with why filled;
 * SHIM_ERR_UNSUPPORTED means this host cannot do it (CANNOT RUN). */
#ifndef BENCH_PM_H
#define BENCH_PM_H

#include "bench/machine.h"

/* System sleep / wake of the machine (shim_machine_system_sleep/_wake). */
shim_ret bench_machine_sleep(struct bench_machine *fx, char *why, size_t len);
shim_ret bench_machine_wake(struct bench_machine *fx, char *why, size_t len);

/* False (with why) when the host cannot remove and re-add the device. */
bool bench_machine_can_hotplug(const struct bench_machine *fx, char *why, size_t len);
/* The device vanishes from the host; the shim is not told (the driver
 * finds out by itself). Safe from a shim timer callback. */
shim_ret bench_machine_surprise_remove(struct bench_machine *fx, char *why, size_t len);
/* shim_machine_rescan, then match the kext on new devices; fx->dev and
 * fx->svc follow (NULL while the device is absent). */
shim_ret bench_machine_rescan(struct bench_machine *fx, char *why, size_t len);
/* surprise_remove + rescan: the driver is told, fails its work and stops. */
shim_ret bench_machine_unplug(struct bench_machine *fx, char *why, size_t len);
/* A fresh device in the same slot, then rescan + match. */
shim_ret bench_machine_replug(struct bench_machine *fx, char *why, size_t len);

/* The driver stopped, the device reset by the host (shim_machine_reset_device),
 * the kext matched again: what error recovery does. fx->svc follows. */
shim_ret bench_machine_reset(struct bench_machine *fx, char *why, size_t len);

#endif
