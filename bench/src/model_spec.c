/* Model specs (model_spec.h), built through the model room's catalogue. */
#include <stdio.h>

#include "model/catalog.h"
#include "model_spec.h"

bool bench_model_spec(const struct bench_options *opt, char *spec, size_t len, char *why,
		      size_t whylen)
{
	const char *o = opt->device_options;

	if (opt->profile->model == NULL) {
		snprintf(why, whylen, "profile %s names no model to run", opt->profile->name);
		return false;
	}
	if ((size_t)snprintf(spec, len, "%s%s%s", opt->profile->model, o != NULL && *o ? "," : "",
			     o != NULL ? o : "") >= len) {
		snprintf(why, whylen, "model spec too long");
		return false;
	}
	return true;
}

model_device *bench_model_create(const char *spec, char *why, size_t len)
{
	return model_catalog_create(spec, why, len);
}
