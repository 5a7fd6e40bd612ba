/* The kernel linker's checks before a kext's binary is mapped (bench/link):
 * the binary is read (ELF, this architecture, a shared object), its
 * undefined symbols are resolved against the shim's KPI table, its globals
 * against the kernel's and every loaded kext's (one flat namespace), and
 * OSBundleLibraries against what it uses. Every refusal is listed. Loaded
 * kexts' globals are registered here until they unload. */
#include <stdio.h>
#include <string.h>

#include "../link/elf_image.h"
#include "../link/kext_link.h"
#include "kext_priv.h"

static bench_link_registry *bench_loaded_globals;

/* "refused: 2 problems: undefined symbol 'x' ...; ..." after the path. */
static void bench_link_why(const struct bench_kext *k, const struct bench_link_report *rep,
			   char *why, size_t len)
{
	int n = snprintf(why, len, "%s: ", k->exec_path);

	if (n > 0 && (size_t)n < len)
		bench_link_report_summary(rep, why + n, len - (size_t)n);
}

/* The reader names the file by its last component; the report names the
 * whole path inside the bundle, so the user sees which bundle it was. */
static void bench_link_name_path(const struct bench_kext *k, char *why, size_t len)
{
	const char *base = strrchr(k->exec_path, '/');
	char msg[512];
	size_t n;

	base = base != NULL ? base + 1 : k->exec_path;
	n = strlen(base);
	snprintf(msg, sizeof(msg), "%s", why);
	if (strncmp(msg, base, n) == 0 && msg[n] == ':')
		snprintf(why, len, "%s%s", k->exec_path, msg + n);
	else
		snprintf(why, len, "%s: %s", k->exec_path, msg);
}

shim_ret bench_kext_link(struct bench_kext *k, char *why, size_t len)
{
	struct bench_link_library_ref libs[BENCH_KEXT_MAX_LIBS];
	struct bench_elf_image *img = NULL;
	struct bench_link_report *rep = NULL;
	enum bench_link_result res;
	shim_ret r = SHIM_OK;

	if (bench_loaded_globals == NULL && (bench_loaded_globals = bench_link_registry_create()) == NULL)
		return SHIM_ERR_NO_MEMORY;
	if (bench_elf_image_open(k->exec_path, &img, why, len) != BENCH_ELF_OK) {
		bench_link_name_path(k, why, len);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	for (size_t i = 0; i < k->nlibs; i++) {
		libs[i].id = k->libs[i].id;
		libs[i].version = k->libs[i].version;
	}
	res = bench_link_check(img, libs, k->nlibs, bench_loaded_globals, &rep, why, len);
	if (res == BENCH_LINK_ERROR) {
		r = SHIM_ERR_GENERIC;
	} else if (res == BENCH_LINK_REFUSED) {
		bench_link_why(k, rep, why, len);
		r = SHIM_ERR_BAD_ARGUMENT;
	} else if (!bench_link_registry_add(bench_loaded_globals, bench_kext_bundle_id(k), img, why,
					    len)) {
		r = SHIM_ERR_BUSY; /* the same bundle identifier is loaded already */
	} else {
		k->link_registered = true;
	}
	bench_link_report_free(rep);
	bench_elf_image_free(img);
	return r;
}

void bench_kext_unlink(struct bench_kext *k)
{
	if (k->link_registered && bench_loaded_globals != NULL)
		bench_link_registry_remove(bench_loaded_globals, bench_kext_bundle_id(k));
	k->link_registered = false;
}
