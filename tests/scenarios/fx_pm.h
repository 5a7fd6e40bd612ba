/* Power and hot-plug actions on a fixture machine, for scenarios and the
 * cycle runner: system sleep and wake through the shim's power policy, and
 * surprise removal / re-attach of the edu function through the host
 * (sim: model_bus_detach/attach; qemu: QMP device_del + ACPI eject,
 * device_add). Every call returns SHIM_OK or an error with why filled;
 * SHIM_ERR_UNSUPPORTED means this host cannot do it (CANNOT RUN). */
#ifndef FX_PM_H
#define FX_PM_H

#include "fx_machine.h"

/* System sleep / wake of the machine (shim_machine_system_sleep/_wake). */
shim_ret fx_machine_sleep(struct fx_machine *fx, char *why, size_t len);
shim_ret fx_machine_wake(struct fx_machine *fx, char *why, size_t len);

/* False (with why) when the host cannot remove and re-add the device. */
bool fx_machine_can_hotplug(const struct fx_machine *fx, char *why, size_t len);
/* The device vanishes from the host; the shim is not told (the driver
 * finds out by itself). Safe from a shim timer callback. */
shim_ret fx_machine_surprise_remove(struct fx_machine *fx, char *why, size_t len);
/* shim_machine_rescan, then match the kext on new devices; fx->dev and
 * fx->svc follow (NULL while the edu function is absent). */
shim_ret fx_machine_rescan(struct fx_machine *fx, char *why, size_t len);
/* surprise_remove + rescan: the driver is told, fails its work and stops. */
shim_ret fx_machine_unplug(struct fx_machine *fx, char *why, size_t len);
/* A fresh edu function in the same slot, then rescan + match. */
shim_ret fx_machine_replug(struct fx_machine *fx, char *why, size_t len);

#endif
