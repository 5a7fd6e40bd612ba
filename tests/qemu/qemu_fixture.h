/* Test-side helper for the qemu host tier: start a bare QEMU with edu at
 * 00:04.0 (edu_qos.h drives it from there). */
#ifndef FX_QEMU_FIXTURE_H
#define FX_QEMU_FIXTURE_H

#include "edu_qos.h"
#include "shim/host_qemu.h"

/* Starts QEMU (machine "q35" or "pc") with edu at 00:04.0 (id "edu0"); a
 * cmocka failure, with QEMU's reason, on error. */
void fx_qemu_start(struct shim_host *h, const char *machine);
/* Destroys the host if it was started; safe to call twice. */
void fx_qemu_stop(struct shim_host *h);

#endif
