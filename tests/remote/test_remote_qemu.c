/* The qemu host in proxy mode against a real QEMU: our edu model served
 * from a child process through x-pci-proxy-dev. Identity and BAR access,
 * DMA and MSI through shared guest RAM, and the failure paths: remote
 * killed, remote hung, QEMU killed, both processes gone after destroy. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "shim/host_qemu.h"

#define PROXY_BDF SHIM_BDF(0, 4, 0)
#define BAR0 0xfe000000u
#define EDU_ID 0x00
#define EDU_LIVENESS 0x04
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_BUF 0x40000u
#define MSI_CAP 0x40
#define WAIT_ROUNDS 1500 /* clock_run returns within ~2 ms */
#define RUN_STEP_NS 200000000ull
#define EXIT_WAIT_MS 3000
#define DEATH_WAIT_ROUNDS 1000 /* ~1 s of reads, 1 ms apart */

static int start(void **state)
{
	static struct shim_host host;
	struct shim_qemu_options o = { .proxy_model = "edu", .proxy_slot = 4 };
	char err[1024];
	shim_ret r = shim_qemu_host_create(&o, &host, err, sizeof(err));

	if (r != SHIM_OK) {
		print_error("proxy host: %s\n", err);
		return -1;
	}
	*state = &host;
	return 0;
}

static int stop(void **state)
{
	struct shim_host *h = *state;

	if (h->ops)
		h->ops->destroy(h->ctx);
	h->ops = NULL;
	return 0;
}

static uint32_t cfg32(struct shim_host *h, uint16_t off)
{
	uint32_t v = 0;
	assert_int_equal(SHIM_OK, h->ops->cfg_read(h->ctx, PROXY_BDF, off, 4, &v));
	return v;
}

static void cfgw(struct shim_host *h, uint16_t off, unsigned size, uint32_t v)
{
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, PROXY_BDF, off, size, v));
}

static uint32_t rd(struct shim_host *h, uint32_t off)
{
	uint64_t v = 0;
	assert_int_equal(SHIM_OK, h->ops->mem_read(h->ctx, BAR0 + off, 4, &v));
	return (uint32_t)v;
}

static void wr(struct shim_host *h, uint32_t off, uint32_t v)
{
	assert_int_equal(SHIM_OK, h->ops->mem_write(h->ctx, BAR0 + off, 4, v));
}

static void map_bar0(struct shim_host *h)
{
	cfgw(h, 0x10, 4, BAR0);
	cfgw(h, 0x04, 2, 0x0006);
}

/* Waits for pid (our child) to exit; its wait status, or -1 after the bound. */
static int wait_exit(pid_t pid)
{
	for (int i = 0; i < EXIT_WAIT_MS / 5; i++) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return st;
		if (w < 0)
			return -1;
		usleep(5000);
	}
	return -1;
}

static void test_proxy_identity_and_bar_probe_come_from_our_model(void **state)
{
	struct shim_host *h = *state;

	assert_int_equal(0x11e81234u, cfg32(h, 0x00));
	assert_int_equal(0x00ff0010u, cfg32(h, 0x08));
	assert_int_equal(0x00800005u, cfg32(h, MSI_CAP));
	cfgw(h, 0x10, 4, 0xffffffffu);
	assert_int_equal(0xfff00000u, cfg32(h, 0x10));
	assert_int_equal(0, cfg32(h, 0x28));
}

static void test_proxy_bar_reads_and_writes_reach_the_model(void **state)
{
	struct shim_host *h = *state;

	map_bar0(h);
	assert_int_equal(0x010000edu, rd(h, EDU_ID));
	wr(h, EDU_LIVENESS, 0x12345678u);
	assert_int_equal(0xedcba987u, rd(h, EDU_LIVENESS));
}

static void test_proxy_msi_lands_in_the_host_mailbox(void **state)
{
	struct shim_host *h = *state;
	struct shim_host_irq ev;
	uint64_t addr;
	uint32_t data;
	int i;

	map_bar0(h);
	assert_int_equal(SHIM_OK, h->ops->msi_route(h->ctx, 0, &addr, &data));
	cfgw(h, MSI_CAP + 4, 4, (uint32_t)addr);
	cfgw(h, MSI_CAP + 8, 4, (uint32_t)(addr >> 32));
	cfgw(h, MSI_CAP + 12, 2, data);
	cfgw(h, MSI_CAP + 2, 2, 0x0081);
	wr(h, EDU_IRQ_RAISE, 0x8);
	for (i = 0; i < WAIT_ROUNDS; i++) {
		shim_ret r = h->ops->irq_next(h->ctx, &ev);
		if (r == SHIM_OK)
			break;
		assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, h->ops->clock_ns(h->ctx) + RUN_STEP_NS));
	}
	assert_true(i < WAIT_ROUNDS);
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(0, ev.id);
	assert_int_equal(0x8, rd(h, EDU_IRQ_STATUS));
	wr(h, EDU_IRQ_ACK, 0x8);
}

static void test_proxy_dma_round_trip_through_shared_ram(void **state)
{
	struct shim_host *h = *state;
	uint8_t out[128], back[128];
	int i;

	for (i = 0; i < (int)sizeof(out); i++)
		out[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(SHIM_OK, h->ops->ram_write(h->ctx, 0x200000, out, sizeof(out)));
	map_bar0(h);
	wr(h, EDU_DMA_SRC, 0x200000);
	wr(h, EDU_DMA_DST, EDU_BUF);
	wr(h, EDU_DMA_CNT, sizeof(out));
	wr(h, EDU_DMA_CMD, 1);
	for (i = 0; i < WAIT_ROUNDS && (rd(h, EDU_DMA_CMD) & 1); i++)
		assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, h->ops->clock_ns(h->ctx) + RUN_STEP_NS));
	wr(h, EDU_DMA_SRC, EDU_BUF);
	wr(h, EDU_DMA_DST, 0x300000);
	wr(h, EDU_DMA_CMD, 3);
	for (i = 0; i < WAIT_ROUNDS && (rd(h, EDU_DMA_CMD) & 1); i++)
		assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, h->ops->clock_ns(h->ctx) + RUN_STEP_NS));
	assert_true(i < WAIT_ROUNDS);
	assert_int_equal(SHIM_OK, h->ops->ram_read(h->ctx, 0x300000, back, sizeof(back)));
	assert_memory_equal(out, back, sizeof(out));
}

static void test_proxy_killed_remote_is_a_clear_host_error(void **state)
{
	struct shim_host *h = *state;
	long pid = shim_qemu_host_remote_pid(h);
	uint64_t v = 0;
	shim_ret r = SHIM_OK;

	map_bar0(h);
	assert_true(pid > 0);
	assert_int_equal(0, kill((pid_t)pid, SIGKILL));
	/* QEMU sees EOF a moment before the child can be reaped: accesses in
	 * that window read all-ones (a dead device), then the host says why. */
	for (int i = 0; i < DEATH_WAIT_ROUNDS && r == SHIM_OK; i++) {
		r = h->ops->mem_read(h->ctx, BAR0 + EDU_ID, 4, &v);
		if (r == SHIM_OK) {
			assert_int_equal(0xffffffffu, v);
			usleep(1000);
		}
	}
	assert_int_equal(SHIM_ERR_HOST, r);
	assert_non_null(strstr(h->ops->last_error(h->ctx), "killed by signal 9"));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "remote process"));
	assert_int_equal(SHIM_ERR_HOST, h->ops->cfg_read(h->ctx, PROXY_BDF, 0, 4, (uint32_t *)&v));
}

static void test_proxy_hung_remote_times_out_without_hanging(void **state)
{
	struct shim_host *h = *state;
	long pid = shim_qemu_host_remote_pid(h);
	uint64_t v = 0;

	map_bar0(h);
	assert_int_equal(0, kill((pid_t)pid, SIGSTOP));
	/* QEMU blocks on the remote; the qtest exchange times out (5 s). */
	assert_int_equal(SHIM_ERR_HOST, h->ops->mem_read(h->ctx, BAR0 + EDU_ID, 4, &v));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "remote"));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "still running (hung?)"));
	stop(state);
	assert_int_equal(-1, kill((pid_t)pid, 0)); /* reaped by destroy */
}

static void test_proxy_killed_qemu_makes_the_remote_exit(void **state)
{
	struct shim_host *h = *state;
	long qpid = shim_qemu_host_pid(h), rpid = shim_qemu_host_remote_pid(h);
	int st;

	assert_true(qpid > 0 && rpid > 0);
	assert_int_equal(0, kill((pid_t)qpid, SIGKILL));
	st = wait_exit((pid_t)rpid); /* we are its parent: reap it here */
	assert_true(st != -1);
	assert_true(WIFEXITED(st));
	assert_int_equal(0, WEXITSTATUS(st));
}

static void test_proxy_destroy_leaves_no_process(void **state)
{
	struct shim_host *h = *state;
	long qpid = shim_qemu_host_pid(h), rpid = shim_qemu_host_remote_pid(h);

	assert_true(qpid > 0 && rpid > 0);
	stop(state);
	assert_int_equal(-1, kill((pid_t)qpid, 0));
	assert_int_equal(-1, kill((pid_t)rpid, 0));
}

static void test_proxy_unknown_model_is_a_create_error(void **state)
{
	struct shim_host h;
	struct shim_qemu_options o = { .proxy_model = "no-such-model" };
	char err[512];

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_host_create(&o, &h, err, sizeof(err)));
	assert_non_null(strstr(err, "no-such-model"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, start, stop)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_proxy_identity_and_bar_probe_come_from_our_model),
		T(test_proxy_bar_reads_and_writes_reach_the_model),
		T(test_proxy_msi_lands_in_the_host_mailbox),
		T(test_proxy_dma_round_trip_through_shared_ram),
		T(test_proxy_killed_remote_is_a_clear_host_error),
		T(test_proxy_hung_remote_times_out_without_hanging),
		T(test_proxy_killed_qemu_makes_the_remote_exit),
		T(test_proxy_destroy_leaves_no_process),
		cmocka_unit_test(test_proxy_unknown_model_is_a_create_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
