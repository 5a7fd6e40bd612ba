/* Runs one scenario on one host and fills its report. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench/interrupt.h"
#include "bench/scenario.h"

static const char *const bench_cap_names[] = {
	"a device-error counter",   /* BENCH_CAP_DEVICE_ERRORS */
	"observation of device DMA", /* BENCH_CAP_DMA_OBSERVER */
	"a virtual clock (timeouts that cost no real time)", /* BENCH_CAP_VIRTUAL_TIME */
};

const char *bench_result_string(enum bench_result r)
{
	switch (r) {
	case BENCH_PASS:
		return "PASS";
	case BENCH_FAIL:
		return "FAIL";
	case BENCH_CANNOT_RUN:
		return "CANNOT RUN";
	}
	return "?";
}

static enum bench_result bench_vresult(enum bench_result res, char *why, size_t len, const char *fmt,
				 va_list ap) SHIM_PRINTF(4, 0);
static enum bench_result bench_vresult(enum bench_result res, char *why, size_t len, const char *fmt,
				 va_list ap)
{
	if (len > 0)
		vsnprintf(why, len, fmt, ap);
	return res;
}

enum bench_result bench_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	enum bench_result r;

	va_start(ap, fmt);
	r = bench_vresult(BENCH_FAIL, why, len, fmt, ap);
	va_end(ap);
	return r;
}

enum bench_result bench_cannot_run(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	enum bench_result r;

	va_start(ap, fmt);
	r = bench_vresult(BENCH_CANNOT_RUN, why, len, fmt, ap);
	va_end(ap);
	return r;
}

static double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void bench_report_class(struct bench_report *rep, const char *name,
			       const struct bench_baseline *before,
			       const struct bench_baseline *after)
{
	for (size_t i = 0; i < rep->nclasses; i++)
		if (strcmp(rep->classes[i].name, name) == 0)
			return;
	if (rep->nclasses == BENCH_MAX_CLASSES)
		return;
	snprintf(rep->classes[rep->nclasses].name, sizeof(rep->classes[0].name), "%s", name);
	rep->classes[rep->nclasses].before = bench_baseline_class_live(before, name);
	rep->classes[rep->nclasses].after = bench_baseline_class_live(after, name);
	rep->nclasses++;
}

static void bench_report_classes(struct bench_report *rep, const struct bench_baseline *before,
				 const struct bench_baseline *after)
{
	rep->nclasses = 0;
	for (size_t i = 0; i < before->nclasses; i++)
		bench_report_class(rep, before->classes[i].name, before, after);
	for (size_t i = 0; i < after->nclasses; i++)
		bench_report_class(rep, after->classes[i].name, before, after);
}

static enum bench_result bench_run_booted(const struct bench_scenario *sc,
					  struct bench_machine *fx, char *why, size_t len)
{
	const struct bench_test_module *m = fx->opt.module;

	if (m != NULL && m->init != NULL && m->init(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (fx->svc == NULL && !sc->start_may_fail)
		return bench_fail(why, len, "driver did not start: match %s, %zu started%s",
				  shim_ret_string(fx->match_ret), fx->started,
				  fx->match_ret != SHIM_OK ? " (the kernel log under -v says why)"
							    : "");
	return sc->run(fx, why, len);
}

void bench_scenario_run(const struct bench_scenario *sc, const struct bench_host_factory *host,
			const struct bench_options *base, struct bench_report *rep)
{
	struct bench_machine fx;
	struct bench_options opt = *base;
	struct bench_baseline after;
	char down[BENCH_WHY_LEN] = "";
	unsigned missing = sc->needs & ~host->caps;
	double t0 = bench_now_ms();
	shim_ret r;

	memset(rep, 0, sizeof(*rep));
	rep->scenario = sc;
	bench_host_label(host, base->profile, rep->host, sizeof(rep->host));
	shim_counters_snapshot(&rep->before);
	for (unsigned bit = 0; missing != 0 && bit < sizeof(bench_cap_names) / sizeof(bench_cap_names[0]);
	     bit++) {
		if (missing & (1u << bit)) {
			rep->result = bench_cannot_run(rep->why, sizeof(rep->why),
						       "needs %s; host %s has none",
						       bench_cap_names[bit], host->name);
			rep->after = rep->before;
			return;
		}
	}
	opt.device_options = sc->device_options;
	if (sc->ram_size != 0)
		opt.ram_size = sc->ram_size;
	opt.wrap_kext = sc->wrap_kext;
	opt.hotplug = base->hotplug || sc->hotplug;
	r = bench_machine_boot(&fx, host, &opt, rep->why, sizeof(rep->why));
	if (r != SHIM_OK) {
		rep->result = fx.host_refused ? BENCH_CANNOT_RUN : BENCH_FAIL;
		rep->host_failed = fx.host_failed;
		rep->interrupted = bench_interrupted() != 0;
		shim_counters_snapshot(&rep->after);
		rep->elapsed_ms = bench_now_ms() - t0;
		return;
	}
	rep->before = fx.base.counters;
	rep->result = bench_run_booted(sc, &fx, rep->why, sizeof(rep->why));
	if (rep->result == BENCH_FAIL)
		bench_machine_note_host_gone(&fx, rep->why, sizeof(rep->why));
	if (!bench_machine_shutdown(&fx, down, sizeof(down))) {
		if (rep->result != BENCH_FAIL)
			snprintf(rep->why, sizeof(rep->why), "shutdown: %s", down);
		else
			bench_why_append(rep->why, sizeof(rep->why), "shutdown: %s", down);
		rep->result = BENCH_FAIL;
	}
	bench_baseline_take(&after);
	rep->after = after.counters;
	bench_report_classes(rep, &fx.base, &after);
	rep->log_drops = rep->after.log_dropped - rep->before.log_dropped;
	rep->interrupted = bench_interrupted() != 0;
	rep->elapsed_ms = bench_now_ms() - t0;
}
