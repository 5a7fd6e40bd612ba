/* PCI device and MMIO accessors on the fake host: config access checks,
 * enables, removal, BAR maps and out-of-range MMIO records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "fake_host.h"
#include "shim/pci.h"

static shim_pci_device *one_device(struct plat_fixture *f, struct fake_dev **out)
{
	struct fake_dev *d = fake_dev_add(f->fh, SHIM_BDF(0, 4, 0), 0x1234, 0x11e8);

	fake_dev_bar(d, 0, 4096, 0);
	fake_dev_msi(d, 0, true);
	fake_dev_pin(d, 1);
	plat_machine(f);
	if (out)
		*out = d;
	return shim_machine_device(f->m, 0);
}

static void test_pci_cfg_bad_offset_records_and_reads_all_ones(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = one_device(f, NULL);

	assert_int_equal(0x11e81234, shim_pci_cfg_read32(dev, 0));
	assert_int_equal(0xffffffffu, shim_pci_cfg_read32(dev, 4094));
	assert_int_equal(0xffff, shim_pci_cfg_read16(dev, 0x3));
	shim_pci_cfg_write32(dev, 0x06, 0);
	assert_int_equal(3, plat_take_violations(SHIM_V_BAD_STATE));
}

static void test_pci_enables_return_previous_state(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d;
	shim_pci_device *dev = one_device(f, &d);

	assert_false(shim_pci_set_memory_enable(dev, true));
	assert_true(shim_pci_set_memory_enable(dev, true));
	assert_int_equal(0x2, fake_cfg16(d, 0x04) & 0x7);
	assert_false(shim_pci_set_bus_master(dev, true));
	assert_int_equal(0x6, fake_cfg16(d, 0x04) & 0x7);
	assert_true(shim_pci_set_memory_enable(dev, false));
	assert_int_equal(0x4, fake_cfg16(d, 0x04) & 0x7);
	assert_false(shim_pci_set_io_enable(dev, false));
}

static void test_pci_removed_device_reads_all_ones_and_is_not_present(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d;
	shim_pci_device *dev = one_device(f, &d);

	assert_true(shim_pci_is_present(dev));
	d->present = false;
	assert_false(shim_pci_is_present(dev));
	assert_int_equal(0xffff, shim_pci_cfg_read16(dev, 0x04));
	d->present = true; /* the shim must not touch it again */
	d->cfg_reads = 0;
	shim_pci_cfg_write16(dev, 0x04, 0x6);
	assert_int_equal(0xffffffffu, shim_pci_cfg_read32(dev, 0));
	assert_int_equal(0, fake_cfg16(d, 0x04));
	assert_int_equal(0, d->cfg_reads);
	assert_false(shim_pci_set_bus_master(dev, true));
}

static void test_mmio_map_of_unassigned_bar_is_not_found(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = one_device(f, NULL);
	shim_mmio_map *map = NULL;

	assert_int_equal(SHIM_ERR_NOT_FOUND, shim_pci_map_bar(dev, 1, &map));
	assert_null(map);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_pci_map_bar(dev, 6, &map));
	assert_int_equal(1, plat_take_violations(SHIM_V_BAD_STATE));
}

static void test_mmio_accesses_reach_the_bar_through_the_host(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d;
	shim_pci_device *dev = one_device(f, &d);
	shim_mmio_map *map;

	shim_pci_set_memory_enable(dev, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(dev, 0, &map));
	assert_int_equal(4096, shim_mmio_length(map));
	shim_mmio_write32(map, 0x10, 0xdeadbeef);
	assert_int_equal(0xef, d->regs[0x10]);
	assert_int_equal(0xdeadbeef, shim_mmio_read32(map, 0x10));
	assert_int_equal(0xbeef, shim_mmio_read16(map, 0x10));
	shim_mmio_write64(map, 0xff8, 0x0102030405060708ull);
	assert_int_equal(0x0102030405060708ull, shim_mmio_read64(map, 0xff8));
	shim_mmio_write8(map, 0xfff, 0x55);
	assert_int_equal(0x55, shim_mmio_read8(map, 0xfff));
	shim_mmio_unmap(map);
}

static void test_mmio_out_of_range_or_misaligned_records_and_reads_all_ones(void **state)
{
	struct plat_fixture *f = *state;
	shim_pci_device *dev = one_device(f, NULL);
	shim_mmio_map *map;
	unsigned reads, writes;

	shim_pci_set_memory_enable(dev, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(dev, 0, &map));
	reads = f->fh->mem_reads;
	writes = f->fh->mem_writes;
	assert_int_equal(0xffffffffu, shim_mmio_read32(map, 0x1000));
	assert_int_equal(0xffffffffu, shim_mmio_read32(map, 0x2));
	assert_int_equal(UINT64_MAX, shim_mmio_read64(map, UINT64_MAX - 3));
	assert_int_equal(0xffff, shim_mmio_read16(map, 0xfff));
	shim_mmio_write32(map, 0xffe, 1);
	assert_int_equal(5, plat_take_violations(SHIM_V_MMIO_OUT_OF_RANGE));
	assert_int_equal(reads, f->fh->mem_reads);
	assert_int_equal(writes, f->fh->mem_writes);
	shim_mmio_unmap(map);
}

static void test_mmio_all_ones_from_a_removed_device_marks_it_gone(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d;
	shim_pci_device *dev = one_device(f, &d);
	shim_mmio_map *map;

	shim_pci_set_memory_enable(dev, true);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(dev, 0, &map));
	d->present = false;
	assert_int_equal(0xffffffffu, shim_mmio_read32(map, 0));
	assert_false(shim_pci_is_present(dev));
	assert_int_equal(0, shim_verifier_count());
	shim_mmio_unmap(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_pci_cfg_bad_offset_records_and_reads_all_ones),
		PLAT_TEST(test_pci_enables_return_previous_state),
		PLAT_TEST(test_pci_removed_device_reads_all_ones_and_is_not_present),
		PLAT_TEST(test_mmio_map_of_unassigned_bar_is_not_found),
		PLAT_TEST(test_mmio_accesses_reach_the_bar_through_the_host),
		PLAT_TEST(test_mmio_out_of_range_or_misaligned_records_and_reads_all_ones),
		PLAT_TEST(test_mmio_all_ones_from_a_removed_device_marks_it_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
