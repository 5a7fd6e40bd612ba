/* Conformance of qemu-proxy:edu: each conformance case (tests/conformance)
 * runs on sim, qemu:edu and qemu-proxy:edu, one machine per host for the
 * group, and the proxy's trace must agree with both others under the
 * shared allow-list (argv[1]) plus the proxy's own (argv[2]: the proxy
 * splits 8-byte accesses). INTx cases are skipped (the proxy is MSI-only),
 * and so is the one that needs the model's virtual clock to stand still.
 * Differences are dumped to conf-<case>-{proxy,sim,qemu}.trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "bench/machine.h"
#include "shim/verifier.h"

#define REPORT_LEN 4096

enum { HOST_PROXY, HOST_SIM, HOST_QEMU, HOST_COUNT };
static const char *const host_tag[HOST_COUNT] = { "proxy", "sim", "qemu" };

struct suite {
	const char *allowlist_path, *proxy_allowlist_path;
	struct conf_allowlist al;
	struct conf_machine m[HOST_COUNT];
	bool up[HOST_COUNT];
	char why[HOST_COUNT][CONF_WHY_LEN];
};

static struct suite suite;

/* The shared allow-list, then the proxy's own lines appended. */
static bool load_allowlists(struct suite *s, char *why, size_t len)
{
	struct conf_allowlist extra = { 0 };
	struct conf_allow *all;

	if (!conf_allowlist_load(&s->al, s->allowlist_path, why, len))
		return false;
	if (!conf_allowlist_load(&extra, s->proxy_allowlist_path, why, len))
		return false;
	all = realloc(s->al.items, (s->al.count + extra.count + 1) * sizeof(*all));
	if (all == NULL) {
		conf_allowlist_free(&extra);
		snprintf(why, len, "out of memory");
		return false;
	}
	memcpy(all + s->al.count, extra.items, extra.count * sizeof(*all));
	s->al.items = all;
	s->al.count += extra.count;
	conf_allowlist_free(&extra);
	return true;
}

static int group_setup(void **state)
{
	const struct bench_host_factory *f[HOST_COUNT] = { &bench_host_qemu_proxy_factory,
							&bench_host_sim_factory,
							&bench_host_qemu_edu_factory };
	struct suite *s = &suite;
	char why[CONF_WHY_LEN] = "";

	(void)state; /* tests get their case as state; the suite is file-wide */
	if (!load_allowlists(s, why, sizeof(why))) {
		fprintf(stderr, "proxy conformance: %s\n", why);
		return -1;
	}
	for (int h = 0; h < HOST_COUNT; h++)
		s->up[h] = conf_boot(&s->m[h], f[h], s->why[h], sizeof(s->why[h])) == SHIM_OK;
	return 0;
}

static int group_teardown(void **state)
{
	struct suite *s = &suite;

	(void)state;
	for (int h = 0; h < HOST_COUNT; h++)
		if (s->up[h])
			conf_shutdown(&s->m[h]);
	conf_allowlist_free(&s->al);
	shim_verifier_clear();
	return 0;
}

static void dump(const char *name, int h)
{
	const struct bench_trace_line *l;
	size_t n = bench_trace_lines(suite.m[h].trace, &l);
	char path[128];

	snprintf(path, sizeof(path), "conf-%s-%s.trace", name, host_tag[h]);
	conf_trace_dump(path, l, n);
}

/* The proxy's trace against host h's, both since the last clear. */
static void compare_with(const char *name, int h)
{
	const struct bench_trace_line *a, *b;
	size_t na = bench_trace_lines(suite.m[HOST_PROXY].trace, &a);
	size_t nb = bench_trace_lines(suite.m[h].trace, &b);
	static char why[REPORT_LEN];

	assert_true(bench_trace_complete(suite.m[HOST_PROXY].trace) && bench_trace_complete(suite.m[h].trace));
	if (!conf_compare(a, na, b, nb, &suite.al, why, sizeof(why))) {
		dump(name, HOST_PROXY);
		dump(name, h);
		fail_msg("%s: qemu-proxy:edu differs from %s: %s", name, host_tag[h], why);
	}
}

static void need(int h)
{
	/* QEMU is a dependency the bootstrap installs: not booting is a failure. */
	if (!suite.up[h])
		fail_msg("%s did not boot, nothing to compare: %s", host_tag[h], suite.why[h]);
}

static void run_on(int h, const struct conf_case *c)
{
	char why[CONF_WHY_LEN] = "";
	bool ran, clean;

	bench_trace_clear(suite.m[h].trace);
	ran = c->run(&suite.m[h], why, sizeof(why));
	if (!ran)
		fail_msg("case %s failed on %s: %s", c->name, host_tag[h], why);
	clean = bench_verifier_empty(why, sizeof(why));
	shim_verifier_clear();
	if (!clean)
		fail_msg("case %s on %s left a verifier record: %s", c->name, host_tag[h], why);
}

static void test_proxy_conformance_boot_matches_sim_and_qemu(void **state)
{
	(void)state;
	for (int h = 0; h < HOST_COUNT; h++)
		need(h);
	compare_with("boot", HOST_SIM); /* the traces still hold the firmware's work */
	compare_with("boot", HOST_QEMU);
}

static void run_case(void **state)
{
	const struct conf_case *c = *state;

	for (int h = 0; h < HOST_COUNT; h++)
		need(h);
	if (strstr(c->name, "intx") != NULL) {
		print_message("%s: CANNOT RUN on qemu-proxy:edu (MSI only)\n", c->name);
		skip();
	}
	/* The remote runs model timers on real time: the model's 1 us factorial
	 * is done before the next access can see the computing bit. */
	if (strcmp(c->name, "status-while-computing") == 0) {
		print_message("%s: CANNOT RUN on qemu-proxy:edu (no virtual clock)\n", c->name);
		skip();
	}
	for (int h = 0; h < HOST_COUNT; h++)
		run_on(h, c);
	compare_with(c->name, HOST_SIM);
	compare_with(c->name, HOST_QEMU);
}

int main(int argc, char **argv)
{
	struct CMUnitTest *tests = calloc(conf_case_count + 1, sizeof(*tests));
	int rc;

	if (argc != 3 || !tests) {
		fprintf(stderr, "usage: %s ALLOWLIST PROXY_ALLOWLIST\n", argv[0]);
		free(tests);
		return 2;
	}
	suite.allowlist_path = argv[1];
	suite.proxy_allowlist_path = argv[2];
	tests[0] = (struct CMUnitTest)cmocka_unit_test(test_proxy_conformance_boot_matches_sim_and_qemu);
	for (size_t i = 0; i < conf_case_count; i++)
		tests[i + 1] = (struct CMUnitTest){ .name = conf_cases[i].name, .test_func = run_case,
						    .initial_state = (void *)&conf_cases[i] };
	rc = _cmocka_run_group_tests("proxy_conformance", tests, conf_case_count + 1, group_setup,
				     group_teardown);
	free(tests);
	return rc;
}
