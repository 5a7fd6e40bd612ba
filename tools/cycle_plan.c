/* drvbench cycle's plan (cycle_plan.h): kinds, counts and durations from
 * the command line or, with --resume, from the records; the records and the
 * JUnit file opened before the first cycle. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cycle_plan.h"
#include "drvbench.h"
#include "interrupt.h"

bool cycle_duration(const char *s, double *out)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno == 0 && end != s && v > 0 && isfinite(v)) {
		if (*end == 'm')
			v *= 60, end++;
		else if (*end == 'h')
			v *= 3600, end++;
		else if (*end == 'd')
			v *= 86400, end++;
		else if (*end == 's')
			end++;
		if (*end == '\0') {
			*out = v;
			return true;
		}
	}
	fprintf(stderr, "drvbench cycle: --duration must be a time like 90s, 30m, 48h or 2d, "
			"not '%s'\n", s);
	return false;
}

static bool cycle_open_junit(struct cycle_args *a, const struct drvbench_target *t)
{
	char name[512];

	if (a->junit_path == NULL)
		return true;
	snprintf(name, sizeof(name), "drvbench cycle %s %s", bench_kext_bundle_id(t->kext),
		 bench_kext_version(t->kext));
	a->junit_file = fopen(a->junit_path, "w");
	a->junit = bench_junit_new(name);
	if (a->junit_file == NULL || a->junit == NULL) {
		fprintf(stderr, "drvbench cycle: cannot write %s: %s\n", a->junit_path,
			strerror(errno));
		return false;
	}
	return true;
}

/* The kext's last unfinished cycle run: every kind not done, each from
 * where it stopped. */
static int cycle_plan_resume(struct cycle_args *a, const struct drvbench_target *t,
			     struct cycle_job *jobs, size_t *njobs)
{
	struct bench_record_cycle_state st[CYCLE_MAX_KINDS];
	size_t n = CYCLE_MAX_KINDS;
	char why[1024] = "";
	shim_ret ret = bench_records_unfinished(a->rec.db, "cycle", bench_kext_bundle_id(t->kext),
						&a->rec.run, why, sizeof(why));

	if (ret == SHIM_OK)
		ret = bench_records_cycle_states(a->rec.db, a->rec.run, st, &n, why, sizeof(why));
	if (ret == SHIM_OK)
		ret = bench_records_reopen(a->rec.db, a->rec.run, why, sizeof(why));
	if (ret != SHIM_OK) {
		fprintf(stderr, "drvbench cycle: --resume: %s\n", why);
		return DRVBENCH_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++) {
		struct cycle_job *j = &jobs[*njobs];
		const char *device = NULL;

		if (strcmp(st[i].state, "done") == 0) {
			printf("drvbench cycle: --resume: %s already done (%lu cycles)\n", st[i].kind,
			       st[i].done);
			continue;
		}
		memset(j, 0, sizeof(*j));
		j->kind = bench_cycle_kind_find(st[i].kind);
		j->host = bench_host_by_name(st[i].host, &device);
		if (j->kind == NULL || j->host == NULL) {
			fprintf(stderr, "drvbench cycle: --resume: this drvbench has no kind '%s' or "
					"host '%s'\n", st[i].kind, st[i].host);
			return DRVBENCH_EXIT_USAGE;
		}
		j->count = st[i].count;
		j->duration_s = st[i].duration_s;
		j->leak_period = st[i].leak_period;
		j->cycle = st[i].cycle;
		if (st[i].done > 0) {
			ret = bench_records_cycle_resume_point(a->rec.db, j->cycle, &j->resume, why,
							       sizeof(why));
			if (ret != SHIM_OK) {
				fprintf(stderr, "drvbench cycle: --resume: %s\n", why);
				return DRVBENCH_EXIT_USAGE;
			}
			j->resumed = true;
			printf("drvbench cycle: --resume: %s from cycle %lu\n", st[i].kind, st[i].done);
		}
		(*njobs)++;
	}
	a->nkinds = *njobs;
	if (*njobs == 0) {
		printf("drvbench cycle: --resume: nothing left to do\n");
		drvbench_cycle_outputs_close(a, true);
		return DRVBENCH_EXIT_OK;
	}
	return -1;
}

int drvbench_cycle_plan(struct cycle_args *a, const struct drvbench_target *t,
			struct cycle_job *jobs, size_t *njobs)
{
	char why[1024] = "", host[64];

	*njobs = 0;
	if (!cycle_open_junit(a, t))
		return DRVBENCH_EXIT_USAGE;
	bench_host_label(a->host, t->profile, host, sizeof(host));
	if (a->resume) {
		if (a->rec.path == NULL)
			a->rec.path = BENCH_RECORDS_DEFAULT_PATH;
		if (!drvbench_record_ok("cycle", bench_records_open(a->rec.path, true, &a->rec.db, why,
								    sizeof(why)), why))
			return DRVBENCH_EXIT_USAGE;
		return cycle_plan_resume(a, t, jobs, njobs);
	}
	if (!drvbench_record_begin(&a->rec, "cycle", "cycle", t, host))
		return DRVBENCH_EXIT_USAGE;
	for (size_t i = 0; i < a->nkinds; i++) {
		struct cycle_job *j = &jobs[(*njobs)++];
		struct bench_record_cycle_plan plan = { .kind = a->kinds[i]->name, .host = host,
							.duration_s = a->duration_s,
							.leak_period = a->leak_period };

		memset(j, 0, sizeof(*j));
		j->kind = a->kinds[i];
		j->host = a->host;
		j->count = a->count != 0 ? a->count
			   : a->duration_s > 0 ? 0 : bench_cycle_scaled(BENCH_CYCLE_DEFAULT_COUNT, 1);
		j->duration_s = a->duration_s;
		j->leak_period = a->leak_period;
		plan.count = j->count;
		if (a->rec.db != NULL &&
		    !drvbench_record_ok("cycle", bench_records_cycle_plan(a->rec.db, a->rec.run, &plan,
									  &j->cycle, why, sizeof(why)),
					why))
			return DRVBENCH_EXIT_USAGE;
	}
	return -1;
}

/* Without records, a long run's window still needs a checkpoint to pass
 * rows to: it keeps the fit and lets the rows go. */
static bool cycle_forget_rows(void *arg, const struct bench_cycle_result *res,
			      unsigned long row_from, bool final, char *why, size_t len)
{
	(void)arg, (void)res, (void)row_from, (void)final, (void)why, (void)len;
	return true;
}

bool drvbench_cycle_job_hook(struct cycle_args *a, struct cycle_job *job,
			     struct bench_cycle_config *cfg)
{
	char why[1024] = "";
	unsigned long every = a->checkpoint != 0 ? a->checkpoint : CYCLE_CHECKPOINT_EVERY;

	cfg->window = job->duration_s > 0 || job->count > BENCH_CYCLE_MAX_COUNT ||
		      (job->resumed && job->count - job->resume.done > BENCH_CYCLE_MAX_COUNT);
	if (job->resumed)
		cfg->resume = &job->resume;
	if (a->rec.db == NULL) {
		cfg->checkpoint = cfg->window ? cycle_forget_rows : NULL;
		cfg->checkpoint_every = cfg->window ? every : 0;
		return true;
	}
	if (!drvbench_record_ok("cycle", bench_records_cycle_open(a->rec.db, job->cycle, &job->rc,
								  why, sizeof(why)), why))
		return false;
	cfg->checkpoint = bench_records_cycle_checkpoint;
	cfg->checkpoint_arg = job->rc;
	cfg->checkpoint_every = every;
	return true;
}

void drvbench_cycle_job_done(struct cycle_job *job)
{
	bench_records_cycle_close(job->rc);
	job->rc = NULL;
}

bool drvbench_cycle_outputs_close(struct cycle_args *a, bool ran)
{
	bool ok = true;

	if (a->junit_file != NULL) {
		ok = (!ran || a->junit == NULL || bench_junit_write(a->junit, a->junit_file)) && ok;
		ok = fclose(a->junit_file) == 0 && ok;
		if (!ok)
			fprintf(stderr, "drvbench cycle: error writing %s\n", a->junit_path);
		a->junit_file = NULL;
	}
	bench_junit_free(a->junit);
	a->junit = NULL;
	return drvbench_record_end(&a->rec, "cycle",
				   drvbench_interrupted ? "interrupted" : ran ? "done" : "failed") &&
	       ok;
}
