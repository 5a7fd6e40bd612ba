/* Kext bundles (bench/kext.h): reading a bundle's manifest and finding its
 * executable, then loading into and unloading from the shim. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <plist/plist.h>

#include "kext_priv.h"
#include "shim/plist_parse.h"

#define BENCH_PLIST_MAX SHIM_PLIST_MAX_BYTES

static shim_ret bench_read_file(const char *path, char **buf, size_t *n, char *why, size_t len)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return errno == ENOENT ? SHIM_ERR_NOT_FOUND : SHIM_ERR_BAD_ARGUMENT;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    size > (long)BENCH_PLIST_MAX) {
		fclose(f);
		snprintf(why, len, "%s: not a readable file of at most %u bytes", path,
			 BENCH_PLIST_MAX);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	*buf = malloc((size_t)size + 1);
	if (*buf == NULL || fread(*buf, 1, (size_t)size, f) != (size_t)size) {
		free(*buf);
		*buf = NULL;
		fclose(f);
		snprintf(why, len, "%s: read failed", path);
		return SHIM_ERR_NO_MEMORY;
	}
	(*buf)[size] = '\0';
	*n = (size_t)size;
	fclose(f);
	return SHIM_OK;
}

static const char *bench_plist_str(plist_t dict, const char *key)
{
	plist_t node = plist_dict_get_item(dict, key);

	return node != NULL && plist_get_node_type(node) == PLIST_STRING
		       ? plist_get_string_ptr(node, NULL)
		       : NULL;
}

/* OSBundleLibraries: identifier -> version string. */
static shim_ret bench_read_libraries(struct bench_kext *k, plist_t root, char *why, size_t len)
{
	plist_t libs = plist_dict_get_item(root, "OSBundleLibraries");
	plist_dict_iter it = NULL;
	shim_ret r = SHIM_OK;

	if (libs == NULL)
		return SHIM_OK;
	if (plist_get_node_type(libs) != PLIST_DICT) {
		snprintf(why, len, "%s: OSBundleLibraries is not a dictionary", k->path);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	plist_dict_new_iter(libs, &it);
	for (uint32_t i = 0; it != NULL && i < plist_dict_get_size(libs) && r == SHIM_OK; i++) {
		char *key = NULL;
		plist_t val = NULL;

		plist_dict_next_item(libs, it, &key, &val);
		if (key == NULL || val == NULL || plist_get_node_type(val) != PLIST_STRING) {
			snprintf(why, len, "%s: OSBundleLibraries entry %s is not a version string",
				 k->path, key != NULL ? key : "?");
			r = SHIM_ERR_BAD_ARGUMENT;
		} else if (k->nlibs == BENCH_KEXT_MAX_LIBS) {
			snprintf(why, len, "%s: more than %d OSBundleLibraries", k->path,
				 BENCH_KEXT_MAX_LIBS);
			r = SHIM_ERR_BAD_ARGUMENT;
		} else {
			snprintf(k->libs[k->nlibs].id, sizeof(k->libs[0].id), "%s", key);
			snprintf(k->libs[k->nlibs].version, sizeof(k->libs[0].version), "%s",
				 plist_get_string_ptr(val, NULL));
			k->nlibs++;
		}
		free(key);
	}
	free(it);
	return r;
}

/* CFBundleExecutable must name a regular file in Contents/MacOS/. */
static shim_ret bench_find_executable(struct bench_kext *k, plist_t root, char *why, size_t len)
{
	const char *exe = bench_plist_str(root, "CFBundleExecutable");
	struct stat st;

	if (exe == NULL || exe[0] == '\0' || strchr(exe, '/') != NULL || strcmp(exe, "..") == 0) {
		snprintf(why, len, "%s: CFBundleExecutable %s", k->path,
			 exe == NULL ? "missing (a kext without code cannot be loaded here)"
				     : "must be a plain file name");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if ((size_t)snprintf(k->exec_path, sizeof(k->exec_path), "%s/Contents/MacOS/%s", k->path,
			     exe) >= sizeof(k->exec_path)) {
		snprintf(why, len, "%s: path too long", k->path);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (stat(k->exec_path, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s: executable missing: CFBundleExecutable is '%s' but %s %s",
			 k->path, exe, k->exec_path,
			 errno == ENOENT ? "does not exist" : "is not a regular file");
		return SHIM_ERR_NOT_FOUND;
	}
	return SHIM_OK;
}

/* Manifest checks shared by bundles and linked kexts. */
static shim_ret bench_kext_read_manifest(struct bench_kext *k, const char *plist_path,
					 bool bundle, char *why, size_t len)
{
	char reason[256] = "";
	plist_t root = NULL;
	shim_ret r = bench_read_file(plist_path, &k->plist, &k->plist_len, why, len);

	if (r != SHIM_OK)
		return r;
	r = shim_kext_load_manifest(k->plist, k->plist_len, NULL, &k->manifest, reason,
				    sizeof(reason));
	if (r != SHIM_OK) {
		snprintf(why, len, "%s: malformed Info.plist: %s", plist_path, reason);
		return r;
	}
	r = shim_plist_parse(k->plist, k->plist_len, &root, reason, sizeof(reason));
	if (r != SHIM_OK) {
		snprintf(why, len, "%s: malformed Info.plist: %s", plist_path, reason);
		return r;
	}
	r = bench_read_libraries(k, root, why, len);
	if (r == SHIM_OK && bundle)
		r = bench_find_executable(k, root, why, len);
	plist_free(root);
	return r;
}

shim_ret bench_kext_open(const char *bundle_path, struct bench_kext **out, char *why, size_t len)
{
	struct bench_kext *k;
	char plist_path[BENCH_KEXT_PATH + 32];
	struct stat st;
	shim_ret r;

	*out = NULL;
	if (bundle_path == NULL || stat(bundle_path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s: not a kext bundle directory (expected NAME.kext with "
				   "Contents/Info.plist)", bundle_path != NULL ? bundle_path : "(null)");
		return SHIM_ERR_NOT_FOUND;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return SHIM_ERR_NO_MEMORY;
	snprintf(k->path, sizeof(k->path), "%s", bundle_path);
	while (strlen(k->path) > 1 && k->path[strlen(k->path) - 1] == '/')
		k->path[strlen(k->path) - 1] = '\0';
	snprintf(plist_path, sizeof(plist_path), "%s/Contents/Info.plist", k->path);
	r = bench_kext_read_manifest(k, plist_path, true, why, len);
	if (r != SHIM_OK) {
		bench_kext_close(k);
		return r;
	}
	*out = k;
	return SHIM_OK;
}

shim_ret bench_kext_open_linked(const struct shim_kext_desc *desc, const char *info_plist_path,
				struct bench_kext **out, char *why, size_t len)
{
	struct bench_kext *k = calloc(1, sizeof(*k));
	shim_ret r;

	*out = NULL;
	if (k == NULL)
		return SHIM_ERR_NO_MEMORY;
	snprintf(k->path, sizeof(k->path), "%s", info_plist_path);
	k->linked = desc;
	r = bench_kext_read_manifest(k, info_plist_path, false, why, len);
	if (r != SHIM_OK) {
		bench_kext_close(k);
		return r;
	}
	*out = k;
	return SHIM_OK;
}

void bench_kext_close(struct bench_kext *k)
{
	char ignored[8];

	if (k == NULL)
		return;
	if (bench_kext_loaded(k))
		bench_kext_unload(k, ignored, sizeof(ignored));
	if (k->stuck)
		return; /* its image stays mapped, and so does what points into it */
	if (k->manifest != NULL)
		shim_kext_unload(k->manifest);
	free(k->plist);
	free(k);
}

const char *bench_kext_path(const struct bench_kext *k)
{
	return k->path;
}

const char *bench_kext_bundle_id(const struct bench_kext *k)
{
	return shim_kext_bundle_id(k->manifest);
}

const char *bench_kext_version(const struct bench_kext *k)
{
	return shim_kext_version(k->manifest);
}

bool bench_kext_matches(const struct bench_kext *k, uint16_t vendor, uint16_t device,
			uint32_t class_code)
{
	return shim_kext_matches(k->manifest, vendor, device, class_code);
}

const shim_kext *bench_kext_manifest(const struct bench_kext *k)
{
	return k->manifest;
}

bool bench_kext_loaded(const struct bench_kext *k)
{
	return k != NULL && k->loaded != NULL;
}

const struct shim_kext_desc *bench_kext_desc(const struct bench_kext *k)
{
	return k != NULL ? k->desc : NULL;
}

shim_ret bench_kext_load(struct bench_kext *k, bench_kext_wrap_fn wrap, shim_kext **out,
			 char *why, size_t len)
{
	const struct shim_kext_desc *desc;
	char reason[256] = "";
	shim_ret r;

	*out = NULL;
	if (k->loaded != NULL || k->stuck) {
		snprintf(why, len, "%s: already loaded%s", bench_kext_bundle_id(k),
			 k->stuck ? " (an earlier unload was refused)" : "");
		return SHIM_ERR_BUSY;
	}
	if (k->linked != NULL) {
		k->desc = k->linked;
	} else {
		r = bench_kext_link(k, why, len);
		if (r == SHIM_OK)
			r = bench_kext_image_map(k, why, len);
		if (r != SHIM_OK) {
			bench_kext_unlink(k);
			return r;
		}
	}
	desc = wrap != NULL ? wrap(k->desc) : k->desc;
	r = shim_kext_load_manifest(k->plist, k->plist_len, desc, &k->loaded, reason,
				    sizeof(reason));
	if (r != SHIM_OK) {
		char ignored[8];

		snprintf(why, len, "%s: %s", k->path, reason);
		if (k->linked == NULL) {
			bench_kext_image_unmap(k, ignored, sizeof(ignored));
			bench_kext_unlink(k);
		}
		k->desc = NULL;
		return r;
	}
	*out = k->loaded;
	return SHIM_OK;
}

shim_ret bench_kext_unload(struct bench_kext *k, char *why, size_t len)
{
	shim_ret r;

	if (k->loaded == NULL) {
		snprintf(why, len, "%s: not loaded", bench_kext_bundle_id(k));
		return SHIM_ERR_NOT_READY;
	}
	r = shim_kext_unload(k->loaded);
	if (r != SHIM_OK) {
		snprintf(why, len, "%s: unload refused: %s (a service still runs or instances of "
				   "its classes are live; see the kernel log)",
			 bench_kext_bundle_id(k), shim_ret_string(r));
		return r;
	}
	k->loaded = NULL;
	if (k->linked == NULL) {
		r = bench_kext_image_unmap(k, why, len);
		if (r != SHIM_OK)
			return r;
		bench_kext_unlink(k);
	}
	k->desc = NULL;
	return SHIM_OK;
}
