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
#define EDU_DMA_NS 100000000ull  /* each edu DMA takes 100 ms of virtual time */

static struct shim_host group_host;

static int group_setup(void **state)
{
	fx_qemu_start(&group_host, "q35");
	fx_edu_map(&group_host);
	*state = &group_host;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	fx_qemu_stop(&group_host);
	return 0;
}

static void msi_enable(struct shim_host *h, uint32_t vector)
{
	uint64_t addr;
	uint32_t data;

	assert_int_equal(SHIM_OK, h->ops->msi_route(h->ctx, vector, &addr, &data));
	fx_cfg_write32(h, FX_EDU_BDF, FX_EDU_MSI_CAP + 4, (uint32_t)addr);
	fx_cfg_write32(h, FX_EDU_BDF, FX_EDU_MSI_CAP + 8, (uint32_t)(addr >> 32));
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, FX_EDU_BDF, FX_EDU_MSI_CAP + 0xc, 2, data));
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, FX_EDU_BDF, FX_EDU_MSI_CAP + 2, 2, 0x0081));
}

static void msi_disable(struct shim_host *h)
{
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, FX_EDU_BDF, FX_EDU_MSI_CAP + 2, 2, 0x0080));
}

static void test_qemu_host_finds_edu_at_slot_4(void **state)
{
	struct shim_host *h = *state;
	uint32_t v16 = 0;

	assert_int_equal(0x11e81234, fx_cfg_read32(h, FX_EDU_BDF, 0x00));
	assert_int_equal(0x00ff0010, fx_cfg_read32(h, FX_EDU_BDF, 0x08));
	assert_int_equal(SHIM_OK, h->ops->cfg_read(h->ctx, FX_EDU_BDF, 0x02, 2, &v16));
	assert_int_equal(0x11e8, v16);
	assert_int_equal(SHIM_OK, h->ops->cfg_read(h->ctx, FX_EDU_BDF, 0x34, 1, &v16));
	assert_int_equal(FX_EDU_MSI_CAP, v16);
	assert_int_equal(0xffffffff, fx_cfg_read32(h, SHIM_BDF(0, 5, 0), 0x00));
}

static void test_qemu_host_sizes_bar0_as_1mib(void **state)
{
	struct shim_host *h = *state;

	fx_cfg_write32(h, FX_EDU_BDF, 0x10, 0xffffffff);
	assert_int_equal(0xfff00000, fx_cfg_read32(h, FX_EDU_BDF, 0x10));
	fx_cfg_write32(h, FX_EDU_BDF, 0x10, FX_EDU_BAR0);
	assert_int_equal(FX_EDU_BAR0, fx_cfg_read32(h, FX_EDU_BDF, 0x10));
}

static void test_qemu_host_reads_edu_registers_through_bar0(void **state)
{
	struct shim_host *h = *state;

	assert_int_equal(0x010000ed, fx_edu_read(h, FX_EDU_ID));
	fx_edu_write(h, FX_EDU_LIVENESS, 0x12345678, 4);
	assert_int_equal(0xedcba987, fx_edu_read(h, FX_EDU_LIVENESS));
	fx_edu_write(h, FX_EDU_FACT, 10, 4);
	assert_true(fx_edu_wait_clear(h, FX_EDU_STATUS, 0x1));
	assert_int_equal(3628800, fx_edu_read(h, FX_EDU_FACT));
}

static void test_qemu_host_reports_msi_from_mailbox(void **state)
{
	struct shim_host *h = *state;
	struct shim_host_irq ev;

	msi_enable(h, MSI_VECTOR);
	fx_edu_write(h, FX_EDU_IRQ_RAISE, 0x1000, 4);
	assert_true(fx_wait_irq(h, &ev));
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(MSI_VECTOR, ev.id);
	assert_int_equal(0x1000, fx_edu_read(h, FX_EDU_IRQ_STATUS));
	fx_edu_write(h, FX_EDU_IRQ_ACK, 0x1000, 4);
	/* the slot was cleared: one message, one event */
	assert_int_equal(SHIM_ERR_NOT_FOUND, h->ops->irq_next(h->ctx, &ev));
	/* the factorial engine raises from its own thread: the message arrives unprompted */
	fx_edu_write(h, FX_EDU_STATUS, 0x80, 4);
	fx_edu_write(h, FX_EDU_FACT, 5, 4);
	assert_true(fx_wait_irq(h, &ev));
	assert_int_equal(MSI_VECTOR, ev.id);
	assert_int_equal(120, fx_edu_read(h, FX_EDU_FACT));
	fx_edu_write(h, FX_EDU_IRQ_ACK, 0x1, 4);
	fx_edu_write(h, FX_EDU_STATUS, 0, 4);
	msi_disable(h);
}

static void test_qemu_host_reports_intx_raise_and_lower(void **state)
{
	struct shim_host *h = *state;
	struct shim_host_irq ev;
	uint32_t line = 0;

	assert_int_equal(SHIM_OK, h->ops->intx_route(h->ctx, FX_EDU_BDF, 1, &line));
	assert_int_equal(20, line);  /* q35: slot 4 INTA -> PIRQE -> GSI 20 */
	fx_edu_write(h, FX_EDU_IRQ_RAISE, 0x2, 4);
	assert_true(fx_wait_irq(h, &ev));
	assert_int_equal(SHIM_HOST_IRQ_INTX, ev.kind);
	assert_int_equal(line, ev.id);
	assert_true(ev.level);
	fx_edu_write(h, FX_EDU_IRQ_ACK, 0x2, 4);
	assert_true(fx_wait_irq(h, &ev));
	assert_int_equal(SHIM_HOST_IRQ_INTX, ev.kind);
	assert_int_equal(line, ev.id);
	assert_false(ev.level);
	assert_int_equal(SHIM_ERR_NOT_FOUND, h->ops->irq_next(h->ctx, &ev));
}

static void test_qemu_host_dma_round_trip_through_edu(void **state)
{
	struct shim_host *h = *state;
	uint8_t out[DMA_LEN], in[DMA_LEN];
	uint64_t t0, t1;

	for (unsigned i = 0; i < DMA_LEN; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	memset(in, 0, sizeof(in));
	assert_int_equal(SHIM_OK, h->ops->ram_write(h->ctx, DMA_RAM_SRC, out, sizeof(out)));
	assert_int_equal(SHIM_OK, h->ops->ram_write(h->ctx, DMA_RAM_DST, in, sizeof(in)));
	t0 = h->ops->clock_ns(h->ctx);
	fx_edu_write(h, FX_EDU_DMA_SRC, DMA_RAM_SRC, 8);
	fx_edu_write(h, FX_EDU_DMA_DST, FX_EDU_DMA_BUF, 8);
	fx_edu_write(h, FX_EDU_DMA_CNT, DMA_LEN, 8);
	fx_edu_write(h, FX_EDU_DMA_CMD, FX_EDU_DMA_START, 8);
	assert_true(fx_edu_wait_clear(h, FX_EDU_DMA_CMD, FX_EDU_DMA_START));
	fx_edu_write(h, FX_EDU_DMA_SRC, FX_EDU_DMA_BUF, 8);
	fx_edu_write(h, FX_EDU_DMA_DST, DMA_RAM_DST, 8);
	fx_edu_write(h, FX_EDU_DMA_CMD, FX_EDU_DMA_START | FX_EDU_DMA_TO_RAM, 8);
	assert_true(fx_edu_wait_clear(h, FX_EDU_DMA_CMD, FX_EDU_DMA_START));
	t1 = h->ops->clock_ns(h->ctx);
	assert_int_equal(SHIM_OK, h->ops->ram_read(h->ctx, DMA_RAM_DST, in, sizeof(in)));
	assert_memory_equal(out, in, sizeof(out));
	/* two transfers of 100 ms virtual each (less a 10 ns HPET tick of rounding);
	 * idle real time adds a little */
	assert_true(t1 - t0 >= 2 * EDU_DMA_NS - 100);
	assert_true(t1 - t0 < 2 * EDU_DMA_NS + 5000000000ull);
}

static void test_qemu_host_dma_completion_raises_msi(void **state)
{
	struct shim_host *h = *state;
	struct shim_host_irq ev;

	msi_enable(h, 0);
	fx_edu_write(h, FX_EDU_DMA_SRC, DMA_RAM_SRC, 8);
	fx_edu_write(h, FX_EDU_DMA_DST, FX_EDU_DMA_BUF, 8);
	fx_edu_write(h, FX_EDU_DMA_CNT, 16, 8);
	fx_edu_write(h, FX_EDU_DMA_CMD, FX_EDU_DMA_START | FX_EDU_DMA_IRQ, 8);
	assert_true(fx_wait_irq(h, &ev));
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(0, ev.id);
	assert_int_equal(0x100, fx_edu_read(h, FX_EDU_IRQ_STATUS));
	assert_int_equal(0, fx_edu_read(h, FX_EDU_DMA_CMD) & FX_EDU_DMA_START);
	fx_edu_write(h, FX_EDU_IRQ_ACK, 0x100, 4);
	msi_disable(h);
}

static void test_qemu_host_hpet_clock_stands_still_when_idle(void **state)
{
	struct shim_host *h = *state;
	uint64_t t0 = h->ops->clock_ns(h->ctx), t1, t2;

	/* a deadline already passed returns at once */
	assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, t0));
	t1 = h->ops->clock_ns(h->ctx);
	assert_true(t1 >= t0);
	/* no device timer: only idle real time moves the clock, and it moves */
	assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, t1 + 1000000));
	t2 = h->ops->clock_ns(h->ctx);
	assert_true(t2 > t1);
	assert_true(t2 - t1 < EDU_DMA_NS);
}

static void test_qemu_host_bulk_ram_spans_chunks(void **state)
{
	struct shim_host *h = *state;
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
	struct shim_host *h = *state;
	uint32_t v32;
	uint64_t v64;

	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->cfg_read(h->ctx, FX_EDU_BDF, 0, 3, &v32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->cfg_read(h->ctx, FX_EDU_BDF, 2, 4, &v32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->cfg_write(h->ctx, FX_EDU_BDF, 256, 4, 0));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->mem_read(h->ctx, FX_EDU_BAR0, 3, &v64));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->io_write(h->ctx, 0x80, 8, 0));
	assert_int_equal(SHIM_ERR_NO_RESOURCES, h->ops->msi_route(h->ctx, 100000, &v64, &v32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, h->ops->intx_route(h->ctx, FX_EDU_BDF, 0, &v32));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "pin"));
	/* QEMU never saw any of them: it still answers */
	assert_int_equal(0x010000ed, fx_edu_read(h, FX_EDU_ID));
}

static void test_qemu_host_layout_keeps_mailbox_out_of_dma(void **state)
{
	struct shim_host *h = *state;
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
	struct shim_host *h = *state;
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
	assert_int_equal(0x010000ed, fx_edu_read(h, FX_EDU_ID));
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
		cmocka_unit_test(test_qemu_host_bulk_ram_spans_chunks),
		cmocka_unit_test(test_qemu_host_refuses_malformed_accesses_and_survives),
		cmocka_unit_test(test_qemu_host_layout_keeps_mailbox_out_of_dma),
		cmocka_unit_test(test_qemu_host_qmp_answers_beside_qtest),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
