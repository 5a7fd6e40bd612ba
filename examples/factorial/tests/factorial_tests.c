/* The Factorial driver's test module: its own scenarios, which drvbench
 * runs after the generic ones, and the alive check run after every cycle
 * and every generic step:
 *   drvbench run --kext Factorial.kext --tests libfactorial-tests.so
 * Each scenario gets a freshly booted machine with the driver started, and
 * plays a client of the driver's user client. */
#include <string.h>

#include "bench/pm.h"
#include "bench/scenario.h"
#include "factorial.h"
#include "shim/uc_client.h"

#define WAIT_NS 1000000000ull /* virtual time a completion may take */
#define RETRY_NS 1000000ull   /* between tries while the engine is busy */
#define RETRIES 1000u

/* A client task with one connection and its last completion. */
struct client {
	shim_workloop *wl;
	shim_task *task;
	shim_uc_conn *conn;
	bool done;
	shim_ret status;
	uint64_t result;
};

static void on_reply(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	struct client *c = refcon;

	c->done = true;
	c->status = status;
	c->result = count > 0 ? vals[0] : 0;
	shim_workloop_wakeup(c->wl, c);
}

static shim_ret client_open(struct bench_machine *fx, struct client *c)
{
	shim_ret r;

	memset(c, 0, sizeof(*c));
	c->wl = shim_machine_workloop(fx->machine);
	r = shim_task_create(501, NULL, 0, &c->task);
	if (r == SHIM_OK && (r = shim_uc_open(c->task, fx->svc, &c->conn)) != SHIM_OK)
		shim_task_destroy(c->task);
	return r;
}

/* The task exits: its connection closes. */
static void client_close(struct client *c)
{
	shim_task_destroy(c->task);
}

/* Asks for n!; the call returns at once, the answer comes to on_reply. */
static shim_ret compute_async(struct client *c, uint64_t n)
{
	struct shim_uc_call call = { .scalar_in = &n, .scalar_in_count = 1,
				     .async_fn = on_reply, .async_refcon = c };

	c->done = false;
	return shim_uc_call(c->conn, FACTORIAL_COMPUTE_ASYNC, &call);
}

/* As compute_async, trying again while the engine finishes earlier work. */
static shim_ret compute_async_when_free(struct client *c, uint64_t n)
{
	shim_ret r = compute_async(c, n);

	for (unsigned i = 0; r == SHIM_ERR_BUSY && i < RETRIES; i++) {
		shim_workloop_delay_ns(c->wl, RETRY_NS);
		r = compute_async(c, n);
	}
	return r;
}

/* Runs the work loop until the completion arrives, within WAIT_NS. */
static bool wait_reply(struct client *c)
{
	if (!c->done)
		(void)shim_workloop_sleep(c->wl, c, WAIT_NS);
	return c->done;
}

static enum bench_result expect_reply(struct client *c, uint64_t n, uint64_t want, char *why,
				      size_t len)
{
	if (!wait_reply(c))
		return bench_fail(why, len, "%llu!: no completion within 1 s", (unsigned long long)n);
	if (c->status != SHIM_OK || c->result != want)
		return bench_fail(why, len, "%llu!: completion %s, %llu (want OK, %llu)",
				  (unsigned long long)n, shim_ret_string(c->status),
				  (unsigned long long)c->result, (unsigned long long)want);
	return BENCH_PASS;
}

/* 0! to 12!, each completed later by the MSI the engine raises. */
static enum bench_result run_async_by_msi(struct bench_machine *fx, char *why, size_t len)
{
	enum bench_result res = BENCH_PASS;
	struct client c;
	uint64_t want = 1;
	shim_ret r;

	if (shim_pci_interrupt_type(fx->dev, 1) != SHIM_INTR_MSI)
		return bench_fail(why, len, "the device offers no MSI vector");
	if ((r = client_open(fx, &c)) != SHIM_OK)
		return bench_fail(why, len, "open: %s", shim_ret_string(r));
	for (uint64_t n = 0; n <= FACTORIAL_MAX_N && res == BENCH_PASS; n++) {
		want *= n > 0 ? n : 1;
		r = compute_async(&c, n);
		if (r != SHIM_OK)
			res = bench_fail(why, len, "%llu!: %s", (unsigned long long)n,
					 shim_ret_string(r));
		else if (c.done)
			res = bench_fail(why, len, "%llu!: completed before the call returned",
					 (unsigned long long)n);
		else
			res = expect_reply(&c, n, want, why, len);
	}
	client_close(&c);
	return res;
}

/* A client that exits with a request in flight gets nothing delivered,
 * leaves no completion reference behind, and the engine serves the next. */
static enum bench_result run_close_in_flight(struct bench_machine *fx, char *why, size_t len)
{
	struct shim_uc_counters before, after;
	struct client gone, next;
	enum bench_result res;
	shim_ret r;

	shim_uc_counters_snapshot(&before);
	if ((r = client_open(fx, &gone)) != SHIM_OK)
		return bench_fail(why, len, "first client: %s", shim_ret_string(r));
	r = compute_async(&gone, 10);
	client_close(&gone);
	if (r != SHIM_OK)
		return bench_fail(why, len, "10!: %s", shim_ret_string(r));
	if ((r = client_open(fx, &next)) != SHIM_OK)
		return bench_fail(why, len, "second client: %s", shim_ret_string(r));
	r = compute_async_when_free(&next, 5);
	res = r == SHIM_OK ? expect_reply(&next, 5, 120, why, len)
			   : bench_fail(why, len, "5! after the first client left: %s",
					shim_ret_string(r));
	client_close(&next);
	shim_uc_counters_snapshot(&after);
	if (res == BENCH_PASS && gone.done)
		res = bench_fail(why, len, "a completion reached a client that had exited");
	if (res == BENCH_PASS && (after.asyncs != before.asyncs || after.pending != before.pending))
		res = bench_fail(why, len, "completion references %ld -> %ld, queued %ld -> %ld",
				 before.asyncs, after.asyncs, before.pending, after.pending);
	return res;
}

/* Asleep, requests are refused; after wake the completion interrupt,
 * which the device lost with its context, works again. */
static enum bench_result run_sleep_then_wake(struct bench_machine *fx, char *why, size_t len)
{
	enum bench_result res = BENCH_PASS;
	struct client c;
	shim_ret r;

	if ((r = client_open(fx, &c)) != SHIM_OK)
		return bench_fail(why, len, "open: %s", shim_ret_string(r));
	if (bench_machine_sleep(fx, why, len) != SHIM_OK)
		res = BENCH_FAIL;
	else if ((r = compute_async(&c, 3)) != SHIM_ERR_NOT_READY)
		res = bench_fail(why, len, "3! while asleep: %s, want %s", shim_ret_string(r),
				 shim_ret_string(SHIM_ERR_NOT_READY));
	else if (bench_machine_wake(fx, why, len) != SHIM_OK)
		res = BENCH_FAIL;
	else if ((r = compute_async(&c, 7)) != SHIM_OK)
		res = bench_fail(why, len, "7! after wake: %s", shim_ret_string(r));
	else
		res = expect_reply(&c, 7, 5040, why, len);
	client_close(&c);
	return res;
}

static const struct bench_scenario sc_async_by_msi = {
	.name = "factorial-async-by-msi",
	.summary = "0!..12! through the user client, each completed later by the engine's MSI",
	.run = run_async_by_msi,
};

static const struct bench_scenario sc_close_in_flight = {
	.name = "close-with-request-in-flight",
	.summary = "a client exits mid-request: nothing delivered or leaked; the next one is served",
	.run = run_close_in_flight,
};

static const struct bench_scenario sc_sleep_then_wake = {
	.name = "asleep-refuses-wake-restores",
	.summary = "requests are refused while asleep; after wake the completion interrupt works",
	.run = run_sleep_then_wake,
};

static const struct bench_scenario *const factorial_scenarios[] = {
	&sc_async_by_msi,
	&sc_close_in_flight,
	&sc_sleep_then_wake,
};

/* The driver still answers: its liveness register, through the driver's
 * own function (looked up on every call: the kext may have been reloaded). */
static shim_ret factorial_alive(struct bench_machine *fx, char *why, size_t len)
{
	shim_ret (*liveness)(shim_service *, uint32_t);
	void *sym = bench_machine_kext_symbol(fx, "org_drvbench_example_factorial_liveness");
	shim_ret r;

	if (sym == NULL) {
		bench_fail(why, len, "the kext exports no org_drvbench_example_factorial_liveness");
		return SHIM_ERR_NOT_FOUND;
	}
	memcpy(&liveness, &sym, sizeof(sym)); /* object to function pointer, as dlsym's users do */
	r = liveness(fx->svc, 0x5a5a0f0fu);
	if (r != SHIM_OK)
		bench_fail(why, len, "liveness: %s", shim_ret_string(r));
	return r;
}

BENCH_TEST_MODULE(.name = "factorial",
		  .scenarios = factorial_scenarios,
		  .scenario_count = sizeof(factorial_scenarios) / sizeof(factorial_scenarios[0]),
		  .alive = factorial_alive);
