/* Config space of a generic model function: identity, write masks, BAR
 * sizing, the MSI capability, INTx rules and reset, against a recording env. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/device.h"

#define MSI 0x40

struct rec {
	int intx_calls;
	bool intx_level;
	int dma_writes;
	uint64_t dma_addr;
	uint8_t dma_data[8];
	size_t dma_len;
	int resets;
};

struct fixture {
	model_device dev;
	struct rec rec;
};

static void rec_set_intx(void *ctx, model_device *dev, bool level)
{
	(void)dev;
	struct rec *r = ctx;
	r->intx_calls++;
	r->intx_level = level;
}

static bool rec_dma_write(void *ctx, model_device *dev, uint64_t addr, const void *buf, size_t len)
{
	(void)dev;
	struct rec *r = ctx;
	r->dma_writes++;
	r->dma_addr = addr;
	r->dma_len = len;
	memcpy(r->dma_data, buf, len < 8 ? len : 8);
	return true;
}

static bool rec_dma_read(void *ctx, model_device *dev, uint64_t addr, void *buf, size_t len)
{
	(void)ctx; (void)dev; (void)addr;
	memset(buf, 0x5a, len);
	return true;
}

static const struct model_env_ops rec_ops = {
	.set_intx = rec_set_intx,
	.dma_write = rec_dma_write,
	.dma_read = rec_dma_read,
};

static void count_reset(model_device *dev)
{
	((struct rec *)dev->state)->resets++;
}

static const struct model_device_ops test_ops = { .name = "cfgtest", .reset = count_reset };

/* BAR0 mem32 4 KiB, BAR1 I/O 32 bytes, BAR2+3 mem64 1 MiB, MSI: 4 vectors,
 * 64-bit, maskable. */
static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	model_device *d = &f->dev;

	model_device_init(d, &test_ops, &f->rec, 0x1b36, 0x0005, 0x02, 0x020000);
	model_device_set_subsystem(d, 0x1af4, 0x1100);
	model_device_set_int_pin(d, 1);
	model_device_declare_bar(d, 0, MODEL_BAR_MEM32, 0x1000);
	model_device_declare_bar(d, 1, MODEL_BAR_IO, 0x20);
	model_device_declare_bar(d, 2, MODEL_BAR_MEM64, 0x100000);
	model_device_add_msi(d, 4, true, true);
	model_device_attach_env(d, (struct model_env){ &rec_ops, &f->rec });
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static model_device *dev_of(void **state)
{
	return &((struct fixture *)*state)->dev;
}

static struct rec *rec_of(void **state)
{
	return &((struct fixture *)*state)->rec;
}

static void enable_msi(model_device *d, uint16_t cmd, uint16_t flags)
{
	model_config_write(d, MODEL_PCI_COMMAND, cmd, 2);
	model_config_write(d, MSI + 4, 0xfee00000, 4);
	model_config_write(d, MSI + 8, 0, 4);
	model_config_write(d, MSI + 0xc, 0x4240, 2);
	model_config_write(d, MSI + 2, flags, 2);
}

static void test_config_identity_reads_constructor_values(void **state)
{
	model_device *d = dev_of(state);

	assert_int_equal(0x00051b36, model_config_read(d, 0, 4));
	assert_int_equal(0x02000002, model_config_read(d, 0x08, 4));
	assert_int_equal(0x1af4, model_config_read(d, MODEL_PCI_SUBSYS_VENDOR, 2));
	assert_int_equal(0x1100, model_config_read(d, MODEL_PCI_SUBSYS_ID, 2));
	assert_int_equal(0, model_config_read(d, MODEL_PCI_HEADER_TYPE, 1));
	assert_int_equal(MODEL_PCI_STATUS_CAP_LIST, model_config_read(d, MODEL_PCI_STATUS, 2));
	assert_int_equal(0, model_config_read(d, MODEL_PCI_COMMAND, 2));
	assert_int_equal(MSI, model_config_read(d, MODEL_PCI_CAP_PTR, 1));
	assert_int_equal(1, model_config_read(d, MODEL_PCI_INT_PIN, 1));
}

static void test_config_ids_and_class_are_read_only(void **state)
{
	model_device *d = dev_of(state);

	model_config_write(d, 0x00, 0xffffffff, 4);
	model_config_write(d, 0x08, 0xffffffff, 4);
	model_config_write(d, MODEL_PCI_INT_PIN, 3, 1);
	assert_int_equal(0x00051b36, model_config_read(d, 0, 4));
	assert_int_equal(0x02000002, model_config_read(d, 0x08, 4));
	assert_int_equal(1, model_config_read(d, MODEL_PCI_INT_PIN, 1));
}

static void test_config_command_keeps_only_writable_bits(void **state)
{
	model_device *d = dev_of(state);

	model_config_write(d, MODEL_PCI_COMMAND, 0xffff, 2);
	assert_int_equal(0x0407, model_config_read(d, MODEL_PCI_COMMAND, 2));
	assert_int_equal(0x0407, model_device_command(d));
}

static void test_config_int_line_is_writable(void **state)
{
	model_device *d = dev_of(state);

	model_config_write(d, MODEL_PCI_INT_LINE, 11, 1);
	assert_int_equal(11, model_config_read(d, MODEL_PCI_INT_LINE, 1));
}

static void test_config_mem32_bar_sizing_returns_size_mask(void **state)
{
	model_device *d = dev_of(state);

	model_config_write(d, MODEL_PCI_BAR0, 0xffffffff, 4);
	assert_int_equal(0xfffff000, model_config_read(d, MODEL_PCI_BAR0, 4));
}

static void test_config_io_bar_sizing_keeps_io_bit(void **state)
{
	model_device *d = dev_of(state);

	assert_int_equal(0x1, model_config_read(d, MODEL_PCI_BAR0 + 4, 4));
	model_config_write(d, MODEL_PCI_BAR0 + 4, 0xffffffff, 4);
	assert_int_equal(0xffffffe1, model_config_read(d, MODEL_PCI_BAR0 + 4, 4));
	model_config_write(d, MODEL_PCI_BAR0 + 4, 0xc013, 4);
	assert_int_equal(0xc001, model_config_read(d, MODEL_PCI_BAR0 + 4, 4));
	assert_int_equal(0xc000, model_device_bar_base(d, 1));
}

static void test_config_mem64_bar_uses_two_registers(void **state)
{
	model_device *d = dev_of(state);

	model_config_write(d, MODEL_PCI_BAR0 + 8, 0xffffffff, 4);
	model_config_write(d, MODEL_PCI_BAR0 + 12, 0xffffffff, 4);
	assert_int_equal(0xfff00004, model_config_read(d, MODEL_PCI_BAR0 + 8, 4));
	assert_int_equal(0xffffffff, model_config_read(d, MODEL_PCI_BAR0 + 12, 4));
	model_config_write(d, MODEL_PCI_BAR0 + 8, 0x40000000, 4);
	model_config_write(d, MODEL_PCI_BAR0 + 12, 0x1, 4);
	assert_true(model_device_bar_base(d, 2) == 0x140000000ull);
	assert_int_equal(MODEL_BAR_NONE, d->bars[3].kind);
}

static void test_config_unimplemented_bar_and_rom_read_zero(void **state)
{
	model_device *d = dev_of(state);

	model_config_write(d, MODEL_PCI_BAR0 + 16, 0xffffffff, 4);
	model_config_write(d, MODEL_PCI_ROM, 0xffffffff, 4);
	assert_int_equal(0, model_config_read(d, MODEL_PCI_BAR0 + 16, 4));
	assert_int_equal(0, model_config_read(d, MODEL_PCI_ROM, 4));
	assert_true(model_device_bar_base(d, 4) == 0);
}

static void test_config_bar_base_drops_bits_below_size(void **state)
{
	model_device *d = dev_of(state);

	model_config_write(d, MODEL_PCI_BAR0, 0xfe001234, 4);
	assert_int_equal(0xfe001000, model_config_read(d, MODEL_PCI_BAR0, 4));
	assert_true(model_device_bar_base(d, 0) == 0xfe001000ull);
}

static void test_config_msi_capability_fields(void **state)
{
	model_device *d = dev_of(state);

	assert_int_equal(MODEL_PCI_CAP_ID_MSI, model_config_read(d, MSI, 1));
	assert_int_equal(0, model_config_read(d, MSI + 1, 1));
	/* 4 vectors capable (log2 = 2 in bits 3:1), 64-bit, per-vector mask */
	assert_int_equal(0x0184, model_config_read(d, MSI + 2, 2));
	model_config_write(d, MSI + 4, 0xfee00003, 4);
	model_config_write(d, MSI + 8, 0x12345678, 4);
	model_config_write(d, MSI + 0xc, 0xabcdef01, 4);
	model_config_write(d, MSI + 0x10, 0xffffffff, 4);
	assert_int_equal(0xfee00000, model_config_read(d, MSI + 4, 4));
	assert_int_equal(0x12345678, model_config_read(d, MSI + 8, 4));
	assert_int_equal(0xef01, model_config_read(d, MSI + 0xc, 4));
	assert_int_equal(0xf, model_config_read(d, MSI + 0x10, 4));
	model_config_write(d, MSI + 0x14, 0xffffffff, 4);
	assert_int_equal(0, model_config_read(d, MSI + 0x14, 4)); /* pending is read-only */
}

static void test_config_msi_enable_bit_and_clamped_multiple_message(void **state)
{
	model_device *d = dev_of(state);

	assert_false(model_device_msi_enabled(d));
	model_config_write(d, MSI + 2, 0x0051, 2); /* ask for 32 vectors */
	assert_true(model_device_msi_enabled(d));
	assert_int_equal(0x01a5, model_config_read(d, MSI + 2, 2)); /* clamped to 4 */
	model_config_write(d, MSI + 2, 0, 2);
	assert_false(model_device_msi_enabled(d));
}

static void test_config_msi_32bit_capability_layout(void **state)
{
	(void)state;
	model_device d;

	model_device_init(&d, &test_ops, NULL, 1, 2, 0, 0);
	model_device_add_msi(&d, 1, false, false);
	assert_int_equal(0x00000005, model_config_read(&d, MSI, 4));
	model_config_write(&d, MSI + 8, 0x1234, 2);
	assert_int_equal(0x1234, model_config_read(&d, MSI + 8, 2));
	model_config_write(&d, MSI + 0xc, 0xffff, 2); /* beyond the 10-byte capability */
	assert_int_equal(0, model_config_read(&d, MSI + 0xc, 2));
}

static void test_config_msi_notify_writes_le_data_to_address(void **state)
{
	model_device *d = dev_of(state);
	struct rec *r = rec_of(state);

	enable_msi(d, MODEL_PCI_CMD_MASTER, MODEL_MSI_FLAGS_ENABLE | 0x20); /* 4 vectors on */
	model_device_msi_notify(d, 3);
	assert_int_equal(1, r->dma_writes);
	assert_true(r->dma_addr == 0xfee00000ull);
	assert_int_equal(4, r->dma_len);
	assert_memory_equal(((uint8_t[]){ 0x43, 0x42, 0, 0 }), r->dma_data, 4);
}

static void test_config_msi_notify_silent_without_bus_master(void **state)
{
	model_device *d = dev_of(state);

	enable_msi(d, MODEL_PCI_CMD_MEMORY, MODEL_MSI_FLAGS_ENABLE);
	model_device_msi_notify(d, 0);
	assert_int_equal(0, rec_of(state)->dma_writes);
}

static void test_config_msi_notify_silent_while_disabled(void **state)
{
	model_device *d = dev_of(state);

	enable_msi(d, MODEL_PCI_CMD_MASTER, 0);
	model_device_msi_notify(d, 0);
	assert_int_equal(0, rec_of(state)->dma_writes);
}

static void test_config_msi_masked_vector_pends_until_unmasked(void **state)
{
	model_device *d = dev_of(state);
	struct rec *r = rec_of(state);

	enable_msi(d, MODEL_PCI_CMD_MASTER, MODEL_MSI_FLAGS_ENABLE);
	model_config_write(d, MSI + 0x10, 0x1, 4);
	model_device_msi_notify(d, 0);
	assert_int_equal(0, r->dma_writes);
	assert_int_equal(0x1, model_config_read(d, MSI + 0x14, 4));
	model_config_write(d, MSI + 0x10, 0x0, 4);
	assert_int_equal(1, r->dma_writes);
	assert_int_equal(0, model_config_read(d, MSI + 0x14, 4));
}

static void test_config_set_irq_drives_intx_and_status_bit(void **state)
{
	model_device *d = dev_of(state);
	struct rec *r = rec_of(state);

	model_device_set_irq(d, true);
	assert_int_equal(1, r->intx_calls);
	assert_true(r->intx_level);
	assert_int_equal(MODEL_PCI_STATUS_INTX | MODEL_PCI_STATUS_CAP_LIST,
			 model_config_read(d, MODEL_PCI_STATUS, 2));
	model_device_set_irq(d, true); /* no change, no call */
	assert_int_equal(1, r->intx_calls);
	model_device_set_irq(d, false);
	assert_int_equal(2, r->intx_calls);
	assert_false(r->intx_level);
	assert_int_equal(MODEL_PCI_STATUS_CAP_LIST, model_config_read(d, MODEL_PCI_STATUS, 2));
}

static void test_config_intx_disable_masks_line_but_keeps_status(void **state)
{
	model_device *d = dev_of(state);
	struct rec *r = rec_of(state);

	model_config_write(d, MODEL_PCI_COMMAND, MODEL_PCI_CMD_INTX_DISABLE, 2);
	model_device_set_irq(d, true);
	assert_int_equal(0, r->intx_calls);
	assert_true(model_config_read(d, MODEL_PCI_STATUS, 2) & MODEL_PCI_STATUS_INTX);
	model_config_write(d, MODEL_PCI_COMMAND, 0, 2); /* re-enabling shows the pending level */
	assert_int_equal(1, r->intx_calls);
	assert_true(r->intx_level);
	model_config_write(d, MODEL_PCI_COMMAND, MODEL_PCI_CMD_INTX_DISABLE, 2);
	assert_int_equal(2, r->intx_calls);
	assert_false(r->intx_level);
}

static void test_config_enabling_msi_deasserts_intx(void **state)
{
	model_device *d = dev_of(state);
	struct rec *r = rec_of(state);

	model_device_set_irq(d, true);
	model_config_write(d, MSI + 2, MODEL_MSI_FLAGS_ENABLE, 2);
	assert_int_equal(2, r->intx_calls);
	assert_false(r->intx_level);
	assert_false(model_config_read(d, MODEL_PCI_STATUS, 2) & MODEL_PCI_STATUS_INTX);
	model_device_set_irq(d, true); /* MSI on: the pin stays quiet */
	assert_int_equal(2, r->intx_calls);
}

static void test_config_reset_restores_constructor_state(void **state)
{
	model_device *d = dev_of(state);
	struct rec *r = rec_of(state);

	model_config_write(d, MODEL_PCI_COMMAND, 0x0007, 2);
	model_config_write(d, MODEL_PCI_BAR0, 0xfe000000, 4);
	model_config_write(d, MODEL_PCI_INT_LINE, 10, 1);
	model_config_write(d, MSI + 2, MODEL_MSI_FLAGS_ENABLE, 2);
	model_config_write(d, MSI + 2, 0, 2);
	model_device_set_irq(d, true);
	model_device_reset(d);
	assert_int_equal(0, model_config_read(d, MODEL_PCI_COMMAND, 2));
	assert_int_equal(0, model_config_read(d, MODEL_PCI_BAR0, 4));
	assert_int_equal(0, model_config_read(d, MODEL_PCI_INT_LINE, 1));
	assert_int_equal(0x0184, model_config_read(d, MSI + 2, 2));
	assert_int_equal(MODEL_PCI_STATUS_CAP_LIST, model_config_read(d, MODEL_PCI_STATUS, 2));
	assert_int_equal(0x00051b36, model_config_read(d, 0, 4));
	assert_false(r->intx_level); /* the asserted pin was released */
	assert_int_equal(1, r->resets);
}

static void test_config_dma_refused_without_bus_master(void **state)
{
	model_device *d = dev_of(state);
	uint8_t buf[4] = { 0 };

	assert_false(model_dma_read(d, 0x1000, buf, sizeof(buf)));
	assert_false(model_dma_write(d, 0x1000, buf, sizeof(buf)));
	assert_int_equal(0, buf[0]);
	assert_int_equal(0, rec_of(state)->dma_writes);
	model_config_write(d, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MASTER, 2);
	assert_true(model_dma_read(d, 0x1000, buf, sizeof(buf)));
	assert_int_equal(0x5a, buf[0]);
}

static void test_config_bad_access_reads_all_ones_and_ignores_writes(void **state)
{
	model_device *d = dev_of(state);

	assert_int_equal(0xffffffff, model_config_read(d, 0xfe, 4));
	assert_int_equal(0xffffffff, model_config_read(d, 0, 3));
	model_config_write(d, MODEL_PCI_COMMAND, 0x7, 3);
	assert_int_equal(0, model_device_command(d));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_config_identity_reads_constructor_values),
		T(test_config_ids_and_class_are_read_only),
		T(test_config_command_keeps_only_writable_bits),
		T(test_config_int_line_is_writable),
		T(test_config_mem32_bar_sizing_returns_size_mask),
		T(test_config_io_bar_sizing_keeps_io_bit),
		T(test_config_mem64_bar_uses_two_registers),
		T(test_config_unimplemented_bar_and_rom_read_zero),
		T(test_config_bar_base_drops_bits_below_size),
		T(test_config_msi_capability_fields),
		T(test_config_msi_enable_bit_and_clamped_multiple_message),
		T(test_config_msi_32bit_capability_layout),
		T(test_config_msi_notify_writes_le_data_to_address),
		T(test_config_msi_notify_silent_without_bus_master),
		T(test_config_msi_notify_silent_while_disabled),
		T(test_config_msi_masked_vector_pends_until_unmasked),
		T(test_config_set_irq_drives_intx_and_status_bit),
		T(test_config_intx_disable_masks_line_but_keeps_status),
		T(test_config_enabling_msi_deasserts_intx),
		T(test_config_reset_restores_constructor_state),
		T(test_config_dma_refused_without_bus_master),
		T(test_config_bad_access_reads_all_ones_and_ignores_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
