/* drvbench qualify PATH.kext: the pre-QA checklist (bench/qualify.h) from
 * the command line. Parses options, runs the static rules and (on a host)
 * the dynamic checks, prints text or JSON, writes SARIF, records. Exit 0
 * qualified, 1 an error finding, 2 bad usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/profile.h"
#include "drvbench.h"
#include "qualify_args.h"

void drvbench_qualify_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench qualify [OPTIONS] PATH.kext\n"
		"       drvbench qualify --rules [--markdown]\n\n"
		"What kextutil, kextlibs, nm and a release checklist would find, in one command:\n"
		"static rules on the bundle as it would ship (Info.plist, dependencies, layout,\n"
		"permissions and ownership, the binary: ELF or Mach-O, thin or universal), then\n"
		"dynamic checks on a machine (kernel log, unload, unload after the device is gone,\n"
		"sleep/wake, %lu cycles of each kind). docs/qualify.md lists the rules.\n\n"
		"options:\n"
		"      --arch LIST        architectures shipped, comma-separated: x86_64, i386,\n"
		"                         aarch64 (arm64) (default x86_64)\n"
		"      --previous OLD.kext  the previous release: CFBundleVersion must be greater\n"
		"                         (default with --record: the last qualified version)\n"
		"      --with OTHER.kext  a kext shipped beside: no global may collide (repeatable)\n"
		"      --as-installed P   ownership as installed: the installed bundle (e.g. staged\n"
		"                         by fakeroot meson install) or a `tar --numeric-owner -tvf`\n"
		"                         listing\n"
		"      --disable ID --reason TEXT  turn a rule's findings into suppressed ones;\n"
		"                         the reason is required (repeatable)\n"
		"      --host HOST        where the dynamic checks run: sim (default), qemu,\n"
		"                         qemu-proxy or HOST:DEVICE\n"
		"  -D, --device NAME|FILE device profile (default: the built-in the kext matches)\n"
		"      --cycles N         cycles of each kind (default %lu; 0: none)\n"
		"      --unload-delay S   auto-unload delay after removal, virtual seconds (default %.0f)\n"
		"      --static           the static rules only\n"
		"      --json             JSON instead of text on stdout\n"
		"      --sarif FILE       also write SARIF 2.1.0 to FILE\n"
		"      --rules            list every rule with its rationale (--markdown: a table)\n"
		DRVBENCH_RECORD_HELP
		"  -h, --help             this text\n\n"
		"Exit status: 0 qualified (warnings allowed), 1 an error finding, 2 bad usage.\n",
		BENCH_QUALIFY_DEFAULT_CYCLES, BENCH_QUALIFY_DEFAULT_CYCLES,
		(double)BENCH_QUALIFY_DEFAULT_UNLOAD_DELAY_NS / 1e9);
}

static int q_usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "drvbench qualify: %s%s%s\ntry 'drvbench qualify --help'\n", msg,
		arg != NULL ? ": " : "", arg != NULL ? arg : "");
	return DRVBENCH_EXIT_USAGE;
}

/* The host and device for the dynamic checks. */
static int q_host(struct qualify_args *a)
{
	const char *device = NULL;
	char why[512] = "";

	a->opt.host = bench_host_by_name(a->host != NULL ? a->host : "sim", &device);
	if (a->opt.host == NULL)
		return q_usage_error("unknown host", a->host);
	if (a->device != NULL && device != NULL && strcmp(a->device, device) != 0)
		return q_usage_error("--device and --host HOST:DEVICE name two devices", a->device);
	if (a->device != NULL || device != NULL) {
		a->opt.profile = bench_profile_resolve(a->device != NULL ? a->device : device, why,
						       sizeof(why));
		if (a->opt.profile == NULL)
			return q_usage_error("device", why);
	}
	return -1;
}

static int q_output(struct qualify_args *a, const struct bench_qualify_result *res)
{
	if (a->json)
		bench_qualify_write_json(stdout, res);
	else
		bench_qualify_write_text(stdout, res);
	fflush(stdout);
	if (a->sarif != NULL) {
		FILE *f = fopen(a->sarif, "w");
		bool ok = f != NULL && bench_qualify_write_sarif(f, res);

		if (f == NULL || fclose(f) != 0 || !ok) {
			fprintf(stderr, "drvbench qualify: cannot write %s\n", a->sarif);
			return DRVBENCH_EXIT_USAGE;
		}
	}
	return bench_qualify_clean(res) ? DRVBENCH_EXIT_OK : DRVBENCH_EXIT_FAILED;
}

int drvbench_cmd_qualify(int argc, char **argv)
{
	struct qualify_args a;
	struct bench_qualify_result res;
	char why[1024] = "";
	int status = qualify_args_parse(&a, argc, argv);

	if (status >= 0)
		return status;
	if (a.rules) {
		bench_qualify_write_rules(stdout, a.markdown);
		return DRVBENCH_EXIT_OK;
	}
	if (!a.static_only && (status = q_host(&a)) >= 0)
		return status;
	if ((status = qualify_previous(&a)) >= 0)
		return status;
	bench_qualify_result_init(&res, a.opt.bundle);
	if (bench_qualify_static(&a.opt, &res, why, sizeof(why)) != SHIM_OK ||
	    (!a.static_only && bench_qualify_dynamic(&a.opt, &res, why, sizeof(why)) != SHIM_OK)) {
		bench_qualify_result_free(&res);
		qualify_args_free(&a);
		return q_usage_error(why, NULL);
	}
	status = q_output(&a, &res);
	if (!qualify_record(&a, &res) && status == DRVBENCH_EXIT_OK)
		status = DRVBENCH_EXIT_USAGE;
	bench_qualify_result_free(&res);
	qualify_args_free(&a);
	return status;
}
