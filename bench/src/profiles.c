/* Finding a device profile: by name, by file, or by the kext's own
 * personalities (bench/profile.h). */
#include <stdio.h>
#include <string.h>

#include "profiles_priv.h"

const struct bench_profile *bench_profile_builtin_find(const char *name)
{
	const struct bench_profile *p;

	for (size_t i = 0; name != NULL && (p = bench_profile_builtin_at(i)) != NULL; i++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static bool bench_profile_is_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') != NULL || (n > 6 && strcmp(s + n - 6, ".plist") == 0);
}

static void bench_profile_list_builtins(char *why, size_t len)
{
	const struct bench_profile *p;
	size_t used = strlen(why);

	for (size_t i = 0; (p = bench_profile_builtin_at(i)) != NULL && used < len; i++) {
		snprintf(why + used, len - used, "%s%s", i == 0 ? "" : ", ", p->name);
		used = strlen(why);
	}
}

const struct bench_profile *bench_profile_resolve(const char *name_or_path, char *why, size_t len)
{
	const struct bench_profile *p;

	if (name_or_path == NULL || *name_or_path == '\0') {
		snprintf(why, len, "no device named");
		return NULL;
	}
	if (bench_profile_is_path(name_or_path))
		return bench_profile_file_load(name_or_path, why, len);
	p = bench_profile_builtin_find(name_or_path);
	if (p == NULL) {
		snprintf(why, len, "unknown device '%s' (built-in profiles: ", name_or_path);
		bench_profile_list_builtins(why, len);
		snprintf(why + strlen(why), len - strlen(why), "; or a profile file path)");
	}
	return p;
}

const struct bench_profile *bench_profile_for_kext(const shim_kext *k, char *why, size_t len)
{
	const struct bench_profile *p;

	for (size_t i = 0; (p = bench_profile_builtin_at(i)) != NULL; i++)
		if (shim_kext_matches(k, p->vendor_id, p->device_id, p->class_code))
			return p;
	snprintf(why, len, "no built-in device profile matches the personalities of %s (built-in: ",
		 shim_kext_bundle_id(k));
	bench_profile_list_builtins(why, len);
	snprintf(why + strlen(why), len - strlen(why), "); give one with --device NAME|FILE");
	return NULL;
}

unsigned bench_profile_slot(const struct bench_profile *p)
{
	return p != NULL && p->slot != 0 ? p->slot : BENCH_DEFAULT_SLOT;
}
