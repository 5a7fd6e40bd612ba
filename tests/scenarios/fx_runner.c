/* Runs one scenario on one host and fills its report. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fx_scenario.h"

static const char *const fx_cap_names[] = {
	"a device-error counter",   /* FX_CAP_DEVICE_ERRORS */
	"observation of device DMA", /* FX_CAP_DMA_OBSERVER */
};

const char *fx_result_string(enum fx_result r)
{
	switch (r) {
	case FX_PASS:
		return "PASS";
	case FX_FAIL:
		return "FAIL";
	case FX_CANNOT_RUN:
		return "CANNOT RUN";
	}
	return "?";
}

static enum fx_result fx_vresult(enum fx_result res, char *why, size_t len, const char *fmt,
				 va_list ap) SHIM_PRINTF(4, 0);
static enum fx_result fx_vresult(enum fx_result res, char *why, size_t len, const char *fmt,
				 va_list ap)
{
	if (len > 0)
		vsnprintf(why, len, fmt, ap);
	return res;
}

enum fx_result fx_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	enum fx_result r;

	va_start(ap, fmt);
	r = fx_vresult(FX_FAIL, why, len, fmt, ap);
	va_end(ap);
	return r;
}

enum fx_result fx_cannot_run(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	enum fx_result r;

	va_start(ap, fmt);
	r = fx_vresult(FX_CANNOT_RUN, why, len, fmt, ap);
	va_end(ap);
	return r;
}

static double fx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void fx_report_classes(struct fx_report *rep, const struct fx_baseline *before,
			      const struct fx_baseline *after)
{
	rep->nclasses = after->nclasses;
	for (size_t i = 0; i < after->nclasses; i++) {
		rep->classes[i].name = after->classes[i].cls->name;
		rep->classes[i].before = fx_baseline_class_live(before, after->classes[i].cls);
		rep->classes[i].after = after->classes[i].live;
	}
}

static enum fx_result fx_run_booted(const struct fx_scenario *sc, struct fx_machine *fx,
				    char *why, size_t len)
{
	if (fx->svc == NULL && !sc->start_may_fail)
		return fx_fail(why, len, "driver did not start: match %s, %zu started",
			       shim_ret_string(fx->match_ret), fx->started);
	return sc->run(fx, why, len);
}

void fx_scenario_run(const struct fx_scenario *sc, const struct fx_host_factory *host,
		     struct fx_report *rep)
{
	struct fx_machine fx;
	struct fx_options opt = sc->opt;
	struct fx_baseline after;
	char down[FX_WHY_LEN] = "";
	unsigned missing = sc->needs & ~host->caps;
	double t0 = fx_now_ms();
	shim_ret r;

	memset(rep, 0, sizeof(*rep));
	rep->scenario = sc;
	rep->host = host->name;
	shim_counters_snapshot(&rep->before);
	for (unsigned bit = 0; missing != 0 && bit < 2; bit++) {
		if (missing & (1u << bit)) {
			rep->result = fx_cannot_run(rep->why, sizeof(rep->why),
						    "needs %s; host %s has none",
						    fx_cap_names[bit], host->name);
			rep->after = rep->before;
			return;
		}
	}
	if (sc->prepare != NULL)
		sc->prepare(&opt);
	r = fx_machine_boot(&fx, host, &opt, rep->why, sizeof(rep->why));
	if (r != SHIM_OK) {
		rep->result = fx.host_refused ? FX_CANNOT_RUN : FX_FAIL;
		shim_counters_snapshot(&rep->after);
		rep->elapsed_ms = fx_now_ms() - t0;
		return;
	}
	rep->before = fx.base.counters;
	rep->result = fx_run_booted(sc, &fx, rep->why, sizeof(rep->why));
	if (!fx_machine_shutdown(&fx, down, sizeof(down))) {
		if (rep->result != FX_FAIL)
			snprintf(rep->why, sizeof(rep->why), "shutdown: %s", down);
		else
			fx_why_append(rep->why, sizeof(rep->why), "shutdown: %s", down);
		rep->result = FX_FAIL;
	}
	fx_baseline_take(&after);
	rep->after = after.counters;
	fx_report_classes(rep, &fx.base, &after);
	rep->log_drops = rep->after.log_dropped - rep->before.log_dropped;
	rep->elapsed_ms = fx_now_ms() - t0;
}
