/* The power and presence scenarios on qemu:edu (machine pc): sleep/wake
 * through a QMP system_reset with config space restored by the shim, and
 * surprise removal by device_del + ACPI eject, then device_add. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fx_scenario.h"

static void run_on_qemu(const char *name)
{
	const struct fx_scenario *sc = fx_scenario_find(name);
	struct fx_report rep;

	if (sc == NULL)
		fail_msg("no scenario named %s", name);
	fx_scenario_run(sc, &fx_host_qemu_edu_factory, &rep);
	if (rep.result != FX_PASS)
		fail_msg("scenario %s on qemu:edu: %s: %s", name, fx_result_string(rep.result),
			 rep.why);
	assert_int_equal(rep.before.objects_live, rep.after.objects_live);
	assert_int_equal(rep.before.alloc_count, rep.after.alloc_count);
}

static void test_qemu_sleep_wake_restores_config_after_system_reset(void **state)
{
	(void)state;
	run_on_qemu("sleep-wake");
}

static void test_qemu_sleep_during_dma_waits_for_it(void **state)
{
	(void)state;
	run_on_qemu("sleep-in-flight");
}

static void test_qemu_forced_sleep_never_loses_the_dma_silently(void **state)
{
	(void)state;
	run_on_qemu("sleep-ack-timeout");
}

static void test_qemu_surprise_removal_then_reattach(void **state)
{
	(void)state;
	run_on_qemu("surprise-removal");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_sleep_wake_restores_config_after_system_reset),
		cmocka_unit_test(test_qemu_sleep_during_dma_waits_for_it),
		cmocka_unit_test(test_qemu_forced_sleep_never_loses_the_dma_silently),
		cmocka_unit_test(test_qemu_surprise_removal_then_reattach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
