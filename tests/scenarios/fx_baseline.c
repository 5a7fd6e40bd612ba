/* Counter baselines: what ioclasscount/ioalloccount showed at one moment,
 * and a comparison that names every counter or class that moved. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fx_machine.h"
#include "shim/verifier.h"

void fx_baseline_take(struct fx_baseline *b)
{
	const shim_class *list[FX_MAX_CLASSES];

	memset(b, 0, sizeof(*b));
	shim_counters_snapshot(&b->counters);
	b->nclasses = shim_class_list(list, FX_MAX_CLASSES);
	if (b->nclasses > FX_MAX_CLASSES)
		b->nclasses = FX_MAX_CLASSES;
	for (size_t i = 0; i < b->nclasses; i++) {
		b->classes[i].cls = list[i];
		b->classes[i].live = shim_class_live(list[i]);
	}
}

long fx_baseline_class_live(const struct fx_baseline *b, const shim_class *cls)
{
	for (size_t i = 0; i < b->nclasses; i++)
		if (b->classes[i].cls == cls)
			return b->classes[i].live;
	return 0;
}

void fx_why_append(char *why, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(why, len);
	va_list ap;

	if (used + 3 >= len)
		return;
	if (used > 0) {
		memcpy(why + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + used, len - used, fmt, ap);
	va_end(ap);
}

bool fx_baseline_matches(const struct fx_baseline *b, char *why, size_t len)
{
	struct fx_baseline now;
	const struct shim_counters *was = &b->counters, *is = &now.counters;
	bool same = true;

	if (len > 0)
		why[0] = '\0';
	fx_baseline_take(&now);
#define FX_SAME(field, fmt, type)                                                              \
	do {                                                                                   \
		if (was->field != is->field) {                                                 \
			fx_why_append(why, len, #field " " fmt " (baseline " fmt ")",              \
				  (type)is->field, (type)was->field);                          \
			same = false;                                                          \
		}                                                                              \
	} while (0)
	FX_SAME(objects_live, "%ld", long);
	FX_SAME(alloc_count, "%ld", long);
	FX_SAME(alloc_bytes, "%llu", unsigned long long);
	FX_SAME(wired_bytes, "%llu", unsigned long long);
	FX_SAME(prepared, "%ld", long);
#undef FX_SAME
	for (size_t i = 0; i < now.nclasses; i++) {
		long before = fx_baseline_class_live(b, now.classes[i].cls);

		if (now.classes[i].live != before) {
			fx_why_append(why, len, "class %s live %ld (baseline %ld)",
				  now.classes[i].cls->name, now.classes[i].live, before);
			same = false;
		}
	}
	return same;
}

bool fx_verifier_empty(char *why, size_t len)
{
	size_t n = shim_verifier_count();
	const struct shim_violation *v = n > 0 ? shim_verifier_get(0) : NULL;

	if (n == 0)
		return true;
	if (v != NULL)
		snprintf(why, len, "verifier: %zu record(s), first %s at %s:%d: %s", n,
			 shim_violation_kind_string(v->kind), v->file ? v->file : "?", v->line,
			 v->message);
	else
		snprintf(why, len, "verifier: %zu record(s)", n);
	return false;
}
