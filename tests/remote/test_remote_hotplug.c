/* Hot-unplug and re-plug of the proxied device on qemu-proxy (machine pc):
 * the remote exits on QEMU's hang-up and is reaped, the slot reads absent,
 * a re-plugged device has a fresh remote that answers config, BAR and DMA
 * through shared RAM; wrong states and machines are refused; repeated
 * cycles leak neither processes nor fds; and on the fixture,
 * surprise-removal and the attach-detach cycles pass with no child left. */
#include <dirent.h>
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

#include "bench/cycle.h"
#include "bench/scenario.h"
#include "shim/host_qemu.h"

#define SLOT 4u
#define BDF SHIM_BDF(0, SLOT, 0)
#define BAR0 0xfe000000u
#define EDU_ID 0x00
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_CNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_BUF 0x40000u
#define WAIT_ROUNDS 1500
#define RUN_STEP_NS 200000000ull
#define PLUG_CYCLES 20
#define BENCH_CYCLES 30ul

static struct shim_host make_host(const char *machine)
{
	struct shim_qemu_options o = { .machine = machine, .proxy_model = "edu",
				       .proxy_slot = SLOT };
	struct shim_host h = { 0 };
	char err[1024];

	if (shim_qemu_host_create(&o, &h, err, sizeof(err)) != SHIM_OK)
		fail_msg("proxy host (%s): %s", machine, err);
	return h;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool pid_alive(long pid)
{
	return pid > 0 && kill((pid_t)pid, 0) == 0;
}

/* No child of ours is left, running or zombie. */
static void assert_no_children(void)
{
	int st;
	pid_t w = waitpid(-1, &st, WNOHANG);

	if (w != -1 || errno != ECHILD)
		fail_msg("a child process is left (waitpid: %ld)", (long)w);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static uint32_t cfg32(struct shim_host *h, uint16_t off)
{
	uint32_t v = 0;

	assert_int_equal(SHIM_OK, h->ops->cfg_read(h->ctx, BDF, off, 4, &v));
	return v;
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
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, BDF, 0x10, 4, BAR0));
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, BDF, 0x04, 2, 0x0006));
}

static void unplug(struct shim_host *h)
{
	char why[512] = "";

	if (shim_qemu_host_proxy_unplug(h, why, sizeof(why)) != SHIM_OK)
		fail_msg("unplug: %s", why);
}

static void replug(struct shim_host *h)
{
	char why[512] = "";

	if (shim_qemu_host_proxy_replug(h, why, sizeof(why)) != SHIM_OK)
		fail_msg("replug: %s", why);
}

static void run_dma(struct shim_host *h, uint32_t src, uint32_t dst, uint32_t cmd)
{
	int i;

	wr(h, EDU_DMA_SRC, src);
	wr(h, EDU_DMA_DST, dst);
	wr(h, EDU_DMA_CNT, 64);
	wr(h, EDU_DMA_CMD, cmd);
	for (i = 0; i < WAIT_ROUNDS && (rd(h, EDU_DMA_CMD) & 1); i++)
		assert_int_equal(SHIM_OK,
				 h->ops->clock_run(h->ctx, h->ops->clock_ns(h->ctx) + RUN_STEP_NS));
	assert_true(i < WAIT_ROUNDS);
}

static void test_proxy_unplug_reaps_remote_and_slot_reads_absent(void **state)
{
	struct shim_host h = make_host("pc");
	long qemu = shim_qemu_host_pid(&h), remote = shim_qemu_host_remote_pid(&h);

	(void)state;
	assert_true(pid_alive(remote));
	assert_int_equal(0x11e81234u, cfg32(&h, 0x00));
	unplug(&h);
	assert_false(pid_alive(remote)); /* exited on the EOF and reaped: no zombie */
	assert_int_equal(-1, shim_qemu_host_remote_pid(&h));
	assert_true(pid_alive(qemu));
	/* The host stays usable: the empty slot reads all-ones, not a host error. */
	assert_int_equal(0xffffffffu, cfg32(&h, 0x00));
	h.ops->destroy(h.ctx);
	assert_false(pid_alive(qemu));
	assert_no_children();
}

static void test_proxy_replug_has_fresh_remote_with_guest_ram(void **state)
{
	struct shim_host h = make_host("pc");
	long first = shim_qemu_host_remote_pid(&h), second;
	uint8_t out[64], back[64];

	(void)state;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);
	map_bar0(&h);
	unplug(&h);
	replug(&h);
	second = shim_qemu_host_remote_pid(&h);
	assert_true(pid_alive(second));
	assert_true(second != first);
	assert_int_equal(0x11e81234u, cfg32(&h, 0x00));
	assert_int_equal(0, cfg32(&h, 0x10)); /* a new device: BAR not programmed */
	map_bar0(&h);
	assert_int_equal(0x010000edu, rd(&h, EDU_ID));
	/* DMA both ways: the new remote was handed guest RAM. */
	assert_int_equal(SHIM_OK, h.ops->ram_write(h.ctx, 0x200000, out, sizeof(out)));
	run_dma(&h, 0x200000, EDU_BUF, 1);
	run_dma(&h, EDU_BUF, 0x300000, 3);
	assert_int_equal(SHIM_OK, h.ops->ram_read(h.ctx, 0x300000, back, sizeof(back)));
	assert_memory_equal(out, back, sizeof(out));
	h.ops->destroy(h.ctx);
	assert_false(pid_alive(second));
	assert_no_children();
}

static void test_proxy_hotplug_refuses_wrong_state_and_machine(void **state)
{
	struct shim_host h = make_host("pc"), q35, none = { 0 };
	char why[512] = "";

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_host_proxy_unplug(&none, why, sizeof(why)));
	assert_int_equal(SHIM_ERR_NOT_READY, shim_qemu_host_proxy_replug(&h, why, sizeof(why)));
	assert_non_null(strstr(why, "already plugged"));
	unplug(&h);
	assert_int_equal(SHIM_ERR_NOT_READY, shim_qemu_host_proxy_unplug(&h, why, sizeof(why)));
	assert_non_null(strstr(why, "already unplugged"));
	h.ops->destroy(h.ctx); /* destroy while unplugged */
	q35 = make_host("q35");
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_qemu_host_proxy_unplug(&q35, why, sizeof(why)));
	assert_non_null(strstr(why, "pc"));
	assert_true(pid_alive(shim_qemu_host_remote_pid(&q35))); /* nothing was touched */
	q35.ops->destroy(q35.ctx);
	assert_no_children();
}

static void test_proxy_replugged_remote_killed_is_a_host_error(void **state)
{
	struct shim_host h = make_host("pc");
	char why[512] = "";
	shim_ret r = SHIM_OK;
	long pid;

	(void)state;
	unplug(&h);
	replug(&h);
	pid = shim_qemu_host_remote_pid(&h);
	assert_true(pid > 0);
	assert_int_equal(0, kill((pid_t)pid, SIGKILL));
	/* QEMU sees the EOF before the child can be reaped: all-ones, then the error. */
	for (int i = 0; i < 1000 && r == SHIM_OK; i++) {
		uint32_t v = 0;

		r = h.ops->cfg_read(h.ctx, BDF, 0, 4, &v);
		if (r == SHIM_OK) {
			assert_int_equal(0xffffffffu, v);
			usleep(1000);
		}
	}
	assert_int_equal(SHIM_ERR_HOST, r);
	assert_non_null(strstr(h.ops->last_error(h.ctx), "signal 9"));
	/* The crash is not mistaken for an unplug's expected exit. */
	assert_int_equal(SHIM_ERR_HOST, shim_qemu_host_proxy_unplug(&h, why, sizeof(why)));
	assert_non_null(strstr(why, "remote process"));
	h.ops->destroy(h.ctx);
	assert_no_children();
}

static void test_proxy_plug_cycles_leave_no_process_or_fd(void **state)
{
	struct shim_host h = make_host("pc");
	long pids[PLUG_CYCLES + 1];
	int fds_before = count_fds();
	double t0, t_unplug = 0, t_replug = 0;

	(void)state;
	pids[0] = shim_qemu_host_remote_pid(&h);
	for (int i = 1; i <= PLUG_CYCLES; i++) {
		t0 = now_ms();
		unplug(&h);
		t_unplug += now_ms() - t0;
		t0 = now_ms();
		replug(&h);
		t_replug += now_ms() - t0;
		pids[i] = shim_qemu_host_remote_pid(&h);
		assert_int_equal(0x11e81234u, cfg32(&h, 0x00));
	}
	print_message("proxy unplug %.1f ms + replug %.1f ms per cycle (%d cycles)\n",
		      t_unplug / PLUG_CYCLES, t_replug / PLUG_CYCLES, PLUG_CYCLES);
	for (int i = 0; i < PLUG_CYCLES; i++)
		assert_false(pid_alive(pids[i]));
	assert_true(pid_alive(pids[PLUG_CYCLES]));
	assert_int_equal(fds_before, count_fds());
	h.ops->destroy(h.ctx);
	assert_false(pid_alive(pids[PLUG_CYCLES]));
	assert_no_children();
}

/* ---- on the fixture: the scenario and the cycle runner ---- */

static void test_proxy_surprise_removal_scenario_passes(void **state)
{
	const struct bench_scenario *sc = bench_scenario_find("surprise-removal");
	struct bench_report rep;

	(void)state;
	assert_non_null(sc);
	bench_scenario_run(sc, &bench_host_qemu_proxy_factory, &rep);
	if (rep.result != BENCH_PASS)
		fail_msg("surprise-removal on qemu-proxy:edu: %s: %s", bench_result_string(rep.result),
			 rep.why);
	assert_no_children();
}

static void test_proxy_attach_detach_cycles_are_flat(void **state)
{
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find("attach-detach"),
				       .host = &bench_host_qemu_proxy_factory, .count = BENCH_CYCLES };
	struct bench_cycle_result res;

	(void)state;
	assert_non_null(cfg.kind);
	bench_cycle_run(&cfg, &res);
	if (res.result != BENCH_PASS)
		fail_msg("attach-detach on qemu-proxy:edu: %s: %s", bench_result_string(res.result),
			 res.why);
	assert_int_equal(BENCH_CYCLES, res.done);
	assert_int_equal(0, res.ntrends);
	print_message("attach-detach on qemu-proxy:edu: %lu cycles, %.1f ms each\n", res.done,
		      res.seconds * 1e3 / (double)res.done);
	bench_cycle_result_free(&res);
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proxy_unplug_reaps_remote_and_slot_reads_absent),
		cmocka_unit_test(test_proxy_replug_has_fresh_remote_with_guest_ram),
		cmocka_unit_test(test_proxy_hotplug_refuses_wrong_state_and_machine),
		cmocka_unit_test(test_proxy_replugged_remote_killed_is_a_host_error),
		cmocka_unit_test(test_proxy_plug_cycles_leave_no_process_or_fd),
		cmocka_unit_test(test_proxy_surprise_removal_scenario_passes),
		cmocka_unit_test(test_proxy_attach_detach_cycles_are_flat),
	};
	char why[256] = "";

	if (!bench_host_qemu_proxy_factory.available(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
