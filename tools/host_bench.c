/* The device and machine the host benchmarks measure (host_bench.h). */
#include <stdio.h>
#include <string.h>

#include "host_bench.h"
#include "shim/pci.h"

#define BAR_IO 0x1u
#define BAR_TYPE_MASK 0x6u
#define BAR_TYPE_64 0x4u
#define BAR_ADDR_MASK (~0xfull)

const struct bench_profile *drvbench_hostbench_profile(const char *cmd, int *argc, char **argv)
{
	const struct bench_profile *p = bench_profile_builtin_at(0);
	char why[512] = "";
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--device") != 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (i + 1 >= *argc) {
			fprintf(stderr, "%s: --device needs a profile name or file\n", cmd);
			return NULL;
		}
		p = bench_profile_resolve(argv[++i], why, sizeof(why));
		if (p == NULL) {
			fprintf(stderr, "%s: device %s: %s\n", cmd, argv[i], why);
			return NULL;
		}
	}
	*argc = out;
	argv[out] = NULL;
	if (p == NULL)
		fprintf(stderr, "%s: no built-in device profile\n", cmd);
	return p;
}

/* BAR0 as the firmware programmed it: a memory BAR, 32 or 64 bits. */
static shim_ret drvbench_hostbench_bar0(struct drvbench_hostbench *b, char *why, size_t len)
{
	uint32_t lo = shim_pci_cfg_read32(b->fx.dev, 0x10);

	if (lo & BAR_IO) {
		snprintf(why, len, "BAR0 of %s is an I/O BAR; this benchmark reads memory",
			 b->fx.opt.profile->name);
		return SHIM_ERR_UNSUPPORTED;
	}
	b->bar0 = lo & BAR_ADDR_MASK;
	if ((lo & BAR_TYPE_MASK) == BAR_TYPE_64)
		b->bar0 |= (uint64_t)shim_pci_cfg_read32(b->fx.dev, 0x14) << 32;
	if (b->bar0 == 0) {
		snprintf(why, len, "%s has no BAR0 the firmware could place",
			 b->fx.opt.profile->name);
		return SHIM_ERR_UNSUPPORTED;
	}
	shim_pci_set_memory_enable(b->fx.dev, true);
	return SHIM_OK;
}

shim_ret drvbench_hostbench_boot(struct drvbench_hostbench *b, const struct bench_host_factory *f,
				 const struct bench_profile *p, char *why, size_t len)
{
	const struct bench_options opt = { .profile = p, .no_tap = true };
	shim_ret r = bench_machine_boot(&b->fx, f, &opt, why, len); /* cleans up on failure */

	if (r != SHIM_OK)
		return r;
	r = drvbench_hostbench_bar0(b, why, len);
	if (r != SHIM_OK)
		drvbench_hostbench_shutdown(b);
	return r;
}

void drvbench_hostbench_shutdown(struct drvbench_hostbench *b)
{
	char why[256];

	(void)bench_machine_shutdown(&b->fx, why, sizeof(why));
}

shim_ret drvbench_hostbench_read(struct drvbench_hostbench *b, uint64_t off, uint64_t *val)
{
	const struct shim_host *h = &b->fx.parts.host;

	return h->ops->mem_read(h->ctx, b->bar0 + off, 4, val);
}

const char *drvbench_hostbench_error(struct drvbench_hostbench *b)
{
	const struct shim_host *h = &b->fx.parts.host;

	return h->ops->last_error(h->ctx);
}
