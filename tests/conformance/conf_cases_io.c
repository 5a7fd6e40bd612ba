/* Conformance cases for interrupts (INTx and MSI, raise/ack) and DMA (both
 * directions at the buffer's edges, and at edu's 28-bit mask boundary). */
#include <stdio.h>
#include <string.h>

#include "conf_edu.h"
#include "shim/memory.h"

#define CONF_IRQ_WAIT_NS 1000000000ull

struct conf_irq {
	struct conf_machine *cm;
	unsigned long actions;   /* interrupts the action was told about */
	uint32_t acked;          /* causes the INTx filter acknowledged */
};

/* INTx is level-triggered: the filter must quiet the device before returning. */
static bool conf_intx_filter(void *owner, shim_intr_source *src)
{
	struct conf_irq *q = owner;
	uint32_t causes = conf_rd(q->cm, EDU_QOS_IRQ_STATUS);

	(void)src;
	if (causes == 0)
		return false;
	conf_wr(q->cm, EDU_QOS_IRQ_ACK, causes);
	q->acked |= causes;
	return true;
}

static void conf_irq_action(void *owner, shim_intr_source *src, int count)
{
	struct conf_irq *q = owner;

	(void)src;
	q->actions += (unsigned long)count;
	shim_workloop_wakeup(q->cm->wl, q);
}

static bool conf_wait_actions(struct conf_irq *q, unsigned long want, char *why, size_t len)
{
	while (q->actions < want)
		if (shim_workloop_sleep(q->cm->wl, q, CONF_IRQ_WAIT_NS) != SHIM_OK) {
			snprintf(why, len, "waited for interrupt %lu, got %lu", want, q->actions);
			return false;
		}
	return true;
}

static bool conf_irq_source(struct conf_machine *cm, unsigned index, shim_intr_filter_fn filter,
			    struct conf_irq *q, shim_intr_source **src, char *why, size_t len)
{
	shim_ret r;

	memset(q, 0, sizeof(*q));
	q->cm = cm;
	r = shim_intr_source_create(cm->wl, cm->dev, index, filter, conf_irq_action, q, src);
	if (r != SHIM_OK) {
		snprintf(why, len, "interrupt source %u: %s", index, shim_ret_string(r));
		return false;
	}
	shim_intr_source_enable(*src);
	return true;
}

bool conf_case_intx(struct conf_machine *cm, char *why, size_t len)
{
	shim_intr_source *src = NULL;
	struct conf_irq q;
	bool ok;

	bench_trace_note(cm->trace, "INTx source (index 0, no MSI)");
	if (!conf_irq_source(cm, 0, conf_intx_filter, &q, &src, why, len))
		return false;
	bench_trace_note(cm->trace, "raise 0x55");
	conf_wr(cm, EDU_QOS_IRQ_RAISE, 0x55);
	ok = conf_wait_actions(&q, 1, why, len);
	bench_trace_note(cm->trace, "after the filter's ack");
	if (ok && (q.acked != 0x55 || conf_rd(cm, EDU_QOS_IRQ_STATUS) != 0)) {
		snprintf(why, len, "INTx filter acknowledged 0x%x, expected 0x55", q.acked);
		ok = false;
	}
	if (ok) {
		bench_trace_note(cm->trace, "factorial 6 with its interrupt");
		conf_wr(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_IRQ_FACT);
		conf_wr(cm, EDU_QOS_FACT, 6);
		ok = conf_wait_actions(&q, 2, why, len);
		conf_wr(cm, EDU_QOS_STATUS, 0);
		bench_trace_note(cm->trace, "result");
		if (ok && conf_rd(cm, EDU_QOS_FACT) != 720) {
			snprintf(why, len, "factorial 6 by INTx: wrong result");
			ok = false;
		}
	}
	shim_intr_source_disable(src);
	shim_intr_source_release(src);
	bench_trace_note(cm->trace, "INTx source released");
	return ok;
}

bool conf_case_msi(struct conf_machine *cm, char *why, size_t len)
{
	shim_intr_source *src = NULL;
	struct conf_irq q;
	bool ok;

	bench_trace_note(cm->trace, "MSI source (index 1)");
	if (!conf_irq_source(cm, 1, NULL, &q, &src, why, len))
		return false;
	bench_trace_note(cm->trace, "raise 0x1234");
	conf_wr(cm, EDU_QOS_IRQ_RAISE, 0x1234);
	ok = conf_wait_actions(&q, 1, why, len);
	bench_trace_note(cm->trace, "status, ack");
	conf_rd(cm, EDU_QOS_IRQ_STATUS);
	conf_wr(cm, EDU_QOS_IRQ_ACK, 0x1234);
	conf_rd(cm, EDU_QOS_IRQ_STATUS);
	if (ok) {
		/* One message per raise even while a cause is pending. Waits in
		 * between: the qemu host sees an MSI as a store to its mailbox,
		 * and two equal stores before it looks are one. */
		bench_trace_note(cm->trace, "second raise while 0x1 is pending");
		conf_wr(cm, EDU_QOS_IRQ_RAISE, 0x1);
		ok = conf_wait_actions(&q, 2, why, len);
		conf_wr(cm, EDU_QOS_IRQ_RAISE, 0x2);
		ok = ok && conf_wait_actions(&q, 3, why, len);
		conf_rd(cm, EDU_QOS_IRQ_STATUS);
		conf_wr(cm, EDU_QOS_IRQ_ACK, 0x3);
	}
	if (ok) {
		bench_trace_note(cm->trace, "factorial 7 with its interrupt");
		conf_wr(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_IRQ_FACT);
		conf_wr(cm, EDU_QOS_FACT, 7);
		ok = conf_wait_actions(&q, 4, why, len);
		bench_trace_note(cm->trace, "status, ack, result");
		conf_rd(cm, EDU_QOS_IRQ_STATUS);
		conf_wr(cm, EDU_QOS_IRQ_ACK, 0x1);
		conf_wr(cm, EDU_QOS_STATUS, 0);
		if (ok && conf_rd(cm, EDU_QOS_FACT) != 5040) {
			snprintf(why, len, "factorial 7 by MSI: wrong result");
			ok = false;
		}
	}
	shim_intr_source_disable(src);
	shim_intr_source_release(src);
	bench_trace_note(cm->trace, "MSI source released");
	return ok;
}

static void conf_pattern(uint8_t *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 13u + seed * 7u + 3u);
}

/* A prepared DMA buffer under edu's mask, and its bus address. */
static bool conf_buffer(struct conf_machine *cm, uint64_t size, shim_memdesc **md,
			uint64_t *addr, char *why, size_t len)
{
	shim_ret r = shim_dma_buffer_alloc(cm->dev, size, 4096, EDU_QOS_DMA_MASK, md);

	if (r == SHIM_OK)
		r = shim_memdesc_prepare(*md);
	if (r == SHIM_OK)
		r = shim_memdesc_dma_address(*md, 0, size, addr);
	if (r != SHIM_OK)
		snprintf(why, len, "DMA buffer of %llu bytes: %s", (unsigned long long)size,
			 shim_ret_string(r));
	return r == SHIM_OK;
}

static void conf_buffer_free(shim_memdesc *md)
{
	if (md == NULL)
		return;
	if (shim_memdesc_is_prepared(md))
		shim_memdesc_complete(md);
	shim_memdesc_release(md);
}

/* Reads n bytes at off back and compares them with want. */
static bool conf_check(shim_memdesc *md, uint64_t off, const uint8_t *want, size_t n,
		       const char *what, char *why, size_t len)
{
	static uint8_t got[8192];

	if (n > sizeof(got) || shim_memdesc_read(md, off, got, n) != SHIM_OK) {
		snprintf(why, len, "%s: cannot read the buffer back", what);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i]) {
			snprintf(why, len, "%s: byte %zu is 0x%02x, expected 0x%02x", what, i, got[i],
				 want[i]);
			return false;
		}
	return true;
}

bool conf_case_dma_edges(struct conf_machine *cm, char *why, size_t len)
{
	static uint8_t out[4096], back[4096];
	shim_memdesc *md = NULL;
	uint64_t a = 0;
	bool ok = conf_buffer(cm, 8192, &md, &a, why, len);

	conf_pattern(out, sizeof(out), 1);
	memset(back, 0, sizeof(back));
	if (ok) {
		bench_trace_note(cm->trace, "RAM -> edu, 4095 bytes at 0x40000");
		ok = shim_memdesc_write(md, 0, out, sizeof(out)) == SHIM_OK &&
		     shim_memdesc_write(md, 4096, back, sizeof(back)) == SHIM_OK &&
		     conf_dma(cm, a, EDU_QOS_DMA_BUF, EDU_QOS_DMA_MAX_SAFE, EDU_QOS_DMA_START, why, len);
	}
	if (ok) {
		bench_trace_note(cm->trace, "edu -> RAM, 4095 bytes from 0x40000");
		ok = conf_dma(cm, EDU_QOS_DMA_BUF, a + 4096, EDU_QOS_DMA_MAX_SAFE,
			      EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM, why, len);
		memcpy(back, out, EDU_QOS_DMA_MAX_SAFE);
		ok = ok && conf_check(md, 4096, back, sizeof(back), "4095 bytes back", why, len);
	}
	if (ok) {
		bench_trace_note(cm->trace, "1 byte at 0x40ffe, both directions");
		ok = shim_memdesc_write(md, 100, "\x5a", 1) == SHIM_OK &&
		     conf_dma(cm, a + 100, EDU_QOS_DMA_BUF + 0xffe, 1, EDU_QOS_DMA_START, why, len) &&
		     conf_dma(cm, EDU_QOS_DMA_BUF + 0xffe, a + 4096 + 200, 1,
			      EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM, why, len);
		back[200] = 0x5a;
		ok = ok && conf_check(md, 4096, back, sizeof(back), "1 byte back", why, len);
	}
	if (ok) {
		bench_trace_note(cm->trace, "DMA registers after the transfers");
		for (uint32_t off = EDU_QOS_DMA_SRC; off <= EDU_QOS_DMA_CMD; off += 8)
			shim_mmio_read64(cm->bar0, off);
	}
	conf_buffer_free(md);
	return ok;
}

bool conf_case_mask_boundary(struct conf_machine *cm, char *why, size_t len)
{
	static uint8_t out[4096], back[4096];
	shim_memdesc *md = NULL;
	uint64_t a = 0;
	bool ok = conf_buffer(cm, 4096, &md, &a, why, len);

	if (ok && a + 4095 != EDU_QOS_DMA_MASK) {
		snprintf(why, len, "the top buffer under the mask is at 0x%llx, not ending at 0x%llx",
			 (unsigned long long)a, EDU_QOS_DMA_MASK);
		ok = false;
	}
	conf_pattern(out, sizeof(out), 2);
	memset(back, 0, sizeof(back));
	if (ok) {
		bench_trace_note(cm->trace, "RAM -> edu, 4095 bytes ending at 0x0fffffff");
		ok = shim_memdesc_write(md, 0, out, sizeof(out)) == SHIM_OK &&
		     conf_dma(cm, a + 1, EDU_QOS_DMA_BUF, EDU_QOS_DMA_MAX_SAFE, EDU_QOS_DMA_START, why, len);
	}
	if (ok) {
		bench_trace_note(cm->trace, "edu -> RAM, 4095 bytes ending at 0x0fffffff");
		ok = shim_memdesc_write(md, 0, back, sizeof(back)) == SHIM_OK &&
		     conf_dma(cm, EDU_QOS_DMA_BUF, a + 1, EDU_QOS_DMA_MAX_SAFE,
			      EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM, why, len);
		memcpy(back + 1, out + 1, EDU_QOS_DMA_MAX_SAFE);
		ok = ok && conf_check(md, 0, back, sizeof(back), "data at the boundary", why, len);
	}
	if (ok) {
		/* Bit 28 set: edu masks the bus address back into this buffer. */
		bench_trace_note(cm->trace, "RAM -> edu from 0x%llx (above the mask)",
			      (unsigned long long)(a | (EDU_QOS_DMA_MASK + 1)));
		ok = shim_memdesc_write(md, 0, out, sizeof(out)) == SHIM_OK &&
		     conf_dma(cm, a | (EDU_QOS_DMA_MASK + 1), EDU_QOS_DMA_BUF, 16, EDU_QOS_DMA_START, why, len) &&
		     shim_memdesc_write(md, 0, back, 16) == SHIM_OK &&
		     conf_dma(cm, EDU_QOS_DMA_BUF, a, 16, EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM, why, len);
		memcpy(back, out, 16);
		ok = ok && conf_check(md, 0, back, 16, "clamped DMA", why, len);
	}
	conf_buffer_free(md);
	return ok;
}
