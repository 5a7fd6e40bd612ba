/* Fuzz target for drvbench qualify's Info.plist rules: the input is a
 * manifest (XML or binary plist), parsed by the one bounded parse
 * (shim_plist_parse) and judged by every plist rule, the IOClass rule
 * against a fixed class list and the library role. Checks: no crash, leak
 * or hang, findings name real rules, outputs stay valid text (the rules
 * quote keys and values into messages). */
#include "fuzz_qualify_common.h"

#define TARGET "fuzz_qualify_plist"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct bench_qualify_options opt = { .bundle = "Fuzz.kext",
							  .previous_version = "1.2.3b4" };
	static char cls0[] = "org_drvbench_fuzz", cls1[] = "org_drvbench_fuzz_Client";
	char *classes[] = { cls0, cls1, NULL };
	struct bench_qualify_result res;
	struct bench_q_ctx c;

	memset(&c, 0, sizeof(c));
	bench_qualify_result_init(&res, opt.bundle);
	c.opt = &opt;
	c.res = &res;
	if (bench_q_plist_load(&c, (const char *)data, size)) {
		const char *id = bench_q_plist_string(c.root, "CFBundleIdentifier");

		bench_q_plist_rules(&c);
		bench_q_check_ioclasses(&c, classes);
		snprintf(res.bundle_id, sizeof(res.bundle_id), "%s", id != NULL ? id : "");
	}
	fuzz_qualify_check_output(TARGET, &res);
	if (c.root != NULL)
		plist_free(c.root);
	bench_qualify_result_free(&res);
	return 0;
}
