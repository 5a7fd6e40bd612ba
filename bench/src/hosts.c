/* The table of host factories the scenarios and the command line choose from. */
#include <stdio.h>
#include <string.h>

#include "bench/host.h"

static const struct bench_host_factory *const bench_hosts[] = {
	&bench_host_sim_factory,
	&bench_host_qemu_factory,
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

const struct bench_host_factory *bench_host_by_name(const char *name, const char **device)
{
	const struct bench_host_factory *f;
	const char *colon = name != NULL ? strchr(name, ':') : NULL;
	size_t n = colon != NULL ? (size_t)(colon - name) : (name != NULL ? strlen(name) : 0);

	if (device != NULL)
		*device = colon != NULL && colon[1] != '\0' ? colon + 1 : NULL;
	if (colon != NULL && colon[1] == '\0')
		return NULL;
	for (size_t i = 0; name != NULL && (f = bench_host_at(i)) != NULL; i++)
		if (strlen(f->name) == n && strncmp(f->name, name, n) == 0)
			return f;
	return NULL;
}

const char *bench_host_label(const struct bench_host_factory *h, const struct bench_profile *p,
			     char *buf, size_t len)
{
	snprintf(buf, len, "%s:%s", h->name, p != NULL ? p->name : "?");
	return buf;
}
