/* The Info.plist rules: identity (identifier, placeholder, version and its
 * predecessor), OSBundleCompatibleVersion, OSBundleRequired, IOKitDebug and
 * the shape of every personality. Locations are key paths:
 * "IOKitPersonalities.EduDevice.IOKitDebug". */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "q_internal.h"
#include "shim/plist_parse.h"

#define Q_PLIST "Contents/Info.plist"

static bool q_reverse_dns(const char *id, char labels[2][64])
{
	size_t len = strlen(id), n = 0, label_len = 0;

	labels[0][0] = labels[1][0] = '\0';
	if (len == 0 || len > 63)
		return false;
	for (const char *p = id;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label_len == 0)
				return false;
			if (n < 2)
				snprintf(labels[n], 64, "%.*s", (int)label_len, p - label_len);
			n++;
			label_len = 0;
			if (*p == '\0')
				break;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			label_len++;
		} else {
			return false;
		}
	}
	return n >= 2;
}

static bool q_placeholder(char labels[2][64])
{
	/* Reserved for documentation (example, invalid) or a template's blank. */
	static const char *const second[] = { "example", "mycompany", "yourcompany", "mydriver",
					      "yourdriver", "company", "mydomain", "yourdomain",
					      "domain", "yourname", "myname" };

	if (strcasecmp(labels[0], "example") == 0 || strcasecmp(labels[0], "invalid") == 0)
		return true;
	for (size_t i = 0; i < sizeof(second) / sizeof(second[0]); i++)
		if (strcasecmp(labels[1], second[i]) == 0)
			return true;
	return false;
}

bool bench_q_identifier_ok(const char *id)
{
	char labels[2][64];

	return id != NULL && q_reverse_dns(id, labels) && !q_placeholder(labels);
}

static void q_identity(struct bench_q_ctx *c)
{
	const char *id = bench_q_plist_string(c->root, "CFBundleIdentifier");
	char labels[2][64];

	if (id == NULL || !q_reverse_dns(id, labels))
		bench_q_add(c, "plist.identifier", Q_PLIST, "CFBundleIdentifier", "key",
			    "use your organisation's reversed domain plus the driver: "
			    "com.yourdomain.driver.Name (letters, digits, '-', dots)",
			    "CFBundleIdentifier %s%.80s%s", id ? "'" : "is missing or not a string",
			    id ? id : "", id ? "' is not reverse-DNS (at most 63 characters)" : "");
	else if (q_placeholder(labels))
		bench_q_add(c, "plist.identifier-placeholder", Q_PLIST, "CFBundleIdentifier", "key",
			    "replace the template's placeholder with your organisation's reversed "
			    "domain (and rename the exported symbols' prefix with it)",
			    "CFBundleIdentifier '%s' is a placeholder (%s.%s)", id, labels[0],
			    labels[1]);
}

static void q_versions(struct bench_q_ctx *c)
{
	const char *v = bench_q_plist_string(c->root, "CFBundleVersion");
	const char *compat = bench_q_plist_string(c->root, "OSBundleCompatibleVersion");
	uint64_t cur = 0, prev = 0, cv = 0;
	bool cur_ok = v != NULL && bench_q_version_parse(v, &cur);

	if (!cur_ok)
		bench_q_add(c, "plist.version", Q_PLIST, "CFBundleVersion", "key",
			    "use MAJOR.MINOR.REVISION with an optional stage, e.g. 1.2.3 or 1.2.3b4",
			    "CFBundleVersion %s%.64s%s", v ? "'" : "is missing or not a string",
			    v ? v : "", v ? "' does not follow the kext version grammar" : "");
	if (cur_ok && c->opt->previous_version != NULL) {
		if (!bench_q_version_parse(c->opt->previous_version, &prev))
			bench_q_not_checked(c->res, "version: the previous release's version '%s' "
						    "is not a kext version", c->opt->previous_version);
		else if (cur <= prev)
			bench_q_add(c, "plist.version-not-newer", Q_PLIST, "CFBundleVersion", "key",
				    "raise CFBundleVersion above the previous release's",
				    "CFBundleVersion %s is not greater than the previous release's %s",
				    v, c->opt->previous_version);
	}
	if (plist_dict_get_item(c->root, "OSBundleCompatibleVersion") == NULL)
		return;
	if (compat == NULL || !bench_q_version_parse(compat, &cv))
		bench_q_add(c, "plist.compatible-version", Q_PLIST, "OSBundleCompatibleVersion", "key",
			    "give the oldest version this library is still compatible with, in the "
			    "kext version grammar",
			    "OSBundleCompatibleVersion is not a kext version");
	else if (cur_ok && cv > cur)
		bench_q_add(c, "plist.compatible-version", Q_PLIST, "OSBundleCompatibleVersion", "key",
			    "lower OSBundleCompatibleVersion to at most CFBundleVersion",
			    "OSBundleCompatibleVersion %s is above CFBundleVersion %s", compat, v);
}

static void q_required(struct bench_q_ctx *c)
{
	static const char *const known[] = { "Root", "Local-Root", "Network-Root", "Console",
					     "Safe Boot" };
	const char *req = bench_q_plist_string(c->root, "OSBundleRequired");

	if (plist_dict_get_item(c->root, "OSBundleRequired") == NULL)
		return;
	for (size_t i = 0; req != NULL && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(req, known[i]) == 0) {
			bench_q_add(c, "plist.bundle-required", Q_PLIST, "OSBundleRequired", "key",
				    "remove OSBundleRequired unless the driver is needed to mount "
				    "the root file system or to boot in safe mode",
				    "OSBundleRequired is '%s': the kext loads in early boot", req);
			return;
		}
	bench_q_add(c, "plist.bundle-required-value", Q_PLIST, "OSBundleRequired", "key",
		    "remove it, or use Root, Local-Root, Network-Root, Console or Safe Boot",
		    "OSBundleRequired '%.64s' is not a value the loader knows", req ? req : "(not a string)");
}

static bool q_has_match_key(plist_t p)
{
	static const char *const keys[] = { "IOPCIMatch", "IOPCIPrimaryMatch", "IOPCISecondaryMatch",
					    "IOPCIClassMatch", "IONameMatch", "IOPropertyMatch",
					    "IOResourceMatch", "IOParentMatch", "IOPathMatch" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (plist_dict_get_item(p, keys[i]) != NULL)
			return true;
	return false;
}

static void q_personality(struct bench_q_ctx *c, const char *name, plist_t p)
{
	char key[256], missing[128] = "";
	plist_t dbg;
	int64_t v = 0;

	snprintf(key, sizeof(key), "IOKitPersonalities.%.200s", name);
	if (plist_get_node_type(p) != PLIST_DICT) {
		bench_q_add(c, "plist.personality", Q_PLIST, key, "key",
			    "a personality is a dictionary", "personality %s is not a dictionary", name);
		return;
	}
	if (bench_q_plist_string(p, "IOClass") == NULL)
		strcat(missing, ", IOClass");
	if (bench_q_plist_string(p, "IOProviderClass") == NULL)
		strcat(missing, ", IOProviderClass");
	if (!q_has_match_key(p))
		strcat(missing, ", a match key (IOPCIMatch, IOPCIClassMatch, IONameMatch, ...)");
	if (missing[0] != '\0')
		bench_q_add(c, "plist.personality", Q_PLIST, key, "key",
			    "give every personality IOClass, IOProviderClass and a match key",
			    "personality %s has no %s", name, missing + 2);
	dbg = plist_dict_get_item(p, "IOKitDebug");
	if (dbg != NULL && !(shim_plist_int(dbg, 0, 0, &v))) {
		snprintf(key, sizeof(key), "IOKitPersonalities.%.200s.IOKitDebug", name);
		bench_q_add(c, "plist.iokitdebug", Q_PLIST, key, "key",
			    "remove IOKitDebug (or set it to 0) in release builds",
			    "personality %s sets IOKitDebug (not 0)", name);
	}
}

static void q_personalities(struct bench_q_ctx *c)
{
	plist_t pers = plist_dict_get_item(c->root, "IOKitPersonalities");
	plist_dict_iter it = NULL;

	if (pers == NULL || plist_get_node_type(pers) != PLIST_DICT)
		return; /* a library kext has none; the loader's refusal is dyn.load's */
	plist_dict_new_iter(pers, &it);
	for (uint32_t i = 0, n = plist_dict_get_size(pers); it != NULL && i < n; i++) {
		char *name = NULL;
		plist_t p = NULL;

		plist_dict_next_item(pers, it, &name, &p);
		if (p != NULL)
			q_personality(c, name != NULL ? name : "?", p);
		free(name);
	}
	free(it);
}

void bench_q_plist_rules(struct bench_q_ctx *c)
{
	if (c->root == NULL)
		return;
	q_identity(c);
	q_versions(c);
	q_required(c);
	q_personalities(c);
}
