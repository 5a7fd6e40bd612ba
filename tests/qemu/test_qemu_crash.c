/* QEMU dying under a running driver on qemu:edu: killed from a shim timer
 * while edu_dma_to_device waits for the DMA, or between two operations.
 * The operation must fail within a bound (generous: this is not a timing
 * test), the machine's last error must say how QEMU ended and show its
 * output, the fixture must come down, and no QEMU process may be left. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <cmocka.h>

#include "edu/edu_driver.h"
#include "bench/machine.h"
#include "shim/host_qemu.h"
#include "shim/workloop.h"

#define CRASH_BOUND_S 10.0     /* far above the 5 s exchange timeout */
#define CRASH_SOON_NS 1000ull  /* fires once the DMA waits (it takes 100 ms virtual) */
#define CRASH_DMA_LEN 64u

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

/* Makes QEMU write a known line to its stderr (it writes nothing reliably
 * by itself): guest-error logging on, then a 1-byte read of edu's BAR0,
 * which QEMU's memory core refuses and reports. */
static void crash_mark_stderr(struct bench_machine *fx)
{
	static const char log_on[] = "{\"execute\":\"human-monitor-command\",\"arguments\":"
				     "{\"command-line\":\"log guest_errors\"}}";
	const struct shim_host *h = &fx->parts.host;
	uint64_t bar0 = shim_pci_cfg_read32(fx->dev, 0x10) & ~0xfull, v = 0;
	char reply[256];

	assert_int_equal(shim_qemu_host_qmp(h, log_on, reply, sizeof(reply)), SHIM_OK);
	assert_int_equal(h->ops->mem_read(h->ctx, bar0 + 4, 1, &v), SHIM_OK);
}

static void crash_boot(struct bench_machine *fx, long *pid)
{
	const struct bench_options opt = { 0 };
	char why[320] = "";

	if (bench_machine_boot(fx, &bench_host_qemu_edu_factory, &opt, why, sizeof(why)) != SHIM_OK)
		fail_msg("qemu:edu did not boot: %s", why);
	if (fx->svc == NULL)
		fail_msg("the edu driver did not start on qemu:edu (%s)", shim_ret_string(fx->match_ret));
	*pid = shim_qemu_host_pid(&fx->parts.host);
	assert_true(*pid > 0);
	crash_mark_stderr(fx);
}

/* Shutdown must return in bounded time, clean (driver stopped, kext
 * unloaded, counters back), and leave no QEMU behind: reaped, since a
 * zombie would still answer kill(pid, 0). */
static void crash_shutdown(struct bench_machine *fx, long pid)
{
	char why[320] = "";
	double t0 = crash_now(), took;
	bool clean;

	clean = bench_machine_shutdown(fx, why, sizeof(why));
	took = crash_now() - t0;
	if (took >= CRASH_BOUND_S)
		fail_msg("fixture shutdown after QEMU died took %.1f s", took);
	errno = 0;
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	if (!clean)
		fail_msg("fixture shutdown after QEMU died: %s", why);
}

/* The machine's last error must say how QEMU ended and carry its output,
 * here the line crash_mark_stderr caused (the tail may be cut short). */
static void crash_check_error(struct bench_machine *fx, const char *how)
{
	const char *err = shim_machine_last_error(fx->machine);
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

static void test_qemu_crash_sigkill_during_dma_fails_the_dma_with_the_signal(void **state)
{
	static const uint8_t data[CRASH_DMA_LEN] = { 0x5a, 0xa5 };
	struct bench_machine fx;
	struct crash_kill k = { .sig = SIGKILL };
	shim_timer *t = NULL;
	double t0, took;
	shim_ret r;

	(void)state;
	crash_boot(&fx, &k.pid);
	assert_int_equal(shim_timer_create(shim_machine_workloop(fx.machine), crash_fire, &k, &t),
			 SHIM_OK);
	shim_timer_arm_ns(t, CRASH_SOON_NS);
	t0 = crash_now();
	r = edu_dma_to_device(fx.svc, 0, data, CRASH_DMA_LEN);
	took = crash_now() - t0;
	shim_timer_release(t);
	assert_true(k.fired);
	if (r == SHIM_OK)
		fail_msg("the DMA succeeded although QEMU was killed while it waited");
	if (took >= CRASH_BOUND_S)
		fail_msg("the DMA took %.1f s to fail after QEMU was killed", took);
	print_message("DMA after SIGKILL: %s in %.3f s; %s\n", shim_ret_string(r), took,
		      shim_machine_last_error(fx.machine));
	crash_check_error(&fx, "killed by signal 9");
	crash_shutdown(&fx, k.pid);
}

/* SIGTERM between two calls: QEMU exits cleanly; the next call must fail. */
static void test_qemu_crash_sigterm_between_calls_fails_the_next_with_qemu_output(void **state)
{
	struct bench_machine fx;
	uint32_t v = 0;
	double t0, took;
	long pid;
	shim_ret r;

	(void)state;
	crash_boot(&fx, &pid);
	assert_int_equal(edu_liveness(fx.svc, 0x1234u, &v), SHIM_OK);
	assert_int_equal(v, ~0x1234u);
	assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
	t0 = crash_now();
	r = edu_liveness(fx.svc, 0x4321u, &v);
	took = crash_now() - t0;
	if (r == SHIM_OK)
		fail_msg("liveness answered 0x%08x after QEMU was terminated", v);
	if (took >= CRASH_BOUND_S)
		fail_msg("liveness took %.1f s to fail after QEMU was terminated", took);
	crash_check_error(&fx, "exited with status 0"); /* QEMU handles SIGTERM by quitting */
	crash_shutdown(&fx, pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_crash_sigkill_during_dma_fails_the_dma_with_the_signal),
		cmocka_unit_test(test_qemu_crash_sigterm_between_calls_fails_the_next_with_qemu_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
