/* Reference model of what a user client must refuse. The generic part
 * follows the shim's documented check order (uc_client.h: connection open,
 * selector, entitlement, shapes and async flag) from the dispatch table
 * and the caller's bookkeeping; per-user-client tables (fuzz_oracle_edu.c)
 * add what only the method's contract says: value ranges, limits, which
 * scalars are handles. A call that must be refused must get exactly that
 * refusal and must not touch the device; anything else aborts. */
#ifndef FUZZ_ORACLE_H
#define FUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim/uc_client.h"

/* What the caller's bookkeeping knows about a scalar passed as a handle. */
enum fuzz_handle_state {
	FUZZ_HANDLE_LIVE,    /* issued to this connection, not released */
	FUZZ_HANDLE_STALE,   /* issued to this connection, released since */
	FUZZ_HANDLE_FOREIGN, /* issued to another connection */
	FUZZ_HANDLE_FORGED,  /* never issued */
};

struct fuzz_call_model {
	const struct shim_uc_desc *desc;
	uint32_t sel;
	const struct shim_uc_call *call; /* as sent */
	bool open;                       /* the connection is open */
	uint32_t uid;                    /* the calling task's credentials */
	const char *const *ents;
	size_t nents;
	uint32_t live_handles;           /* handles this connection holds */
	/* NULL: no handle was ever issued, every value is forged. */
	enum fuzz_handle_state (*handle)(void *ctx, uint64_t v);
	void *ctx;
};

/* ret SHIM_OK: the model has no objection (the call may still fail for a
 * reason it cannot see, such as a device timeout). */
struct fuzz_expect {
	shim_ret ret;
	const char *why;
};

/* Per user client: the limits and method contracts its header declares. */
struct fuzz_sel_oracle {
	const char *name; /* selector name in the dispatch table */
	struct fuzz_expect (*expect)(const struct fuzz_call_model *m);
};

struct fuzz_uc_oracle {
	const struct shim_uc_desc *desc;
	uint32_t max_connections; /* per service, 0 if unknown */
	const struct fuzz_sel_oracle *sels;
	size_t nsels;
};

extern const struct fuzz_uc_oracle fuzz_edu_oracle;

enum fuzz_handle_state fuzz_oracle_handle(const struct fuzz_call_model *m, uint64_t v);
const char *fuzz_handle_state_name(enum fuzz_handle_state st);

/* The refusal an open must get (open_conns: this service's open connections). */
struct fuzz_expect fuzz_expect_open(const struct shim_uc_desc *d, uint32_t uid,
				    const char *const *ents, size_t nents, uint32_t open_conns);
/* The refusal a call must get: the shim's checks, then the method's. */
struct fuzz_expect fuzz_expect_call(const struct fuzz_call_model *m);
/* Aborts (naming target, op, selector, expected and actual) when got is
 * not the expected refusal, when a refused call touched the device
 * (device_accesses during it), or when a call the shim must pass got a
 * shim-only refusal. */
void fuzz_oracle_check(const char *target, const char *op, const struct fuzz_call_model *m,
		       struct fuzz_expect e, shim_ret got, uint64_t device_accesses);

#endif
