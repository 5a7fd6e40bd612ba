/* drvbench qualify --rules: every rule with its id, severity, what it
 * checks and why; as markdown it is the table docs/qualify.md carries (a
 * test compares the two, so the documentation cannot go stale). */
#include <stdio.h>

#include "q_internal.h"

static void q_md(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

void bench_qualify_write_rules(FILE *out, bool markdown)
{
	const struct bench_qualify_rule *r;

	if (markdown)
		fputs("| rule | severity | checks | why |\n|---|---|---|---|\n", out);
	for (size_t i = 0; (r = bench_qualify_rule_at(i)) != NULL; i++) {
		if (!markdown) {
			fprintf(out, "%-38s %-8s %s\n%47s why: %s\n", r->id,
				bench_qualify_severity_name(r->severity), r->summary, "", r->rationale);
			continue;
		}
		fprintf(out, "| `%s` | %s | ", r->id, bench_qualify_severity_name(r->severity));
		q_md(out, r->summary);
		fputs(" | ", out);
		q_md(out, r->rationale);
		fputs(" |\n", out);
	}
}
