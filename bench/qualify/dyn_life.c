/* The dynamic lifecycle with the kernel log watched: load, match and start
 * (one boot), stop, unload. Every error or warning logged on the way is a
 * finding quoting the line; each step that fails is a finding of its own
 * rule; a kext left loaded (its unload refused) stops the dynamic checks. */
#include <stdio.h>
#include <string.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "dyn_internal.h"

void bench_q_log_drain(void)
{
	while (shim_log_pop(NULL, 0, NULL))
		;
}

void bench_q_log_findings(struct bench_q_ctx *c, const char *step)
{
	enum shim_log_level level;
	char line[256];

	while (shim_log_pop(line, sizeof(line), &level)) {
		if (level != SHIM_LOG_ERR && level != SHIM_LOG_WARN)
			continue;
		bench_q_add(c, level == SHIM_LOG_ERR ? "dyn.log-error" : "dyn.log-warning", "", step,
			    "step", "log only what a user must act on; debug output belongs under a "
			    "debug switch that ships off",
			    "kernel log during %s: \"%s\"", step, line);
	}
}

/* Boot (load, match, start) for the lifecycle; false when nothing more can run. */
static bool q_boot(struct bench_q_ctx *c, const struct bench_q_dyn *d, struct bench_machine *fx)
{
	char why[BENCH_WHY_LEN] = "";

	if (bench_machine_boot(fx, d->host, &d->bopt, why, sizeof(why)) != SHIM_OK) {
		bench_q_add(c, "dyn.load", "", "load", "step",
			    "the reason names the file, key or symbol at fault",
			    "the kext does not load on %s: %s", d->label, why);
		return false;
	}
	if (fx->svc == NULL) {
		char log[BENCH_WHY_LEN] = "", line[160];

		/* The log says why; it belongs to this finding, not to findings of its own. */
		while (shim_log_pop(line, sizeof(line), NULL))
			bench_why_append(log, sizeof(log), "\"%s\"", line);
		bench_q_add(c, "dyn.load", "", "start", "step",
			    "check the personality's match keys against the device and what start "
			    "returns",
			    "the driver did not start on %s: match %s, %zu started%s%s", d->label,
			    shim_ret_string(fx->match_ret), fx->started, log[0] ? "; kernel log: " : "",
			    log);
		bench_machine_shutdown(fx, why, sizeof(why));
		return false;
	}
	bench_q_log_findings(c, "load, match and start");
	return true;
}

/* Stop, then unload; false when the kext stays loaded. A refused unload
 * is the finding (it names the class); otherwise what stop left behind,
 * measured before the unload frees the kext's own object, is. */
static bool q_stop_unload(struct bench_q_ctx *c, const struct bench_q_dyn *d,
			  struct bench_machine *fx)
{
	char why[BENCH_WHY_LEN] = "", left[BENCH_WHY_LEN] = "";
	shim_ret r = shim_machine_terminate(fx->machine, fx->dev);
	bool clean;

	fx->svc = NULL;
	bench_q_log_findings(c, "stop");
	if (r != SHIM_OK)
		bench_q_add(c, "dyn.unload", "", "stop", "step", "stop must release what start took",
			    "stop failed: %s", shim_ret_string(r));
	clean = bench_baseline_matches(&fx->pre_match, left, sizeof(left)) &&
		bench_verifier_empty(left, sizeof(left));
	r = bench_kext_unload(d->kext, why, sizeof(why));
	bench_q_log_findings(c, "unload");
	if (r != SHIM_OK) {
		bench_q_add(c, "dyn.unload", "", "unload", "step",
			    "free every instance of the kext's classes in stop",
			    "unload refused after stop: %s", why);
		return false;
	}
	fx->kext = NULL;
	if (!clean)
		bench_q_add(c, "dyn.verifier", "", "stop", "step",
			    "release in stop everything start acquired, in reverse order",
			    "after stop: %s", left);
	return true;
}

/* Lifecycle findings that every later step would only repeat. */
static size_t q_lifecycle_errors(const struct bench_qualify_result *res)
{
	size_t n = 0;

	for (size_t i = 0; i < res->count; i++)
		n += strcmp(res->findings[i].rule->id, "dyn.load") == 0 ||
		     strcmp(res->findings[i].rule->id, "dyn.unload") == 0 ||
		     strcmp(res->findings[i].rule->id, "dyn.verifier") == 0;
	return n;
}

bool bench_q_dyn_lifecycle(struct bench_q_ctx *c, const struct bench_q_dyn *d)
{
	size_t before = q_lifecycle_errors(c->res);
	struct bench_machine fx;
	char why[BENCH_WHY_LEN] = "";

	bench_q_log_drain();
	if (q_boot(c, d, &fx)) {
		bool unloaded = q_stop_unload(c, d, &fx);

		if (!bench_machine_shutdown(&fx, why, sizeof(why)) && unloaded &&
		    q_lifecycle_errors(c->res) == before)
			bench_q_add(c, "dyn.verifier", "", "shutdown", "step",
				    "the verifier names the misuse and where it happened",
				    "after unload: %s", why);
	}
	bench_q_log_drain();
	return !bench_kext_loaded(d->kext) && q_lifecycle_errors(c->res) == before;
}

bool bench_q_dyn_sleep_wake(struct bench_q_ctx *c, const struct bench_q_dyn *d)
{
	const struct bench_scenario *sc = bench_scenario_find(NULL, "sleep-wake");
	struct bench_report rep;

	if (sc == NULL) {
		bench_q_not_checked(c->res, "sleep/wake: the bench has no sleep-wake scenario");
		return true;
	}
	bench_scenario_run(sc, d->host, &d->bopt, &rep);
	bench_q_log_drain();
	if (rep.result == BENCH_CANNOT_RUN)
		bench_q_not_checked(c->res, "sleep/wake: %s", rep.why);
	else if (rep.result == BENCH_FAIL)
		bench_q_add(c, "dyn.sleep-wake", "", "sleep-wake", "step",
			    "acknowledge every power change in time and restore the device's "
			    "registers on wake", "sleep/wake on %s: %s", d->label, rep.why);
	return rep.result != BENCH_FAIL;
}
