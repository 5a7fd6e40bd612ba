/* The shim's firmware and machine on the qemu host: enumeration, BAR
 * assignment and MMIO through a real QEMU's edu, and a machine that owns
 * the host takes QEMU down with it. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include "qemu_fixture.h"
#include "shim/machine.h"
#include "shim/pci.h"
#include "shim/verifier.h"

struct machine_fx {
	struct shim_host host;  /* a copy: the machine owns the host */
	shim_machine *m;
};

static int machine_setup(void **state)
{
	static struct machine_fx fx;

	memset(&fx, 0, sizeof(fx));
	shim_verifier_clear();
	fx_qemu_start(&fx.host, "q35");
	if (shim_machine_create(fx.host, &fx.m) != SHIM_OK) {
		fx.host.ops = NULL;  /* destroyed by shim_machine_create */
		return -1;
	}
	*state = &fx;
	return 0;
}

static int machine_teardown(void **state)
{
	struct machine_fx *fx = *state;

	if (fx->m)
		shim_machine_destroy(fx->m);
	fx->m = NULL;
	return 0;
}

static void test_qemu_machine_firmware_finds_edu_and_host_bridge(void **state)
{
	struct machine_fx *fx = *state;
	shim_pci_device *edu = edu_qos_find_function(fx->m);

	assert_string_equal("qemu", shim_machine_host_name(fx->m));
	assert_true(shim_machine_device_count(fx->m) >= 2);  /* q35: host bridge, LPC, edu */
	assert_non_null(edu);
	assert_string_equal("00:04.0", shim_pci_name(edu));
	assert_int_equal(0x8086, shim_pci_vendor_id(shim_machine_device(fx->m, 0)));
}

static void test_qemu_machine_assigns_bar0_in_the_mmio_window(void **state)
{
	struct machine_fx *fx = *state;
	shim_pci_device *edu = edu_qos_find_function(fx->m);
	uint32_t bar0;

	assert_non_null(edu);
	bar0 = shim_pci_cfg_read32(edu, EDU_QOS_CFG_BAR0) & ~0xfu;
	assert_true(bar0 >= 0xfe000000u && bar0 + EDU_QOS_BAR0_SIZE <= 0xfec00000u);
	assert_int_equal(0, bar0 & (EDU_QOS_BAR0_SIZE - 1));  /* naturally aligned to its size */
}

static void test_qemu_machine_maps_bar0_and_reads_edu_id(void **state)
{
	struct machine_fx *fx = *state;
	shim_pci_device *edu = edu_qos_find_function(fx->m);
	shim_mmio_map *map = NULL;

	assert_non_null(edu);
	shim_pci_set_memory_enable(edu, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(edu, 0, &map));
	assert_int_equal(EDU_QOS_BAR0_SIZE, shim_mmio_length(map));
	assert_int_equal(EDU_QOS_ID_VALUE, shim_mmio_read32(map, EDU_QOS_ID));
	shim_mmio_write32(map, EDU_QOS_LIVENESS, 0x0f0f0f0f);
	assert_int_equal(0xf0f0f0f0, shim_mmio_read32(map, EDU_QOS_LIVENESS));
	shim_mmio_unmap(map);
	assert_int_equal(0, shim_verifier_count());
}

static void test_qemu_machine_destroy_stops_qemu(void **state)
{
	struct machine_fx *fx = *state;
	long pid = shim_qemu_host_pid(&fx->host);

	assert_true(pid > 0);
	shim_machine_destroy(fx->m);
	fx->m = NULL;
	assert_int_equal(-1, kill((pid_t)pid, 0));
	assert_int_equal(ESRCH, errno);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_qemu_machine_firmware_finds_edu_and_host_bridge,
						machine_setup, machine_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_machine_assigns_bar0_in_the_mmio_window,
						machine_setup, machine_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_machine_maps_bar0_and_reads_edu_id,
						machine_setup, machine_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_machine_destroy_stops_qemu,
						machine_setup, machine_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
