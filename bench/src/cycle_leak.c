/* A planted leak, to prove the cycle runner catches one: edu_kext with its
 * driver's start wrapped (the driver source stays untouched) so that every
 * period-th successful start allocates one counted object of a class of
 * its own and never frees it. The objects are kept on a list only so the
 * test can reap them after the run and stay clean under valgrind. */
#include <string.h>

#include "edu/edu_driver.h"
#include "bench/cycle.h"
#include "shim/alloc.h"

struct bench_leaked {
	shim_object obj;
	struct bench_leaked *next;
};

static shim_class bench_leak_class = SHIM_CLASS_INIT(BENCH_CYCLE_LEAK_CLASS);

static struct {
	const struct shim_driver *inner;
	struct shim_driver wrapped;
	const struct shim_driver *drivers[1];
	struct shim_kext_desc desc;
	unsigned long period, starts;
	struct bench_leaked *planted;
	long count;
} bench_leak;

static void bench_leak_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct bench_leaked));
}

static shim_ret bench_leaky_start(shim_service *svc, shim_pci_device *dev)
{
	shim_ret r = bench_leak.inner->start(svc, dev);
	struct bench_leaked *l;

	if (r != SHIM_OK || ++bench_leak.starts % bench_leak.period != 0)
		return r;
	l = shim_zalloc(sizeof(*l));
	if (l == NULL)
		return r; /* a leak that could not happen is no failure of start */
	shim_object_init(&l->obj, &bench_leak_class, bench_leak_free);
	l->next = bench_leak.planted;
	bench_leak.planted = l;
	bench_leak.count++;
	return r;
}

const struct shim_kext_desc *bench_cycle_leak_kext(unsigned long period)
{
	bench_cycle_leak_reap();
	memset(&bench_leak, 0, sizeof(bench_leak));
	bench_leak.period = period > 0 ? period : 1;
	bench_leak.inner = edu_kext.drivers[0];
	bench_leak.wrapped = *edu_kext.drivers[0];
	bench_leak.wrapped.start = bench_leaky_start;
	bench_leak.drivers[0] = &bench_leak.wrapped;
	bench_leak.desc = edu_kext;
	bench_leak.desc.drivers = bench_leak.drivers;
	bench_leak.desc.driver_count = 1;
	return &bench_leak.desc;
}

long bench_cycle_leak_planted(void)
{
	return bench_leak.count;
}

void bench_cycle_leak_reap(void)
{
	while (bench_leak.planted != NULL) {
		struct bench_leaked *l = bench_leak.planted;

		bench_leak.planted = l->next;
		shim_object_release(&l->obj);
	}
	bench_leak.count = 0;
}
