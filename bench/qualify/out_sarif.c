/* SARIF 2.1.0 (the OASIS format CI systems show inline): one run whose tool
 * lists every rule, one result per finding located by a file relative to
 * the bundle (uriBaseId BUNDLE) and a logical location (key, symbol,
 * class), suppressed findings with their justification, and the checks
 * that did not run as the invocation's notifications. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "q_internal.h"

#ifndef BENCH_QUALIFY_VERSION
#define BENCH_QUALIFY_VERSION "0"
#endif

static const char *q_level(enum bench_qualify_severity s)
{
	return s == BENCH_Q_ERROR ? "error" : s == BENCH_Q_WARNING ? "warning" : "note";
}

static void q_rules(FILE *out)
{
	const struct bench_qualify_rule *r;

	for (size_t i = 0; (r = bench_qualify_rule_at(i)) != NULL; i++) {
		fputs(i ? ",\n      {\"id\": " : "\n      {\"id\": ", out);
		bench_q_json_string(out, r->id);
		fputs(", \"shortDescription\": {\"text\": ", out);
		bench_q_json_string(out, r->summary);
		fputs("}, \"fullDescription\": {\"text\": ", out);
		bench_q_json_string(out, r->rationale);
		fprintf(out, "}, \"defaultConfiguration\": {\"level\": \"%s\"}, "
			     "\"properties\": {\"group\": ", q_level(r->severity));
		bench_q_json_string(out, r->group);
		fputs("}}", out);
	}
}

static size_t q_rule_index(const struct bench_qualify_rule *rule)
{
	const struct bench_qualify_rule *r;
	size_t i;

	for (i = 0; (r = bench_qualify_rule_at(i)) != NULL && r != rule; i++)
		;
	return i;
}

static void q_location(FILE *out, const struct bench_qualify_finding *f)
{
	if (!*f->file && !*f->item)
		return;
	fputs(", \"locations\": [{", out);
	if (*f->file) {
		fputs("\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
		bench_q_json_uri(out, "", f->file);
		fputs(", \"uriBaseId\": \"BUNDLE\"}}", out);
	}
	if (*f->item) {
		fputs(*f->file ? ", " : "", out);
		fputs("\"logicalLocations\": [{\"name\": ", out);
		bench_q_json_string(out, f->item);
		fputs(", \"kind\": ", out);
		bench_q_json_string(out, f->item_kind);
		fputs("}]", out);
	}
	fputs("}]", out);
}

static void q_result(FILE *out, const struct bench_qualify_finding *f, bool first)
{
	fputs(first ? "\n    {\"ruleId\": " : ",\n    {\"ruleId\": ", out);
	bench_q_json_string(out, f->rule->id);
	fprintf(out, ", \"ruleIndex\": %zu, \"level\": \"%s\", \"message\": {\"text\": ",
		q_rule_index(f->rule), q_level(f->rule->severity));
	bench_q_json_string(out, f->message);
	fputs("}", out);
	q_location(out, f);
	if (f->suppressed != NULL) {
		fputs(", \"suppressions\": [{\"kind\": \"external\", \"justification\": ", out);
		bench_q_json_string(out, f->suppressed);
		fputs("}]", out);
	}
	fputs(", \"properties\": {\"fix\": ", out);
	bench_q_json_string(out, f->fix);
	fputs("}}", out);
}

/* The bundle as an absolute directory path ending in '/'. */
static void q_base(const char *bundle, char *out, size_t len)
{
	char real[PATH_MAX], cwd[PATH_MAX];

	if (realpath(bundle, real) != NULL)
		snprintf(out, len, "%s/", real);
	else if (bundle[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
		snprintf(out, len, "%s/%s/", cwd, bundle);
	else
		snprintf(out, len, "%s/", bundle);
}

bool bench_qualify_write_sarif(FILE *out, const struct bench_qualify_result *res)
{
	char base[PATH_MAX * 2 + 8];

	q_base(res->bundle, base, sizeof(base));
	fputs("{\"version\": \"2.1.0\", \"runs\": [{\n  \"tool\": {\"driver\": {\"name\": "
	      "\"drvbench qualify\", \"version\": \"" BENCH_QUALIFY_VERSION "\", \"rules\": [", out);
	q_rules(out);
	fputs("]}},\n  \"originalUriBaseIds\": {\"BUNDLE\": {\"uri\": ", out);
	bench_q_json_uri(out, "file://", base);
	fprintf(out, "}},\n  \"invocations\": [{\"executionSuccessful\": true, "
		     "\"toolExecutionNotifications\": [");
	for (size_t i = 0; i < res->nnot_checked; i++) {
		fputs(i ? ", {\"level\": \"note\", \"message\": {\"text\": "
			: "{\"level\": \"note\", \"message\": {\"text\": ", out);
		bench_q_json_string(out, res->not_checked[i]);
		fputs("}}", out);
	}
	fputs("]}],\n  \"results\": [", out);
	for (size_t i = 0; i < res->count; i++)
		q_result(out, &res->findings[i], i == 0);
	fputs("]}]}\n", out);
	return !ferror(out);
}
