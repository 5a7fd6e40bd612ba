/* Which machine the qemu host factory boots: q35 by default, whose root bus
 * cannot hot-plug (and the machine says so), and pc, with ACPI hot-plug,
 * when the run declares it will remove the device. Booted with the minimal
 * test kext (argv[1]), which must start on either. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "bench/pm.h"
#include "edu_qos.h"

#define Q35_HOST_BRIDGE 0x29c08086u  /* vendor/device dword of 00:00.0 */
#define I440FX_HOST_BRIDGE 0x12378086u

static const char *minimal_path;
static struct bench_kext *minimal_kext;

/* One machine per test; teardown brings it down even when the test failed
 * half-way, so no QEMU outlives its test. */
struct factory_fx {
	struct bench_machine fx;
	bool booted;
};

static int group_setup(void **state)
{
	char why[512] = "";

	(void)state;
	if (bench_kext_open(minimal_path, &minimal_kext, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "minimal kext %s: %s\n", minimal_path, why);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	bench_kext_close(minimal_kext);
	return 0;
}

static int machine_setup(void **state)
{
	static struct factory_fx f;

	memset(&f, 0, sizeof(f));
	*state = &f;
	return 0;
}

static int machine_teardown(void **state)
{
	struct factory_fx *f = *state;
	char why[512] = "";
	bool clean = true;

	if (f->booted)
		clean = bench_machine_shutdown(&f->fx, why, sizeof(why));
	f->booted = false;
	if (!clean)
		fprintf(stderr, "shutdown: %s\n", why);
	return clean ? 0 : -1;
}

/* Boots qemu with edu and the minimal kext, which must start; returns the
 * host bridge's ID dword. */
static uint32_t boot_and_probe(struct factory_fx *f, bool hotplug_declared)
{
	const struct bench_options opt = { .profile = bench_profile_builtin_find("edu"),
					   .kext = minimal_kext, .hotplug = hotplug_declared };
	struct edu_qos bridge;
	char why[512] = "";

	if (bench_machine_boot(&f->fx, &bench_host_qemu_factory, &opt, why, sizeof(why)) != SHIM_OK)
		fail_msg("qemu:edu did not boot: %s", why);
	f->booted = true;
	if (f->fx.svc == NULL)
		fail_msg("the minimal kext did not start on qemu:edu: %s",
			 shim_ret_string(f->fx.match_ret));
	edu_qos_init(&bridge, &f->fx.parts.host, SHIM_BDF(0, 0, 0));
	return edu_qos_cfg_read(&bridge, 0, 4);
}

static void test_qemu_factory_boots_q35_by_default_without_hotplug(void **state)
{
	struct factory_fx *f = *state;
	char why[256] = "";

	assert_int_equal(Q35_HOST_BRIDGE, boot_and_probe(f, false));
	assert_false(bench_machine_can_hotplug(&f->fx, why, sizeof(why)));
	if (strstr(why, "q35") == NULL)
		fail_msg("the no-hotplug reason does not name q35: '%s'", why);
}

static void test_qemu_factory_boots_pc_when_hotplug_is_declared(void **state)
{
	struct factory_fx *f = *state;
	char why[256] = "";

	assert_int_equal(I440FX_HOST_BRIDGE, boot_and_probe(f, true));
	if (!bench_machine_can_hotplug(&f->fx, why, sizeof(why)))
		fail_msg("pc cannot hot-plug: %s", why);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_qemu_factory_boots_q35_by_default_without_hotplug,
						machine_setup, machine_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_factory_boots_pc_when_hotplug_is_declared,
						machine_setup, machine_teardown),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s MINIMAL_KEXT\n", argv[0]);
		return 2;
	}
	minimal_path = argv[1];
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
