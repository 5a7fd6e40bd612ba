/* Every edu scenario on qemu-proxy:edu (our edu model in its own process
 * behind a real QEMU's x-pci-proxy-dev), one cmocka test per scenario of
 * the fixture's table: PASS, or CANNOT RUN with a reason (e.g. INTx-only
 * variants, or observations the host cannot offer); never FAIL. The
 * objects and allocations counted before and after must match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fx_scenario.h"

static void run_on_proxy(void **state)
{
	const struct fx_scenario *sc = *state;
	struct fx_report rep;

	fx_scenario_run(sc, &fx_host_qemu_proxy_factory, &rep);
	print_message("  %s on qemu-proxy:edu: %s%s%s (%.0f ms)\n", sc->name,
		      fx_result_string(rep.result), rep.why[0] ? ": " : "", rep.why, rep.elapsed_ms);
	if (rep.result == FX_FAIL)
		fail_msg("scenario %s on qemu-proxy:edu: %s", sc->name, rep.why);
	assert_int_equal(rep.before.objects_live, rep.after.objects_live);
	assert_int_equal(rep.before.alloc_count, rep.after.alloc_count);
}

int main(void)
{
	size_t n = fx_scenario_count();
	struct CMUnitTest *tests = calloc(n ? n : 1, sizeof(*tests));
	char why[256];
	int rc;

	if (!tests)
		return 1;
	if (!fx_host_qemu_proxy_factory.available(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		free(tests);
		return 77;
	}
	for (size_t i = 0; i < n; i++) {
		const struct fx_scenario *sc = fx_scenario_at(i);
		tests[i] = (struct CMUnitTest){ .name = sc->name, .test_func = run_on_proxy,
						.initial_state = (void *)sc };
	}
	rc = _cmocka_run_group_tests("qemu_proxy_scenarios", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
