/* A user client's contract, for the fuzzers' reference model: what each
 * method must refuse, written from the driver's public header (limits,
 * value ranges, which scalars are handles, who may call it), never from
 * its code or its dispatch table. A driver's
 * test module exports these (bench_test_module.uc_oracles); the fuzzer binds
 * one to each published dispatch table whose selector count and names it
 * matches. The shim's own checks (connection open, selector, entitlement,
 * shapes, async flag) are the bench's generic model and run first; a method
 * oracle is only asked about a call that passed them. Guide: fuzz/README.md. */
#ifndef BENCH_UC_ORACLE_H
#define BENCH_UC_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim/uc_client.h"

/* What the caller's bookkeeping knows about a scalar passed as a handle. */
enum bench_uc_handle_state {
	BENCH_UC_HANDLE_LIVE,    /* issued to this connection, not released */
	BENCH_UC_HANDLE_STALE,   /* issued to this connection, released since */
	BENCH_UC_HANDLE_FOREIGN, /* issued to another connection */
	BENCH_UC_HANDLE_FORGED,  /* never issued */
};

/* One call as the client made it, with what the client knows. */
struct bench_uc_call_model {
	const struct shim_uc_desc *desc;
	uint32_t sel;
	const struct shim_uc_call *call; /* as sent */
	bool open;                       /* the connection is open */
	uint32_t uid;                    /* the calling task's credentials */
	const char *const *ents;
	size_t nents;
	uint32_t live_handles;           /* handles this connection holds */
	/* NULL: no handle was ever issued, every value is forged. */
	enum bench_uc_handle_state (*handle)(void *ctx, uint64_t v);
	void *ctx;
	enum shim_uc_abi abi;            /* the calling task's: which structure sizes apply */
};

/* ret SHIM_OK: no objection (the call may still fail for a reason the model
 * cannot see, such as a device timeout); else the exact refusal, and why. */
struct bench_uc_expect {
	shim_ret ret;
	const char *why;
};

#define BENCH_UC_PASS ((struct bench_uc_expect){ SHIM_OK, NULL })
#define BENCH_UC_REFUSE(r, reason) ((struct bench_uc_expect){ (r), (reason) })

/* One method's contract: who may call it, then the refusals in the order
 * the method checks them. */
struct bench_uc_method_oracle {
	const char *name; /* the selector's name in the dispatch table */
	/* NULL: no value contract (only the access rule below applies). */
	struct bench_uc_expect (*expect)(const struct bench_uc_call_model *m);
	/* With the oracle's access_rules: the entitlement a caller needs (NULL:
	 * anyone) and whether uid 0 passes without it. */
	const char *entitlement;
	bool root_passes;
};

struct bench_uc_oracle {
	const char *name;         /* for messages, e.g. the driver's name */
	uint32_t method_count;    /* selectors the table has; 0: not checked */
	uint32_t max_connections; /* open connections per service; 0: unknown */
	const struct bench_uc_method_oracle *methods;
	size_t nmethods;
	/* True: who may open and call what is stated here (open_entitlement,
	 * each method's entitlement and root_passes; a method not listed is
	 * open to anyone), from the public header, and the dispatch table's
	 * own declarations are not trusted: a method whose table entry and own
	 * check both lost their entitlement must still refuse. False: the
	 * fuzzers take the rules from the table (and say so). */
	bool access_rules;
	const char *open_entitlement; /* NULL: anyone may open (root always may) */
};

/* What the caller knows about v as a handle of m's connection. */
static inline enum bench_uc_handle_state bench_uc_handle(const struct bench_uc_call_model *m,
							 uint64_t v)
{
	return m->handle != NULL ? m->handle(m->ctx, v) : BENCH_UC_HANDLE_FORGED;
}

static inline const char *bench_uc_handle_state_name(enum bench_uc_handle_state st)
{
	switch (st) {
	case BENCH_UC_HANDLE_LIVE: return "live handle";
	case BENCH_UC_HANDLE_STALE: return "stale handle (released, or its connection closed)";
	case BENCH_UC_HANDLE_FOREIGN: return "foreign handle (issued to another connection)";
	default: return "forged handle (never issued)";
	}
}

#endif
