/* The user client, driver side: the trust boundary between a client task
 * and a service. A driver publishes a dispatch table; the shim checks the
 * connection state, selector, entitlement and every declared shape before
 * a method runs, and hands the method exact-size shim-owned copies (never
 * the caller's pointers). Large structure input arrives as a memory
 * descriptor that the method must prepare before reading and complete
 * after. Objects given to the client are handles (index + generation +
 * connection), validated on every use. Close and client death release
 * everything a connection holds; async completions are delivered on the
 * service's work loop and never after close. */
#ifndef SHIM_USERCLIENT_H
#define SHIM_USERCLIENT_H

#include "shim/driver.h"
#include "shim/memory.h"
#include "shim/object.h"
#include "shim/types.h"

#define SHIM_UC_VARIABLE UINT32_MAX       /* shape field: any count/size within the limits */
#define SHIM_UC_MAX_SCALARS 16u           /* 64-bit scalars per direction */
#define SHIM_UC_MAX_INLINE_STRUCT 4096u   /* larger structure input travels as a descriptor */
#define SHIM_UC_MAX_STRUCT_IN 65536u      /* largest structure input (descriptor) */
#define SHIM_UC_MAX_STRUCT_OUT 4096u      /* largest structure output */
#define SHIM_UC_MAX_HANDLES 64u           /* per connection */
#define SHIM_UC_POISON 0xa5               /* outputs are filled with it before the method */

typedef struct shim_task shim_task;         /* a client process: uid + entitlements */
typedef struct shim_uc shim_uc;             /* one user client = one connection */
typedef struct shim_uc_async shim_uc_async; /* a client's completion reference */
typedef uint64_t shim_uc_handle;            /* opaque to the client; 0 is never valid */

/* The ABI the client task was built for, as a kernel tells a 32-bit process
 * from a 64-bit one (docs/writing-a-driver.md, "32-bit clients"). For an
 * ILP32 task the shim models the kernel's legacy 32-bit path: each scalar
 * input is the low 32 bits of what the caller passed, zero-extended (never
 * sign-extended: -1 arrives as 0xffffffff); each scalar output is cut to
 * its low 32 bits on the way back (so are handles: the shim makes handles
 * that fit); structure sizes are checked against the method's 32-bit
 * declarations; client addresses are below 4 GiB. */
enum shim_uc_abi {
	SHIM_UC_ABI_LP64 = 0,  /* a 64-bit process: the default */
	SHIM_UC_ABI_ILP32 = 1, /* a 32-bit process on this 64-bit kernel */
};

/* What a method sees. Inputs are shim-owned exact-size copies. Outputs are
 * shim-owned buffers of `*_cap` entries/bytes, poison-filled; the method
 * sets `*_written` (initially 0) and only that much is copied back. */
struct shim_uc_args {
	const uint64_t *scalar_in;
	uint32_t scalar_in_count;
	const void *struct_in;          /* inline copy, NULL when absent or in struct_in_desc */
	uint32_t struct_in_size;        /* bytes, inline or descriptor */
	shim_memdesc *struct_in_desc;   /* input above SHIM_UC_MAX_INLINE_STRUCT: prepare first */
	uint64_t *scalar_out;
	uint32_t scalar_out_cap;
	uint32_t scalar_out_written;
	void *struct_out;
	uint32_t struct_out_cap;
	uint32_t struct_out_written;
	shim_uc_async *async;           /* the client's completion, NULL if none passed */
	enum shim_uc_abi abi;           /* the caller's: which layout struct_in/out hold */
};

typedef shim_ret (*shim_uc_method_fn)(shim_uc *uc, struct shim_uc_args *args);

/* One dispatch-table entry per selector; a NULL fn is a hole (bad selector). */
struct shim_uc_method {
	const char *name;
	shim_uc_method_fn fn;
	uint32_t scalar_in_count;   /* exact, or SHIM_UC_VARIABLE */
	uint32_t struct_in_size;
	uint32_t scalar_out_count;  /* the caller's capacity must match exactly */
	uint32_t struct_out_size;
	const char *entitlement;    /* required entitlement, NULL for none */
	bool root_passes;           /* uid 0 satisfies the entitlement too */
	bool async_allowed;         /* the caller may pass a completion */
	/* What an ILP32 caller passes and gets: the sizes of the structures as a
	 * 32-bit compiler lays them out (a long or a pointer is 4 bytes there,
	 * a uint64_t aligned to 4 on i386). 0: the same as struct_in_size /
	 * struct_out_size, right only for layouts of fixed-width fields. */
	uint32_t struct_in_size32;
	uint32_t struct_out_size32;
};

/* The structure sizes a caller of `abi` must pass to m (SHIM_UC_VARIABLE
 * when any size is accepted). */
static inline uint32_t shim_uc_method_struct_in_size(const struct shim_uc_method *m,
						     enum shim_uc_abi abi)
{
	return abi == SHIM_UC_ABI_ILP32 && m->struct_in_size32 != 0 ? m->struct_in_size32
								     : m->struct_in_size;
}

static inline uint32_t shim_uc_method_struct_out_size(const struct shim_uc_method *m,
						      enum shim_uc_abi abi)
{
	return abi == SHIM_UC_ABI_ILP32 && m->struct_out_size32 != 0 ? m->struct_out_size32
								      : m->struct_out_size;
}

struct shim_uc_desc {
	shim_class *cls;            /* class of the user-client objects (NULL: shim's own) */
	const struct shim_uc_method *methods;
	uint32_t method_count;
	/* Checked by the shim before may_open: NULL lets anyone connect, else
	 * the task needs uid 0 or this entitlement (SHIM_ERR_NOT_PERMITTED). */
	const char *open_entitlement;
	/* Connection set-up privilege check (initWithTask's role). NULL: anyone. */
	shim_ret (*may_open)(shim_service *svc, const shim_task *task);
	/* Per-connection set-up after may_open; failure refuses the open. */
	shim_ret (*open)(shim_uc *uc);
	/* Runs exactly once, on close, client death or unpublish: release what
	 * open and the methods acquired. Handles still in the table are released
	 * (their release callbacks run) after it. */
	void (*close)(shim_uc *uc, bool client_died);
};

/* Publish (desc non-NULL) or withdraw (NULL) the service's user client.
 * Withdrawing force-closes every open connection (close hooks run) and is
 * what a driver's stop does. ctx is the service-wide context the methods
 * reach with shim_uc_service_context. */
shim_ret shim_service_set_userclient(shim_service *svc, const struct shim_uc_desc *desc, void *ctx);
void *shim_service_userclient_context(shim_service *svc);

/* Credentials, for may_open and methods. */
uint32_t shim_task_uid(const shim_task *task);
/* LP64 for a missing task. may_open may refuse 32-bit clients with it. */
enum shim_uc_abi shim_task_abi(const shim_task *task);
bool shim_task_has_entitlement(const shim_task *task, const char *name);

shim_service *shim_uc_service(shim_uc *uc);
void *shim_uc_service_context(shim_uc *uc);
const shim_task *shim_uc_task(const shim_uc *uc);
void shim_uc_set_private(shim_uc *uc, void *priv);
void *shim_uc_private(const shim_uc *uc);
bool shim_uc_is_open(const shim_uc *uc);

/* Reads structure input, inline or from the descriptor (which must be
 * prepared: else a verifier record and SHIM_ERR_NOT_READY). Range-checked. */
shim_ret shim_uc_struct_in_read_(struct shim_uc_args *args, uint32_t off, void *dst, uint32_t len,
				 const char *file, int line);
#define shim_uc_struct_in_read(a, o, d, l) shim_uc_struct_in_read_((a), (o), (d), (l), __FILE__, __LINE__)

/* A descriptor over the caller's memory [addr, addr + len) (the role of a
 * memory descriptor made from an address range in the client task): the
 * range must lie in one buffer the task mapped (SHIM_ERR_BAD_ARGUMENT
 * otherwise: for a 32-bit client, every address at or above 4 GiB). The
 * client's bytes are copied in at the first prepare; with device_writes,
 * the bytes go back to the client at the last complete, while it lives.
 * Release it like any descriptor; it may outlive the client. */
shim_ret shim_uc_client_memdesc(shim_uc *uc, uint64_t addr, uint64_t len, bool device_writes,
				shim_memdesc **out);

/* Handles. `type` tags the kind of object so one kind cannot pass for
 * another; release (may be NULL) runs if the connection ends with the
 * handle still allocated. Stale, forged, foreign or mistyped handles give
 * SHIM_ERR_BAD_HANDLE. */
typedef void (*shim_uc_handle_release_fn)(shim_uc *uc, void *obj);
shim_ret shim_uc_handle_alloc(shim_uc *uc, uint32_t type, void *obj,
			      shim_uc_handle_release_fn release, shim_uc_handle *out);
shim_ret shim_uc_handle_lookup(shim_uc *uc, shim_uc_handle h, uint32_t type, void **obj);
/* Removes the entry (its release callback is not run) and returns the object. */
shim_ret shim_uc_handle_free(shim_uc *uc, shim_uc_handle h, uint32_t type, void **obj);

/* Async completions. args->async lives for the call; retain it to
 * complete later and release it when done (a counted object). complete
 * queues delivery on the work loop; after close it delivers nothing and
 * returns SHIM_ERR_ABORTED. */
shim_uc_async *shim_uc_async_retain(shim_uc_async *a);
void shim_uc_async_release(shim_uc_async *a);
shim_ret shim_uc_async_complete(shim_uc_async *a, shim_ret status, const uint64_t *vals,
				uint32_t count);

#endif
