/* Hot-unplug and re-plug of the proxied device on qemu-proxy (machine pc):
 * the remote exits on QEMU's hang-up and is reaped, the slot reads absent,
 * a re-plugged device has a fresh remote that answers config, BAR and DMA
 * through shared RAM; wrong states and machines are refused; repeated
 * cycles leak neither processes nor fds; and on a bench machine with the
 * minimal test kext (argv[1]), the generic surprise-removal scenario and
 * the attach-detach cycles pass with no child left. Every host a test
 * makes is destroyed by its teardown, also when the test failed. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/cycle.h"
#include "bench/kext.h"
#include "bench/scenario.h"
#include "edu_qos.h"
#include "shim/host_qemu.h"

#define PLUG_CYCLES 20
#define BENCH_CYCLES 30ul
#define DMA_LEN 64u
#define DMA_RAM_SRC 0x200000u
#define DMA_RAM_DST 0x300000u

static const char *minimal_path;

/* The hosts a test made (at most two), destroyed by the teardown. */
struct plug_fx {
	struct edu_qos edu[2];
	size_t n;
};

static int plug_setup(void **state)
{
	static struct plug_fx f;

	memset(&f, 0, sizeof(f));
	*state = &f;
	return 0;
}

static void plug_destroy(struct edu_qos *e)
{
	if (e->host.ops != NULL)
		e->host.ops->destroy(e->host.ctx);
	e->host.ops = NULL;
}

static int plug_teardown(void **state)
{
	struct plug_fx *f = *state;

	for (size_t i = 0; i < f->n; i++)
		plug_destroy(&f->edu[i]);
	return 0;
}

/* A proxy host on machine ("pc" or "q35") with our edu in its slot. */
static struct edu_qos *make_host(struct plug_fx *f, const char *machine)
{
	struct shim_qemu_options o = { .machine = machine, .proxy_model = "edu",
				       .proxy_slot = EDU_QOS_SLOT };
	struct shim_host h = { 0 };
	char err[1024];

	assert_true(f->n < sizeof(f->edu) / sizeof(f->edu[0]));
	if (shim_qemu_host_create(&o, &h, err, sizeof(err)) != SHIM_OK)
		fail_msg("proxy host (%s): %s", machine, err);
	edu_qos_init(&f->edu[f->n], &h, EDU_QOS_BDF);
	return &f->edu[f->n++];
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

static void unplug(struct edu_qos *e)
{
	char why[512] = "";

	if (shim_qemu_host_proxy_unplug(&e->host, why, sizeof(why)) != SHIM_OK)
		fail_msg("unplug: %s", why);
}

static void replug(struct edu_qos *e)
{
	char why[512] = "";

	if (shim_qemu_host_proxy_replug(&e->host, why, sizeof(why)) != SHIM_OK)
		fail_msg("replug: %s", why);
}

static void test_proxy_unplug_reaps_remote_and_slot_reads_absent(void **state)
{
	struct edu_qos *e = make_host(*state, "pc");
	long qemu = shim_qemu_host_pid(&e->host), remote = shim_qemu_host_remote_pid(&e->host);

	assert_true(pid_alive(remote));
	assert_int_equal(EDU_QOS_PCI_ID, edu_qos_cfg_read(e, EDU_QOS_CFG_ID, 4));
	unplug(e);
	assert_false(pid_alive(remote)); /* exited on the EOF and reaped: no zombie */
	assert_int_equal(-1, shim_qemu_host_remote_pid(&e->host));
	assert_true(pid_alive(qemu));
	/* The host stays usable: the empty slot reads all-ones, not a host error. */
	assert_int_equal(0xffffffffu, edu_qos_cfg_read(e, EDU_QOS_CFG_ID, 4));
	plug_destroy(e);
	assert_false(pid_alive(qemu));
	assert_no_children();
}

static void test_proxy_replug_has_fresh_remote_with_guest_ram(void **state)
{
	struct edu_qos *e = make_host(*state, "pc");
	long first = shim_qemu_host_remote_pid(&e->host), second;
	uint8_t out[DMA_LEN], back[DMA_LEN];

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + 3);
	edu_qos_map(e, EDU_QOS_BAR0_ADDR);
	unplug(e);
	replug(e);
	second = shim_qemu_host_remote_pid(&e->host);
	assert_true(pid_alive(second));
	assert_true(second != first);
	assert_int_equal(EDU_QOS_PCI_ID, edu_qos_cfg_read(e, EDU_QOS_CFG_ID, 4));
	/* a new device: BAR0 not programmed */
	assert_int_equal(0, edu_qos_cfg_read(e, EDU_QOS_CFG_BAR0, 4));
	edu_qos_map(e, EDU_QOS_BAR0_ADDR);
	assert_int_equal(EDU_QOS_ID_VALUE, edu_qos_read(e, EDU_QOS_ID));
	/* DMA both ways: the new remote was handed guest RAM. */
	assert_int_equal(SHIM_OK, e->host.ops->ram_write(e->host.ctx, DMA_RAM_SRC, out, sizeof(out)));
	assert_true(edu_qos_dma(e, DMA_RAM_SRC, EDU_QOS_DMA_BUF, DMA_LEN, EDU_QOS_DMA_START));
	assert_true(edu_qos_dma(e, EDU_QOS_DMA_BUF, DMA_RAM_DST, DMA_LEN,
				EDU_QOS_DMA_START | EDU_QOS_DMA_TO_RAM));
	assert_int_equal(SHIM_OK, e->host.ops->ram_read(e->host.ctx, DMA_RAM_DST, back, sizeof(back)));
	assert_memory_equal(out, back, sizeof(out));
	plug_destroy(e);
	assert_false(pid_alive(second));
	assert_no_children();
}

static void test_proxy_hotplug_refuses_wrong_state_and_machine(void **state)
{
	struct plug_fx *f = *state;
	struct edu_qos *pc = make_host(f, "pc"), *q35;
	struct shim_host none = { 0 };
	char why[512] = "";

	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_host_proxy_unplug(&none, why, sizeof(why)));
	assert_int_equal(SHIM_ERR_NOT_READY, shim_qemu_host_proxy_replug(&pc->host, why, sizeof(why)));
	assert_non_null(strstr(why, "already plugged"));
	unplug(pc);
	assert_int_equal(SHIM_ERR_NOT_READY, shim_qemu_host_proxy_unplug(&pc->host, why, sizeof(why)));
	assert_non_null(strstr(why, "already unplugged"));
	plug_destroy(pc); /* destroy while unplugged */
	q35 = make_host(f, "q35");
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_qemu_host_proxy_unplug(&q35->host, why, sizeof(why)));
	assert_non_null(strstr(why, "pc"));
	assert_true(pid_alive(shim_qemu_host_remote_pid(&q35->host))); /* nothing was touched */
	plug_destroy(q35);
	assert_no_children();
}

static void test_proxy_replugged_remote_killed_is_a_host_error(void **state)
{
	struct edu_qos *e = make_host(*state, "pc");
	char why[512] = "";
	shim_ret r = SHIM_OK;
	long pid;

	unplug(e);
	replug(e);
	pid = shim_qemu_host_remote_pid(&e->host);
	assert_true(pid > 0);
	assert_int_equal(0, kill((pid_t)pid, SIGKILL));
	/* QEMU sees the EOF before the child can be reaped: all-ones, then the error. */
	for (int i = 0; i < 1000 && r == SHIM_OK; i++) {
		uint32_t v = 0;

		r = edu_qos_try_cfg_read(e, EDU_QOS_CFG_ID, 4, &v);
		if (r == SHIM_OK) {
			assert_int_equal(0xffffffffu, v);
			usleep(1000);
		}
	}
	assert_int_equal(SHIM_ERR_HOST, r);
	assert_non_null(strstr(e->host.ops->last_error(e->host.ctx), "signal 9"));
	/* The crash is not mistaken for an unplug's expected exit. */
	assert_int_equal(SHIM_ERR_HOST, shim_qemu_host_proxy_unplug(&e->host, why, sizeof(why)));
	assert_non_null(strstr(why, "remote process"));
	plug_destroy(e);
	assert_no_children();
}

static void test_proxy_plug_cycles_leave_no_process_or_fd(void **state)
{
	struct edu_qos *e = make_host(*state, "pc");
	long pids[PLUG_CYCLES + 1];
	int fds_before = count_fds();
	double t0, t_unplug = 0, t_replug = 0;

	pids[0] = shim_qemu_host_remote_pid(&e->host);
	for (int i = 1; i <= PLUG_CYCLES; i++) {
		t0 = now_ms();
		unplug(e);
		t_unplug += now_ms() - t0;
		t0 = now_ms();
		replug(e);
		t_replug += now_ms() - t0;
		pids[i] = shim_qemu_host_remote_pid(&e->host);
		assert_int_equal(EDU_QOS_PCI_ID, edu_qos_cfg_read(e, EDU_QOS_CFG_ID, 4));
	}
	print_message("proxy unplug %.1f ms + replug %.1f ms per cycle (%d cycles)\n",
		      t_unplug / PLUG_CYCLES, t_replug / PLUG_CYCLES, PLUG_CYCLES);
	for (int i = 0; i < PLUG_CYCLES; i++)
		assert_false(pid_alive(pids[i]));
	assert_true(pid_alive(pids[PLUG_CYCLES]));
	assert_int_equal(fds_before, count_fds());
	plug_destroy(e);
	assert_false(pid_alive(pids[PLUG_CYCLES]));
	assert_no_children();
}

/* ---- on a bench machine with the minimal kext: the scenario and the cycle runner ---- */

static int kext_setup(void **state)
{
	static struct bench_kext *kext;
	char why[512] = "";

	if (bench_kext_open(minimal_path, &kext, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "minimal kext %s: %s\n", minimal_path, why);
		return -1;
	}
	*state = kext;
	return 0;
}

static int kext_teardown(void **state)
{
	bench_kext_close(*state);
	return 0;
}

static struct bench_options kext_options(struct bench_kext *kext)
{
	return (struct bench_options){ .profile = bench_profile_builtin_find("edu"), .kext = kext };
}

static void test_proxy_surprise_removal_scenario_passes(void **state)
{
	const struct bench_scenario *sc = bench_scenario_find(NULL, "surprise-removal");
	const struct bench_options base = kext_options(*state);
	struct bench_report rep;

	assert_non_null(sc);
	bench_scenario_run(sc, &bench_host_qemu_proxy_factory, &base, &rep);
	if (rep.result != BENCH_PASS)
		fail_msg("surprise-removal on %s: %s: %s", rep.host, bench_result_string(rep.result),
			 rep.why);
	assert_no_children();
}

static void test_proxy_attach_detach_cycles_are_flat(void **state)
{
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find("attach-detach"),
					  .host = &bench_host_qemu_proxy_factory,
					  .count = BENCH_CYCLES, .opt = kext_options(*state) };
	struct bench_cycle_result res;

	assert_non_null(cfg.kind);
	bench_cycle_run(&cfg, &res);
	if (res.result != BENCH_PASS) {
		print_error("attach-detach on %s: %s: %s\n", res.host,
			    bench_result_string(res.result), res.why);
		bench_cycle_result_free(&res);
		fail();
	}
	print_message("attach-detach on %s: %lu cycles, %.1f ms each\n", res.host, res.done,
		      res.seconds * 1e3 / (double)res.done);
	assert_int_equal(BENCH_CYCLES, res.done);
	assert_int_equal(0, res.ntrends);
	bench_cycle_result_free(&res);
	assert_no_children();
}

#define PLUG_TEST(f) cmocka_unit_test_setup_teardown(f, plug_setup, plug_teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest plug_tests[] = {
		PLUG_TEST(test_proxy_unplug_reaps_remote_and_slot_reads_absent),
		PLUG_TEST(test_proxy_replug_has_fresh_remote_with_guest_ram),
		PLUG_TEST(test_proxy_hotplug_refuses_wrong_state_and_machine),
		PLUG_TEST(test_proxy_replugged_remote_killed_is_a_host_error),
		PLUG_TEST(test_proxy_plug_cycles_leave_no_process_or_fd),
	};
	const struct CMUnitTest kext_tests[] = {
		cmocka_unit_test(test_proxy_surprise_removal_scenario_passes),
		cmocka_unit_test(test_proxy_attach_detach_cycles_are_flat),
	};
	char why[256] = "";
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MINIMAL_KEXT\n", argv[0]);
		return 2;
	}
	minimal_path = argv[1];
	/* QEMU is a dependency the bootstrap installs: unavailable is a failure. */
	if (!bench_host_qemu_proxy_factory.available(bench_profile_builtin_find("edu"), why,
						     sizeof(why))) {
		fprintf(stderr, "qemu-proxy unavailable: %s\n", why);
		return 1;
	}
	failed = cmocka_run_group_tests_name("proxy_hotplug", plug_tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("proxy_hotplug_minimal_kext", kext_tests, kext_setup,
					      kext_teardown);
	return failed != 0;
}
