/* shim_machine_rebalance and the accesses it makes wrong: BARs move to a
 * new place, MSI vectors change, a running driver is never moved; a mapping
 * made before the move and a register touched after the driver was told
 * the device is gone are verifier records, not silent accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pm_fixture.h"
#include "shim/pci.h"

static void test_rebalance_moves_every_bar_and_is_refused_while_a_driver_runs(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	uint32_t before;
	shim_kext *k;

	pm_boot(f, &k, false);
	before = fake_cfg32(d, 0x10) & ~0xfu;
	assert_int_equal(SHIM_ERR_BUSY, shim_machine_rebalance(f->m, shim_machine_device(f->m, 0)));
	assert_int_equal(before, fake_cfg32(d, 0x10) & ~0xfu);
	assert_int_equal(SHIM_OK, shim_machine_terminate(f->m, shim_machine_device(f->m, 0)));
	assert_int_equal(SHIM_OK, shim_machine_rebalance(f->m, shim_machine_device(f->m, 0)));
	assert_int_not_equal(before, fake_cfg32(d, 0x10) & ~0xfu);
	pm_unload(f, k);
}

static void test_rebalance_gives_new_msi_vectors_at_the_next_registration(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	size_t started = 0;
	uint16_t data_before;
	shim_kext *k;

	pm_boot(f, &k, false); /* the driver registers an MSI source */
	data_before = fake_cfg16(d, FAKE_MSI_CAP + 12);
	assert_int_equal(SHIM_OK, shim_machine_terminate(f->m, shim_machine_device(f->m, 0)));
	assert_int_equal(SHIM_OK, shim_machine_rebalance(f->m, shim_machine_device(f->m, 0)));
	assert_int_equal(SHIM_OK, shim_machine_match(f->m, k, &started));
	assert_int_equal(1, started);
	assert_int_not_equal(data_before, fake_cfg16(d, FAKE_MSI_CAP + 12));
	pm_unload(f, k);
}

static void test_access_through_a_mapping_made_before_a_move_is_recorded(void **state)
{
	struct plat_fixture *f = *state;
	shim_mmio_map *map = NULL;
	shim_pci_device *dev;
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, false);
	dev = shim_machine_device(f->m, 0);
	assert_int_equal(SHIM_OK, shim_machine_terminate(f->m, dev));
	assert_int_equal(SHIM_OK, shim_pci_map_bar(dev, 0, &map));
	assert_int_equal(SHIM_OK, shim_machine_rebalance(f->m, dev));
	assert_int_equal(0xffffffffu, shim_mmio_read32(map, 0));
	shim_mmio_write32(map, 0, 1);
	assert_int_equal(2, plat_take_violations(SHIM_V_MMIO_OUT_OF_RANGE));
	shim_mmio_unmap(map);
	pm_unload(f, k);
}

static shim_mmio_map *gone_map;

static void test_register_access_after_device_gone_is_recorded(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	shim_pci_device *dev;
	shim_kext *k;

	pm_boot(f, &k, false);
	dev = shim_machine_device(f->m, 0);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(dev, 0, &gone_map));
	d->present = false;
	/* Before the shim knows, a read finds all-ones: that is how a driver
	 * discovers a removal, and it is no misuse. */
	assert_int_equal(0xffffffffu, shim_mmio_read32(gone_map, 0));
	assert_int_equal(0, shim_verifier_count());
	assert_int_equal(SHIM_OK, shim_machine_terminate(f->m, dev)); /* device_gone, stop */
	shim_mmio_write32(gone_map, 8, 0);
	assert_int_equal(1, plat_take_violations(SHIM_V_BAD_STATE));
	shim_mmio_unmap(gone_map);
	pm_unload(f, k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_rebalance_moves_every_bar_and_is_refused_while_a_driver_runs),
		PLAT_TEST(test_rebalance_gives_new_msi_vectors_at_the_next_registration),
		PLAT_TEST(test_access_through_a_mapping_made_before_a_move_is_recorded),
		PLAT_TEST(test_register_access_after_device_gone_is_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
