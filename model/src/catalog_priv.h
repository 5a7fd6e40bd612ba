/* Catalogue internals shared by catalog.c (specs, built-ins) and
 * catalog_plugin.c (loading plugins). */
#ifndef MODEL_CATALOG_PRIV_H
#define MODEL_CATALOG_PRIV_H

#include "model/plugin.h"
#include "model_internal.h"

/* The descriptor of the plugin at path (as given in the spec), loaded on
 * first use and kept for the process lifetime; *resolved gets its
 * canonical path (owned by the cache). NULL with a reason naming path. */
MODEL_INTERNAL const struct model_plugin *model_catalog_plugin_load(const char *path,
								 const char **resolved,
								 char *why, size_t len);

#endif
