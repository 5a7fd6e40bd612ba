/* The sim host: shim/host.h implemented on an in-process model_bus.
 * Layout: guest RAM at 0 (DMA pool from 1 MiB up) and, when the bus has
 * some, above 4 GiB (all of it in the pool), 32-bit BAR window at
 * 0xfe000000 (below the MSI window 0xfee00000, like q35), 64-bit window
 * above 4 GiB, I/O window 0xc000..0xffff. MSI vector v is the message
 * (0xfee00000, v) that the bus's interrupt window turns back into v. */
#ifndef SHIM_HOST_SIM_H
#define SHIM_HOST_SIM_H

#include "model/bus.h"
#include "shim/host.h"

/* The host borrows bus; destroying the host does not destroy the bus. */
shim_ret shim_sim_host_create(model_bus *bus, struct shim_host *out);

#endif
