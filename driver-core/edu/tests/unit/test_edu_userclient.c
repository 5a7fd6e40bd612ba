/* The edu user client end to end on the sim host: the edu bundle booted
 * once for the group through the bench's public API, a client task opens
 * the edu service and calls every selector, good and bad values alike; each
 * test leaves every user-client, allocation and object counter as it found
 * them and the verifier empty. Register accesses are counted as the fuzzers
 * count them: a refusal must come before any, so a check the driver core
 * repeats is still tested here, at the user client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "edu/edu_driver.h"
#include "edu/edu_userclient.h"
#include "shim/uc_client.h"
#include "shim/verifier.h"
#include "shim/workloop.h"

/* The group's machine, and what each test starts from. */
static struct {
	struct bench_kext *kext;
	struct bench_machine fx;
	struct shim_uc_counters uc_start;
	struct bench_baseline base;
} G;

struct t {
	shim_task *task;
	shim_uc_conn *conn;
};
static struct t T;

static int group_setup(void **state)
{
	struct bench_options opt = { .profile = bench_profile_builtin_find("edu") };
	char why[512] = "";

	(void)state;
	shim_verifier_set_fatal(false);
	if (bench_kext_open(EDU_KEXT, &G.kext, why, sizeof(why)) != SHIM_OK) {
		print_error("edu kext refused: %s\n", why);
		return -1;
	}
	opt.kext = G.kext;
	if (bench_machine_boot(&G.fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK ||
	    G.fx.svc == NULL) {
		print_error("boot failed: %s (match %s)\n", why, shim_ret_string(G.fx.match_ret));
		if (G.fx.factory != NULL)
			bench_machine_shutdown(&G.fx, why, sizeof(why));
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	char why[512] = "";
	bool ok = bench_machine_shutdown(&G.fx, why, sizeof(why));

	(void)state;
	if (!ok)
		print_error("shutdown: %s\n", why);
	bench_kext_close(G.kext);
	return ok ? 0 : -1;
}

static uint64_t accesses(void)
{
	uint64_t n = 0;

	assert_true(bench_machine_register_accesses(&G.fx, &n));
	return n;
}

/* Nothing reached the device since before (the user client refused first). */
static void assert_untouched(uint64_t before)
{
	uint64_t now = accesses();

	if (now != before)
		fail_msg("refused only after %llu register access(es): the user client must refuse "
			 "before the driver core", (unsigned long long)(now - before));
}

static void run_loop(uint64_t ns)
{
	assert_int_equal(SHIM_OK, shim_workloop_delay_ns(shim_machine_workloop(G.fx.machine), ns));
}

static void expect_uc_counters_back(bool with_connections)
{
	struct shim_uc_counters now;

	shim_uc_counters_snapshot(&now);
	if (with_connections) {
		assert_int_equal(G.uc_start.tasks, now.tasks);
		assert_int_equal(G.uc_start.connections, now.connections);
	}
	assert_int_equal(G.uc_start.open_connections, now.open_connections);
	assert_int_equal(G.uc_start.handles, now.handles);
	assert_int_equal(G.uc_start.asyncs, now.asyncs);
	assert_int_equal(G.uc_start.pending, now.pending);
}

static int setup(void **state)
{
	static const char *const ents[] = { EDU_UC_OPEN_ENTITLEMENT };

	(void)state;
	shim_verifier_clear();
	shim_uc_counters_snapshot(&G.uc_start);
	bench_baseline_take(&G.base);
	if (shim_task_create(501, ents, 1, &T.task) != SHIM_OK ||
	    shim_uc_open(T.task, G.fx.svc, &T.conn) != SHIM_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	char why[256] = "";

	(void)state;
	shim_task_destroy(T.task);
	expect_uc_counters_back(true);
	if (!bench_baseline_matches(&G.base, why, sizeof(why)))
		fail_msg("not back to baseline: %s", why);
	if (!bench_verifier_empty(why, sizeof(why)))
		fail_msg("verifier: %s", why);
	return 0;
}

/* After the service is gone: user-client counters back; the group's
 * shutdown checks the machine-wide baseline. */
static int teardown_after_stop(void **state)
{
	(void)state;
	shim_task_destroy(T.task);
	expect_uc_counters_back(false);
	return 0;
}

static shim_ret scalars(shim_uc_conn *c, uint32_t sel, const uint64_t *in, uint32_t nin,
			uint64_t *out, uint32_t nout)
{
	struct shim_uc_call call = { in, nin, NULL, 0, out, nout, NULL, 0, NULL, NULL };

	return shim_uc_call(c, sel, &call);
}

static shim_ret dma_write(const uint8_t *buf, size_t size, uint64_t dev_off, uint64_t len,
			  uint64_t buf_off)
{
	uint64_t in[3] = { dev_off, len, buf_off };
	struct shim_uc_call call = { in, 3, buf, size, NULL, 0, NULL, 0, NULL, NULL };

	return shim_uc_call(T.conn, EDU_UC_DMA_WRITE, &call);
}

static shim_ret dma_read(uint8_t *buf, size_t cap, uint64_t dev_off, uint64_t len, size_t *got)
{
	uint64_t in[2] = { dev_off, len };
	struct shim_uc_call call = { in, 2, NULL, 0, NULL, 0, buf, cap, NULL, NULL };
	shim_ret r = shim_uc_call(T.conn, EDU_UC_DMA_READ, &call);

	*got = call.struct_out_size;
	return r;
}

static void test_edu_uc_open_needs_the_client_entitlement_or_root(void **state)
{
	shim_task *plain, *root;
	shim_uc_conn *c;

	(void)state;
	assert_int_equal(SHIM_OK, shim_task_create(501, NULL, 0, &plain));
	assert_int_equal(SHIM_OK, shim_task_create(0, NULL, 0, &root));
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, shim_uc_open(plain, G.fx.svc, &c));
	assert_int_equal(SHIM_OK, shim_uc_open(root, G.fx.svc, &c));
	shim_task_destroy(plain);
	shim_task_destroy(root);
}

static void test_edu_uc_connections_are_capped_per_service(void **state)
{
	shim_task *root;
	shim_uc_conn *c;

	(void)state;
	assert_int_equal(SHIM_OK, shim_task_create(0, NULL, 0, &root));
	for (unsigned i = 1; i < EDU_UC_MAX_CONNECTIONS; i++)
		assert_int_equal(SHIM_OK, shim_uc_open(root, G.fx.svc, &c));
	assert_int_equal(SHIM_ERR_NO_RESOURCES, shim_uc_open(root, G.fx.svc, &c));
	shim_task_die(root);
	assert_int_equal(SHIM_OK, shim_uc_open(T.task, G.fx.svc, &c));
}

static void test_edu_uc_liveness_inverts_and_refuses_wide_values(void **state)
{
	uint64_t in = 0x12345678, out = 0, before;

	(void)state;
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_LIVENESS, &in, 1, &out, 1));
	assert_int_equal(0xedcba987u, out);
	in = 1ull << 32;
	before = accesses();
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, scalars(T.conn, EDU_UC_LIVENESS, &in, 1, &out, 1));
	assert_untouched(before);
}

static void test_edu_uc_factorial_computes_within_bounds(void **state)
{
	uint64_t in = 5, out = 0, before;

	(void)state;
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_FACTORIAL, &in, 1, &out, 1));
	assert_int_equal(120, out);
	in = EDU_UC_FACTORIAL_MAX + 1;
	before = accesses();
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, scalars(T.conn, EDU_UC_FACTORIAL, &in, 1, &out, 1));
	assert_untouched(before);
}

static void test_edu_uc_dma_round_trip_inline(void **state)
{
	uint8_t src[300], dst[256];
	size_t got = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i ^ 0x5a);
	assert_int_equal(SHIM_OK, dma_write(src, sizeof(src), 100, 256, 44));
	memset(dst, 0, sizeof(dst));
	assert_int_equal(SHIM_OK, dma_read(dst, sizeof(dst), 100, 256, &got));
	assert_int_equal(256, got);
	assert_memory_equal(src + 44, dst, 256);
}

static void test_edu_uc_dma_write_from_a_large_buffer_uses_a_descriptor(void **state)
{
	static uint8_t big[3 * SHIM_UC_MAX_INLINE_STRUCT];
	uint8_t dst[512];
	size_t got = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 13 + 1);
	assert_int_equal(SHIM_OK, dma_write(big, sizeof(big), 0, 512, 9000));
	assert_int_equal(SHIM_OK, dma_read(dst, sizeof(dst), 0, 512, &got));
	assert_memory_equal(big + 9000, dst, 512);
}

static void test_edu_uc_dma_refuses_bad_ranges(void **state)
{
	uint8_t buf[EDU_DMA_WINDOW_SIZE];
	size_t got = 0;
	uint64_t before;

	(void)state;
	memset(buf, 1, sizeof(buf));
	/* Touching the window's last byte is refused (QEMU would abort). */
	before = accesses();
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, dma_write(buf, sizeof(buf), 0, 4096, 0));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, dma_write(buf, sizeof(buf), 4095, 1, 0));
	assert_untouched(before);
	assert_int_equal(SHIM_OK, dma_write(buf, sizeof(buf), 4094, 1, 0));
	before = accesses();
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, dma_write(buf, sizeof(buf), 0, 0, 0));
	/* Slices outside the client buffer, with and without wrap-around. */
	assert_int_equal(SHIM_ERR_OVERRUN, dma_write(buf, 16, 0, 17, 0));
	assert_int_equal(SHIM_ERR_OVERRUN, dma_write(buf, 16, 0, 8, 9));
	assert_int_equal(SHIM_ERR_OVERRUN, dma_write(buf, 16, 0, 8, 0xfffffffcull));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, dma_write(buf, 16, 0xfffffff0ull, 0x10, 0));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, dma_write(buf, 16, 1ull << 32, 8, 0));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, dma_write(buf, 16, 0, 8, 1ull << 63));
	/* Reads: no more than the caller's buffer, never the last byte. */
	assert_int_equal(SHIM_ERR_OVERRUN, dma_read(buf, 16, 0, 17, &got));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, dma_read(buf, sizeof(buf), 1, 4095, &got));
	assert_int_equal(0, got);
	assert_untouched(before);
}

static void test_edu_uc_raise_interrupt_is_seen_in_irq_status(void **state)
{
	uint64_t bits = 0x10, out[2] = { 0, 0 }, before, irqs;

	(void)state;
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_IRQ_STATUS, NULL, 0, out, 2));
	irqs = out[1];
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_RAISE_INTERRUPT, &bits, 1, NULL, 0));
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_IRQ_STATUS, NULL, 0, out, 2));
	assert_true(out[1] > irqs);
	assert_int_equal(0x10, out[0] & 0x10);
	bits = 0;
	before = accesses();
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 scalars(T.conn, EDU_UC_RAISE_INTERRUPT, &bits, 1, NULL, 0));
	assert_untouched(before);
}

/* Regression: the filter took an all-ones status for a removed device and
 * left it unacknowledged, so every later interrupt (factorial, DMA) was
 * masked and timed out. */
static void test_edu_uc_all_ones_interrupt_status_does_not_wedge_interrupts(void **state)
{
	uint64_t bits = 0xffffffffu, n = 4, out = 0;

	(void)state;
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_RAISE_INTERRUPT, &bits, 1, NULL, 0));
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_FACTORIAL, &n, 1, &out, 1));
	assert_int_equal(24, out);
	bits = 0x100;
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_RAISE_INTERRUPT, &bits, 1, NULL, 0));
}

static void test_edu_uc_stats_are_fully_written(void **state)
{
	struct edu_uc_stats st;
	struct shim_uc_call call = { NULL, 0, NULL, 0, NULL, 0, &st, sizeof(st), NULL, NULL };
	uint64_t n = 3, out;

	(void)state;
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_FACTORIAL, &n, 1, &out, 1));
	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, EDU_UC_GET_STATS, &call));
	assert_int_equal(sizeof(st), call.struct_out_size);
	assert_true(st.factorials >= 1);
	assert_int_equal(1, st.connections);
	assert_int_equal(1, st.using_msi);
	assert_int_not_equal(0xa5a5a5a5u, st.errors);
}

static void test_edu_uc_power_policy_needs_root_or_entitlement(void **state)
{
	static const char *const ents[] = { EDU_UC_OPEN_ENTITLEMENT, EDU_UC_POWER_ENTITLEMENT };
	shim_task *root, *agent;
	shim_uc_conn *rc, *ac;
	uint64_t p = EDU_UC_POWER_IDLE_SLEEP;
	struct edu_uc_stats st;
	struct shim_uc_call call = { NULL, 0, NULL, 0, NULL, 0, &st, sizeof(st), NULL, NULL };

	uint64_t before = accesses();

	(void)state;
	assert_int_equal(SHIM_ERR_NOT_PERMITTED,
			 scalars(T.conn, EDU_UC_SET_POWER_POLICY, &p, 1, NULL, 0));
	assert_untouched(before);
	assert_int_equal(SHIM_OK, shim_task_create(0, NULL, 0, &root));
	assert_int_equal(SHIM_OK, shim_task_create(501, ents, 2, &agent));
	assert_int_equal(SHIM_OK, shim_uc_open(root, G.fx.svc, &rc));
	assert_int_equal(SHIM_OK, shim_uc_open(agent, G.fx.svc, &ac));
	assert_int_equal(SHIM_OK, scalars(rc, EDU_UC_SET_POWER_POLICY, &p, 1, NULL, 0));
	p = EDU_UC_POWER_AGGRESSIVE;
	assert_int_equal(SHIM_OK, scalars(ac, EDU_UC_SET_POWER_POLICY, &p, 1, NULL, 0));
	p = EDU_UC_POWER_POLICY_COUNT;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, scalars(ac, EDU_UC_SET_POWER_POLICY, &p, 1, NULL, 0));
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, EDU_UC_GET_STATS, &call));
	assert_int_equal(EDU_UC_POWER_AGGRESSIVE, st.power_policy);
	p = EDU_UC_POWER_ALWAYS_ON;
	assert_int_equal(SHIM_OK, scalars(rc, EDU_UC_SET_POWER_POLICY, &p, 1, NULL, 0));
	shim_task_destroy(root);
	shim_task_destroy(agent);
}

static void record_cb(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	uint64_t *got = refcon;

	got[0]++;
	got[1] = status == SHIM_OK && count == 2 ? vals[0] : 0;
	got[2] = count == 2 ? vals[1] : 0;
}

static shim_ret factorial_async(shim_uc_conn *c, uint64_t n, uint64_t *got, uint64_t *handle)
{
	struct shim_uc_call call = { &n, 1, NULL, 0, handle, 1, NULL, 0, record_cb, got };

	return shim_uc_call(c, EDU_UC_FACTORIAL_ASYNC, &call);
}

static void test_edu_uc_async_factorial_completes_later_with_its_handle(void **state)
{
	uint64_t got[3] = { 0 }, h = 0, q[2];

	(void)state;
	assert_int_equal(SHIM_OK, factorial_async(T.conn, 6, got, &h));
	assert_int_equal(0, got[0]);
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_REQUEST_QUERY, &h, 1, q, 2));
	assert_int_equal(0, q[0]);
	run_loop(EDU_UC_ASYNC_DELAY_NS * 2);
	assert_int_equal(1, got[0]);
	assert_int_equal(h, got[1]);
	assert_int_equal(720, got[2]);
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_REQUEST_QUERY, &h, 1, q, 2));
	assert_int_equal(1, q[0]);
	assert_int_equal(720, q[1]);
	assert_int_equal(SHIM_OK, scalars(T.conn, EDU_UC_REQUEST_RELEASE, &h, 1, NULL, 0));
	assert_int_equal(SHIM_ERR_BAD_HANDLE, scalars(T.conn, EDU_UC_REQUEST_QUERY, &h, 1, q, 2));
}

static void test_edu_uc_async_requires_a_completion_and_caps_requests(void **state)
{
	uint64_t got[3] = { 0 }, h = 0, n = 2, before = accesses();

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT,
			 scalars(T.conn, EDU_UC_FACTORIAL_ASYNC, &n, 1, &h, 1));
	assert_untouched(before);
	for (unsigned i = 0; i < EDU_UC_MAX_REQUESTS; i++)
		assert_int_equal(SHIM_OK, factorial_async(T.conn, 2, got, &h));
	assert_int_equal(SHIM_ERR_NO_RESOURCES, factorial_async(T.conn, 2, got, &h));
}

static void test_edu_uc_close_cancels_pending_completions(void **state)
{
	uint64_t got[3] = { 0 }, h = 0, q[2];
	shim_uc_conn *other;

	(void)state;
	assert_int_equal(SHIM_OK, shim_uc_open(T.task, G.fx.svc, &other));
	assert_int_equal(SHIM_OK, factorial_async(T.conn, 4, got, &h));
	/* Another connection cannot use or release it. */
	assert_int_equal(SHIM_ERR_BAD_HANDLE, scalars(other, EDU_UC_REQUEST_QUERY, &h, 1, q, 2));
	assert_int_equal(SHIM_ERR_BAD_HANDLE, scalars(other, EDU_UC_REQUEST_RELEASE, &h, 1, NULL, 0));
	assert_int_equal(SHIM_OK, shim_uc_close(T.conn));
	run_loop(EDU_UC_ASYNC_DELAY_NS * 4);
	assert_int_equal(0, got[0]);
}

/* Runs last: it takes the service away from the group's machine. */
static void test_edu_uc_driver_stop_closes_open_connections(void **state)
{
	uint64_t got[3] = { 0 }, h = 0, v = 1, out;

	(void)state;
	assert_int_equal(SHIM_OK, factorial_async(T.conn, 5, got, &h));
	assert_int_equal(SHIM_OK, shim_machine_terminate(G.fx.machine, G.fx.dev));
	G.fx.svc = NULL;
	assert_false(shim_uc_conn_is_open(T.conn));
	assert_int_equal(SHIM_ERR_NOT_READY, scalars(T.conn, EDU_UC_LIVENESS, &v, 1, &out, 1));
	run_loop(EDU_UC_ASYNC_DELAY_NS * 4);
	assert_int_equal(0, got[0]);
}

#define EDU_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		EDU_TEST(test_edu_uc_open_needs_the_client_entitlement_or_root),
		EDU_TEST(test_edu_uc_connections_are_capped_per_service),
		EDU_TEST(test_edu_uc_liveness_inverts_and_refuses_wide_values),
		EDU_TEST(test_edu_uc_factorial_computes_within_bounds),
		EDU_TEST(test_edu_uc_dma_round_trip_inline),
		EDU_TEST(test_edu_uc_dma_write_from_a_large_buffer_uses_a_descriptor),
		EDU_TEST(test_edu_uc_dma_refuses_bad_ranges),
		EDU_TEST(test_edu_uc_raise_interrupt_is_seen_in_irq_status),
		EDU_TEST(test_edu_uc_all_ones_interrupt_status_does_not_wedge_interrupts),
		EDU_TEST(test_edu_uc_stats_are_fully_written),
		EDU_TEST(test_edu_uc_power_policy_needs_root_or_entitlement),
		EDU_TEST(test_edu_uc_async_factorial_completes_later_with_its_handle),
		EDU_TEST(test_edu_uc_async_requires_a_completion_and_caps_requests),
		EDU_TEST(test_edu_uc_close_cancels_pending_completions),
		cmocka_unit_test_setup_teardown(test_edu_uc_driver_stop_closes_open_connections, setup,
						teardown_after_stop),
	};

	return cmocka_run_group_tests_name("edu_userclient", tests, group_setup, group_teardown);
}
