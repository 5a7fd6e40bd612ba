/* DMA as drivers do it and MSI-X, on the sim host with RAM above 4 GiB and
 * the nvme model in slot 4: new memory comes zeroed; buffers land as high
 * as their mask allows; the CPU mapping is the device's memory; pageable
 * memory is scattered and reaches a device only through a DMA command,
 * which bounces (or refuses) what the device's address bits do not reach
 * and records segments used outside prepare/complete; BAR info before
 * mapping; MSI-X indexes, entries programmed in the table, masks, and the
 * function's INTx silenced while MSI-X is on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/bus.h"
#include "model/nvme.h"
#include "shim/dma.h"
#include "shim/host_sim.h"
#include "shim/machine.h"
#include "shim/pci.h"
#include "shim/verifier.h"
#include "shim/workloop.h"

#define RAM_LOW (64ull << 20)
#define RAM_HIGH (32ull << 20)
#define FOUR_GIB 0x100000000ull
#define SLOT 4u
#define PAGE 4096u

struct fx {
	model_bus *bus;
	shim_machine *m;
	shim_pci_device *dev;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct shim_host host;

	assert_non_null(f);
	f->bus = model_bus_create_split(RAM_LOW, RAM_HIGH);
	assert_non_null(f->bus);
	assert_true(model_bus_attach(f->bus, SLOT, model_nvme_create(NULL)));
	assert_int_equal(SHIM_OK, shim_sim_host_create(f->bus, &host));
	assert_int_equal(SHIM_OK, shim_machine_create(host, &f->m));
	f->dev = shim_machine_device(f->m, 0);
	assert_non_null(f->dev);
	shim_verifier_clear();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	shim_machine_destroy(f->m);
	model_bus_destroy(f->bus);
	free(f);
	shim_verifier_clear();
	return 0;
}

static uint64_t addr_of(shim_memdesc *md, uint64_t off, uint64_t len)
{
	uint64_t a = 0;

	assert_int_equal(SHIM_OK, shim_memdesc_prepare(md));
	assert_int_equal(SHIM_OK, shim_memdesc_dma_address(md, off, len, &a));
	assert_int_equal(SHIM_OK, shim_memdesc_complete(md));
	return a;
}

static void test_new_buffers_come_zeroed_where_an_old_one_was(void **state)
{
	struct fx *f = *state;
	uint8_t junk[256], back[256], zero[256] = { 0 };
	shim_memdesc *a, *b;

	memset(junk, 0x5a, sizeof(junk));
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, PAGE, 0, UINT64_MAX, &a));
	assert_int_equal(SHIM_OK, shim_memdesc_write(a, 0, junk, sizeof(junk)));
	shim_memdesc_release(a);
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, PAGE, 0, UINT64_MAX, &b));
	assert_int_equal(SHIM_OK, shim_memdesc_read(b, 0, back, sizeof(back)));
	assert_memory_equal(zero, back, sizeof(back));
	shim_memdesc_release(b);
}

static void test_buffers_land_as_high_as_their_mask_allows(void **state)
{
	struct fx *f = *state;
	shim_memdesc *wide, *narrow;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, PAGE, 0, UINT64_MAX, &wide));
	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, PAGE, 0, 0xffffffffull, &narrow));
	assert_int_equal(FOUR_GIB + RAM_HIGH - PAGE, addr_of(wide, 0, PAGE));
	assert_int_equal(RAM_LOW - PAGE, addr_of(narrow, 0, PAGE));
	shim_memdesc_release(wide);
	shim_memdesc_release(narrow);
}

static void test_the_cpu_mapping_is_the_devices_memory(void **state)
{
	struct fx *f = *state;
	shim_memdesc *md;
	uint8_t *p = NULL, back[4];

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, 2 * PAGE, 0, UINT64_MAX, &md));
	assert_int_equal(SHIM_OK, shim_memdesc_map(md, (void **)&p));
	memcpy(p + 100, "\x11\x22\x33\x44", 4);
	assert_true(model_bus_ram_read(f->bus, addr_of(md, 100, 4), back, 4));
	assert_memory_equal("\x11\x22\x33\x44", back, 4);
	assert_true(model_bus_ram_write(f->bus, addr_of(md, PAGE, 4), "\x55\x66\x77\x88", 4));
	assert_memory_equal("\x55\x66\x77\x88", p + PAGE, 4);
	shim_memdesc_release(md);
}

static void test_pageable_memory_is_scattered_and_named_by_a_dma_command(void **state)
{
	struct fx *f = *state;
	const struct shim_dma_spec spec = { .address_bits = 64 };
	struct shim_dma_segment seg[8];
	shim_dma_command *cmd;
	shim_memdesc *md;
	uint64_t off = 0, a;
	uint32_t n = 8;
	void *p;

	assert_int_equal(SHIM_OK, shim_memdesc_alloc_pages(f->dev, 3 * PAGE - 100, &md));
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_memdesc_map(md, &p));
	assert_int_equal(SHIM_OK, shim_memdesc_prepare(md));
	assert_int_equal(SHIM_OK, shim_memdesc_dma_address(md, 10, 100, &a));
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_memdesc_dma_address(md, 10, PAGE, &a));
	assert_int_equal(SHIM_OK, shim_memdesc_complete(md));
	assert_int_equal(SHIM_OK, shim_dma_command_create(f->dev, &spec, &cmd));
	assert_int_equal(SHIM_OK, shim_dma_command_prepare(cmd, md, 0, 3 * PAGE - 100,
							   SHIM_DMA_FROM_DEVICE));
	assert_true(shim_memdesc_is_prepared(md));
	assert_int_equal(SHIM_OK, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(3, n);
	assert_int_equal(3 * PAGE - 100, off);
	assert_false(shim_dma_command_bounced(cmd));
	for (uint32_t i = 0; i < n; i++) {
		assert_true(seg[i].addr >= FOUR_GIB);
		assert_int_equal(0, seg[i].addr % PAGE);
		assert_int_equal(i < 2 ? PAGE : PAGE - 100, seg[i].len);
		if (i > 0) /* not where the previous page ends: scattered */
			assert_true(seg[i].addr != seg[i - 1].addr + PAGE);
	}
	assert_int_equal(SHIM_OK, shim_dma_command_complete(cmd));
	assert_false(shim_memdesc_is_prepared(md));
	shim_dma_command_release(cmd);
	shim_memdesc_release(md);
	assert_int_equal(0, shim_verifier_count());
}

static void test_a_32_bit_command_bounces_memory_above_4_gib(void **state)
{
	struct fx *f = *state;
	const struct shim_dma_spec spec = { .address_bits = 32, .max_segment = PAGE };
	uint8_t out[2 * PAGE], back[2 * PAGE], dev_side[2 * PAGE];
	struct shim_dma_segment seg[4];
	shim_dma_command *cmd;
	shim_memdesc *md;
	uint64_t off = 0;
	uint32_t n = 4;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(SHIM_OK, shim_memdesc_alloc_pages(f->dev, sizeof(out), &md));
	assert_int_equal(SHIM_OK, shim_memdesc_write(md, 0, out, sizeof(out)));
	assert_int_equal(SHIM_OK, shim_dma_command_create(f->dev, &spec, &cmd));
	/* Towards the device: the bounce holds the data before the device looks. */
	assert_int_equal(SHIM_OK, shim_dma_command_prepare(cmd, md, 0, sizeof(out),
							   SHIM_DMA_TO_DEVICE));
	assert_true(shim_dma_command_bounced(cmd));
	assert_int_equal(SHIM_OK, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(2, n);
	for (uint32_t i = 0; i < n; i++) {
		assert_true(seg[i].addr + seg[i].len <= FOUR_GIB);
		assert_true(model_bus_ram_read(f->bus, seg[i].addr, dev_side + i * PAGE, seg[i].len));
	}
	assert_memory_equal(out, dev_side, sizeof(out));
	assert_int_equal(SHIM_OK, shim_dma_command_complete(cmd));
	/* From the device: what it wrote into the bounce reaches the memory on complete. */
	assert_int_equal(SHIM_OK, shim_dma_command_prepare(cmd, md, PAGE, PAGE,
							   SHIM_DMA_FROM_DEVICE));
	off = 0;
	n = 4;
	assert_int_equal(SHIM_OK, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(1, n);
	assert_true(model_bus_ram_write(f->bus, seg[0].addr, "bounced!", 8));
	assert_int_equal(SHIM_OK, shim_dma_command_complete(cmd));
	assert_int_equal(SHIM_OK, shim_memdesc_read(md, 0, back, sizeof(back)));
	assert_memory_equal("bounced!", back + PAGE, 8);
	assert_memory_equal(out, back, PAGE);
	shim_dma_command_release(cmd);
	shim_memdesc_release(md);
}

static void test_a_bounce_keeps_the_commands_alignment(void **state)
{
	struct fx *f = *state;
	const struct shim_dma_spec spec = { .address_bits = 32, .alignment = 4 * PAGE };
	struct shim_dma_segment seg[2];
	shim_dma_command *cmd;
	shim_memdesc *md;
	uint64_t off = 0;
	uint32_t n = 2;

	assert_int_equal(SHIM_OK, shim_memdesc_alloc_pages(f->dev, PAGE, &md));
	assert_int_equal(SHIM_OK, shim_dma_command_create(f->dev, &spec, &cmd));
	assert_int_equal(SHIM_OK, shim_dma_command_prepare(cmd, md, 0, PAGE, SHIM_DMA_TO_DEVICE));
	assert_true(shim_dma_command_bounced(cmd));
	assert_int_equal(SHIM_OK, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(1, n);
	assert_int_equal(0, seg[0].addr % (4 * PAGE));
	assert_int_equal(SHIM_OK, shim_dma_command_complete(cmd));
	shim_dma_command_release(cmd);
	shim_memdesc_release(md);
}

static void test_a_command_that_may_not_bounce_refuses_memory_out_of_reach(void **state)
{
	struct fx *f = *state;
	const struct shim_dma_spec spec = { .address_bits = 32, .flags = SHIM_DMA_NO_BOUNCE };
	shim_dma_command *cmd;
	shim_memdesc *md;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, PAGE, 0, UINT64_MAX, &md));
	assert_int_equal(SHIM_OK, shim_dma_command_create(f->dev, &spec, &cmd));
	assert_int_equal(SHIM_ERR_UNSUPPORTED,
			 shim_dma_command_prepare(cmd, md, 0, PAGE, SHIM_DMA_TO_DEVICE));
	assert_false(shim_memdesc_is_prepared(md));
	shim_dma_command_release(cmd);
	shim_memdesc_release(md);
}

static void test_limits_split_segments_and_refuse_long_transfers(void **state)
{
	struct fx *f = *state;
	const struct shim_dma_spec spec = { .address_bits = 64, .max_segment = 1024,
					    .max_transfer = 2 * PAGE };
	struct shim_dma_segment seg[16];
	shim_dma_command *cmd;
	shim_memdesc *md;
	uint64_t off = 0;
	uint32_t n = 16;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, 4 * PAGE, 0, UINT64_MAX, &md));
	assert_int_equal(SHIM_OK, shim_dma_command_create(f->dev, &spec, &cmd));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_dma_command_prepare(cmd, md, 0, 3 * PAGE, SHIM_DMA_TO_DEVICE));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_dma_command_prepare(cmd, md, 0, 0, SHIM_DMA_TO_DEVICE));
	assert_int_equal(SHIM_OK, shim_dma_command_prepare(cmd, md, 512, PAGE, SHIM_DMA_TO_DEVICE));
	assert_int_equal(SHIM_ERR_BUSY, shim_dma_command_prepare(cmd, md, 0, PAGE,
								 SHIM_DMA_TO_DEVICE));
	assert_int_equal(SHIM_OK, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(4, n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(1024, seg[i].len);
	/* From the middle of a segment: it starts there. */
	off = 1500;
	n = 1;
	assert_int_equal(SHIM_OK, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(1, n);
	assert_int_equal(548, seg[0].len);
	assert_int_equal(2048, off);
	assert_int_equal(SHIM_OK, shim_dma_command_complete(cmd));
	shim_dma_command_release(cmd);
	shim_memdesc_release(md);
}

static void test_segments_after_complete_or_past_the_range_are_records(void **state)
{
	struct fx *f = *state;
	const struct shim_dma_spec spec = { .address_bits = 64 };
	struct shim_dma_segment seg[2];
	shim_dma_command *cmd;
	shim_memdesc *md;
	uint64_t off = 2 * PAGE;
	uint32_t n = 2;

	assert_int_equal(SHIM_OK, shim_dma_buffer_alloc(f->dev, PAGE, 0, UINT64_MAX, &md));
	assert_int_equal(SHIM_OK, shim_dma_command_create(f->dev, &spec, &cmd));
	assert_int_equal(SHIM_OK, shim_dma_command_prepare(cmd, md, 0, PAGE, SHIM_DMA_TO_DEVICE));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(1, shim_verifier_count());
	assert_int_equal(SHIM_V_DMA_OUT_OF_RANGE, shim_verifier_get(0)->kind);
	assert_int_equal(SHIM_OK, shim_dma_command_complete(cmd));
	off = 0;
	n = 2;
	assert_int_equal(SHIM_ERR_NOT_READY, shim_dma_command_segments(cmd, &off, seg, &n));
	assert_int_equal(2, shim_verifier_count());
	assert_int_equal(SHIM_V_DMA_UNPREPARED, shim_verifier_get(1)->kind);
	assert_int_equal(SHIM_ERR_NOT_READY, shim_dma_command_complete(cmd));
	assert_int_equal(SHIM_V_PREPARE_UNBALANCED, shim_verifier_get(2)->kind);
	shim_dma_command_release(cmd);
	shim_memdesc_release(md);
	shim_verifier_clear();
}

static void test_bar_info_tells_kind_and_size_before_mapping(void **state)
{
	struct fx *f = *state;
	struct shim_pci_bar_info info;

	assert_int_equal(SHIM_OK, shim_pci_bar_info(f->dev, 0, &info));
	assert_int_equal(SHIM_BAR_TYPE_MEM64, info.type);
	assert_int_equal(MODEL_NVME_BAR0_SIZE, info.size);
	assert_false(info.prefetchable);
	assert_int_equal(SHIM_ERR_NOT_FOUND, shim_pci_bar_info(f->dev, 1, &info));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_pci_bar_info(f->dev, 6, &info));
}

static bool filtered;

static bool msix_filter(void *owner, shim_intr_source *src)
{
	(void)owner;
	(void)src;
	filtered = true;
	return false;
}

static void msix_action(void *owner, shim_intr_source *src, int count)
{
	(void)owner;
	(void)src;
	(void)count;
}

static void test_msix_entries_are_programmed_masked_and_enabled(void **state)
{
	struct fx *f = *state;
	shim_workloop *wl = shim_machine_workloop(f->m);
	enum shim_intr_type kind;
	shim_intr_source *src;
	shim_mmio_map *bar;
	uint16_t cmd, ctrl;

	assert_int_equal(65, shim_pci_message_interrupt_count(f->dev, &kind));
	assert_int_equal(SHIM_INTR_MSIX, kind);
	assert_int_equal(SHIM_INTR_LEGACY, shim_pci_interrupt_type(f->dev, 0));
	assert_int_equal(SHIM_INTR_MSIX, shim_pci_interrupt_type(f->dev, 65));
	assert_int_equal(SHIM_INTR_NONE, shim_pci_interrupt_type(f->dev, 66));
	assert_int_equal(SHIM_OK, shim_pci_map_bar(f->dev, 0, &bar));
	shim_pci_set_memory_enable(f->dev, true);
	shim_pci_set_bus_master(f->dev, true);
	assert_int_equal(SHIM_OK, shim_intr_source_create(wl, f->dev, 3, msix_filter, msix_action,
							  NULL, &src));
	/* Entry 2: the host's message, masked until the source is enabled. */
	assert_int_equal(MODEL_BUS_MSI_WINDOW, shim_mmio_read32(bar, 0x2000 + 2 * 16));
	assert_int_equal(1, shim_mmio_read32(bar, 0x2000 + 2 * 16 + 12));
	ctrl = shim_pci_cfg_read16(f->dev, 0x42);
	cmd = shim_pci_cfg_read16(f->dev, 0x04);
	assert_int_equal(0x8000, ctrl & 0xc000);
	assert_true(cmd & 0x0400); /* INTx disabled */
	shim_intr_source_enable(src);
	assert_int_equal(0, shim_mmio_read32(bar, 0x2000 + 2 * 16 + 12));
	/* Its message arrives as this source's interrupt. */
	filtered = false;
	model_bus_mem_write(f->bus, MODEL_BUS_MSI_WINDOW, shim_mmio_read32(bar, 0x2000 + 2 * 16 + 8),
			    4);
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(wl, 1000));
	assert_true(filtered);
	shim_intr_source_disable(src);
	assert_int_equal(1, shim_mmio_read32(bar, 0x2000 + 2 * 16 + 12));
	shim_intr_source_release(src);
	assert_int_equal(0, shim_pci_cfg_read16(f->dev, 0x42) & 0x8000);
	assert_false(shim_pci_cfg_read16(f->dev, 0x04) & 0x0400);
	shim_mmio_unmap(bar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_buffers_come_zeroed_where_an_old_one_was,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffers_land_as_high_as_their_mask_allows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_the_cpu_mapping_is_the_devices_memory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_pageable_memory_is_scattered_and_named_by_a_dma_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_32_bit_command_bounces_memory_above_4_gib,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_bounce_keeps_the_commands_alignment, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_a_command_that_may_not_bounce_refuses_memory_out_of_reach, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_limits_split_segments_and_refuse_long_transfers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_segments_after_complete_or_past_the_range_are_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bar_info_tells_kind_and_size_before_mapping,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_msix_entries_are_programmed_masked_and_enabled,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("sim_dma_msix", tests, NULL, NULL);
}
