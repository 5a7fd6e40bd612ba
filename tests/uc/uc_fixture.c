/* The user-client test fixture (see uc_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "shim/verifier.h"
#include "shim/workloop.h"
#include "uc_fixture.h"

static const char uc_test_plist[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<plist version=\"1.0\"><dict>"
	"<key>CFBundleIdentifier</key><string>org.drvbench.test.ucdrv</string>"
	"<key>CFBundleVersion</key><string>1.0.0</string>"
	"<key>CFBundlePackageType</key><string>KEXT</string>"
	"<key>IOKitPersonalities</key><dict><key>Test</key><dict>"
	"<key>CFBundleIdentifier</key><string>org.drvbench.test.ucdrv</string>"
	"<key>IOClass</key><string>org_drvbench_test_ucdrv</string>"
	"<key>IOPCIMatch</key><string>0x11e81234</string>"
	"<key>IOProviderClass</key><string>IOPCIDevice</string>"
	"</dict></dict></dict></plist>\n";

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

const struct shim_kext_desc uc_test_kext = {
	.info_plist = uc_test_plist,
	.info_plist_len = sizeof(uc_test_plist) - 1,
	.drivers = test_drivers,
	.driver_count = 1,
};

int uc_fixture_boot(void **state, const struct shim_kext_desc *kext)
{
	struct uc_fixture *f = calloc(1, sizeof(*f));
	struct bench_options opt = { .kext = kext, .no_tap = true };
	char why[256] = "";

	if (f == NULL)
		return -1;
	shim_verifier_set_fatal(false);
	if (bench_machine_boot(&f->fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK ||
	    f->fx.svc == NULL) {
		fprintf(stderr, "uc fixture: boot failed: %s (%s)\n", why,
			shim_ret_string(f->fx.match_ret));
		if (f->fx.factory != NULL)
			bench_machine_shutdown(&f->fx, why, sizeof(why));
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
