/* Kext loading: the Info.plist manifest is parsed (shim_plist_parse: libplist
 * behind a bounded scan) and checked
 * the way kextd would (bundle identity, personalities that name a driver of
 * the kext, IOPCIMatch / IOPCIClassMatch syntax); unload is refused while
 * anything of the kext is alive. Every refusal carries its reason. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <plist/plist.h>

#include "machine_internal.h"
#include "shim/alloc.h"
#include "shim/log.h"
#include "shim/plist_parse.h"

static shim_class shim_kext_class = SHIM_CLASS_INIT("ShimKext");

#define SHIM_KEXT_ID_MAX 63
#define SHIM_KEXT_MATCH_MAX 16

struct shim_pci_match {
	uint32_t value, mask; /* device << 16 | vendor */
};

struct shim_personality {
	const struct shim_driver *driver; /* NULL in a manifest-only kext */
	int score;
	struct shim_pci_match match[SHIM_KEXT_MATCH_MAX];       /* IOPCIMatch */
	size_t match_count;
	struct shim_pci_match class_match[SHIM_KEXT_MATCH_MAX]; /* IOPCIClassMatch */
	size_t class_match_count;
};

struct shim_kext {
	shim_object obj;
	const struct shim_kext_desc *desc; /* NULL: manifest only, nothing to start */
	char bundle_id[SHIM_KEXT_ID_MAX + 1];
	char version[SHIM_KEXT_ID_MAX + 1];
	struct shim_personality *pers;
	size_t pers_count;
	long services;
	uint64_t idle_since_ns;  /* virtual time its last service went (auto-unload) */
	char why[256]; /* the manifest's fault, while loading */
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

/* "0xVVVVVVVV[&0xMMMMMMMM] ..." into list (at most SHIM_KEXT_MATCH_MAX). */
static bool shim_parse_match_list(const char *s, struct shim_pci_match *list, size_t *count)
{
	const char *p = s;

	*count = 0;
	for (;;) {
		struct shim_pci_match mt = { 0, 0xffffffffu };

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*count == SHIM_KEXT_MATCH_MAX || !shim_parse_hex32(&p, '&', &mt.value))
			return false;
		if (*p == '&') {
			p++;
			if (!shim_parse_hex32(&p, '\0', &mt.mask))
				return false;
		}
		list[(*count)++] = mt;
	}
	return *count > 0;
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

/* The reason a manifest is refused, formatted into the kext's buffer. */
static const char *shim_kext_why(shim_kext *k, const char *fmt, ...) SHIM_PRINTF(2, 3);
static const char *shim_kext_why(shim_kext *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->why, sizeof(k->why), fmt, ap);
	va_end(ap);
	return k->why;
}

static const char *shim_kext_matching(shim_kext *k, const char *name, plist_t entry,
				      struct shim_personality *pers)
{
	const char *match = shim_plist_string(entry, "IOPCIMatch");
	const char *cls = shim_plist_string(entry, "IOPCIClassMatch");

	if (!match && !cls) {
		if (plist_dict_get_item(entry, "IOPCIMatch") || plist_dict_get_item(entry, "IOPCIClassMatch"))
			return shim_kext_why(k, "personality %s: IOPCIMatch/IOPCIClassMatch is not a string", name);
		return shim_kext_why(k, "personality %s: no IOPCIMatch or IOPCIClassMatch", name);
	}
	if (match && !shim_parse_match_list(match, pers->match, &pers->match_count))
		return shim_kext_why(k, "personality %s: IOPCIMatch '%.64s' is not "
				     "0xDDDDVVVV[&0xMMMMMMMM] ... (at most %d)", name, match,
				     SHIM_KEXT_MATCH_MAX);
	if (cls && !shim_parse_match_list(cls, pers->class_match, &pers->class_match_count))
		return shim_kext_why(k, "personality %s: IOPCIClassMatch '%.64s' is not "
				     "0xCCSSPP00[&0xMMMMMMMM] ... (at most %d)", name, cls,
				     SHIM_KEXT_MATCH_MAX);
	return NULL;
}

/* Fills pers from one IOKitPersonalities entry; NULL or the reason it is bad. */
static const char *shim_kext_personality(shim_kext *k, const char *name, plist_t entry,
					 struct shim_personality *pers)
{
	const char *ioclass, *provider, *why;
	plist_t score;

	if (plist_get_node_type(entry) != PLIST_DICT)
		return shim_kext_why(k, "personality %s is not a dictionary", name);
	ioclass = shim_plist_string(entry, "IOClass");
	if (!ioclass)
		return shim_kext_why(k, "personality %s: no IOClass string", name);
	if (k->desc) {
		pers->driver = shim_kext_find_driver(k->desc, ioclass);
		if (!pers->driver)
			return shim_kext_why(k, "personality %s: IOClass '%.64s' names no driver of "
					     "the kext", name, ioclass);
	}
	provider = shim_plist_string(entry, "IOProviderClass");
	if (!provider || strcmp(provider, "IOPCIDevice") != 0)
		return shim_kext_why(k, "personality %s: IOProviderClass is '%.64s', not IOPCIDevice",
				     name, provider ? provider : "(missing)");
	why = shim_kext_matching(k, name, entry, pers);
	if (why)
		return why;
	score = plist_dict_get_item(entry, "IOProbeScore");
	if (score) {
		int64_t v = 0;

		/* IOKit keeps a probe score in an SInt32. */
		if (!shim_plist_int(score, INT32_MIN, INT32_MAX, &v))
			return shim_kext_why(k, "personality %s: IOProbeScore is not an integer "
					     "from %d to %d", name, INT32_MIN, INT32_MAX);
		pers->score = (int)v;
	}
	return NULL;
}

static const char *shim_kext_parse(shim_kext *k, plist_t root)
{
	const char *id, *version, *why = NULL;
	plist_t pers_dict, entry = NULL;
	plist_dict_iter it = NULL;
	uint32_t n;

	if (plist_get_node_type(root) != PLIST_DICT)
		return shim_kext_why(k, "Info.plist is not a dictionary");
	id = shim_plist_string(root, "CFBundleIdentifier");
	if (!id)
		return shim_kext_why(k, "CFBundleIdentifier missing or not a string");
	if (!shim_kext_id_valid(id))
		return shim_kext_why(k, "CFBundleIdentifier '%.64s' is not reverse-DNS "
				     "(labels of letters, digits, '-', at most %d characters)",
				     id, SHIM_KEXT_ID_MAX);
	memcpy(k->bundle_id, id, strlen(id) + 1);
	version = shim_plist_string(root, "CFBundleVersion");
	if (!version || !shim_kext_version_valid(version))
		return shim_kext_why(k, "CFBundleVersion missing or malformed (must start with a digit)");
	memcpy(k->version, version, strlen(version) + 1);
	pers_dict = plist_dict_get_item(root, "IOKitPersonalities");
	if (!pers_dict || plist_get_node_type(pers_dict) != PLIST_DICT)
		return shim_kext_why(k, "IOKitPersonalities missing or not a dictionary");
	n = plist_dict_get_size(pers_dict);
	if (n == 0)
		return shim_kext_why(k, "IOKitPersonalities is empty");
	k->pers = shim_zalloc(n * sizeof(*k->pers));
	if (!k->pers)
		return shim_kext_why(k, "out of memory");
	k->pers_count = n;
	plist_dict_new_iter(pers_dict, &it);
	if (!it)
		return shim_kext_why(k, "out of memory");
	for (size_t i = 0; i < n && !why; i++) {
		char *key = NULL;

		entry = NULL;
		plist_dict_next_item(pers_dict, it, &key, &entry);
		why = entry ? shim_kext_personality(k, key ? key : "?", entry, &k->pers[i])
			    : shim_kext_why(k, "IOKitPersonalities changed size");
		free(key);
	}
	free(it);
	return why;
}

shim_ret shim_kext_load_manifest(const char *plist, size_t len, const struct shim_kext_desc *desc,
				 shim_kext **out, char *why, size_t whylen)
{
	char reason[200];
	plist_t root = NULL;
	const char *bad;
	shim_kext *k;
	shim_ret r;

	if (why && whylen)
		why[0] = '\0';
	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	r = shim_plist_parse(plist, len, &root, reason, sizeof(reason));
	if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "kext load: Info.plist: %s", reason);
		if (why && whylen)
			snprintf(why, whylen, "%s", reason);
		return r;
	}
	k = shim_zalloc(sizeof(*k));
	if (!k) {
		plist_free(root);
		return SHIM_ERR_NO_MEMORY;
	}
	shim_object_init(&k->obj, &shim_kext_class, shim_kext_free);
	k->desc = desc;
	bad = shim_kext_parse(k, root);
	plist_free(root);
	if (bad) {
		shim_log(SHIM_LOG_ERR, "kext load%s%s: %s", k->bundle_id[0] ? " " : "",
			 k->bundle_id, bad);
		if (why && whylen)
			snprintf(why, whylen, "%s%s%s", k->bundle_id, k->bundle_id[0] ? ": " : "", bad);
		bool oom = strcmp(bad, "out of memory") == 0;
		shim_object_release(&k->obj);
		return oom ? SHIM_ERR_NO_MEMORY : SHIM_ERR_BAD_ARGUMENT;
	}
	*out = k;
	return SHIM_OK;
}

shim_ret shim_kext_load(const struct shim_kext_desc *desc, shim_kext **out)
{
	if (!out)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = NULL;
	if (!desc || !desc->info_plist) {
		shim_log(SHIM_LOG_ERR, "kext load: no manifest");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	return shim_kext_load_manifest(desc->info_plist,
				       desc->info_plist_len ? desc->info_plist_len
							    : strlen(desc->info_plist),
				       desc, out, NULL, 0);
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
	for (size_t i = 0; k->desc && i < k->desc->class_count; i++) {
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

static bool shim_match_list(const struct shim_pci_match *list, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if ((v & list[i].mask) == (list[i].value & list[i].mask))
			return true;
	return false;
}

/* IOPCIMatch compares device << 16 | vendor; IOPCIClassMatch compares the
 * 24-bit class code shifted up one byte (revision byte zero), as in
 * "0x01080200&0xffffff00". A personality with both needs both. */
static bool shim_personality_matches(const struct shim_personality *p, uint16_t vendor,
				     uint16_t device, uint32_t class_code)
{
	if (p->match_count &&
	    !shim_match_list(p->match, p->match_count, (uint32_t)device << 16 | vendor))
		return false;
	if (p->class_match_count &&
	    !shim_match_list(p->class_match, p->class_match_count, (class_code & 0xffffffu) << 8))
		return false;
	return p->match_count || p->class_match_count;
}

bool shim_kext_matches(const shim_kext *k, uint16_t vendor, uint16_t device, uint32_t class_code)
{
	for (size_t i = 0; k && i < k->pers_count; i++)
		if (shim_personality_matches(&k->pers[i], vendor, device, class_code))
			return true;
	return false;
}

const char *shim_kext_version(const shim_kext *k)
{
	return k ? k->version : "";
}

bool shim_kext_can_start(const shim_kext *k)
{
	return k && k->desc;
}

size_t shim_kext_personality_count(const shim_kext *k)
{
	return k ? k->pers_count : 0;
}

const struct shim_driver *shim_kext_personality_match(const shim_kext *k, size_t i,
						      const shim_pci_device *dev, int *score)
{
	if (!k || !k->desc || i >= k->pers_count ||
	    !shim_personality_matches(&k->pers[i], dev->vendor, dev->device, dev->class_code))
		return NULL;
	*score = k->pers[i].score;
	return k->pers[i].driver;
}

void shim_kext_services_add(shim_kext *k, long delta)
{
	k->services += delta;
}

void shim_kext_note_idle(shim_kext *k, uint64_t now_ns)
{
	if (k->services == 0)
		k->idle_since_ns = now_ns;
}

long shim_kext_services(const shim_kext *k, uint64_t *idle_since_ns)
{
	if (idle_since_ns != NULL)
		*idle_since_ns = k->idle_since_ns;
	return k->services;
}

const char *shim_kext_live_class(const shim_kext *k, long *live)
{
	for (size_t i = 0; k && k->desc && i < k->desc->class_count; i++) {
		const shim_class *c = k->desc->classes[i];

		if (c && shim_class_live(c) > 0) {
			if (live)
				*live = shim_class_live(c);
			return c->name;
		}
	}
	return NULL;
}
