/* The text report for people: findings grouped by severity, each with its
 * rule, location, message and fix; then the suppressed ones with their
 * reasons, the checks that did not run, and one verdict line. */
#include <stdio.h>
#include <string.h>

#include "q_internal.h"

static void q_indented(FILE *out, const char *head, const char *text)
{
	const char *p = text;

	fprintf(out, "      %s", head);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		fprintf(out, "%.*s\n", (int)n, p);
		p += n;
		if (*p == '\n' && *++p != '\0')
			fprintf(out, "      %*s", (int)strlen(head), "");
	}
}

static void q_finding(FILE *out, const struct bench_qualify_finding *f)
{
	fprintf(out, "  [%s] %s", f->rule->id, *f->file ? f->file : "(bundle)");
	if (*f->item)
		fprintf(out, ": %s", f->item);
	fputc('\n', out);
	q_indented(out, "", f->message);
	if (*f->fix)
		q_indented(out, "fix: ", f->fix);
	if (f->suppressed != NULL)
		fprintf(out, "      disabled: %s\n", f->suppressed);
}

static size_t q_group(FILE *out, const struct bench_qualify_result *res,
		      enum bench_qualify_severity sev, bool suppressed)
{
	size_t n = 0;

	for (size_t i = 0; i < res->count; i++) {
		const struct bench_qualify_finding *f = &res->findings[i];

		if ((f->suppressed != NULL) != suppressed || (!suppressed && f->rule->severity != sev))
			continue;
		if (n++ == 0)
			fprintf(out, "\n%s:\n", suppressed ? "suppressed (--disable)"
				     : sev == BENCH_Q_ERROR ? "errors"
				     : sev == BENCH_Q_WARNING ? "warnings" : "notes");
		q_finding(out, f);
	}
	return n;
}

void bench_qualify_write_text(FILE *out, const struct bench_qualify_result *res)
{
	fprintf(out, "drvbench qualify: %s", res->bundle);
	if (res->bundle_id[0])
		fprintf(out, " (%s %s)", res->bundle_id, res->version);
	fputc('\n', out);
	q_group(out, res, BENCH_Q_ERROR, false);
	q_group(out, res, BENCH_Q_WARNING, false);
	q_group(out, res, BENCH_Q_NOTE, false);
	q_group(out, res, BENCH_Q_ERROR, true);
	for (size_t i = 0; i < res->nnot_checked; i++)
		fprintf(out, "%s  - %s\n", i == 0 ? "\nnot checked:\n" : "", res->not_checked[i]);
	fprintf(out, "\n%s: %zu error(s), %zu warning(s)", bench_qualify_clean(res) ? "QUALIFIED"
										 : "NOT QUALIFIED",
		res->errors, res->warnings);
	fprintf(out, "; static %.1f ms", res->static_s * 1e3);
	if (res->dynamic_ran)
		fprintf(out, ", dynamic %.2f s", res->dynamic_s);
	fputc('\n', out);
}
