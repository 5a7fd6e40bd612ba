/* Test-side helper for the qemu host tier (see qemu_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "qemu_fixture.h"

void fx_qemu_start(struct shim_host *h, const char *machine)
{
	static const char *const devices[] = { "edu,id=edu0,addr=4", NULL };
	struct shim_qemu_options o = { .machine = machine, .device_args = devices };
	char err[1024];
	shim_ret r = shim_qemu_host_create(&o, h, err, sizeof(err));

	if (r != SHIM_OK)
		fail_msg("qemu host create: %s (status %d)", err, (int)r);
}

void fx_qemu_stop(struct shim_host *h)
{
	if (h->ops)
		h->ops->destroy(h->ctx);
	h->ops = NULL;
	h->ctx = NULL;
}
