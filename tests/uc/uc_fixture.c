/* The user-client test fixture (see uc_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "shim/verifier.h"
#include "shim/workloop.h"
#include "uc_fixture.h"

static bool test_probe(shim_pci_device *dev, int *score)
{
	(void)dev;
	(void)score;
	return true;
}

static shim_ret test_start(shim_service *svc, shim_pci_device *dev)
{
	(void)svc;
	(void)dev;
	return SHIM_OK;
}

static void test_stop(shim_service *svc)
{
	/* Whatever a test published goes away with the service. */
	(void)shim_service_set_userclient(svc, NULL, NULL);
}

static const struct shim_driver test_driver = {
	.class_name = "org_drvbench_test_ucdrv",
	.probe = test_probe,
	.start = test_start,
	.stop = test_stop,
};
static const struct shim_driver *const test_drivers[] = { &test_driver };

/* Linked into the test program; its manifest is UcTestDriver.plist. */
static const struct shim_kext_desc uc_test_kext = {
	.drivers = test_drivers,
	.driver_count = 1,
};

int uc_fixture_boot(void **state)
{
	struct uc_fixture *f = calloc(1, sizeof(*f));
	struct bench_options opt = { .profile = bench_profile_builtin_find("edu"), .no_tap = true };
	char why[512] = "";

	if (f == NULL)
		return -1;
	shim_verifier_set_fatal(false);
	if (bench_kext_open_linked(&uc_test_kext, UC_TEST_PLIST, &f->kext, why, sizeof(why)) !=
	    SHIM_OK) {
		fprintf(stderr, "uc fixture: test kext refused: %s\n", why);
		free(f);
		return -1;
	}
	opt.kext = f->kext;
	if (bench_machine_boot(&f->fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK ||
	    f->fx.svc == NULL) {
		fprintf(stderr, "uc fixture: boot failed: %s (%s)\n", why,
			shim_ret_string(f->fx.match_ret));
		if (f->fx.factory != NULL)
			bench_machine_shutdown(&f->fx, why, sizeof(why));
		bench_kext_close(f->kext);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

int uc_fixture_shutdown(void **state)
{
	struct uc_fixture *f = *state;
	char why[512] = "";
	bool ok = bench_machine_shutdown(&f->fx, why, sizeof(why));

	if (!ok)
		fprintf(stderr, "uc fixture: shutdown: %s\n", why);
	bench_kext_close(f->kext);
	free(f);
	return ok ? 0 : -1;
}

int uc_fixture_test_setup(void **state)
{
	struct uc_fixture *f = *state;

	shim_verifier_clear();
	shim_uc_counters_snapshot(&f->uc_start);
	bench_baseline_take(&f->base);
	return 0;
}

int uc_fixture_test_teardown(void **state)
{
	struct uc_fixture *f = *state;
	struct shim_uc_counters now;
	char why[256] = "";

	shim_uc_counters_snapshot(&now);
	assert_int_equal(f->uc_start.tasks, now.tasks);
	assert_int_equal(f->uc_start.connections, now.connections);
	assert_int_equal(f->uc_start.open_connections, now.open_connections);
	assert_int_equal(f->uc_start.handles, now.handles);
	assert_int_equal(f->uc_start.asyncs, now.asyncs);
	assert_int_equal(f->uc_start.pending, now.pending);
	if (!bench_baseline_matches(&f->base, why, sizeof(why)))
		fail_msg("not back to baseline: %s", why);
	if (!bench_verifier_empty(why, sizeof(why)))
		fail_msg("verifier: %s", why);
	return 0;
}

void uc_fixture_run_loop(struct uc_fixture *f, uint64_t ns)
{
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(shim_machine_workloop(f->fx.machine), ns));
}
