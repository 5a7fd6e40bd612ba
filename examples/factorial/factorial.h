/* The Factorial driver as its clients see it: the user client's selectors,
 * and the one function its test module calls directly in the loaded kext. */
#ifndef FACTORIAL_H
#define FACTORIAL_H

#include "shim/driver.h"

enum factorial_selector {
	FACTORIAL_READ_ID = 0,   /* no input; out: the device's ID register */
	FACTORIAL_COMPUTE_ASYNC, /* in: n (async only); the completion carries n! */
	FACTORIAL_COMPUTE,       /* in: n; waits for the engine; out: n! */
	FACTORIAL_SELECTOR_COUNT
};

#define FACTORIAL_MAX_N 12u /* 13! does not fit the device's 32-bit register */

/* SHIM_OK when the device's liveness register reads back ~v. Exported
 * globals carry the bundle's prefix: every kext shares one namespace. */
shim_ret org_drvbench_example_factorial_liveness(shim_service *svc, uint32_t v);

#endif
