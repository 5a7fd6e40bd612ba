/* Profile files on the hosts: a profile whose model is a plugin (the bell
 * sample) boots on sim without any kext and its device is found by the
 * profile's identity; a plugin without its symbol is refused with the
 * catalogue's reason; a host the profile gives nothing to run says so; and
 * (argument "qemu") a QEMU device QEMU does not have fails with QEMU's own
 * message. Profile paths come from meson (tests/profiles/meson.build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "bench/machine.h"

static const struct bench_profile *profile(const char *path)
{
	char why[512] = "";
	const struct bench_profile *p = bench_profile_resolve(path, why, sizeof(why));

	if (p == NULL)
		fail_msg("profile %s refused: %s", path, why);
	return p;
}

static void expect_boot_fails(const struct bench_host_factory *h, const struct bench_options *opt,
			      const char *reason)
{
	struct bench_machine fx;
	char why[1024] = "";

	if (bench_machine_boot(&fx, h, opt, why, sizeof(why)) == SHIM_OK) {
		bench_machine_shutdown(&fx, why, sizeof(why));
		fail_msg("%s booted, expected a failure with '%s'", h->name, reason);
	}
	if (strstr(why, reason) == NULL)
		fail_msg("%s: boot failed with '%s', expected '%s'", h->name, why, reason);
}

static void test_plugin_profile_boots_on_sim_without_a_kext(void **state)
{
	struct bench_options opt = { .profile = profile(BELL_PROFILE) };
	struct bench_machine fx;
	char why[512] = "";

	(void)state;
	assert_string_equal("bell", opt.profile->name);
	if (bench_machine_boot(&fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK)
		fail_msg("boot: %s", why);
	assert_non_null(fx.dev);
	assert_int_equal(0x1234, shim_pci_vendor_id(fx.dev));
	assert_int_equal(0xbe11, shim_pci_device_id(fx.dev));
	assert_ptr_equal(fx.dev, bench_machine_find_device(&fx));
	assert_null(fx.svc);
	if (!bench_machine_shutdown(&fx, why, sizeof(why)))
		fail_msg("shutdown: %s", why);
}

/* A kext that matches something else finds no device: the reason names
 * the kext and lists what the firmware found. */
static void test_kext_matching_another_device_names_what_was_found(void **state)
{
	struct bench_options opt = { .profile = profile(BELL_PROFILE) };
	char why[512] = "";

	(void)state;
	if (bench_kext_open(MINIMAL_KEXT, &opt.kext, why, sizeof(why)) != SHIM_OK)
		fail_msg("minimal kext: %s", why);
	expect_boot_fails(&bench_host_sim_factory, &opt,
			  "no function matches the personalities of org.drvbench.test.minimal");
	expect_boot_fails(&bench_host_sim_factory, &opt, "1234:be11");
	assert_false(bench_kext_loaded(opt.kext));
	bench_kext_close(opt.kext);
}

static void test_plugin_without_symbol_is_refused_with_the_catalogue_reason(void **state)
{
	struct bench_options opt = { .profile = profile(NOSYM_PROFILE) };

	(void)state;
	expect_boot_fails(&bench_host_sim_factory, &opt,
			  "no symbol drvbench_model_plugin: not a drvbench model plugin");
}

static void test_hosts_a_profile_gives_nothing_to_run_are_unavailable(void **state)
{
	char why[256] = "";

	(void)state;
	assert_false(bench_host_qemu_factory.available(profile(BELL_PROFILE), why, sizeof(why)));
	assert_non_null(strstr(why, "QEMU has no device for profile bell"));
	assert_false(bench_host_sim_factory.available(profile(LACKS_PROFILE), why, sizeof(why)));
	assert_non_null(strstr(why, "profile lacks has no model"));
	assert_false(bench_host_qemu_proxy_factory.available(profile(LACKS_PROFILE), why,
							     sizeof(why)));
}

static void test_qemu_device_qemu_lacks_fails_quoting_qemu(void **state)
{
	struct bench_options opt = { .profile = profile(LACKS_PROFILE) };

	(void)state;
	expect_boot_fails(&bench_host_qemu_factory, &opt,
			  "'drvbench-no-such-device' is not a valid device model name");
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest sim[] = {
		cmocka_unit_test(test_plugin_profile_boots_on_sim_without_a_kext),
		cmocka_unit_test(test_kext_matching_another_device_names_what_was_found),
		cmocka_unit_test(test_plugin_without_symbol_is_refused_with_the_catalogue_reason),
		cmocka_unit_test(test_hosts_a_profile_gives_nothing_to_run_are_unavailable),
	};
	static const struct CMUnitTest qemu[] = {
		cmocka_unit_test(test_qemu_device_qemu_lacks_fails_quoting_qemu),
	};

	if (argc > 1 && strcmp(argv[1], "qemu") == 0)
		return cmocka_run_group_tests_name("profile_hosts_qemu", qemu, NULL, NULL);
	return cmocka_run_group_tests_name("profile_hosts_sim", sim, NULL, NULL);
}
