/* JUnit XML (bench/junit.h): cases kept in order, suites in the order their
 * first case arrived, counts computed when written. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/junit.h"

struct bench_junit_case {
	char *suite, *classname, *name, *message;
	double seconds;
	enum bench_result result;
};

struct bench_junit {
	char *name;
	time_t started;
	struct bench_junit_case *cases;
	size_t n, cap;
};

struct bench_junit *bench_junit_new(const char *name)
{
	struct bench_junit *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->name = strdup(name != NULL ? name : "drvbench");
	j->started = time(NULL);
	if (j->name == NULL) {
		free(j);
		return NULL;
	}
	return j;
}

void bench_junit_free(struct bench_junit *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->n; i++) {
		free(j->cases[i].suite);
		free(j->cases[i].classname);
		free(j->cases[i].name);
		free(j->cases[i].message);
	}
	free(j->cases);
	free(j->name);
	free(j);
}

bool bench_junit_add(struct bench_junit *j, const char *suite, const char *classname,
		     const char *name, double seconds, enum bench_result result,
		     const char *message)
{
	struct bench_junit_case *c;

	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 32;
		struct bench_junit_case *p = realloc(j->cases, cap * sizeof(*p));

		if (p == NULL)
			return false;
		j->cases = p;
		j->cap = cap;
	}
	c = &j->cases[j->n];
	c->suite = strdup(suite != NULL ? suite : "drvbench");
	c->classname = strdup(classname != NULL ? classname : "drvbench");
	c->name = strdup(name != NULL ? name : "?");
	c->message = strdup(message != NULL ? message : "");
	c->seconds = seconds;
	c->result = result;
	if (c->suite == NULL || c->classname == NULL || c->name == NULL || c->message == NULL) {
		free(c->suite);
		free(c->classname);
		free(c->name);
		free(c->message);
		return false;
	}
	j->n++;
	return true;
}

bool bench_junit_add_report(struct bench_junit *j, const struct bench_report *rep)
{
	return bench_junit_add(j, rep->host, "drvbench.run",
			       rep->scenario != NULL ? rep->scenario->name : "?",
			       rep->elapsed_ms / 1000.0, rep->result, rep->why);
}

bool bench_junit_add_cycle(struct bench_junit *j, const struct bench_cycle_result *res)
{
	return bench_junit_add(j, res->host, "drvbench.cycle", res->kind, res->seconds,
			       res->result, res->why);
}

/* XML 1.0 allows no control character but tab and newlines in text. */
static void bench_junit_text(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\t': fputs("&#9;", out); break;
		default: fputc(*p < 0x20 ? '?' : *p, out); break;
		}
	}
}

static void bench_junit_case_write(FILE *out, const struct bench_junit_case *c)
{
	fputs("    <testcase classname=\"", out);
	bench_junit_text(out, c->classname);
	fputs("\" name=\"", out);
	bench_junit_text(out, c->name);
	fprintf(out, "\" time=\"%.3f\"", c->seconds);
	if (c->result == BENCH_PASS) {
		fputs("/>\n", out);
		return;
	}
	fputs(c->result == BENCH_FAIL ? ">\n      <failure type=\"FAIL\" message=\""
				      : ">\n      <skipped message=\"", out);
	bench_junit_text(out, c->message);
	fputs("\">", out);
	bench_junit_text(out, c->message);
	fputs(c->result == BENCH_FAIL ? "</failure>\n    </testcase>\n"
				      : "</skipped>\n    </testcase>\n", out);
}

static void bench_junit_suite_write(FILE *out, const struct bench_junit *j, const char *suite,
				    const char *stamp, const char *host)
{
	unsigned tests = 0, failures = 0, skipped = 0;
	double seconds = 0.0;

	for (size_t i = 0; i < j->n; i++) {
		if (strcmp(j->cases[i].suite, suite) != 0)
			continue;
		tests++;
		failures += j->cases[i].result == BENCH_FAIL;
		skipped += j->cases[i].result == BENCH_CANNOT_RUN;
		seconds += j->cases[i].seconds;
	}
	fputs("  <testsuite name=\"", out);
	bench_junit_text(out, suite);
	fprintf(out, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\" time=\"%.3f\" "
		     "timestamp=\"%s\" hostname=\"", tests, failures, skipped, seconds, stamp);
	bench_junit_text(out, host);
	fputs("\">\n", out);
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->cases[i].suite, suite) == 0)
			bench_junit_case_write(out, &j->cases[i]);
	fputs("  </testsuite>\n", out);
}

bool bench_junit_write(const struct bench_junit *j, FILE *out)
{
	unsigned failures = 0;
	double seconds = 0.0;
	char stamp[32], host[256] = "localhost";
	struct tm tm;

	gmtime_r(&j->started, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "localhost");
	for (size_t i = 0; i < j->n; i++) {
		failures += j->cases[i].result == BENCH_FAIL;
		seconds += j->cases[i].seconds;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", out);
	bench_junit_text(out, j->name);
	fprintf(out, "\" tests=\"%zu\" failures=\"%u\" errors=\"0\" time=\"%.3f\">\n", j->n,
		failures, seconds);
	for (size_t i = 0; i < j->n; i++) {
		bool first = true;

		for (size_t k = 0; k < i && first; k++)
			first = strcmp(j->cases[k].suite, j->cases[i].suite) != 0;
		if (first)
			bench_junit_suite_write(out, j, j->cases[i].suite, stamp, host);
	}
	fputs("</testsuites>\n", out);
	return fflush(out) == 0 && !ferror(out);
}
