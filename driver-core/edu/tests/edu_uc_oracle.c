/* The edu user client's contract for the fuzzers (bench/uc_oracle.h), as
 * its headers declare it (edu/edu_userclient.h, edu/edu_driver.h) and
 * written independently of its code: every scalar is a u32,
 * n <= EDU_UC_FACTORIAL_MAX, DMA ranges stay inside the 4 KiB window short
 * of its last byte, at most EDU_UC_MAX_REQUESTS outstanding requests per
 * connection and EDU_UC_MAX_CONNECTIONS connections per service, async
 * factorial needs a completion, request selectors take a live handle;
 * opening needs EDU_UC_OPEN_ENTITLEMENT and setting the power policy
 * EDU_UC_POWER_ENTITLEMENT (root passes both), whatever the dispatch
 * table declares.
 * Each function lists the refusals in the order the method checks them. */
#include "bench/uc_oracle.h"
#include "edu/edu_driver.h"
#include "edu/edu_userclient.h"
#include "edu_tests.h"

#define PASS BENCH_UC_PASS
#define REFUSE BENCH_UC_REFUSE

static uint64_t in(const struct bench_uc_call_model *m, uint32_t i)
{
	return m->call->scalar_in[i];
}

/* Any of the first n scalars does not fit the u32 the method takes. */
static bool wide(const struct bench_uc_call_model *m, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (in(m, i) > UINT32_MAX)
			return true;
	return false;
}

/* Non-empty, inside the window, ending before its last byte (no overflow:
 * both values fit 32 bits here). */
static bool window_ok(uint64_t dev_off, uint64_t len)
{
	return len > 0 && dev_off + len <= EDU_DMA_MAX_END;
}

#define WIDE "scalar above 32 bits where the method takes a u32"
#define WINDOW "DMA range outside the 4 KiB window or touching its last byte"
#define N_MAX "n above EDU_UC_FACTORIAL_MAX"

static struct bench_uc_expect liveness(const struct bench_uc_call_model *m)
{
	return wide(m, 1) ? REFUSE(SHIM_ERR_BAD_ARGUMENT, WIDE) : PASS;
}

static struct bench_uc_expect factorial(const struct bench_uc_call_model *m)
{
	if (wide(m, 1))
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, WIDE);
	return in(m, 0) > EDU_UC_FACTORIAL_MAX ? REFUSE(SHIM_ERR_BAD_ARGUMENT, N_MAX) : PASS;
}

static struct bench_uc_expect dma_write(const struct bench_uc_call_model *m)
{
	uint64_t dev_off = in(m, 0), len = in(m, 1), buf_off = in(m, 2);

	if (wide(m, 3))
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, WIDE);
	if (buf_off + len > m->call->struct_in_size)
		return REFUSE(SHIM_ERR_OVERRUN, "client buffer range beyond the structure input");
	return window_ok(dev_off, len) ? PASS : REFUSE(SHIM_ERR_BAD_ARGUMENT, WINDOW);
}

static struct bench_uc_expect dma_read(const struct bench_uc_call_model *m)
{
	uint64_t dev_off = in(m, 0), len = in(m, 1);

	if (wide(m, 2))
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, WIDE);
	if (len > m->call->struct_out_size)
		return REFUSE(SHIM_ERR_OVERRUN, "length above the structure-output capacity");
	return window_ok(dev_off, len) ? PASS : REFUSE(SHIM_ERR_BAD_ARGUMENT, WINDOW);
}

static struct bench_uc_expect raise_interrupt(const struct bench_uc_call_model *m)
{
	if (wide(m, 1))
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, WIDE);
	return in(m, 0) == 0 ? REFUSE(SHIM_ERR_BAD_ARGUMENT, "no status bits") : PASS;
}

static struct bench_uc_expect set_power_policy(const struct bench_uc_call_model *m)
{
	if (wide(m, 1))
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, WIDE);
	return in(m, 0) >= EDU_UC_POWER_POLICY_COUNT ?
		       REFUSE(SHIM_ERR_BAD_ARGUMENT, "unknown power policy") : PASS;
}

static struct bench_uc_expect factorial_async(const struct bench_uc_call_model *m)
{
	if (m->call->async_fn == NULL)
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, "async reference required");
	if (wide(m, 1))
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, WIDE);
	if (in(m, 0) > EDU_UC_FACTORIAL_MAX)
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, N_MAX);
	/* Every live handle of an edu connection is an outstanding request. */
	if (m->live_handles >= EDU_UC_MAX_REQUESTS)
		return REFUSE(SHIM_ERR_NO_RESOURCES, "per-connection request cap reached");
	return PASS;
}

static struct bench_uc_expect request(const struct bench_uc_call_model *m)
{
	enum bench_uc_handle_state st = bench_uc_handle(m, in(m, 0));

	return st == BENCH_UC_HANDLE_LIVE ? PASS :
					    REFUSE(SHIM_ERR_BAD_HANDLE, bench_uc_handle_state_name(st));
}

/* irq_status and get_stats take nothing a client could get wrong. */
static const struct bench_uc_method_oracle edu_methods[] = {
	{ "liveness", liveness, NULL, false },
	{ "factorial", factorial, NULL, false },
	{ "dma_write", dma_write, NULL, false },
	{ "dma_read", dma_read, NULL, false },
	{ "raise_interrupt", raise_interrupt, NULL, false },
	{ "irq_status", NULL, NULL, false },
	{ "get_stats", NULL, NULL, false },
	{ "set_power_policy", set_power_policy, EDU_UC_POWER_ENTITLEMENT, true },
	{ "factorial_async", factorial_async, NULL, false },
	{ "request_query", request, NULL, false },
	{ "request_release", request, NULL, false },
};

const struct bench_uc_oracle edu_uc_oracle = {
	.name = "edu",
	.method_count = EDU_UC_SELECTOR_COUNT,
	.max_connections = EDU_UC_MAX_CONNECTIONS,
	.methods = edu_methods,
	.nmethods = sizeof(edu_methods) / sizeof(edu_methods[0]),
	.access_rules = true,
	.open_entitlement = EDU_UC_OPEN_ENTITLEMENT,
};
