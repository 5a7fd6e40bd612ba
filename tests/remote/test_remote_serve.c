/* The remote's serve loop against a test peer playing QEMU's proxy: config
 * space and BAR sizing (64-bit BARs shown as 32-bit ones), BAR decoding at
 * the programmed base, reset, DMA and MSI through shared guest RAM, fd
 * hygiene, and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "edu_qos_regs.h"
#include "remote_peer.h"

#define BAR0 0xfe000000ull
#define RAM_SIZE (2u << 20)
#define MAILBOX 0x100000u
#define MEM_ONLY EDU_QOS_CMD_MEMORY
#define MEM_MASTER (EDU_QOS_CMD_MEMORY | EDU_QOS_CMD_MASTER)
#define TIME_SCALE 1000 /* edu's 100 ms DMA passes in 0.1 ms */

static int setup(void **state)
{
	static struct remote_peer peer;

	if (!remote_peer_open(&peer, TIME_SCALE))
		return -1;
	*state = &peer;
	return 0;
}

static int teardown(void **state)
{
	remote_peer_close(*state);
	return 0;
}

static void program_bar0(struct remote_peer *p, uint16_t command)
{
	remote_peer_cfg_write(p, EDU_QOS_CFG_BAR0, (uint32_t)BAR0, 4);
	remote_peer_cfg_write(p, EDU_QOS_CFG_COMMAND, command, 2);
}

static void enable_msi(struct remote_peer *p, uint32_t addr, uint16_t data)
{
	remote_peer_cfg_write(p, EDU_QOS_MSI_CAP + 4, addr, 4);
	remote_peer_cfg_write(p, EDU_QOS_MSI_CAP + 8, 0, 4);
	remote_peer_cfg_write(p, EDU_QOS_MSI_CAP + 12, data, 2);
	remote_peer_cfg_write(p, EDU_QOS_MSI_CAP + 2, 0x0081, 2);
}

static uint32_t ram32(const struct remote_peer *p, uint32_t gpa)
{
	uint32_t v;
	memcpy(&v, p->ram + gpa, 4);
	return v;
}

static void test_remote_config_reads_answer_edu_identity(void **state)
{
	struct remote_peer *p = *state;

	assert_int_equal(EDU_QOS_VENDOR_ID, remote_peer_cfg_read(p, 0x00, 2));
	assert_int_equal(EDU_QOS_DEVICE_ID, remote_peer_cfg_read(p, 0x02, 2));
	assert_int_equal(0x00ff, remote_peer_cfg_read(p, 0x0a, 2));
	assert_int_equal(0x1100, remote_peer_cfg_read(p, 0x2e, 2));
	assert_int_equal(EDU_QOS_MSI_HEADER, remote_peer_cfg_read(p, EDU_QOS_MSI_CAP, 4));
}

static void test_remote_bar_probe_reports_size_and_no_rom_at_0x28(void **state)
{
	struct remote_peer *p = *state;

	remote_peer_cfg_write(p, EDU_QOS_CFG_BAR0, 0xffffffffu, 4);
	assert_int_equal(~(EDU_QOS_BAR0_SIZE - 1), remote_peer_cfg_read(p, EDU_QOS_CFG_BAR0, 4));
	for (uint32_t off = 0x14; off <= 0x28; off += 4) {
		remote_peer_cfg_write(p, off, 0xffffffffu, 4);
		assert_int_equal(0, remote_peer_cfg_read(p, off, 4));
	}
}

static void test_remote_bar_access_decodes_against_programmed_base(void **state)
{
	struct remote_peer *p = *state;
	struct model_remote_stats st;

	program_bar0(p, MEM_ONLY);
	assert_int_equal(EDU_QOS_ID_VALUE, remote_peer_bar_read(p, BAR0 + EDU_QOS_ID, 4));
	remote_peer_bar_write(p, BAR0 + EDU_QOS_LIVENESS, 0x12345678, 4);
	assert_int_equal(0xedcba987u, remote_peer_bar_read(p, BAR0 + EDU_QOS_LIVENESS, 4));
	/* Outside every BAR: all-ones back, counted as a reject, stream in sync. */
	assert_int_equal(UINT64_MAX, remote_peer_bar_read(p, BAR0 + EDU_QOS_BAR0_SIZE, 4));
	model_remote_get_stats(p->r, &st);
	assert_int_equal(1, st.rejected);
	assert_int_equal(EDU_QOS_ID_VALUE, remote_peer_bar_read(p, BAR0 + EDU_QOS_ID, 4));
}

static void test_remote_reset_clears_command_bar_and_msi(void **state)
{
	struct remote_peer *p = *state;
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_DEVICE_RESET };
	uint64_t v = 1;

	program_bar0(p, MEM_MASTER);
	enable_msi(p, MAILBOX, 0x4242);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_LIVENESS, 1, 4);
	assert_true(remote_peer_send_msg(p, &m, NULL, 0));
	assert_int_equal(1, remote_peer_pump(p));
	assert_true(remote_peer_ret(p, &v));
	assert_int_equal(0, v);
	assert_int_equal(0, remote_peer_cfg_read(p, 0x04, 2));
	assert_int_equal(0, remote_peer_cfg_read(p, 0x10, 4));
	assert_int_equal(0x0080, remote_peer_cfg_read(p, EDU_QOS_MSI_CAP + 2, 2));
	program_bar0(p, MEM_ONLY);
	assert_int_equal(0, remote_peer_bar_read(p, BAR0 + EDU_QOS_LIVENESS, 4));
}

static void test_remote_msi_is_written_into_shared_ram(void **state)
{
	struct remote_peer *p = *state;

	assert_true(remote_peer_add_ram(p, RAM_SIZE));
	program_bar0(p, MEM_MASTER);
	enable_msi(p, MAILBOX, 0x4242);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_IRQ_RAISE, 0x10, 4);
	assert_int_equal(0x4242, ram32(p, MAILBOX));
	assert_int_equal(0x10, remote_peer_bar_read(p, BAR0 + EDU_QOS_IRQ_STATUS, 4));
}

static void test_remote_msi_without_bus_master_writes_nothing(void **state)
{
	struct remote_peer *p = *state;

	assert_true(remote_peer_add_ram(p, RAM_SIZE));
	program_bar0(p, MEM_ONLY);
	enable_msi(p, MAILBOX, 0x4242);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_IRQ_RAISE, 0x10, 4);
	assert_int_equal(0, ram32(p, MAILBOX));
}

static void wait_dma_idle(struct remote_peer *p)
{
	for (int i = 0; i < 200; i++) {
		if (!(remote_peer_bar_read(p, BAR0 + EDU_QOS_DMA_CMD, 4) & 1))
			return;
		(void)model_remote_step(p->r, 5);
	}
	fail_msg("edu DMA did not complete");
}

static void test_remote_dma_round_trip_through_shared_ram(void **state)
{
	struct remote_peer *p = *state;

	assert_true(remote_peer_add_ram(p, RAM_SIZE));
	for (unsigned i = 0; i < 256; i++)
		p->ram[0x1000 + i] = (uint8_t)(i * 7 + 1);
	program_bar0(p, MEM_MASTER);
	enable_msi(p, MAILBOX, 0x5151);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_SRC, 0x1000, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_DST, EDU_QOS_DMA_BUF, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CNT, 256, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CMD, 1, 4);
	wait_dma_idle(p);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_SRC, EDU_QOS_DMA_BUF, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_DST, 0x3000, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CNT, 256, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CMD, 7, 4);
	wait_dma_idle(p);
	assert_memory_equal(p->ram + 0x1000, p->ram + 0x3000, 256);
	assert_int_equal(0x5151, ram32(p, MAILBOX));
	assert_int_equal(0x100, remote_peer_bar_read(p, BAR0 + EDU_QOS_IRQ_STATUS, 4));
}

static void test_remote_dma_outside_shared_ram_is_a_device_error(void **state)
{
	struct remote_peer *p = *state;
	struct model_remote_stats st;

	assert_true(remote_peer_add_ram(p, RAM_SIZE));
	program_bar0(p, MEM_MASTER);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_SRC, EDU_QOS_DMA_BUF, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_DST, RAM_SIZE - 16, 4); /* runs off the end */
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CNT, 64, 4);
	remote_peer_bar_write(p, BAR0 + EDU_QOS_DMA_CMD, 3, 4);
	wait_dma_idle(p);
	model_remote_get_stats(p->r, &st);
	assert_int_equal(1, st.dma_errors);
	assert_int_equal(1, st.device_errors);
	assert_int_equal(0, p->ram[RAM_SIZE - 16]);
	assert_int_equal(EDU_QOS_ID_VALUE, remote_peer_bar_read(p, BAR0 + EDU_QOS_ID, 4));
}

static void test_remote_new_sysmem_closes_previous_fds(void **state)
{
	struct remote_peer *p = *state;
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SYNC_SYSMEM };
	unsigned before;
	struct model_remote_stats st;

	assert_true(remote_peer_add_ram(p, RAM_SIZE));
	before = remote_peer_open_fds();
	m.u.sysmem.count = 2;
	m.u.sysmem.r[0] = (struct model_remote_region){ 0, 0xc0000, 0 };
	m.u.sysmem.r[1] = (struct model_remote_region){ 0x100000, 0x100000, 0x100000 };
	for (int i = 0; i < 5; i++) {
		int fds[2] = { p->memfd, p->memfd };
		assert_true(remote_peer_send_msg(p, &m, fds, 2));
		assert_int_equal(1, remote_peer_pump(p));
	}
	model_remote_get_stats(p->r, &st);
	assert_int_equal(2, st.regions);
	assert_int_equal(6, st.sysmem_syncs);
	assert_int_equal(before + 1, remote_peer_open_fds());
	assert_true(remote_peer_quiet(p)); /* SYNC_SYSMEM gets no reply */
}

static void test_remote_region_beyond_its_fd_is_not_mapped(void **state)
{
	struct remote_peer *p = *state;
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SYNC_SYSMEM };
	struct model_remote_stats st;

	assert_true(remote_peer_add_ram(p, RAM_SIZE));
	m.u.sysmem.count = 1;
	m.u.sysmem.r[0] = (struct model_remote_region){ 0, RAM_SIZE * 2, 0 };
	assert_true(remote_peer_send_msg(p, &m, &p->memfd, 1));
	assert_int_equal(1, remote_peer_pump(p));
	model_remote_get_stats(p->r, &st);
	assert_int_equal(0, st.regions);
}

static void test_remote_irqfds_are_kept_and_replaced(void **state)
{
	struct remote_peer *p = *state;
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SET_IRQFD };
	int fds[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };
	unsigned before = remote_peer_open_fds();

	for (int i = 0; i < 3; i++) {
		assert_true(remote_peer_send_msg(p, &m, fds, 2));
		assert_int_equal(1, remote_peer_pump(p));
	}
	assert_int_equal(before + 2, remote_peer_open_fds());
	assert_true(remote_peer_quiet(p));
	close(fds[0]);
	close(fds[1]);
}

static void test_remote_malformed_messages_are_rejected_and_stream_stays_in_step(void **state)
{
	struct remote_peer *p = *state;
	uint8_t junk[MODEL_REMOTE_HDR_SIZE + 12] = { 9 }; /* unknown command 9 */
	struct model_remote_msg ret = { .cmd = MODEL_REMOTE_RET, .u.ret = 5 };
	struct model_remote_msg bad = { .cmd = MODEL_REMOTE_CFG_READ, .u.cfg = { 0, 0, 3 } };
	struct model_remote_stats st;
	int efd = eventfd(0, EFD_CLOEXEC);
	unsigned fds_before = remote_peer_open_fds();
	uint64_t v = 0;

	junk[8] = 12;
	assert_true(remote_peer_send(p, junk, sizeof(junk), &efd, 1));
	assert_int_equal(1, remote_peer_pump(p));
	assert_true(remote_peer_quiet(p));
	assert_int_equal(fds_before, remote_peer_open_fds()); /* the stray fd was closed */
	assert_true(remote_peer_send_msg(p, &ret, NULL, 0));
	assert_int_equal(1, remote_peer_pump(p));
	assert_true(remote_peer_quiet(p));
	assert_true(remote_peer_send_msg(p, &bad, NULL, 0));
	assert_int_equal(1, remote_peer_pump(p));
	assert_true(remote_peer_ret(p, &v));
	assert_int_equal(UINT64_MAX, v);
	assert_int_equal(EDU_QOS_VENDOR_ID, remote_peer_cfg_read(p, 0, 2));
	model_remote_get_stats(p->r, &st);
	assert_int_equal(3, st.rejected);
	close(efd);
}

static void test_remote_oversized_frame_ends_the_session(void **state)
{
	struct remote_peer *p = *state;
	uint8_t hdr[MODEL_REMOTE_HDR_SIZE] = { MODEL_REMOTE_CFG_READ };

	hdr[9] = 0x10; /* 4096-byte payload */
	assert_true(remote_peer_send(p, hdr, sizeof(hdr), NULL, 0));
	assert_int_equal(-2, remote_peer_pump(p));
}

static void test_remote_serve_returns_0_when_the_peer_hangs_up(void **state)
{
	struct remote_peer *p = *state;

	assert_int_equal(EDU_QOS_DEVICE_ID, remote_peer_cfg_read(p, 2, 2));
	shutdown(p->sock, SHUT_WR);
	assert_int_equal(0, model_remote_serve(p->r));
}

static void test_remote_step_times_out_without_messages(void **state)
{
	struct remote_peer *p = *state;

	assert_int_equal(0, model_remote_step(p->r, 10));
}

/* QEMU's proxy takes every BAR for a 32-bit one: nvme's 64-bit BAR0 is
 * shown so, the slot after it empty, and it still decodes. */
static void test_remote_shows_a_64_bit_bar_as_a_32_bit_one(void **state)
{
	struct remote_peer p;

	(void)state;
	assert_true(remote_peer_open_model(&p, "nvme", 1));
	assert_int_equal(0x0, remote_peer_cfg_read(&p, 0x10, 4) & 0x7u);
	remote_peer_cfg_write(&p, 0x10, 0xffffffffu, 4);
	assert_int_equal(0xffffc000u, remote_peer_cfg_read(&p, 0x10, 4));
	assert_int_equal(0x00, remote_peer_cfg_read(&p, 0x10, 1)); /* one byte: no 64-bit type either */
	remote_peer_cfg_write(&p, 0x14, 0xffffffffu, 4);
	assert_int_equal(0, remote_peer_cfg_read(&p, 0x14, 4));
	assert_int_equal(0, remote_peer_cfg_read(&p, 0x16, 2));
	remote_peer_cfg_write(&p, 0x10, (uint32_t)BAR0, 4);
	remote_peer_cfg_write(&p, 0x04, MEM_ONLY, 2);
	assert_int_equal(0x00010400, remote_peer_bar_read(&p, BAR0 + 0x08, 4)); /* VS */
	remote_peer_close(&p);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_remote_config_reads_answer_edu_identity),
		T(test_remote_bar_probe_reports_size_and_no_rom_at_0x28),
		T(test_remote_bar_access_decodes_against_programmed_base),
		T(test_remote_reset_clears_command_bar_and_msi),
		T(test_remote_msi_is_written_into_shared_ram),
		T(test_remote_msi_without_bus_master_writes_nothing),
		T(test_remote_dma_round_trip_through_shared_ram),
		T(test_remote_dma_outside_shared_ram_is_a_device_error),
		T(test_remote_new_sysmem_closes_previous_fds),
		T(test_remote_region_beyond_its_fd_is_not_mapped),
		T(test_remote_irqfds_are_kept_and_replaced),
		T(test_remote_malformed_messages_are_rejected_and_stream_stays_in_step),
		T(test_remote_oversized_frame_ends_the_session),
		T(test_remote_serve_returns_0_when_the_peer_hangs_up),
		T(test_remote_step_times_out_without_messages),
		cmocka_unit_test(test_remote_shows_a_64_bit_bar_as_a_32_bit_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
