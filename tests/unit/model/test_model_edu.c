/* The edu model on the in-process bus, register by register, against the
 * QEMU 7.2 facts (docs/qemu-edu.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/bus.h"
#include "edu_qos_regs.h"
#include "model/edu.h"

#define RAM_SIZE (16u << 20)
#define SLOT 4
#define BAR0 0xfe000000ull
#define BUF ((uint64_t)EDU_QOS_DMA_BUF)

static model_bus *make_bus(const struct model_edu_config *cfg)
{
	model_bus *bus = model_bus_create(RAM_SIZE);

	assert_non_null(bus);
	assert_true(model_bus_attach(bus, SLOT, model_edu_create(cfg)));
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_BAR0, (uint32_t)BAR0, 4);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND,
			    MODEL_PCI_CMD_MEMORY | MODEL_PCI_CMD_MASTER, 2);
	return bus;
}

static int setup(void **state)
{
	*state = make_bus(NULL);
	return 0;
}

static int teardown(void **state)
{
	model_bus_destroy(*state);
	return 0;
}

static uint32_t rd(model_bus *bus, uint64_t off)
{
	return (uint32_t)model_bus_mem_read(bus, BAR0 + off, 4);
}

static void wr(model_bus *bus, uint64_t off, uint32_t val)
{
	model_bus_mem_write(bus, BAR0 + off, val, 4);
}

/* Advance virtual time by ns, firing every timer due on the way. */
static void advance(model_bus *bus, uint64_t ns)
{
	uint64_t target = model_bus_clock_ns(bus) + ns;

	for (int i = 0; i < 1000 && model_bus_next_deadline(bus) <= target; i++)
		model_bus_run_until(bus, target);
	model_bus_run_until(bus, target);
}

static void start_dma(model_bus *bus, uint64_t src, uint64_t dst, uint64_t cnt, uint32_t cmd)
{
	model_bus_mem_write(bus, BAR0 + EDU_QOS_DMA_SRC, src, 8);
	model_bus_mem_write(bus, BAR0 + EDU_QOS_DMA_DST, dst, 8);
	model_bus_mem_write(bus, BAR0 + EDU_QOS_DMA_CNT, cnt, 8);
	model_bus_mem_write(bus, BAR0 + EDU_QOS_DMA_CMD, cmd, 8);
}

static void fill_ram(model_bus *bus, uint64_t addr, size_t len, uint8_t seed)
{
	uint8_t *b = malloc(len);
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + i * 7);
	model_bus_ram_write(bus, addr, b, len);
	free(b);
}

static bool ram_matches(model_bus *bus, uint64_t a, uint64_t b, size_t len)
{
	uint8_t *x = malloc(len), *y = malloc(len);
	bool same = model_bus_ram_read(bus, a, x, len) && model_bus_ram_read(bus, b, y, len) &&
		    memcmp(x, y, len) == 0;
	free(x);
	free(y);
	return same;
}

static bool ram_is_zero(model_bus *bus, uint64_t addr, size_t len)
{
	uint8_t *x = calloc(1, len), *z = calloc(1, len);
	bool zero = model_bus_ram_read(bus, addr, x, len) && memcmp(x, z, len) == 0;
	free(x);
	free(z);
	return zero;
}

static void enable_msi(model_bus *bus, uint16_t data)
{
	model_bus_cfg_write(bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_ADDR_LO,
			    (uint32_t)MODEL_BUS_MSI_WINDOW, 4);
	model_bus_cfg_write(bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_ADDR_HI, 0, 4);
	model_bus_cfg_write(bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_DATA, data, 2);
	model_bus_cfg_write(bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_CONTROL,
			    MODEL_MSI_FLAGS_ENABLE, 2);
}

static void expect_irq(model_bus *bus, bool msi, uint32_t id, bool level)
{
	struct model_bus_irq ev;

	assert_true(model_bus_irq_next(bus, &ev));
	assert_int_equal(msi, ev.msi);
	assert_int_equal(id, ev.id);
	assert_int_equal(level, ev.level);
}

static void expect_no_irq(model_bus *bus)
{
	struct model_bus_irq ev;

	assert_false(model_bus_irq_next(bus, &ev));
}

/* ---- identity ---------------------------------------------------------- */

static void test_edu_config_identity_matches_qemu(void **state)
{
	model_bus *bus = *state;

	assert_int_equal(EDU_QOS_PCI_ID, model_bus_cfg_read(bus, SLOT, 0, EDU_QOS_CFG_ID, 4));
	assert_int_equal(EDU_QOS_CLASS_REV, model_bus_cfg_read(bus, SLOT, 0, EDU_QOS_CFG_CLASS_REV, 4));
	assert_int_equal(0x11001af4, model_bus_cfg_read(bus, SLOT, 0, 0x2c, 4));
	assert_int_equal(0x0010, model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_STATUS, 2));
	assert_int_equal(0, model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_HEADER_TYPE, 1));
	assert_int_equal(EDU_QOS_MSI_CAP, model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_CAP_PTR, 1));
	assert_int_equal(EDU_QOS_MSI_HEADER, model_bus_cfg_read(bus, SLOT, 0, EDU_QOS_MSI_CAP, 4));
	assert_int_equal(0x0100, model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_INT_LINE, 2));
}

static void test_edu_bar_sizing_matches_qemu(void **state)
{
	model_bus *bus = *state;

	for (unsigned b = 0; b < 6; b++)
		model_bus_cfg_write(bus, SLOT, 0, (uint16_t)(MODEL_PCI_BAR0 + 4 * b), 0xffffffff, 4);
	assert_int_equal(~(EDU_QOS_BAR0_SIZE - 1), model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_BAR0, 4));
	for (unsigned b = 1; b < 6; b++)
		assert_int_equal(0, model_bus_cfg_read(bus, SLOT, 0, (uint16_t)(MODEL_PCI_BAR0 + 4 * b), 4));
}

static void test_edu_no_msi_variant_has_no_capability(void **state)
{
	(void)state;
	model_bus *bus = make_bus(&(struct model_edu_config){ .no_msi = true });

	assert_int_equal(0, model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_STATUS, 2));
	assert_int_equal(0, model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_CAP_PTR, 1));
	assert_false(model_device_msi_enabled(model_bus_device(bus, SLOT)));
	model_bus_destroy(bus);
}

static void test_edu_id_register_default_and_configured(void **state)
{
	model_bus *other = make_bus(&(struct model_edu_config){ .id_value = 0x020000ed });

	assert_int_equal(EDU_QOS_ID_VALUE, rd(*state, EDU_QOS_ID));
	assert_int_equal(0x020000ed, rd(other, EDU_QOS_ID));
	wr(*state, EDU_QOS_ID, 0);
	assert_int_equal(EDU_QOS_ID_VALUE, rd(*state, EDU_QOS_ID));
	model_bus_destroy(other);
}

static void test_edu_liveness_reads_inverse_of_last_write(void **state)
{
	model_bus *bus = *state;

	assert_int_equal(0, rd(bus, EDU_QOS_LIVENESS));
	wr(bus, EDU_QOS_LIVENESS, 0x12345678);
	assert_int_equal(0xedcba987, rd(bus, EDU_QOS_LIVENESS));
}

/* ---- access rules ------------------------------------------------------ */

static void test_edu_wrong_size_and_undecoded_accesses(void **state)
{
	model_bus *bus = *state;

	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_ID, 8) == UINT64_MAX);
	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_ID, 2) == 0);
	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_ID, 1) == 0);
	assert_int_equal(0xffffffff, rd(bus, 0x0c));
	assert_int_equal(0xffffffff, rd(bus, EDU_QOS_IRQ_RAISE));
	assert_int_equal(0xffffffff, rd(bus, 0x84));
	assert_int_equal(0xffffffff, rd(bus, 0xffffc));
	model_bus_mem_write(bus, BAR0 + EDU_QOS_LIVENESS, 0x1234, 2);
	model_bus_mem_write(bus, BAR0 + EDU_QOS_LIVENESS, 0x1234, 8);
	assert_int_equal(0, rd(bus, EDU_QOS_LIVENESS));
}

static void test_edu_bar_ignored_without_memory_decode(void **state)
{
	model_bus *bus = *state;

	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, 0, 2);
	assert_int_equal(0, rd(bus, EDU_QOS_ID));
}

static void test_edu_dma_register_4_byte_write_sets_whole_register(void **state)
{
	model_bus *bus = *state;

	model_bus_mem_write(bus, BAR0 + EDU_QOS_DMA_SRC, 0x1122334455667788ull, 8);
	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_DMA_SRC, 8) == 0x1122334455667788ull);
	wr(bus, EDU_QOS_DMA_SRC, 0xaabbccdd);
	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_DMA_SRC, 8) == 0xaabbccddull);
	wr(bus, 0x84, 0x55);
	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_DMA_SRC, 8) == 0xaabbccddull);
	wr(bus, EDU_QOS_DMA_CMD, EDU_QOS_DMA_TO_RAM); /* no start bit: ignored */
	assert_int_equal(0, rd(bus, EDU_QOS_DMA_CMD));
}

/* ---- factorial --------------------------------------------------------- */

static uint32_t factorial(model_bus *bus, uint32_t n)
{
	wr(bus, EDU_QOS_FACT, n);
	assert_int_equal(1, rd(bus, EDU_QOS_STATUS) & 1);
	advance(bus, MODEL_EDU_FACT_DELAY_NS);
	assert_int_equal(0, rd(bus, EDU_QOS_STATUS) & 1);
	return rd(bus, EDU_QOS_FACT);
}

static void test_edu_factorial_0_to_12(void **state)
{
	uint32_t expect = 1;

	for (uint32_t n = 0; n <= 12; n++) {
		if (n)
			expect *= n;
		assert_int_equal(expect, factorial(*state, n));
	}
}

static void test_edu_factorial_13_wraps_to_32_bits(void **state)
{
	assert_int_equal(1932053504u, factorial(*state, 13));
}

static void test_edu_factorial_write_while_computing_is_ignored(void **state)
{
	model_bus *bus = *state;

	wr(bus, EDU_QOS_FACT, 5);
	wr(bus, EDU_QOS_FACT, 6);
	assert_int_equal(5, rd(bus, EDU_QOS_FACT)); /* input visible until done */
	advance(bus, MODEL_EDU_FACT_DELAY_NS - 1);
	assert_int_equal(1, rd(bus, EDU_QOS_STATUS) & 1);
	advance(bus, 1);
	assert_int_equal(120, rd(bus, EDU_QOS_FACT));
}

static void test_edu_status_write_touches_only_irq_enable_bit(void **state)
{
	model_bus *bus = *state;

	wr(bus, EDU_QOS_STATUS, 0xff);
	assert_int_equal(0x80, rd(bus, EDU_QOS_STATUS));
	wr(bus, EDU_QOS_FACT, 3);
	wr(bus, EDU_QOS_STATUS, 0x00);
	assert_int_equal(0x01, rd(bus, EDU_QOS_STATUS)); /* computing bit is read-only */
	wr(bus, EDU_QOS_STATUS, 0x80);
	assert_int_equal(0x81, rd(bus, EDU_QOS_STATUS));
	advance(bus, MODEL_EDU_FACT_DELAY_NS);
	assert_int_equal(0x80, rd(bus, EDU_QOS_STATUS));
}

static void test_edu_factorial_completion_raises_irq_when_enabled(void **state)
{
	model_bus *bus = *state;
	uint32_t line = model_bus_intx_line(SLOT, 1);

	factorial(bus, 4);
	assert_int_equal(0, rd(bus, EDU_QOS_IRQ_STATUS));
	expect_no_irq(bus);
	wr(bus, EDU_QOS_STATUS, 0x80);
	assert_int_equal(24, factorial(bus, 4));
	assert_int_equal(0x1, rd(bus, EDU_QOS_IRQ_STATUS));
	expect_irq(bus, false, line, true);
}

/* ---- interrupts -------------------------------------------------------- */

static void test_edu_raise_ors_causes_and_ack_lowers_intx(void **state)
{
	model_bus *bus = *state;
	uint32_t line = model_bus_intx_line(SLOT, 1);

	wr(bus, EDU_QOS_IRQ_RAISE, 0x10);
	wr(bus, EDU_QOS_IRQ_RAISE, 0x02);
	assert_int_equal(0x12, rd(bus, EDU_QOS_IRQ_STATUS));
	expect_irq(bus, false, line, true);
	expect_no_irq(bus); /* level already high */
	wr(bus, EDU_QOS_IRQ_ACK, 0x10);
	assert_int_equal(0x02, rd(bus, EDU_QOS_IRQ_STATUS));
	expect_no_irq(bus);
	wr(bus, EDU_QOS_IRQ_ACK, 0x02);
	expect_irq(bus, false, line, false);
	assert_int_equal(0, rd(bus, EDU_QOS_IRQ_STATUS));
}

static void test_edu_raise_with_msi_sends_one_message_per_write(void **state)
{
	model_bus *bus = *state;

	enable_msi(bus, 0x41);
	wr(bus, EDU_QOS_IRQ_RAISE, 0);
	expect_no_irq(bus); /* nothing raised, nothing sent */
	wr(bus, EDU_QOS_IRQ_RAISE, 0x1);
	wr(bus, EDU_QOS_IRQ_RAISE, 0x0); /* status still non-zero: sends again */
	expect_irq(bus, true, 0x41, true);
	expect_irq(bus, true, 0x41, true);
	expect_no_irq(bus);
	wr(bus, EDU_QOS_IRQ_ACK, 0x1);
	expect_no_irq(bus); /* MSI on: no INTx lowering */
}

static void test_edu_enabling_msi_deasserts_raised_intx(void **state)
{
	model_bus *bus = *state;
	uint32_t line = model_bus_intx_line(SLOT, 1);

	wr(bus, EDU_QOS_IRQ_RAISE, 0x1);
	expect_irq(bus, false, line, true);
	enable_msi(bus, 0x41);
	expect_irq(bus, false, line, false);
}

static void test_edu_msi_lost_without_bus_master(void **state)
{
	model_bus *bus = *state;

	enable_msi(bus, 0x41);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MEMORY, 2);
	wr(bus, EDU_QOS_IRQ_RAISE, 0x1);
	expect_no_irq(bus);
	assert_int_equal(1, rd(bus, EDU_QOS_IRQ_STATUS));
}

static void test_edu_intx_disable_keeps_line_low(void **state)
{
	model_bus *bus = *state;

	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND,
			    MODEL_PCI_CMD_MEMORY | MODEL_PCI_CMD_INTX_DISABLE, 2);
	wr(bus, EDU_QOS_IRQ_RAISE, 0x1);
	expect_no_irq(bus);
	assert_true(model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_STATUS, 2) & MODEL_PCI_STATUS_INTX);
}

/* ---- DMA --------------------------------------------------------------- */

static void test_edu_dma_ram_to_buffer_and_back(void **state)
{
	model_bus *bus = *state;

	fill_ram(bus, 0x10000, 256, 3);
	start_dma(bus, 0x10000, BUF + 0x100, 256, EDU_QOS_DMA_START);
	assert_int_equal(EDU_QOS_DMA_START, rd(bus, EDU_QOS_DMA_CMD));
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	assert_int_equal(0, rd(bus, EDU_QOS_DMA_CMD));
	start_dma(bus, BUF + 0x100, 0x20000, 256,
		  EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM | EDU_QOS_DMA_IRQ);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	assert_int_equal(EDU_QOS_DMA_TO_RAM | EDU_QOS_DMA_IRQ, rd(bus, EDU_QOS_DMA_CMD));
	assert_true(ram_matches(bus, 0x10000, 0x20000, 256));
	assert_int_equal(0x100, rd(bus, EDU_QOS_IRQ_STATUS));
	expect_irq(bus, false, model_bus_intx_line(SLOT, 1), true);
	assert_int_equal(0, model_bus_device_errors(bus));
}

static void test_edu_dma_completes_only_after_delay(void **state)
{
	model_bus *bus = *state;

	fill_ram(bus, 0x10000, 16, 1);
	start_dma(bus, 0x10000, BUF, 16, EDU_QOS_DMA_START);
	start_dma(bus, BUF, 0x30000, 16, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM);
	advance(bus, MODEL_EDU_DMA_DELAY_NS - 1);
	assert_int_equal(EDU_QOS_DMA_START, rd(bus, EDU_QOS_DMA_CMD)); /* second set was ignored */
	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_DMA_DST, 8) == BUF);
	advance(bus, 1);
	assert_int_equal(0, rd(bus, EDU_QOS_DMA_CMD));
	assert_true(ram_is_zero(bus, 0x30000, 16));
}

static void run_dma_to_ram(model_bus *bus, uint64_t bufaddr, uint64_t cnt)
{
	fill_ram(bus, 0x100000, 4096, 5);
	start_dma(bus, 0x100000, BUF, 4096 - 1, EDU_QOS_DMA_START); /* fill the buffer first */
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	start_dma(bus, bufaddr, 0x200000, cnt, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM | EDU_QOS_DMA_IRQ);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
}

static void test_edu_dma_4095_bytes_at_buffer_start_is_fine(void **state)
{
	model_bus *bus = *state;

	run_dma_to_ram(bus, BUF, 4095);
	assert_int_equal(0, model_bus_device_errors(bus));
	assert_true(ram_matches(bus, 0x100000, 0x200000, 4095));
}

static void expect_dma_refused(model_bus *bus, uint64_t bufaddr, uint64_t cnt)
{
	run_dma_to_ram(bus, bufaddr, cnt);
	assert_int_equal(1, model_bus_device_errors(bus));
	assert_non_null(strstr(model_bus_last_device_error(bus), "out of bounds"));
	assert_true(ram_is_zero(bus, 0x200000, 4096));
	/* the engine is free again */
	assert_int_equal(EDU_QOS_DMA_TO_RAM | EDU_QOS_DMA_IRQ, rd(bus, EDU_QOS_DMA_CMD));
	assert_int_equal(0, rd(bus, EDU_QOS_IRQ_STATUS));
}

static void test_edu_dma_touching_last_byte_is_device_error(void **state)
{
	expect_dma_refused(*state, BUF, 4096);
}

static void test_edu_dma_one_byte_at_last_buffer_byte_is_device_error(void **state)
{
	expect_dma_refused(*state, BUF + 0xfff, 1);
}

static void test_edu_dma_count_zero_is_device_error(void **state)
{
	expect_dma_refused(*state, BUF, 0);
}

static void test_edu_dma_buffer_address_zero_is_device_error(void **state)
{
	expect_dma_refused(*state, 0, 16);
}

static void test_edu_dma_ram_address_clamped_to_28_bits(void **state)
{
	model_bus *bus = *state;

	fill_ram(bus, 0x10000, 64, 9);
	start_dma(bus, 0x10000, BUF, 64, EDU_QOS_DMA_START);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	start_dma(bus, BUF, 0x10002000, 64, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	assert_true(ram_matches(bus, 0x10000, 0x2000, 64));
	assert_int_equal(1, model_bus_device_errors(bus));
	assert_non_null(strstr(model_bus_last_device_error(bus), "clamping"));
}

static void test_edu_dma_mask_from_config(void **state)
{
	(void)state;
	model_bus *bus = make_bus(&(struct model_edu_config){ .dma_mask = 0xfffff });

	fill_ram(bus, 0x23000, 32, 4);
	start_dma(bus, 0x123000, BUF, 32, EDU_QOS_DMA_START);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	start_dma(bus, BUF, 0x50000, 32, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	assert_true(ram_matches(bus, 0x23000, 0x50000, 32));
	assert_int_equal(1, model_bus_device_errors(bus));
	model_bus_destroy(bus);
}

static void test_edu_dma_without_bus_master_moves_nothing_but_completes(void **state)
{
	model_bus *bus = *state;
	struct model_bus_dma ev;

	fill_ram(bus, 0x10000, 64, 2);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MEMORY, 2);
	start_dma(bus, 0x10000, BUF, 64, EDU_QOS_DMA_START);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND,
			    MODEL_PCI_CMD_MEMORY | MODEL_PCI_CMD_MASTER, 2);
	start_dma(bus, BUF, 0x20000, 64, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	assert_true(ram_is_zero(bus, 0x20000, 64)); /* the buffer never got the data */
	assert_true(model_bus_dma_next(bus, &ev));
	assert_true(ev.to_memory && ev.addr == 0x20000 && ev.len == 64);
	assert_false(model_bus_dma_next(bus, &ev));
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MEMORY, 2);
	start_dma(bus, BUF, 0x20000, 64, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM | EDU_QOS_DMA_IRQ);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	assert_int_equal(0x100, rd(bus, EDU_QOS_IRQ_STATUS));
	assert_int_equal(0, model_bus_device_errors(bus));
}

static void test_edu_dma_done_delivered_by_msi(void **state)
{
	model_bus *bus = *state;

	enable_msi(bus, 0x30);
	start_dma(bus, 0x1000, BUF, 8, EDU_QOS_DMA_START | EDU_QOS_DMA_IRQ);
	expect_no_irq(bus);
	advance(bus, MODEL_EDU_DMA_DELAY_NS);
	expect_irq(bus, true, 0x30, true);
	expect_no_irq(bus);
}

/* ---- reset ------------------------------------------------------------- */

static void test_edu_reset_clears_registers_and_timers(void **state)
{
	model_bus *bus = *state;
	model_device *dev = model_bus_device(bus, SLOT);

	wr(bus, EDU_QOS_LIVENESS, 1);
	wr(bus, EDU_QOS_STATUS, 0x80);
	wr(bus, EDU_QOS_IRQ_RAISE, 0x4);
	wr(bus, EDU_QOS_FACT, 5);
	start_dma(bus, 0x1000, BUF, 8, EDU_QOS_DMA_START);
	model_device_reset(dev);
	assert_true(model_bus_next_deadline(bus) == UINT64_MAX);
	assert_int_equal(0, model_bus_cfg_read(bus, SLOT, 0, MODEL_PCI_COMMAND, 2));
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_BAR0, (uint32_t)BAR0, 4);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MEMORY, 2);
	assert_int_equal(0, rd(bus, EDU_QOS_LIVENESS));
	assert_int_equal(0, rd(bus, EDU_QOS_STATUS));
	assert_int_equal(0, rd(bus, EDU_QOS_IRQ_STATUS));
	assert_int_equal(0, rd(bus, EDU_QOS_FACT));
	assert_int_equal(0, rd(bus, EDU_QOS_DMA_CMD));
	assert_true(model_bus_mem_read(bus, BAR0 + EDU_QOS_DMA_SRC, 8) == 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_edu_config_identity_matches_qemu),
		T(test_edu_bar_sizing_matches_qemu),
		T(test_edu_no_msi_variant_has_no_capability),
		T(test_edu_id_register_default_and_configured),
		T(test_edu_liveness_reads_inverse_of_last_write),
		T(test_edu_wrong_size_and_undecoded_accesses),
		T(test_edu_bar_ignored_without_memory_decode),
		T(test_edu_dma_register_4_byte_write_sets_whole_register),
		T(test_edu_factorial_0_to_12),
		T(test_edu_factorial_13_wraps_to_32_bits),
		T(test_edu_factorial_write_while_computing_is_ignored),
		T(test_edu_status_write_touches_only_irq_enable_bit),
		T(test_edu_factorial_completion_raises_irq_when_enabled),
		T(test_edu_raise_ors_causes_and_ack_lowers_intx),
		T(test_edu_raise_with_msi_sends_one_message_per_write),
		T(test_edu_enabling_msi_deasserts_raised_intx),
		T(test_edu_msi_lost_without_bus_master),
		T(test_edu_intx_disable_keeps_line_low),
		T(test_edu_dma_ram_to_buffer_and_back),
		T(test_edu_dma_completes_only_after_delay),
		T(test_edu_dma_4095_bytes_at_buffer_start_is_fine),
		T(test_edu_dma_touching_last_byte_is_device_error),
		T(test_edu_dma_one_byte_at_last_buffer_byte_is_device_error),
		T(test_edu_dma_count_zero_is_device_error),
		T(test_edu_dma_buffer_address_zero_is_device_error),
		T(test_edu_dma_ram_address_clamped_to_28_bits),
		T(test_edu_dma_mask_from_config),
		T(test_edu_dma_without_bus_master_moves_nothing_but_completes),
		T(test_edu_dma_done_delivered_by_msi),
		T(test_edu_reset_clears_registers_and_timers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
