/* drvbench compare (bench/compare.h): each side's latest results per
 * scenario, cycle kind, fuzz target and finding, read with one query each,
 * then set against the other side. Cycle series are never decoded: every
 * recorded kind carries its fit and its time spread, so comparing labels of
 * millions of cycles reads a few rows. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare.h"
#include "records_priv.h"

/* One thing measured under a label: its latest value and the spread of its
 * per-run values. */
struct cmp_item {
	char key[192];
	char result[16];   /* scenarios: latest result */
	int64_t latest;    /* the latest record's id (cycle kinds: its cycle id) */
	double value, sd;  /* latest: mean and per-cycle spread (cycles), ms, features */
	unsigned long n;   /* latest: cycles behind value */
	double sum, sumsq; /* over runs: of the per-run values */
	unsigned runs;
};

struct cmp_side {
	struct cmp_item *items;
	size_t n, cap;
};

static struct cmp_item *cmp_item(struct cmp_side *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->items[i].key, key) == 0)
			return &s->items[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct cmp_item *it = realloc(s->items, cap * sizeof(*it));

		if (it == NULL)
			return NULL;
		s->items = it;
		s->cap = cap;
	}
	memset(&s->items[s->n], 0, sizeof(s->items[0]));
	snprintf(s->items[s->n].key, sizeof(s->items[0].key), "%s", key);
	return &s->items[s->n++];
}

static const struct cmp_item *cmp_find(const struct cmp_side *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->items[i].key, key) == 0)
			return &s->items[i];
	return NULL;
}

static void cmp_side_free(struct cmp_side *s)
{
	free(s->items);
	memset(s, 0, sizeof(*s));
}

static const char *cmp_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

/* Runs `sql` with the label bound to ?1; each row: key from columns 0 and
 * 1 ("0 on 1"), then fill(item, row). */
static shim_ret cmp_collect(struct bench_records *r, const char *sql, const char *label,
			    struct cmp_side *side,
			    void (*fill)(struct cmp_item *it, sqlite3_stmt *st), char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r, sql, &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	bench_records_bind_text(st, 1, label);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char key[192];
		struct cmp_item *it;

		snprintf(key, sizeof(key), "%s on %s", cmp_text(st, 0), cmp_text(st, 1));
		it = cmp_item(side, key);
		if (it == NULL) {
			sqlite3_finalize(st);
			snprintf(why, len, "out of memory comparing");
			return SHIM_ERR_NO_MEMORY;
		}
		fill(it, st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, "comparing", why, len);
}

static void cmp_fill_scenario(struct cmp_item *it, sqlite3_stmt *st)
{
	double ms = sqlite3_column_double(st, 3);

	snprintf(it->result, sizeof(it->result), "%s", cmp_text(st, 2));
	it->value = ms;
	it->sum += ms;
	it->sumsq += ms * ms;
	it->runs++;
}

static void cmp_fill_cycle(struct cmp_item *it, sqlite3_stmt *st)
{
	double mean = sqlite3_column_double(st, 3);

	it->latest = sqlite3_column_int64(st, 2);
	it->value = mean;
	it->sd = sqlite3_column_double(st, 4);
	it->n = (unsigned long)sqlite3_column_int64(st, 5);
	it->sum += mean;
	it->sumsq += mean * mean;
	it->runs++;
}

static void cmp_fill_fuzz(struct cmp_item *it, sqlite3_stmt *st)
{
	double features = sqlite3_column_double(st, 2);

	it->value = features;
	it->sd = sqlite3_column_double(st, 3); /* exec/s, for the detail */
	it->sum += features;
	it->sumsq += features * features;
	it->runs++;
}

static void cmp_fill_finding(struct cmp_item *it, sqlite3_stmt *st)
{
	(void)st;
	it->runs++;
}

struct cmp_label {
	struct cmp_side scenarios, cycles, fuzz, findings;
};

static void cmp_label_free(struct cmp_label *l)
{
	cmp_side_free(&l->scenarios);
	cmp_side_free(&l->cycles);
	cmp_side_free(&l->fuzz);
	cmp_side_free(&l->findings);
}

static shim_ret cmp_load(struct bench_records *r, const char *label, struct cmp_label *l,
			 char *why, size_t len)
{
	shim_ret ret = cmp_collect(r,
		"SELECT s.name, s.host, s.result, s.ms FROM scenarios s JOIN runs r ON r.id=s.run_id"
		" WHERE r.label=?1 ORDER BY s.id", label, &l->scenarios, cmp_fill_scenario, why, len);

	if (ret == SHIM_OK)
		ret = cmp_collect(r,
			"SELECT c.kind, c.host, c.id, c.mean_us, c.sd_us, c.done FROM cycles c"
			" JOIN runs r ON r.id=c.run_id WHERE r.label=?1 AND c.done > 1 ORDER BY c.id",
			label, &l->cycles, cmp_fill_cycle, why, len);
	if (ret == SHIM_OK)
		ret = cmp_collect(r,
			"SELECT f.target, r.host, f.features, f.execs_per_s FROM fuzz f"
			" JOIN runs r ON r.id=f.run_id WHERE r.label=?1 ORDER BY f.id",
			label, &l->fuzz, cmp_fill_fuzz, why, len);
	/* Findings: those of the label's latest qualification. */
	if (ret == SHIM_OK)
		ret = cmp_collect(r,
			"SELECT f.check_name || ': ' || f.message, COALESCE(f.location, '-') FROM findings f"
			" WHERE f.run_id=(SELECT MAX(id) FROM runs WHERE label=?1 AND command='qualify')",
			label, &l->findings, cmp_fill_finding, why, len);
	return ret;
}

static bool cmp_add(struct bench_comparison *c, enum bench_change_kind kind, bool regression,
		    const char *what, double a, double b, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static bool cmp_add(struct bench_comparison *c, enum bench_change_kind kind, bool regression,
		    const char *what, double a, double b, const char *fmt, ...)
{
	struct bench_change *ch;
	va_list ap;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct bench_change *p = realloc(c->changes, cap * sizeof(*p));

		if (p == NULL)
			return false;
		c->changes = p;
		c->cap = cap;
	}
	ch = &c->changes[c->n++];
	memset(ch, 0, sizeof(*ch));
	ch->kind = kind;
	ch->regression = regression;
	ch->a = a;
	ch->b = b;
	snprintf(ch->what, sizeof(ch->what), "%s", what);
	va_start(ap, fmt);
	vsnprintf(ch->detail, sizeof(ch->detail), fmt, ap);
	va_end(ap);
	c->regressions += regression;
	return true;
}

static double cmp_run_sd(const struct cmp_item *it)
{
	double m;

	if (it->runs < 2)
		return 0.0;
	m = it->sum / it->runs;
	return sqrt(fmax(0.0, (it->sumsq - it->runs * m * m) / (it->runs - 1)));
}

/* Whether a mean moved beyond the noise and the floor; fills noise (one
 * standard error of the difference). */
static bool cmp_moved(double a, double b, double se, double min_change, double *noise)
{
	*noise = se;
	return a > 0 && fabs(b - a) > BENCH_COMPARE_SIGMAS * se && fabs(b - a) / a > min_change;
}

static void cmp_times(struct bench_comparison *c, const struct cmp_item *ia,
		      const struct cmp_item *ib, bool per_cycle, double min_change,
		      const char *what, const char *unit)
{
	double a, b, se, noise;

	if (ia->runs >= BENCH_COMPARE_MIN_RUNS && ib->runs >= BENCH_COMPARE_MIN_RUNS) {
		double sa = cmp_run_sd(ia), sb = cmp_run_sd(ib);

		a = ia->sum / ia->runs;
		b = ib->sum / ib->runs;
		se = sqrt(sa * sa / ia->runs + sb * sb / ib->runs);
	} else if (per_cycle && ia->n > 1 && ib->n > 1) {
		a = ia->value;
		b = ib->value;
		se = sqrt(ia->sd * ia->sd / (double)ia->n + ib->sd * ib->sd / (double)ib->n);
	} else {
		return;
	}
	if (!cmp_moved(a, b, se, min_change, &noise))
		return;
	cmp_add(c, b > a ? BENCH_CHANGE_SLOWER : BENCH_CHANGE_FASTER, b > a, what, a, b,
		"%.3f -> %.3f %s (%+.0f%%, noise +-%.3f)", a, b, unit, (b - a) / a * 100.0,
		BENCH_COMPARE_SIGMAS * noise);
}

static void cmp_scenarios(struct bench_comparison *c, const struct cmp_label *A,
			  const struct cmp_label *B, double min_change)
{
	for (size_t i = 0; i < B->scenarios.n; i++) {
		const struct cmp_item *ib = &B->scenarios.items[i];
		const struct cmp_item *ia = cmp_find(&A->scenarios, ib->key);
		char what[224];

		if (ia == NULL)
			continue;
		snprintf(what, sizeof(what), "scenario %s", ib->key);
		if (strcmp(ia->result, "PASS") == 0 && strcmp(ib->result, "FAIL") == 0)
			cmp_add(c, BENCH_CHANGE_BROKE, true, what, 1, 0, "PASS -> FAIL");
		else if (strcmp(ia->result, "FAIL") == 0 && strcmp(ib->result, "PASS") == 0)
			cmp_add(c, BENCH_CHANGE_FIXED, false, what, 0, 1, "FAIL -> PASS");
		cmp_times(c, ia, ib, false, min_change, what, "ms");
	}
}

/* The trending columns of one recorded cycle kind. */
static shim_ret cmp_trends(struct bench_records *r, int64_t cycle, struct cmp_side *out,
			   char *why, size_t len)
{
	sqlite3_stmt *st;
	shim_ret ret = bench_records_prepare(r,
		"SELECT name, slope, (SELECT threshold FROM cycles WHERE id=?1) FROM cycle_columns"
		" WHERE cycle_id=?1 AND trend=1", &st, why, len);
	int rc;

	if (ret != SHIM_OK)
		return ret;
	sqlite3_bind_int64(st, 1, cycle);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cmp_item *it = cmp_item(out, cmp_text(st, 0));

		if (it != NULL) {
			it->value = sqlite3_column_double(st, 1);
			it->sd = sqlite3_column_double(st, 2);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, "reading trends", why, len);
}

static shim_ret cmp_cycles(struct bench_records *r, struct bench_comparison *c,
			   const struct cmp_label *A, const struct cmp_label *B, double min_change,
			   char *why, size_t len)
{
	shim_ret ret = SHIM_OK;

	for (size_t i = 0; ret == SHIM_OK && i < B->cycles.n; i++) {
		const struct cmp_item *ib = &B->cycles.items[i];
		const struct cmp_item *ia = cmp_find(&A->cycles, ib->key);
		struct cmp_side ta = { 0 }, tb = { 0 };
		char what[224];

		if (ia == NULL)
			continue;
		snprintf(what, sizeof(what), "cycle %s", ib->key);
		cmp_times(c, ia, ib, true, min_change, what, "us per cycle");
		ret = cmp_trends(r, ia->latest, &ta, why, len);
		if (ret == SHIM_OK)
			ret = cmp_trends(r, ib->latest, &tb, why, len);
		for (size_t k = 0; ret == SHIM_OK && k < tb.n; k++)
			if (cmp_find(&ta, tb.items[k].key) == NULL)
				cmp_add(c, BENCH_CHANGE_TREND_NEW, true, what, 0, tb.items[k].value,
					"%s began to trend: %+.5f per cycle (bar %.5f)",
					tb.items[k].key, tb.items[k].value, tb.items[k].sd);
		for (size_t k = 0; ret == SHIM_OK && k < ta.n; k++)
			if (cmp_find(&tb, ta.items[k].key) == NULL)
				cmp_add(c, BENCH_CHANGE_TREND_GONE, false, what, ta.items[k].value, 0,
					"%s no longer trends (was %+.5f per cycle)", ta.items[k].key,
					ta.items[k].value);
		cmp_side_free(&ta);
		cmp_side_free(&tb);
	}
	return ret;
}

/* Coverage features of each target's campaigns: with 3 or more campaigns
 * a label, their means beyond the noise; else the latest ones. Either way
 * past BENCH_COMPARE_MIN_COVERAGE_CHANGE: libFuzzer's coverage varies by a
 * few percent between campaigns of the same seed and run count. */
static void cmp_fuzz_findings(struct bench_comparison *c, const struct cmp_label *A,
			      const struct cmp_label *B)
{
	for (size_t i = 0; i < B->fuzz.n; i++) {
		const struct cmp_item *ib = &B->fuzz.items[i];
		const struct cmp_item *ia = cmp_find(&A->fuzz, ib->key);
		bool means = ia != NULL && ia->runs >= BENCH_COMPARE_MIN_RUNS &&
			     ib->runs >= BENCH_COMPARE_MIN_RUNS;
		double a, b, se = 0, noise;
		char what[224];

		if (ia == NULL)
			continue;
		a = means ? ia->sum / ia->runs : ia->value;
		b = means ? ib->sum / ib->runs : ib->value;
		if (means) {
			double sa = cmp_run_sd(ia), sb = cmp_run_sd(ib);

			se = sqrt(sa * sa / ia->runs + sb * sb / ib->runs);
		}
		if (!cmp_moved(a, b, se, BENCH_COMPARE_MIN_COVERAGE_CHANGE, &noise))
			continue;
		snprintf(what, sizeof(what), "fuzz %s", ib->key);
		cmp_add(c, b < a ? BENCH_CHANGE_COVERAGE_DROP : BENCH_CHANGE_COVERAGE_GAIN, b < a, what,
			a, b, "coverage features %.0f -> %.0f (%+.0f%%; %s; exec/s %.0f -> %.0f)", a, b,
			(b - a) / a * 100.0,
			means ? "means of 3 or more campaigns, beyond 3 standard errors" : "latest campaigns",
			ia->sd, ib->sd);
	}
	for (size_t i = 0; i < B->findings.n; i++)
		if (cmp_find(&A->findings, B->findings.items[i].key) == NULL)
			cmp_add(c, BENCH_CHANGE_FINDING_NEW, true, "finding", 0, 1, "new: %s",
				B->findings.items[i].key);
	for (size_t i = 0; i < A->findings.n; i++)
		if (cmp_find(&B->findings, A->findings.items[i].key) == NULL)
			cmp_add(c, BENCH_CHANGE_FINDING_GONE, false, "finding", 1, 0, "gone: %s",
				A->findings.items[i].key);
}

static void cmp_noise_words(struct bench_comparison *c, const struct cmp_label *A,
			    const struct cmp_label *B)
{
	unsigned cyc_min = ~0u, sc_min = ~0u;

	for (size_t i = 0; i < A->cycles.n; i++)
		cyc_min = A->cycles.items[i].runs < cyc_min ? A->cycles.items[i].runs : cyc_min;
	for (size_t i = 0; i < B->cycles.n; i++)
		cyc_min = B->cycles.items[i].runs < cyc_min ? B->cycles.items[i].runs : cyc_min;
	for (size_t i = 0; i < A->scenarios.n; i++)
		sc_min = A->scenarios.items[i].runs < sc_min ? A->scenarios.items[i].runs : sc_min;
	for (size_t i = 0; i < B->scenarios.n; i++)
		sc_min = B->scenarios.items[i].runs < sc_min ? B->scenarios.items[i].runs : sc_min;
	snprintf(c->noise_cycles, sizeof(c->noise_cycles), "%s",
		 cyc_min == ~0u ? "no cycle runs on both sides"
		 : cyc_min >= BENCH_COMPARE_MIN_RUNS ? "from the spread between runs (3 or more per label)"
						     : "from the spread of the per-cycle times within each run");
	snprintf(c->noise_scenarios, sizeof(c->noise_scenarios), "%s",
		 sc_min == ~0u ? "no scenario runs on both sides"
		 : sc_min >= BENCH_COMPARE_MIN_RUNS ? "from the spread between runs (3 or more per label)"
						    : "not compared: fewer than 3 runs per label");
}

static void cmp_list_labels(char *why, size_t len, char (*labels)[BENCH_LABEL_LEN], size_t n)
{
	size_t used = strnlen(why, len);

	for (size_t i = 0; i < n && used + 1 < len; i++) {
		snprintf(why + used, len - used, "%s%s", i > 0 ? ", " : " ", labels[i]);
		used = strnlen(why, len);
	}
	if (n == 0)
		snprintf(why + used, len - used, " (none)");
}

static shim_ret cmp_check_label(const char *want, char (*labels)[BENCH_LABEL_LEN], size_t n,
				const char *path, char *why, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(labels[i], want) == 0)
			return SHIM_OK;
	snprintf(why, len, "no label '%s' in %s; known labels:", want, path);
	cmp_list_labels(why, len, labels, n);
	return SHIM_ERR_NOT_FOUND;
}

shim_ret bench_compare(struct bench_records *r, const struct bench_compare_opts *o,
		       struct bench_comparison *out, char *why, size_t len)
{
	static char labels[4096][BENCH_LABEL_LEN];
	size_t n = sizeof(labels) / sizeof(labels[0]);
	double min_change = o->min_change > 0 ? o->min_change : BENCH_COMPARE_MIN_CHANGE;
	struct cmp_label A = { 0 }, B = { 0 };
	shim_ret ret = bench_records_labels(r, labels, &n, why, len);

	memset(out, 0, sizeof(*out));
	if (ret != SHIM_OK)
		return ret;
	if ((o->a == NULL || o->b == NULL) && n < 2) {
		snprintf(why, len, "%s holds %zu label(s), compare needs two; known labels:", r->path, n);
		cmp_list_labels(why, len, labels, n);
		return SHIM_ERR_NOT_FOUND;
	}
	snprintf(out->a, sizeof(out->a), "%s", o->a != NULL ? o->a : labels[n - 2]);
	snprintf(out->b, sizeof(out->b), "%s", o->b != NULL ? o->b : labels[n - 1]);
	ret = cmp_check_label(out->a, labels, n, r->path, why, len);
	if (ret == SHIM_OK)
		ret = cmp_check_label(out->b, labels, n, r->path, why, len);
	if (ret == SHIM_OK)
		ret = cmp_load(r, out->a, &A, why, len);
	if (ret == SHIM_OK)
		ret = cmp_load(r, out->b, &B, why, len);
	if (ret == SHIM_OK) {
		cmp_noise_words(out, &A, &B);
		cmp_scenarios(out, &A, &B, min_change);
		ret = cmp_cycles(r, out, &A, &B, min_change, why, len);
		cmp_fuzz_findings(out, &A, &B);
	}
	cmp_label_free(&A);
	cmp_label_free(&B);
	if (ret != SHIM_OK)
		bench_comparison_free(out);
	return ret;
}

void bench_comparison_free(struct bench_comparison *c)
{
	free(c->changes);
	c->changes = NULL;
	c->n = c->cap = 0;
}

shim_ret bench_records_labels(struct bench_records *r, char (*out)[BENCH_LABEL_LEN], size_t *n,
			      char *why, size_t len)
{
	size_t cap = *n;
	sqlite3_stmt *st;
	shim_ret ret;
	int rc;

	*n = 0;
	if (r->schema == 0)
		return SHIM_OK;
	ret = bench_records_prepare(r, "SELECT label FROM runs GROUP BY label ORDER BY MAX(id)", &st,
				    why, len);
	if (ret != SHIM_OK)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (*n < cap)
			snprintf(out[(*n)++], BENCH_LABEL_LEN, "%s", cmp_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SHIM_OK : bench_records_fail(r, rc, "listing labels", why, len);
}
