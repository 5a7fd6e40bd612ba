/* The scenario API: named end-to-end checks of a driver on a bench machine.
 * The bench runs its generic scenarios on every kext; a driver adds its own
 * in a test module, a shared object loaded with --tests that exports one
 * bench_test_module (BENCH_TEST_MODULE below). Every run ends PASS, FAIL or
 * CANNOT RUN with a reason (a scenario that needs something the host lacks
 * says so; nothing is silently skipped), with the counters before and after.
 * Guide: docs/writing-a-driver.md. */
#ifndef BENCH_SCENARIO_H
#define BENCH_SCENARIO_H

#include "bench/machine.h"

/* Bumped when a struct below changes; a module built for another version
 * is refused at load. */
#define BENCH_API_VERSION 2u /* 2: user-client oracles state access rules */

struct bench_uc_oracle; /* bench/uc_oracle.h */

enum bench_result { BENCH_PASS = 0, BENCH_FAIL, BENCH_CANNOT_RUN };

#define BENCH_WHY_LEN 320

/* An expected CANNOT RUN: on host kind `host` ("sim", "qemu" or
 * "qemu-proxy") the runner's reason contains `because`. Tests fail on any
 * other CANNOT RUN, and on a listed one that starts to pass. */
struct bench_expect {
	const char *host;
	const char *because;
};

struct bench_scenario {
	const char *name;
	const char *summary;
	/* Runs on a booted machine; fills why unless it passes (a passing run
	 * may leave a note there, e.g. which of two clean outcomes happened). */
	enum bench_result (*run)(struct bench_machine *fx, char *why, size_t len);
	const char *device_options;  /* device variant to boot (bench_options) */
	uint64_t ram_size;           /* guest RAM; 0: the default */
	bench_kext_wrap_fn wrap_kext; /* optional: instrument the loaded kext */
	unsigned needs;              /* enum bench_cap bits the host must offer */
	bool start_may_fail;         /* run even when the driver did not start */
	bool hotplug;                /* removes the device: boot a hot-pluggable machine */
	const struct bench_expect *cannot_run; /* ended by an entry with host NULL; may be NULL */
};

/* What a driver's test module exports (symbol BENCH_TEST_MODULE_SYMBOL). */
struct bench_test_module {
	uint32_t api_version;        /* BENCH_API_VERSION */
	const char *name;
	const struct bench_scenario *const *scenarios;
	size_t scenario_count;
	/* Optional, KUnit's init: runs after every boot, before any scenario,
	 * e.g. to find the driver's functions in the freshly mapped kext. A
	 * failure fails the scenario with its reason. */
	shim_ret (*init)(struct bench_machine *fx, char *why, size_t len);
	/* Optional: does the started driver still answer? Run after every cycle
	 * and by generic scenarios after each step; without it the bench only
	 * checks that the service exists and the device is present. */
	shim_ret (*alive)(struct bench_machine *fx, char *why, size_t len);
	/* Optional: the contracts of the user clients the driver publishes, for
	 * the fuzzers' reference model (bench/uc_oracle.h). */
	const struct bench_uc_oracle *const *uc_oracles;
	size_t uc_oracle_count;
};

#define BENCH_TEST_MODULE_SYMBOL "drvbench_test_module"
/* In a test module: BENCH_TEST_MODULE(.name = "foo", .scenarios = ..., ...); */
#define BENCH_TEST_MODULE(...)                                                    \
	extern const struct bench_test_module drvbench_test_module;               \
	const struct bench_test_module drvbench_test_module = {                    \
		.api_version = BENCH_API_VERSION, __VA_ARGS__ }

struct bench_class_report {
	char name[BENCH_CLASS_NAME_LEN];
	long before, after;
};

struct bench_report {
	const struct bench_scenario *scenario;
	char host[48];           /* "host:device" */
	enum bench_result result;
	char why[BENCH_WHY_LEN];
	struct shim_counters before, after;
	size_t nclasses;
	struct bench_class_report classes[BENCH_MAX_CLASSES];
	long log_drops;          /* messages the log ring dropped during the run */
	double elapsed_ms;       /* wall clock */
	/* The host could not be started (QEMU did not come up): nothing
	 * reached the driver, and the host's next scenarios would fail the same. */
	bool host_failed;
	/* The run was interrupted while this one ran (bench/interrupt.h): its
	 * result says nothing about the driver. */
	bool interrupted;
};

const char *bench_result_string(enum bench_result r);     /* "PASS", "FAIL", "CANNOT RUN" */

/* The generic scenarios every kext gets (NULL past the end / unknown). */
const struct bench_scenario *bench_generic_at(size_t i);
/* Generic first, then the module's (module may be NULL). */
const struct bench_scenario *bench_scenario_at(const struct bench_test_module *module, size_t i);
const struct bench_scenario *bench_scenario_find(const struct bench_test_module *module,
						 const char *name);
/* The expected CANNOT RUN reason of sc on host, or NULL. */
const char *bench_scenario_expected_cannot_run(const struct bench_scenario *sc,
					       const struct bench_host_factory *host);

/* Boot with base (profile, kext, module) plus the scenario's variant, run,
 * shut down, compare. Never aborts. */
void bench_scenario_run(const struct bench_scenario *sc, const struct bench_host_factory *host,
			const struct bench_options *base, struct bench_report *rep);

/* The same in a child process (a driver that is not trusted): a crash or a
 * hang past timeout_s (0: 60) is this scenario's FAIL with the reason, and
 * the caller goes on. */
void bench_scenario_run_isolated(const struct bench_scenario *sc,
				 const struct bench_host_factory *host,
				 const struct bench_options *base, unsigned timeout_s,
				 struct bench_report *rep);

/* Loads a test module (dlopen, BENCH_TEST_MODULE_SYMBOL, version check);
 * it stays loaded for the process. */
shim_ret bench_module_load(const char *path, const struct bench_test_module **out, char *why,
			   size_t len);

/* The module's alive check, or the bench's own (service and device there). */
shim_ret bench_machine_alive(struct bench_machine *fx, const char *after, char *why, size_t len);

/* For run functions: format why and return the result. */
enum bench_result bench_fail(char *why, size_t len, const char *fmt, ...) SHIM_PRINTF(3, 4);
enum bench_result bench_cannot_run(char *why, size_t len, const char *fmt, ...) SHIM_PRINTF(3, 4);

/* A symbol of the kext under test (bench_kext_symbol), for a driver's own
 * module to call into its driver; NULL when absent. Resolve on every run. */
void *bench_machine_kext_symbol(struct bench_machine *fx, const char *name);

#endif
