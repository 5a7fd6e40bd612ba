/* The globals of loaded kexts, keyed by bundle id: what a new kext's
 * globals must not collide with. A few kexts of a few hundred globals
 * each, so one sorted name array per kext and a binary search in each. */
#include "kext_link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_internal.h"
#include "shim/kpi.h"

struct kext_globals {
	char *bundle_id;
	const char **names; /* sorted; names and strings share this allocation */
	size_t count;
};

struct bench_link_registry {
	struct kext_globals *kexts;
	size_t count, cap;
};

__attribute__((format(printf, 3, 4)))
static void set_why(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || why_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
}

BENCH_INTERNAL bool bench_link_exempt_from_collision(const char *name)
{
	return strcmp(name, BENCH_LINK_ENTRY_SYMBOL) == 0 || shim_kpi_is_instrumentation(name);
}

bench_link_registry *bench_link_registry_create(void)
{
	return calloc(1, sizeof(bench_link_registry));
}

static void kext_globals_free(struct kext_globals *k)
{
	free(k->bundle_id);
	free(k->names);
}

void bench_link_registry_destroy(bench_link_registry *reg)
{
	if (reg == NULL)
		return;
	for (size_t i = 0; i < reg->count; i++)
		kext_globals_free(&reg->kexts[i]);
	free(reg->kexts);
	free(reg);
}

static struct kext_globals *find_kext(const bench_link_registry *reg, const char *bundle_id)
{
	for (size_t i = 0; i < reg->count; i++)
		if (strcmp(reg->kexts[i].bundle_id, bundle_id) == 0)
			return &reg->kexts[i];
	return NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The kext's collision-relevant globals, sorted, in one allocation. */
static bool collect_globals(const struct bench_elf_image *img, struct kext_globals *k)
{
	size_t count = 0, text = 0;
	char *pool;

	for (size_t i = 0; i < img->defined_count; i++) {
		if (bench_link_exempt_from_collision(img->defined[i].name))
			continue;
		count++;
		text += strlen(img->defined[i].name) + 1;
	}
	k->names = malloc(count * sizeof(char *) + text + 1);
	if (k->names == NULL)
		return false;
	pool = (char *)(k->names + count);
	k->count = 0;
	for (size_t i = 0; i < img->defined_count; i++) {
		const char *name = img->defined[i].name;
		size_t n = strlen(name) + 1;

		if (bench_link_exempt_from_collision(name))
			continue;
		memcpy(pool, name, n);
		k->names[k->count++] = pool;
		pool += n;
	}
	qsort(k->names, k->count, sizeof(char *), name_cmp);
	return true;
}

bool bench_link_registry_add(bench_link_registry *reg, const char *bundle_id,
			     const struct bench_elf_image *img, char *why, size_t why_len)
{
	struct kext_globals k = { 0 };

	if (reg == NULL || bundle_id == NULL || img == NULL) {
		set_why(why, why_len, "bench_link_registry_add: missing registry, bundle id or image");
		return false;
	}
	if (find_kext(reg, bundle_id) != NULL) {
		set_why(why, why_len, "%s is already registered as loaded", bundle_id);
		return false;
	}
	if (reg->count == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 4;
		struct kext_globals *v = realloc(reg->kexts, cap * sizeof(*v));

		if (v == NULL)
			goto no_memory;
		reg->kexts = v;
		reg->cap = cap;
	}
	k.bundle_id = strdup(bundle_id);
	if (k.bundle_id == NULL || !collect_globals(img, &k))
		goto no_memory;
	reg->kexts[reg->count++] = k;
	return true;

no_memory:
	kext_globals_free(&k);
	set_why(why, why_len, "%s: out of memory registering its globals", bundle_id);
	return false;
}

bool bench_link_registry_remove(bench_link_registry *reg, const char *bundle_id)
{
	struct kext_globals *k;

	if (reg == NULL || bundle_id == NULL || (k = find_kext(reg, bundle_id)) == NULL)
		return false;
	kext_globals_free(k);
	*k = reg->kexts[--reg->count];
	return true;
}

const char *bench_link_registry_owner(const bench_link_registry *reg, const char *symbol)
{
	if (reg == NULL || symbol == NULL)
		return NULL;
	for (size_t i = 0; i < reg->count; i++) {
		const struct kext_globals *k = &reg->kexts[i];

		if (bsearch(&symbol, k->names, k->count, sizeof(char *), name_cmp) != NULL)
			return k->bundle_id;
	}
	return NULL;
}

size_t bench_link_registry_count(const bench_link_registry *reg)
{
	return reg != NULL ? reg->count : 0;
}
