/* Opening what a command runs on (target.h): the kext is opened, linked,
 * mapped and unloaded once up front, so a refused kext is reported once,
 * clearly, instead of failing every scenario with the same reason. */
#include <stdio.h>
#include <string.h>

#include "drvbench.h"
#include "target.h"

static int target_refused(const char *cmd, const char *what, const char *why)
{
	printf("drvbench %s: %s refused: %s\n", cmd, what, why);
	fflush(stdout);
	return DRVBENCH_EXIT_FAILED;
}

static int target_profile(const char *cmd, const struct drvbench_target_args *a,
			  struct drvbench_target *t)
{
	char why[512] = "";

	if (a->device != NULL && a->host_device != NULL && strcmp(a->device, a->host_device) != 0) {
		fprintf(stderr, "drvbench %s: --device %s and --host ...:%s name two devices\n", cmd,
			a->device, a->host_device);
		return DRVBENCH_EXIT_USAGE;
	}
	if (a->device != NULL || a->host_device != NULL)
		t->profile = bench_profile_resolve(a->device != NULL ? a->device : a->host_device,
						   why, sizeof(why));
	else
		t->profile = bench_profile_for_kext(bench_kext_manifest(t->kext), why, sizeof(why));
	return t->profile != NULL ? -1 : target_refused(cmd, "device", why);
}

int drvbench_target_open(const char *cmd, const struct drvbench_target_args *a,
			 struct drvbench_target *t)
{
	char why[1024] = "";
	shim_kext *probe = NULL;
	int status;

	memset(t, 0, sizeof(*t));
	if (a->kext == NULL) {
		fprintf(stderr, "drvbench %s: --kext PATH is required: the kext bundle to test\n"
				"try 'drvbench %s --help'\n", cmd, cmd);
		return DRVBENCH_EXIT_USAGE;
	}
	if (bench_kext_open(a->kext, &t->kext, why, sizeof(why)) != SHIM_OK)
		return target_refused(cmd, "kext", why);
	if (bench_kext_load(t->kext, NULL, &probe, why, sizeof(why)) != SHIM_OK) {
		drvbench_target_close(t);
		return target_refused(cmd, "kext", why);
	}
	if (bench_kext_unload(t->kext, why, sizeof(why)) != SHIM_OK) {
		drvbench_target_close(t);
		return target_refused(cmd, "kext", why);
	}
	if (a->tests != NULL && bench_module_load(a->tests, &t->module, why, sizeof(why)) != SHIM_OK) {
		drvbench_target_close(t);
		return target_refused(cmd, "test module", why);
	}
	status = target_profile(cmd, a, t);
	if (status >= 0)
		drvbench_target_close(t);
	return status;
}

void drvbench_target_close(struct drvbench_target *t)
{
	bench_kext_close(t->kext);
	t->kext = NULL;
}

void drvbench_target_options(const struct drvbench_target *t, struct bench_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->profile = t->profile;
	opt->kext = t->kext;
	opt->module = t->module;
}

void drvbench_print_devices(FILE *out)
{
	const struct bench_profile *p;

	for (size_t i = 0; (p = bench_profile_builtin_at(i)) != NULL; i++)
		fprintf(out, "  %-14s %04x:%04x  %s\n", p->name, p->vendor_id, p->device_id,
			p->summary);
}
