/* A QEMU killed in the middle of a cycle run or a scenario (the minimal test
 * kext, argv[1], on qemu:edu): the failure names QEMU's death and how it
 * came, where it used to say "SHIM_ERR_HOST: host failure" or "match:
 * SHIM_ERR_NO_DEVICE" and nothing of the cause. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/cycle.h"
#include "bench/kext.h"
#include "bench/machine.h"
#include "shim/host_qemu.h"

#define KILL_AT_CYCLE 3ul
#define WANT "killed by signal 9 (SIGKILL)"

static const char *minimal_path;
static struct bench_kext *minimal_kext;
static const struct bench_cycle_kind *inner; /* the kind a test wraps */

static void kill_qemu(struct bench_machine *fx)
{
	long pid = shim_qemu_host_pid(&fx->parts.host);

	assert_true(pid > 0);
	assert_int_equal(0, kill((pid_t)pid, SIGKILL));
}

/* The inner kind's cycle, with QEMU killed just before cycle KILL_AT_CYCLE. */
static shim_ret killing_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	if (c->index == KILL_AT_CYCLE)
		kill_qemu(c->fx);
	return inner->cycle(c, why, len);
}

static shim_ret inner_setup(struct bench_cycle_ctx *c, char *why, size_t len)
{
	return inner->setup != NULL ? inner->setup(c, why, len) : SHIM_OK;
}

static void inner_teardown(struct bench_cycle_ctx *c)
{
	if (inner->teardown != NULL)
		inner->teardown(c);
}

static void expect_death_named(const char *kind)
{
	struct bench_cycle_kind killing;
	struct bench_cycle_config cfg = { .kind = &killing, .host = &bench_host_qemu_factory,
					  .count = 20 };
	struct bench_cycle_result res;
	char why[256] = "";

	inner = bench_cycle_kind_find(kind);
	assert_non_null(inner);
	killing = *inner;
	killing.setup = inner_setup;
	killing.cycle = killing_cycle;
	killing.teardown = inner_teardown;
	cfg.opt.kext = minimal_kext;
	cfg.opt.profile = bench_profile_for_kext(bench_kext_manifest(minimal_kext), why,
						 sizeof(why));
	assert_non_null(cfg.opt.profile);
	bench_cycle_run(&cfg, &res);
	assert_int_equal(BENCH_FAIL, res.result);
	assert_int_equal(KILL_AT_CYCLE + 1, res.done);
	if (strstr(res.why, "the host is gone: ") == NULL || strstr(res.why, WANT) == NULL)
		fail_msg("%s: the failure does not say QEMU was killed: %s", kind, res.why);
	bench_cycle_result_free(&res);
}

static void test_cycle_names_qemu_killed_mid_start_stop(void **state)
{
	(void)state;
	expect_death_named("start-stop");
}

static void test_cycle_names_qemu_killed_mid_attach_detach(void **state)
{
	(void)state;
	expect_death_named("attach-detach");
}

/* A driver-facing read reads all-ones from a dead host, as from a device
 * gone: the scenario fails without a word of QEMU. */
static enum bench_result kill_then_call(struct bench_machine *fx, char *why, size_t len)
{
	kill_qemu(fx);
	return bench_fail(why, len, "vendor id 0x%04x after QEMU was killed",
			  shim_pci_cfg_read16(fx->dev, 0));
}

static void test_scenario_failure_names_qemu_killed(void **state)
{
	static const struct bench_scenario sc = { .name = "kill-then-call",
						  .summary = "QEMU killed under the driver",
						  .run = kill_then_call };
	struct bench_options base = { .kext = minimal_kext };
	struct bench_report rep;
	char why[256] = "";

	(void)state;
	base.profile = bench_profile_for_kext(bench_kext_manifest(minimal_kext), why, sizeof(why));
	assert_non_null(base.profile);
	bench_scenario_run(&sc, &bench_host_qemu_factory, &base, &rep);
	assert_int_equal(BENCH_FAIL, rep.result);
	if (strstr(rep.why, WANT) == NULL)
		fail_msg("the failure does not say QEMU was killed: %s", rep.why);
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

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle_names_qemu_killed_mid_start_stop),
		cmocka_unit_test(test_cycle_names_qemu_killed_mid_attach_detach),
		cmocka_unit_test(test_scenario_failure_names_qemu_killed),
	};

	if (argc < 2) {
		fprintf(stderr, "usage: %s MINIMAL_KEXT\n", argv[0]);
		return 2;
	}
	minimal_path = argv[1];
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
