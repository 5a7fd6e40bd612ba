/* The static part of a qualification: options checked, then the bundle's
 * layout and manifest, ownership, the Info.plist rules, the binary read
 * once and its rules, symbols and classes, in that order, timed. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "q_internal.h"

static double q_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

shim_ret bench_q_check_options(const struct bench_qualify_options *opt, char *why, size_t len)
{
	if (opt == NULL || opt->bundle == NULL || *opt->bundle == '\0') {
		snprintf(why, len, "no bundle given");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	for (size_t i = 0; i < opt->ndisabled; i++) {
		if (bench_qualify_rule_find(opt->disabled[i].id) == NULL) {
			snprintf(why, len, "--disable %s: no such rule (drvbench qualify --rules lists "
					   "them)", opt->disabled[i].id ? opt->disabled[i].id : "");
			return SHIM_ERR_BAD_ARGUMENT;
		}
		if (opt->disabled[i].reason == NULL || *opt->disabled[i].reason == '\0') {
			snprintf(why, len, "--disable %s needs a reason (--reason TEXT): a disabled "
					   "check is a decision someone must be able to read",
				 opt->disabled[i].id);
			return SHIM_ERR_BAD_ARGUMENT;
		}
	}
	if (opt->narch > BENCH_QUALIFY_MAX_ARCH) {
		snprintf(why, len, "at most %d architectures", BENCH_QUALIFY_MAX_ARCH);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	for (size_t i = 0; i < opt->narch; i++)
		if (opt->arch[i] == NULL || !bench_q_arch_known(opt->arch[i])) {
			snprintf(why, len, "--arch %s: not one of x86_64, i386, aarch64 (arm64)",
				 opt->arch[i] ? opt->arch[i] : "");
			return SHIM_ERR_BAD_ARGUMENT;
		}
	return SHIM_OK;
}

shim_ret bench_qualify_static(const struct bench_qualify_options *opt,
			      struct bench_qualify_result *res, char *why, size_t len)
{
	struct bench_q_ctx c;
	double t0 = q_now();
	shim_ret r = bench_q_check_options(opt, why, len);

	if (r != SHIM_OK)
		return r;
	memset(&c, 0, sizeof(c));
	c.opt = opt;
	c.res = res;
	snprintf(c.dir, sizeof(c.dir), "%s", opt->bundle);
	while (strlen(c.dir) > 1 && c.dir[strlen(c.dir) - 1] == '/')
		c.dir[strlen(c.dir) - 1] = '\0';
	if (bench_q_bundle(&c)) {
		bench_q_ownership(&c);
		bench_q_plist_rules(&c);
		bench_q_binary_read(&c);
		bench_q_binary_rules(&c);
		bench_q_symbol_rules(&c);
		bench_q_class_rules(&c);
	}
	bench_q_binary_free(&c.bin);
	if (c.root != NULL)
		plist_free(c.root);
	c.root = NULL;
	res->static_s = q_now() - t0;
	return SHIM_OK;
}
