/* The NVMe user client's contract for the fuzzers (bench/uc_oracle.h), as
 * its headers declare it (nvme/nvme_userclient.h, nvme/nvme_driver.h) and
 * written independently of its code: CNS below 256, NSIDs of 32 bits,
 * block counts of 32 bits and never zero, LBA ranges that do not wrap,
 * async flushes with a completion and at most NVME_UC_MAX_REQUESTS per
 * connection, request selectors with a live handle; opening needs
 * NVME_UC_OPEN_ENTITLEMENT and writing NVME_UC_WRITE_ENTITLEMENT (root
 * passes both), whatever the dispatch table declares: a write whose table
 * entry and own check both lost the entitlement must still be refused.
 * What depends on the device (the namespace's size, the block size, the
 * transfer limit) is not the model's to predict: such calls may pass or
 * fail. Each function lists the refusals in the order the method checks
 * them. */
#include "bench/uc_oracle.h"
#include "nvme/nvme_userclient.h"
#include "nvme_tests.h"

#define PASS BENCH_UC_PASS
#define REFUSE BENCH_UC_REFUSE

static uint64_t in(const struct bench_uc_call_model *m, uint32_t i)
{
	return m->call->scalar_in[i];
}

static struct bench_uc_expect identify(const struct bench_uc_call_model *m)
{
	if (in(m, 0) > 0xff)
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, "CNS above 255");
	return in(m, 1) > NVME_UC_MAX_NSID ? REFUSE(SHIM_ERR_BAD_ARGUMENT, "NSID above 32 bits")
					   : PASS;
}

/* read and write: the block range, as far as it can be judged without the device. */
static struct bench_uc_expect range(const struct bench_uc_call_model *m)
{
	uint64_t lba = in(m, 0), blocks = in(m, 1);

	if (blocks > UINT32_MAX)
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, "block count above 32 bits");
	if (blocks == 0)
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, "no blocks");
	return lba + blocks < lba ? REFUSE(SHIM_ERR_BAD_ARGUMENT, "LBA range wraps") : PASS;
}

static struct bench_uc_expect flush_async(const struct bench_uc_call_model *m)
{
	if (m->call->async_fn == NULL)
		return REFUSE(SHIM_ERR_BAD_ARGUMENT, "async reference required");
	/* Every live handle of a connection is an outstanding request. */
	if (m->live_handles >= NVME_UC_MAX_REQUESTS)
		return REFUSE(SHIM_ERR_NO_RESOURCES, "per-connection request cap reached");
	return PASS;
}

static struct bench_uc_expect request(const struct bench_uc_call_model *m)
{
	enum bench_uc_handle_state st = bench_uc_handle(m, in(m, 0));

	return st == BENCH_UC_HANDLE_LIVE ? PASS :
					    REFUSE(SHIM_ERR_BAD_HANDLE, bench_uc_handle_state_name(st));
}

/* flush and get_info take nothing a client could get wrong; anyone who
 * may open may call them. */
static const struct bench_uc_method_oracle nvt_methods[] = {
	{ .name = "identify", .expect = identify },
	{ .name = "read", .expect = range },
	{ .name = "write", .expect = range, .entitlement = NVME_UC_WRITE_ENTITLEMENT,
	  .root_passes = true },
	{ .name = "flush" },
	{ .name = "flush_async", .expect = flush_async },
	{ .name = "request_query", .expect = request },
	{ .name = "request_release", .expect = request },
	{ .name = "get_info" },
};

const struct bench_uc_oracle nvt_uc_oracle = {
	.name = "nvme",
	.method_count = NVME_UC_SELECTOR_COUNT,
	.max_connections = NVME_UC_MAX_CONNECTIONS,
	.methods = nvt_methods,
	.nmethods = sizeof(nvt_methods) / sizeof(nvt_methods[0]),
	.access_rules = true,
	.open_entitlement = NVME_UC_OPEN_ENTITLEMENT,
};
