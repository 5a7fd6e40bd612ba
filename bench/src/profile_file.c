/* Device profiles from plist files. Keys (docs/writing-a-driver.md,
 * 'Device profiles'): Name, Summary, VendorID, DeviceID, ClassCode, Model,
 * QEMUDevice, QEMUOptions, QEMUBacking, Hotplug, Slot. Unknown keys and
 * wrong types are refused by name, so a typo never silently changes a run.
 * A relative Model path is taken from the profile's own directory. Loaded
 * profiles are kept for the life of the process (scenarios point at them). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

#include "profiles_priv.h"
#include "shim/plist_parse.h"

#define PROFILE_MAX_BYTES (256u * 1024u)

struct bench_profile_file {
	struct bench_profile p;
	struct bench_backing backing[BENCH_PROFILE_MAX_BACKING];
	const char *options[BENCH_PROFILE_MAX_OPTIONS + 1];
	char *strings[8 + 2 * BENCH_PROFILE_MAX_BACKING + BENCH_PROFILE_MAX_OPTIONS];
	size_t nstrings;
	char path[PATH_MAX];
	struct bench_profile_file *next;
};

static struct bench_profile_file *bench_profile_files;

static const char *const bench_profile_keys[] = {
	"Name", "Summary", "VendorID", "DeviceID", "ClassCode", "Model", "QEMUDevice",
	"QEMUOptions", "QEMUBacking", "Hotplug", "Slot", NULL,
};

static const char *keep(struct bench_profile_file *f, const char *s)
{
	char *c;

	if (f->nstrings == sizeof(f->strings) / sizeof(f->strings[0]) || (c = strdup(s)) == NULL)
		return NULL;
	f->strings[f->nstrings++] = c;
	return c;
}

static void bench_profile_file_free(struct bench_profile_file *f)
{
	for (size_t i = 0; i < f->nstrings; i++)
		free(f->strings[i]);
	free(f);
}

/* An integer as <integer> or as a "0x..." / decimal string, within max. */
static bool get_uint(plist_t node, uint64_t max, uint64_t *out)
{
	if (plist_get_node_type(node) == PLIST_UINT) {
		plist_get_uint_val(node, out);
	} else if (plist_get_node_type(node) == PLIST_STRING) {
		const char *s = plist_get_string_ptr(node, NULL);
		char *end;

		errno = 0;
		*out = strtoull(s, &end, 0);
		if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0)
			return false;
	} else {
		return false;
	}
	return *out <= max;
}

static const char *get_string(struct bench_profile_file *f, plist_t root, const char *key,
			      bool *bad)
{
	plist_t node = plist_dict_get_item(root, key);

	if (node == NULL)
		return NULL;
	if (plist_get_node_type(node) != PLIST_STRING) {
		*bad = true;
		return NULL;
	}
	return keep(f, plist_get_string_ptr(node, NULL));
}

static const char *check_keys(plist_t root, char *bad_key, size_t len)
{
	plist_dict_iter it = NULL;
	const char *why = NULL;

	plist_dict_new_iter(root, &it);
	for (uint32_t i = 0; it != NULL && i < plist_dict_get_size(root) && why == NULL; i++) {
		char *key = NULL;
		plist_t val = NULL;
		bool known = false;

		plist_dict_next_item(root, it, &key, &val);
		for (size_t k = 0; key != NULL && bench_profile_keys[k] != NULL; k++)
			known = known || strcmp(key, bench_profile_keys[k]) == 0;
		if (!known) {
			snprintf(bad_key, len, "%s", key != NULL ? key : "?");
			why = "unknown key";
		}
		free(key);
	}
	free(it);
	return why;
}

static const char *read_ids(struct bench_profile_file *f, plist_t root)
{
	static const char *const keys[] = { "VendorID", "DeviceID", "ClassCode" };
	static const uint64_t max[] = { 0xffff, 0xffff, 0xffffff };
	uint64_t v[3] = { 0, 0, 0 };

	for (size_t i = 0; i < 3; i++) {
		plist_t node = plist_dict_get_item(root, keys[i]);

		if (node == NULL && i < 2)
			return i == 0 ? "VendorID missing" : "DeviceID missing";
		if (node != NULL && !get_uint(node, max[i], &v[i]))
			return i == 0 ? "VendorID is not an integer up to 0xffff"
				      : i == 1 ? "DeviceID is not an integer up to 0xffff"
					       : "ClassCode is not an integer up to 0xffffff";
	}
	f->p.vendor_id = (uint16_t)v[0];
	f->p.device_id = (uint16_t)v[1];
	f->p.class_code = (uint32_t)v[2];
	return NULL;
}

static const char *read_options(struct bench_profile_file *f, plist_t root)
{
	plist_t arr = plist_dict_get_item(root, "QEMUOptions");
	uint32_t n;

	if (arr == NULL)
		return NULL;
	if (plist_get_node_type(arr) != PLIST_ARRAY)
		return "QEMUOptions is not an array of strings";
	n = plist_array_get_size(arr);
	if (n > BENCH_PROFILE_MAX_OPTIONS)
		return "QEMUOptions has too many entries";
	for (uint32_t i = 0; i < n; i++) {
		plist_t s = plist_array_get_item(arr, i);

		if (plist_get_node_type(s) != PLIST_STRING ||
		    (f->options[i] = keep(f, plist_get_string_ptr(s, NULL))) == NULL)
			return "QEMUOptions is not an array of strings";
	}
	f->options[n] = NULL;
	f->p.qemu_options = f->options;
	return NULL;
}

static const char *read_backing(struct bench_profile_file *f, plist_t root)
{
	plist_t arr = plist_dict_get_item(root, "QEMUBacking");
	uint32_t n;

	if (arr == NULL)
		return NULL;
	if (plist_get_node_type(arr) != PLIST_ARRAY)
		return "QEMUBacking is not an array of dictionaries";
	n = plist_array_get_size(arr);
	if (n > BENCH_PROFILE_MAX_BACKING)
		return "QEMUBacking has too many entries";
	for (uint32_t i = 0; i < n; i++) {
		plist_t d = plist_array_get_item(arr, i), kind, id, size;
		uint64_t bytes = 0;

		if (plist_get_node_type(d) != PLIST_DICT)
			return "QEMUBacking entry is not a dictionary";
		kind = plist_dict_get_item(d, "Kind");
		id = plist_dict_get_item(d, "ID");
		size = plist_dict_get_item(d, "Size");
		if (plist_dict_get_size(d) != 3 || kind == NULL || id == NULL || size == NULL ||
		    plist_get_node_type(kind) != PLIST_STRING ||
		    plist_get_node_type(id) != PLIST_STRING || !get_uint(size, 1ull << 40, &bytes))
			return "QEMUBacking entry needs exactly Kind (string), ID (string), Size "
			       "(bytes)";
		if (strcmp(plist_get_string_ptr(kind, NULL), "disk") != 0)
			return "QEMUBacking Kind must be \"disk\"";
		f->backing[i].kind = "disk";
		f->backing[i].id = keep(f, plist_get_string_ptr(id, NULL));
		f->backing[i].size = bytes;
		if (f->backing[i].id == NULL || strpbrk(f->backing[i].id, ",=/ ") != NULL)
			return "QEMUBacking ID must be a plain name";
	}
	f->p.backing = f->backing;
	f->p.nbacking = n;
	return NULL;
}

/* A Model that is a path is taken relative to the profile file. */
static const char *read_model(struct bench_profile_file *f, plist_t root, bool *bad)
{
	const char *m = get_string(f, root, "Model", bad);
	char buf[PATH_MAX * 2];
	const char *slash = strrchr(f->path, '/');

	if (m == NULL || m[0] == '/' || strchr(m, '/') == NULL || slash == NULL)
		return m;
	snprintf(buf, sizeof(buf), "%.*s/%s", (int)(slash - f->path), f->path, m);
	return keep(f, buf);
}

static const char *parse(struct bench_profile_file *f, plist_t root, char *bad_key, size_t len)
{
	const char *why;
	plist_t node;
	bool bad = false;
	uint64_t slot = 0;

	if (plist_get_node_type(root) != PLIST_DICT)
		return "not a property list dictionary";
	if ((why = check_keys(root, bad_key, len)) != NULL)
		return why;
	f->p.name = get_string(f, root, "Name", &bad);
	if (f->p.name == NULL || bad || f->p.name[0] == '\0')
		return "Name missing or not a string";
	f->p.summary = get_string(f, root, "Summary", &bad);
	f->p.model = read_model(f, root, &bad);
	f->p.qemu_device = get_string(f, root, "QEMUDevice", &bad);
	if (bad)
		return "Summary, Model and QEMUDevice must be strings";
	if (f->p.model == NULL && f->p.qemu_device == NULL)
		return "neither Model nor QEMUDevice: no host could run it";
	if ((why = read_ids(f, root)) != NULL || (why = read_options(f, root)) != NULL ||
	    (why = read_backing(f, root)) != NULL)
		return why;
	node = plist_dict_get_item(root, "Hotplug");
	if (node != NULL) {
		uint8_t b = 0;

		if (plist_get_node_type(node) != PLIST_BOOLEAN)
			return "Hotplug is not a boolean";
		plist_get_bool_val(node, &b);
		f->p.hotplug = b != 0;
	}
	node = plist_dict_get_item(root, "Slot");
	if (node != NULL && (!get_uint(node, 31, &slot) || slot == 0))
		return "Slot is not an integer 1..31";
	f->p.slot = (unsigned)slot;
	if (f->p.summary == NULL)
		f->p.summary = "device profile from a file";
	return NULL;
}

static char *read_all(const char *path, size_t *n, char *why, size_t len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;

	if (fp == NULL) {
		snprintf(why, len, "device profile %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(PROFILE_MAX_BYTES + 1);
	*n = buf != NULL ? fread(buf, 1, PROFILE_MAX_BYTES + 1, fp) : 0;
	fclose(fp);
	if (buf == NULL || *n == 0 || *n > PROFILE_MAX_BYTES) {
		snprintf(why, len, "device profile %s: %s", path,
			 buf == NULL ? "out of memory" : *n == 0 ? "empty" : "too large");
		free(buf);
		return NULL;
	}
	return buf;
}

const struct bench_profile *bench_profile_file_load(const char *path, char *why, size_t len)
{
	struct bench_profile_file *f;
	char bad_key[128] = "", reason[200], *text;
	const char *fault;
	plist_t root = NULL;
	size_t n = 0;

	for (f = bench_profile_files; f != NULL; f = f->next)
		if (strcmp(f->path, path) == 0)
			return &f->p;
	text = read_all(path, &n, why, len);
	if (text == NULL)
		return NULL;
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		free(text);
		snprintf(why, len, "device profile %s: out of memory", path);
		return NULL;
	}
	snprintf(f->path, sizeof(f->path), "%s", path);
	if (shim_plist_parse(text, n, &root, reason, sizeof(reason)) != SHIM_OK) {
		free(text);
		snprintf(why, len, "device profile %s: %s", path, reason);
		bench_profile_file_free(f);
		return NULL;
	}
	free(text);
	fault = parse(f, root, bad_key, sizeof(bad_key));
	plist_free(root);
	if (fault != NULL) {
		snprintf(why, len, "device profile %s: %s%s%s%s", path, fault,
			 bad_key[0] ? " '" : "", bad_key, bad_key[0] ? "' (known: Name, Summary, "
								"VendorID, DeviceID, ClassCode, Model, "
								"QEMUDevice, QEMUOptions, QEMUBacking, "
								"Hotplug, Slot)" : "");
		bench_profile_file_free(f);
		return NULL;
	}
	f->next = bench_profile_files;
	bench_profile_files = f;
	return &f->p;
}
