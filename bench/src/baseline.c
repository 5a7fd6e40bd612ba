/* Counter baselines: what ioclasscount/ioalloccount showed at one moment,
 * and a comparison that names every counter or class that moved. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench/machine.h"
#include "shim/verifier.h"

void bench_baseline_take(struct bench_baseline *b)
{
	const shim_class *list[BENCH_MAX_CLASSES];

	memset(b, 0, sizeof(*b));
	shim_counters_snapshot(&b->counters);
	b->nclasses = shim_class_list(list, BENCH_MAX_CLASSES);
	if (b->nclasses > BENCH_MAX_CLASSES)
		b->nclasses = BENCH_MAX_CLASSES;
	for (size_t i = 0; i < b->nclasses; i++) {
		snprintf(b->classes[i].name, sizeof(b->classes[i].name), "%s",
			 list[i]->name != NULL ? list[i]->name : "?");
		b->classes[i].live = shim_class_live(list[i]);
	}
}

long bench_baseline_class_live(const struct bench_baseline *b, const char *name)
{
	long live = 0;

	/* Two kexts may name a class alike: the counts add up, as in ioclasscount. */
	for (size_t i = 0; i < b->nclasses; i++)
		if (strcmp(b->classes[i].name, name) == 0)
			live += b->classes[i].live;
	return live;
}

void bench_why_append(char *why, size_t len, const char *fmt, ...)
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

static bool bench_baseline_has(const struct bench_baseline *b, const char *name)
{
	for (size_t i = 0; i < b->nclasses; i++)
		if (strcmp(b->classes[i].name, name) == 0)
			return true;
	return false;
}

/* True for the first entry of b with this entry's name (report each name once). */
static bool bench_baseline_first(const struct bench_baseline *b, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(b->classes[j].name, b->classes[i].name) == 0)
			return false;
	return true;
}

bool bench_baseline_matches(const struct bench_baseline *b, char *why, size_t len)
{
	struct bench_baseline now;
	const struct shim_counters *was = &b->counters, *is = &now.counters;
	bool same = true;

	if (len > 0)
		why[0] = '\0';
	bench_baseline_take(&now);
#define BENCH_SAME(field, fmt, type)                                                              \
	do {                                                                                   \
		if (was->field != is->field) {                                                 \
			bench_why_append(why, len, #field " " fmt " (baseline " fmt ")",              \
				  (type)is->field, (type)was->field);                          \
			same = false;                                                          \
		}                                                                              \
	} while (0)
	BENCH_SAME(objects_live, "%ld", long);
	BENCH_SAME(alloc_count, "%ld", long);
	BENCH_SAME(alloc_bytes, "%llu", unsigned long long);
	BENCH_SAME(wired_bytes, "%llu", unsigned long long);
	BENCH_SAME(prepared, "%ld", long);
#undef BENCH_SAME
	for (size_t i = 0; i < now.nclasses; i++) {
		long before = bench_baseline_class_live(b, now.classes[i].name);
		long after = bench_baseline_class_live(&now, now.classes[i].name);

		if (after != before && bench_baseline_first(&now, i)) {
			bench_why_append(why, len, "class %s live %ld (baseline %ld)",
					 now.classes[i].name, after, before);
			same = false;
		}
	}
	/* A class gone since (its kext unloaded) must have had none live. */
	for (size_t i = 0; i < b->nclasses; i++) {
		long before = bench_baseline_class_live(b, b->classes[i].name);

		if (before != 0 && !bench_baseline_has(&now, b->classes[i].name) &&
		    bench_baseline_first(b, i)) {
			bench_why_append(why, len, "class %s live 0 (baseline %ld)",
					 b->classes[i].name, before);
			same = false;
		}
	}
	return same;
}

bool bench_verifier_empty(char *why, size_t len)
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
