/* Generic I/O for the generic scenarios: a client task with a connection to
 * the driver's user client, and the minimal call of each selector its
 * dispatch table allows (declared shapes, zero-filled; a variable shape is
 * zero-length). What a minimal call asks may be refused by the method
 * itself; that is the driver's business. A refusal by the shim's own
 * checks is a bench bug and is reported. Actions can be fired while a call
 * is in flight: armed on the work loop, they run when the method waits. */
#ifndef BENCH_IO_H
#define BENCH_IO_H

#include "bench/scenario.h"
#include "internal.h"
#include "shim/uc_client.h"

struct bench_io {
	struct bench_machine *fx;
	const struct shim_uc_desc *desc;
	shim_task *task;             /* NULL once gone (destroyed or died) */
	shim_uc_conn *conn;
	enum shim_uc_abi abi;        /* the task's: which structure sizes its calls pass */
	unsigned long issued;        /* async calls accepted */
	unsigned long completions;   /* completions delivered */
	unsigned long late;          /* completions delivered after close or death */
	bool ended;                  /* closed or died: nothing more may arrive */
};

/* SHIM_ERR_UNSUPPORTED (why: the driver publishes no user client) when
 * there is nothing to talk to. A root task holding every entitlement the
 * table names, so none is missing; of the machine's client ABI
 * (bench_options.client_abi), or of `abi`. */
BENCH_INTERNAL shim_ret bench_io_open(struct bench_machine *fx, struct bench_io *io, char *why,
				      size_t len);
BENCH_INTERNAL shim_ret bench_io_open_abi(struct bench_machine *fx, struct bench_io *io,
					  enum shim_uc_abi abi, char *why, size_t len);
/* Orderly close and exit; or the client's death. Idempotent. */
BENCH_INTERNAL void bench_io_close(struct bench_io *io);
BENCH_INTERNAL void bench_io_die(struct bench_io *io);
/* The minimal call of selector sel; async only when the method allows one.
 * Returns SHIM_OK, or SHIM_ERR_BAD_SHAPE when the shim refused a shape the
 * table declares (why says so); *method_ret gets the call's own result. */
BENCH_INTERNAL shim_ret bench_io_call(struct bench_io *io, uint32_t sel, bool async,
				      shim_ret *method_ret, char *why, size_t len);
/* Every selector once (async where allowed). *accepted counts calls the
 * method took (SHIM_OK). */
BENCH_INTERNAL shim_ret bench_io_each(struct bench_io *io, bool async, unsigned *accepted,
				      char *why, size_t len);

/* An action fired from the work loop while a call waits on it. */
typedef shim_ret (*bench_io_action_fn)(struct bench_machine *fx, void *arg);
struct bench_io_flight {
	bench_io_action_fn action;
	void *arg;
	bool fired;           /* the action ran during a call */
	shim_ret action_ret;
	int selector;         /* the call it ran during, -1 if none */
	shim_ret call_ret;    /* that call's result */
	struct bench_machine *machine; /* set by bench_io_in_flight */
};
/* Tries each selector's minimal synchronous call with the action armed to
 * fire soon on the loop, until it fires during one. SHIM_ERR_NOT_FOUND
 * (why) when no call waits on the loop: nothing can be in flight. */
BENCH_INTERNAL shim_ret bench_io_in_flight(struct bench_io *io, struct bench_io_flight *f,
					   char *why, size_t len);

#endif
