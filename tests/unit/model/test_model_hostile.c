/* The hostile device (model/hostile.h) around edu on the in-process bus:
 * each kind of record, from a fixed program, does what the header says,
 * and the engine's limits report the driver that never stops asking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "edu_qos_regs.h"
#include "model/bus.h"
#include "model/edu.h"
#include "model/hostile.h"

#define RAM_SIZE (16u << 20)
#define SLOT 4
#define BAR0 0xfe000000ull
#define DST 0x100000ull

struct fixture {
	model_bus *bus;
	struct model_hostile *h;
	model_device *gone;
	unsigned gone_calls;
	unsigned findings;
	enum model_hostile_finding last_class;
};

static void on_gone(void *ctx, model_device *dev)
{
	struct fixture *f = ctx;

	f->gone_calls++;
	f->gone = model_bus_detach(f->bus, SLOT);
	assert_ptr_equal(dev, f->gone);
}

static void on_finding(void *ctx, enum model_hostile_finding cls, const char *msg)
{
	struct fixture *f = ctx;

	assert_non_null(msg);
	f->findings++;
	f->last_class = cls;
}

static struct fixture *make(bool no_msi)
{
	struct model_edu_config cfg = { .no_msi = no_msi };
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->bus = model_bus_create(RAM_SIZE);
	f->h = model_hostile_create();
	assert_non_null(f->bus);
	assert_non_null(f->h);
	assert_true(model_bus_attach(f->bus, SLOT, model_edu_create(&cfg)));
	assert_true(model_hostile_wrap(f->h, model_bus_device(f->bus, SLOT)));
	model_hostile_on_gone(f->h, on_gone, f);
	model_hostile_on_finding(f->h, on_finding, f);
	model_bus_cfg_write(f->bus, SLOT, 0, MODEL_PCI_BAR0, (uint32_t)BAR0, 4);
	model_bus_cfg_write(f->bus, SLOT, 0, MODEL_PCI_COMMAND,
			    MODEL_PCI_CMD_MEMORY | MODEL_PCI_CMD_MASTER, 2);
	return f;
}

static int setup(void **state)
{
	*state = make(false);
	return 0;
}

static int setup_intx(void **state)
{
	*state = make(true);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	model_device_destroy(f->gone);
	model_bus_destroy(f->bus);
	model_hostile_destroy(f->h);
	free(f);
	return 0;
}

static uint32_t rd(struct fixture *f, uint64_t off)
{
	return (uint32_t)model_bus_mem_read(f->bus, BAR0 + off, 4);
}

static void wr(struct fixture *f, uint64_t off, uint32_t val)
{
	model_bus_mem_write(f->bus, BAR0 + off, val, 4);
}

/* One record of the program. */
static void rec(uint8_t *r, enum model_hostile_kind kind, uint16_t at, uint8_t mode, uint16_t arg,
		uint32_t value)
{
	r[0] = (uint8_t)kind;
	r[1] = (uint8_t)at;
	r[2] = (uint8_t)(at >> 8);
	r[3] = mode;
	r[4] = (uint8_t)arg;
	r[5] = (uint8_t)(arg >> 8);
	for (int i = 0; i < 4; i++)
		r[6 + i] = (uint8_t)(value >> (8 * i));
}

static void load1(struct fixture *f, enum model_hostile_kind kind, uint16_t at, uint8_t mode,
		  uint16_t arg, uint32_t value)
{
	uint8_t r[MODEL_HOSTILE_RECORD];

	rec(r, kind, at, mode, arg, value);
	model_hostile_load(f->h, r, sizeof(r));
}

static void enable_msi(struct fixture *f)
{
	model_bus_cfg_write(f->bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_ADDR_LO,
			    (uint32_t)MODEL_BUS_MSI_WINDOW, 4);
	model_bus_cfg_write(f->bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_ADDR_HI, 0, 4);
	model_bus_cfg_write(f->bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_DATA, 0x31, 2);
	model_bus_cfg_write(f->bus, SLOT, 0, EDU_QOS_MSI_CAP + EDU_QOS_MSI_CONTROL,
			    MODEL_MSI_FLAGS_ENABLE, 2);
}

static unsigned count_irqs(struct fixture *f, bool msi, bool level)
{
	struct model_bus_irq ev;
	unsigned n = 0;

	while (model_bus_irq_next(f->bus, &ev))
		n += ev.msi == msi && ev.level == level;
	return n;
}

static void advance(struct fixture *f, uint64_t ns)
{
	uint64_t target = model_bus_clock_ns(f->bus) + ns;

	for (int i = 0; i < 1000 && model_bus_next_deadline(f->bus) <= target; i++)
		model_bus_run_until(f->bus, target);
	model_bus_run_until(f->bus, target);
}

static void test_a_disarmed_wrapper_is_the_real_device(void **state)
{
	struct fixture *f = *state;

	assert_false(model_hostile_armed(f->h));
	assert_int_equal(EDU_QOS_ID_VALUE, rd(f, EDU_QOS_ID));
	wr(f, EDU_QOS_LIVENESS, 0x1234);
	assert_int_equal(~0x1234u, rd(f, EDU_QOS_LIVENESS));
}

static void test_a_read_override_replaces_the_chosen_read_only(void **state)
{
	struct fixture *f = *state;

	load1(f, MODEL_HOSTILE_READ, 1, 2, 0, 0xdeadbeef);
	assert_int_equal(EDU_QOS_ID_VALUE, rd(f, EDU_QOS_ID));
	assert_int_equal(0xdeadbeef, rd(f, EDU_QOS_ID));
	assert_int_equal(EDU_QOS_ID_VALUE, rd(f, EDU_QOS_ID));
}

static void test_read_ops_combine_the_real_value(void **state)
{
	struct fixture *f = *state;
	uint32_t id = EDU_QOS_ID_VALUE;

	load1(f, MODEL_HOSTILE_READ, 0, 0, 0, 0);
	assert_int_equal(0xffffffffu, rd(f, EDU_QOS_ID));
	load1(f, MODEL_HOSTILE_READ, 0, 1, 0, 0);
	assert_int_equal(0, rd(f, EDU_QOS_ID));
	load1(f, MODEL_HOSTILE_READ, 0, 3, 0, 0xff);
	assert_int_equal(id ^ 0xffu, rd(f, EDU_QOS_ID));
	load1(f, MODEL_HOSTILE_READ, 0, 4, 0, 0x100);
	assert_int_equal(id | 0x100u, rd(f, EDU_QOS_ID));
	load1(f, MODEL_HOSTILE_READ, 0, 5, 0, 0xed);
	assert_int_equal(id & ~0xedu, rd(f, EDU_QOS_ID));
	load1(f, MODEL_HOSTILE_READ, 0, 6, 0, 1);
	assert_int_equal(id + 1, rd(f, EDU_QOS_ID));
	load1(f, MODEL_HOSTILE_READ, 0, 7, 0, 0);
	assert_int_equal(0xed000001u, rd(f, EDU_QOS_ID));
}

static void test_a_sticky_override_holds_for_that_register_only(void **state)
{
	struct fixture *f = *state;

	/* The status register says "computing" on every read from now on. */
	load1(f, MODEL_HOSTILE_READ, 0, (uint8_t)(4 | 31u << 3), 0, EDU_QOS_STATUS_COMPUTING);
	for (int i = 0; i < 50; i++)
		assert_true(rd(f, EDU_QOS_STATUS) & EDU_QOS_STATUS_COMPUTING);
	assert_int_equal(EDU_QOS_ID_VALUE, rd(f, EDU_QOS_ID));
	/* Two more, then the real value. */
	load1(f, MODEL_HOSTILE_READ, 0, (uint8_t)(2 | 2u << 3), 0, 7);
	assert_int_equal(7, rd(f, EDU_QOS_ID));
	assert_int_equal(7, rd(f, EDU_QOS_ID));
	assert_int_equal(7, rd(f, EDU_QOS_ID));
	assert_int_equal(EDU_QOS_ID_VALUE, rd(f, EDU_QOS_ID));
}

static void test_a_dropped_write_never_reaches_the_device(void **state)
{
	struct fixture *f = *state;
	struct model_hostile_stats st;

	wr(f, EDU_QOS_LIVENESS, 1);
	load1(f, MODEL_HOSTILE_WRITE, 1, 0, 0, 0);
	wr(f, EDU_QOS_LIVENESS, 2);
	wr(f, EDU_QOS_LIVENESS, 3);
	assert_int_equal(~2u, rd(f, EDU_QOS_LIVENESS));
	model_hostile_stats(f->h, &st);
	assert_int_equal(1, st.writes_dropped);
}

static void start_dma_to_ram(struct fixture *f)
{
	model_bus_mem_write(f->bus, BAR0 + EDU_QOS_DMA_SRC, EDU_QOS_DMA_BUF, 8);
	model_bus_mem_write(f->bus, BAR0 + EDU_QOS_DMA_DST, DST, 8);
	model_bus_mem_write(f->bus, BAR0 + EDU_QOS_DMA_CNT, 16, 8);
	model_bus_mem_write(f->bus, BAR0 + EDU_QOS_DMA_CMD, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM,
			    8);
}

static uint32_t ram32(struct fixture *f, uint64_t addr)
{
	uint32_t v = 0;

	assert_true(model_bus_ram_read(f->bus, addr, &v, sizeof(v)));
	return v;
}

static void test_dma_corruption_changes_the_chosen_field(void **state)
{
	struct fixture *f = *state;
	uint32_t before;

	/* The device's buffer is zero: a plain DMA writes zeros. */
	start_dma_to_ram(f);
	advance(f, MODEL_EDU_DMA_DELAY_NS);
	before = ram32(f, DST + 8);
	load1(f, MODEL_HOSTILE_DMA, 0, 2, 8, 0xc0ffee00);
	start_dma_to_ram(f);
	advance(f, MODEL_EDU_DMA_DELAY_NS);
	assert_int_equal(0xc0ffee00, ram32(f, DST + 8));
	assert_int_equal(before, ram32(f, DST + 4));
}

static void test_a_late_corruption_changes_the_entry_under_a_second_read(void **state)
{
	struct fixture *f = *state;

	/* Lands at the second register access after the DMA. */
	load1(f, MODEL_HOSTILE_DMA, 0, (uint8_t)(4 | 2 | 1u << 3), 0, 0xabcd1234);
	start_dma_to_ram(f);
	advance(f, MODEL_EDU_DMA_DELAY_NS);
	assert_int_equal(0, ram32(f, DST));
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(0, ram32(f, DST));
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(0xabcd1234, ram32(f, DST));
}

static void test_interrupts_are_dropped_duplicated_and_stormed(void **state)
{
	struct fixture *f = *state;
	uint8_t prog[3 * MODEL_HOSTILE_RECORD];
	struct model_hostile_stats st;

	enable_msi(f);
	rec(prog, MODEL_HOSTILE_IRQ, 0, 0, 0, 0);
	rec(prog + MODEL_HOSTILE_RECORD, MODEL_HOSTILE_IRQ, 1, 1, 2, 0);
	rec(prog + 2 * MODEL_HOSTILE_RECORD, MODEL_HOSTILE_IRQ, 2, 2, 99, 0);
	model_hostile_load(f->h, prog, sizeof(prog));
	wr(f, EDU_QOS_IRQ_RAISE, 1);
	assert_int_equal(0, count_irqs(f, true, true));
	wr(f, EDU_QOS_IRQ_RAISE, 1);
	assert_int_equal(1 + 3, count_irqs(f, true, true));
	wr(f, EDU_QOS_IRQ_RAISE, 1);
	assert_int_equal(1 + 100, count_irqs(f, true, true));
	wr(f, EDU_QOS_IRQ_RAISE, 1);
	assert_int_equal(1, count_irqs(f, true, true));
	model_hostile_stats(f->h, &st);
	assert_int_equal(4, st.irqs);
	assert_int_equal(1, st.irqs_dropped);
	assert_int_equal(103, st.irqs_extra);
}

static void test_spurious_interrupts_come_before_the_chosen_access(void **state)
{
	struct fixture *f = *state;

	enable_msi(f);
	load1(f, MODEL_HOSTILE_SPURIOUS, 1, 0, 2, 0);
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(0, count_irqs(f, true, true));
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(3, count_irqs(f, true, true));
	assert_int_equal(0, rd(f, EDU_QOS_IRQ_STATUS)); /* nothing the device raised */
}

static void test_intx_interrupts_pulse_or_never_rise(void **state)
{
	struct fixture *f = *state;

	load1(f, MODEL_HOSTILE_SPURIOUS, 0, 0, 0, 0);
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(1, count_irqs(f, false, true));
	load1(f, MODEL_HOSTILE_IRQ, 0, 0, 0, 0);
	wr(f, EDU_QOS_IRQ_RAISE, 1);
	assert_int_equal(0, count_irqs(f, false, true));
	assert_int_equal(1, rd(f, EDU_QOS_IRQ_STATUS)); /* raised, the line kept low */
}

static void test_removal_at_the_chosen_access_detaches_the_device(void **state)
{
	struct fixture *f = *state;
	struct model_hostile_stats st;

	load1(f, MODEL_HOSTILE_REMOVE, 2, 0, 0, 0);
	assert_int_equal(EDU_QOS_ID_VALUE, rd(f, EDU_QOS_ID));
	wr(f, EDU_QOS_LIVENESS, 1);
	assert_false(model_hostile_gone(f->h));
	assert_int_equal(0xffffffffu, rd(f, EDU_QOS_ID));
	assert_true(model_hostile_gone(f->h));
	assert_int_equal(1, f->gone_calls);
	assert_null(model_bus_device(f->bus, SLOT));
	assert_int_equal(0xffff, model_bus_cfg_read(f->bus, SLOT, 0, 0, 2));
	model_hostile_stats(f->h, &st);
	assert_int_equal(2, st.removed_at);
}

static void test_reads_with_the_clock_standing_still_are_a_busy_poll(void **state)
{
	struct fixture *f = *state;
	struct model_hostile_limits lim = { .reads_same_clock = 100 };

	model_hostile_set_limits(f->h, &lim);
	load1(f, MODEL_HOSTILE_READ, 0, (uint8_t)(2 | 31u << 3), 0, 1);
	for (int i = 0; i < 99; i++) {
		(void)rd(f, EDU_QOS_STATUS);
		advance(f, 1000);
	}
	assert_int_equal(0, f->findings);
	for (int i = 0; i < 100; i++)
		(void)rd(f, EDU_QOS_STATUS);
	assert_int_equal(1, f->findings);
	assert_int_equal(MODEL_HOSTILE_BUSY_POLL, f->last_class);
	assert_string_equal("busy-poll", model_hostile_finding_name(f->last_class));
}

static void test_reads_after_an_interrupt_are_its_handlers_not_a_poll(void **state)
{
	struct fixture *f = *state;
	struct model_hostile_limits lim = { .reads_same_clock = 100 };

	enable_msi(f);
	model_hostile_set_limits(f->h, &lim);
	load1(f, MODEL_HOSTILE_READ, 1000, 0, 0, 0);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 60; i++)
			(void)rd(f, EDU_QOS_IRQ_STATUS);
		wr(f, EDU_QOS_IRQ_RAISE, 1);
	}
	assert_int_equal(0, f->findings);
	assert_int_equal(5, count_irqs(f, true, true));
}

static void test_the_access_and_clock_budgets_are_findings(void **state)
{
	struct fixture *f = *state;
	struct model_hostile_limits lim = { .accesses = 20, .clock_ns = 1000000 };

	model_hostile_set_limits(f->h, &lim);
	load1(f, MODEL_HOSTILE_READ, 500, 0, 0, 0);
	for (int i = 0; i < 19; i++)
		(void)rd(f, EDU_QOS_ID);
	assert_int_equal(0, f->findings);
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(1, f->findings);
	assert_int_equal(MODEL_HOSTILE_ACCESS_BUDGET, f->last_class);
	advance(f, 2000000);
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(2, f->findings);
	assert_int_equal(MODEL_HOSTILE_CLOCK_BUDGET, f->last_class);
	/* Disarmed: the honest device is judged by nobody. */
	model_hostile_disarm(f->h);
	advance(f, 2000000);
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(2, f->findings);
}

static void test_the_access_budget_counts_from_the_last_driver_entry(void **state)
{
	struct fixture *f = *state;
	struct model_hostile_limits lim = { .accesses = 20 };

	model_hostile_set_limits(f->h, &lim);
	load1(f, MODEL_HOSTILE_READ, 500, 0, 0, 0);
	/* Five entries of 19 accesses each: every one ends in time. */
	for (int entry = 0; entry < 5; entry++) {
		model_hostile_entry(f->h);
		for (int i = 0; i < 19; i++)
			(void)rd(f, EDU_QOS_ID);
	}
	assert_int_equal(0, f->findings);
	/* The fifth entry's 20th access is over its budget. */
	(void)rd(f, EDU_QOS_ID);
	assert_int_equal(1, f->findings);
	assert_int_equal(MODEL_HOSTILE_ACCESS_BUDGET, f->last_class);
}

static void test_the_program_describes_its_records(void **state)
{
	struct fixture *f = *state;
	uint8_t prog[MODEL_HOSTILE_RECORD + 3] = { 0 };
	char line[128];

	rec(prog, MODEL_HOSTILE_IRQ + MODEL_HOSTILE_KIND_COUNT, 258, 1, 3, 0x10);
	prog[MODEL_HOSTILE_RECORD] = MODEL_HOSTILE_REMOVE; /* a short record: zeros after */
	model_hostile_load(f->h, prog, sizeof(prog));
	assert_true(model_hostile_describe(f->h, 0, line, sizeof(line)));
	assert_string_equal("IRQ at 258 mode 0x01 arg 3 value 0x10", line);
	assert_true(model_hostile_describe(f->h, 1, line, sizeof(line)));
	assert_string_equal("REMOVE at 0 mode 0x00 arg 0 value 0x0", line);
	assert_false(model_hostile_describe(f->h, 2, line, sizeof(line)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_disarmed_wrapper_is_the_real_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_read_override_replaces_the_chosen_read_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_ops_combine_the_real_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_sticky_override_holds_for_that_register_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_dropped_write_never_reaches_the_device, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dma_corruption_changes_the_chosen_field, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_late_corruption_changes_the_entry_under_a_second_read,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupts_are_dropped_duplicated_and_stormed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spurious_interrupts_come_before_the_chosen_access,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_intx_interrupts_pulse_or_never_rise, setup_intx,
						teardown),
		cmocka_unit_test_setup_teardown(test_removal_at_the_chosen_access_detaches_the_device,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_with_the_clock_standing_still_are_a_busy_poll,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reads_after_an_interrupt_are_its_handlers_not_a_poll,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_access_budget_counts_from_the_last_driver_entry,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_the_access_and_clock_budgets_are_findings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_the_program_describes_its_records, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
