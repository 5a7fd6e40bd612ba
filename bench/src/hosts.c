/* The table of host factories the scenarios and the command line choose from. */
#include <string.h>

#include "bench/host.h"

static const struct bench_host_factory *const bench_hosts[] = {
	&bench_host_sim_factory,
	&bench_host_qemu_edu_factory,
	&bench_host_qemu_proxy_factory,
};

const struct bench_host_factory *bench_host_at(size_t i)
{
	return i < sizeof(bench_hosts) / sizeof(bench_hosts[0]) ? bench_hosts[i] : NULL;
}

const struct bench_host_factory *bench_host_by_kind(enum bench_host_kind kind)
{
	const struct bench_host_factory *f;

	for (size_t i = 0; (f = bench_host_at(i)) != NULL; i++)
		if (f->kind == kind)
			return f;
	return NULL;
}

const struct bench_host_factory *bench_host_by_name(const char *name)
{
	const struct bench_host_factory *f;

	for (size_t i = 0; name != NULL && (f = bench_host_at(i)) != NULL; i++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
