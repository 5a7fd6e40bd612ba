/* The in-process bus: slots and config, BAR decoding gated by the command
 * register, RAM, the MSI window, INTx lines, DMA checks, timers, events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/bus.h"

#define RAM_SIZE (1u << 20)
#define SLOT 4
#define BAR0_BASE 0xfe000000ull
#define BAR2_BASE 0x200000000ull
#define IO_BASE 0xc000u

/* A probe device: BAR reads return a tag with BAR and offset; the last
 * write is remembered; timers record their firing order. */
struct probe {
	model_device dev;
	unsigned last_bar;
	uint64_t last_off, last_val;
	unsigned last_size;
	int writes;
	model_timer timers[3];
	struct tag {
		struct probe *p;
		int id;
	} tags[3];
	int order[3], fired;
};

static uint64_t probe_read(model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	(void)dev; (void)size;
	return 0xa0000000u | (bar << 16) | (uint32_t)off;
}

static void probe_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val, unsigned size)
{
	struct probe *p = dev->state;
	p->last_bar = bar;
	p->last_off = off;
	p->last_val = val;
	p->last_size = size;
	p->writes++;
}

static void probe_destroy(model_device *dev)
{
	struct probe *p = dev->state;
	for (int i = 0; i < 3; i++)
		model_timer_del(dev, &p->timers[i]);
	free(p);
}

static const struct model_device_ops probe_ops = {
	.name = "probe", .bar_read = probe_read, .bar_write = probe_write, .destroy = probe_destroy,
};

static void timer_fired(void *opaque)
{
	struct tag *t = opaque;
	t->p->order[t->p->fired++] = t->id;
}

static struct probe *probe_create(void)
{
	struct probe *p = calloc(1, sizeof(*p));

	model_device_init(&p->dev, &probe_ops, p, 0x1b36, 0x0010, 1, 0xff0000);
	model_device_set_int_pin(&p->dev, 1);
	model_device_declare_bar(&p->dev, 0, MODEL_BAR_MEM32, 0x1000);
	model_device_declare_bar(&p->dev, 1, MODEL_BAR_IO, 0x20);
	model_device_declare_bar(&p->dev, 2, MODEL_BAR_MEM64, 0x10000);
	model_device_add_msi(&p->dev, 1, true, false);
	for (int i = 0; i < 3; i++) {
		p->tags[i] = (struct tag){ p, i };
		model_timer_init(&p->timers[i], timer_fired, &p->tags[i]);
	}
	return p;
}

struct fixture {
	model_bus *bus;
	struct probe *probe;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->bus = model_bus_create(RAM_SIZE);
	f->probe = probe_create();
	assert_true(model_bus_attach(f->bus, SLOT, &f->probe->dev));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	model_bus_destroy(f->bus);
	free(f);
	return 0;
}

static model_bus *bus_of(void **state)
{
	return ((struct fixture *)*state)->bus;
}

static struct probe *probe_of(void **state)
{
	return ((struct fixture *)*state)->probe;
}

static void program_bars(model_bus *bus, uint16_t cmd)
{
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_BAR0, (uint32_t)BAR0_BASE, 4);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_BAR0 + 4, IO_BASE, 4);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_BAR0 + 8, (uint32_t)BAR2_BASE, 4);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_BAR0 + 12, (uint32_t)(BAR2_BASE >> 32), 4);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, cmd, 2);
}

static void test_bus_empty_slot_reads_all_ones(void **state)
{
	model_bus *bus = bus_of(state);

	assert_int_equal(0xffffffff, model_bus_cfg_read(bus, 3, 0, 0, 4));
	assert_int_equal(0xffff, model_bus_cfg_read(bus, 3, 0, 0, 2));
	assert_int_equal(0xff, model_bus_cfg_read(bus, 3, 0, 0, 1));
	assert_int_equal(0xffffffff, model_bus_cfg_read(bus, SLOT, 1, 0, 4));
	assert_int_equal(0xffffffff, model_bus_cfg_read(bus, MODEL_BUS_SLOTS, 0, 0, 4));
	assert_int_equal(0x00101b36, model_bus_cfg_read(bus, SLOT, 0, 0, 4));
}

static void test_bus_attach_refuses_occupied_or_bad_slot(void **state)
{
	model_bus *bus = bus_of(state);
	struct probe *p = probe_create();

	assert_false(model_bus_attach(bus, SLOT, &p->dev));
	assert_false(model_bus_attach(bus, MODEL_BUS_SLOTS, &p->dev));
	assert_true(model_bus_attach(bus, 7, &p->dev));
	assert_ptr_equal(&p->dev, model_bus_device(bus, 7));
}

static void test_bus_ram_access_is_little_endian(void **state)
{
	model_bus *bus = bus_of(state);
	uint8_t bytes[4];

	model_bus_mem_write(bus, 0x1000, 0x1122334455667788ull, 8);
	assert_true(model_bus_ram_read(bus, 0x1000, bytes, 4));
	assert_memory_equal(((uint8_t[]){ 0x88, 0x77, 0x66, 0x55 }), bytes, 4);
	assert_int_equal(0x55667788, model_bus_mem_read(bus, 0x1000, 4));
	assert_false(model_bus_ram_read(bus, RAM_SIZE - 2, bytes, 4));
	assert_false(model_bus_ram_write(bus, RAM_SIZE, bytes, 1));
	assert_true(model_bus_ram_size(bus) == RAM_SIZE);
}

static void test_bus_mem_bar_decodes_only_with_memory_enable(void **state)
{
	model_bus *bus = bus_of(state);
	struct probe *p = probe_of(state);

	program_bars(bus, 0);
	assert_int_equal(0, model_bus_mem_read(bus, BAR0_BASE + 0x10, 4));
	model_bus_mem_write(bus, BAR0_BASE + 0x10, 1, 4);
	assert_int_equal(0, p->writes);
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MEMORY, 2);
	assert_int_equal(0xa0000010, model_bus_mem_read(bus, BAR0_BASE + 0x10, 4));
	model_bus_mem_write(bus, BAR0_BASE + 0xffc, 0xdead, 4);
	assert_int_equal(1, p->writes);
	assert_int_equal(0xffc, p->last_off);
	assert_int_equal(0xdead, p->last_val);
	assert_int_equal(0, model_bus_mem_read(bus, BAR0_BASE + 0x1000, 4)); /* past the BAR */
}

static void test_bus_mem64_bar_decodes_above_4g(void **state)
{
	model_bus *bus = bus_of(state);

	program_bars(bus, MODEL_PCI_CMD_MEMORY);
	assert_int_equal(0xa0020008, model_bus_mem_read(bus, BAR2_BASE + 8, 8));
	model_bus_mem_write(bus, BAR2_BASE + 0x20, 0x1122334455667788ull, 8);
	assert_int_equal(2, probe_of(state)->last_bar);
	assert_true(probe_of(state)->last_val == 0x1122334455667788ull);
	assert_int_equal(8, probe_of(state)->last_size);
}

static void test_bus_io_bar_decodes_only_with_io_enable(void **state)
{
	model_bus *bus = bus_of(state);

	program_bars(bus, MODEL_PCI_CMD_MEMORY);
	assert_int_equal(0xffffffff, model_bus_io_read(bus, IO_BASE + 4, 4));
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_IO, 2);
	assert_int_equal(0xa0010004, model_bus_io_read(bus, IO_BASE + 4, 4));
	assert_int_equal(0x04, model_bus_io_read(bus, IO_BASE + 4, 1));
	model_bus_io_write(bus, IO_BASE + 2, 0xbeef, 2);
	assert_int_equal(1, probe_of(state)->last_bar);
	assert_int_equal(2, probe_of(state)->last_off);
	assert_int_equal(0xffff, model_bus_io_read(bus, 0x80, 2));
}

static void test_bus_unmapped_memory_reads_zero(void **state)
{
	model_bus *bus = bus_of(state);

	assert_int_equal(0, model_bus_mem_read(bus, 0xd0000000, 4));
	assert_int_equal(0, model_bus_mem_read(bus, RAM_SIZE - 2, 4)); /* straddles RAM's end */
}

static void test_bus_detach_hides_device_and_its_bars(void **state)
{
	model_bus *bus = bus_of(state);
	model_device *dev;

	program_bars(bus, MODEL_PCI_CMD_MEMORY);
	dev = model_bus_detach(bus, SLOT);
	assert_ptr_equal(&probe_of(state)->dev, dev);
	assert_null(model_bus_device(bus, SLOT));
	assert_int_equal(0xffffffff, model_bus_cfg_read(bus, SLOT, 0, 0, 4));
	assert_int_equal(0, model_bus_mem_read(bus, BAR0_BASE, 4));
	assert_null(model_bus_detach(bus, SLOT));
	model_device_destroy(dev);
}

static void test_bus_msi_window_write_records_msi_event(void **state)
{
	model_bus *bus = bus_of(state);
	struct model_bus_irq ev;

	assert_false(model_bus_irq_next(bus, &ev));
	model_bus_mem_write(bus, MODEL_BUS_MSI_WINDOW, 0x31, 4);
	model_bus_mem_write(bus, MODEL_BUS_MSI_WINDOW, 0x32, 2); /* not a message */
	assert_true(model_bus_irq_next(bus, &ev));
	assert_true(ev.msi);
	assert_int_equal(0x31, ev.id);
	assert_false(model_bus_irq_next(bus, &ev));
}

static void enable_device_msi(model_bus *bus, uint16_t cmd, uint64_t addr, uint16_t data)
{
	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, cmd, 2);
	model_bus_cfg_write(bus, SLOT, 0, 0x44, (uint32_t)addr, 4);
	model_bus_cfg_write(bus, SLOT, 0, 0x48, (uint32_t)(addr >> 32), 4);
	model_bus_cfg_write(bus, SLOT, 0, 0x4c, data, 2);
	model_bus_cfg_write(bus, SLOT, 0, 0x42, MODEL_MSI_FLAGS_ENABLE, 2);
}

static void test_bus_device_msi_to_window_is_an_interrupt_event(void **state)
{
	model_bus *bus = bus_of(state);
	struct model_bus_irq ev;
	struct model_bus_dma dma;

	enable_device_msi(bus, MODEL_PCI_CMD_MASTER, MODEL_BUS_MSI_WINDOW, 0x25);
	model_device_msi_notify(&probe_of(state)->dev, 0);
	assert_true(model_bus_irq_next(bus, &ev));
	assert_true(ev.msi);
	assert_int_equal(0x25, ev.id);
	assert_false(model_bus_dma_next(bus, &dma));
}

static void test_bus_device_msi_to_ram_mailbox_stores_four_bytes(void **state)
{
	model_bus *bus = bus_of(state);
	uint8_t mbox[8];

	memset(mbox, 0xff, sizeof(mbox));
	model_bus_ram_write(bus, 0x8000, mbox, sizeof(mbox));
	enable_device_msi(bus, MODEL_PCI_CMD_MASTER, 0x8000, 0x4242);
	model_device_msi_notify(&probe_of(state)->dev, 0);
	model_bus_ram_read(bus, 0x8000, mbox, sizeof(mbox));
	assert_memory_equal(((uint8_t[]){ 0x42, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff }), mbox, 8);
}

static void test_bus_master_off_blocks_dma_and_msi(void **state)
{
	model_bus *bus = bus_of(state);
	model_device *dev = &probe_of(state)->dev;
	struct model_bus_irq ev;
	struct model_bus_dma dma;
	uint8_t buf[4] = { 1, 2, 3, 4 }, back[4];

	enable_device_msi(bus, MODEL_PCI_CMD_MEMORY, MODEL_BUS_MSI_WINDOW, 0x25);
	model_device_msi_notify(dev, 0);
	assert_false(model_dma_write(dev, 0x100, buf, sizeof(buf)));
	assert_false(model_bus_irq_next(bus, &ev));
	assert_false(model_bus_dma_next(bus, &dma));
	model_bus_ram_read(bus, 0x100, back, sizeof(back));
	assert_memory_equal(((uint8_t[]){ 0, 0, 0, 0 }), back, 4);
	assert_int_equal(0, model_bus_device_errors(bus));
}

static void test_bus_intx_changes_are_line_events(void **state)
{
	model_bus *bus = bus_of(state);
	struct model_bus_irq ev;
	uint32_t line = model_bus_intx_line(SLOT, 1);

	assert_int_equal(20, line);
	assert_int_equal(23, model_bus_intx_line(2, 2));
	model_device_set_irq(&probe_of(state)->dev, true);
	model_device_set_irq(&probe_of(state)->dev, false);
	assert_true(model_bus_irq_next(bus, &ev));
	assert_false(ev.msi);
	assert_int_equal(line, ev.id);
	assert_true(ev.level);
	assert_true(model_bus_irq_next(bus, &ev));
	assert_false(ev.level);
	assert_false(model_bus_irq_next(bus, &ev));
}

static void test_bus_dma_events_record_slot_address_length_direction(void **state)
{
	model_bus *bus = bus_of(state);
	model_device *dev = &probe_of(state)->dev;
	struct model_bus_dma ev;
	uint8_t buf[16] = { 9 };

	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MASTER, 2);
	assert_true(model_dma_write(dev, 0x2000, buf, 16));
	assert_true(model_dma_read(dev, 0x3000, buf, 8));
	assert_true(model_bus_dma_next(bus, &ev));
	assert_int_equal(SLOT, ev.slot);
	assert_true(ev.addr == 0x2000 && ev.len == 16 && ev.to_memory);
	assert_true(model_bus_dma_next(bus, &ev));
	assert_true(ev.addr == 0x3000 && ev.len == 8 && !ev.to_memory);
	assert_false(model_bus_dma_next(bus, &ev));
}

static void test_bus_dma_outside_ram_is_device_error(void **state)
{
	model_bus *bus = bus_of(state);
	model_device *dev = &probe_of(state)->dev;
	uint8_t buf[4] = { 1, 2, 3, 4 };

	model_bus_cfg_write(bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MASTER, 2);
	assert_false(model_dma_write(dev, RAM_SIZE - 2, buf, sizeof(buf)));
	assert_false(model_dma_read(dev, UINT64_MAX - 1, buf, sizeof(buf)));
	assert_int_equal(2, model_bus_device_errors(bus));
	assert_non_null(strstr(model_bus_last_device_error(bus), "outside RAM"));
	assert_non_null(strstr(model_bus_last_device_error(bus), "probe"));
	assert_int_equal(0, model_bus_mem_read(bus, RAM_SIZE - 2, 2));
	assert_int_equal(1, buf[0]);
}

static void test_bus_timers_fire_in_deadline_order_one_per_run(void **state)
{
	model_bus *bus = bus_of(state);
	struct probe *p = probe_of(state);

	model_timer_mod(&p->dev, &p->timers[0], 300);
	model_timer_mod(&p->dev, &p->timers[1], 100);
	model_timer_mod(&p->dev, &p->timers[2], 200);
	assert_true(model_bus_next_deadline(bus) == 100);
	assert_true(model_bus_run_until(bus, 1000) == 100);
	assert_int_equal(1, p->fired);
	assert_true(model_bus_run_until(bus, 1000) == 200);
	assert_true(model_bus_run_until(bus, 1000) == 300);
	assert_true(model_bus_run_until(bus, 1000) == 1000); /* nothing due: clock moves on */
	assert_int_equal(3, p->fired);
	assert_int_equal(1, p->order[0]);
	assert_int_equal(2, p->order[1]);
	assert_int_equal(0, p->order[2]);
	assert_true(model_bus_next_deadline(bus) == UINT64_MAX);
}

static void test_bus_run_until_stops_short_of_later_timers(void **state)
{
	model_bus *bus = bus_of(state);
	struct probe *p = probe_of(state);

	model_timer_mod(&p->dev, &p->timers[0], 500);
	assert_true(model_bus_run_until(bus, 400) == 400);
	assert_int_equal(0, p->fired);
	assert_true(model_clock_ns(&p->dev) == 400);
	assert_true(p->timers[0].armed);
}

static void test_bus_timer_del_and_rearm(void **state)
{
	model_bus *bus = bus_of(state);
	struct probe *p = probe_of(state);

	model_timer_mod(&p->dev, &p->timers[0], 100);
	model_timer_mod(&p->dev, &p->timers[1], 200);
	model_timer_del(&p->dev, &p->timers[0]);
	model_timer_mod(&p->dev, &p->timers[1], 50); /* re-arm moves it */
	assert_false(p->timers[0].armed);
	assert_true(model_bus_next_deadline(bus) == 50);
	model_bus_run_until(bus, 1000);
	assert_true(model_bus_run_until(bus, 1000) == 1000);
	assert_int_equal(1, p->fired);
	assert_int_equal(1, p->order[0]);
}

static void test_bus_detach_drops_device_timers(void **state)
{
	model_bus *bus = bus_of(state);
	struct probe *p = probe_of(state);
	model_device *dev;

	model_timer_mod(&p->dev, &p->timers[0], 100);
	dev = model_bus_detach(bus, SLOT);
	assert_false(p->timers[0].armed);
	assert_true(model_bus_next_deadline(bus) == UINT64_MAX);
	model_bus_run_until(bus, 1000);
	assert_int_equal(0, p->fired);
	model_device_destroy(dev);
}

static void test_bus_irq_queue_is_bounded_and_counts_drops(void **state)
{
	model_bus *bus = bus_of(state);
	struct model_bus_irq ev;
	unsigned n = 0;

	for (uint32_t i = 0; i < 300; i++)
		model_bus_mem_write(bus, MODEL_BUS_MSI_WINDOW, i, 4);
	assert_true(model_bus_irq_dropped(bus) > 0);
	while (model_bus_irq_next(bus, &ev)) {
		assert_int_equal(n, ev.id); /* oldest first; the newest were lost */
		n++;
	}
	assert_int_equal(300, n + model_bus_irq_dropped(bus));
	assert_int_equal(0, model_bus_dma_dropped(bus));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bus_empty_slot_reads_all_ones),
		T(test_bus_attach_refuses_occupied_or_bad_slot),
		T(test_bus_ram_access_is_little_endian),
		T(test_bus_mem_bar_decodes_only_with_memory_enable),
		T(test_bus_mem64_bar_decodes_above_4g),
		T(test_bus_io_bar_decodes_only_with_io_enable),
		T(test_bus_unmapped_memory_reads_zero),
		T(test_bus_detach_hides_device_and_its_bars),
		T(test_bus_msi_window_write_records_msi_event),
		T(test_bus_device_msi_to_window_is_an_interrupt_event),
		T(test_bus_device_msi_to_ram_mailbox_stores_four_bytes),
		T(test_bus_master_off_blocks_dma_and_msi),
		T(test_bus_intx_changes_are_line_events),
		T(test_bus_dma_events_record_slot_address_length_direction),
		T(test_bus_dma_outside_ram_is_device_error),
		T(test_bus_timers_fire_in_deadline_order_one_per_run),
		T(test_bus_run_until_stops_short_of_later_timers),
		T(test_bus_timer_del_and_rearm),
		T(test_bus_detach_drops_device_timers),
		T(test_bus_irq_queue_is_bounded_and_counts_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
