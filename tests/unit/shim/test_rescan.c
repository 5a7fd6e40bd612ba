/* shim_machine_rescan: removed functions are terminated and forgotten,
 * new ones enumerated in free window space (or left out, with the reason,
 * when they do not fit), a replaced one re-discovered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pm_fixture.h"
#include "shim/pci.h"

#define OTHER_SLOT 5

static void test_rescan_forgets_a_removed_device_after_terminating_its_service(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	size_t added = 9, removed = 9;
	shim_kext *k;

	pm_boot(f, &k, true);
	assert_int_equal(1, pm_log.starts);
	d->present = false;
	assert_int_equal(SHIM_OK, shim_machine_rescan(f->m, &added, &removed));
	assert_int_equal(0, added);
	assert_int_equal(1, removed);
	assert_int_equal(1, pm_log.gones); /* device_gone before stop */
	assert_int_equal(1, pm_log.stops);
	assert_int_equal(0, shim_machine_device_count(f->m));
	pm_unload(f, k);
}

static void test_rescan_enumerates_a_new_device_in_free_space(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *a = pm_add_device(f->fh, PM_BDF), *b;
	size_t added = 0, removed = 9, started = 0;
	uint32_t a0, b0;
	shim_kext *k;

	pm_boot(f, &k, false);
	a0 = fake_cfg32(a, 0x10);
	b = pm_add_device(f->fh, SHIM_BDF(0, OTHER_SLOT, 0));
	assert_int_equal(SHIM_OK, shim_machine_rescan(f->m, &added, &removed));
	assert_int_equal(1, added);
	assert_int_equal(0, removed);
	assert_int_equal(2, shim_machine_device_count(f->m));
	b0 = fake_cfg32(b, 0x10);
	assert_int_equal(a0, fake_cfg32(a, 0x10)); /* the running device keeps its BAR */
	assert_true(b0 >= a0 + PM_BAR_SIZE || b0 + PM_BAR_SIZE <= a0);
	assert_int_equal(SHIM_OK, shim_machine_match(f->m, k, &started));
	assert_int_equal(1, started);
	assert_int_equal(2, pm_log.starts);
	pm_unload(f, k);
}

static void test_rescan_rediscovers_a_replugged_device_at_the_same_address(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	size_t added = 0, removed = 0, started = 0;
	uint32_t bar0;
	shim_kext *k;

	pm_boot(f, &k, false);
	bar0 = fake_cfg32(d, 0x10);
	d->present = false;
	assert_int_equal(SHIM_OK, shim_machine_rescan(f->m, &added, &removed));
	assert_int_equal(1, removed);
	/* A fresh function in the same slot. */
	memset(&d->cfg[0x04], 0, 2);
	memset(&d->cfg[0x10], 0, 4);
	d->present = true;
	assert_int_equal(SHIM_OK, shim_machine_rescan(f->m, &added, &removed));
	assert_int_equal(1, added);
	assert_int_equal(0, removed);
	assert_int_equal(bar0, fake_cfg32(d, 0x10));
	assert_int_equal(SHIM_OK, shim_machine_match(f->m, k, &started));
	assert_int_equal(1, started);
	assert_true(shim_pci_is_present(shim_machine_device(f->m, 0)));
	pm_unload(f, k);
}

static void test_rescan_treats_other_ids_in_a_slot_as_a_new_device(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	size_t added = 0, removed = 0;
	shim_kext *k;

	pm_boot(f, &k, true);
	d->cfg[0x02] = 0x99; /* device ID changes under the shim */
	assert_int_equal(SHIM_OK, shim_machine_rescan(f->m, &added, &removed));
	assert_int_equal(1, removed);
	assert_int_equal(1, added);
	assert_int_equal(1, pm_log.stops);
	assert_int_equal(0x1199, shim_pci_device_id(shim_machine_device(f->m, 0)));
	pm_unload(f, k);
}

static void test_rescan_leaves_out_a_new_device_whose_bar_fits_no_window(void **state)
{
	struct plat_fixture *f = *state;
	size_t added = 9, removed = 9;
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, false);
	fake_dev_bar(fake_dev_add(f->fh, SHIM_BDF(0, OTHER_SLOT, 0), 0x1234, 0x99), 0, 1u << 30, 0);
	assert_int_equal(SHIM_ERR_NO_RESOURCES, shim_machine_rescan(f->m, &added, &removed));
	assert_int_equal(0, added);
	assert_int_equal(0, removed);
	assert_int_equal(1, shim_machine_device_count(f->m));
	assert_string_equal("00:05.0 BAR0: 32-bit memory BAR of 1 GiB fits no window "
			    "(32-bit window 256 MiB at 0xe0000000, 255 MiB free)",
			    shim_machine_last_error(f->m));
	pm_unload(f, k);
}

static void test_rescan_refuses_a_null_machine(void **state)
{
	size_t added = 7;

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_machine_rescan(NULL, &added, NULL));
	assert_int_equal(0, added);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_rescan_forgets_a_removed_device_after_terminating_its_service),
		PLAT_TEST(test_rescan_enumerates_a_new_device_in_free_space),
		PLAT_TEST(test_rescan_rediscovers_a_replugged_device_at_the_same_address),
		PLAT_TEST(test_rescan_treats_other_ids_in_a_slot_as_a_new_device),
		PLAT_TEST(test_rescan_leaves_out_a_new_device_whose_bar_fits_no_window),
		PLAT_TEST(test_rescan_refuses_a_null_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
