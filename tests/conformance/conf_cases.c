/* Conformance cases: identity, liveness, factorial, status bits; the shared
 * helpers; and the case table (interrupt and DMA cases: conf_cases_io.c). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf_edu.h"

#define CONF_POLL_STEP_NS 1000000ull   /* 1 ms of virtual time between polls */
#define CONF_POLL_MAX 20000u           /* 20 s virtual */
#define CONF_POLL_REAL_MS 5000.0       /* QEMU's factorial runs in real time */
/* Large enough that QEMU's edu thread is still multiplying during the next
 * few register accesses (tens of ms), on the sim a 1 us timer as always. */
#define CONF_FACT_SLOW 0x02000000u

uint32_t conf_rd(struct conf_machine *cm, uint32_t off)
{
	return shim_mmio_read32(cm->bar0, off);
}

void conf_wr(struct conf_machine *cm, uint32_t off, uint32_t val)
{
	shim_mmio_write32(cm->bar0, off, val);
}

static double conf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

bool conf_wait_clear(struct conf_machine *cm, uint32_t off, uint32_t mask)
{
	double deadline = conf_now_ms() + CONF_POLL_REAL_MS;
	bool done = false;

	bench_trace_polling(cm->trace, true);
	for (unsigned i = 0; i < CONF_POLL_MAX && !done; i++) {
		done = (conf_rd(cm, off) & mask) == 0;
		if (!done && (conf_now_ms() > deadline ||
			      shim_workloop_delay_ns(cm->wl, CONF_POLL_STEP_NS) != SHIM_OK))
			break;
	}
	bench_trace_polling(cm->trace, false);
	return done;
}

bool conf_dma(struct conf_machine *cm, uint64_t src, uint64_t dst, uint32_t count, uint32_t cmd,
	      char *why, size_t len)
{
	shim_mmio_write64(cm->bar0, EDU_QOS_DMA_SRC, src);
	shim_mmio_write64(cm->bar0, EDU_QOS_DMA_DST, dst);
	shim_mmio_write64(cm->bar0, EDU_QOS_DMA_CNT, count);
	shim_mmio_write64(cm->bar0, EDU_QOS_DMA_CMD, cmd);
	if (conf_wait_clear(cm, EDU_QOS_DMA_CMD, EDU_QOS_DMA_START))
		return true;
	snprintf(why, len, "DMA 0x%llx -> 0x%llx (%u bytes, cmd %u) did not finish",
		 (unsigned long long)src, (unsigned long long)dst, count, cmd);
	return false;
}

static bool conf_case_identity(struct conf_machine *cm, char *why, size_t len)
{
	static const uint16_t cfg[] = { 0x00, 0x04, 0x08, 0x0c, 0x2c, 0x34, 0x3c, 0x40, 0x44, 0x48 };
	uint32_t id;

	bench_trace_note(cm->trace, "config space");
	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++)
		shim_pci_cfg_read32(cm->dev, cfg[i]);
	bench_trace_note(cm->trace, "identification, undecoded offsets, wrong sizes");
	id = conf_rd(cm, EDU_QOS_ID);
	conf_rd(cm, 0x0c);
	conf_rd(cm, 0x84);
	conf_rd(cm, 0xffffc);
	shim_mmio_read64(cm->bar0, EDU_QOS_ID);
	shim_mmio_read64(cm->bar0, EDU_QOS_DMA_SRC);
	shim_mmio_read16(cm->bar0, EDU_QOS_ID);
	shim_mmio_read8(cm->bar0, EDU_QOS_ID);
	if (id != EDU_QOS_ID_VALUE) {
		snprintf(why, len, "identification reads 0x%08x, expected 0x%08x", id, EDU_QOS_ID_VALUE);
		return false;
	}
	return true;
}

static bool conf_case_liveness(struct conf_machine *cm, char *why, size_t len)
{
	static const uint32_t vals[] = { 0x12345678u, 0, 0xffffffffu, 0xa5a5a5a5u };

	bench_trace_note(cm->trace, "liveness before any write in this case");
	conf_rd(cm, EDU_QOS_LIVENESS);
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		uint32_t got;

		conf_wr(cm, EDU_QOS_LIVENESS, vals[i]);
		got = conf_rd(cm, EDU_QOS_LIVENESS);
		if (got != ~vals[i]) {
			snprintf(why, len, "liveness 0x%08x read back 0x%08x", vals[i], got);
			return false;
		}
	}
	/* An 8-byte write below 0x80 is ignored by edu (it would cover liveness). */
	bench_trace_note(cm->trace, "8-byte write at 0");
	shim_mmio_write64(cm->bar0, EDU_QOS_ID, 0x1111111122222222ull);
	conf_rd(cm, EDU_QOS_ID);
	conf_rd(cm, EDU_QOS_LIVENESS);
	return true;
}

static uint32_t conf_fact(uint32_t n)
{
	uint32_t r = 1;

	while (n > 1)
		r *= n--;
	return r;
}

static bool conf_case_factorial(struct conf_machine *cm, char *why, size_t len)
{
	static const uint32_t large[] = { 13, 20, 34, 1000 };

	for (uint32_t i = 0; i < 13 + sizeof(large) / sizeof(large[0]); i++) {
		uint32_t n = i < 13 ? i : large[i - 13], got;

		bench_trace_note(cm->trace, "factorial %u", n);
		conf_wr(cm, EDU_QOS_FACT, n);
		if (!conf_wait_clear(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_COMPUTING)) {
			snprintf(why, len, "factorial %u never finished", n);
			return false;
		}
		got = conf_rd(cm, EDU_QOS_FACT);
		if (got != conf_fact(n)) {
			snprintf(why, len, "factorial %u = %u, expected %u", n, got, conf_fact(n));
			return false;
		}
	}
	return true;
}

static bool conf_expect(struct conf_machine *cm, uint32_t off, uint32_t want, const char *what,
			char *why, size_t len)
{
	uint32_t got = conf_rd(cm, off);

	if (got == want)
		return true;
	snprintf(why, len, "%s: register 0x%02x reads 0x%x, expected 0x%x", what, off, got, want);
	return false;
}

static bool conf_case_status(struct conf_machine *cm, char *why, size_t len)
{
	bench_trace_note(cm->trace, "status bits while idle");
	conf_wr(cm, EDU_QOS_STATUS, 0xff);
	if (!conf_expect(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_IRQ_FACT, "idle, wrote 0xff", why, len))
		return false;
	conf_wr(cm, EDU_QOS_STATUS, 0);
	if (!conf_expect(cm, EDU_QOS_STATUS, 0, "idle, wrote 0", why, len))
		return false;
	bench_trace_note(cm->trace, "status bits while computing factorial %u", CONF_FACT_SLOW);
	conf_wr(cm, EDU_QOS_FACT, CONF_FACT_SLOW);
	if (!conf_expect(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_COMPUTING, "computing", why, len))
		return false;
	conf_wr(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_IRQ_FACT);
	if (!conf_expect(cm, EDU_QOS_STATUS, 0x81, "computing, wrote 0x80", why, len))
		return false;
	conf_wr(cm, EDU_QOS_STATUS, 0xfe);
	if (!conf_expect(cm, EDU_QOS_STATUS, 0x81, "computing, wrote 0xfe", why, len))
		return false;
	conf_wr(cm, EDU_QOS_STATUS, 0);
	conf_wr(cm, EDU_QOS_FACT, 5); /* ignored while computing */
	if (!conf_expect(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_COMPUTING, "computing, wrote 0", why, len))
		return false;
	if (!conf_wait_clear(cm, EDU_QOS_STATUS, EDU_QOS_STATUS_COMPUTING)) {
		snprintf(why, len, "factorial %u never finished", CONF_FACT_SLOW);
		return false;
	}
	bench_trace_note(cm->trace, "after completion");
	return conf_expect(cm, EDU_QOS_STATUS, 0, "done", why, len) &&
	       conf_expect(cm, EDU_QOS_FACT, conf_fact(CONF_FACT_SLOW), "result", why, len) &&
	       conf_expect(cm, EDU_QOS_IRQ_STATUS, 0, "no interrupt was asked for", why, len);
}

const struct conf_case conf_cases[] = {
	{ "identity", conf_case_identity },
	{ "liveness", conf_case_liveness },
	{ "factorial", conf_case_factorial },
	{ "status-while-computing", conf_case_status },
	{ "intx-raise-ack", conf_case_intx },
	{ "msi-raise-ack", conf_case_msi },
	{ "dma-edges", conf_case_dma_edges },
	{ "dma-mask-boundary", conf_case_mask_boundary },
};
const size_t conf_case_count = sizeof(conf_cases) / sizeof(conf_cases[0]);

const struct conf_case *conf_case_find(const char *name)
{
	for (size_t i = 0; i < conf_case_count; i++)
		if (strcmp(conf_cases[i].name, name) == 0)
			return &conf_cases[i];
	return NULL;
}
