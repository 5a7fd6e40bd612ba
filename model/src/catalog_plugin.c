/* Model plugins (model/plugin.h): dlopen'ed, checked, and then kept for
 * the process lifetime, cached by canonical path. A model is built many
 * times (each scenario, each proxied replug) and its code must outlive
 * every device it built, so a plugin is never unloaded. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog_priv.h"

struct plugin_slot {
	struct plugin_slot *next;
	const struct model_plugin *desc;
	void *handle; /* kept only to say the library stays open */
	char path[];  /* canonical */
};

static struct plugin_slot *plugins;

__attribute__((format(printf, 3, 4))) static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* Whether the descriptor found under the symbol can be used; why not. */
static bool descriptor_ok(const char *path, const struct model_plugin *p, char *why, size_t len)
{
	if (p->abi_version != MODEL_PLUGIN_ABI_VERSION) {
		say(why, len,
		    "%s: built for model plugin ABI version %u, this drvbench loads version %u "
		    "(rebuild it against this drvbench's model/plugin.h)",
		    path, (unsigned)p->abi_version, MODEL_PLUGIN_ABI_VERSION);
		return false;
	}
	if (!p->name || !p->name[0]) {
		say(why, len, "%s: its " MODEL_PLUGIN_SYMBOL " has no name", path);
		return false;
	}
	if (!p->create) {
		say(why, len, "%s: its " MODEL_PLUGIN_SYMBOL " has no create function", path);
		return false;
	}
	return true;
}

static const struct model_plugin *load(const char *path, const char *real, void **handle,
				       char *why, size_t len)
{
	const struct model_plugin *p;
	const char *err;

	dlerror();
	*handle = dlopen(real, RTLD_NOW | RTLD_LOCAL);
	if (!*handle) {
		err = dlerror();
		say(why, len, "%s: not loadable: %s", path, err ? err : "dlopen failed");
		return NULL;
	}
	p = dlsym(*handle, MODEL_PLUGIN_SYMBOL);
	if (!p) {
		say(why, len, "%s: no symbol " MODEL_PLUGIN_SYMBOL ": not a drvbench model plugin",
		    path);
	} else if (descriptor_ok(path, p, why, len)) {
		return p;
	}
	dlclose(*handle);
	*handle = NULL;
	return NULL;
}

const struct model_plugin *model_catalog_plugin_load(const char *path, const char **resolved,
						    char *why, size_t len)
{
	char real[PATH_MAX];
	struct plugin_slot *s;
	struct stat st;
	const struct model_plugin *p;
	void *handle;
	size_t n;

	if (!realpath(path, real)) {
		say(why, len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (s = plugins; s; s = s->next) {
		if (strcmp(s->path, real) == 0) {
			*resolved = s->path;
			return s->desc;
		}
	}
	if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
		say(why, len, "%s: not a regular file", path);
		return NULL;
	}
	p = load(path, real, &handle, why, len);
	if (!p)
		return NULL;
	n = strlen(real) + 1;
	s = malloc(sizeof(*s) + n);
	if (!s) {
		dlclose(handle);
		say(why, len, "%s: out of memory", path);
		return NULL;
	}
	memcpy(s->path, real, n);
	s->desc = p;
	s->handle = handle;
	s->next = plugins;
	plugins = s;
	*resolved = s->path;
	return p;
}
