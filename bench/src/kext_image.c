/* A kext's binary in memory: mapped with dlopen (RTLD_LOCAL: the flat
 * namespace is checked by the link step, not enforced by the dynamic
 * linker), its kmod_info found and version-checked; unmapped only once
 * nothing points into it: its classes have no live instances (they are
 * forgotten), and allocation sites that name its files are copied. */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "kext_priv.h"
#include "shim/verifier.h"

struct bench_range_search {
	uintptr_t base;
	struct bench_kext *k;
};

static int bench_collect_ranges(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct bench_range_search *s = arg;

	(void)size;
	if ((uintptr_t)info->dlpi_addr != s->base)
		return 0;
	for (int i = 0; i < info->dlpi_phnum && s->k->nranges < BENCH_KEXT_MAX_RANGES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		s->k->range_lo[s->k->nranges] = (uintptr_t)info->dlpi_addr + ph->p_vaddr;
		s->k->range_hi[s->k->nranges] = (uintptr_t)info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		s->k->nranges++;
	}
	return 1;
}

static bool bench_in_image(const struct bench_kext *k, const void *p)
{
	for (size_t i = 0; i < k->nranges; i++)
		if ((uintptr_t)p >= k->range_lo[i] && (uintptr_t)p < k->range_hi[i])
			return true;
	return false;
}

static void bench_image_close(struct bench_kext *k)
{
	if (k->handle != NULL)
		dlclose(k->handle);
	k->handle = NULL;
	k->nranges = 0;
}

shim_ret bench_kext_image_map(struct bench_kext *k, char *why, size_t len)
{
	const struct shim_kmod_info *info;
	struct bench_range_search search = { 0, k };
	struct link_map *map = NULL;

	k->handle = dlopen(k->exec_path, RTLD_NOW | RTLD_LOCAL);
	if (k->handle == NULL) {
		snprintf(why, len, "%s: cannot map: %s", k->exec_path, dlerror());
		return SHIM_ERR_BAD_ARGUMENT;
	}
	info = dlsym(k->handle, SHIM_KMOD_INFO_SYMBOL);
	if (info == NULL || info->desc == NULL) {
		snprintf(why, len, "%s: no %s entry symbol (declare the kext with "
				   "SHIM_KEXT_DECLARE(its descriptor))", k->exec_path,
			 SHIM_KMOD_INFO_SYMBOL);
		bench_image_close(k);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (info->abi_version != SHIM_KEXT_ABI_VERSION) {
		snprintf(why, len, "%s: built for kext ABI %u, this bench loads ABI %u (rebuild "
				   "against this drvbench)", k->exec_path, info->abi_version,
			 SHIM_KEXT_ABI_VERSION);
		bench_image_close(k);
		return SHIM_ERR_UNSUPPORTED;
	}
	if (dlinfo(k->handle, RTLD_DI_LINKMAP, &map) != 0 || map == NULL) {
		snprintf(why, len, "%s: no link map: %s", k->exec_path, dlerror());
		bench_image_close(k);
		return SHIM_ERR_GENERIC;
	}
	search.base = (uintptr_t)map->l_addr;
	k->nranges = 0;
	dl_iterate_phdr(bench_collect_ranges, &search);
	k->desc = info->desc;
	return SHIM_OK;
}

/* Forgets the classes that live in the image; refuses (the image stays)
 * when one still has instances. */
static shim_ret bench_forget_classes(struct bench_kext *k, char *why, size_t len)
{
	const shim_class *list[256];
	size_t n = shim_class_list(list, sizeof(list) / sizeof(list[0]));
	shim_ret r = SHIM_OK;

	if (n > sizeof(list) / sizeof(list[0]))
		n = sizeof(list) / sizeof(list[0]);
	for (size_t i = 0; i < n; i++) {
		if (!bench_in_image(k, list[i]) || shim_class_live(list[i]) == 0)
			continue;
		if (r == SHIM_OK)
			snprintf(why, len, "%s: image kept mapped: class %s has %ld live "
					   "instance(s)", k->path, list[i]->name,
				 shim_class_live(list[i]));
		SHIM_VERIFY_FAIL(SHIM_V_LEAK_AT_UNLOAD, "kext %s unloaded with %ld live %s",
				 bench_kext_bundle_id(k), shim_class_live(list[i]), list[i]->name);
		r = SHIM_ERR_BUSY;
	}
	if (r != SHIM_OK)
		return r;
	for (size_t i = 0; i < n; i++)
		if (bench_in_image(k, list[i]))
			shim_class_forget((shim_class *)list[i]);
	return SHIM_OK;
}

shim_ret bench_kext_image_unmap(struct bench_kext *k, char *why, size_t len)
{
	shim_ret r;

	if (k->handle == NULL)
		return SHIM_OK;
	r = bench_forget_classes(k, why, len);
	if (r != SHIM_OK) {
		k->stuck = true;
		return r;
	}
	for (size_t i = 0; i < k->nranges; i++)
		shim_alloc_rehome_sites(k->range_lo[i], k->range_hi[i]);
	bench_image_close(k);
	return SHIM_OK;
}

void *bench_kext_symbol(const struct bench_kext *k, const char *name)
{
	if (k == NULL || k->loaded == NULL)
		return NULL;
	if (k->handle != NULL)
		return dlsym(k->handle, name);
	return dlsym(RTLD_DEFAULT, name); /* a kext linked into the program */
}

bool bench_kext_image_range(const struct bench_kext *k, uintptr_t *lo, uintptr_t *hi)
{
	if (k == NULL || k->handle == NULL || k->nranges == 0)
		return false;
	*lo = k->range_lo[0];
	*hi = k->range_hi[0];
	for (size_t i = 1; i < k->nranges; i++) {
		if (k->range_lo[i] < *lo)
			*lo = k->range_lo[i];
		if (k->range_hi[i] > *hi)
			*hi = k->range_hi[i];
	}
	return true;
}
