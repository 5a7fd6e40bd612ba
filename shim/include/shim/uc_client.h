/* The user client, platform side: simulated client tasks (uid +
 * entitlements) that open connections to services, call selectors, close
 * or die; plus the counters cycling tests and fuzzers watch. Drivers never
 * include this header (they use shim/userclient.h). */
#ifndef SHIM_UC_CLIENT_H
#define SHIM_UC_CLIENT_H

#include "shim/userclient.h"

typedef struct shim_uc_conn shim_uc_conn;

/* Completion delivered on the work loop (never after close). */
typedef void (*shim_uc_async_fn)(void *refcon, shim_ret status, const uint64_t *vals,
				 uint32_t count);

/* Copies the entitlement strings. uid 0 is root. */
shim_ret shim_task_create(uint32_t uid, const char *const *entitlements, size_t count,
			  shim_task **out);
/* Declares the task a 32-bit (SHIM_UC_ABI_ILP32) or 64-bit process; a
 * process's ABI is fixed before it opens anything, so SHIM_ERR_BUSY once
 * the task has a connection or mapped memory, SHIM_ERR_BAD_ARGUMENT for an
 * unknown ABI. */
shim_ret shim_task_set_abi(shim_task *task, enum shim_uc_abi abi);
/* Client memory: the task's buffer buf of len bytes, at an address of the
 * task's own, returned in *addr: what the client passes to a driver (in a
 * scalar or a structure) for shim_uc_client_memdesc. A 32-bit task's
 * addresses are below 4 GiB, a 64-bit task's above it (so a driver keeping
 * an address in 32 bits fails for 64-bit clients). buf must stay valid
 * until unmapped or the task ends. SHIM_ERR_NO_RESOURCES when the task's
 * address space (or SHIM_UC_MAX_MAPS) is full. */
#define SHIM_UC_MAX_MAPS 64u
shim_ret shim_task_map(shim_task *task, void *buf, size_t len, uint64_t *addr);
/* SHIM_ERR_NOT_FOUND unless addr is what shim_task_map returned. A driver's
 * descriptor over it stays valid, but reaches the client no more. */
shim_ret shim_task_unmap(shim_task *task, uint64_t addr);
/* Orderly exit: closes the task's open connections, frees them and the task. */
void shim_task_destroy(shim_task *task);
/* Client death: its open connections die (close hooks see client_died),
 * then everything is freed, as when a process vanishes. */
void shim_task_die(shim_task *task);

/* The user client a service publishes, NULL if none. */
const struct shim_uc_desc *shim_service_userclient(shim_service *svc);

/* SHIM_ERR_UNSUPPORTED when svc publishes no user client, SHIM_ERR_NOT_PERMITTED
 * when may_open refuses. The connection belongs to the task. */
shim_ret shim_uc_open(shim_task *task, shim_service *svc, shim_uc_conn **out);

/* One external-method call. Outputs: *_count / *_size are the capacity on
 * entry and what was written on return (0 on failure). Scalars travel as
 * 64-bit slots for both ABIs (as the kernel's interface carries them); an
 * ILP32 task's are narrowed as enum shim_uc_abi says. */
struct shim_uc_call {
	const uint64_t *scalar_in;
	uint32_t scalar_in_count;
	const void *struct_in;
	size_t struct_in_size;
	uint64_t *scalar_out;
	uint32_t scalar_out_count;
	void *struct_out;
	size_t struct_out_size;
	shim_uc_async_fn async_fn;  /* NULL: a synchronous call */
	void *async_refcon;
};

/* Checks, in order: connection open (SHIM_ERR_NOT_READY), selector
 * (SHIM_ERR_BAD_SELECTOR), entitlement (SHIM_ERR_NOT_PERMITTED), shapes and
 * the async flag (SHIM_ERR_BAD_SHAPE), NULL buffers with a size
 * (SHIM_ERR_BAD_ARGUMENT); then the method's own result. */
shim_ret shim_uc_call(shim_uc_conn *conn, uint32_t selector, struct shim_uc_call *call);

/* Orderly close; the connection object stays valid (calls: SHIM_ERR_NOT_READY)
 * until its task goes away. Closing twice gives SHIM_ERR_NOT_READY. */
shim_ret shim_uc_close(shim_uc_conn *conn);
bool shim_uc_conn_is_open(const shim_uc_conn *conn);

struct shim_uc_counters {
	long tasks;
	long connections;       /* connection objects (open or closed) */
	long open_connections;
	long handles;           /* live handles over all connections */
	long asyncs;            /* live completion references */
	long pending;           /* completions queued, not delivered */
	long delivered;         /* completions delivered so far (monotonic) */
	long calls;             /* calls that reached a method (monotonic) */
};
void shim_uc_counters_snapshot(struct shim_uc_counters *c);

#endif
