/* Every edu scenario on qemu-proxy:edu (our edu model in its own process
 * behind a real QEMU's x-pci-proxy-dev), one cmocka test per scenario of
 * the fixture's table. A test fails on FAIL, and on CANNOT RUN unless the
 * scenario is listed below with the documented reason; a listed scenario
 * that passes fails too, so the list stays true. The objects and
 * allocations counted before and after must match. An unavailable host is
 * a failure: QEMU is a dependency the bootstrap installs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/scenario.h"

/* The scenarios that cannot run on qemu-proxy:edu, and why (a substring of
 * the runner's reason). Every other scenario must pass. */
struct proxy_expect {
	const char *name;
	const char *cannot_run_because;
};

static const struct proxy_expect proxy_cannot_run[] = {
	/* Interrupts cross the proxy only as MSI (INTx needs KVM irqfd). */
	{ "intx-fallback", "MSI-only" },
};

#define PROXY_NCANNOT (sizeof(proxy_cannot_run) / sizeof(proxy_cannot_run[0]))

static const struct proxy_expect *proxy_expect_find(const char *name)
{
	for (size_t i = 0; i < PROXY_NCANNOT; i++)
		if (strcmp(proxy_cannot_run[i].name, name) == 0)
			return &proxy_cannot_run[i];
	return NULL;
}

static void run_on_proxy(void **state)
{
	const struct bench_scenario *sc = *state;
	const struct proxy_expect *ex = proxy_expect_find(sc->name);
	struct bench_report rep;

	bench_scenario_run(sc, &bench_host_qemu_proxy_factory, &rep);
	print_message("  %s on qemu-proxy:edu: %s%s%s (%.0f ms)\n", sc->name,
		      bench_result_string(rep.result), rep.why[0] ? ": " : "", rep.why, rep.elapsed_ms);
	if (rep.result == BENCH_FAIL)
		fail_msg("scenario %s on qemu-proxy:edu: FAIL: %s", sc->name, rep.why);
	if (rep.result == BENCH_CANNOT_RUN && ex == NULL)
		fail_msg("scenario %s on qemu-proxy:edu: CANNOT RUN, not an expected case: %s",
			 sc->name, rep.why);
	if (rep.result == BENCH_CANNOT_RUN && strstr(rep.why, ex->cannot_run_because) == NULL)
		fail_msg("scenario %s on qemu-proxy:edu: CANNOT RUN for an unexpected reason: %s "
			 "(expected: %s)", sc->name, rep.why, ex->cannot_run_because);
	if (rep.result == BENCH_PASS && ex != NULL)
		fail_msg("scenario %s on qemu-proxy:edu now passes: drop it from the cannot-run "
			 "list", sc->name);
	assert_int_equal(rep.before.objects_live, rep.after.objects_live);
	assert_int_equal(rep.before.alloc_count, rep.after.alloc_count);
}

/* Every listed scenario must exist in the fixture's table (a renamed or
 * removed scenario must not leave a stale entry behind). */
static void test_remote_every_cannot_run_entry_names_a_scenario(void **state)
{
	(void)state;
	for (size_t i = 0; i < PROXY_NCANNOT; i++)
		if (bench_scenario_find(proxy_cannot_run[i].name) == NULL)
			fail_msg("cannot-run entry %s names no scenario", proxy_cannot_run[i].name);
}

int main(void)
{
	size_t n = bench_scenario_count();
	struct CMUnitTest *tests = calloc(n + 1, sizeof(*tests));
	char why[256];
	int rc;

	if (!tests)
		return 1;
	if (!bench_host_qemu_proxy_factory.available(why, sizeof(why))) {
		printf("FAIL: qemu-proxy:edu unavailable: %s\n", why);
		free(tests);
		return 1;
	}
	tests[0] = (struct CMUnitTest){
		.name = "test_remote_every_cannot_run_entry_names_a_scenario",
		.test_func = test_remote_every_cannot_run_entry_names_a_scenario,
	};
	/* One test per scenario of the table: every scenario is covered. */
	for (size_t i = 0; i < n; i++) {
		const struct bench_scenario *sc = bench_scenario_at(i);
		tests[i + 1] = (struct CMUnitTest){ .name = sc->name, .test_func = run_on_proxy,
						    .initial_state = (void *)sc };
	}
	rc = _cmocka_run_group_tests("qemu_proxy_scenarios", tests, n + 1, NULL, NULL);
	free(tests);
	return rc;
}
