/* Power management in the shim: config space saved before a state that
 * loses context and restored before the driver's wake call; ack now, ack
 * later and the late-ack timeout; the policy; refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pm_fixture.h"
#include "shim/log.h"
#include "shim/pci.h"

#define MSI_CAP FAKE_MSI_CAP

static shim_pci_device *the_dev(struct plat_fixture *f)
{
	return shim_machine_device(f->m, 0);
}

static void test_power_sleep_saves_config_and_wake_restores_it_first(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	struct shim_power_stats st;
	uint32_t bar0, msi_addr;
	uint16_t cmd, msi_ctrl, msi_data;
	unsigned cur = 0;
	shim_kext *k;

	pm_boot(f, &k, true);
	bar0 = fake_cfg32(d, 0x10);
	cmd = fake_cfg16(d, 0x04);
	msi_ctrl = fake_cfg16(d, MSI_CAP + 2);
	msi_addr = fake_cfg32(d, MSI_CAP + 4);
	msi_data = fake_cfg16(d, MSI_CAP + 12);
	assert_int_not_equal(0, bar0);
	assert_int_equal(0x1, msi_ctrl & 0x1);
	assert_int_equal(0x6, cmd & 0x6);

	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	assert_int_equal(PM_SLEEP, pm_log.last_state);
	assert_int_equal(1, pm_resets());
	assert_int_equal(0, fake_cfg32(d, 0x10)); /* context really lost */
	assert_int_equal(SHIM_OK, shim_machine_power_state(f->m, the_dev(f), &cur));
	assert_int_equal(PM_SLEEP, cur);

	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_ON));
	assert_int_equal(bar0, pm_log.bar0_at_wake); /* restored before the driver ran */
	assert_int_equal(bar0, fake_cfg32(d, 0x10));
	assert_int_equal(cmd, fake_cfg16(d, 0x04));
	assert_int_equal(msi_ctrl, fake_cfg16(d, MSI_CAP + 2));
	assert_int_equal(msi_addr, fake_cfg32(d, MSI_CAP + 4));
	assert_int_equal(msi_data, fake_cfg16(d, MSI_CAP + 12));
	shim_machine_power_stats(f->m, &st);
	assert_int_equal(2, st.changes);
	assert_int_equal(1, st.config_saves);
	assert_int_equal(1, st.config_restores);
	assert_int_equal(0, st.restore_mismatches);
	assert_int_equal(0, st.late_acks);
	pm_unload(f, k);
}

static void test_power_deeper_state_does_not_save_twice(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_power_stats st;
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, true);
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_OFF));
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_ON));
	shim_machine_power_stats(f->m, &st);
	assert_int_equal(1, st.config_saves);
	assert_int_equal(1, pm_resets());
	assert_int_equal(3, pm_log.calls);
	pm_unload(f, k);
}

static void test_power_ack_later_completes_on_ack(void **state)
{
	struct plat_fixture *f = *state;
	unsigned cur = 0;
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, true);
	pm_log.ack_us = 500;
	assert_int_equal(SHIM_OK, shim_machine_request_power_state(f->m, the_dev(f), PM_SLEEP));
	assert_true(shim_machine_power_pending(f->m, the_dev(f)));
	assert_int_equal(0, pm_resets()); /* nothing is saved before the driver acks */
	assert_int_equal(SHIM_ERR_BUSY,
			 shim_machine_request_power_state(f->m, the_dev(f), PM_OFF));
	shim_power_ack(pm_log.svc);
	assert_false(shim_machine_power_pending(f->m, the_dev(f)));
	assert_int_equal(1, pm_resets());
	assert_int_equal(SHIM_OK, shim_machine_power_state(f->m, the_dev(f), &cur));
	assert_int_equal(PM_SLEEP, cur);
	pm_log.ack_us = 0;
	pm_unload(f, k);
}

static void test_power_late_ack_is_counted_and_the_change_goes_on(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_power_stats st;
	uint64_t t0;
	unsigned cur = 0;
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, true);
	pm_log.ack_us = 2000; /* never acked */
	t0 = f->fh->now;
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	assert_true(f->fh->now - t0 >= 2000000u);
	shim_machine_power_stats(f->m, &st);
	assert_int_equal(1, st.late_acks);
	assert_int_equal(1, pm_resets());
	assert_int_equal(SHIM_OK, shim_machine_power_state(f->m, the_dev(f), &cur));
	assert_int_equal(PM_SLEEP, cur);
	shim_power_ack(pm_log.svc); /* too late: ignored */
	assert_int_equal(1, pm_resets());
	pm_log.ack_us = 0;
	pm_unload(f, k);
}

static void test_power_policy_bounds_the_wait_for_an_ack(void **state)
{
	struct plat_fixture *f = *state;
	const struct shim_power_policy pol = { .sleep_state = PM_OFF, .ack_timeout_ns = 1000 };
	uint64_t t0;
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, true);
	pm_log.ack_us = 1000000; /* the driver asks for a second */
	assert_int_equal(SHIM_OK, shim_machine_set_power_policy(f->m, &pol));
	t0 = f->fh->now;
	assert_int_equal(SHIM_OK, shim_machine_system_sleep(f->m));
	assert_true(f->fh->now - t0 < 1000000u);
	assert_int_equal(PM_OFF, pm_log.last_state); /* the policy's sleep state */
	pm_log.ack_us = 0;
	assert_int_equal(SHIM_OK, shim_machine_system_wake(f->m));
	assert_int_equal(PM_ON, pm_log.last_state);
	pm_unload(f, k);
}

static void test_power_refuses_without_table_or_service(void **state)
{
	struct plat_fixture *f = *state;
	unsigned cur;
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, false);
	assert_int_equal(SHIM_ERR_UNSUPPORTED,
			 shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_machine_power_state(f->m, the_dev(f), &cur));
	pm_unload(f, k);
	assert_int_equal(SHIM_ERR_NOT_FOUND,
			 shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
}

static void test_power_refuses_bad_state_and_absent_device(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	shim_kext *k;

	pm_boot(f, &k, true);
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 shim_machine_set_power_state(f->m, the_dev(f), 3));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_machine_set_power_state(NULL, NULL, 0));
	d->present = false;
	assert_int_equal(SHIM_ERR_NO_DEVICE,
			 shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	assert_int_equal(0, pm_log.calls);
	pm_unload(f, k);
}

static void test_power_stop_while_asleep_restores_config_first(void **state)
{
	struct plat_fixture *f = *state;
	struct fake_dev *d = pm_add_device(f->fh, PM_BDF);
	uint32_t bar0;
	shim_kext *k;

	pm_boot(f, &k, true);
	bar0 = fake_cfg32(d, 0x10);
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	assert_int_equal(SHIM_OK, shim_machine_terminate(f->m, the_dev(f)));
	assert_int_equal(bar0, fake_cfg32(d, 0x10));
	pm_unload(f, k);
}

/* The shim reaches the host's device_reset through its host calls: a
 * failure keeps the host's reason and says it in the log; no reset op means
 * the context stays, silently. */
static void test_power_host_reset_failure_is_logged_with_the_hosts_reason(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_power_stats st;
	enum shim_log_level level;
	bool logged = false;
	char line[256];
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, true);
	pm_set_reset(PM_RESET_FAILS);
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	shim_machine_power_stats(f->m, &st);
	assert_int_equal(1, st.config_saves);
	assert_int_equal(0, st.context_losses);
	assert_string_equal("fake host failure", shim_machine_last_error(f->m));
	while (shim_log_pop(line, sizeof(line), &level))
		logged |= level == SHIM_LOG_WARN &&
			  strstr(line, "host could not reset the device: fake host failure");
	assert_true(logged);
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_ON));
	pm_unload(f, k);
}

static void test_power_without_host_reset_keeps_the_context_quietly(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_power_stats st;
	enum shim_log_level level;
	char line[256];
	shim_kext *k;

	pm_add_device(f->fh, PM_BDF);
	pm_boot(f, &k, true);
	pm_set_reset(PM_RESET_ABSENT);
	while (shim_log_pop(line, sizeof(line), NULL))
		;
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_SLEEP));
	shim_machine_power_stats(f->m, &st);
	assert_int_equal(1, st.config_saves);
	assert_int_equal(0, st.context_losses);
	assert_int_equal(0, pm_resets());
	while (shim_log_pop(line, sizeof(line), &level))
		assert_true(level != SHIM_LOG_WARN && level != SHIM_LOG_ERR);
	assert_int_equal(SHIM_OK, shim_machine_set_power_state(f->m, the_dev(f), PM_ON));
	pm_unload(f, k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_power_sleep_saves_config_and_wake_restores_it_first),
		PLAT_TEST(test_power_deeper_state_does_not_save_twice),
		PLAT_TEST(test_power_ack_later_completes_on_ack),
		PLAT_TEST(test_power_late_ack_is_counted_and_the_change_goes_on),
		PLAT_TEST(test_power_policy_bounds_the_wait_for_an_ack),
		PLAT_TEST(test_power_refuses_without_table_or_service),
		PLAT_TEST(test_power_refuses_bad_state_and_absent_device),
		PLAT_TEST(test_power_stop_while_asleep_restores_config_first),
		PLAT_TEST(test_power_host_reset_failure_is_logged_with_the_hosts_reason),
		PLAT_TEST(test_power_without_host_reset_keeps_the_context_quietly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
