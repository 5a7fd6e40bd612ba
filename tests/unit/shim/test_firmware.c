/* Firmware enumeration on the fake host: functions found, BARs sized and
 * given naturally aligned addresses in the right windows, decode left off;
 * a BAR that fits no window refuses the machine, saying which and why. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "shim/log.h"
#include "shim/pci.h"

static void assert_in_window(uint64_t addr, uint64_t size, uint64_t base, uint64_t wsize)
{
	assert_true(addr >= base);
	assert_true(addr + size <= base + wsize);
	assert_int_equal(0, addr & (size - 1));
}

static void test_firmware_assigns_naturally_aligned_bars_in_windows(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *a = fake_dev_add(f->fh, SHIM_BDF(0, 3, 0), 0x1234, 0x11e8);
	struct fake_dev *b = fake_dev_add(f->fh, SHIM_BDF(0, 5, 0), 0x8086, 0x1000);
	const struct shim_host_layout *l = &f->fh->layout;
	uint64_t a0, a1, a2, b0;
	shim_mmio_map *map;

	fake_dev_bar(a, 0, 1u << 20, 0);
	fake_dev_bar(a, 1, 256, 1);
	fake_dev_bar(a, 2, 16384, 2);
	fake_dev_bar(b, 0, 4096, 0);
	a->cfg[0x04] = 0x03; /* decode on before the firmware runs */
	plat_machine(f);

	assert_int_equal(2, shim_machine_device_count(f->m));
	assert_int_equal(0x1234, shim_pci_vendor_id(shim_machine_device(f->m, 0)));
	assert_int_equal(0x11e8, shim_pci_device_id(shim_machine_device(f->m, 0)));
	assert_string_equal("00:03.0", shim_pci_name(shim_machine_device(f->m, 0)));
	a0 = fake_cfg32(a, 0x10) & ~0xfull;
	a1 = fake_cfg32(a, 0x14) & ~0x3ull;
	a2 = ((uint64_t)fake_cfg32(a, 0x1c) << 32) | (fake_cfg32(a, 0x18) & ~0xfull);
	b0 = fake_cfg32(b, 0x10) & ~0xfull;
	assert_in_window(a0, 1u << 20, l->mmio32_base, l->mmio32_size);
	assert_in_window(a1, 256, l->io_base, l->io_size);
	assert_in_window(a2, 16384, l->mmio64_base, l->mmio64_size);
	assert_in_window(b0, 4096, l->mmio32_base, l->mmio32_size);
	assert_true(b0 + 4096 <= a0 || b0 >= a0 + (1u << 20));
	/* Type bits survive and decode stays off for the driver to enable. */
	assert_int_equal(0x4, fake_cfg32(a, 0x18) & 0x7);
	assert_int_equal(0, fake_cfg16(a, 0x04) & 0x3);

	assert_int_equal(SHIM_OK, shim_pci_map_bar(shim_machine_device(f->m, 0), 2, &map));
	assert_int_equal(16384, shim_mmio_length(map));
	shim_mmio_unmap(map);
	assert_int_equal(SHIM_OK, shim_pci_map_bar(shim_machine_device(f->m, 0), 1, &map));
	assert_int_equal(256, shim_mmio_length(map));
	shim_mmio_unmap(map);
}

static void test_firmware_puts_64bit_bar_in_mmio32_without_64bit_window(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *a = fake_dev_add(f->fh, SHIM_BDF(0, 1, 0), 0x1234, 0x1);
	uint64_t addr;

	f->fh->layout.mmio64_size = 0;
	fake_dev_bar(a, 0, 65536, 2);
	plat_machine(f);
	addr = ((uint64_t)fake_cfg32(a, 0x14) << 32) | (fake_cfg32(a, 0x10) & ~0xfull);
	assert_in_window(addr, 65536, f->fh->layout.mmio32_base, f->fh->layout.mmio32_size);
}

static void test_firmware_scans_functions_only_of_multifunction_devices(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *multi = fake_dev_add(f->fh, SHIM_BDF(0, 2, 0), 0x1234, 0x10);

	multi->cfg[0x0e] = 0x80;
	fake_dev_add(f->fh, SHIM_BDF(0, 2, 3), 0x1234, 0x13);
	fake_dev_add(f->fh, SHIM_BDF(0, 4, 0), 0x1234, 0x40);
	fake_dev_add(f->fh, SHIM_BDF(0, 4, 1), 0x1234, 0x41); /* slot 4 is single-function */
	plat_machine(f);
	assert_int_equal(3, shim_machine_device_count(f->m));
	assert_string_equal("00:02.3", shim_pci_name(shim_machine_device(f->m, 1)));
	assert_int_equal(0x40, shim_pci_device_id(shim_machine_device(f->m, 2)));
}

static void test_firmware_records_msi_vectors_and_pin_as_interrupt_types(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *a = fake_dev_add(f->fh, SHIM_BDF(0, 1, 0), 0x1234, 0x1);
	shim_pci_device *da, *db;

	fake_dev_add(f->fh, SHIM_BDF(0, 2, 0), 0x1234, 0x2);
	fake_dev_msi(a, 2, true);
	fake_dev_pin(a, 1);
	plat_machine(f);
	da = shim_machine_device(f->m, 0);
	db = shim_machine_device(f->m, 1);
	assert_int_equal(SHIM_INTR_LEGACY, shim_pci_interrupt_type(da, 0));
	assert_int_equal(SHIM_INTR_MSI, shim_pci_interrupt_type(da, 1));
	assert_int_equal(SHIM_INTR_MSI, shim_pci_interrupt_type(da, 4));
	assert_int_equal(SHIM_INTR_NONE, shim_pci_interrupt_type(da, 5));
	assert_int_equal(SHIM_INTR_NONE, shim_pci_interrupt_type(db, 0));
	assert_int_equal(SHIM_INTR_NONE, shim_pci_interrupt_type(db, 1));
	assert_int_equal(FAKE_MSI_CAP, shim_pci_find_capability(da, 0x05));
	assert_int_equal(0, shim_pci_find_capability(db, 0x05));
}

/* Creation on f->fh that must fail with NO_RESOURCES: the host is gone
 * (f->fh cleared for the teardown), no machine, the reason is `why` in
 * shim_machine_last_error(NULL) and, as far as a log line holds, in the log. */
static void assert_creation_refused_for(struct plat_fixture *f, const char *why)
{
	static const char prefix[] = "machine on fake not created: ";
	bool destroyed = false, logged = false;
	enum shim_log_level level;
	shim_machine *m = NULL;
	char line[512];

	f->fh->destroyed = &destroyed;
	assert_int_equal(SHIM_ERR_NO_RESOURCES, shim_machine_create(fake_host_handle(f->fh), &m));
	f->fh = NULL;
	assert_null(m);
	assert_true(destroyed);
	assert_string_equal(why, shim_machine_last_error(NULL));
	while (shim_log_pop(line, sizeof(line), &level))
		logged |= level == SHIM_LOG_ERR && strncmp(line, prefix, sizeof(prefix) - 1) == 0 &&
			  strncmp(line + sizeof(prefix) - 1, why,
				  strlen(line) - (sizeof(prefix) - 1)) == 0;
	assert_true(logged);
}

static void test_firmware_refuses_the_machine_when_a_64bit_bar_fits_no_window(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *a = fake_dev_add(f->fh, SHIM_BDF(0, 4, 0), 0x1234, 0x1);

	fake_dev_bar(a, 2, 16ull << 30, 2);
	assert_creation_refused_for(f, "00:04.0 BAR2: 64-bit memory BAR of 16 GiB fits no window "
				       "(64-bit window 4 GiB at 0x8000000000; "
				       "32-bit window 256 MiB at 0xe0000000)");
}

static void test_firmware_refuses_the_machine_when_a_32bit_bar_fits_no_window(void **state)
{
	struct plat_fixture *f = *state;

	fake_dev_bar(fake_dev_add(f->fh, SHIM_BDF(0, 1, 0), 0x1234, 0x1), 0, 128u << 20, 0);
	fake_dev_bar(fake_dev_add(f->fh, SHIM_BDF(0, 2, 0), 0x1234, 0x2), 1, 256u << 20, 0);
	assert_creation_refused_for(f, "00:02.0 BAR1: 32-bit memory BAR of 256 MiB fits no window "
				       "(32-bit window 256 MiB at 0xe0000000, 128 MiB free)");
}

static void test_firmware_refuses_the_machine_when_an_io_bar_fits_no_window(void **state)
{
	struct plat_fixture *f = *state;

	fake_dev_bar(fake_dev_add(f->fh, SHIM_BDF(0, 3, 0), 0x1234, 0x1), 0, 0x10000, 1);
	assert_creation_refused_for(f, "00:03.0 BAR0: I/O BAR of 64 KiB fits no window "
				       "(I/O window 16 KiB at 0xc000)");
}

static void test_firmware_puts_64bit_bar_in_mmio32_when_the_64bit_window_is_full(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *a = fake_dev_add(f->fh, SHIM_BDF(0, 1, 0), 0x1234, 0x1);
	const struct shim_host_layout *l = &f->fh->layout;
	uint64_t addr;

	f->fh->layout.mmio64_size = 64u << 10;
	fake_dev_bar(a, 0, 1u << 20, 2);
	plat_machine(f);
	addr = ((uint64_t)fake_cfg32(a, 0x14) << 32) | (fake_cfg32(a, 0x10) & ~0xfull);
	assert_in_window(addr, 1u << 20, l->mmio32_base, l->mmio32_size);
	assert_string_equal("", shim_machine_last_error(NULL)); /* this creation succeeded */
}

static void test_firmware_machine_destroys_host_when_creation_fails(void **state)
{
	struct plat_fixture *f = *state;
	bool destroyed = false;
	shim_machine *m = NULL;

	f->fh->destroyed = &destroyed;
	shim_alloc_fail_nth(1);
	assert_int_equal(SHIM_ERR_NO_MEMORY, shim_machine_create(fake_host_handle(f->fh), &m));
	shim_alloc_fail_nth(0);
	assert_null(m);
	assert_true(destroyed);
	f->fh = NULL;
}

/* Every allocation of machine creation may fail: each failure is clean. */
static void test_firmware_machine_creation_survives_any_allocation_failure(void **state)
{
	struct plat_fixture *f = *state;
	bool succeeded = false;

	for (long n = 1; n < 64 && !succeeded; n++) {
		struct fake_host *fh = n == 1 ? f->fh : fake_host_new();
		shim_machine *m = NULL;
		shim_ret r;

		for (unsigned slot = 1; slot <= 3; slot++)
			fake_dev_bar(fake_dev_add(fh, SHIM_BDF(0, slot, 0), 0x1234, 0x1), 0, 4096, 0);
		shim_alloc_fail_nth(n);
		r = shim_machine_create(fake_host_handle(fh), &m);
		shim_alloc_fail_nth(0);
		if (r == SHIM_OK) {
			assert_int_equal(3, shim_machine_device_count(m));
			shim_machine_destroy(m);
			succeeded = true;
		} else {
			assert_int_equal(SHIM_ERR_NO_MEMORY, r);
			assert_null(m);
		}
	}
	f->fh = NULL;
	assert_true(succeeded);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_firmware_assigns_naturally_aligned_bars_in_windows),
		PLAT_TEST(test_firmware_puts_64bit_bar_in_mmio32_without_64bit_window),
		PLAT_TEST(test_firmware_scans_functions_only_of_multifunction_devices),
		PLAT_TEST(test_firmware_records_msi_vectors_and_pin_as_interrupt_types),
		PLAT_TEST(test_firmware_refuses_the_machine_when_a_64bit_bar_fits_no_window),
		PLAT_TEST(test_firmware_refuses_the_machine_when_a_32bit_bar_fits_no_window),
		PLAT_TEST(test_firmware_refuses_the_machine_when_an_io_bar_fits_no_window),
		PLAT_TEST(test_firmware_puts_64bit_bar_in_mmio32_when_the_64bit_window_is_full),
		PLAT_TEST(test_firmware_machine_destroys_host_when_creation_fails),
		PLAT_TEST(test_firmware_machine_creation_survives_any_allocation_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
