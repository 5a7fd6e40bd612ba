/* Failing calls, systematically (a low-resources simulation, but
 * exhaustive): every shim call a kext makes that can fail (enum
 * shim_fault_kind: allocation, BAR map, DMA buffer, prepare, DMA command,
 * interrupt source, timer, work-loop sleep, user-client publish) is made to
 * fail in turn, at each of its calls, along each generic scenario (start
 * is swept by its own scenario, start-fails-at-each-call, run as it is)
 * and each user-client method (a root client opens, makes the method's
 * minimal call, async where allowed, and closes). A target first runs once counting the calls; then once per
 * call with exactly that call failing, each run on a fresh machine in a
 * child process. After each, the driver must have given back everything
 * and left no verifier record, and the process must not have crashed or
 * hung; each finding names the failed call's site (file:line) and what went
 * wrong (the leaked allocations' sites). Whether the scenario itself
 * passed is the driver's business (a call that failed may rightly fail it)
 * and is only counted. The sim host only: the sweep needs a machine that
 * does the same thing on every run. */
#ifndef BENCH_FAULTS_H
#define BENCH_FAULTS_H

#include "bench/scenario.h"

#define BENCH_FAULT_SITE_LEN 160
#define BENCH_FAULT_MAX_FINDINGS 64
#define BENCH_FAULT_DEFAULT_MAX_CALLS 256 /* calls failed per target, unless told */

struct bench_fault_options {
	struct bench_options base;  /* profile, kext, module (sim host) */
	const char *only;           /* a scenario's name or "method:NAME"; NULL: every target */
	unsigned kinds;             /* enum shim_fault_kind bits; 0: all */
	long max_calls;             /* calls failed per target; 0: the default */
	unsigned timeout_s;         /* per run; 0: 30 */
	/* Called after each target (may be NULL), e.g. to print progress:
	 * calls failed in turn of the counted calls the target makes (more
	 * than max_calls: the sweep was cut short there); calls < 0: skipped. */
	void (*progress)(void *ctx, const char *target, long calls, long counted,
			 long failed_runs, unsigned findings);
	void *ctx;
};

struct bench_fault_finding {
	char target[72];            /* "scenario sleep-wake" or "method factorial_async" */
	long call;                  /* the n-th counted call of the target */
	unsigned kind;              /* enum shim_fault_kind of the failed call */
	char site[BENCH_FAULT_SITE_LEN];
	char what[BENCH_WHY_LEN];   /* the leak (with sites), the verifier record, the crash */
};

struct bench_fault_report {
	unsigned targets;           /* swept */
	unsigned skipped;           /* could not run here (CANNOT RUN), or nothing to call */
	unsigned truncated;         /* swept only up to max_calls: they make more calls */
	unsigned long runs;         /* runs with one call failed */
	unsigned long scenario_failed; /* of those, runs whose scenario or call reported a failure */
	size_t nfindings;           /* may exceed BENCH_FAULT_MAX_FINDINGS; that many are kept */
	struct bench_fault_finding findings[BENCH_FAULT_MAX_FINDINGS];
};

/* SHIM_OK when the sweep ran (findings or not), with the report filled; an
 * error (why) when it could not: no such target, a kext linked into the
 * program (its calls cannot be told from others), the machine does not boot. */
shim_ret bench_faults_sweep(const struct bench_fault_options *o, struct bench_fault_report *rep,
			    char *why, size_t len);

#endif
