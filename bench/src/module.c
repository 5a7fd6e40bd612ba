/* Test modules: a driver's own scenarios in a shared object (bench/scenario.h).
 * Loaded once and kept for the process, like a library the tests link. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "bench/scenario.h"

shim_ret bench_module_load(const char *path, const struct bench_test_module **out, char *why,
			   size_t len)
{
	const struct bench_test_module *m;
	void *h;

	*out = NULL;
	/* dlopen searches the library path for a bare name: insist on a path. */
	if (path == NULL || strchr(path, '/') == NULL) {
		snprintf(why, len, "test module '%s': give a path (e.g. ./%s)", path ? path : "",
			 path ? path : "libfoo-tests.so");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(why, len, "test module %s: cannot load: %s", path, dlerror());
		return SHIM_ERR_NOT_FOUND;
	}
	m = dlsym(h, BENCH_TEST_MODULE_SYMBOL);
	if (m == NULL) {
		snprintf(why, len, "test module %s: no symbol %s (declare it with "
				   "BENCH_TEST_MODULE(...))", path, BENCH_TEST_MODULE_SYMBOL);
		dlclose(h);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	if (m->api_version != BENCH_API_VERSION) {
		snprintf(why, len, "test module %s: built for scenario API %u, this bench has %u "
				   "(rebuild it against this drvbench)", path, m->api_version,
			 BENCH_API_VERSION);
		dlclose(h);
		return SHIM_ERR_UNSUPPORTED;
	}
	for (size_t i = 0; i < m->scenario_count; i++) {
		const struct bench_scenario *sc = m->scenarios[i];

		if (sc == NULL || sc->name == NULL || sc->run == NULL) {
			snprintf(why, len, "test module %s: scenario %zu has no name or run function",
				 path, i);
			dlclose(h);
			return SHIM_ERR_BAD_ARGUMENT;
		}
		if (bench_scenario_find(NULL, sc->name) != NULL) {
			snprintf(why, len, "test module %s: scenario '%s' has the name of a generic "
					   "scenario", path, sc->name);
			dlclose(h);
			return SHIM_ERR_BAD_ARGUMENT;
		}
	}
	*out = m;
	return SHIM_OK;
}
