/* Reading libFuzzer's and the kext fuzzer's lines, and thinning a
 * campaign's coverage curve (fuzz_status.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_status.h"

#define SELECTOR_PREFIX "fuzz_kext: selector\t"

/* The number after "key" in l, when l has it. */
static bool field(const char *l, const char *key, unsigned long *out)
{
	const char *p = strstr(l, key);
	char *end;
	unsigned long v;

	if (p == NULL)
		return false;
	p += strlen(key);
	v = strtoul(p, &end, 10);
	if (end == p)
		return false;
	*out = v;
	return true;
}

bool drvbench_fuzz_status_parse(const char *line, struct drvbench_fuzz_status *st)
{
	char *end;
	unsigned long execs;

	if (line[0] != '#' || line[1] < '0' || line[1] > '9')
		return false;
	execs = strtoul(line + 1, &end, 10);
	if (*end != '\t' && *end != ' ')
		return false;
	st->execs = execs;
	field(end, " cov: ", &st->cov);
	field(end, " ft: ", &st->ft);
	field(end, " corp: ", &st->corp);
	field(end, " exec/s: ", &st->rate);
	return true;
}

bool drvbench_fuzz_final_stat_parse(const char *line, struct drvbench_fuzz_status *st)
{
	if (strncmp(line, "stat::number_of_executed_units: ", 32) == 0)
		return field(line, ": ", &st->execs);
	if (strncmp(line, "stat::average_exec_per_sec: ", 28) == 0)
		return field(line, ": ", &st->rate);
	return false;
}

/* The next tab-separated field of *p into out (cut to len); false at the end. */
static bool next_field(const char **p, char *out, size_t len)
{
	size_t n = strcspn(*p, "\t\n");

	if (**p == '\0')
		return false;
	snprintf(out, len, "%.*s", (int)n, *p);
	*p += n;
	if (**p == '\t')
		(*p)++;
	return n > 0;
}

static bool count_field(const char **p, unsigned long *out)
{
	char buf[32], *end;

	if (!next_field(p, buf, sizeof(buf)))
		return false;
	*out = strtoul(buf, &end, 10);
	return *end == '\0' && buf[0] >= '0' && buf[0] <= '9';
}

bool drvbench_fuzz_selector_parse(const char *line, struct shim_uc_selector_count *out)
{
	struct shim_uc_selector_count s = { 0 };
	const char *p = line + strlen(SELECTOR_PREFIX);
	char sel[32], *end;

	if (strncmp(line, SELECTOR_PREFIX, strlen(SELECTOR_PREFIX)) != 0 ||
	    !next_field(&p, s.client, sizeof(s.client)) || !next_field(&p, sel, sizeof(sel)) ||
	    !next_field(&p, s.method, sizeof(s.method)))
		return false;
	if (strcmp(sel, "other") == 0) {
		s.selector = SHIM_UC_SEL_OTHER;
	} else {
		unsigned long v = strtoul(sel, &end, 10);

		if (*end != '\0' || sel[0] < '0' || sel[0] > '9' || v >= SHIM_UC_SEL_OTHER)
			return false;
		s.selector = (uint32_t)v;
	}
	if (strcmp(s.method, "-") == 0)
		s.method[0] = '\0';
	if (!count_field(&p, &s.reached) || !count_field(&p, &s.refused) ||
	    !count_field(&p, &s.ran) || !count_field(&p, &s.failed))
		return false;
	*out = s;
	return true;
}

void drvbench_fuzz_curve_add(struct drvbench_fuzz_curve *c,
			     const struct bench_record_fuzz_point *pt)
{
	const struct bench_record_fuzz_point *l = c->n > 0 ? &c->p[c->n - 1] : NULL;

	if (l != NULL && l->execs == pt->execs && l->features == pt->features &&
	    l->corpus == pt->corpus && l->crashes == pt->crashes)
		return;
	if (c->n == DRVBENCH_FUZZ_POINTS) {
		for (size_t i = 1; 2 * i < DRVBENCH_FUZZ_POINTS; i++)
			c->p[i] = c->p[2 * i];
		c->n = DRVBENCH_FUZZ_POINTS / 2;
	}
	c->p[c->n++] = *pt;
}
