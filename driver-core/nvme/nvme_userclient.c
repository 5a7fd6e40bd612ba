/* The NVMe user client: everything a client sends is hostile until checked.
 * The shim has checked selector, entitlement and shapes; the methods here
 * check values before the device hears of them: 64-bit scalars narrowed
 * only after a range check, block ranges against the namespace and the
 * transfer limit, write data of exactly the size named, handles through
 * the connection's table. Async flushes complete to the client from the
 * interrupt action; one whose client went away is freed there quietly. */
#include "nvme/nvme_userclient.h"

#include "nvme/nvme_driver.h"
#include "nvme_private.h"
#include "shim/alloc.h"
#include "shim/log.h"

struct nvme_uc_service {
	uint32_t connections;
};

struct nvme_uc_conn {
	uint32_t requests; /* live request handles */
};

struct nvme_uc_request {
	shim_uc_async *async;     /* NULL once released */
	shim_uc_handle handle;
	bool done, cancelled;     /* cancelled: the client let go while it was out */
	shim_ret result;
};

static shim_class nvme_uc_class = SHIM_CLASS_INIT("org_drvbench_nvme_userclient");

static bool scalar_max(const struct shim_uc_args *a, uint32_t i, uint64_t max, uint64_t *out)
{
	if (i >= a->scalar_in_count || a->scalar_in[i] > max)
		return false;
	*out = a->scalar_in[i];
	return true;
}

/* lba and blocks as the methods take them: blocks a u32, bytes known. */
static shim_ret uc_range(shim_uc *uc, const struct shim_uc_args *a, uint64_t *lba,
			 uint32_t *blocks, uint64_t *bytes)
{
	struct nvme_info info;
	uint64_t nb, end;
	shim_ret r = org_drvbench_driver_nvme_get_info(shim_uc_service(uc), &info);

	if (r != SHIM_OK)
		return r;
	if (!scalar_max(a, 0, UINT64_MAX, lba) || !scalar_max(a, 1, UINT32_MAX, &nb))
		return SHIM_ERR_BAD_ARGUMENT;
	if (nb == 0 || shim_add_overflows_u64(*lba, nb, &end) || end > info.blocks)
		return SHIM_ERR_BAD_ARGUMENT; /* empty, or outside the namespace */
	*blocks = (uint32_t)nb;
	*bytes = nb * info.block_size;
	return *bytes > info.max_transfer ? SHIM_ERR_BAD_ARGUMENT : SHIM_OK;
}

static shim_ret m_identify(shim_uc *uc, struct shim_uc_args *a)
{
	uint64_t cns, nsid;
	shim_ret r;

	if (!scalar_max(a, 0, 0xff, &cns) || !scalar_max(a, 1, NVME_UC_MAX_NSID, &nsid))
		return SHIM_ERR_BAD_ARGUMENT;
	r = org_drvbench_driver_nvme_identify(shim_uc_service(uc), (uint8_t)cns, (uint32_t)nsid,
					      a->struct_out);
	if (r == SHIM_OK)
		a->struct_out_written = NVME_ID_BYTES;
	return r;
}

static shim_ret m_read(shim_uc *uc, struct shim_uc_args *a)
{
	uint64_t lba, bytes;
	uint32_t blocks;
	shim_ret r = uc_range(uc, a, &lba, &blocks, &bytes);

	if (r != SHIM_OK)
		return r;
	if (bytes > a->struct_out_cap)
		return SHIM_ERR_OVERRUN;
	r = org_drvbench_driver_nvme_read_buf(shim_uc_service(uc), lba, blocks, a->struct_out);
	if (r == SHIM_OK)
		a->struct_out_written = (uint32_t)bytes;
	return r;
}

static shim_ret m_write(shim_uc *uc, struct shim_uc_args *a)
{
	const shim_task *t = shim_uc_task(uc);
	uint64_t lba, bytes;
	uint32_t blocks;
	shim_ret r, rc;

	/* The table already demands this; checked again because it changes
	 * what every client reads. */
	if (shim_task_uid(t) != 0 && !shim_task_has_entitlement(t, NVME_UC_WRITE_ENTITLEMENT))
		return SHIM_ERR_NOT_PERMITTED;
	if ((r = uc_range(uc, a, &lba, &blocks, &bytes)) != SHIM_OK)
		return r;
	if (bytes != a->struct_in_size)
		return SHIM_ERR_BAD_ARGUMENT;
	if (a->struct_in_desc == NULL)
		return org_drvbench_driver_nvme_write_buf(shim_uc_service(uc), lba, blocks, a->struct_in);
	/* Client memory is DMAed from where it lies; wired meanwhile. */
	if ((r = shim_memdesc_prepare(a->struct_in_desc)) != SHIM_OK)
		return r;
	r = org_drvbench_driver_nvme_write(shim_uc_service(uc), lba, blocks, a->struct_in_desc, 0);
	rc = shim_memdesc_complete(a->struct_in_desc);
	return r != SHIM_OK ? r : rc;
}

static shim_ret m_flush(shim_uc *uc, struct shim_uc_args *a)
{
	(void)a;
	return org_drvbench_driver_nvme_flush(shim_uc_service(uc));
}

static void request_free(struct nvme_uc_request *req)
{
	shim_free(req, sizeof(*req));
}

/* The client let go (release, close, death): its completion reference
 * goes now; the request itself when the command is done. */
static void request_destroy(shim_uc *uc, void *obj)
{
	struct nvme_uc_request *req = obj;
	struct nvme_uc_conn *conn = shim_uc_private(uc);

	if (conn != NULL && conn->requests > 0)
		conn->requests--;
	shim_uc_async_release(req->async);
	req->async = NULL;
	if (req->done)
		request_free(req);
	else
		req->cancelled = true;
}

/* On the work loop, from the completion (or from a reset or removal). */
static void request_done(struct nvme_state *st, void *ctx, shim_ret r, uint32_t dw0)
{
	struct nvme_uc_request *req = ctx;
	uint64_t vals[2];

	(void)st;
	(void)dw0;
	if (req->cancelled) {
		request_free(req);
		return;
	}
	req->done = true;
	req->result = r;
	vals[0] = req->handle;
	vals[1] = (uint64_t)(int64_t)r;
	/* ABORTED after close is expected and harmless. */
	(void)shim_uc_async_complete(req->async, SHIM_OK, vals, 2);
}

static shim_ret m_flush_async(shim_uc *uc, struct shim_uc_args *a)
{
	struct nvme_uc_conn *conn = shim_uc_private(uc);
	struct nvme_state *st;
	struct nvme_uc_request *req;
	shim_ret r;

	if (a->async == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (conn->requests >= NVME_UC_MAX_REQUESTS)
		return SHIM_ERR_NO_RESOURCES;
	if ((r = nvme_op_enter(shim_uc_service(uc), &st)) != SHIM_OK)
		return r;
	if ((req = shim_zalloc(sizeof(*req))) == NULL)
		return nvme_op_leave(st, SHIM_ERR_NO_MEMORY);
	r = shim_uc_handle_alloc(uc, NVME_UC_HANDLE_REQUEST, req, request_destroy, &req->handle);
	if (r != SHIM_OK) {
		request_free(req);
		return nvme_op_leave(st, r);
	}
	req->async = shim_uc_async_retain(a->async);
	conn->requests++;
	r = nvme_flush_async(st, request_done, req);
	if (r != SHIM_OK) {
		void *obj;

		/* Never sent: the handle goes again, as if never issued. */
		(void)shim_uc_handle_free(uc, req->handle, NVME_UC_HANDLE_REQUEST, &obj);
		req->done = true;
		request_destroy(uc, req);
		return nvme_op_leave(st, r);
	}
	a->scalar_out[0] = req->handle;
	a->scalar_out_written = 1;
	return nvme_op_leave(st, SHIM_OK);
}

static shim_ret m_request_query(shim_uc *uc, struct shim_uc_args *a)
{
	struct nvme_uc_request *req;
	void *obj;
	shim_ret r;

	if ((r = shim_uc_handle_lookup(uc, a->scalar_in[0], NVME_UC_HANDLE_REQUEST, &obj)) != SHIM_OK)
		return r;
	req = obj;
	a->scalar_out[0] = req->done;
	a->scalar_out[1] = req->done ? (uint64_t)(int64_t)req->result : 0;
	a->scalar_out_written = 2;
	return SHIM_OK;
}

static shim_ret m_request_release(shim_uc *uc, struct shim_uc_args *a)
{
	void *obj;
	shim_ret r;

	if ((r = shim_uc_handle_free(uc, a->scalar_in[0], NVME_UC_HANDLE_REQUEST, &obj)) != SHIM_OK)
		return r;
	request_destroy(uc, obj);
	return SHIM_OK;
}

static shim_ret m_get_info(shim_uc *uc, struct shim_uc_args *a)
{
	struct nvme_uc_service *ctx = shim_uc_service_context(uc);
	struct nvme_uc_info out;
	struct nvme_info info;
	shim_ret r = org_drvbench_driver_nvme_get_info(shim_uc_service(uc), &info);

	if (r != SHIM_OK)
		return r;
	out = (struct nvme_uc_info){
		.blocks = info.blocks, .block_size = info.block_size,
		.max_transfer = info.max_transfer, .io_queues = info.io_queues,
		.msix = info.msix, .connections = ctx->connections,
	};
	shim_memcpy(a->struct_out, &out, sizeof(out));
	a->struct_out_written = sizeof(out);
	return SHIM_OK;
}

static shim_ret nvme_uc_may_open(shim_service *svc, const shim_task *task)
{
	struct nvme_uc_service *ctx = shim_service_userclient_context(svc);

	(void)task; /* the shim checked NVME_UC_OPEN_ENTITLEMENT */
	if (ctx == NULL)
		return SHIM_ERR_NOT_READY;
	return ctx->connections >= NVME_UC_MAX_CONNECTIONS ? SHIM_ERR_NO_RESOURCES : SHIM_OK;
}

static shim_ret nvme_uc_open(shim_uc *uc)
{
	struct nvme_uc_service *ctx = shim_uc_service_context(uc);
	struct nvme_uc_conn *conn = shim_zalloc(sizeof(*conn));

	if (conn == NULL)
		return SHIM_ERR_NO_MEMORY;
	shim_uc_set_private(uc, conn);
	ctx->connections++;
	return SHIM_OK;
}

static void nvme_uc_close(shim_uc *uc, bool client_died)
{
	struct nvme_uc_service *ctx = shim_uc_service_context(uc);
	struct nvme_uc_conn *conn = shim_uc_private(uc);

	(void)client_died; /* requests are handles: the shim releases them next */
	ctx->connections--;
	shim_uc_set_private(uc, NULL);
	shim_free(conn, sizeof(*conn));
}

#define SCALARS(in, out) .scalar_in_count = (in), .scalar_out_count = (out)
#define NO_STRUCT .struct_in_size = 0, .struct_out_size = 0

static const struct shim_uc_method nvme_uc_methods[NVME_UC_SELECTOR_COUNT] = {
	[NVME_UC_IDENTIFY] = { "identify", m_identify, SCALARS(2, 0), .struct_in_size = 0,
			       .struct_out_size = NVME_ID_BYTES },
	[NVME_UC_READ] = { "read", m_read, SCALARS(2, 0), .struct_in_size = 0,
			   .struct_out_size = SHIM_UC_VARIABLE },
	[NVME_UC_WRITE] = { "write", m_write, SCALARS(2, 0), .struct_in_size = SHIM_UC_VARIABLE,
			    .struct_out_size = 0, .entitlement = NVME_UC_WRITE_ENTITLEMENT,
			    .root_passes = true },
	[NVME_UC_FLUSH] = { "flush", m_flush, SCALARS(0, 0), NO_STRUCT },
	[NVME_UC_FLUSH_ASYNC] = { "flush_async", m_flush_async, SCALARS(0, 1), NO_STRUCT,
				  .async_allowed = true },
	[NVME_UC_REQUEST_QUERY] = { "request_query", m_request_query, SCALARS(1, 2), NO_STRUCT },
	[NVME_UC_REQUEST_RELEASE] = { "request_release", m_request_release, SCALARS(1, 0),
				      NO_STRUCT },
	[NVME_UC_GET_INFO] = { "get_info", m_get_info, SCALARS(0, 0), .struct_in_size = 0,
			       .struct_out_size = sizeof(struct nvme_uc_info) },
};

const struct shim_uc_desc nvme_uc_desc = {
	.cls = &nvme_uc_class,
	.methods = nvme_uc_methods,
	.method_count = NVME_UC_SELECTOR_COUNT,
	.open_entitlement = NVME_UC_OPEN_ENTITLEMENT,
	.may_open = nvme_uc_may_open,
	.open = nvme_uc_open,
	.close = nvme_uc_close,
};

shim_ret nvme_userclient_start(shim_service *svc)
{
	struct nvme_uc_service *ctx = shim_zalloc(sizeof(*ctx));
	shim_ret r;

	if (ctx == NULL)
		return SHIM_ERR_NO_MEMORY;
	if ((r = shim_service_set_userclient(svc, &nvme_uc_desc, ctx)) != SHIM_OK)
		shim_free(ctx, sizeof(*ctx));
	return r;
}

void nvme_userclient_stop(shim_service *svc)
{
	struct nvme_uc_service *ctx = shim_service_userclient_context(svc);

	(void)shim_service_set_userclient(svc, NULL, NULL);
	if (ctx != NULL)
		shim_free(ctx, sizeof(*ctx));
}
