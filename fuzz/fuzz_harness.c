/* The fuzz targets' machine and invariants (see fuzz_harness.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu/edu_driver.h"
#include "fuzz_harness.h"
#include "model/bus.h"
#include "model/edu.h"
#include "shim/host_sim.h"
#include "shim/machine.h"
#include "shim/verifier.h"

#define FUZZ_RAM (64ull << 20)
#define FUZZ_EDU_SLOT 4u
#define FUZZ_MAX_CLASSES 64

static struct {
	bool booted;
	model_bus *bus;
	shim_machine *machine;
	shim_kext *kext;
	struct fuzz_world world;
	struct shim_counters counters;
	struct shim_uc_counters uc;
	unsigned long device_errors;
	size_t nclasses;
	const shim_class *classes[FUZZ_MAX_CLASSES];
	long class_live[FUZZ_MAX_CLASSES];
	/* The sim host's ops with register accesses counted (fuzz_device_accesses). */
	struct shim_host_ops counted;
	const struct shim_host_ops *inner;
	uint64_t device_accesses;
} g;

static shim_ret count_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	g.device_accesses++;
	return g.inner->mem_read(ctx, addr, size, val);
}

static shim_ret count_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	g.device_accesses++;
	return g.inner->mem_write(ctx, addr, size, val);
}

static shim_ret count_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	g.device_accesses++;
	return g.inner->io_read(ctx, port, size, val);
}

static shim_ret count_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	g.device_accesses++;
	return g.inner->io_write(ctx, port, size, val);
}

/* Wraps the host so the oracles can tell whether a call reached the device. */
static void count_accesses(struct shim_host *host)
{
	g.inner = host->ops;
	g.counted = *host->ops;
	g.counted.mem_read = count_mem_read;
	g.counted.mem_write = count_mem_write;
	g.counted.io_read = count_io_read;
	g.counted.io_write = count_io_write;
	host->ops = &g.counted;
}

uint64_t fuzz_device_accesses(void)
{
	return g.device_accesses;
}

void fuzz_die(const char *target, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz: %s: ", target);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void add_ent(const char *e)
{
	struct fuzz_world *w = &g.world;

	if (e == NULL || w->nents == FUZZ_MAX_ENTS)
		return;
	for (size_t i = 0; i < w->nents; i++)
		if (strcmp(w->ents[i], e) == 0)
			return;
	w->ents[w->nents++] = e;
}

static void collect_userclients(void)
{
	for (size_t i = 0; i < shim_machine_device_count(g.machine); i++) {
		shim_service *svc = shim_machine_service(g.machine, shim_machine_device(g.machine, i));
		const struct shim_uc_desc *d = svc != NULL ? shim_service_userclient(svc) : NULL;

		if (d == NULL || g.world.nservices == FUZZ_MAX_SERVICES)
			continue;
		g.world.svc[g.world.nservices] = svc;
		g.world.desc[g.world.nservices++] = d;
		add_ent(d->open_entitlement);
		for (uint32_t s = 0; s < d->method_count; s++)
			add_ent(d->methods[s].entitlement);
	}
}

static void take_baseline(void)
{
	shim_counters_snapshot(&g.counters);
	shim_uc_counters_snapshot(&g.uc);
	g.device_errors = model_bus_device_errors(g.bus);
	g.nclasses = shim_class_list(g.classes, FUZZ_MAX_CLASSES);
	for (size_t i = 0; i < g.nclasses; i++)
		g.class_live[i] = shim_class_live(g.classes[i]);
}

static void boot(void)
{
	struct model_edu_config cfg = { 0 };
	model_device *edu;
	struct shim_host host;
	size_t started = 0;

	g.bus = model_bus_create(FUZZ_RAM);
	edu = model_edu_create(&cfg);
	if (g.bus == NULL || edu == NULL || !model_bus_attach(g.bus, FUZZ_EDU_SLOT, edu))
		fuzz_die("init", "cannot build the sim bus");
	if (shim_sim_host_create(g.bus, &host) != SHIM_OK)
		fuzz_die("init", "cannot create the sim host");
	count_accesses(&host);
	if (shim_machine_create(host, &g.machine) != SHIM_OK)
		fuzz_die("init", "cannot create the machine");
	if (shim_kext_load(&edu_kext, &g.kext) != SHIM_OK ||
	    shim_machine_match(g.machine, g.kext, &started) != SHIM_OK || started == 0)
		fuzz_die("init", "the edu driver did not start");
	collect_userclients();
	if (g.world.nservices == 0)
		fuzz_die("init", "no service publishes a user client");
	/* A misuse aborts where it happens, with its record on stderr. */
	shim_verifier_set_fatal(true);
	if (shim_verifier_count() != 0)
		fuzz_die("init", "verifier records during boot");
	take_baseline();
	g.booted = true;
}

struct fuzz_world *fuzz_world_get(void)
{
	if (!g.booted)
		boot();
	return &g.world;
}

void fuzz_run_loop(uint64_t ns)
{
	shim_ret r = shim_workloop_delay_ns(shim_machine_workloop(g.machine), ns);

	if (r != SHIM_OK)
		fuzz_die("loop", "work loop failed: %s", shim_ret_string(r));
}

void fuzz_check_baseline(const char *target)
{
	struct shim_counters c;
	struct shim_uc_counters u;

	shim_counters_snapshot(&c);
	shim_uc_counters_snapshot(&u);
	if (u.tasks != g.uc.tasks || u.connections != g.uc.connections ||
	    u.open_connections != g.uc.open_connections || u.handles != g.uc.handles ||
	    u.asyncs != g.uc.asyncs || u.pending != g.uc.pending)
		fuzz_die(target, "user-client counters not back: tasks %ld conns %ld open %ld "
			 "handles %ld asyncs %ld pending %ld", u.tasks, u.connections,
			 u.open_connections, u.handles, u.asyncs, u.pending);
	if (c.alloc_count != g.counters.alloc_count || c.alloc_bytes != g.counters.alloc_bytes)
		fuzz_die(target, "allocations leaked: %ld blocks / %llu bytes (baseline %ld / %llu)",
			 c.alloc_count, (unsigned long long)c.alloc_bytes, g.counters.alloc_count,
			 (unsigned long long)g.counters.alloc_bytes);
	if (c.wired_bytes != g.counters.wired_bytes || c.prepared != g.counters.prepared)
		fuzz_die(target, "wired %llu / prepared %ld (baseline %llu / %ld)",
			 (unsigned long long)c.wired_bytes, c.prepared,
			 (unsigned long long)g.counters.wired_bytes, g.counters.prepared);
	for (size_t i = 0; i < g.nclasses; i++)
		if (shim_class_live(g.classes[i]) != g.class_live[i])
			fuzz_die(target, "class %s: %ld live (baseline %ld)", g.classes[i]->name,
				 shim_class_live(g.classes[i]), g.class_live[i]);
	if (c.objects_live != g.counters.objects_live)
		fuzz_die(target, "objects live %ld (baseline %ld)", c.objects_live,
			 g.counters.objects_live);
	if (shim_verifier_count() != 0)
		fuzz_die(target, "verifier: %s", shim_verifier_get(0)->message);
	if (model_bus_device_errors(g.bus) != g.device_errors)
		fuzz_die(target, "device error: %s", model_bus_last_device_error(g.bus));
}
