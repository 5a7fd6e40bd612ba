/* The edu user client: everything a client sends is hostile until checked.
 * The shim has checked selector, entitlement and shapes; the methods here
 * check values: 64-bit scalars narrowed only after a range check, offsets
 * and lengths against the client buffer and edu's 4 KiB window (never its
 * last byte), handles through the connection's table. */
#include "edu/edu_userclient.h"

#include "edu/edu_driver.h"
#include "shim/alloc.h"
#include "shim/libkern.h"
#include "shim/log.h"
#include "shim/workloop.h"

struct edu_uc_service {
	uint32_t power_policy;
	uint32_t connections;
};

struct edu_uc_conn {
	uint32_t requests; /* outstanding async requests */
};

struct edu_uc_request {
	shim_uc *uc;
	shim_uc_async *async;
	shim_timer *timer;
	shim_uc_handle handle;
	uint32_t result;
	bool done;
};

static shim_class edu_uc_class = SHIM_CLASS_INIT("org_drvbench_edu_userclient");

static const char *const power_policy_names[EDU_UC_POWER_POLICY_COUNT] = {
	"always-on", "idle-sleep", "aggressive",
};

/* Narrows a client scalar; false if it does not fit 32 bits. */
static bool scalar_u32(const struct shim_uc_args *a, uint32_t i, uint32_t *out)
{
	if (i >= a->scalar_in_count || a->scalar_in[i] > UINT32_MAX)
		return false;
	*out = (uint32_t)a->scalar_in[i];
	return true;
}

/* [dev_off, dev_off+len) inside the window, short of its last byte. */
static bool window_ok(uint32_t dev_off, uint32_t len)
{
	return len > 0 && dev_off < EDU_DMA_MAX_END && len <= EDU_DMA_MAX_END - dev_off;
}

static shim_ret m_liveness(shim_uc *uc, struct shim_uc_args *a)
{
	uint32_t v, rb;
	shim_ret r;

	if (!scalar_u32(a, 0, &v))
		return SHIM_ERR_BAD_ARGUMENT;
	if ((r = org_drvbench_driver_edu_liveness(shim_uc_service(uc), v, &rb)) != SHIM_OK)
		return r;
	a->scalar_out[0] = rb;
	a->scalar_out_written = 1;
	return SHIM_OK;
}

static shim_ret m_factorial(shim_uc *uc, struct shim_uc_args *a)
{
	uint32_t n, result;
	shim_ret r;

	if (!scalar_u32(a, 0, &n) || n > EDU_UC_FACTORIAL_MAX)
		return SHIM_ERR_BAD_ARGUMENT;
	if ((r = org_drvbench_driver_edu_factorial(shim_uc_service(uc), n, &result)) != SHIM_OK)
		return r;
	a->scalar_out[0] = result;
	a->scalar_out_written = 1;
	return SHIM_OK;
}

static shim_ret m_dma_write(shim_uc *uc, struct shim_uc_args *a)
{
	uint32_t dev_off, len, buf_off;
	shim_ret r, rc;

	if (!scalar_u32(a, 0, &dev_off) || !scalar_u32(a, 1, &len) || !scalar_u32(a, 2, &buf_off))
		return SHIM_ERR_BAD_ARGUMENT;
	if (buf_off > a->struct_in_size || len > a->struct_in_size - buf_off)
		return SHIM_ERR_OVERRUN;
	if (!window_ok(dev_off, len))
		return SHIM_ERR_BAD_ARGUMENT;
	if (a->struct_in_desc == NULL)
		return org_drvbench_driver_edu_dma_to_device(shim_uc_service(uc), dev_off,
					 (const uint8_t *)a->struct_in + buf_off, len);
	/* Client memory must be wired for the device to read it. */
	if ((r = shim_memdesc_prepare(a->struct_in_desc)) != SHIM_OK)
		return r;
	r = org_drvbench_driver_edu_dma_memdesc(shim_uc_service(uc), a->struct_in_desc, buf_off,
						dev_off, len, true);
	rc = shim_memdesc_complete(a->struct_in_desc);
	return r != SHIM_OK ? r : rc;
}

static shim_ret m_dma_read(shim_uc *uc, struct shim_uc_args *a)
{
	uint32_t dev_off, len;
	shim_ret r;

	if (!scalar_u32(a, 0, &dev_off) || !scalar_u32(a, 1, &len))
		return SHIM_ERR_BAD_ARGUMENT;
	if (len > a->struct_out_cap)
		return SHIM_ERR_OVERRUN;
	if (!window_ok(dev_off, len))
		return SHIM_ERR_BAD_ARGUMENT;
	r = org_drvbench_driver_edu_dma_from_device(shim_uc_service(uc), dev_off, a->struct_out, len);
	if (r != SHIM_OK)
		return r;
	a->struct_out_written = len;
	return SHIM_OK;
}

static shim_ret m_raise_interrupt(shim_uc *uc, struct shim_uc_args *a)
{
	uint32_t bits;

	if (!scalar_u32(a, 0, &bits) || bits == 0)
		return SHIM_ERR_BAD_ARGUMENT;
	return org_drvbench_driver_edu_raise_interrupt(shim_uc_service(uc), bits);
}

static shim_ret m_irq_status(shim_uc *uc, struct shim_uc_args *a)
{
	struct edu_stats st;
	shim_ret r;

	if ((r = org_drvbench_driver_edu_get_stats(shim_uc_service(uc), &st)) != SHIM_OK)
		return r;
	a->scalar_out[0] = st.last_status;
	a->scalar_out[1] = st.interrupts;
	a->scalar_out_written = 2;
	return SHIM_OK;
}

static shim_ret m_get_stats(shim_uc *uc, struct shim_uc_args *a)
{
	struct edu_uc_service *ctx = shim_uc_service_context(uc);
	struct edu_uc_stats out;
	struct edu_stats st;
	shim_ret r;

	if ((r = org_drvbench_driver_edu_get_stats(shim_uc_service(uc), &st)) != SHIM_OK)
		return r;
	out = (struct edu_uc_stats){
		.using_msi = st.using_msi, .interrupts = st.interrupts, .factorials = st.factorials,
		.dma_transfers = st.dma_transfers, .errors = st.errors, .last_status = st.last_status,
		.power_policy = ctx->power_policy, .connections = ctx->connections,
	};
	shim_memcpy(a->struct_out, &out, sizeof(out));
	a->struct_out_written = sizeof(out);
	return SHIM_OK;
}

static shim_ret m_set_power_policy(shim_uc *uc, struct shim_uc_args *a)
{
	struct edu_uc_service *ctx = shim_uc_service_context(uc);
	const shim_task *t = shim_uc_task(uc);
	uint32_t policy;

	/* The table already demands this; checked again because it guards
	 * system-wide state. */
	if (shim_task_uid(t) != 0 && !shim_task_has_entitlement(t, EDU_UC_POWER_ENTITLEMENT))
		return SHIM_ERR_NOT_PERMITTED;
	if (!scalar_u32(a, 0, &policy) || policy >= EDU_UC_POWER_POLICY_COUNT)
		return SHIM_ERR_BAD_ARGUMENT;
	ctx->power_policy = policy;
	shim_log(SHIM_LOG_INFO, "edu: power policy %s", power_policy_names[policy]);
	return SHIM_OK;
}

/* Ends a request: its completion can no longer be delivered. */
static void request_destroy(shim_uc *uc, void *obj)
{
	struct edu_uc_request *req = obj;
	struct edu_uc_conn *conn = shim_uc_private(uc);

	shim_timer_cancel(req->timer);
	shim_timer_release(req->timer);
	shim_uc_async_release(req->async);
	shim_free(req, sizeof(*req));
	if (conn != NULL && conn->requests > 0)
		conn->requests--;
}

static void request_fire(void *owner, shim_timer *timer)
{
	struct edu_uc_request *req = owner;
	uint64_t vals[2] = { req->handle, req->result };

	(void)timer;
	req->done = true;
	/* ABORTED after close is expected and harmless. */
	(void)shim_uc_async_complete(req->async, SHIM_OK, vals, 2);
}

static shim_ret m_factorial_async(shim_uc *uc, struct shim_uc_args *a)
{
	struct edu_uc_conn *conn = shim_uc_private(uc);
	struct edu_uc_request *req;
	uint32_t n, result;
	shim_ret r;

	if (a->async == NULL || !scalar_u32(a, 0, &n) || n > EDU_UC_FACTORIAL_MAX)
		return SHIM_ERR_BAD_ARGUMENT;
	if (conn->requests >= EDU_UC_MAX_REQUESTS)
		return SHIM_ERR_NO_RESOURCES;
	if ((r = org_drvbench_driver_edu_factorial(shim_uc_service(uc), n, &result)) != SHIM_OK)
		return r;
	if ((req = shim_zalloc(sizeof(*req))) == NULL)
		return SHIM_ERR_NO_MEMORY;
	req->uc = uc;
	req->result = result;
	r = shim_timer_create(shim_service_workloop(shim_uc_service(uc)), request_fire, req,
			      &req->timer);
	if (r != SHIM_OK) {
		shim_free(req, sizeof(*req));
		return r;
	}
	req->async = shim_uc_async_retain(a->async);
	conn->requests++;
	r = shim_uc_handle_alloc(uc, EDU_UC_HANDLE_REQUEST, req, request_destroy, &req->handle);
	if (r != SHIM_OK) {
		request_destroy(uc, req);
		return r;
	}
	shim_timer_arm_ns(req->timer, EDU_UC_ASYNC_DELAY_NS);
	a->scalar_out[0] = req->handle;
	a->scalar_out_written = 1;
	return SHIM_OK;
}

static shim_ret m_request_query(shim_uc *uc, struct shim_uc_args *a)
{
	struct edu_uc_request *req;
	void *obj;
	shim_ret r;

	if ((r = shim_uc_handle_lookup(uc, a->scalar_in[0], EDU_UC_HANDLE_REQUEST, &obj)) != SHIM_OK)
		return r;
	req = obj;
	a->scalar_out[0] = req->done;
	a->scalar_out[1] = req->done ? req->result : 0;
	a->scalar_out_written = 2;
	return SHIM_OK;
}

static shim_ret m_request_release(shim_uc *uc, struct shim_uc_args *a)
{
	void *obj;
	shim_ret r;

	if ((r = shim_uc_handle_free(uc, a->scalar_in[0], EDU_UC_HANDLE_REQUEST, &obj)) != SHIM_OK)
		return r;
	request_destroy(uc, obj);
	return SHIM_OK;
}

static shim_ret edu_uc_may_open(shim_service *svc, const shim_task *task)
{
	struct edu_uc_service *ctx = shim_service_userclient_context(svc);

	(void)task; /* the shim checked EDU_UC_OPEN_ENTITLEMENT */
	if (ctx == NULL)
		return SHIM_ERR_NOT_READY;
	return ctx->connections >= EDU_UC_MAX_CONNECTIONS ? SHIM_ERR_NO_RESOURCES : SHIM_OK;
}

static shim_ret edu_uc_open(shim_uc *uc)
{
	struct edu_uc_service *ctx = shim_uc_service_context(uc);
	struct edu_uc_conn *conn = shim_zalloc(sizeof(*conn));

	if (conn == NULL)
		return SHIM_ERR_NO_MEMORY;
	shim_uc_set_private(uc, conn);
	ctx->connections++;
	return SHIM_OK;
}

static void edu_uc_close(shim_uc *uc, bool client_died)
{
	struct edu_uc_service *ctx = shim_uc_service_context(uc);
	struct edu_uc_conn *conn = shim_uc_private(uc);

	(void)client_died; /* requests are handles: the shim releases them next */
	ctx->connections--;
	/* Requests are released after this hook and look the counter up. */
	conn->requests = 0;
	shim_uc_set_private(uc, NULL);
	shim_free(conn, sizeof(*conn));
}

#define SCALARS(in, out) .scalar_in_count = (in), .scalar_out_count = (out)
#define NO_STRUCT .struct_in_size = 0, .struct_out_size = 0

static const struct shim_uc_method edu_uc_methods[EDU_UC_SELECTOR_COUNT] = {
	[EDU_UC_LIVENESS] = { "liveness", m_liveness, SCALARS(1, 1), NO_STRUCT },
	[EDU_UC_FACTORIAL] = { "factorial", m_factorial, SCALARS(1, 1), NO_STRUCT },
	[EDU_UC_DMA_WRITE] = { "dma_write", m_dma_write, SCALARS(3, 0),
			       .struct_in_size = SHIM_UC_VARIABLE, .struct_out_size = 0 },
	[EDU_UC_DMA_READ] = { "dma_read", m_dma_read, SCALARS(2, 0),
			      .struct_in_size = 0, .struct_out_size = SHIM_UC_VARIABLE },
	[EDU_UC_RAISE_INTERRUPT] = { "raise_interrupt", m_raise_interrupt, SCALARS(1, 0), NO_STRUCT },
	[EDU_UC_IRQ_STATUS] = { "irq_status", m_irq_status, SCALARS(0, 2), NO_STRUCT },
	[EDU_UC_GET_STATS] = { "get_stats", m_get_stats, SCALARS(0, 0),
			       .struct_in_size = 0, .struct_out_size = sizeof(struct edu_uc_stats) },
	[EDU_UC_SET_POWER_POLICY] = { "set_power_policy", m_set_power_policy, SCALARS(1, 0),
				      NO_STRUCT, .entitlement = EDU_UC_POWER_ENTITLEMENT,
				      .root_passes = true },
	[EDU_UC_FACTORIAL_ASYNC] = { "factorial_async", m_factorial_async, SCALARS(1, 1), NO_STRUCT,
				     .async_allowed = true },
	[EDU_UC_REQUEST_QUERY] = { "request_query", m_request_query, SCALARS(1, 2), NO_STRUCT },
	[EDU_UC_REQUEST_RELEASE] = { "request_release", m_request_release, SCALARS(1, 0), NO_STRUCT },
};

const struct shim_uc_desc edu_uc_desc = {
	.cls = &edu_uc_class,
	.methods = edu_uc_methods,
	.method_count = EDU_UC_SELECTOR_COUNT,
	.open_entitlement = EDU_UC_OPEN_ENTITLEMENT,
	.may_open = edu_uc_may_open,
	.open = edu_uc_open,
	.close = edu_uc_close,
};

shim_ret edu_userclient_start(shim_service *svc)
{
	struct edu_uc_service *ctx = shim_zalloc(sizeof(*ctx));
	shim_ret r;

	if (ctx == NULL)
		return SHIM_ERR_NO_MEMORY;
	ctx->power_policy = EDU_UC_POWER_ALWAYS_ON;
	if ((r = shim_service_set_userclient(svc, &edu_uc_desc, ctx)) != SHIM_OK)
		shim_free(ctx, sizeof(*ctx));
	return r;
}

void edu_userclient_stop(shim_service *svc)
{
	struct edu_uc_service *ctx = shim_service_userclient_context(svc);

	(void)shim_service_set_userclient(svc, NULL, NULL);
	if (ctx != NULL)
		shim_free(ctx, sizeof(*ctx));
}
