/* Connections: open (privilege check in set-up), close and death (release
 * everything once), and the accessors a driver's methods use. */
#include "shim/alloc.h"
#include "uc_internal.h"

struct shim_uc_counters shim_uc_stats_;

static shim_class uc_default_class = SHIM_CLASS_INIT("shim_uc");
static shim_uc *open_list;
static uint32_t next_id = 1;

static void uc_free(shim_object *obj)
{
	shim_free(obj, sizeof(shim_uc));
}

static void unlink_open(shim_uc *uc)
{
	for (shim_uc **p = &open_list; *p != NULL; p = &(*p)->next_open) {
		if (*p == uc) {
			*p = uc->next_open;
			uc->next_open = NULL;
			return;
		}
	}
}

shim_ret shim_uc_open(shim_task *task, shim_service *svc, shim_uc_conn **out)
{
	const struct shim_uc_desc *desc;
	void *ctx;
	shim_uc_conn *conn;
	shim_uc *uc;
	shim_ret r;

	if (task == NULL || svc == NULL || out == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!shim_uc_registry_find_(svc, &desc, &ctx))
		return SHIM_ERR_UNSUPPORTED;
	if (desc->open_entitlement != NULL && task->uid != 0 &&
	    !shim_task_has_entitlement(task, desc->open_entitlement))
		return SHIM_ERR_NOT_PERMITTED;
	if (desc->may_open != NULL && (r = desc->may_open(svc, task)) != SHIM_OK)
		return r;
	conn = shim_zalloc(sizeof(*conn));
	uc = shim_zalloc(sizeof(*uc));
	if (conn == NULL || uc == NULL) {
		if (conn != NULL)
			shim_free(conn, sizeof(*conn));
		if (uc != NULL)
			shim_free(uc, sizeof(*uc));
		return SHIM_ERR_NO_MEMORY;
	}
	shim_object_init(&uc->obj, desc->cls != NULL ? desc->cls : &uc_default_class, uc_free);
	uc->desc = desc;
	uc->svc = svc;
	uc->svc_ctx = ctx;
	uc->task = task;
	uc->conn = conn;
	uc->id = next_id++;
	uc->abi = task->abi;
	if (next_id == 0)
		next_id = 1;
	uc->open = true;
	uc->next_open = open_list;
	open_list = uc;
	if (desc->open != NULL && (r = desc->open(uc)) != SHIM_OK) {
		/* A refused open gets no close hook, but loses what it allocated. */
		uc->open = false;
		unlink_open(uc);
		shim_uc_async_detach_all_(uc);
		shim_uc_handles_release_all_(uc);
		shim_object_release(&uc->obj);
		shim_free(conn, sizeof(*conn));
		return r;
	}
	conn->task = task;
	conn->uc = uc;
	conn->next = task->conns;
	task->conns = conn;
	shim_uc_stats_.connections++;
	shim_uc_stats_.open_connections++;
	*out = conn;
	return SHIM_OK;
}

void shim_uc_close_internal_(shim_uc *uc, bool died)
{
	if (uc == NULL || !uc->open)
		return;
	uc->open = false;
	unlink_open(uc);
	/* Nothing may be delivered from here on, even from the close hook. */
	shim_uc_async_detach_all_(uc);
	if (uc->desc->close != NULL)
		uc->desc->close(uc, died);
	shim_uc_handles_release_all_(uc);
	if (uc->conn != NULL)
		uc->conn->uc = NULL;
	uc->conn = NULL;
	shim_uc_stats_.open_connections--;
	shim_object_release(&uc->obj);
}

void shim_uc_close_all_for_service_(shim_service *svc)
{
	bool again = true;

	/* Restart after each close: a close hook may change the list. */
	while (again) {
		again = false;
		for (shim_uc *uc = open_list; uc != NULL; uc = uc->next_open) {
			if (uc->svc == svc) {
				shim_uc_close_internal_(uc, false);
				again = true;
				break;
			}
		}
	}
}

shim_ret shim_uc_close(shim_uc_conn *conn)
{
	if (conn == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (conn->uc == NULL)
		return SHIM_ERR_NOT_READY;
	if (conn->uc->delivering)
		return SHIM_ERR_BUSY; /* from inside its own completion callback */
	shim_uc_close_internal_(conn->uc, false);
	return SHIM_OK;
}

bool shim_uc_conn_is_open(const shim_uc_conn *conn)
{
	return conn != NULL && conn->uc != NULL && conn->uc->open;
}

void shim_uc_counters_snapshot(struct shim_uc_counters *c)
{
	if (c != NULL)
		*c = shim_uc_stats_;
}

shim_service *shim_uc_service(shim_uc *uc)
{
	return uc != NULL ? uc->svc : NULL;
}

void *shim_uc_service_context(shim_uc *uc)
{
	return uc != NULL ? uc->svc_ctx : NULL;
}

const shim_task *shim_uc_task(const shim_uc *uc)
{
	return uc != NULL ? uc->task : NULL;
}

void shim_uc_set_private(shim_uc *uc, void *priv)
{
	if (uc != NULL)
		uc->priv = priv;
}

void *shim_uc_private(const shim_uc *uc)
{
	return uc != NULL ? uc->priv : NULL;
}

bool shim_uc_is_open(const shim_uc *uc)
{
	return uc != NULL && uc->open;
}
