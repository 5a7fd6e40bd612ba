/* The kext fuzz targets' machine and invariants (see fuzz_harness.h),
 * built with the bench API like any drvbench command's machine. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "bench/pm.h"
#include "bench/scenario.h"
#include "fuzz_harness.h"
#include "fuzz_oracle.h"
#include "fuzz_scan.h"
#include "model/hostile.h"
#include "shim/power_policy.h"
#include "shim/uc_selectors.h"
#include "shim/verifier.h"

#define FUZZ_RAM (64ull << 20)
#define FUZZ_MAX_CLASSES 64
#define FUZZ_WHY 1024
#define FUZZ_PROBE_SELS 64
#define FUZZ_LATE_ACK_NS 1000000ull   /* 1 ms: any ack that waits for work comes late */
#define FUZZ_SETTLE_NS 20000000000ull /* the longest ack timeout, with margin */

static const char *const oracle_names[FUZZ_ORACLE_COUNT] = {
	"model", "device", "handles", "scan", "wedge", "probe", "baseline",
};

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
	/* What this input did to the machine: disturbed needs the driver
	 * restarted; slept (a sleep with the default policy, nothing else)
	 * only needs the device awake again; restarted (a device reset that
	 * came first) only the probe's connections opened again. */
	bool disturbed, slept, restarted, removed, fault_armed;
	uintptr_t image_lo, image_hi;
	/* The health probe: each selector's answer to its minimal call on the
	 * freshly booted machine; the probe's client and its connections, kept
	 * open between inputs (part of the baseline); the method calls made so
	 * far when the last input ended (an input that made none, and did
	 * nothing to the machine, cannot have wedged anything). */
	shim_ret probe_ret[FUZZ_MAX_SERVICES][FUZZ_PROBE_SELS];
	unsigned probe_oks;
	shim_task *probe_task;
	shim_uc_conn *probe_conn[FUZZ_MAX_SERVICES];
	long calls_seen;
	/* The device side's targets: the device wrapped in a hostile one. */
	struct model_hostile *hostile;
	const char *hostile_target;
} g;

/* What a driver may do with a device that never answers, before it is a
 * hang (fuzz/README.md, 'Device side'): reads with the clock standing
 * still, register accesses and virtual time in one driver entry. The
 * access budget leaves room for a bounded wait the spec allows: NVMe's
 * CAP.TO of 127.5 s polled every millisecond is 127,500 reads. */
#define FUZZ_HOSTILE_SAME_CLOCK_READS 10000u
#define FUZZ_HOSTILE_ACCESSES 1000000u
#define FUZZ_HOSTILE_CLOCK_NS 3600000000000ull

const char *fuzz_oracle_name(unsigned i)
{
	return i < FUZZ_ORACLE_COUNT ? oracle_names[i] : NULL;
}

static unsigned oracle_bit(const char *name, size_t len)
{
	for (unsigned i = 0; i < FUZZ_ORACLE_COUNT; i++)
		if (strlen(oracle_names[i]) == len && strncmp(oracle_names[i], name, len) == 0)
			return 1u << i;
	return 0;
}

bool fuzz_oracles_parse(const char *spec, unsigned *mask)
{
	unsigned m = spec[0] == '-' ? FUZZ_OR_ALL : 0;

	if (strcmp(spec, "all") == 0 || strcmp(spec, "none") == 0) {
		*mask = spec[0] == 'a' ? FUZZ_OR_ALL : 0;
		return true;
	}
	for (const char *p = spec; *p != '\0';) {
		bool off = *p == '-';
		size_t n;
		unsigned bit;

		p += off;
		n = strcspn(p, ",");
		if ((bit = oracle_bit(p, n)) == 0)
			return false;
		m = off ? m & ~bit : m | bit;
		p += n + (p[n] == ',');
	}
	*mask = m;
	return true;
}

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

/* A limit of the hostile engine: the driver's finding, at its access. */
static void hostile_finding(void *ctx, enum model_hostile_finding cls, const char *msg)
{
	(void)ctx;
	fuzz_die(g.hostile_target != NULL ? g.hostile_target : "device", "[hang: %s] %s",
		 model_hostile_finding_name(cls), msg);
}

/* The hostile program removed the device: the machine knows it as a
 * surprise removal the driver was not told of. */
static void sync_gone(void)
{
	if (g.hostile != NULL && model_hostile_gone(g.hostile) && !g.removed)
		g.removed = g.disturbed = true;
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

/* The services publishing the tables collected at boot, in the same order
 * (NULL for one whose driver is not running now). */
static void refresh_services(void)
{
	shim_machine *m = g.fx.machine;

	for (size_t s = 0; s < g.world.nservices; s++) {
		g.world.svc[s] = NULL;
		for (size_t i = 0; i < shim_machine_device_count(m); i++) {
			shim_service *svc = shim_machine_service(m, shim_machine_device(m, i));

			if (svc != NULL && shim_service_userclient(svc) == g.world.desc[s])
				g.world.svc[s] = svc;
		}
	}
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
		add_ent(fuzz_oracle_open_entitlement(d));
		for (uint32_t s = 0; s < d->method_count; s++) {
			add_ent(d->methods[s].entitlement);
			add_ent(fuzz_oracle_method_entitlement(d, s));
		}
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

/* ---- the health probe ---- */

/* The minimal synchronous call of sel (declared shapes, zero-filled, a
 * variable shape empty) by a root client holding every entitlement. */
static shim_ret probe_call(shim_uc_conn *c, const struct shim_uc_method *m, uint32_t sel)
{
	static uint64_t in[SHIM_UC_MAX_SCALARS], out[SHIM_UC_MAX_SCALARS];
	static uint8_t sin[SHIM_UC_MAX_INLINE_STRUCT], sout[SHIM_UC_MAX_STRUCT_OUT];
	struct shim_uc_call call = {
		.scalar_in = in, .struct_in = sin, .scalar_out = out, .struct_out = sout,
	};

	if (m->scalar_in_count > SHIM_UC_MAX_SCALARS && m->scalar_in_count != SHIM_UC_VARIABLE)
		return SHIM_ERR_BAD_SHAPE;
	call.scalar_in_count = m->scalar_in_count == SHIM_UC_VARIABLE ? 0 : m->scalar_in_count;
	call.scalar_out_count = m->scalar_out_count == SHIM_UC_VARIABLE ? 0 : m->scalar_out_count;
	call.struct_in_size = m->struct_in_size == SHIM_UC_VARIABLE ||
					      m->struct_in_size > sizeof(sin) ? 0 : m->struct_in_size;
	call.struct_out_size = m->struct_out_size == SHIM_UC_VARIABLE ||
					       m->struct_out_size > sizeof(sout) ? 0 : m->struct_out_size;
	return shim_uc_call(c, sel, &call);
}

/* The probe's connections, opened afresh (after boot, or after the
 * driver was restarted: its stop closed them). */
static void probe_open(const char *target)
{
	if (g.probe_task != NULL)
		shim_task_destroy(g.probe_task);
	if (shim_task_create(0, g.world.ents, g.world.nents, &g.probe_task) != SHIM_OK)
		fuzz_die(target, "health probe: cannot create a client task");
	for (size_t s = 0; s < g.world.nservices; s++)
		if (g.world.svc[s] == NULL ||
		    shim_uc_open(g.probe_task, g.world.svc[s], &g.probe_conn[s]) != SHIM_OK)
			g.probe_conn[s] = NULL;
}

/* Each selector's answer now; with record, kept as the fresh machine's.
 * The harness's own calls: not counted as the inputs' selector coverage. */
static void probe(const char *target, bool record)
{
	bool counting = shim_uc_selector_counting(false);

	for (size_t s = 0; s < g.world.nservices; s++) {
		const struct shim_uc_desc *d = g.world.desc[s];
		shim_uc_conn *c = g.probe_conn[s];

		if (c == NULL || !shim_uc_conn_is_open(c)) {
			if (!record)
				fuzz_die(target, "[wedged device] health probe: root cannot open user "
						 "client %zu any more", s);
			continue;
		}
		for (uint32_t k = 0; k < d->method_count && k < FUZZ_PROBE_SELS; k++) {
			shim_ret r;

			if (d->methods[k].fn == NULL || (!record && g.probe_ret[s][k] != SHIM_OK))
				continue;
			r = probe_call(c, &d->methods[k], k);
			if (record) {
				g.probe_ret[s][k] = r;
				g.probe_oks += r == SHIM_OK;
			} else if (r != SHIM_OK) {
				fuzz_die(target, "[wedged device] health probe after this input: selector "
						 "%u (%s) answers %s, it answered OK on the fresh machine",
					 k, d->methods[k].name != NULL ? d->methods[k].name : "-",
					 shim_ret_string(r));
			}
		}
	}
	/* The module's own check, when no selector answers on its own. */
	if (!record && g.probe_oks == 0 && g.module != NULL && g.module->alive != NULL) {
		char why[256] = "";

		if (g.module->alive(&g.fx, why, sizeof(why)) != SHIM_OK)
			fuzz_die(target, "[wedged device] health probe: the test module's alive check "
					 "fails: %s", why);
	}
	shim_uc_selector_counting(counting);
}

/* Method calls made so far (the shim's count). */
static long calls_made(void)
{
	struct shim_uc_counters u;

	shim_uc_counters_snapshot(&u);
	return u.calls;
}

/* ---- boot ---- */

static void boot(const struct fuzz_config *cfg)
{
	struct bench_options opt = { .ram_size = FUZZ_RAM, .no_tap = true, .hotplug = true };
	struct bench_kext *kext;
	char why[FUZZ_WHY] = "";

	g.world.oracles = FUZZ_OR_ALL;
	if (cfg->oracles != NULL && !fuzz_oracles_parse(cfg->oracles, &g.world.oracles))
		refuse("-oracles=%s: unknown oracle (all, none, or a list of: model device "
		       "handles scan wedge probe baseline, '-name' to drop one)", cfg->oracles);
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
	if (cfg->hostile) {
		struct model_hostile_limits lim = {
			.reads_same_clock = FUZZ_HOSTILE_SAME_CLOCK_READS,
			.accesses = FUZZ_HOSTILE_ACCESSES, .clock_ns = FUZZ_HOSTILE_CLOCK_NS,
		};

		if ((g.hostile = model_hostile_create()) == NULL)
			refuse("no memory for the hostile device");
		model_hostile_set_limits(g.hostile, &lim);
		model_hostile_on_finding(g.hostile, hostile_finding, NULL);
		opt.hostile = g.hostile;
		g.world.hostile = true;
	}
	if (bench_machine_boot(&g.fx, &g.counted_sim, &opt, why, sizeof(why)) != SHIM_OK)
		refuse("cannot boot a sim machine with %s: %s", cfg->kext, why);
	if (g.fx.svc == NULL)
		refuse("%s did not start on profile %s: %s",
		       bench_kext_bundle_id(kext), opt.profile->name, shim_ret_string(g.fx.match_ret));
	if (g.module != NULL && g.module->init != NULL &&
	    g.module->init(&g.fx, why, sizeof(why)) != SHIM_OK)
		refuse("test module %s: init failed: %s", cfg->tests, why);
	g.world.image = image_path();
	if (!bench_kext_image_range(kext, &g.image_lo, &g.image_hi))
		g.image_lo = g.image_hi = 0;
	if (cfg->client_abi != NULL && strcmp(cfg->client_abi, "ilp32") == 0)
		g.world.client_abi = SHIM_UC_ABI_ILP32;
	else if (cfg->client_abi != NULL && strcmp(cfg->client_abi, "lp64") != 0)
		refuse("-client_abi is lp64 or ilp32, not '%s'", cfg->client_abi);
	collect_userclients();
	warn_unbound_oracles();
	fuzz_scan_refresh();
	/* A misuse aborts where it happens, with its record on stderr; on the
	 * device side at the end of the input (verifier_check), where what the
	 * hostile device did can excuse a record. */
	shim_verifier_set_fatal(g.hostile == NULL);
	if (shim_verifier_count() != 0)
		refuse("verifier records during boot: %s", shim_verifier_get(0)->message);
	probe_open("boot");
	probe("boot", true);
	take_baseline();
	g.calls_seen = calls_made();
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

		fprintf(out, "user client %zu: %u selectors; oracle: %s%s%s; access rules: %s\n", s,
			w->desc[s]->method_count,
			o != NULL ? o->name : "generic (the shim's checks, handles, device access)",
			o != NULL ? " from " : "", o != NULL ? g.module_path : "",
			fuzz_oracle_access_stated(w->desc[s]) ?
				"the contract's (independent of the dispatch table)" :
				"the dispatch table's (no contract states them: a method that lost "
				"both its table entry and its own check goes unseen)");
		fuzz_oracle_note_access(w->desc[s], out);
	}
}

void fuzz_driver_entry(void)
{
	model_hostile_entry(g.hostile);
}

void fuzz_run_loop(uint64_t ns)
{
	shim_ret r;

	fuzz_driver_entry();
	r = shim_workloop_delay_ns(shim_machine_workloop(g.fx.machine), ns);
	if (r != SHIM_OK)
		fuzz_die("loop", "work loop failed: %s", shim_ret_string(r));
}

/* ---- machine operations ---- */

static bool running(void)
{
	return g.fx.dev != NULL && g.fx.svc != NULL;
}

/* The top state of the running driver's table (awake), or false. */
static bool awake(void)
{
	const struct shim_driver *d = running() ? shim_service_driver(g.fx.svc) : NULL;
	unsigned now = 0;

	if (d == NULL || d->power == NULL || d->power->state_count < 2)
		return d != NULL;
	return !shim_machine_power_pending(g.fx.machine, g.fx.dev) &&
	       shim_machine_power_state(g.fx.machine, g.fx.dev, &now) == SHIM_OK &&
	       now == d->power->state_count - 1;
}

bool fuzz_machine_sleep(enum fuzz_sleep_kind kind)
{
	struct shim_power_policy late = { .sleep_state = -1, .ack_timeout_ns = FUZZ_LATE_ACK_NS };
	const struct shim_driver *d = running() ? shim_service_driver(g.fx.svc) : NULL;
	unsigned state;
	char why[256];

	if (d == NULL || d->power == NULL || d->power->state_count < 2 || !awake())
		return false;
	g.slept = true;
	/* An ack that came after the machine stopped waiting leaves the power
	 * bookkeeping in a state only a restart is sure to clear. */
	if (kind == FUZZ_SLEEP_LATE_ACK) {
		g.disturbed = true;
		shim_machine_set_power_policy(g.fx.machine, &late);
	}
	if (kind != FUZZ_SLEEP_REQUEST)
		return bench_machine_sleep(&g.fx, why, sizeof(why)) == SHIM_OK;
	/* The deepest state below on that keeps nothing: what system sleep picks. */
	for (state = d->power->state_count - 1;
	     state > 0 && (d->power->states[state].flags & SHIM_POWER_ON); state--)
		;
	return shim_machine_request_power_state(g.fx.machine, g.fx.dev, state) == SHIM_OK;
}

bool fuzz_machine_wake(void)
{
	char why[256];

	if (!running() || awake())
		return false;
	for (int i = 0; i < 4 && shim_machine_power_pending(g.fx.machine, g.fx.dev); i++)
		fuzz_run_loop(FUZZ_SETTLE_NS / 4);
	return bench_machine_wake(&g.fx, why, sizeof(why)) == SHIM_OK;
}

bool fuzz_machine_remove(bool told)
{
	char why[256];
	shim_ret r;

	sync_gone();
	if (g.fx.dev == NULL || g.removed)
		return false;
	g.disturbed = g.removed = true;
	r = told ? bench_machine_unplug(&g.fx, why, sizeof(why)) :
		   bench_machine_surprise_remove(&g.fx, why, sizeof(why));
	if (r != SHIM_OK)
		fuzz_die("machine", "surprise removal failed: %s", why);
	if (told) {
		refresh_services();
		g.world.generation++;
	}
	return true;
}

bool fuzz_machine_replug(void)
{
	char why[256];

	sync_gone();
	if (!g.removed)
		return false;
	/* A removal the driver was not told of yet: the rescan tells it. */
	if (g.fx.dev != NULL && bench_machine_rescan(&g.fx, why, sizeof(why)) != SHIM_OK)
		fuzz_die("machine", "rescan after a removal failed: %s", why);
	if (bench_machine_replug(&g.fx, why, sizeof(why)) != SHIM_OK)
		fuzz_die("machine", "re-plug failed: %s", why);
	g.removed = false;
	refresh_services();
	g.world.generation++;
	return true;
}

bool fuzz_machine_reset(void)
{
	char why[256];
	shim_ret r;
	bool first;

	sync_gone();
	if (g.fx.dev == NULL || g.removed)
		return false;
	first = !g.disturbed && !g.slept && fuzz_machine_failed_calls() == 0;
	g.disturbed = true;
	r = bench_machine_reset(&g.fx, why, sizeof(why));
	refresh_services();
	g.world.generation++;
	sync_gone(); /* the hostile device may have gone during the driver's stop */
	if (r != SHIM_OK && r != SHIM_ERR_UNSUPPORTED && !g.removed)
		fuzz_die("machine", "device reset failed: %s", why);
	/* The driver now runs freshly started on a device fresh from reset, on
	 * a machine this input had not changed before: what a restart at the
	 * end would make of it, the rest of the input as after any call. */
	if (r == SHIM_OK && first && !g.removed && g.fx.svc != NULL) {
		g.disturbed = false;
		g.restarted = true;
	}
	return r == SHIM_OK;
}

void fuzz_machine_fail_call(long nth, unsigned kinds)
{
	struct shim_fault_plan plan = { .kinds = kinds & SHIM_FAULT_ALL, .nth = nth,
					.code_lo = g.image_lo, .code_hi = g.image_hi };

	if (g.image_hi == 0 || plan.kinds == 0 || nth <= 0)
		return; /* a kext linked into the program: its calls cannot be told apart */
	/* Disturbed only once a call failed (here for the plan this one
	 * replaces, whose count the arming clears; fuzz_end_input for the
	 * last): a plan that never fired changed nothing the driver saw. */
	if (fuzz_machine_failed_calls() != 0)
		g.disturbed = true;
	shim_fault_arm(&plan);
	g.fault_armed = true;
}

unsigned fuzz_machine_failed_calls(void)
{
	struct shim_fault_stats st;

	if (!g.fault_armed)
		return 0;
	shim_fault_stats(&st);
	return st.fired;
}

bool fuzz_device_ready(void)
{
	return !g.world.hostile && !g.removed && running() && fuzz_machine_failed_calls() == 0 &&
	       shim_pci_is_present(g.fx.dev) && awake();
}

/* ---- the device side ---- */

bool fuzz_hostile_start(const char *target, const uint8_t *prog, size_t len)
{
	char why[256];

	g.hostile_target = target;
	g.disturbed = true;
	if (g.fx.dev != NULL && g.fx.svc != NULL)
		shim_machine_terminate(g.fx.machine, g.fx.dev);
	g.fx.svc = NULL;
	/* Every input meets the device as it came out of reset, so a finding
	 * reproduces from its input alone. */
	if (g.fx.dev != NULL)
		shim_machine_reset_device(g.fx.machine, g.fx.dev);
	model_hostile_load(g.hostile, prog, len);
	fuzz_driver_entry();
	if (g.fx.dev != NULL) {
		g.fx.match_ret = shim_machine_match(g.fx.machine, g.fx.kext, &g.fx.started);
		g.fx.svc = shim_machine_service(g.fx.machine, g.fx.dev);
	}
	sync_gone();
	refresh_services();
	g.world.generation++;
	/* Its symbols only: a module whose init needs a working device is
	 * told again after the restore. */
	if (g.fx.svc != NULL && g.module != NULL && g.module->init != NULL)
		(void)g.module->init(&g.fx, why, sizeof(why));
	return g.fx.svc != NULL;
}

void fuzz_hostile_stop(void)
{
	fuzz_driver_entry();
	sync_gone();
	/* A driver not told of a removal yet is told by the restore's rescan. */
	if (!g.removed && g.fx.dev != NULL && g.fx.svc != NULL)
		shim_machine_terminate(g.fx.machine, g.fx.dev);
	if (!g.removed) {
		g.fx.svc = NULL;
		/* What the hostile device left in its registers is not the honest
		 * device's: the restore starts the driver on a reset one. */
		if (g.fx.dev != NULL)
			shim_machine_reset_device(g.fx.machine, g.fx.dev);
	}
	refresh_services();
	g.world.generation++;
	model_hostile_disarm(g.hostile);
}

const struct model_hostile *fuzz_hostile(void)
{
	return g.hostile;
}

/* ---- end of an input ---- */

/* What follows a start of the driver: its test module told again, the
 * services and the probe's connections opened anew. */
static void reopen(void)
{
	char why[256];

	g.restarted = false;
	if (g.module != NULL && g.module->init != NULL &&
	    g.module->init(&g.fx, why, sizeof(why)) != SHIM_OK)
		fuzz_die("machine", "test module init after a restart: %s", why);
	refresh_services();
	probe_open("machine");
	g.world.generation++;
}

/* Back to the post-boot shape: no fault armed, power settled, the device
 * there and awake, its driver started afresh (so no state of this input
 * reaches the next one). */
static void restore(void)
{
	bool fresh = false;

	if (g.hostile != NULL)
		model_hostile_disarm(g.hostile);
	shim_fault_disarm();
	g.fault_armed = false;
	shim_machine_set_power_policy(g.fx.machine, NULL);
	/* The re-plug's rescan starts the driver on the device it plugged
	 * back: already the fresh start a restart would make. */
	if (g.removed)
		fresh = fuzz_machine_replug() && g.fx.svc != NULL;
	for (int i = 0; i < 4 && g.fx.dev != NULL &&
			shim_machine_power_pending(g.fx.machine, g.fx.dev); i++)
		fuzz_run_loop(FUZZ_SETTLE_NS / 4);
	if (!fresh && g.fx.dev != NULL && g.fx.svc != NULL)
		shim_machine_terminate(g.fx.machine, g.fx.dev);
	if (!fresh)
		g.fx.svc = NULL;
	if (g.fx.dev == NULL)
		g.fx.dev = bench_machine_find_device(&g.fx);
	if (!fresh && g.fx.dev != NULL) {
		g.fx.match_ret = shim_machine_match(g.fx.machine, g.fx.kext, &g.fx.started);
		g.fx.svc = shim_machine_service(g.fx.machine, g.fx.dev);
	}
	if (g.fx.svc == NULL)
		fuzz_die("machine", "the driver does not start again after this input: %s",
			 shim_ret_string(g.fx.match_ret));
	reopen();
	g.disturbed = g.slept = false;
}

/* An input whose only change to the machine was a sleep with the default
 * policy (and perhaps a wake): the driver still runs with its connections,
 * the probe's included, so waking the device is the whole restore. The
 * driver's own state is then what its sleep and wake left, as after any
 * call; a wake that leaves it wedged is the probe's finding, a leak the
 * baseline's. False when that does not bring the device back awake: the
 * restart then does. */
static bool wake_only(void)
{
	g.slept = false;
	if (g.disturbed || g.removed || !running())
		return false;
	if (!awake())
		(void)fuzz_machine_wake();
	for (int i = 0; i < 4 && shim_machine_power_pending(g.fx.machine, g.fx.dev); i++)
		fuzz_run_loop(FUZZ_SETTLE_NS / 4);
	return awake();
}

static void check_baseline(const char *target)
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
}

/* The hostile device dropped a register write in this input: it acts on
 * stale programming (an address, a count, a stop the driver replaced), so
 * its DMA outside the driver's prepared ranges and the errors its model
 * reports (where QEMU's device would abort) are no fault of the driver's. */
static bool device_misled(void)
{
	struct model_hostile_stats st = { 0 };

	if (g.hostile != NULL)
		model_hostile_stats(g.hostile, &st);
	return st.writes_dropped > 0;
}

/* The verifier's first record that is the driver's doing, or none. */
static void verifier_check(const char *target)
{
	bool misled = device_misled();

	for (size_t i = 0; i < shim_verifier_count(); i++) {
		const struct shim_violation *v = shim_verifier_get(i);

		if (v->kind == SHIM_V_DMA_OUT_OF_RANGE && misled)
			continue;
		fuzz_die(target, "verifier: %s", v->message);
	}
	shim_verifier_clear();
}

/* Errors the device's model reported (where QEMU's would abort) since the
 * baseline: this input's. */
static void check_device_errors(const char *target)
{
	unsigned long errors;
	const char *last = NULL;

	if ((g.world.oracles & FUZZ_OR_BASELINE) && !device_misled() &&
	    bench_machine_device_errors(&g.fx, &errors, &last) && errors != g.device_errors)
		fuzz_die(target, "device error: %s", last != NULL ? last : "(no detail)");
}

void fuzz_end_input(const char *target)
{
	unsigned long errors;
	const char *last = NULL;
	bool was_disturbed;

	sync_gone();
	/* Disarmed before any more of the kext's code runs (the probe's calls
	 * must not meet this input's plan); a plan that fired made the driver
	 * see a failure: restart it. */
	if (g.fault_armed) {
		g.disturbed |= fuzz_machine_failed_calls() != 0;
		shim_fault_disarm();
		g.fault_armed = false;
	}
	was_disturbed = g.disturbed || g.slept || g.restarted;
	/* Before the machine changes: the device's errors and the verifier
	 * belong to this input. */
	verifier_check(target);
	check_device_errors(target);
	if (was_disturbed && wake_only()) {
		check_device_errors(target); /* the wake is this input's */
		if (g.restarted)
			reopen();
	} else if (was_disturbed) {
		restore();
		if (bench_machine_device_errors(&g.fx, &errors, &last))
			g.device_errors = errors; /* a re-plugged device counts afresh */
	}
	/* An input that ran no method and left the machine alone changed
	 * nothing a probe could see. */
	if ((g.world.oracles & FUZZ_OR_PROBE) && (was_disturbed || calls_made() != g.calls_seen))
		probe(target, false);
	g.calls_seen = calls_made();
	if (g.world.oracles & FUZZ_OR_BASELINE)
		check_baseline(target);
	verifier_check(target);
}
