/* Conformance of qemu-proxy:edu: each conformance case (tests/conformance)
 * runs on sim, qemu:edu and qemu-proxy:edu, one machine per host for the
 * group, and the proxy's trace must agree with both others under the
 * shared allow-list (argv[1]) plus the proxy's own (argv[2]: the proxy
 * splits 8-byte accesses). The table at the end names every case; those the
 * proxy cannot run say why there (INTx: the proxy is MSI-only; the one that
 * needs the model's virtual clock to stand still) and are skipped.
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
							&bench_host_qemu_factory };
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

/* A conformance case on the proxy; NULL: it runs and must agree. */
struct proxy_case {
	const char *name;
	const char *cannot_run_because;
};

static void run_case(void **state)
{
	const struct proxy_case *pc = *state;
	const struct conf_case *c = conf_case_find(pc->name);

	if (c == NULL)
		fail_msg("no conformance case named %s", pc->name);
	for (int h = 0; h < HOST_COUNT; h++)
		need(h);
	if (pc->cannot_run_because != NULL) {
		print_message("%s: CANNOT RUN on qemu-proxy:edu (%s)\n", c->name,
			      pc->cannot_run_because);
		skip();
	}
	for (int h = 0; h < HOST_COUNT; h++)
		run_on(h, c);
	compare_with(c->name, HOST_SIM);
	compare_with(c->name, HOST_QEMU);
}

#define MSI_ONLY "MSI only: INTx cannot cross x-pci-proxy-dev"
/* The remote runs model timers on real time: the model's 1 us factorial is
 * done before the next access can see the computing bit. */
#define NO_VIRTUAL_CLOCK "no virtual clock in the remote"

#define PROXY_CASE(case_name, because)                                               \
	{ .name = case_name, .test_func = run_case,                                  \
	  .initial_state = (void *)&(const struct proxy_case){ case_name, because } }

/* Every conformance case, with the reason when the proxy cannot run it. */
static const struct CMUnitTest proxy_case_tests[] = {
	cmocka_unit_test(test_proxy_conformance_boot_matches_sim_and_qemu),
	PROXY_CASE("identity", NULL),
	PROXY_CASE("liveness", NULL),
	PROXY_CASE("factorial", NULL),
	PROXY_CASE("status-while-computing", NO_VIRTUAL_CLOCK),
	PROXY_CASE("intx-raise-ack", MSI_ONLY),
	PROXY_CASE("msi-raise-ack", NULL),
	PROXY_CASE("dma-edges", NULL),
	PROXY_CASE("dma-mask-boundary", NULL),
};

#define PROXY_NTESTS (sizeof(proxy_case_tests) / sizeof(proxy_case_tests[0]))

/* A case added to tests/conformance must get a line in the table above. */
static void test_proxy_conformance_table_lists_every_case(void **state)
{
	(void)state;
	for (size_t i = 0; i < conf_case_count; i++) {
		bool listed = false;

		for (size_t j = 0; j < PROXY_NTESTS && !listed; j++)
			listed = proxy_case_tests[j].test_func == run_case &&
				 strcmp(proxy_case_tests[j].name, conf_cases[i].name) == 0;
		if (!listed)
			fail_msg("conformance case %s is not in the proxy's table", conf_cases[i].name);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest table_tests[] = {
		cmocka_unit_test(test_proxy_conformance_table_lists_every_case),
	};
	int failed;

	if (argc != 3) {
		fprintf(stderr, "usage: %s ALLOWLIST PROXY_ALLOWLIST\n", argv[0]);
		return 2;
	}
	suite.allowlist_path = argv[1];
	suite.proxy_allowlist_path = argv[2];
	failed = cmocka_run_group_tests_name("proxy_conformance_table", table_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("proxy_conformance", proxy_case_tests, group_setup,
					      group_teardown);
	return failed != 0;
}
