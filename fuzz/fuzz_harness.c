/* The kext fuzz targets' machine and invariants (see fuzz_harness.h),
 * built with the bench API like any drvbench command's machine. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "bench/scenario.h"
#include "fuzz_harness.h"
#include "fuzz_oracle.h"
#include "shim/verifier.h"

#define FUZZ_RAM (64ull << 20)
#define FUZZ_MAX_CLASSES 64
#define FUZZ_WHY 1024

static struct {
	bool booted;
	const struct bench_test_module *module;
	const char *module_path;
	struct bench_machine fx;
	struct fuzz_world world;
	struct shim_counters counters;
	struct shim_uc_counters uc;
	unsigned long device_errors;
	size_t nclasses;
	const shim_class *classes[FUZZ_MAX_CLASSES];
	long class_live[FUZZ_MAX_CLASSES];
	/* The sim host with register accesses counted (fuzz_device_accesses). */
	struct bench_host_factory counted_sim;
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

/* The sim factory, with the host it builds wrapped so the oracles can tell
 * whether a call reached the device. */
static shim_ret counted_create(const struct bench_options *opt, struct bench_host_parts *out,
			       char *why, size_t len)
{
	shim_ret r = bench_host_sim_factory.create(opt, out, why, len);

	if (r != SHIM_OK)
		return r;
	g.inner = out->host.ops;
	g.counted = *out->host.ops;
	g.counted.mem_read = count_mem_read;
	g.counted.mem_write = count_mem_write;
	g.counted.io_read = count_io_read;
	g.counted.io_write = count_io_write;
	out->host.ops = &g.counted;
	return SHIM_OK;
}

uint64_t fuzz_device_accesses(void)
{
	return g.device_accesses;
}

/* A configuration the fuzzer cannot run: the reason, and exit 1. */
__attribute__((noreturn, format(printf, 1, 2))) static void refuse(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_kext: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
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

/* Every service of the machine that publishes a user client, with the
 * test module's oracle for its table when one describes it. */
static void collect_userclients(void)
{
	shim_machine *m = g.fx.machine;
	char why[256];

	for (size_t i = 0; i < shim_machine_device_count(m); i++) {
		shim_service *svc = shim_machine_service(m, shim_machine_device(m, i));
		const struct shim_uc_desc *d = svc != NULL ? shim_service_userclient(svc) : NULL;
		size_t n = g.world.nservices;

		if (d == NULL || n == FUZZ_MAX_SERVICES)
			continue;
		if (!fuzz_oracle_bind(d, fuzz_oracle_match(g.module, d), why, sizeof(why)))
			refuse("test module %s: %s", g.module_path, why);
		g.world.svc[n] = svc;
		g.world.desc[n] = d;
		g.world.nservices++;
		add_ent(d->open_entitlement);
		for (uint32_t s = 0; s < d->method_count; s++)
			add_ent(d->methods[s].entitlement);
	}
	if (g.world.nservices == 0)
		refuse("%s publishes no user client: nothing to fuzz",
		       bench_kext_bundle_id(g.fx.opt.kext));
}

/* A test-module oracle that describes no published table is a mistake the
 * driver's author wants to hear about (renamed selectors, wrong count). */
static void warn_unbound_oracles(void)
{
	for (size_t i = 0; g.module != NULL && i < g.module->uc_oracle_count; i++) {
		const struct bench_uc_oracle *o = g.module->uc_oracles[i];
		bool used = false;

		for (size_t s = 0; s < g.world.nservices; s++)
			used |= fuzz_oracle_bound(g.world.desc[s]) == o;
		if (!used)
			fprintf(stderr, "fuzz_kext: warning: oracle %s of %s matches no published "
					"user client (selector count or names differ): not used\n",
				o != NULL && o->name != NULL ? o->name : "(unnamed)",
				g.module_path);
	}
}

static void take_baseline(void)
{
	const char *last;

	shim_counters_snapshot(&g.counters);
	shim_uc_counters_snapshot(&g.uc);
	if (!bench_machine_device_errors(&g.fx, &g.device_errors, &last))
		g.device_errors = 0;
	g.nclasses = shim_class_list(g.classes, FUZZ_MAX_CLASSES);
	if (g.nclasses > FUZZ_MAX_CLASSES)
		g.nclasses = FUZZ_MAX_CLASSES;
	for (size_t i = 0; i < g.nclasses; i++)
		g.class_live[i] = shim_class_live(g.classes[i]);
}

/* The file the kext's binary was mapped from (for the coverage check). */
static const char *image_path(void)
{
	void *entry = bench_kext_symbol(g.fx.opt.kext, SHIM_KMOD_INFO_SYMBOL);
	Dl_info info;

	return entry != NULL && dladdr(entry, &info) != 0 ? info.dli_fname : NULL;
}

static void boot(const struct fuzz_config *cfg)
{
	struct bench_options opt = { .ram_size = FUZZ_RAM, .no_tap = true };
	struct bench_kext *kext;
	char why[FUZZ_WHY] = "";

	if (bench_kext_open(cfg->kext, &kext, why, sizeof(why)) != SHIM_OK)
		refuse("kext refused: %s", why);
	if (cfg->tests != NULL &&
	    bench_module_load(cfg->tests, &g.module, why, sizeof(why)) != SHIM_OK)
		refuse("test module refused: %s", why);
	g.module_path = cfg->tests;
	opt.profile = cfg->device != NULL ? bench_profile_resolve(cfg->device, why, sizeof(why)) :
		      bench_profile_for_kext(bench_kext_manifest(kext), why, sizeof(why));
	if (opt.profile == NULL)
		refuse("device refused: %s", why);
	opt.kext = kext;
	opt.module = g.module;
	g.counted_sim = bench_host_sim_factory;
	g.counted_sim.create = counted_create;
	if (bench_machine_boot(&g.fx, &g.counted_sim, &opt, why, sizeof(why)) != SHIM_OK)
		refuse("cannot boot a sim machine with %s: %s", cfg->kext, why);
	if (g.fx.svc == NULL)
		refuse("%s did not start on profile %s: %s",
		       bench_kext_bundle_id(kext), opt.profile->name, shim_ret_string(g.fx.match_ret));
	if (g.module != NULL && g.module->init != NULL &&
	    g.module->init(&g.fx, why, sizeof(why)) != SHIM_OK)
		refuse("test module %s: init failed: %s", cfg->tests, why);
	g.world.image = image_path();
	if (cfg->client_abi != NULL && strcmp(cfg->client_abi, "ilp32") == 0)
		g.world.client_abi = SHIM_UC_ABI_ILP32;
	else if (cfg->client_abi != NULL && strcmp(cfg->client_abi, "lp64") != 0)
		refuse("-client_abi is lp64 or ilp32, not '%s'", cfg->client_abi);
	collect_userclients();
	warn_unbound_oracles();
	/* A misuse aborts where it happens, with its record on stderr. */
	shim_verifier_set_fatal(true);
	if (shim_verifier_count() != 0)
		refuse("verifier records during boot: %s", shim_verifier_get(0)->message);
	take_baseline();
	g.booted = true;
}

struct fuzz_world *fuzz_world_boot(const struct fuzz_config *cfg)
{
	if (!g.booted)
		boot(cfg);
	return &g.world;
}

void fuzz_world_describe(const struct fuzz_world *w, FILE *out)
{
	for (size_t s = 0; s < w->nservices; s++) {
		const struct bench_uc_oracle *o = fuzz_oracle_bound(w->desc[s]);

		fprintf(out, "user client %zu: %u selectors; oracle: %s%s%s\n", s,
			w->desc[s]->method_count,
			o != NULL ? o->name : "generic (the shim's checks, handles, device access)",
			o != NULL ? " from " : "", o != NULL ? g.module_path : "");
	}
}

void fuzz_run_loop(uint64_t ns)
{
	shim_ret r = shim_workloop_delay_ns(shim_machine_workloop(g.fx.machine), ns);

	if (r != SHIM_OK)
		fuzz_die("loop", "work loop failed: %s", shim_ret_string(r));
}

void fuzz_check_baseline(const char *target)
{
	struct shim_counters c;
	struct shim_uc_counters u;
	unsigned long errors;
	const char *last = NULL;

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
	if (bench_machine_device_errors(&g.fx, &errors, &last) && errors != g.device_errors)
		fuzz_die(target, "device error: %s", last != NULL ? last : "(no detail)");
}
