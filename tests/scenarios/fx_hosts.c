/* The table of host factories the scenarios and the command line choose from. */
#include <string.h>

#include "fx_host.h"

static const struct fx_host_factory *const fx_hosts[] = {
	&fx_host_sim_factory,
	&fx_host_qemu_edu_factory,
	&fx_host_qemu_proxy_factory,
};

const struct fx_host_factory *fx_host_at(size_t i)
{
	return i < sizeof(fx_hosts) / sizeof(fx_hosts[0]) ? fx_hosts[i] : NULL;
}

const struct fx_host_factory *fx_host_by_kind(enum fx_host_kind kind)
{
	const struct fx_host_factory *f;

	for (size_t i = 0; (f = fx_host_at(i)) != NULL; i++)
		if (f->kind == kind)
			return f;
	return NULL;
}

const struct fx_host_factory *fx_host_by_name(const char *name)
{
	const struct fx_host_factory *f;

	for (size_t i = 0; name != NULL && (f = fx_host_at(i)) != NULL; i++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
