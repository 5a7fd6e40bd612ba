/* Shared by the user-client files (shim/src/uc_*.c) only. */
#ifndef SHIM_UC_INTERNAL_H
#define SHIM_UC_INTERNAL_H

#include "internal_mark.h"
#include "shim/uc_client.h"
#include "shim/userclient.h"
#include "shim/workloop.h"

/* A client buffer mapped into its task (shim_task_map). Counted: the task
 * holds one reference until unmap or its end, each descriptor over it one. */
struct shim_client_map {
	uint64_t addr, len;        /* in the task's address space */
	void *buf;                 /* NULL once unmapped or the task is gone */
	int refs;
	struct shim_client_map *next; /* in task->maps */
};

struct shim_task {
	uint32_t uid;
	enum shim_uc_abi abi;
	struct shim_client_map *maps;
	uint64_t next_addr;        /* where the next mapping goes; 0: none yet */
	char **entitlements;
	size_t entitlement_count;
	shim_uc_conn *conns;
};

struct shim_uc_conn {
	shim_task *task;
	shim_uc *uc;          /* NULL once closed */
	shim_uc_conn *next;   /* in task->conns */
};

struct uc_handle_slot {
	void *obj;
	shim_uc_handle_release_fn release;
	uint32_t type;
	uint32_t gen;         /* 1..UC_GEN_MAX; bumped on free */
	bool used;
	bool retired;         /* generation exhausted: never reused */
};

struct uc_pending {
	shim_uc_async_fn fn;
	void *refcon;
	shim_ret status;
	uint32_t count;
	uint64_t vals[SHIM_UC_MAX_SCALARS];
	struct uc_pending *next;
};

struct shim_uc {
	shim_object obj;
	const struct shim_uc_desc *desc;
	shim_service *svc;
	void *svc_ctx;
	shim_task *task;
	shim_uc_conn *conn;
	void *priv;
	uint32_t id;          /* salts handles so another connection's are foreign */
	enum shim_uc_abi abi; /* the task's, fixed at open: handles fit it */
	bool open;
	bool delivering;
	struct uc_handle_slot handles[SHIM_UC_MAX_HANDLES];
	shim_uc_async *asyncs;          /* live completion references bound here */
	struct uc_pending *pending_head, *pending_tail;
	shim_timer *timer;              /* delivers pending completions on the loop */
	shim_uc *next_open;             /* global list of open user clients */
};

struct shim_uc_async {
	shim_object obj;
	shim_uc *uc;          /* NULL once the connection closed */
	shim_uc_async_fn fn;
	void *refcon;
	shim_uc_async *prev, *next;
};

/* Unmaps everything the task mapped (its end). */
SHIM_INTERNAL void shim_task_unmap_all_(shim_task *task);

/* Counters reported by shim_uc_counters_snapshot. */
extern SHIM_INTERNAL struct shim_uc_counters shim_uc_stats_;

/* Per-selector coverage (uc_selectors.c): a table is published under its
 * client's name; the dispatcher bumps the tally of each call's selector
 * (reached already counted; NULL while counting is off or the table is
 * not known). */
struct shim_uc_sel_tally {
	unsigned long reached, refused, ran, failed;
};
SHIM_INTERNAL void shim_uc_selectors_publish_(shim_service *svc, const struct shim_uc_desc *desc);
SHIM_INTERNAL struct shim_uc_sel_tally *shim_uc_selectors_tally_(const struct shim_uc_desc *desc,
								 uint32_t selector);

/* The registry: which service publishes which user client. */
SHIM_INTERNAL bool shim_uc_registry_find_(shim_service *svc, const struct shim_uc_desc **desc,
					  void **ctx);

/* Connection teardown shared by close, death and unpublish. */
SHIM_INTERNAL void shim_uc_close_internal_(shim_uc *uc, bool died);
SHIM_INTERNAL void shim_uc_close_all_for_service_(shim_service *svc);

SHIM_INTERNAL void shim_uc_handles_release_all_(shim_uc *uc);
SHIM_INTERNAL long shim_uc_handles_live_(const shim_uc *uc);

/* A call's marshalled buffers (uc_buffers.c): a frame for the call, then
 * each buffer taken from it and given back with the same kind and size. */
enum uc_buf_kind { UC_BUF_SCALAR_IN, UC_BUF_STRUCT_IN, UC_BUF_SCALAR_OUT, UC_BUF_STRUCT_OUT,
		   UC_BUF_KINDS };
#define UC_BUF_NO_FRAME (~0u)
SHIM_INTERNAL unsigned shim_uc_buf_frame_(void);
SHIM_INTERNAL void *shim_uc_buf_take_(unsigned frame, enum uc_buf_kind kind, size_t size);
SHIM_INTERNAL void shim_uc_buf_give_(unsigned frame, enum uc_buf_kind kind, void *p, size_t size);

SHIM_INTERNAL shim_ret shim_uc_async_create_(shim_uc *uc, shim_uc_async_fn fn, void *refcon,
					     shim_uc_async **out);
/* Cancels delivery: pending completions freed, references detached. */
SHIM_INTERNAL void shim_uc_async_detach_all_(shim_uc *uc);

#endif
