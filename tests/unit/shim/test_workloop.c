/* The work loop on the fake host's virtual clock: timers in deadline order,
 * sleep timeouts, wakeups posted before the sleep, context rules and host
 * failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "internal.h"
#include "machine_internal.h"
#include "shim/workloop.h"

struct timer_log {
	shim_workloop *wl;
	char order[8];
	uint64_t at[8];
	size_t n;
	char wake_on; /* posts a wakeup on &wake_on when this tag fires */
	bool release_self;
};

struct tagged_timer {
	struct timer_log *log;
	char tag;
	shim_timer *t;
};

static void record_fire(void *owner, shim_timer *timer)
{
	struct tagged_timer *tt = owner;
	struct timer_log *log = tt->log;

	assert_ptr_equal(tt->t, timer);
	assert_int_equal(SHIM_CTX_GATED, shim_context_current());
	log->order[log->n] = tt->tag;
	log->at[log->n++] = shim_workloop_now_ns(log->wl);
	if (tt->tag == log->wake_on)
		shim_workloop_wakeup(log->wl, &log->wake_on);
	if (log->release_self) {
		shim_timer_release(timer);
		tt->t = NULL;
	}
}

static void test_workloop_timers_fire_in_deadline_order_during_sleep(void **state)
{
	struct plat_fixture *f = *state;
	struct timer_log log = { .wake_on = 'A' };
	struct tagged_timer tt[4] = { { &log, 'A', NULL }, { &log, 'B', NULL },
				      { &log, 'C', NULL }, { &log, 'D', NULL } };
	const uint64_t delay[4] = { 300, 100, 200, 100 };
	uint64_t t0;

	plat_machine(f);
	log.wl = shim_machine_workloop(f->m);
	t0 = shim_workloop_now_ns(log.wl);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(SHIM_OK, shim_timer_create(log.wl, record_fire, &tt[i], &tt[i].t));
		shim_timer_arm_ns(tt[i].t, delay[i]);
	}
	assert_int_equal(SHIM_OK, shim_workloop_sleep(log.wl, &log.wake_on, 1000));
	assert_int_equal(4, log.n);
	assert_memory_equal("BDCA", log.order, 4);
	assert_int_equal(t0 + 100, log.at[0]);
	assert_int_equal(t0 + 100, log.at[1]);
	assert_int_equal(t0 + 200, log.at[2]);
	assert_int_equal(t0 + 300, log.at[3]);
	assert_int_equal(t0 + 300, shim_workloop_now_ns(log.wl));
	for (int i = 0; i < 4; i++)
		shim_timer_release(tt[i].t);
}

static void test_workloop_cancelled_timer_does_not_fire(void **state)
{
	struct plat_fixture *f = *state;
	struct timer_log log = { 0 };
	struct tagged_timer a = { &log, 'a', NULL }, b = { &log, 'b', NULL };

	plat_machine(f);
	log.wl = shim_machine_workloop(f->m);
	assert_int_equal(SHIM_OK, shim_timer_create(log.wl, record_fire, &a, &a.t));
	assert_int_equal(SHIM_OK, shim_timer_create(log.wl, record_fire, &b, &b.t));
	shim_timer_arm_ns(a.t, 50);
	shim_timer_arm_ns(b.t, 60);
	shim_timer_cancel(a.t);
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(log.wl, 100));
	assert_int_equal(1, log.n);
	assert_int_equal('b', log.order[0]);
	shim_timer_release(a.t);
	shim_timer_release(b.t);
}

static void test_workloop_timer_may_release_itself_in_its_callback(void **state)
{
	struct plat_fixture *f = *state;
	struct timer_log log = { .release_self = true };
	struct tagged_timer a = { &log, 'a', NULL };

	plat_machine(f);
	log.wl = shim_machine_workloop(f->m);
	assert_int_equal(SHIM_OK, shim_timer_create(log.wl, record_fire, &a, &a.t));
	shim_timer_arm_ns(a.t, 10);
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(log.wl, 20));
	assert_int_equal(1, log.n);
	assert_null(a.t);
}

static void test_workloop_sleep_times_out_in_virtual_time(void **state)
{
	struct plat_fixture *f = *state;
	shim_workloop *wl;
	uint64_t t0;
	int event;

	plat_machine(f);
	wl = shim_machine_workloop(f->m);
	t0 = shim_workloop_now_ns(wl);
	assert_int_equal(SHIM_ERR_TIMEOUT, shim_workloop_sleep(wl, &event, 5000));
	assert_int_equal(t0 + 5000, shim_workloop_now_ns(wl));
}

static void test_workloop_wakeup_before_sleep_is_not_lost(void **state)
{
	struct plat_fixture *f = *state;
	shim_workloop *wl;
	int event, other;
	uint64_t t0;

	plat_machine(f);
	wl = shim_machine_workloop(f->m);
	t0 = shim_workloop_now_ns(wl);
	shim_workloop_wakeup(wl, &other);
	shim_workloop_wakeup(wl, &event);
	assert_int_equal(SHIM_OK, shim_workloop_sleep(wl, &event, 1000));
	assert_int_equal(t0, shim_workloop_now_ns(wl));
	/* Consumed: the next sleep waits for a new wakeup. */
	assert_int_equal(SHIM_ERR_TIMEOUT, shim_workloop_sleep(wl, &event, 1000));
	assert_int_equal(SHIM_OK, shim_workloop_sleep(wl, &other, 1000));
}

static void test_workloop_sleep_in_filter_context_is_refused(void **state)
{
	struct plat_fixture *f = *state;
	enum shim_context prev;
	shim_ret r;
	int event;

	plat_machine(f);
	prev = shim_context_enter(SHIM_CTX_FILTER);
	r = shim_workloop_sleep(shim_machine_workloop(f->m), &event, 1000);
	shim_context_leave(prev);
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, r);
	assert_int_equal(1, plat_take_violations(SHIM_V_BLOCKING_IN_FILTER));
}

static void test_workloop_delay_lets_virtual_time_pass(void **state)
{
	struct plat_fixture *f = *state;
	shim_workloop *wl;
	uint64_t t0;

	plat_machine(f);
	wl = shim_machine_workloop(f->m);
	t0 = shim_workloop_now_ns(wl);
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(wl, 12345));
	assert_int_equal(t0 + 12345, shim_workloop_now_ns(wl));
}

/* The auto-unload wait: a minute of idle time on a host whose clock only
 * moves in real time (qemu's, here a clock_run that never advances) passes
 * in jumps from timer to timer, each timer firing at its deadline. */
static void test_workloop_idle_skips_from_timer_to_timer_on_a_host_that_can_skip(void **state)
{
	struct plat_fixture *f = *state;
	struct timer_log log = { 0 };
	struct tagged_timer tt[2] = { { &log, 'a', NULL }, { &log, 'b', NULL } };
	const uint64_t s = 1000000000ull;
	uint64_t t0;

	f->fh->offer_skip = true;
	f->fh->clock_stuck = true;
	plat_machine(f);
	log.wl = shim_machine_workloop(f->m);
	t0 = shim_workloop_now_ns(log.wl);
	for (int i = 0; i < 2; i++)
		assert_int_equal(SHIM_OK, shim_timer_create(log.wl, record_fire, &tt[i], &tt[i].t));
	shim_timer_arm_ns(tt[0].t, 45 * s);
	shim_timer_arm_ns(tt[1].t, 20 * s);
	f->fh->clock_runs = 0;
	assert_int_equal(SHIM_OK, shim_workloop_idle_ns(log.wl, 60 * s));
	assert_int_equal(2, log.n);
	assert_memory_equal("ba", log.order, 2);
	assert_int_equal(t0 + 20 * s, log.at[0]);
	assert_int_equal(t0 + 45 * s, log.at[1]);
	assert_int_equal(t0 + 60 * s, shim_workloop_now_ns(log.wl));
	assert_int_equal(3, f->fh->clock_skips);
	assert_int_equal(0, f->fh->clock_runs);
	for (int i = 0; i < 2; i++)
		shim_timer_release(tt[i].t);
}

/* Without clock_skip the idle time is run like any delay. */
static void test_workloop_idle_runs_the_clock_on_a_host_without_skip(void **state)
{
	struct plat_fixture *f = *state;
	shim_workloop *wl;
	uint64_t t0;

	plat_machine(f);
	wl = shim_machine_workloop(f->m);
	t0 = shim_workloop_now_ns(wl);
	f->fh->clock_runs = 0;
	assert_int_equal(SHIM_OK, shim_workloop_idle_ns(wl, 60000000000ull));
	assert_int_equal(t0 + 60000000000ull, shim_workloop_now_ns(wl));
	assert_true(f->fh->clock_runs > 0);
	assert_int_equal(0, f->fh->clock_skips);
}

static void test_workloop_host_failure_is_reported_with_detail(void **state)
{
	struct plat_fixture *f = *state;
	int event;

	plat_machine(f);
	f->fh->fail_clock_run = true;
	assert_int_equal(SHIM_ERR_HOST,
			 shim_workloop_sleep(shim_machine_workloop(f->m), &event, 1000));
	assert_string_equal("fake host failure", shim_machine_last_error(f->m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		PLAT_TEST(test_workloop_timers_fire_in_deadline_order_during_sleep),
		PLAT_TEST(test_workloop_cancelled_timer_does_not_fire),
		PLAT_TEST(test_workloop_timer_may_release_itself_in_its_callback),
		PLAT_TEST(test_workloop_sleep_times_out_in_virtual_time),
		PLAT_TEST(test_workloop_wakeup_before_sleep_is_not_lost),
		PLAT_TEST(test_workloop_sleep_in_filter_context_is_refused),
		PLAT_TEST(test_workloop_delay_lets_virtual_time_pass),
		PLAT_TEST(test_workloop_idle_skips_from_timer_to_timer_on_a_host_that_can_skip),
		PLAT_TEST(test_workloop_idle_runs_the_clock_on_a_host_without_skip),
		PLAT_TEST(test_workloop_host_failure_is_reported_with_detail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
