/* Life and death of the QEMU behind the qemu host: start failures are
 * reported with QEMU's own words, a dead or hung QEMU turns every op into
 * SHIM_ERR_HOST within the timeout, and destroy leaves no process behind.
 * Each test owns its QEMU (teardown destroys it even when a test fails). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "qemu_fixture.h"

static int host_setup(void **state)
{
	static struct shim_host host;

	memset(&host, 0, sizeof(host));
	*state = &host;
	return 0;
}

static int host_teardown(void **state)
{
	fx_qemu_stop(*state);
	return 0;
}

static void test_qemu_host_missing_binary_is_a_clear_create_error(void **state)
{
	struct shim_host *h = *state;
	struct shim_qemu_options o = { .qemu_binary = "/nonexistent/qemu-system-x86_64" };
	char err[512];

	assert_int_equal(SHIM_ERR_HOST, shim_qemu_host_create(&o, h, err, sizeof(err)));
	assert_null(h->ops);
	assert_non_null(strstr(err, "/nonexistent/qemu-system-x86_64"));
	assert_non_null(strstr(err, "No such file"));
}

static void test_qemu_host_unknown_device_reports_qemu_stderr(void **state)
{
	struct shim_host *h = *state;
	static const char *const devices[] = { "no-such-device-xyz", NULL };
	struct shim_qemu_options o = { .device_args = devices };
	char err[1024];

	assert_int_equal(SHIM_ERR_HOST, shim_qemu_host_create(&o, h, err, sizeof(err)));
	assert_non_null(strstr(err, "exited with status 1"));
	assert_non_null(strstr(err, "no-such-device-xyz"));
}

static void test_qemu_host_rejects_unknown_machine(void **state)
{
	struct shim_host *h = *state;
	struct shim_qemu_options o = { .machine = "microvm" };
	char err[256];

	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_qemu_host_create(&o, h, err, sizeof(err)));
	assert_non_null(strstr(err, "microvm"));
}

static void test_qemu_host_killed_qemu_fails_every_op(void **state)
{
	struct shim_host *h = *state;
	uint32_t v;
	long pid;

	fx_qemu_start(h, "q35");
	pid = shim_qemu_host_pid(h);
	assert_true(pid > 0);
	assert_int_equal(0, kill((pid_t)pid, SIGKILL));
	assert_int_equal(SHIM_ERR_HOST, h->ops->cfg_read(h->ctx, EDU_QOS_BDF, 0, 4, &v));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "signal 9"));
	assert_int_equal(SHIM_ERR_HOST, h->ops->io_write(h->ctx, 0x80, 1, 0));
	assert_int_equal(SHIM_ERR_HOST, h->ops->clock_run(h->ctx, UINT64_MAX));
	assert_int_equal(SHIM_ERR_HOST, shim_qemu_host_qmp(h, "{\"execute\":\"query-status\"}", NULL, 0));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "SIGKILL"));
}

static void test_qemu_host_hung_qemu_times_out(void **state)
{
	struct shim_host *h = *state;
	static const char *const devices[] = { "edu,addr=4", NULL };
	struct shim_qemu_options o = { .device_args = devices, .timeout_ms = 300 };
	char err[1024];
	uint64_t v;
	long pid;

	assert_int_equal(SHIM_OK, shim_qemu_host_create(&o, h, err, sizeof(err)));
	pid = shim_qemu_host_pid(h);
	assert_int_equal(0, kill((pid_t)pid, SIGSTOP));
	assert_int_equal(SHIM_ERR_HOST, h->ops->mem_read(h->ctx, 0x1000, 4, &v));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "no reply within 300 ms"));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "killed by the host"));
	/* the watchdog already reaped it */
	assert_int_equal(-1, kill((pid_t)pid, 0));
	assert_int_equal(ESRCH, errno);
}

static void test_qemu_host_edu_dma_abort_names_sigabrt(void **state)
{
	struct shim_host *h = *state;
	struct edu_qos e;
	char tail[1024];
	bool died = false;

	fx_qemu_start(h, "q35");
	edu_qos_init(&e, h, EDU_QOS_BDF);
	edu_qos_map(&e, EDU_QOS_BAR0_ADDR);
	/* touching the last buffer byte is a hardware error in QEMU 7.2
	 * (docs/qemu-edu.md, 'DMA range check') */
	edu_qos_dma_start(&e, 0x100000, EDU_QOS_DMA_BUF, EDU_QOS_DMA_BUF_SIZE, EDU_QOS_DMA_START);
	for (int i = 0; i < 1000 && !died; i++)
		died = edu_qos_try_run(&e, EDU_QOS_STEP_NS) == SHIM_ERR_HOST;
	assert_true(died);
	assert_non_null(strstr(h->ops->last_error(h->ctx), "SIGABRT"));
	assert_non_null(strstr(h->ops->last_error(h->ctx), "hardware error"));
	assert_true(shim_qemu_host_stderr_tail(h, tail, sizeof(tail)) > 0);
	assert_non_null(strstr(tail, "EDU: DMA range"));
}

static void test_qemu_host_destroy_leaves_no_process(void **state)
{
	struct shim_host *h = *state;
	long pid;

	fx_qemu_start(h, "q35");
	pid = shim_qemu_host_pid(h);
	assert_true(pid > 0);
	assert_int_equal(0, kill((pid_t)pid, 0));
	fx_qemu_stop(h);
	assert_int_equal(-1, kill((pid_t)pid, 0));
	assert_int_equal(ESRCH, errno);
}

static void test_qemu_host_pc_routes_intx_through_piix_pirq(void **state)
{
	struct shim_host *h = *state;
	struct shim_host_irq ev;
	struct edu_qos e;
	uint32_t line = 0;

	fx_qemu_start(h, "pc");
	edu_qos_init(&e, h, EDU_QOS_BDF);
	edu_qos_map(&e, EDU_QOS_BAR0_ADDR);
	assert_int_equal(EDU_QOS_PCI_ID, edu_qos_cfg_read(&e, EDU_QOS_CFG_ID, 4));
	assert_int_equal(SHIM_OK, h->ops->intx_route(h->ctx, e.bdf, 1, &line));
	edu_qos_write(&e, EDU_QOS_IRQ_RAISE, 0x4);
	assert_true(edu_qos_wait_irq(&e, &ev));
	assert_int_equal(SHIM_HOST_IRQ_INTX, ev.kind);
	assert_int_equal(line, ev.id);
	assert_true(ev.level);
	edu_qos_write(&e, EDU_QOS_IRQ_ACK, 0x4);
	assert_true(edu_qos_wait_irq(&e, &ev));
	assert_false(ev.level);
}

static void test_qemu_host_pc_unplug_emits_device_deleted(void **state)
{
	struct shim_host *h = *state;
	enum { PIIX_HP_DOWN = 0xae04, PIIX_HP_EJECT = 0xae08, EDU_SLOT_BIT = 1u << EDU_QOS_SLOT };
	char reply[256], event[512];
	struct edu_qos e;
	uint32_t down = 0;

	fx_qemu_start(h, "pc");
	edu_qos_init(&e, h, EDU_QOS_BDF);
	assert_int_equal(SHIM_OK, shim_qemu_host_qmp(h,
		"{\"execute\":\"device_del\",\"arguments\":{\"id\":\"edu0\"}}", reply, sizeof(reply)));
	assert_int_equal(SHIM_OK, h->ops->io_read(h->ctx, PIIX_HP_DOWN, 4, &down));
	assert_int_equal(EDU_SLOT_BIT, down);
	/* play the guest's ACPI code: eject the slot */
	assert_int_equal(SHIM_OK, h->ops->io_write(h->ctx, PIIX_HP_EJECT, 4, EDU_SLOT_BIT));
	assert_int_equal(SHIM_OK, shim_qemu_host_qmp_event(h, "DEVICE_DELETED", 2000, event, sizeof(event)));
	assert_non_null(strstr(event, "edu0"));
	assert_int_equal(0xffffffff, edu_qos_cfg_read(&e, EDU_QOS_CFG_ID, 4));
}

static void test_qemu_host_passes_only_kept_fds_to_qemu(void **state)
{
	struct shim_host *h = *state;
	char add_fd[64], err[1024], reply[512];
	const char *extra[] = { "-add-fd", add_fd, NULL };
	struct shim_qemu_options o = { .extra_args = extra };
	int fds[2];

	assert_int_equal(0, pipe2(fds, O_CLOEXEC));
	snprintf(add_fd, sizeof(add_fd), "fd=%d,set=1", fds[0]);
	/* every fd of the test process is close-on-exec unless kept */
	assert_int_equal(SHIM_ERR_HOST, shim_qemu_host_create(&o, h, err, sizeof(err)));
	assert_non_null(strstr(err, "fd is not valid"));
	o.keep_fds = &fds[0];
	o.keep_fd_count = 1;
	assert_int_equal(SHIM_OK, shim_qemu_host_create(&o, h, err, sizeof(err)));
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(SHIM_OK, shim_qemu_host_qmp(h, "{\"execute\":\"query-fdsets\"}", reply,
						     sizeof(reply)));
	assert_non_null(strstr(reply, "\"fdset-id\": 1"));
}

/* pc and q35 always have an HPET, the host's clock: without one QEMU is
 * broken, a host failure (not "unsupported", which would make every
 * scenario CANNOT RUN and a run look clean). */
static void test_qemu_host_missing_hpet_is_a_host_failure(void **state)
{
	struct shim_host *h = *state;
	static const char *const extra[] = { "-machine", "hpet=off", NULL };
	struct shim_qemu_options o = { .extra_args = extra };
	char err[1024];

	assert_int_equal(SHIM_ERR_HOST, shim_qemu_host_create(&o, h, err, sizeof(err)));
	assert_null(h->ops);
	print_message("  %s\n", err);
	if (strstr(err, "HPET") == NULL)
		fail_msg("create error does not name the HPET: %s", err);
}

/* True once pid is gone or a zombie nobody reaped yet (it no longer runs). */
static bool pid_is_dead(pid_t pid)
{
	char path[64], stat[256];
	FILE *f;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	const char *close_paren = strrchr(stat, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

static void test_qemu_host_qemu_dies_with_its_parent(void **state)
{
	(void)state;
	int fds[2];
	long qemu_pid = -1;
	ssize_t got;
	pid_t child;
	bool dead = false;

	assert_int_equal(0, pipe(fds));
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		/* a test process that crashes without destroying its host */
		struct shim_host h;
		char err[256];
		long pid = -1;

		if (shim_qemu_host_create(NULL, &h, err, sizeof(err)) == SHIM_OK)
			pid = shim_qemu_host_pid(&h);
		if (write(fds[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	got = read(fds[0], &qemu_pid, sizeof(qemu_pid));
	close(fds[0]);
	waitpid(child, NULL, 0); /* reaped before any assertion can end the test */
	assert_int_equal(sizeof(qemu_pid), got);
	assert_true(qemu_pid > 0);
	for (int i = 0; i < 200 && !dead; i++) {
		dead = pid_is_dead((pid_t)qemu_pid);
		if (!dead)
			usleep(10000);
	}
	assert_true(dead);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_qemu_host_missing_binary_is_a_clear_create_error,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_unknown_device_reports_qemu_stderr,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_rejects_unknown_machine,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_killed_qemu_fails_every_op,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_hung_qemu_times_out,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_edu_dma_abort_names_sigabrt,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_destroy_leaves_no_process,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_pc_routes_intx_through_piix_pirq,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_pc_unplug_emits_device_deleted,
						host_setup, host_teardown),
		cmocka_unit_test(test_qemu_host_qemu_dies_with_its_parent),
		cmocka_unit_test_setup_teardown(test_qemu_host_passes_only_kept_fds_to_qemu,
						host_setup, host_teardown),
		cmocka_unit_test_setup_teardown(test_qemu_host_missing_hpet_is_a_host_failure,
						host_setup, host_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
