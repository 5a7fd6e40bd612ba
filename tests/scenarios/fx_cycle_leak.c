/* A planted leak, to prove the cycle runner catches one: edu_kext with its
 * driver's start wrapped (the driver source stays untouched) so that every
 * period-th successful start allocates one counted object of a class of
 * its own and never frees it. The objects are kept on a list only so the
 * test can reap them after the run and stay clean under valgrind. */
#include <string.h>

#include "edu/edu_driver.h"
#include "fx_cycle.h"
#include "shim/alloc.h"

struct fx_leaked {
	shim_object obj;
	struct fx_leaked *next;
};

static shim_class fx_leak_class = SHIM_CLASS_INIT(FX_CYCLE_LEAK_CLASS);

static struct {
	const struct shim_driver *inner;
	struct shim_driver wrapped;
	const struct shim_driver *drivers[1];
	struct shim_kext_desc desc;
	unsigned long period, starts;
	struct fx_leaked *planted;
	long count;
} fx_leak;

static void fx_leak_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct fx_leaked));
}

static shim_ret fx_leaky_start(shim_service *svc, shim_pci_device *dev)
{
	shim_ret r = fx_leak.inner->start(svc, dev);
	struct fx_leaked *l;

	if (r != SHIM_OK || ++fx_leak.starts % fx_leak.period != 0)
		return r;
	l = shim_zalloc(sizeof(*l));
	if (l == NULL)
		return r; /* a leak that could not happen is no failure of start */
	shim_object_init(&l->obj, &fx_leak_class, fx_leak_free);
	l->next = fx_leak.planted;
	fx_leak.planted = l;
	fx_leak.count++;
	return r;
}

const struct shim_kext_desc *fx_cycle_leak_kext(unsigned long period)
{
	fx_cycle_leak_reap();
	memset(&fx_leak, 0, sizeof(fx_leak));
	fx_leak.period = period > 0 ? period : 1;
	fx_leak.inner = edu_kext.drivers[0];
	fx_leak.wrapped = *edu_kext.drivers[0];
	fx_leak.wrapped.start = fx_leaky_start;
	fx_leak.drivers[0] = &fx_leak.wrapped;
	fx_leak.desc = edu_kext;
	fx_leak.desc.drivers = fx_leak.drivers;
	fx_leak.desc.driver_count = 1;
	return &fx_leak.desc;
}

long fx_cycle_leak_planted(void)
{
	return fx_leak.count;
}

void fx_cycle_leak_reap(void)
{
	while (fx_leak.planted != NULL) {
		struct fx_leaked *l = fx_leak.planted;

		fx_leak.planted = l->next;
		shim_object_release(&l->obj);
	}
	fx_leak.count = 0;
}
