/* Kext loading: the Info.plist manifest is parsed with libplist and checked
 * the way kextd would (bundle identity, personalities that name a driver of
 * the kext, IOPCIMatch syntax); unload is refused while anything of the kext
 * is alive. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

#include "machine_internal.h"
#include "shim/alloc.h"
#include "shim/log.h"

static shim_class shim_kext_class = SHIM_CLASS_INIT("ShimKext");

#define SHIM_KEXT_ID_MAX 63
#define SHIM_KEXT_MATCH_MAX 16

struct shim_pci_match {
	uint32_t value, mask; /* device << 16 | vendor */
};

struct shim_personality {
	const struct shim_driver *driver;
	int score;
	struct shim_pci_match match[SHIM_KEXT_MATCH_MAX];
	size_t match_count;
};

struct shim_kext {
	shim_object obj;
	const struct shim_kext_desc *desc;
	char bundle_id[SHIM_KEXT_ID_MAX + 1];
	struct shim_personality *pers;
	size_t pers_count;
	long services;
};

static void shim_kext_free(shim_object *obj)
{
	shim_kext *k = (shim_kext *)obj;

	if (k->pers)
		shim_free(k->pers, k->pers_count * sizeof(*k->pers));
	shim_free(k, sizeof(*k));
}

static const char *shim_plist_string(plist_t dict, const char *key)
{
	plist_t node = plist_dict_get_item(dict, key);

	if (!node || plist_get_node_type(node) != PLIST_STRING)
		return NULL;
	return plist_get_string_ptr(node, NULL);
}

/* Reverse-DNS: at least two dot-separated labels of letters, digits, '-'. */
static bool shim_kext_id_valid(const char *id)
{
	size_t len = strlen(id), labels = 1, label_len = 0;

	if (len == 0 || len > SHIM_KEXT_ID_MAX)
		return false;
	for (const char *p = id; *p; p++) {
		if (*p == '.') {
			if (label_len == 0)
				return false;
			labels++;
			label_len = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			label_len++;
		} else {
			return false;
		}
	}
	return label_len > 0 && labels >= 2;
}

static bool shim_kext_version_valid(const char *v)
{
	size_t len = strlen(v);

	return len > 0 && len <= SHIM_KEXT_ID_MAX && isdigit((unsigned char)v[0]);
}

/* "0x" followed by 1..8 hex digits, ending at `stop` or the end. */
static bool shim_parse_hex32(const char **pp, char stop, uint32_t *out)
{
	const char *p = *pp;
	uint32_t v = 0;
	int digits = 0;

	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return false;
	for (p += 2; isxdigit((unsigned char)*p); p++, digits++) {
		if (digits == 8)
			return false;
		v = v << 4 | (uint32_t)(isdigit((unsigned char)*p) ? *p - '0'
								   : (tolower((unsigned char)*p) - 'a' + 10));
	}
	if (digits == 0 || (*p && *p != ' ' && *p != stop))
		return false;
	*out = v;
	*pp = p;
	return true;
}

static bool shim_parse_pci_match(const char *s, struct shim_personality *pers)
{
	const char *p = s;

	pers->match_count = 0;
	for (;;) {
		struct shim_pci_match mt = { 0, 0xffffffffu };

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (pers->match_count == SHIM_KEXT_MATCH_MAX || !shim_parse_hex32(&p, '&', &mt.value))
			return false;
		if (*p == '&') {
			p++;
			if (!shim_parse_hex32(&p, '\0', &mt.mask))
				return false;
		}
		pers->match[pers->match_count++] = mt;
	}
	return pers->match_count > 0;
}

static const struct shim_driver *shim_kext_find_driver(const struct shim_kext_desc *desc,
							const char *class_name)
{
	for (size_t i = 0; i < desc->driver_count; i++) {
		const struct shim_driver *d = desc->drivers[i];

		if (d && d->class_name && strcmp(d->class_name, class_name) == 0)
			return d;
	}
	return NULL;
}

/* Fills pers from one IOKitPersonalities entry; NULL or the reason it is bad. */
static const char *shim_kext_personality(const struct shim_kext_desc *desc, plist_t entry,
					 struct shim_personality *pers)
{
	const char *ioclass, *provider, *match;
	plist_t score;

	if (plist_get_node_type(entry) != PLIST_DICT)
		return "personality is not a dictionary";
	ioclass = shim_plist_string(entry, "IOClass");
	if (!ioclass)
		return "personality without IOClass";
	pers->driver = shim_kext_find_driver(desc, ioclass);
	if (!pers->driver)
		return "IOClass names no driver of the kext";
	provider = shim_plist_string(entry, "IOProviderClass");
	if (!provider || strcmp(provider, "IOPCIDevice") != 0)
		return "IOProviderClass is not IOPCIDevice";
	match = shim_plist_string(entry, "IOPCIMatch");
	if (!match || !shim_parse_pci_match(match, pers))
		return "IOPCIMatch missing or not 0xDDDDVVVV[&0xMMMMMMMM] ...";
	score = plist_dict_get_item(entry, "IOProbeScore");
	if (score) {
		uint64_t v = 0;

		if (plist_get_node_type(score) != PLIST_UINT)
			return "IOProbeScore is not an integer";
		plist_get_uint_val(score, &v);
		pers->score = (int)(int64_t)v;
	}
	return NULL;
}

static const char *shim_kext_parse(shim_kext *k, plist_t root)
{
	const char *id, *version, *why = NULL;
	plist_t pers_dict, entry = NULL;
	plist_dict_iter it = NULL;
	uint32_t n;

	if (!root || plist_get_node_type(root) != PLIST_DICT)
		return "Info.plist is not a dictionary";
	id = shim_plist_string(root, "CFBundleIdentifier");
	if (!id)
		return "CFBundleIdentifier missing";
	if (!shim_kext_id_valid(id))
		return "CFBundleIdentifier is not reverse-DNS";
	memcpy(k->bundle_id, id, strlen(id) + 1);
	version = shim_plist_string(root, "CFBundleVersion");
	if (!version || !shim_kext_version_valid(version))
		return "CFBundleVersion missing or malformed";
	pers_dict = plist_dict_get_item(root, "IOKitPersonalities");
	if (!pers_dict || plist_get_node_type(pers_dict) != PLIST_DICT)
		return "IOKitPersonalities missing";
	n = plist_dict_get_size(pers_dict);
	if (n == 0)
		return "IOKitPersonalities is empty";
	k->pers = shim_zalloc(n * sizeof(*k->pers));
	if (!k->pers)
		return "out of memory";
	k->pers_count = n;
	plist_dict_new_iter(pers_dict, &it);
	if (!it)
		return "out of memory";
	for (size_t i = 0; i < n && !why; i++) {
		plist_dict_next_item(pers_dict, it, NULL, &entry);
		why = entry ? shim_kext_personality(k->desc, entry, &k->pers[i])
			    : "IOKitPersonalities changed size";
	}
	free(it);
	return why;
}

shim_ret shim_kext_load(const struct shim_kext_desc *desc, shim_kext **out)
{
	plist_t root = NULL;
	const char *why;
	shim_kext *k;
	size_t len;

	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (!desc || !desc->info_plist) {
		shim_log(SHIM_LOG_ERR, "kext load: no manifest");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	len = desc->info_plist_len ? desc->info_plist_len : strlen(desc->info_plist);
	if (len > UINT32_MAX) {
		shim_log(SHIM_LOG_ERR, "kext load: manifest too large");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	k = shim_zalloc(sizeof(*k));
	if (!k)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&k->obj, &shim_kext_class, shim_kext_free);
	k->desc = desc;
	plist_from_xml(desc->info_plist, (uint32_t)len, &root);
	why = shim_kext_parse(k, root);
	if (root)
		plist_free(root);
	if (why) {
		shim_log(SHIM_LOG_ERR, "kext load%s%s: %s", k->bundle_id[0] ? " " : "",
			 k->bundle_id, why);
		shim_object_release(&k->obj);
		return strcmp(why, "out of memory") == 0 ? SHIM_ERR_NO_MEMORY
							 : SHIM_ERR_BAD_ARGUMENT;
	}
	*out = k;
	return SHIM_OK;
}

shim_ret shim_kext_unload(shim_kext *k)
{
	bool live = false;

	if (!k)
		return SHIM_ERR_BAD_ARGUMENT;
	if (k->services > 0) {
		shim_log(SHIM_LOG_WARN, "kext %s: unload refused, %ld service(s) running",
			 k->bundle_id, k->services);
		return SHIM_ERR_BUSY;
	}
	for (size_t i = 0; i < k->desc->class_count; i++) {
		const shim_class *c = k->desc->classes[i];

		if (c && shim_class_live(c) > 0) {
			SHIM_VERIFY_FAIL(SHIM_V_LEAK_AT_UNLOAD,
					 "kext %s: unload refused, class %s has %ld live instance(s)",
					 k->bundle_id, c->name, shim_class_live(c));
			live = true;
		}
	}
	if (live)
		return SHIM_ERR_BUSY;
	shim_object_release(&k->obj);
	return SHIM_OK;
}

const char *shim_kext_bundle_id(const shim_kext *k)
{
	return k ? k->bundle_id : "";
}

static bool shim_personality_matches(const struct shim_personality *p, uint16_t vendor,
				     uint16_t device)
{
	uint32_t id = (uint32_t)device << 16 | vendor;

	for (size_t i = 0; i < p->match_count; i++)
		if ((id & p->match[i].mask) == (p->match[i].value & p->match[i].mask))
			return true;
	return false;
}

bool shim_kext_matches(const shim_kext *k, uint16_t vendor, uint16_t device)
{
	for (size_t i = 0; k && i < k->pers_count; i++)
		if (shim_personality_matches(&k->pers[i], vendor, device))
			return true;
	return false;
}

size_t shim_kext_personality_count(const shim_kext *k)
{
	return k ? k->pers_count : 0;
}

const struct shim_driver *shim_kext_personality_match(const shim_kext *k, size_t i,
						      uint16_t vendor, uint16_t device,
						      int *score)
{
	if (!k || i >= k->pers_count || !shim_personality_matches(&k->pers[i], vendor, device))
		return NULL;
	*score = k->pers[i].score;
	return k->pers[i].driver;
}

void shim_kext_services_add(shim_kext *k, long delta)
{
	k->services += delta;
}
