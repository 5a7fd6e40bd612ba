/* A planted leak, to prove the cycle runner catches one: the loaded kext's
 * drivers with their start wrapped (the driver stays untouched) so that
 * every period-th successful start allocates one counted object of a class
 * of its own and never frees it. The objects are kept on a list only so the
 * test can reap them after the run and stay clean under valgrind. */
#include <string.h>

#include "bench/cycle.h"
#include "shim/alloc.h"

#define BENCH_LEAK_MAX_DRIVERS 16

struct bench_leaked {
	shim_object obj;
	struct bench_leaked *next;
};

static shim_class bench_leak_class = SHIM_CLASS_INIT(BENCH_CYCLE_LEAK_CLASS);

static struct {
	const struct shim_driver *inner[BENCH_LEAK_MAX_DRIVERS];
	struct shim_driver wrapped[BENCH_LEAK_MAX_DRIVERS];
	const struct shim_driver *drivers[BENCH_LEAK_MAX_DRIVERS];
	struct shim_kext_desc desc;
	unsigned long period, starts;
	struct bench_leaked *planted;
	long count;
} bench_leak;

static void bench_leak_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct bench_leaked));
}

static void bench_leak_plant(void)
{
	struct bench_leaked *l;

	if (++bench_leak.starts % bench_leak.period != 0)
		return;
	l = shim_zalloc(sizeof(*l));
	if (l == NULL)
		return; /* a leak that could not happen is no failure of start */
	shim_object_init(&l->obj, &bench_leak_class, bench_leak_free);
	l->next = bench_leak.planted;
	bench_leak.planted = l;
	bench_leak.count++;
}

/* The driver behind this start: the one whose class the service runs. */
static shim_ret bench_leaky_start(shim_service *svc, shim_pci_device *dev)
{
	const struct shim_driver *d = shim_service_driver(svc);
	shim_ret r = SHIM_ERR_NOT_FOUND;

	for (size_t i = 0; i < bench_leak.desc.driver_count; i++) {
		if (d != &bench_leak.wrapped[i])
			continue;
		r = bench_leak.inner[i]->start(svc, dev);
		if (r == SHIM_OK)
			bench_leak_plant();
	}
	return r;
}

static const struct shim_kext_desc *bench_leak_wrap(const struct shim_kext_desc *loaded)
{
	size_t n = loaded->driver_count < BENCH_LEAK_MAX_DRIVERS ? loaded->driver_count
								  : BENCH_LEAK_MAX_DRIVERS;

	bench_leak.desc = *loaded;
	for (size_t i = 0; i < n; i++) {
		bench_leak.inner[i] = loaded->drivers[i];
		bench_leak.wrapped[i] = *loaded->drivers[i];
		if (loaded->drivers[i]->start != NULL)
			bench_leak.wrapped[i].start = bench_leaky_start;
		bench_leak.drivers[i] = &bench_leak.wrapped[i];
	}
	bench_leak.desc.drivers = bench_leak.drivers;
	bench_leak.desc.driver_count = n;
	return &bench_leak.desc;
}

bench_kext_wrap_fn bench_cycle_leak_wrap(unsigned long period)
{
	bench_cycle_leak_reap();
	memset(&bench_leak, 0, sizeof(bench_leak));
	bench_leak.period = period > 0 ? period : 1;
	return bench_leak_wrap;
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
