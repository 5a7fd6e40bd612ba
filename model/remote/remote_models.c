/* The models the remote can serve, by name, with optional variant
 * parameters: "edu" or e.g. "edu,dma_mask=0xffffffff,id=0x020000ed".
 * A new model/ device becomes servable in QEMU by adding one line here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/edu.h"
#include "model/remote.h"

#define SPEC_MAX 128

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return *s && *s != '-' && errno == 0 && *end == '\0';
}

/* params: "key=value" words separated by commas; NULL when none. */
static model_device *make_edu(char *params)
{
	struct model_edu_config cfg = { 0 };
	char *save = NULL;

	for (char *w = params ? strtok_r(params, ",", &save) : NULL; w; w = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(w, '=');
		uint64_t v = 0;
		if (!strcmp(w, "no_msi")) {
			cfg.no_msi = true;
			continue;
		}
		if (!eq || !parse_u64(eq + 1, &v))
			return NULL;
		*eq = '\0';
		if (!strcmp(w, "dma_mask"))
			cfg.dma_mask = v;
		else if (!strcmp(w, "id") && v <= UINT32_MAX)
			cfg.id_value = (uint32_t)v;
		else
			return NULL;
	}
	return model_edu_create(&cfg);
}

static const struct {
	const char *name;
	model_device *(*create)(char *params);
} remote_models[] = {
	{ "edu", make_edu },
};

model_device *model_remote_model_create(const char *spec)
{
	char buf[SPEC_MAX], *params;
	size_t n;

	if (!spec || (n = strlen(spec)) >= sizeof(buf))
		return NULL;
	memcpy(buf, spec, n + 1);
	params = strchr(buf, ',');
	if (params)
		*params++ = '\0';
	for (size_t i = 0; i < sizeof(remote_models) / sizeof(remote_models[0]); i++)
		if (strcmp(buf, remote_models[i].name) == 0)
			return remote_models[i].create(params);
	return NULL;
}

const char *model_remote_model_names(void)
{
	return "edu[,dma_mask=N][,id=N][,no_msi]";
}
