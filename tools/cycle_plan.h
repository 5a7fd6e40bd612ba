/* drvbench cycle's plan: which kinds run on which host, with what count and
 * duration, and where each kind's series goes (the records, in checkpoints).
 * A fresh run takes it from the command line; --resume from the records of
 * the kext's last unfinished run. */
#ifndef DRVBENCH_CYCLE_PLAN_H
#define DRVBENCH_CYCLE_PLAN_H

#include <stdio.h>

#include "bench/cycle.h"
#include "bench/junit.h"
#include "record.h"
#include "target.h"

#define CYCLE_MAX_KINDS 8
/* Cycles between two commits of the series into the records. */
#define CYCLE_CHECKPOINT_EVERY 10000ul

struct cycle_args {
	struct drvbench_target_args target;
	const struct bench_host_factory *host;
	const struct bench_cycle_kind *kinds[CYCLE_MAX_KINDS];
	size_t nkinds;
	unsigned long count, leak_period, checkpoint;
	double duration_s;
	bool resume;
	const char *csv, *json, *junit_path;
	struct drvbench_record rec;
	FILE *junit_file;
	struct bench_junit *junit;
};

struct cycle_job {
	const struct bench_cycle_kind *kind;
	const struct bench_host_factory *host;
	unsigned long count, leak_period;
	double duration_s;
	bench_record_id cycle;            /* its record (0: not recorded) */
	bool resumed;
	struct bench_cycle_resume resume; /* where it stopped, when resumed */
	struct bench_records_cycle *rc;   /* open while it runs */
};

/* "90", "90s", "30m", "48h", "2d" as seconds; false (printed) otherwise. */
bool cycle_duration(const char *s, double *out);
/* -1 with the jobs planned (and recorded), else the exit status (printed). */
int drvbench_cycle_plan(struct cycle_args *a, const struct drvbench_target *t,
			struct cycle_job *jobs, size_t *njobs);
/* Fills the config's checkpoints, window and resume for a job; false
 * (printed) when its record cannot be opened. */
bool drvbench_cycle_job_hook(struct cycle_args *a, struct cycle_job *job,
			     struct bench_cycle_config *cfg);
void drvbench_cycle_job_done(struct cycle_job *job);
/* Writes the JUnit file and ends the recorded run; false on an error. */
bool drvbench_cycle_outputs_close(struct cycle_args *a, bool ran);

#endif
