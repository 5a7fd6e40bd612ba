/* The cycle goals: every kind of the bench's cycle runner (start/stop,
 * load/unload, attach/detach, sleep/wake, open/close), count cycles each on
 * a fresh machine; a failure or a rising counter is a finding naming the
 * kind, and a kind this kext or host cannot do is reported as not checked. */
#include <stdio.h>
#include <string.h>

#include "bench/cycle.h"
#include "bench/kext.h"
#include "dyn_internal.h"

void bench_q_dyn_cycles(struct bench_q_ctx *c, const struct bench_q_dyn *d, unsigned long count,
			const char *skip)
{
	const struct bench_cycle_kind *kind;

	if (count == 0) {
		bench_q_not_checked(c->res, "cycles: --cycles 0");
		return;
	}
	for (size_t i = 0; (kind = bench_cycle_kind_at(i)) != NULL; i++) {
		struct bench_cycle_config cfg = { .kind = kind, .host = d->host, .count = count,
						  .opt = d->bopt };
		struct bench_cycle_result res;

		if (skip != NULL && strcmp(kind->name, skip) == 0) {
			bench_q_not_checked(c->res, "cycle %s: the single %s already fails",
					    kind->name, skip);
			continue;
		}
		if (bench_kext_loaded(d->kext)) {
			bench_q_not_checked(c->res, "cycles from %s on: the kext stayed loaded",
					    kind->name);
			return;
		}
		bench_cycle_run(&cfg, &res);
		bench_q_log_drain();
		if (res.result == BENCH_CANNOT_RUN)
			bench_q_not_checked(c->res, "cycle %s: %s", kind->name, res.why);
		else if (res.result == BENCH_FAIL)
			bench_q_add(c, "dyn.cycle", "", kind->name, "step",
				    res.ntrends > 0 ? "find what each cycle leaves behind: the rising "
						      "counter names the class or resource"
						    : "run drvbench cycle --kind KIND --verbose to see the "
						      "failing cycle",
				    "%s on %s: %lu/%lu cycles: %s", kind->name, res.host, res.done,
				    res.requested, res.why);
		bench_cycle_result_free(&res);
	}
}
