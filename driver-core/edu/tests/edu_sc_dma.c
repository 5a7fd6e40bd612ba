/* edu scenarios: DMA round trips, and the two refusals the driver owes
 * the device: the buffer's last byte (QEMU 7.2 aborts on it) and bus
 * addresses above the 28-bit mask (QEMU silently clamps them). */
#include <string.h>

#include "edu_tests.h"
#include "shim/memory.h"

struct edu_dma_case {
	uint32_t off, len;
};

static void edu_pattern(uint8_t *buf, uint32_t len, unsigned seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7u + seed * 31u + 1u);
}

static enum bench_result run_dma_round_trip(struct bench_machine *fx, char *why, size_t len)
{
	/* 4095 at 0 is the largest transfer edu allows; 1 at 4094 the last legal byte. */
	static const struct edu_dma_case cases[] = {
		{ 0, 1 }, { 0, 64 }, { 100, 256 }, { 3000, 1000 }, { 0, 4095 }, { 4094, 1 },
	};
	static uint8_t src[EDU_DMA_WINDOW_SIZE], dst[EDU_DMA_WINDOW_SIZE];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct edu_dma_case *c = &cases[i];
		shim_ret r;

		edu_pattern(src, c->len, i);
		memset(dst, 0, sizeof(dst));
		r = edu_api.dma_to_device(fx->svc, c->off, src, c->len);
		if (r != SHIM_OK)
			return bench_fail(why, len, "dma to device (%u bytes at %u): %s", c->len, c->off,
				       shim_ret_string(r));
		r = edu_api.dma_from_device(fx->svc, c->off, dst, c->len);
		if (r != SHIM_OK)
			return bench_fail(why, len, "dma from device (%u bytes at %u): %s", c->len,
				       c->off, shim_ret_string(r));
		for (uint32_t b = 0; b < c->len; b++)
			if (dst[b] != src[b])
				return bench_fail(why, len,
					       "%u bytes at %u: byte %u came back 0x%02x, sent 0x%02x",
					       c->len, c->off, b, dst[b], src[b]);
	}
	return BENCH_PASS;
}

static enum bench_result run_dma_last_byte(struct bench_machine *fx, char *why, size_t len)
{
	static const struct edu_dma_case cases[] = {
		{ 0, 4096 }, { 4095, 1 }, { 4094, 2 }, { 4096, 1 }, { 0xffffffffu, 2 },
	};
	static uint8_t buf[EDU_DMA_WINDOW_SIZE + 1];
	unsigned long errs_before = 0, errs_after = 0;
	const char *last = NULL;
	shim_ret r;

	bench_machine_device_errors(fx, &errs_before, &last);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t n = cases[i].len <= sizeof(buf) ? cases[i].len : (uint32_t)sizeof(buf);

		r = edu_api.dma_to_device(fx->svc, cases[i].off, buf, n);
		if (r != SHIM_ERR_BAD_ARGUMENT)
			return bench_fail(why, len, "dma to device (%u bytes at %u): %s, expected %s", n,
				       cases[i].off, shim_ret_string(r),
				       shim_ret_string(SHIM_ERR_BAD_ARGUMENT));
		r = edu_api.dma_from_device(fx->svc, cases[i].off, buf, n);
		if (r != SHIM_ERR_BAD_ARGUMENT)
			return bench_fail(why, len, "dma from device (%u bytes at %u): %s, expected %s",
				       n, cases[i].off, shim_ret_string(r),
				       shim_ret_string(SHIM_ERR_BAD_ARGUMENT));
	}
	/* The refusals left the driver healthy: the largest legal transfer works. */
	r = edu_api.dma_to_device(fx->svc, 0, buf, EDU_DMA_MAX_END);
	if (r != SHIM_OK)
		return bench_fail(why, len, "4095-byte transfer after the refusals: %s",
			       shim_ret_string(r));
	bench_machine_device_errors(fx, &errs_after, &last);
	if (errs_after != errs_before)
		return bench_fail(why, len, "the device reported %lu error(s), last: %s",
			       errs_after - errs_before, last ? last : "?");
	return BENCH_PASS;
}

/* edu's DMA registers (source, destination, count, command) as the device
 * holds them. Unchanged means nobody asked the device to DMA: evidence on
 * every host, also where the host cannot observe DMA itself (qemu). */
struct edu_dma_regs {
	uint64_t v[4];
};

static bool edu_dma_regs(struct bench_machine *fx, struct edu_dma_regs *out)
{
	shim_mmio_map *map = NULL;

	if (shim_pci_map_bar(fx->dev, 0, &map) != SHIM_OK)
		return false;
	for (unsigned i = 0; i < 4; i++)
		out->v[i] = shim_mmio_read64(map, 0x80u + 8u * i);
	shim_mmio_unmap(map);
	return true;
}

/* A buffer the driver may use (below the mask) must reach the device, so
 * the observers are known to work before they are trusted to see nothing. */
static enum bench_result edu_dma_below_mask_reaches(struct bench_machine *fx, char *why, size_t len)
{
	struct bench_tap_counts before = { 0 }, after = { 0 };
	struct edu_dma_regs regs_before, regs_after;
	shim_memdesc *md = NULL;
	enum bench_result res = BENCH_PASS;
	bool observed = bench_machine_dma_seen(fx, &before), mapped = edu_dma_regs(fx, &regs_before);
	shim_ret r = shim_dma_buffer_alloc(fx->dev, 4096, 0, EDU_DMA_MASK, &md);

	if (r != SHIM_OK)
		return bench_fail(why, len, "dma buffer under the 28-bit mask: %s", shim_ret_string(r));
	r = shim_memdesc_prepare(md);
	if (r == SHIM_OK)
		r = edu_api.dma_memdesc(fx->svc, md, 0, 0, 64, true);
	bench_machine_dma_seen(fx, &after);
	mapped = mapped && edu_dma_regs(fx, &regs_after);
	if (!mapped)
		res = bench_fail(why, len, "cannot map BAR0 to read edu's DMA registers");
	else if (r != SHIM_OK)
		res = bench_fail(why, len, "dma from a buffer under the mask: %s", shim_ret_string(r));
	else if (observed && after.dmas == before.dmas)
		res = bench_fail(why, len, "a legal DMA was not observed by the host");
	else if (memcmp(&regs_before, &regs_after, sizeof(regs_before)) == 0)
		res = bench_fail(why, len, "a legal DMA left edu's DMA registers unchanged");
	if (shim_memdesc_is_prepared(md))
		shim_memdesc_complete(md);
	shim_memdesc_release(md);
	return res;
}

static enum bench_result edu_dma_above_mask_refused(struct bench_machine *fx, shim_memdesc *md,
						char *why, size_t len)
{
	struct bench_tap_counts before = { 0 }, after = { 0 };
	struct edu_dma_regs regs_before, regs_after;
	unsigned long errs_before = 0, errs_after = 0;
	uint64_t addr = 0;
	shim_ret r = shim_memdesc_dma_address(md, 0, 4096, &addr);

	if (r != SHIM_OK)
		return bench_fail(why, len, "dma address of a prepared buffer: %s", shim_ret_string(r));
	if (addr + 4095 <= EDU_DMA_MASK)
		return bench_fail(why, len,
			       "a buffer allowed below 4 GiB landed at 0x%llx, under edu's 28-bit "
			       "mask, so nothing can be refused (needs RAM above 256 MiB and "
			       "top-down DMA allocation)",
			       (unsigned long long)addr);
	bench_machine_dma_seen(fx, &before);
	bench_machine_device_errors(fx, &errs_before, NULL);
	if (!edu_dma_regs(fx, &regs_before))
		return bench_fail(why, len, "cannot map BAR0 to read edu's DMA registers");
	for (int dir = 0; dir < 2; dir++) {
		r = edu_api.dma_memdesc(fx->svc, md, 0, 0, 64, dir == 0);
		if (r == SHIM_OK)
			return bench_fail(why, len, "dma %s a buffer at 0x%llx (above 28 bits) accepted",
				       dir == 0 ? "from" : "to", (unsigned long long)addr);
	}
	bench_machine_dma_seen(fx, &after);
	bench_machine_device_errors(fx, &errs_after, NULL);
	if (after.dmas != before.dmas)
		return bench_fail(why, len, "refused request still reached the device: DMA at 0x%llx",
			       (unsigned long long)after.last_dma_addr);
	if (!edu_dma_regs(fx, &regs_after))
		return bench_fail(why, len, "cannot map BAR0 to read edu's DMA registers");
	if (memcmp(&regs_before, &regs_after, sizeof(regs_before)) != 0)
		return bench_fail(why, len, "refused request still programmed edu: source 0x%llx, "
			       "destination 0x%llx", (unsigned long long)regs_after.v[0],
			       (unsigned long long)regs_after.v[1]);
	if (errs_after != errs_before)
		return bench_fail(why, len, "device reported %lu error(s)", errs_after - errs_before);
	return BENCH_PASS;
}

static enum bench_result run_dma_above_mask(struct bench_machine *fx, char *why, size_t len)
{
	shim_memdesc *md = NULL;
	enum bench_result res = edu_dma_below_mask_reaches(fx, why, len);
	shim_ret r;

	if (res != BENCH_PASS)
		return res;
	r = shim_dma_buffer_alloc(fx->dev, 4096, 0, 0xffffffffull, &md);
	if (r != SHIM_OK)
		return bench_fail(why, len, "dma buffer under 4 GiB: %s", shim_ret_string(r));
	r = shim_memdesc_prepare(md);
	if (r != SHIM_OK)
		res = bench_fail(why, len, "prepare: %s", shim_ret_string(r));
	else
		res = edu_dma_above_mask_refused(fx, md, why, len);
	if (shim_memdesc_is_prepared(md))
		shim_memdesc_complete(md);
	shim_memdesc_release(md);
	return res;
}

const struct bench_scenario edu_sc_dma_round_trip = {
	.name = "dma-round-trip",
	.summary = "data DMAed to the device and back compares equal (1..4095 bytes, edges)",
	.run = run_dma_round_trip,
};

const struct bench_scenario edu_sc_dma_last_byte = {
	.name = "dma-last-byte-refused",
	.summary = "transfers touching the buffer's last byte are refused; no device error",
	.run = run_dma_last_byte,
	.needs = BENCH_CAP_DEVICE_ERRORS,
};

const struct bench_scenario edu_sc_dma_above_mask = {
	.name = "dma-above-mask-refused",
	.summary = "a descriptor above edu's 28-bit mask is refused before the device sees it",
	.run = run_dma_above_mask,
	.ram_size = 512ull << 20,
	.needs = BENCH_CAP_DEVICE_ERRORS, /* and edu's DMA registers; a DMA observer if any */
};
