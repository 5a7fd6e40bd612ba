/* Helpers the NVMe scenarios share: data patterns, a quick check that the
 * driver still moves data, a root client of its user client, and a look
 * at the kernel log. */
#include <stdio.h>
#include <string.h>

#include "nvme/nvme_userclient.h"
#include "nvme_tests.h"
#include "shim/log.h"
#include "shim/machine.h"

#define NVT_CHECK_LBA 64u
#define NVT_CHECK_BLOCKS 4u
#define NVT_LOG_LINE 256

void nvt_fill(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed * 31u + i * 7u + (i >> 9));
}

enum bench_result nvt_works(struct bench_machine *fx, const char *when, char *why, size_t len)
{
	uint8_t out[NVT_CHECK_BLOCKS * 512], in[NVT_CHECK_BLOCKS * 512];
	static unsigned seed = 1;
	shim_ret r;

	if (fx->svc == NULL)
		return bench_fail(why, len, "%s: no service on the controller", when);
	nvt_fill(out, sizeof(out), seed++);
	memset(in, 0, sizeof(in));
	r = nvt_api.write_buf(fx->svc, NVT_CHECK_LBA, NVT_CHECK_BLOCKS, out);
	if (r == SHIM_OK)
		r = nvt_api.read_buf(fx->svc, NVT_CHECK_LBA, NVT_CHECK_BLOCKS, in);
	if (r == SHIM_OK)
		r = nvt_api.flush(fx->svc);
	if (r != SHIM_OK || memcmp(in, out, sizeof(out)) != 0)
		return bench_fail(why, len, "%s: write, read back and flush of %u blocks: %s", when,
				  NVT_CHECK_BLOCKS, r != SHIM_OK ? shim_ret_string(r) : "other data");
	return BENCH_PASS;
}

shim_ret nvt_client_open(struct bench_machine *fx, struct nvt_client *c, char *why, size_t len)
{
	shim_ret r;

	memset(c, 0, sizeof(*c));
	r = shim_task_create(0, NULL, 0, &c->task);
	if (r == SHIM_OK)
		r = shim_uc_open(c->task, fx->svc, &c->conn);
	if (r != SHIM_OK) {
		snprintf(why, len, "a root client could not open the user client: %s",
			 shim_ret_string(r));
		nvt_client_close(c);
	}
	return r;
}

void nvt_client_close(struct nvt_client *c)
{
	if (c->task != NULL)
		shim_task_destroy(c->task);
	c->task = NULL;
	c->conn = NULL;
}

shim_ret nvt_call(struct nvt_client *c, uint32_t sel, const uint64_t *in, uint32_t nin,
		  const void *sin, size_t sin_size, void *sout, size_t sout_size)
{
	uint64_t out[2];
	struct shim_uc_call call = { .scalar_in = in, .scalar_in_count = nin, .struct_in = sin,
				     .struct_in_size = sin_size, .scalar_out = out,
				     .scalar_out_count = sel == NVME_UC_REQUEST_QUERY ? 2 : 0,
				     .struct_out = sout, .struct_out_size = sout_size };

	return shim_uc_call(c->conn, sel, &call);
}

static void nvt_completion(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	struct nvt_client *c = refcon;

	c->completions++;
	c->last_status = status == SHIM_OK && count == 2 ? (shim_ret)(int64_t)vals[1] : status;
}

shim_ret nvt_flush_async(struct nvt_client *c, uint64_t *handle)
{
	struct shim_uc_call call = { .scalar_out = handle, .scalar_out_count = 1,
				     .async_fn = nvt_completion, .async_refcon = c };

	return shim_uc_call(c->conn, NVME_UC_FLUSH_ASYNC, &call);
}

bool nvt_log_has(const char *needle)
{
	char line[NVT_LOG_LINE];
	enum shim_log_level level;
	bool found = false;

	while (shim_log_pop(line, sizeof(line), &level))
		found |= strstr(line, needle) != NULL;
	return found;
}
