/* The qemu host driven by hand against QEMU's own edu: what a firmware and
 * a driver would do, through shim_host_ops only. One QEMU for the group;
 * each test leaves edu as it found it (mapped, MSI off, no interrupt raised). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "qemu_fixture.h"

#define MSI_VECTOR 3u
#define DMA_LEN 256u
#define DMA_RAM_SRC 0x200000u
#define DMA_RAM_DST 0x300000u

static struct shim_host group_host;
static struct edu_qos group_edu;

static int group_setup(void **state)
{
	fx_qemu_start(&group_host, "q35");
	edu_qos_init(&group_edu, &group_host, EDU_QOS_BDF);
	edu_qos_map(&group_edu, EDU_QOS_BAR0_ADDR);
	*state = &group_edu;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fx_qemu_stop(&group_host);
	return 0;
}

static void test_qemu_host_finds_edu_at_slot_4(void **state)
{
	struct edu_qos *e = *state;
	struct edu_qos empty;

	assert_int_equal(EDU_QOS_PCI_ID, edu_qos_cfg_read(e, EDU_QOS_CFG_ID, 4));
	assert_int_equal(EDU_QOS_CLASS_REV, edu_qos_cfg_read(e, EDU_QOS_CFG_CLASS_REV, 4));
	assert_int_equal(EDU_QOS_DEVICE_ID, edu_qos_cfg_read(e, EDU_QOS_CFG_ID + 2, 2));
	assert_int_equal(EDU_QOS_MSI_CAP, edu_qos_cfg_read(e, EDU_QOS_CFG_CAP_PTR, 1));
	/* the slot next to it is empty */
	edu_qos_init(&empty, &e->host, SHIM_BDF(0, EDU_QOS_SLOT + 1, 0));
	assert_int_equal(0xffffffff, edu_qos_cfg_read(&empty, EDU_QOS_CFG_ID, 4));
}

static void test_qemu_host_sizes_bar0_as_1mib(void **state)
{
	struct edu_qos *e = *state;

	edu_qos_cfg_write(e, EDU_QOS_CFG_BAR0, 4, 0xffffffff);
	assert_int_equal(~(EDU_QOS_BAR0_SIZE - 1), edu_qos_cfg_read(e, EDU_QOS_CFG_BAR0, 4));
	edu_qos_cfg_write(e, EDU_QOS_CFG_BAR0, 4, EDU_QOS_BAR0_ADDR);
	assert_int_equal(EDU_QOS_BAR0_ADDR, edu_qos_cfg_read(e, EDU_QOS_CFG_BAR0, 4));
}

static void test_qemu_host_reads_edu_registers_through_bar0(void **state)
{
	struct edu_qos *e = *state;

	assert_int_equal(EDU_QOS_ID_VALUE, edu_qos_read(e, EDU_QOS_ID));
	edu_qos_write(e, EDU_QOS_LIVENESS, 0x12345678);
	assert_int_equal(0xedcba987, edu_qos_read(e, EDU_QOS_LIVENESS));
	edu_qos_write(e, EDU_QOS_FACT, 10);
	assert_true(edu_qos_wait_clear(e, EDU_QOS_STATUS, EDU_QOS_STATUS_COMPUTING));
	assert_int_equal(3628800, edu_qos_read(e, EDU_QOS_FACT));
}

static void test_qemu_host_reports_msi_from_mailbox(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host_irq ev;

	edu_qos_msi_enable(e, MSI_VECTOR);
	edu_qos_write(e, EDU_QOS_IRQ_RAISE, 0x1000);
	assert_true(edu_qos_wait_irq(e, &ev));
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(MSI_VECTOR, ev.id);
	assert_int_equal(0x1000, edu_qos_read(e, EDU_QOS_IRQ_STATUS));
	edu_qos_write(e, EDU_QOS_IRQ_ACK, 0x1000);
	/* the slot was cleared: one message, one event */
	assert_int_equal(SHIM_ERR_NOT_FOUND, e->host.ops->irq_next(e->host.ctx, &ev));
	/* the factorial engine raises from its own thread: the message arrives unprompted */
	edu_qos_write(e, EDU_QOS_STATUS, EDU_QOS_STATUS_IRQ_FACT);
	edu_qos_write(e, EDU_QOS_FACT, 5);
	assert_true(edu_qos_wait_irq(e, &ev));
	assert_int_equal(MSI_VECTOR, ev.id);
	assert_int_equal(120, edu_qos_read(e, EDU_QOS_FACT));
	edu_qos_write(e, EDU_QOS_IRQ_ACK, EDU_QOS_IRQ_FACT);
	edu_qos_write(e, EDU_QOS_STATUS, 0);
	edu_qos_msi_disable(e);
}

static void test_qemu_host_reports_intx_raise_and_lower(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host_irq ev;
	uint32_t line = 0;

	assert_int_equal(SHIM_OK, e->host.ops->intx_route(e->host.ctx, e->bdf, 1, &line));
	assert_int_equal(20, line);  /* q35: slot 4 INTA -> PIRQE -> GSI 20 */
	edu_qos_write(e, EDU_QOS_IRQ_RAISE, 0x2);
	assert_true(edu_qos_wait_irq(e, &ev));
	assert_int_equal(SHIM_HOST_IRQ_INTX, ev.kind);
	assert_int_equal(line, ev.id);
	assert_true(ev.level);
	edu_qos_write(e, EDU_QOS_IRQ_ACK, 0x2);
	assert_true(edu_qos_wait_irq(e, &ev));
	assert_int_equal(SHIM_HOST_IRQ_INTX, ev.kind);
	assert_int_equal(line, ev.id);
	assert_false(ev.level);
	assert_int_equal(SHIM_ERR_NOT_FOUND, e->host.ops->irq_next(e->host.ctx, &ev));
}

static void test_qemu_host_dma_round_trip_through_edu(void **state)
{
	struct edu_qos *e = *state;
	const struct shim_host_ops *ops = e->host.ops;
	uint8_t out[DMA_LEN], in[DMA_LEN];
	uint64_t t0, t1;

	for (unsigned i = 0; i < DMA_LEN; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	memset(in, 0, sizeof(in));
	assert_int_equal(SHIM_OK, ops->ram_write(e->host.ctx, DMA_RAM_SRC, out, sizeof(out)));
	assert_int_equal(SHIM_OK, ops->ram_write(e->host.ctx, DMA_RAM_DST, in, sizeof(in)));
	t0 = ops->clock_ns(e->host.ctx);
	assert_true(edu_qos_dma(e, DMA_RAM_SRC, EDU_QOS_DMA_BUF, DMA_LEN, EDU_QOS_DMA_START));
	assert_true(edu_qos_dma(e, EDU_QOS_DMA_BUF, DMA_RAM_DST, DMA_LEN,
				EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM));
	t1 = ops->clock_ns(e->host.ctx);
	assert_int_equal(SHIM_OK, ops->ram_read(e->host.ctx, DMA_RAM_DST, in, sizeof(in)));
	assert_memory_equal(out, in, sizeof(out));
	/* The virtual clock went through both transfers' device timers (100 ms
	 * each, less a 10 ns HPET tick of rounding). */
	assert_true(t1 - t0 >= 2 * EDU_QOS_DMA_NS - 100);
}

static void test_qemu_host_dma_completion_raises_msi(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host_irq ev;

	edu_qos_msi_enable(e, 0);
	edu_qos_dma_start(e, DMA_RAM_SRC, EDU_QOS_DMA_BUF, 16,
			  EDU_QOS_DMA_START | EDU_QOS_DMA_IRQ);
	assert_true(edu_qos_wait_irq(e, &ev));
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(0, ev.id);
	assert_int_equal(EDU_QOS_IRQ_DMA, edu_qos_read(e, EDU_QOS_IRQ_STATUS));
	assert_int_equal(0, edu_qos_read(e, EDU_QOS_DMA_CMD) & EDU_QOS_DMA_START);
	edu_qos_write(e, EDU_QOS_IRQ_ACK, EDU_QOS_IRQ_DMA);
	edu_qos_msi_disable(e);
}

static void test_qemu_host_hpet_clock_stands_still_when_idle(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	uint64_t t0 = h->ops->clock_ns(h->ctx), t1, t2;

	/* a deadline already passed returns at once */
	assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, t0));
	t1 = h->ops->clock_ns(h->ctx);
	assert_true(t1 >= t0);
	/* no device timer: only idle real time moves the clock, and it moves */
	assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, t1 + 1000000));
	t2 = h->ops->clock_ns(h->ctx);
	assert_true(t2 > t1);
}

/* The auto-unload minute: idle time skipped at once, no real time spent,
 * and the clock goes on from there (never back). */
static void test_qemu_host_clock_skip_passes_idle_time_at_once(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	const uint64_t minute = 60ull * 1000000000ull;
	uint64_t t0, t1;

	assert_non_null(h->ops->clock_skip);
	t0 = h->ops->clock_ns(h->ctx);
	assert_int_equal(SHIM_OK, h->ops->clock_skip(h->ctx, minute));
	t1 = h->ops->clock_ns(h->ctx);
	assert_true(t1 >= t0 + minute);
	assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, t1 + 1000000));
	assert_true(h->ops->clock_ns(h->ctx) > t1);
}

static void test_qemu_host_bulk_ram_spans_chunks(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	enum { LEN = 40000 };  /* more than one b64 chunk, not a multiple of 3 */
	static uint8_t out[LEN], in[LEN];
	struct shim_host_layout lay;

	h->ops->layout(h->ctx, &lay);
	for (unsigned i = 0; i < LEN; i++)
		out[i] = (uint8_t)(i ^ (i >> 8));
	assert_int_equal(SHIM_OK, h->ops->ram_write(h->ctx, lay.dma_base + 1, out, LEN));
	assert_int_equal(SHIM_OK, h->ops->ram_read(h->ctx, lay.dma_base + 1, in, LEN));
	assert_memory_equal(out, in, LEN);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 h->ops->ram_read(h->ctx, lay.dma_base + lay.dma_size + 0x100000, in, LEN));
}

static void test_qemu_host_refuses_malformed_accesses_and_survives(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	uint32_t v32;
	uint64_t v64;

	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, edu_qos_try_cfg_read(e, 0, 3, &v32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, edu_qos_try_cfg_read(e, 2, 4, &v32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->cfg_write(h->ctx, e->bdf, 256, 4, 0));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, edu_qos_try_read(e, EDU_QOS_ID, 3, &v64));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->io_write(h->ctx, 0x80, 8, 0));
	assert_int_equal(SHIM_ERR_NO_RESOURCES, h->ops->msi_route(h->ctx, 100000, &v64, &v32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->intx_route(h->ctx, e->bdf, 0, &v32));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "pin"));
	/* QEMU never saw any of them: it still answers */
	assert_int_equal(EDU_QOS_ID_VALUE, edu_qos_read(e, EDU_QOS_ID));
}

static void test_qemu_host_layout_keeps_mailbox_out_of_dma(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	struct shim_host_layout lay;
	uint64_t mailbox = shim_qemu_host_mailbox(h);

	h->ops->layout(h->ctx, &lay);
	assert_int_equal(0x100000, lay.dma_base);
	assert_true(lay.dma_base + lay.dma_size <= mailbox);
	assert_int_equal(128ull << 20, mailbox + 4096);
	assert_int_equal(0xfe000000, lay.mmio32_base);
	assert_true(lay.mmio32_base + lay.mmio32_size <= 0xfec00000);
	assert_int_equal(0xc000, lay.io_base);
	assert_int_equal(0, lay.max_bus);
}

static void test_qemu_host_qmp_answers_beside_qtest(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	char reply[512];

	assert_true(shim_host_is_qemu(h));
	assert_int_equal(SHIM_OK, shim_qemu_host_qmp(h, "{\"execute\":\"query-status\"}",
						     reply, sizeof(reply)));
	assert_non_null(strstr(reply, "\"running\""));
	assert_int_equal(SHIM_ERR_GENERIC, shim_qemu_host_qmp(h, "{\"execute\":\"no-such-cmd\"}",
							      reply, sizeof(reply)));
	assert_non_null(strstr(reply, "CommandNotFound"));
	/* two objects would desynchronize replies: refused before sending */
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_qemu_host_qmp(h, "{\"execute\":\"stop\"}{\"execute\":\"stop\"}",
					    reply, sizeof(reply)));
	assert_int_equal(SHIM_ERR_TIMEOUT, shim_qemu_host_qmp_event(h, "DEVICE_DELETED", 10, NULL, 0));
	assert_true(shim_qemu_host_pid(h) > 0);
	assert_int_equal(EDU_QOS_ID_VALUE, edu_qos_read(e, EDU_QOS_ID));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_host_finds_edu_at_slot_4),
		cmocka_unit_test(test_qemu_host_sizes_bar0_as_1mib),
		cmocka_unit_test(test_qemu_host_reads_edu_registers_through_bar0),
		cmocka_unit_test(test_qemu_host_reports_msi_from_mailbox),
		cmocka_unit_test(test_qemu_host_reports_intx_raise_and_lower),
		cmocka_unit_test(test_qemu_host_dma_round_trip_through_edu),
		cmocka_unit_test(test_qemu_host_dma_completion_raises_msi),
		cmocka_unit_test(test_qemu_host_hpet_clock_stands_still_when_idle),
		cmocka_unit_test(test_qemu_host_clock_skip_passes_idle_time_at_once),
		cmocka_unit_test(test_qemu_host_bulk_ram_spans_chunks),
		cmocka_unit_test(test_qemu_host_refuses_malformed_accesses_and_survives),
		cmocka_unit_test(test_qemu_host_layout_keeps_mailbox_out_of_dma),
		cmocka_unit_test(test_qemu_host_qmp_answers_beside_qtest),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
