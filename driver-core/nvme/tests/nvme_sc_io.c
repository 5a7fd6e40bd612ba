/* NVMe scenarios about data: Identify, writes read back across every PRP
 * shape (PRP1 alone, PRP1 + PRP2, PRP lists short and long, from
 * contiguous buffers at page offsets and from page-scattered memory above
 * 4 GiB), and user-client requests refused before the device hears of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvme/nvme_userclient.h"
#include "nvme_tests.h"
#include "shim/memory.h"

#define NVT_4G 0x100000000ull

static enum bench_result run_identify(struct bench_machine *fx, char *why, size_t len)
{
	static uint8_t ctrl[NVME_ID_BYTES], ns[NVME_ID_BYTES], list[NVME_ID_BYTES],
		uc[NVME_ID_BYTES];
	const uint64_t in[2] = { 1, 0 };
	struct nvme_info info;
	struct nvt_client c;
	uint64_t nsze = 0;
	uint32_t nn = 0;
	shim_ret r = nvt_api.identify(fx->svc, 1, 0, ctrl);

	if (r == SHIM_OK)
		r = nvt_api.identify(fx->svc, 0, 1, ns);
	if (r == SHIM_OK)
		r = nvt_api.identify(fx->svc, 2, 0, list);
	if (r == SHIM_OK)
		r = nvt_api.get_info(fx->svc, &info);
	if (r != SHIM_OK)
		return bench_fail(why, len, "identify: %s", shim_ret_string(r));
	memcpy(&nn, ctrl + 516, sizeof(nn));
	memcpy(&nsze, ns, sizeof(nsze));
	if (ctrl[0] != 0x36 || ctrl[1] != 0x1b || memcmp(ctrl + 4, "drvbench ", 9) != 0 ||
	    memcmp(ctrl + 24, "QEMU NVMe Ctrl ", 15) != 0 || nn != 256)
		return bench_fail(why, len, "controller data: VID %02x%02x, SN '%.20s', MN '%.40s', "
				  "NN %u", ctrl[1], ctrl[0], ctrl + 4, ctrl + 24, nn);
	if (nsze != info.blocks || info.block_size != 512 || nsze != (4u << 20) / 512)
		return bench_fail(why, len, "namespace: NSZE %llu, driver says %llu blocks of %u",
				  (unsigned long long)nsze, (unsigned long long)info.blocks,
				  info.block_size);
	if (list[0] != 1 || list[4] != 0)
		return bench_fail(why, len, "active namespace list %u, %u; want 1 then 0", list[0],
				  list[4]);
	/* The user client hands out the same bytes. */
	if (nvt_client_open(fx, &c, why, len) != SHIM_OK)
		return BENCH_FAIL;
	r = nvt_call(&c, NVME_UC_IDENTIFY, in, 2, NULL, 0, uc, sizeof(uc));
	nvt_client_close(&c);
	if (r != SHIM_OK || memcmp(uc, ctrl, sizeof(uc)) != 0)
		return bench_fail(why, len, "user client identify: %s", r != SHIM_OK ?
				  shim_ret_string(r) : "other bytes than the driver's");
	snprintf(why, len, "%s %s fw %s, %llu blocks, %u I/O queue(s)", info.model, info.serial,
		 info.firmware, (unsigned long long)info.blocks, info.io_queues);
	return BENCH_PASS;
}

/* One transfer shape: blocks from memory of a kind at an offset. */
struct nvt_shape {
	const char *what;
	uint32_t blocks;       /* 0: the controller's largest transfer */
	bool pages;            /* page-scattered memory, else one contiguous buffer */
	uint64_t off;
};

static const struct nvt_shape nvt_shapes[] = {
	{ "1 block: PRP1", 1, false, 0 },
	{ "4 KiB aligned: PRP1", 8, false, 0 },
	{ "4 KiB at offset 0x800: PRP1 + PRP2", 8, false, 0x800 },
	{ "8 KiB: PRP1 + PRP2", 16, false, 0 },
	{ "12 KiB at offset 0x200: a PRP list", 24, false, 0x200 },
	{ "64 KiB of scattered pages: a list of 15", 128, true, 0 },
	{ "128 KiB of scattered pages at 0x400: a list of 32", 256, true, 0x400 },
	{ "the largest transfer, scattered", 0, true, 0 },
};

static shim_ret nvt_alloc(struct bench_machine *fx, bool pages, uint64_t size, shim_memdesc **md)
{
	return pages ? shim_memdesc_alloc_pages(fx->dev, size, md)
		     : shim_dma_buffer_alloc(fx->dev, size, 0, UINT64_MAX, md);
}

/* Writes the shape from one kind of memory, reads it back into the other. */
static enum bench_result nvt_round_trip(struct bench_machine *fx, const struct nvt_shape *s,
					uint64_t lba, uint32_t blocks, char *why, size_t len)
{
	uint64_t bytes = (uint64_t)blocks * 512, size = bytes + s->off + 4096;
	uint8_t *out = malloc(bytes), *in = malloc(bytes);
	shim_memdesc *src = NULL, *dst = NULL;
	enum bench_result res = BENCH_PASS;
	shim_ret r = out && in ? SHIM_OK : SHIM_ERR_NO_MEMORY;

	if (r == SHIM_OK)
		r = nvt_alloc(fx, s->pages, size, &src);
	if (r == SHIM_OK)
		r = nvt_alloc(fx, !s->pages, size, &dst);
	if (r == SHIM_OK) {
		nvt_fill(out, bytes, (unsigned)lba);
		r = shim_memdesc_write(src, s->off, out, bytes);
	}
	if (r == SHIM_OK)
		r = nvt_api.write(fx->svc, lba, blocks, src, s->off);
	if (r == SHIM_OK)
		r = nvt_api.read(fx->svc, lba, blocks, dst, 512);
	if (r == SHIM_OK)
		r = shim_memdesc_read(dst, 512, in, bytes);
	if (r != SHIM_OK)
		res = bench_fail(why, len, "%s: %s", s->what, shim_ret_string(r));
	else if (memcmp(in, out, bytes) != 0)
		res = bench_fail(why, len, "%s: read back other data than was written", s->what);
	shim_memdesc_release(src);
	shim_memdesc_release(dst);
	free(out);
	free(in);
	return res;
}

static enum bench_result run_write_read_prp(struct bench_machine *fx, char *why, size_t len)
{
	struct bench_tap_counts dma;
	struct nvme_info info;
	uint64_t lba = 100;
	shim_ret r = nvt_api.get_info(fx->svc, &info);

	if (r != SHIM_OK)
		return bench_fail(why, len, "info: %s", shim_ret_string(r));
	for (size_t i = 0; i < sizeof(nvt_shapes) / sizeof(nvt_shapes[0]); i++) {
		const struct nvt_shape *s = &nvt_shapes[i];
		uint32_t blocks = s->blocks ? s->blocks : info.max_transfer / info.block_size;

		if (nvt_round_trip(fx, s, lba, blocks, why, len) != BENCH_PASS)
			return BENCH_FAIL;
		lba += blocks;
	}
	/* The machine has RAM above 4 GiB and a 64-bit DMA command takes
	 * memory from there as it is: where the host sees DMA, the last one
	 * (the read's completion entry, in the driver's queue) went there. */
	if (bench_machine_dma_seen(fx, &dma) && dma.last_dma_addr < NVT_4G)
		return bench_fail(why, len, "last device DMA at 0x%llx: memory above 4 GiB unused",
				  (unsigned long long)dma.last_dma_addr);
	snprintf(why, len, "%zu shapes up to %u bytes (PRP list of %u entries) written and read "
		 "back", sizeof(nvt_shapes) / sizeof(nvt_shapes[0]), info.max_transfer,
		 info.max_transfer / 4096 - 1);
	return BENCH_PASS;
}

/* One request the user client must refuse with want, naming what it is. */
struct nvt_bad {
	const char *what;
	uint32_t sel;
	uint64_t in[2];
	size_t sin, sout;
	shim_ret want;
};

static enum bench_result run_uc_bad_input(struct bench_machine *fx, char *why, size_t len)
{
	static uint8_t sin[SHIM_UC_MAX_STRUCT_IN], sout[SHIM_UC_MAX_STRUCT_OUT];
	struct nvme_stats before, after;
	struct nvme_info info;
	struct nvt_client c;
	uint64_t regs_before = 0, regs_after = 0;
	bool regs_seen;
	shim_ret r = nvt_api.get_info(fx->svc, &info);
	uint64_t n = info.blocks, mdts_blocks = info.max_transfer / 512;
	const struct nvt_bad bad[] = {
		{ "read of 0 blocks", NVME_UC_READ, { 0, 0 }, 0, 512, SHIM_ERR_BAD_ARGUMENT },
		{ "read at the namespace's end", NVME_UC_READ, { n, 1 }, 0, 512, SHIM_ERR_BAD_ARGUMENT },
		{ "read across the end", NVME_UC_READ, { n - 1, 2 }, 0, 1024, SHIM_ERR_BAD_ARGUMENT },
		{ "read whose end wraps", NVME_UC_READ, { UINT64_MAX - 1, 4 }, 0, 2048,
		  SHIM_ERR_BAD_ARGUMENT },
		{ "read larger than the output", NVME_UC_READ, { 0, 9 }, 0, 4096, SHIM_ERR_OVERRUN },
		{ "write of 0 blocks", NVME_UC_WRITE, { 0, 0 }, 0, 0, SHIM_ERR_BAD_ARGUMENT },
		{ "write past the end", NVME_UC_WRITE, { n, 1 }, 512, 0, SHIM_ERR_BAD_ARGUMENT },
		{ "write over MDTS", NVME_UC_WRITE, { 0, mdts_blocks + 8 }, (mdts_blocks + 8) * 512, 0,
		  SHIM_ERR_BAD_ARGUMENT },
		{ "write with less data than blocks", NVME_UC_WRITE, { 0, 2 }, 512, 0,
		  SHIM_ERR_BAD_ARGUMENT },
		{ "identify with CNS above 255", NVME_UC_IDENTIFY, { 256, 0 }, 0, 4096,
		  SHIM_ERR_BAD_ARGUMENT },
		{ "identify with an NSID above 32 bits", NVME_UC_IDENTIFY, { 0, 1ull << 32 }, 0, 4096,
		  SHIM_ERR_BAD_ARGUMENT },
	};

	if (r != SHIM_OK || info.max_transfer != 16384)
		return bench_fail(why, len, "booted with mdts=2, the driver's transfer limit is %u "
				  "(%s), want 16384", info.max_transfer, shim_ret_string(r));
	if (nvt_client_open(fx, &c, why, len) != SHIM_OK)
		return BENCH_FAIL;
	nvt_api.get_stats(fx->svc, &before);
	/* The tap counts every MMIO and port access, doorbells and status
	 * reads included: stricter than the command count, which only sees
	 * what reached a submission queue. */
	regs_seen = bench_machine_register_accesses(fx, &regs_before);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct nvt_bad *b = &bad[i];

		r = nvt_call(&c, b->sel, b->in, 2, b->sin ? sin : NULL, b->sin, b->sout ? sout : NULL,
			     b->sout);
		if (r != b->want) {
			nvt_client_close(&c);
			return bench_fail(why, len, "%s: %s, want %s", b->what, shim_ret_string(r),
					  shim_ret_string(b->want));
		}
	}
	if (regs_seen && (!bench_machine_register_accesses(fx, &regs_after) ||
			  regs_after != regs_before)) {
		nvt_client_close(&c);
		return bench_fail(why, len, "%llu register access(es) for refused requests: the user "
				  "client must refuse before any register is touched",
				  (unsigned long long)(regs_after - regs_before));
	}
	nvt_api.get_stats(fx->svc, &after);
	if (after.commands != before.commands) {
		nvt_client_close(&c);
		return bench_fail(why, len, "%llu command(s) reached the controller for refused "
				  "requests", (unsigned long long)(after.commands - before.commands));
	}
	/* A good request still goes through, the largest one included. */
	r = nvt_call(&c, NVME_UC_WRITE, (const uint64_t[]){ 8, mdts_blocks }, 2, sin,
		     mdts_blocks * 512, NULL, 0);
	if (r == SHIM_OK)
		r = nvt_call(&c, NVME_UC_READ, (const uint64_t[]){ 8, 8 }, 2, NULL, 0, sout, 4096);
	nvt_client_close(&c);
	if (r != SHIM_OK)
		return bench_fail(why, len, "a valid request after the refusals: %s",
				  shim_ret_string(r));
	snprintf(why, len, "%zu bad requests refused, %s", sizeof(bad) / sizeof(bad[0]),
		 regs_seen ? "no register touched" : "no command sent (this host counts no "
						     "register accesses)");
	return BENCH_PASS;
}

const struct bench_scenario nvt_sc_identify = {
	.name = "identify",
	.summary = "Identify controller, namespace and active list through the driver and the "
		   "user client: QEMU's identity, a 4 MiB namespace of 512-byte blocks",
	.run = run_identify,
};

const struct bench_scenario nvt_sc_write_read_prp = {
	.name = "write-read-verify-prp-sizes",
	.summary = "writes read back through PRP1, PRP1 + PRP2 and PRP lists up to the largest "
		   "transfer, from contiguous and page-scattered memory above 4 GiB",
	.run = run_write_read_prp,
};

const struct bench_scenario nvt_sc_uc_bad_input = {
	.name = "user-client-bad-input",
	.summary = "reads and writes outside the namespace, of no blocks, over MDTS or with the "
		   "wrong data size are refused before any register is touched",
	.run = run_uc_bad_input,
	.device_options = "mdts=2",
};
