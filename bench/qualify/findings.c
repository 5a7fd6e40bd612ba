/* The findings of one qualification: recorded with their location and fix,
 * suppressed (never dropped) when --disable names their rule, counted by
 * severity; and the checks that could not run, each with its reason. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "q_internal.h"

static char *q_strdup(const char *s)
{
	return strdup(s != NULL ? s : "");
}

void bench_qualify_result_init(struct bench_qualify_result *res, const char *bundle)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->bundle, sizeof(res->bundle), "%s", bundle != NULL ? bundle : "");
}

void bench_qualify_result_free(struct bench_qualify_result *res)
{
	for (size_t i = 0; i < res->count; i++) {
		free(res->findings[i].file);
		free(res->findings[i].item);
		free(res->findings[i].message);
		free(res->findings[i].fix);
	}
	free(res->findings);
	for (size_t i = 0; i < res->nnot_checked; i++)
		free(res->not_checked[i]);
	free(res->not_checked);
	res->findings = NULL;
	res->not_checked = NULL;
	res->count = res->cap = res->nnot_checked = 0;
}

bool bench_qualify_clean(const struct bench_qualify_result *res)
{
	return res->errors == 0;
}

static const char *q_suppression(const struct bench_qualify_options *opt, const char *rule)
{
	for (size_t i = 0; opt != NULL && i < opt->ndisabled; i++)
		if (strcmp(opt->disabled[i].id, rule) == 0)
			return opt->disabled[i].reason;
	return NULL;
}

static void q_count(struct bench_qualify_result *res, enum bench_qualify_severity s, int d)
{
	size_t *n = s == BENCH_Q_ERROR ? &res->errors : s == BENCH_Q_WARNING ? &res->warnings
									    : &res->notes;

	*n += (size_t)d;
}

static bool q_duplicate(const struct bench_qualify_result *res, const char *rule,
			const char *file, const char *item, const char *msg)
{
	for (size_t i = 0; i < res->count; i++) {
		const struct bench_qualify_finding *f = &res->findings[i];

		if (strcmp(f->rule->id, rule) == 0 && strcmp(f->file, file ? file : "") == 0 &&
		    strcmp(f->item, item ? item : "") == 0 && strcmp(f->message, msg) == 0)
			return true;
	}
	return false;
}

void bench_q_add(struct bench_q_ctx *c, const char *rule, const char *file, const char *item,
		 const char *item_kind, const char *fix, const char *fmt, ...)
{
	struct bench_qualify_result *res = c->res;
	struct bench_qualify_finding *f;
	char msg[1024];
	va_list ap;

	if (res->count == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 16;
		void *grown = realloc(res->findings, cap * sizeof(*res->findings));

		if (grown == NULL)
			return; /* out of memory: the finding is lost, not the process */
		res->findings = grown;
		res->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (q_duplicate(res, rule, file, item, msg))
		return; /* the same problem in another slice of a universal binary */
	f = &res->findings[res->count];
	f->rule = bench_qualify_rule_find(rule);
	if (f->rule == NULL) /* a misspelt id is the bench's bug: say so in the report */
		f->rule = bench_qualify_rule_find("binary.malformed");
	f->file = q_strdup(file);
	f->item = q_strdup(item);
	f->item_kind = item_kind != NULL ? item_kind : "";
	f->message = q_strdup(msg);
	f->fix = q_strdup(fix);
	f->suppressed = q_suppression(c->opt, rule);
	if (f->file == NULL || f->item == NULL || f->message == NULL || f->fix == NULL) {
		free(f->file);
		free(f->item);
		free(f->message);
		free(f->fix);
		return;
	}
	res->count++;
	if (f->suppressed == NULL)
		q_count(res, f->rule->severity, 1);
}

void bench_q_not_checked(struct bench_qualify_result *res, const char *fmt, ...)
{
	char msg[512];
	char **grown;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	grown = realloc(res->not_checked, (res->nnot_checked + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	res->not_checked = grown;
	res->not_checked[res->nnot_checked] = strdup(msg);
	if (res->not_checked[res->nnot_checked] != NULL)
		res->nnot_checked++;
}

const char *bench_q_plist_string(plist_t dict, const char *key)
{
	plist_t node;

	if (dict == NULL || plist_get_node_type(dict) != PLIST_DICT)
		return NULL;
	node = plist_dict_get_item(dict, key);
	if (node == NULL || plist_get_node_type(node) != PLIST_STRING)
		return NULL;
	return plist_get_string_ptr(node, NULL);
}
