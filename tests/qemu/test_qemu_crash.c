/* QEMU dying under a running driver (the minimal test kext, argv[1]) on
 * qemu:edu: killed from a shim timer while the machine's work loop waits on
 * a DMA in flight, or terminated between two calls into the driver. The
 * wait and the next driver call must fail (not hang: the test's timeout
 * would end it), the machine's last error must say how QEMU ended and show
 * its output, the machine must come down clean, and QEMU must be reaped. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "edu_qos.h"
#include "shim/host_qemu.h"
#include "shim/uc_client.h"
#include "shim/workloop.h"

#define CRASH_SOON_NS 1000ull  /* fires once the wait started (the DMA takes 100 ms virtual) */
#define CRASH_WAIT_NS (10 * EDU_QOS_DMA_NS)
#define CRASH_DMA_RAM 0x200000u
#define CRASH_DMA_LEN 64u
#define MINIMAL_PING 0u        /* the minimal kext's user-client selector: reads BAR0 + 0 */
#define EXIT_WAIT_ROUNDS 5000  /* 1 ms apart: QEMU exits on SIGTERM in a few ms */

static const char *minimal_path;
static struct bench_kext *minimal_kext;

struct crash_fx {
	struct bench_machine fx;
	bool booted;
	long pid;
	shim_task *task;
	shim_uc_conn *conn;
};

struct crash_kill {
	long pid;
	int sig;
	bool fired;
};

static double crash_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int group_setup(void **state)
{
	char why[512] = "";

	(void)state;
	if (bench_kext_open(minimal_path, &minimal_kext, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "minimal kext %s: %s\n", minimal_path, why);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	bench_kext_close(minimal_kext);
	return 0;
}

static int crash_setup(void **state)
{
	static struct crash_fx c;

	memset(&c, 0, sizeof(c));
	*state = &c;
	return 0;
}

/* Whatever a failed test left: the client first, then the machine (which
 * reaps QEMU). */
static int crash_teardown(void **state)
{
	struct crash_fx *c = *state;
	char why[512] = "";

	if (c->task != NULL)
		shim_task_destroy(c->task);
	c->task = NULL;
	if (c->booted)
		bench_machine_shutdown(&c->fx, why, sizeof(why));
	c->booted = false;
	return 0;
}

/* Makes QEMU write a known line to its output (it writes nothing reliably
 * by itself): guest-error logging on, then a 1-byte read of edu's BAR0,
 * which QEMU's memory core refuses and reports. */
static void crash_mark_stderr(struct edu_qos *e)
{
	static const char log_on[] = "{\"execute\":\"human-monitor-command\",\"arguments\":"
				     "{\"command-line\":\"log guest_errors\"}}";
	char reply[256];
	uint64_t v = 0;

	assert_int_equal(SHIM_OK, shim_qemu_host_qmp(&e->host, log_on, reply, sizeof(reply)));
	assert_int_equal(SHIM_OK, edu_qos_try_read(e, EDU_QOS_LIVENESS, 1, &v));
}

/* Boots qemu:edu with the minimal kext started, opens its user client and
 * marks QEMU's output; e is edu where the firmware put it. */
static void crash_boot(struct crash_fx *c, struct edu_qos *e)
{
	const struct bench_options opt = { .profile = bench_profile_builtin_find("edu"),
					   .kext = minimal_kext };
	char why[320] = "";

	if (bench_machine_boot(&c->fx, &bench_host_qemu_factory, &opt, why, sizeof(why)) != SHIM_OK)
		fail_msg("qemu:edu did not boot: %s", why);
	c->booted = true;
	if (c->fx.svc == NULL)
		fail_msg("the minimal kext did not start on qemu:edu (%s)",
			 shim_ret_string(c->fx.match_ret));
	c->pid = shim_qemu_host_pid(&c->fx.parts.host);
	assert_true(c->pid > 0);
	assert_int_equal(SHIM_OK, shim_task_create(0, NULL, 0, &c->task));
	assert_int_equal(SHIM_OK, shim_uc_open(c->task, c->fx.svc, &c->conn));
	edu_qos_init(e, &c->fx.parts.host, SHIM_BDF(0, bench_profile_slot(opt.profile), 0));
	edu_qos_find_bar0(e);
	crash_mark_stderr(e);
}

/* True once pid has exited: a zombie its parent (the host) has not reaped yet. */
static bool crash_exited(long pid)
{
	char path[64], stat[256];
	const char *paren;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return true;
	n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	paren = strrchr(stat, ')');
	return paren != NULL && paren[1] == ' ' && paren[2] == 'Z';
}

/* One call into the driver: its ping reads the device. */
static shim_ret crash_ping(struct crash_fx *c)
{
	uint64_t out[1] = { 0 };
	struct shim_uc_call call = { .scalar_out = out, .scalar_out_count = 1 };

	return shim_uc_call(c->conn, MINIMAL_PING, &call);
}

/* The machine must come down clean (driver stopped, kext unloaded, counters
 * back), and QEMU must be gone and reaped: a zombie would still answer
 * kill(pid, 0). */
static void crash_shutdown(struct crash_fx *c)
{
	char why[320] = "";
	double t0 = crash_now();
	bool clean;

	shim_task_destroy(c->task);
	c->task = NULL;
	clean = bench_machine_shutdown(&c->fx, why, sizeof(why));
	c->booted = false;
	print_message("  shutdown after QEMU died: %.3f s\n", crash_now() - t0);
	errno = 0;
	assert_int_equal(-1, kill((pid_t)c->pid, 0));
	assert_int_equal(ESRCH, errno);
	if (!clean)
		fail_msg("machine shutdown after QEMU died: %s", why);
}

/* The machine's last error must say how QEMU ended and carry its output,
 * here the line crash_mark_stderr caused (the tail may be cut short). */
static void crash_check_error(struct crash_fx *c, const char *how)
{
	const char *err = shim_machine_last_error(c->fx.machine);
	const char *tail = strstr(err, "stderr: ");

	if (strstr(err, how) == NULL)
		fail_msg("last error does not say '%s': %s", how, err);
	if (tail == NULL || strstr(tail, "Invalid read at addr") == NULL)
		fail_msg("last error lacks QEMU's stderr tail: %s", err);
}

static void crash_fire(void *owner, shim_timer *t)
{
	struct crash_kill *k = owner;

	(void)t;
	k->fired = kill((pid_t)k->pid, k->sig) == 0;
}

static void test_qemu_crash_sigkill_during_dma_fails_the_wait_and_the_driver(void **state)
{
	struct crash_fx *c = *state;
	struct crash_kill k = { .sig = SIGKILL };
	shim_workloop *wl;
	shim_timer *t = NULL;
	struct edu_qos e;
	double t0;
	shim_ret r;

	crash_boot(c, &e);
	assert_int_equal(SHIM_OK, crash_ping(c));
	k.pid = c->pid;
	wl = shim_machine_workloop(c->fx.machine);
	assert_int_equal(SHIM_OK, shim_timer_create(wl, crash_fire, &k, &t));
	edu_qos_dma_start(&e, CRASH_DMA_RAM, EDU_QOS_DMA_BUF, CRASH_DMA_LEN, EDU_QOS_DMA_START);
	shim_timer_arm_ns(t, CRASH_SOON_NS);
	t0 = crash_now();
	r = shim_workloop_sleep(wl, &k, CRASH_WAIT_NS); /* nobody wakes it: the clock runs */
	print_message("  wait after SIGKILL: %s in %.3f s; %s\n", shim_ret_string(r),
		      crash_now() - t0, shim_machine_last_error(c->fx.machine));
	shim_timer_release(t);
	assert_true(k.fired);
	assert_int_equal(SHIM_ERR_HOST, r);
	r = crash_ping(c);
	if (r == SHIM_OK)
		fail_msg("the driver's ping succeeded after QEMU was killed");
	crash_check_error(c, "killed by signal 9");
	crash_shutdown(c);
}

/* SIGTERM between two calls: QEMU exits cleanly (the test waits until it
 * has, since QEMU quits from its main loop and could still answer one
 * more exchange); the next call must fail. */
static void test_qemu_crash_sigterm_between_calls_fails_the_next_with_qemu_output(void **state)
{
	struct crash_fx *c = *state;
	struct edu_qos e;
	double t0;
	shim_ret r;

	crash_boot(c, &e);
	assert_int_equal(SHIM_OK, crash_ping(c));
	assert_int_equal(0, kill((pid_t)c->pid, SIGTERM));
	for (int i = 0; i < EXIT_WAIT_ROUNDS && !crash_exited(c->pid); i++)
		usleep(1000);
	if (!crash_exited(c->pid))
		fail_msg("QEMU (pid %ld) did not exit on SIGTERM", c->pid);
	t0 = crash_now();
	r = crash_ping(c);
	print_message("  ping after SIGTERM: %s in %.3f s\n", shim_ret_string(r), crash_now() - t0);
	if (r == SHIM_OK)
		fail_msg("the driver's ping succeeded after QEMU was terminated");
	crash_check_error(c, "exited with status 0"); /* QEMU handles SIGTERM by quitting */
	crash_shutdown(c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_qemu_crash_sigkill_during_dma_fails_the_wait_and_the_driver,
			crash_setup, crash_teardown),
		cmocka_unit_test_setup_teardown(
			test_qemu_crash_sigterm_between_calls_fails_the_next_with_qemu_output,
			crash_setup, crash_teardown),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s MINIMAL_KEXT\n", argv[0]);
		return 2;
	}
	minimal_path = argv[1];
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
