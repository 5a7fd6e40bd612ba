/* The JSON report for tools: the bundle, the verdict and counts, every
 * finding with its rule, severity, location, message, fix and suppression,
 * the checks that did not run, and the two parts' times. */
#include <stdio.h>

#include "q_internal.h"

static void q_field(FILE *out, const char *name, const char *value, bool comma)
{
	fprintf(out, "\"%s\": ", name);
	bench_q_json_string(out, value);
	if (comma)
		fputs(", ", out);
}

bool bench_qualify_write_json(FILE *out, const struct bench_qualify_result *res)
{
	fputs("{", out);
	q_field(out, "bundle", res->bundle, true);
	q_field(out, "bundle_id", res->bundle_id, true);
	q_field(out, "version", res->version, true);
	fprintf(out, "\"qualified\": %s, \"errors\": %zu, \"warnings\": %zu, \"notes\": %zu,\n",
		bench_qualify_clean(res) ? "true" : "false", res->errors, res->warnings, res->notes);
	fputs(" \"findings\": [", out);
	for (size_t i = 0; i < res->count; i++) {
		const struct bench_qualify_finding *f = &res->findings[i];

		fputs(i ? ",\n  {" : "\n  {", out);
		q_field(out, "rule", f->rule->id, true);
		q_field(out, "severity", bench_qualify_severity_name(f->rule->severity), true);
		q_field(out, "file", f->file, true);
		q_field(out, "item", f->item, true);
		q_field(out, "item_kind", f->item_kind, true);
		q_field(out, "message", f->message, true);
		q_field(out, "fix", f->fix, true);
		fputs("\"suppressed\": ", out);
		if (f->suppressed != NULL)
			bench_q_json_string(out, f->suppressed);
		else
			fputs("null", out);
		fputs("}", out);
	}
	fputs("],\n \"not_checked\": [", out);
	for (size_t i = 0; i < res->nnot_checked; i++) {
		fputs(i ? ", " : "", out);
		bench_q_json_string(out, res->not_checked[i]);
	}
	fprintf(out, "],\n \"static_s\": %.6f, \"dynamic_ran\": %s, \"dynamic_s\": %.6f}\n",
		res->static_s, res->dynamic_ran ? "true" : "false", res->dynamic_s);
	return !ferror(out);
}
