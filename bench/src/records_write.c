/* Recording a run: its key (kext, label, host, machine, time), and what it
 * found: scenarios, benchmark figures, qualification findings, fuzz
 * campaigns, coverage. Each call is one transaction. */
#include <string.h>
#include <time.h>

#include "records_priv.h"

shim_ret bench_records_begin(struct bench_records *r, const struct bench_record_key *key,
			     bench_record_id *run, char *why, size_t len)
{
	char cpu[256];
	unsigned cores;
	sqlite3_stmt *st;
	shim_ret ret = bench_records_need_writable(r, why, len);

	if (ret != SHIM_OK)
		return ret;
	bench_records_machine(cpu, sizeof(cpu), &cores);
	ret = bench_records_prepare(r,
				    "INSERT INTO runs(command, bundle_id, bundle_version, label, host,"
				    " device, started, cpu, cores) VALUES(?,?,?,?,?,?,?,?,?)",
				    &st, why, len);
	if (ret != SHIM_OK)
		return ret;
	bench_records_bind_text(st, 1, key->command);
	bench_records_bind_text(st, 2, key->bundle_id != NULL ? key->bundle_id : "");
	bench_records_bind_text(st, 3, key->bundle_version != NULL ? key->bundle_version : "");
	bench_records_bind_text(st, 4, key->label != NULL ? key->label
				       : key->bundle_version != NULL ? key->bundle_version : "");
	bench_records_bind_text(st, 5, key->host);
	bench_records_bind_text(st, 6, key->device);
	sqlite3_bind_int64(st, 7, key->started != 0 ? key->started : (int64_t)time(NULL));
	bench_records_bind_text(st, 8, key->cpu != NULL ? key->cpu : cpu);
	sqlite3_bind_int(st, 9, (int)(key->cores != 0 ? key->cores : cores));
	ret = bench_records_step_done(r, st, "recording a run", why, len);
	if (ret == SHIM_OK)
		*run = sqlite3_last_insert_rowid(r->db);
	return ret;
}

shim_ret bench_records_end(struct bench_records *r, bench_record_id run, const char *state,
			   char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r, "UPDATE runs SET state=?, ended=? WHERE id=?", &st,
					     why, len);

	if (ret != SHIM_OK)
		return ret;
	bench_records_bind_text(st, 1, state);
	sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
	sqlite3_bind_int64(st, 3, run);
	return bench_records_step_done(r, st, "ending a run", why, len);
}

shim_ret bench_records_reopen(struct bench_records *r, bench_record_id run, char *why,
			      size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r, "UPDATE runs SET state='running' WHERE id=?", &st,
					     why, len);

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, run);
	return bench_records_step_done(r, st, "reopening a run", why, len);
}

static shim_ret bench_records_scenario_classes(struct bench_records *r, bench_record_id id,
					       const struct bench_report *rep, char *why,
					       size_t len)
{
	for (size_t i = 0; i < rep->nclasses; i++) {
		sqlite3_stmt *st;
		shim_ret ret = bench_records_prepare(r,
			"INSERT INTO scenario_classes(scenario_id, name, before, after) VALUES(?,?,?,?)",
			&st, why, len);

		if (ret != SHIM_OK)
			return ret;
		sqlite3_bind_int64(st, 1, id);
		bench_records_bind_text(st, 2, rep->classes[i].name);
		sqlite3_bind_int64(st, 3, rep->classes[i].before);
		sqlite3_bind_int64(st, 4, rep->classes[i].after);
		ret = bench_records_step_done(r, st, "recording a class count", why, len);
		if (ret != SHIM_OK)
			return ret;
	}
	return SHIM_OK;
}

shim_ret bench_records_add_scenario(struct bench_records *r, bench_record_id run,
				    const struct bench_report *rep, char *why, size_t len)
{
	const struct shim_counters *b = &rep->before, *a = &rep->after;
	sqlite3_stmt *st;
	shim_ret ret = bench_records_tx_begin(r, why, len);

	if (ret == SHIM_OK)
		ret = bench_records_prepare(r,
			"INSERT INTO scenarios(run_id, name, host, result, why, ms, objects_delta,"
			" alloc_count_delta, alloc_bytes_delta, wired_delta, prepared_delta, log_drops,"
			" verifier_records) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", &st, why, len);
	if (ret == SHIM_OK) {
		sqlite3_bind_int64(st, 1, run);
		bench_records_bind_text(st, 2, rep->scenario != NULL ? rep->scenario->name : "?");
		bench_records_bind_text(st, 3, rep->host);
		bench_records_bind_text(st, 4, bench_result_string(rep->result));
		bench_records_bind_text(st, 5, rep->why);
		sqlite3_bind_double(st, 6, rep->elapsed_ms);
		sqlite3_bind_int64(st, 7, (int64_t)a->objects_live - (int64_t)b->objects_live);
		sqlite3_bind_int64(st, 8, (int64_t)a->alloc_count - (int64_t)b->alloc_count);
		sqlite3_bind_int64(st, 9, (int64_t)a->alloc_bytes - (int64_t)b->alloc_bytes);
		sqlite3_bind_int64(st, 10, (int64_t)a->wired_bytes - (int64_t)b->wired_bytes);
		sqlite3_bind_int64(st, 11, (int64_t)a->prepared - (int64_t)b->prepared);
		sqlite3_bind_int64(st, 12, rep->log_drops);
		sqlite3_bind_int64(st, 13, (int64_t)a->verifier_records);
		ret = bench_records_step_done(r, st, "recording a scenario", why, len);
	}
	if (ret == SHIM_OK)
		ret = bench_records_scenario_classes(r, sqlite3_last_insert_rowid(r->db), rep, why,
						     len);
	if (ret == SHIM_OK)
		return bench_records_tx_commit(r, why, len);
	bench_records_tx_rollback(r);
	return ret;
}

shim_ret bench_records_add_figure(struct bench_records *r, bench_record_id run,
				  const char *name, double value, const char *unit, char *why,
				  size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"INSERT INTO figures(run_id, name, value, unit) VALUES(?,?,?,?)", &st, why, len);

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, run);
	bench_records_bind_text(st, 2, name);
	sqlite3_bind_double(st, 3, value);
	bench_records_bind_text(st, 4, unit);
	return bench_records_step_done(r, st, "recording a figure", why, len);
}

shim_ret bench_records_add_finding(struct bench_records *r, bench_record_id run,
				   const struct bench_record_finding *f, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"INSERT INTO findings(run_id, check_name, severity, location, message)"
		" VALUES(?,?,?,?,?)", &st, why, len);

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, run);
	bench_records_bind_text(st, 2, f->check);
	bench_records_bind_text(st, 3, f->severity != NULL ? f->severity : "error");
	bench_records_bind_text(st, 4, f->where);
	bench_records_bind_text(st, 5, f->message != NULL ? f->message : "");
	return bench_records_step_done(r, st, "recording a finding", why, len);
}

static shim_ret bench_records_fuzz_points(struct bench_records *r, bench_record_id id,
					  const struct bench_record_fuzz *f, char *why, size_t len)
{
	sqlite3_stmt *st = NULL;
	shim_ret ret = bench_records_prepare(r,
		"INSERT INTO fuzz_points(fuzz_id, t_s, execs, features, corpus, crashes)"
		" VALUES(?,?,?,?,?,?)", &st, why, len);

	for (size_t i = 0; ret == SHIM_OK && i < f->npoints; i++) {
		const struct bench_record_fuzz_point *p = &f->points[i];
		int rc;

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_double(st, 2, p->t_s);
		sqlite3_bind_int64(st, 3, (int64_t)p->execs);
		sqlite3_bind_int64(st, 4, (int64_t)p->features);
		sqlite3_bind_int64(st, 5, (int64_t)p->corpus);
		sqlite3_bind_int64(st, 6, (int64_t)p->crashes);
		rc = sqlite3_step(st);
		if (rc != SQLITE_DONE)
			ret = bench_records_fail(r, rc, "recording fuzz coverage", why, len);
	}
	sqlite3_finalize(st);
	return ret;
}

shim_ret bench_records_add_fuzz(struct bench_records *r, bench_record_id run,
				const struct bench_record_fuzz *f, char *why, size_t len)
{
	sqlite3_stmt *st = NULL;
	shim_ret ret = bench_records_tx_begin(r, why, len);

	if (ret == SHIM_OK)
		ret = bench_records_prepare(r,
			"INSERT INTO fuzz(run_id, target, seconds, execs, execs_per_s, features, corpus,"
			" crashes) VALUES(?,?,?,?,?,?,?,?)", &st, why, len);
	if (ret == SHIM_OK) {
		sqlite3_bind_int64(st, 1, run);
		bench_records_bind_text(st, 2, f->target);
		sqlite3_bind_double(st, 3, f->seconds);
		sqlite3_bind_int64(st, 4, (int64_t)f->execs);
		sqlite3_bind_double(st, 5, f->execs_per_s);
		sqlite3_bind_int64(st, 6, (int64_t)f->features);
		sqlite3_bind_int64(st, 7, (int64_t)f->corpus);
		sqlite3_bind_int64(st, 8, (int64_t)f->crashes);
		ret = bench_records_step_done(r, st, "recording a fuzz campaign", why, len);
	}
	if (ret == SHIM_OK)
		ret = bench_records_fuzz_points(r, sqlite3_last_insert_rowid(r->db), f, why, len);
	if (ret == SHIM_OK)
		return bench_records_tx_commit(r, why, len);
	bench_records_tx_rollback(r);
	return ret;
}

shim_ret bench_records_add_coverage(struct bench_records *r, bench_record_id run,
				    const char *json, size_t n, char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r, "INSERT INTO coverage(run_id, json) VALUES(?,?)",
					     &st, why, len);

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, json, (int)n, SQLITE_TRANSIENT);
	return bench_records_step_done(r, st, "recording coverage", why, len);
}
