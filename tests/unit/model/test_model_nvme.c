/* The nvme model on the in-process bus, against QEMU 7.2's nvme as seen on
 * this project's QEMU (docs/qemu-nvme.md): Identify data byte for byte,
 * the status codes of bad commands, PRP lists, MSI-X masking and pending
 * bits, INTx with INTMS, enable checks and fatal status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/bus.h"
#include "model/nvme.h"

#define RAM_SIZE (32u << 20)
#define SLOT 4
#define BAR0 0xfe000000ull
#define ASQ 0x10000ull
#define ACQ 0x20000ull
#define IOSQ 0x30000ull
#define IOCQ 0x40000ull
#define MAILBOX 0x90000ull
#define DATA 0x100000ull
#define LIST 0x200000ull
#define QSIZE 16u
#define CC_ENABLE 0x00460001u
#define MSI_WINDOW MODEL_BUS_MSI_WINDOW

struct fx {
	model_bus *bus;
	unsigned admin_tail, admin_head, io_tail, io_head;
	uint8_t admin_phase, io_phase;
	uint16_t cid;
};

struct cqe {
	uint32_t dw0;
	uint16_t sqhd, sqid, cid, status; /* status: the 15-bit field */
	uint8_t phase;
};

static uint32_t rd(struct fx *f, uint64_t off)
{
	return (uint32_t)model_bus_mem_read(f->bus, BAR0 + off, 4);
}

static void wr(struct fx *f, uint64_t off, uint32_t v)
{
	model_bus_mem_write(f->bus, BAR0 + off, v, 4);
}

static void run(struct fx *f)
{
	for (int i = 0; i < 100 && model_bus_next_deadline(f->bus) != UINT64_MAX; i++)
		model_bus_run_until(f->bus, model_bus_clock_ns(f->bus));
}

static struct fx *make(const char *options)
{
	struct fx *f = calloc(1, sizeof(*f));
	char why[200];
	model_device *dev = model_nvme_create_from_options(options, why, sizeof(why));

	assert_non_null(f);
	assert_non_null(dev);
	f->bus = model_bus_create(RAM_SIZE);
	assert_non_null(f->bus);
	assert_true(model_bus_attach(f->bus, SLOT, dev));
	model_bus_cfg_write(f->bus, SLOT, 0, MODEL_PCI_BAR0, (uint32_t)BAR0, 4);
	model_bus_cfg_write(f->bus, SLOT, 0, MODEL_PCI_BAR0 + 4, 0, 4);
	model_bus_cfg_write(f->bus, SLOT, 0, MODEL_PCI_COMMAND,
			    MODEL_PCI_CMD_MEMORY | MODEL_PCI_CMD_MASTER, 2);
	f->admin_phase = f->io_phase = 1;
	return f;
}

static void destroy(struct fx *f)
{
	model_bus_destroy(f->bus);
	free(f);
}

/* MSI-X vector v -> the bus's interrupt window, data v + 0x40. */
static void msix_on(struct fx *f, unsigned v)
{
	uint64_t e = BAR0 + 0x2000 + 16ull * v;

	model_bus_mem_write(f->bus, e, MSI_WINDOW, 4);
	model_bus_mem_write(f->bus, e + 4, 0, 4);
	model_bus_mem_write(f->bus, e + 8, 0x40 + v, 4);
	model_bus_mem_write(f->bus, e + 12, 0, 4);
	model_bus_cfg_write(f->bus, SLOT, 0, 0x42, 0x8000, 2);
}

static void enable(struct fx *f)
{
	wr(f, 0x24, ((QSIZE - 1) << 16) | (QSIZE - 1));
	wr(f, 0x28, (uint32_t)ASQ);
	wr(f, 0x2c, 0);
	wr(f, 0x30, (uint32_t)ACQ);
	wr(f, 0x34, 0);
	wr(f, 0x14, CC_ENABLE);
	assert_int_equal(1, rd(f, 0x1c));
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

struct sqe_args {
	uint8_t opcode, flags;
	uint32_t nsid;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12;
};

static struct cqe read_cqe(struct fx *f, uint64_t addr)
{
	uint8_t b[16];
	struct cqe c;

	assert_true(model_bus_ram_read(f->bus, addr, b, sizeof(b)));
	c.dw0 = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	c.sqhd = (uint16_t)(b[8] | b[9] << 8);
	c.sqid = (uint16_t)(b[10] | b[11] << 8);
	c.cid = (uint16_t)(b[12] | b[13] << 8);
	c.phase = b[14] & 1;
	c.status = (uint16_t)((b[14] | b[15] << 8) >> 1);
	return c;
}

/* Submits on queue q (0 admin, 1 I/O), runs the device and takes the completion. */
static struct cqe submit(struct fx *f, unsigned q, const struct sqe_args *a)
{
	uint8_t e[64] = { 0 };
	unsigned *tail = q ? &f->io_tail : &f->admin_tail, *head = q ? &f->io_head : &f->admin_head;
	uint8_t *phase = q ? &f->io_phase : &f->admin_phase;
	uint64_t sq = q ? IOSQ : ASQ, cq = q ? IOCQ : ACQ;
	struct cqe c;

	e[0] = a->opcode;
	e[1] = a->flags;
	e[2] = (uint8_t)++f->cid;
	e[3] = (uint8_t)(f->cid >> 8);
	put32(e + 4, a->nsid);
	put64(e + 24, a->prp1);
	put64(e + 32, a->prp2);
	put32(e + 40, a->cdw10);
	put32(e + 44, a->cdw11);
	put32(e + 48, a->cdw12);
	model_bus_ram_write(f->bus, sq + 64ull * *tail, e, sizeof(e));
	*tail = (*tail + 1) % QSIZE;
	wr(f, 0x1000 + 8 * q, *tail);
	run(f);
	c = read_cqe(f, cq + 16ull * *head);
	assert_int_equal(*phase, c.phase);
	assert_int_equal(f->cid, c.cid);
	if (++*head == QSIZE) {
		*head = 0;
		*phase ^= 1;
	}
	wr(f, 0x1000 + 8 * q + 4, *head);
	return c;
}

static void io_queues(struct fx *f, uint16_t vector, bool ien)
{
	struct sqe_args cq = { .opcode = 5, .prp1 = IOCQ, .cdw10 = (QSIZE - 1) << 16 | 1,
			       .cdw11 = (uint32_t)vector << 16 | (ien ? 2u : 0u) | 1u };
	struct sqe_args sq = { .opcode = 1, .prp1 = IOSQ, .cdw10 = (QSIZE - 1) << 16 | 1,
			       .cdw11 = 1u << 16 | 1u };

	assert_int_equal(0, submit(f, 0, &cq).status);
	assert_int_equal(0, submit(f, 0, &sq).status);
}

/* Non-zero runs of QEMU 7.2's Identify data (serial drvbench, 4 MiB disk),
 * as dumped from qemu-system-x86_64 7.2.22: offset then bytes. */
struct run_bytes {
	unsigned off;
	const char *hex;
};

static const struct run_bytes qemu_id_ctrl[] = {
	{ 0, "361bf41a64727662656e636820202020202020202020202051454d55204e564d65204374726c2020"
	     "202020202020202020202020202020202020202020202020372e322e3232202006" },
	{ 74, "5452" }, { 77, "07" }, { 81, "0401" }, { 93, "01" }, { 97, "80" }, { 111, "01" },
	{ 256, "0a0103030307" }, { 266, "57017501" }, { 512, "6644" }, { 517, "01" },
	{ 520, "5d01" }, { 525, "07" }, { 534, "03" }, { 536, "01" },
	{ 768, "6e716e2e323031392d30382e6f72672e71656d753a64727662656e6368" },
	{ 2048, "c409" }, { 2052, "10" }, { 2056, "04" },
};

static const struct run_bytes qemu_id_ns[] = {
	{ 1, "20" }, { 9, "20" }, { 17, "20" }, { 24, "1407" }, { 27, "031f" }, { 33, "01" },
	{ 68, "07" }, { 70, "07" }, { 130, "09" }, { 132, "08" }, { 134, "09" }, { 136, "10" },
	{ 138, "09" }, { 140, "40" }, { 142, "09" }, { 146, "0c" }, { 148, "08" }, { 150, "0c" },
	{ 152, "10" }, { 154, "0c" }, { 156, "40" }, { 158, "0c" },
};

static void expect_runs(const uint8_t *got, const struct run_bytes *runs, size_t n)
{
	uint8_t want[4096] = { 0 };

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; runs[i].hex[2 * k]; k++) {
			char h[3] = { runs[i].hex[2 * k], runs[i].hex[2 * k + 1], 0 };

			want[runs[i].off + k] = (uint8_t)strtoul(h, NULL, 16);
		}
	for (size_t i = 0; i < sizeof(want); i++)
		if (got[i] != want[i])
			fail_msg("byte %zu: got 0x%02x, QEMU gives 0x%02x", i, got[i], want[i]);
}

static void test_identify_controller_and_namespace_are_qemus_byte_for_byte(void **state)
{
	struct fx *f = make(NULL);
	uint8_t d[4096];
	struct sqe_args ctrl = { .opcode = 6, .prp1 = DATA, .cdw10 = 1 };
	struct sqe_args ns = { .opcode = 6, .nsid = 1, .prp1 = DATA, .cdw10 = 0 };
	struct sqe_args list = { .opcode = 6, .prp1 = DATA, .cdw10 = 2 };

	(void)state;
	enable(f);
	assert_int_equal(0, submit(f, 0, &ctrl).status);
	model_bus_ram_read(f->bus, DATA, d, sizeof(d));
	expect_runs(d, qemu_id_ctrl, sizeof(qemu_id_ctrl) / sizeof(qemu_id_ctrl[0]));
	assert_int_equal(0, submit(f, 0, &ns).status);
	model_bus_ram_read(f->bus, DATA, d, sizeof(d));
	expect_runs(d, qemu_id_ns, sizeof(qemu_id_ns) / sizeof(qemu_id_ns[0]));
	assert_int_equal(0, submit(f, 0, &list).status);
	model_bus_ram_read(f->bus, DATA, d, 8);
	assert_int_equal(1, d[0]);
	assert_int_equal(0, d[4]);
	destroy(f);
}

static void test_registers_at_reset_are_qemus(void **state)
{
	struct fx *f = make(NULL);

	(void)state;
	assert_int_equal(0x004018200f0107ffull, model_bus_mem_read(f->bus, BAR0, 8));
	assert_int_equal(0x00010400, rd(f, 0x08));
	assert_int_equal(0x7ff, model_bus_mem_read(f->bus, BAR0, 2));
	assert_int_equal(0, rd(f, 0x14));
	assert_int_equal(0, rd(f, 0x1c));
	assert_int_equal(0x101b36, model_bus_cfg_read(f->bus, SLOT, 0, 0, 4));
	assert_int_equal(0x01080202, model_bus_cfg_read(f->bus, SLOT, 0, 8, 4));
	/* MSI-X first in the list: 65 entries, table at BAR0+0x2000, PBA at 0x3000. */
	assert_int_equal(0x40, model_bus_cfg_read(f->bus, SLOT, 0, 0x34, 1));
	assert_int_equal(0x00400011, model_bus_cfg_read(f->bus, SLOT, 0, 0x40, 4) & 0xffff00ff);
	assert_int_equal(0x2000, model_bus_cfg_read(f->bus, SLOT, 0, 0x44, 4));
	assert_int_equal(0x3000, model_bus_cfg_read(f->bus, SLOT, 0, 0x48, 4));
	destroy(f);
}

static void test_bad_commands_get_the_status_qemu_gives(void **state)
{
	struct fx *f = make(NULL);
	struct sqe_args bad_admin = { .opcode = 0xff };
	struct sqe_args cq_qid0 = { .opcode = 5, .prp1 = IOCQ, .cdw10 = (QSIZE - 1) << 16, .cdw11 = 1 };
	struct sqe_args cq_misaligned = { .opcode = 5, .prp1 = IOCQ + 8,
					  .cdw10 = (QSIZE - 1) << 16 | 1, .cdw11 = 1 };
	struct sqe_args cq_vector = { .opcode = 5, .prp1 = IOCQ, .cdw10 = (QSIZE - 1) << 16 | 1,
				      .cdw11 = 1u << 16 | 3 };
	struct sqe_args sq_no_cq = { .opcode = 1, .prp1 = IOSQ, .cdw10 = (QSIZE - 1) << 16 | 1,
				     .cdw11 = 5u << 16 | 1 };
	struct sqe_args bad_io = { .opcode = 0x7f, .nsid = 1 };
	struct sqe_args range = { .opcode = 2, .nsid = 1, .prp1 = DATA, .cdw10 = 8192 };
	struct sqe_args prp2 = { .opcode = 2, .nsid = 1, .prp1 = DATA, .prp2 = DATA + 0x1008,
				 .cdw12 = 15 };
	struct sqe_args mdts = { .opcode = 2, .nsid = 1, .prp1 = DATA, .cdw12 = 1024 };
	struct sqe_args nsid0 = { .opcode = 2, .nsid = 0, .prp1 = DATA };
	struct sqe_args nsid2 = { .opcode = 2, .nsid = 2, .prp1 = DATA };
	struct sqe_args fuse = { .opcode = 2, .flags = 1, .nsid = 1, .prp1 = DATA };

	(void)state;
	enable(f);
	assert_int_equal(0x4001, submit(f, 0, &bad_admin).status);
	assert_int_equal(0x4101, submit(f, 0, &cq_qid0).status);
	assert_int_equal(0x4013, submit(f, 0, &cq_misaligned).status);
	assert_int_equal(0x4108, submit(f, 0, &cq_vector).status); /* vector 1 with MSI-X off */
	assert_int_equal(0x4100, submit(f, 0, &sq_no_cq).status);
	io_queues(f, 0, true);
	assert_int_equal(0x4001, submit(f, 1, &bad_io).status);
	assert_int_equal(0x4080, submit(f, 1, &range).status);
	assert_int_equal(0x4013, submit(f, 1, &prp2).status);
	assert_int_equal(0x4002, submit(f, 1, &mdts).status);
	assert_int_equal(0x400b, submit(f, 1, &nsid0).status);
	assert_int_equal(0x4002, submit(f, 1, &nsid2).status);
	assert_int_equal(0x0002, submit(f, 1, &fuse).status);
	destroy(f);
}

static void test_write_and_read_back_through_a_prp_list(void **state)
{
	struct fx *f = make(NULL);
	uint8_t out[16384], back[16384], list[32];
	/* 32 blocks, PRP1 at a page offset and a list of four scattered pages. */
	struct sqe_args w = { .opcode = 1, .nsid = 1, .prp1 = DATA + 0x800, .prp2 = LIST,
			      .cdw10 = 100, .cdw12 = 31 };
	struct sqe_args r = w;

	(void)state;
	enable(f);
	io_queues(f, 0, true);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13 + 5);
	put64(list, DATA + 0x5000);
	put64(list + 8, DATA + 0x3000);
	put64(list + 16, DATA + 0x9000);
	put64(list + 24, DATA + 0xb000);
	model_bus_ram_write(f->bus, LIST, list, sizeof(list));
	model_bus_ram_write(f->bus, DATA + 0x800, out, 0x800);
	model_bus_ram_write(f->bus, DATA + 0x5000, out + 0x800, 0x1000);
	model_bus_ram_write(f->bus, DATA + 0x3000, out + 0x1800, 0x1000);
	model_bus_ram_write(f->bus, DATA + 0x9000, out + 0x2800, 0x1000);
	model_bus_ram_write(f->bus, DATA + 0xb000, out + 0x3800, 0x800);
	assert_int_equal(0, submit(f, 1, &w).status);
	/* Back elsewhere: PRP1 page-aligned, PRP2 a list of three pages. */
	r.opcode = 2;
	r.prp1 = 0x400000;
	put64(list, 0x402000);
	put64(list + 8, 0x401000);
	put64(list + 16, 0x404000);
	model_bus_ram_write(f->bus, LIST, list, 24);
	assert_int_equal(0, submit(f, 1, &r).status);
	model_bus_ram_read(f->bus, 0x400000, back, 0x1000);
	model_bus_ram_read(f->bus, 0x402000, back + 0x1000, 0x1000);
	model_bus_ram_read(f->bus, 0x401000, back + 0x2000, 0x1000);
	model_bus_ram_read(f->bus, 0x404000, back + 0x3000, 0x1000);
	assert_memory_equal(out, back, sizeof(out));
	destroy(f);
}

static bool take_msi(struct fx *f, uint32_t *data)
{
	struct model_bus_irq ev;

	while (model_bus_irq_next(f->bus, &ev))
		if (ev.msi) {
			*data = ev.id;
			return true;
		}
	return false;
}

static void test_masked_msix_vector_is_pending_then_sent_on_unmask(void **state)
{
	struct fx *f = make(NULL);
	struct sqe_args flush = { .opcode = 0, .nsid = 1 };
	uint32_t data = 0;
	uint64_t vctrl = BAR0 + 0x2000 + 16 + 12;

	(void)state;
	msix_on(f, 0);
	msix_on(f, 1);
	enable(f);
	io_queues(f, 1, true);
	(void)take_msi(f, &data); /* the admin completions' messages */
	while (take_msi(f, &data))
		;
	model_bus_mem_write(f->bus, vctrl, 1, 4); /* mask vector 1 */
	assert_int_equal(0, submit(f, 1, &flush).status);
	assert_false(take_msi(f, &data));
	assert_int_equal(2, model_bus_mem_read(f->bus, BAR0 + 0x3000, 4)); /* PBA bit 1 */
	model_bus_mem_write(f->bus, vctrl, 0, 4);
	assert_true(take_msi(f, &data));
	assert_int_equal(0x41, data);
	assert_int_equal(0, model_bus_mem_read(f->bus, BAR0 + 0x3000, 4));
	destroy(f);
}

static void test_intx_follows_the_cq_head_and_intms(void **state)
{
	struct fx *f = make(NULL);
	struct sqe_args flush = { .opcode = 0, .nsid = 1 };
	struct model_bus_irq ev;
	uint8_t e[64] = { 0 };

	(void)state;
	enable(f);
	io_queues(f, 0, true);
	while (model_bus_irq_next(f->bus, &ev))
		;
	/* A completion raises the pin; masking vector 0 lowers it, INTMC raises it again. */
	e[0] = flush.opcode;
	put32(e + 4, 1);
	model_bus_ram_write(f->bus, IOSQ, e, sizeof(e));
	wr(f, 0x1008, 1);
	run(f);
	assert_true(model_bus_irq_next(f->bus, &ev));
	assert_false(ev.msi);
	assert_true(ev.level);
	wr(f, 0x0c, 1);
	assert_true(model_bus_irq_next(f->bus, &ev));
	assert_false(ev.level);
	wr(f, 0x10, 1);
	assert_true(model_bus_irq_next(f->bus, &ev));
	assert_true(ev.level);
	wr(f, 0x100c, 1); /* CQ 1 head: empty again */
	assert_true(model_bus_irq_next(f->bus, &ev));
	assert_false(ev.level);
	destroy(f);
}

static void test_enable_with_bad_entry_sizes_fails_with_cfs(void **state)
{
	struct fx *f = make(NULL);

	(void)state;
	wr(f, 0x24, 0x000f000f);
	wr(f, 0x28, (uint32_t)ASQ);
	wr(f, 0x30, (uint32_t)ACQ);
	wr(f, 0x14, 0x00450001); /* IOSQES 5 */
	assert_int_equal(2, rd(f, 0x1c));
	wr(f, 0x14, 0);
	assert_int_equal(0, rd(f, 0x1c));
	wr(f, 0x14, CC_ENABLE);
	assert_int_equal(1, rd(f, 0x1c));
	/* Shutdown is done during the write. */
	wr(f, 0x14, CC_ENABLE | 1u << 14);
	assert_int_equal(9, rd(f, 0x1c));
	destroy(f);
}

static void test_bus_master_off_makes_the_fetch_fail_with_cfs(void **state)
{
	struct fx *f = make(NULL);
	uint8_t e[64] = { 6 };

	(void)state;
	enable(f);
	model_bus_cfg_write(f->bus, SLOT, 0, MODEL_PCI_COMMAND, MODEL_PCI_CMD_MEMORY, 2);
	model_bus_ram_write(f->bus, ASQ, e, sizeof(e));
	wr(f, 0x1000, 1);
	run(f);
	assert_int_equal(2, rd(f, 0x1c));
	destroy(f);
}

static void test_vector_above_31_after_msix_off_is_a_device_error_not_an_abort(void **state)
{
	struct fx *f = make(NULL);
	struct sqe_args cq = { .opcode = 5, .prp1 = IOCQ, .cdw10 = (QSIZE - 1) << 16 | 1,
			       .cdw11 = 40u << 16 | 3 };
	struct sqe_args sq = { .opcode = 1, .prp1 = IOSQ, .cdw10 = (QSIZE - 1) << 16 | 1,
			       .cdw11 = 1u << 16 | 1 };
	uint8_t e[64] = { 0 };

	(void)state;
	msix_on(f, 0);
	enable(f);
	assert_int_equal(0, submit(f, 0, &cq).status);
	assert_int_equal(0, submit(f, 0, &sq).status);
	model_bus_cfg_write(f->bus, SLOT, 0, 0x42, 0, 2); /* MSI-X off */
	put32(e + 4, 1);
	model_bus_ram_write(f->bus, IOSQ, e, sizeof(e));
	wr(f, 0x1008, 1);
	run(f);
	assert_int_equal(1, model_bus_device_errors(f->bus));
	assert_non_null(strstr(model_bus_last_device_error(f->bus), "vector 40"));
	destroy(f);
}

static void test_number_of_queues_answers_the_maximum_until_a_queue_exists(void **state)
{
	struct fx *f = make(NULL);
	struct sqe_args set = { .opcode = 9, .cdw10 = 7, .cdw11 = 0x00030003 };
	struct sqe_args coalesce = { .opcode = 9, .cdw10 = 8 };
	struct cqe c;

	(void)state;
	enable(f);
	c = submit(f, 0, &set);
	assert_int_equal(0, c.status);
	assert_int_equal(0x003f003f, c.dw0);
	assert_int_equal(0x410e, submit(f, 0, &coalesce).status);
	io_queues(f, 0, true);
	assert_int_equal(0x400c, submit(f, 0, &set).status);
	destroy(f);
}

static void test_hostile_variants_break_what_they_say(void **state)
{
	struct fx *f = make("cap_all_ones");

	(void)state;
	assert_int_equal(UINT64_MAX, model_bus_mem_read(f->bus, BAR0, 8));
	destroy(f);
	f = make("never_ready");
	wr(f, 0x24, 0x000f000f);
	wr(f, 0x14, CC_ENABLE);
	assert_int_equal(0, rd(f, 0x1c) & 1);
	destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify_controller_and_namespace_are_qemus_byte_for_byte),
		cmocka_unit_test(test_registers_at_reset_are_qemus),
		cmocka_unit_test(test_bad_commands_get_the_status_qemu_gives),
		cmocka_unit_test(test_write_and_read_back_through_a_prp_list),
		cmocka_unit_test(test_masked_msix_vector_is_pending_then_sent_on_unmask),
		cmocka_unit_test(test_intx_follows_the_cq_head_and_intms),
		cmocka_unit_test(test_enable_with_bad_entry_sizes_fails_with_cfs),
		cmocka_unit_test(test_bus_master_off_makes_the_fetch_fail_with_cfs),
		cmocka_unit_test(test_vector_above_31_after_msix_off_is_a_device_error_not_an_abort),
		cmocka_unit_test(test_number_of_queues_answers_the_maximum_until_a_queue_exists),
		cmocka_unit_test(test_hostile_variants_break_what_they_say),
	};

	return cmocka_run_group_tests_name("model_nvme", tests, NULL, NULL);
}
