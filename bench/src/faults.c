/* The fault sweep over scenarios and methods (bench/faults.h). Each run is
 * a child process: a fresh machine, the plan armed once the kext is loaded,
 * the target, the plan's stats, then the verifier and a full shutdown whose
 * counters must come back; the child sends one record over a pipe. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/faults.h"
#include "bench/kext.h"
#include "fault_sites.h"
#include "generic.h"
#include "io.h"
#include "shim/verifier.h"

#define BENCH_SWEEP_TIMEOUT_S 30
#define BENCH_SWEEP_SETTLE_NS 2000000ull /* completions and timers of a method call */
#define BENCH_SWEEP_METHOD "method:"

/* One target: a scenario, or a user-client method by selector. */
struct bench_sweep_target {
	const struct bench_scenario *sc;
	uint32_t sel;
	char name[72];
};

/* What a run sends back. */
struct bench_sweep_run {
	bool ran;                  /* false: skipped (why in what) */
	long calls;                /* counted calls */
	bool fired;
	unsigned kind;
	char site[BENCH_FAULT_SITE_LEN];
	bool target_failed;        /* the scenario or the method reported a failure */
	char what[BENCH_WHY_LEN];  /* a finding: verifier record, leak */
};

static double bench_sweep_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The method's minimal call by a root client (async where allowed), its
 * completions and timers let run, the client gone. */
static enum bench_result bench_sweep_method(struct bench_machine *fx, uint32_t sel, char *why,
					    size_t len)
{
	struct bench_io io;
	shim_ret mr = SHIM_OK, r = bench_io_open(fx, &io, why, len);

	(void)mr;

	if (r != SHIM_OK)
		return BENCH_FAIL;
	r = bench_io_call(&io, sel, true, &mr, why, len);
	shim_workloop_delay_ns(shim_machine_workloop(fx->machine), BENCH_SWEEP_SETTLE_NS);
	bench_io_close(&io);
	shim_workloop_delay_ns(shim_machine_workloop(fx->machine), BENCH_SWEEP_SETTLE_NS);
	/* What the method answers is its business: only a shape the shim
	 * refuses (a bench bug) fails the run. */
	return r == SHIM_OK ? BENCH_PASS : BENCH_FAIL;
}

/* One run of t on a fresh machine with call nth failing (0: none, counted). */
static void bench_sweep_once(const struct bench_fault_options *o, const struct bench_sweep_target *t,
			     long nth, struct bench_sweep_run *res)
{
	struct shim_fault_plan plan = { .kinds = o->kinds ? o->kinds : SHIM_FAULT_ALL, .nth = nth };
	const struct bench_test_module *m = o->base.module;
	struct bench_options opt = o->base;
	struct shim_fault_stats st;
	struct bench_sites sites;
	struct bench_machine fx;
	char why[BENCH_WHY_LEN] = "", down[BENCH_WHY_LEN] = "";
	enum bench_result result;

	memset(res, 0, sizeof(*res));
	if (t->sc != NULL) {
		opt.device_options = t->sc->device_options;
		opt.ram_size = t->sc->ram_size ? t->sc->ram_size : opt.ram_size;
		opt.wrap_kext = t->sc->wrap_kext;
		opt.hotplug = opt.hotplug || t->sc->hotplug;
	}
	bench_sites_take(&sites);
	if (bench_machine_boot(&fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK) {
		snprintf(res->what, sizeof(res->what), "boot: %s", why);
		return;
	}
	if ((m != NULL && m->init != NULL && m->init(&fx, why, sizeof(why)) != SHIM_OK) ||
	    (fx.svc == NULL && (t->sc == NULL || !t->sc->start_may_fail)) ||
	    !bench_kext_image_range(opt.kext, &plan.code_lo, &plan.code_hi)) {
		snprintf(res->what, sizeof(res->what), "%s", why[0] != '\0' ? why :
			 "the driver did not start, or its kext has no image of its own");
		bench_machine_shutdown(&fx, down, sizeof(down));
		return;
	}
	/* Start's sweep arms its own plans: it is run as it is. */
	if (t->sc != &bench_sc_start_failures)
		shim_fault_arm(&plan);
	result = t->sc != NULL ? t->sc->run(&fx, why, sizeof(why)) :
				 bench_sweep_method(&fx, t->sel, why, sizeof(why));
	shim_fault_stats(&st);
	shim_fault_disarm();
	if (t->sc == &bench_sc_start_failures) {
		st.calls = 0;
		if (result == BENCH_FAIL) /* its reason names the failed call and the leak */
			snprintf(res->what, sizeof(res->what), "%s", why);
	}
	res->ran = result != BENCH_CANNOT_RUN || nth > 0;
	res->calls = st.calls;
	res->fired = st.fired;
	res->kind = st.kind;
	if (st.fired)
		bench_fault_site(&st, res->site, sizeof(res->site));
	/* A failed call may take away what the scenario needs (CANNOT RUN):
	 * counted as a failed scenario, as it may. */
	res->target_failed = result != BENCH_PASS;
	if (result == BENCH_CANNOT_RUN && nth == 0)
		snprintf(res->what, sizeof(res->what), "cannot run: %s", why);
	else if (shim_verifier_count() != 0)
		snprintf(res->what, sizeof(res->what), "verifier: %s",
			 shim_verifier_get(0)->message);
	if (!bench_machine_shutdown(&fx, down, sizeof(down)) && res->what[0] == '\0') {
		bench_sites_new(&sites, res->what, sizeof(res->what)); /* the sites say most */
		bench_why_append(res->what, sizeof(res->what), "after shutdown: %s", down);
	}
	if (nth == 0 && res->ran && result == BENCH_FAIL && res->what[0] == '\0' &&
	    t->sc != NULL)
		snprintf(res->what, sizeof(res->what), "fails without any fault: %s", why);
}

/* bench_sweep_once in a child: a crash or a hang is the run's finding. */
static void bench_sweep_isolated(const struct bench_fault_options *o,
				 const struct bench_sweep_target *t, long nth,
				 struct bench_sweep_run *res)
{
	double deadline = bench_sweep_now() + (o->timeout_s ? o->timeout_s : BENCH_SWEEP_TIMEOUT_S);
	int fds[2], status = 0;
	size_t got = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	fflush(NULL);
	if (pipe(fds) != 0 || (pid = fork()) < 0) {
		snprintf(res->what, sizeof(res->what), "cannot start a run: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		struct bench_sweep_run mine;
		const char *p = (const char *)&mine;
		size_t left = sizeof(mine);

		close(fds[0]);
		setpgid(0, 0);
		bench_sweep_once(o, t, nth, &mine);
		while (left > 0) {
			ssize_t n = write(fds[1], p, left);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				_exit(3);
			p += n;
			left -= (size_t)n;
		}
		_exit(0);
	}
	close(fds[1]);
	while (got < sizeof(*res)) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		double left = deadline - bench_sweep_now();
		ssize_t n;

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		n = read(fds[0], (char *)res + got, sizeof(*res) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	if (got < sizeof(*res))
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got == sizeof(*res) && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	memset(res, 0, sizeof(*res));
	res->ran = res->fired = true; /* what it was cannot be known: the child is gone */
	if (got < sizeof(*res) && bench_sweep_now() >= deadline)
		snprintf(res->what, sizeof(res->what), "hung: no result after %u s",
			 o->timeout_s ? o->timeout_s : BENCH_SWEEP_TIMEOUT_S);
	else if (WIFSIGNALED(status))
		snprintf(res->what, sizeof(res->what), "crashed: the run died of %s",
			 strsignal(WTERMSIG(status)));
	else
		snprintf(res->what, sizeof(res->what), "the run exited with status %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void bench_sweep_add(struct bench_fault_report *rep, const struct bench_sweep_target *t,
			    long call, const struct bench_sweep_run *r)
{
	struct bench_fault_finding *f;

	if (rep->nfindings++ >= BENCH_FAULT_MAX_FINDINGS)
		return;
	f = &rep->findings[rep->nfindings - 1];
	snprintf(f->target, sizeof(f->target), "%s", t->name);
	f->call = call;
	f->kind = r->kind;
	snprintf(f->site, sizeof(f->site), "%s", r->site[0] != '\0' ? r->site : "(unknown site)");
	snprintf(f->what, sizeof(f->what), "%s", r->what);
}

static void bench_sweep_target(const struct bench_fault_options *o,
			       const struct bench_sweep_target *t, struct bench_fault_report *rep)
{
	struct bench_sweep_run r;
	long calls, counted, max = o->max_calls > 0 ? o->max_calls : BENCH_FAULT_DEFAULT_MAX_CALLS;
	long failed = 0;
	size_t before = rep->nfindings;

	bench_sweep_isolated(o, t, 0, &r);
	if (t->sc == &bench_sc_start_failures && r.ran) {
		rep->targets++;
		if (r.what[0] != '\0')
			bench_sweep_add(rep, t, 0, &r);
		if (o->progress != NULL)
			o->progress(o->ctx, t->name, 0, 0, 0, (unsigned)(rep->nfindings - before));
		return;
	}
	if (!r.ran || r.what[0] != '\0') {
		if (r.ran) /* it fails or crashes without any fault: say so */
			bench_sweep_add(rep, t, 0, &r);
		else
			rep->skipped++;
		if (o->progress != NULL)
			o->progress(o->ctx, t->name, -1, 0, 0, (unsigned)(rep->nfindings - before));
		return;
	}
	rep->targets++;
	counted = r.calls; /* r is reused below */
	calls = counted < max ? counted : max;
	if (counted > max)
		rep->truncated++;
	for (long i = 1; i <= calls; i++) {
		bench_sweep_isolated(o, t, i, &r);
		if (!r.fired)
			continue; /* this run took another path, with fewer calls */
		rep->runs++;
		failed++;
		rep->scenario_failed += r.target_failed;
		if (r.what[0] != '\0')
			bench_sweep_add(rep, t, i, &r);
	}
	if (o->progress != NULL)
		o->progress(o->ctx, t->name, calls, counted, failed,
			    (unsigned)(rep->nfindings - before));
}

/* The table's selectors, from a machine booted for the purpose. */
static shim_ret bench_sweep_methods(const struct bench_fault_options *o,
				    struct bench_sweep_target *out, size_t max, size_t *n,
				    char *why, size_t len)
{
	struct bench_machine fx;
	const struct shim_uc_desc *d;
	char down[BENCH_WHY_LEN];

	*n = 0;
	if (bench_machine_boot(&fx, &bench_host_sim_factory, &o->base, why, len) != SHIM_OK)
		return SHIM_ERR_NOT_READY;
	d = fx.svc != NULL ? shim_service_userclient(fx.svc) : NULL;
	for (uint32_t s = 0; d != NULL && s < d->method_count && *n < max; s++) {
		if (d->methods[s].fn == NULL)
			continue;
		out[*n].sc = NULL;
		out[*n].sel = s;
		snprintf(out[*n].name, sizeof(out[*n].name), "method %s",
			 d->methods[s].name != NULL ? d->methods[s].name : "?");
		(*n)++;
	}
	bench_machine_shutdown(&fx, down, sizeof(down));
	return SHIM_OK;
}

static bool bench_sweep_wanted(const struct bench_fault_options *o,
			       const struct bench_sweep_target *t)
{
	size_t n = strlen(BENCH_SWEEP_METHOD);

	if (o->only == NULL)
		return true;
	if (t->sc != NULL)
		return strcmp(o->only, t->sc->name) == 0;
	return strncmp(o->only, BENCH_SWEEP_METHOD, n) == 0 &&
	       strcmp(o->only + n, t->name + strlen("method ")) == 0;
}

shim_ret bench_faults_sweep(const struct bench_fault_options *o, struct bench_fault_report *rep,
			    char *why, size_t len)
{
	struct bench_sweep_target targets[64 + SHIM_UC_MAX_HANDLES];
	size_t n = 0, nmethods = 0;
	const struct bench_scenario *sc;
	unsigned wanted = 0;
	shim_ret r;

	memset(rep, 0, sizeof(*rep));
	if (o->base.kext == NULL || o->base.profile == NULL) {
		snprintf(why, len, "a kext and a device profile are needed");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	for (size_t i = 0; (sc = bench_generic_at(i)) != NULL && n < 64; i++) {
		targets[n].sc = sc;
		snprintf(targets[n].name, sizeof(targets[n].name), "scenario %s", sc->name);
		n++;
	}
	r = bench_sweep_methods(o, targets + n, sizeof(targets) / sizeof(targets[0]) - n, &nmethods,
				why, len);
	if (r != SHIM_OK)
		return r;
	n += nmethods;
	for (size_t i = 0; i < n; i++) {
		if (!bench_sweep_wanted(o, &targets[i]))
			continue;
		wanted++;
		bench_sweep_target(o, &targets[i], rep);
	}
	if (wanted == 0) {
		snprintf(why, len, "no scenario or method named '%s' (a generic scenario's name, or "
				   "method:SELECTOR)", o->only);
		return SHIM_ERR_NOT_FOUND;
	}
	return SHIM_OK;
}
