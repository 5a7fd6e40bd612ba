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

#include "edu_qos.h"
#include "shim/host_qemu.h"

#define EXIT_WAIT_MS 3000
#define DEATH_WAIT_ROUNDS 1000 /* ~1 s of reads, 1 ms apart */
#define DMA_RAM_SRC 0x200000u
#define DMA_RAM_DST 0x300000u

/* One proxy host per test, and edu (our model) on it; teardown destroys
 * the host, reaping QEMU and the remote, also when the test failed. */
static int start(void **state)
{
	static struct shim_host host;
	static struct edu_qos edu;
	struct shim_qemu_options o = { .proxy_model = "edu", .proxy_slot = EDU_QOS_SLOT };
	char err[1024];
	shim_ret r = shim_qemu_host_create(&o, &host, err, sizeof(err));

	if (r != SHIM_OK) {
		print_error("proxy host: %s\n", err);
		return -1;
	}
	edu_qos_init(&edu, &host, EDU_QOS_BDF);
	*state = &edu;
	return 0;
}

static int stop(void **state)
{
	struct edu_qos *e = *state;

	if (e->host.ops)
		e->host.ops->destroy(e->host.ctx);
	e->host.ops = NULL;
	return 0;
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
	struct edu_qos *e = *state;

	assert_int_equal(EDU_QOS_PCI_ID, edu_qos_cfg_read(e, EDU_QOS_CFG_ID, 4));
	assert_int_equal(EDU_QOS_CLASS_REV, edu_qos_cfg_read(e, EDU_QOS_CFG_CLASS_REV, 4));
	assert_int_equal(EDU_QOS_MSI_HEADER, edu_qos_cfg_read(e, EDU_QOS_MSI_CAP, 4));
	edu_qos_cfg_write(e, EDU_QOS_CFG_BAR0, 4, 0xffffffffu);
	assert_int_equal(~(EDU_QOS_BAR0_SIZE - 1), edu_qos_cfg_read(e, EDU_QOS_CFG_BAR0, 4));
	assert_int_equal(0, edu_qos_cfg_read(e, 0x28, 4)); /* past the BARs: reads 0 */
}

static void test_proxy_bar_reads_and_writes_reach_the_model(void **state)
{
	struct edu_qos *e = *state;

	edu_qos_map(e, EDU_QOS_BAR0_ADDR);
	assert_int_equal(EDU_QOS_ID_VALUE, edu_qos_read(e, EDU_QOS_ID));
	edu_qos_write(e, EDU_QOS_LIVENESS, 0x12345678u);
	assert_int_equal(0xedcba987u, edu_qos_read(e, EDU_QOS_LIVENESS));
}

static void test_proxy_msi_lands_in_the_host_mailbox(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host_irq ev;

	edu_qos_map(e, EDU_QOS_BAR0_ADDR);
	edu_qos_msi_enable(e, 0);
	edu_qos_write(e, EDU_QOS_IRQ_RAISE, 0x8);
	assert_true(edu_qos_wait_irq(e, &ev));
	assert_int_equal(SHIM_HOST_IRQ_MSI, ev.kind);
	assert_int_equal(0, ev.id);
	assert_int_equal(0x8, edu_qos_read(e, EDU_QOS_IRQ_STATUS));
	edu_qos_write(e, EDU_QOS_IRQ_ACK, 0x8);
}

static void test_proxy_dma_round_trip_through_shared_ram(void **state)
{
	struct edu_qos *e = *state;
	const struct shim_host_ops *ops = e->host.ops;
	uint8_t out[128], back[128];

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(SHIM_OK, ops->ram_write(e->host.ctx, DMA_RAM_SRC, out, sizeof(out)));
	edu_qos_map(e, EDU_QOS_BAR0_ADDR);
	assert_true(edu_qos_dma(e, DMA_RAM_SRC, EDU_QOS_DMA_BUF, sizeof(out), EDU_QOS_DMA_START));
	assert_true(edu_qos_dma(e, EDU_QOS_DMA_BUF, DMA_RAM_DST, sizeof(out),
				EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM));
	assert_int_equal(SHIM_OK, ops->ram_read(e->host.ctx, DMA_RAM_DST, back, sizeof(back)));
	assert_memory_equal(out, back, sizeof(out));
}

static void test_proxy_killed_remote_is_a_clear_host_error(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	long pid = shim_qemu_host_remote_pid(h);
	uint64_t v = 0;
	uint32_t id = 0;
	shim_ret r = SHIM_OK;

	edu_qos_map(e, EDU_QOS_BAR0_ADDR);
	assert_true(pid > 0);
	assert_int_equal(0, kill((pid_t)pid, SIGKILL));
	/* QEMU sees EOF a moment before the child can be reaped: accesses in
	 * that window read all-ones (a dead device), then the host says why. */
	for (int i = 0; i < DEATH_WAIT_ROUNDS && r == SHIM_OK; i++) {
		r = edu_qos_try_read(e, EDU_QOS_ID, 4, &v);
		if (r == SHIM_OK) {
			assert_int_equal(0xffffffffu, v);
			usleep(1000);
		}
	}
	assert_int_equal(SHIM_ERR_HOST, r);
	assert_non_null(strstr(h->ops->last_error(h->ctx), "killed by signal 9"));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "remote process"));
	assert_int_equal(SHIM_ERR_HOST, edu_qos_try_cfg_read(e, EDU_QOS_CFG_ID, 4, &id));
}

static void test_proxy_hung_remote_times_out_without_hanging(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
	long pid = shim_qemu_host_remote_pid(h);
	uint64_t v = 0;

	edu_qos_map(e, EDU_QOS_BAR0_ADDR);
	assert_int_equal(0, kill((pid_t)pid, SIGSTOP));
	/* QEMU blocks on the remote; the qtest exchange times out (5 s). */
	assert_int_equal(SHIM_ERR_HOST, edu_qos_try_read(e, EDU_QOS_ID, 4, &v));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "remote"));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "still running (hung?)"));
	stop(state);
	assert_int_equal(-1, kill((pid_t)pid, 0)); /* reaped by destroy */
}

static void test_proxy_killed_qemu_makes_the_remote_exit(void **state)
{
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
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
	struct edu_qos *e = *state;
	struct shim_host *h = &e->host;
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
