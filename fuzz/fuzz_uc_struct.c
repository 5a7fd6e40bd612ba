/* Structure-aware user-client fuzzing, for any kext. The input is a
 * program of ops over every user client the machine publishes: create
 * tasks with credentials (root or not), open connections, call selectors
 * with shapes derived from the dispatch tables (mostly conforming,
 * sometimes bent), feed back handles (live, stale, foreign, forged), close,
 * die, run the work loop; and change the machine under the driver: sleep
 * (acked late, too) and wake, surprise removal and re-plug, device reset,
 * a shim call of the kext made to fail. Every open, call and close is
 * checked against the reference model (fuzz_oracle.h) fed by this file's
 * bookkeeping: task credentials, closed connections, and every handle
 * issued (which connection, released or not); every output is scanned at
 * the trust boundary (fuzz_scan.h); a conforming call to a ready device
 * may not time out. At the end every task goes away and the harness checks
 * the machine (fuzz_end_input). Encoding: see fuzz/README.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_handle_book.h"
#include "fuzz_oracle.h"
#include "fuzz_scan.h"
#include "fuzz_targets.h"

#define MAX_TASKS 4
#define MAX_POOL 32
#define MAX_OPS 64
#define POISON64 0xa5a5a5a5a5a5a5a5ull
#define PROBES 8

enum op {
	OP_TASK, OP_OPEN, OP_CALL, OP_CLOSE, OP_DIE, OP_DESTROY, OP_RUN, OP_HANDLE,
	OP_SLEEP, OP_WAKE, OP_REMOVE, OP_REPLUG, OP_RESET, OP_FAIL, OP_CALL2, OP_HANDLE2,
	OP_COUNT
};

struct in {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t u8(struct in *in)
{
	return in->i < in->n ? in->p[in->i++] : 0;
}

static uint64_t le(struct in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned b = 0; b < bytes; b++)
		v |= (uint64_t)u8(in) << (8 * b);
	return v;
}

/* Every connection opened by this input, never forgotten, so a completion
 * can be checked against the state of the connection it names. */
struct conn {
	shim_uc_conn *c;   /* NULL once its task is gone */
	size_t svc;
	int task;
	bool closed;
};

/* What the client knows of a task's credentials. */
struct cred {
	uint32_t uid;
	const char *ents[FUZZ_MAX_ENTS];
	size_t nents;
};

static struct {
	struct fuzz_world *w;
	shim_task *task[MAX_TASKS];
	struct cred cred[MAX_TASKS];
	struct conn conn[MAX_OPS];
	size_t nconn;
	uint64_t pool[MAX_POOL]; /* every scalar a client ever got back */
	size_t npool;
	uint8_t buf_in[SHIM_UC_MAX_STRUCT_IN + 2];
	uint8_t buf_out[SHIM_UC_MAX_STRUCT_OUT + 2];
	unsigned generation; /* the world's, when the connections were last in step */
	bool trace; /* FUZZ_UC_TRACE=1: print every call (reading a crash) */
} s;

static const uint64_t interesting[] = {
	0, 1, 2, 7, 12, 13, 255, 256, 4094, 4095, 4096, 4097, 0x7fffffff, 0x80000000,
	0xffffffff, 0x100000000ull, 0xfffffffffffff000ull, UINT64_MAX, 1ull << 63,
};

static void pool_add(uint64_t v)
{
	s.pool[s.npool++ % MAX_POOL] = v;
}

static bool on(unsigned oracle)
{
	return (s.w->oracles & oracle) != 0;
}

static const char *sel_name(const struct shim_uc_desc *d, uint32_t sel)
{
	return sel < d->method_count && d->methods[sel].name != NULL ? d->methods[sel].name : "-";
}

/* What reaches the client must not carry uninitialised bytes or addresses. */
static void scan_outputs(const char *what, const struct shim_uc_desc *d, uint32_t sel,
			 const uint64_t *sc, uint32_t nsc, const void *st, size_t nst)
{
	uint64_t mine[SHIM_UC_MAX_SCALARS + 2];
	struct fuzz_scan_hit h;

	/* A handle the client was given may look like anything, an address
	 * included: it is the shim's to make. */
	nsc = nsc < SHIM_UC_MAX_SCALARS + 2 ? nsc : SHIM_UC_MAX_SCALARS + 2;
	for (uint32_t i = 0; i < nsc; i++)
		mine[i] = fuzz_book_state(NULL, sc[i]) == BENCH_UC_HANDLE_FORGED ? sc[i] : 0;
	sc = mine;
	if (fuzz_scan_scalars(sc, nsc, &h))
		fuzz_die("struct", "[%s] selector %u (%s): %s scalar %zu = 0x%llx (%s)",
			 fuzz_scan_kind_name(h.kind), sel, sel_name(d, sel), what, h.offset,
			 (unsigned long long)h.value, h.where);
	if (st != NULL && fuzz_scan_bytes(st, nst, &h))
		fuzz_die("struct", "[%s] selector %u (%s): %s structure output offset %zu = 0x%llx "
			 "(%s)", fuzz_scan_kind_name(h.kind), sel, sel_name(d, sel), what, h.offset,
			 (unsigned long long)h.value, h.where);
}

static void completion(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	size_t idx = (size_t)(uintptr_t)refcon;
	struct conn *c = idx < s.nconn ? &s.conn[idx] : NULL;

	(void)status;
	if (c == NULL || c->closed || c->c == NULL || !shim_uc_conn_is_open(c->c))
		fuzz_die("struct", "completion delivered to a closed connection");
	if (on(FUZZ_OR_SCAN))
		scan_outputs("completion", s.w->desc[c->svc], UINT32_MAX, vals, count, NULL, 0);
	for (uint32_t i = 0; i < count; i++)
		pool_add(vals[i]);
}

/* Values clients send: lengths often relate to the buffers of the same
 * call, so kinds 6 and 7 are a buffer size plus a small signed delta. */
static uint64_t scalar(struct in *in, const struct shim_uc_call *call)
{
	uint8_t kind = u8(in);

	switch (kind % 8) {
	case 6: return call->struct_in_size + (uint64_t)(int64_t)(int8_t)u8(in);
	case 7: return call->struct_out_size + (uint64_t)(int64_t)(int8_t)u8(in);
	case 0: return u8(in);
	case 1: return le(in, 4);
	case 2: return le(in, 8);
	case 3: return s.pool[u8(in) % MAX_POOL];
	case 4: return interesting[u8(in) % (sizeof(interesting) / sizeof(interesting[0]))];
	default: return interesting[u8(in) % 10] - 1;
	}
}

/* A shape field: the declaration, or (when bent) something near it; a
 * variable field is small, anywhere up to the limit, at the limit, or over. */
static uint32_t shape(struct in *in, uint32_t declared, uint32_t limit, bool bend)
{
	uint32_t v;

	if (declared != SHIM_UC_VARIABLE) {
		if (!bend)
			return declared;
		v = u8(in);
		return (v & 1) ? declared + 1 : (uint32_t)(declared - 1 + (v >> 1) % 3);
	}
	switch (u8(in) % 4) {
	case 0: return u8(in);
	case 1: return (uint32_t)le(in, 2) % (limit + 2);
	case 2: return limit - u8(in) % 4;
	default: return limit + 1;
	}
}

static void call_once(struct conn *c, uint32_t sel, const struct shim_uc_method *m,
		      const struct shim_uc_call *req, bool handle_op, bool probe);

/* A live handle just worked as scalar 0: the same call with every stale or
 * foreign handle of the book must be refused (at most PROBES of them). */
static void probe_handles(struct conn *c, uint32_t sel, const struct shim_uc_method *m,
			  const struct shim_uc_call *req)
{
	uint64_t sin[SHIM_UC_MAX_SCALARS + 2], sout[SHIM_UC_MAX_SCALARS + 2];
	struct shim_uc_call p = *req;
	size_t ci = (size_t)(c - s.conn), n = fuzz_book_count(), done = 0;

	memcpy(sin, req->scalar_in, req->scalar_in_count * sizeof(uint64_t));
	p.scalar_in = sin;
	p.scalar_out = sout;
	p.async_fn = NULL;
	for (size_t k = 0; k < n && done < PROBES; k++) {
		if (!fuzz_book_pick((uint8_t)k, &sin[0]) ||
		    fuzz_book_state((void *)(uintptr_t)ci, sin[0]) == BENCH_UC_HANDLE_LIVE)
			continue;
		call_once(c, sel, m, &p, true, true);
		done++;
	}
}

/* One call of an already built request, checked against the model. */
static void call_once(struct conn *c, uint32_t sel, const struct shim_uc_method *m,
		      const struct shim_uc_call *req, bool handle_op, bool probe)
{
	size_t ci = (size_t)(c - s.conn);
	const struct cred *cr = &s.cred[c->task];
	const struct shim_uc_desc *d = s.w->desc[c->svc];
	struct shim_uc_call call = *req;
	struct bench_uc_call_model model = {
		.desc = d, .sel = sel, .call = req, .open = !c->closed,
		.uid = cr->uid, .ents = cr->ents, .nents = cr->nents,
		.live_handles = fuzz_book_live(ci), .handle = fuzz_book_state,
		.ctx = (void *)(uintptr_t)ci, .abi = s.w->client_abi,
	};
	struct bench_uc_expect e = on(FUZZ_OR_MODEL) ? fuzz_expect_call(&model) : BENCH_UC_PASS;
	bool was_live = handle_op && req->scalar_in_count > 0 &&
			fuzz_book_state(model.ctx, req->scalar_in[0]) == BENCH_UC_HANDLE_LIVE;
	bool ready = on(FUZZ_OR_WEDGE) && fuzz_device_ready();
	unsigned failed = fuzz_machine_failed_calls();
	long handles = fuzz_book_shim_handles();
	uint64_t acc = fuzz_device_accesses();
	shim_ret r = shim_uc_call(c->c, sel, &call);

	acc = fuzz_device_accesses() - acc;
	failed = fuzz_machine_failed_calls() - failed;
	if (s.trace)
		fprintf(stderr, "%s conn %zu sel %u (%s) shape %u/%zu/%u/%zu%s -> %s (model: %s)%s\n",
			probe ? "probe" : "call", ci, sel, m->name != NULL ? m->name : "-",
			req->scalar_in_count,
			req->struct_in_size, req->scalar_out_count, req->struct_out_size,
			req->async_fn != NULL ? " async" : "", shim_ret_string(r),
			e.ret != SHIM_OK ? shim_ret_string(e.ret) : "may pass",
			failed != 0 ? " [a shim call failed by the input]" : "");
	/* A call the input made fail may fail with whatever it got. */
	if (on(FUZZ_OR_MODEL) && failed == 0)
		fuzz_oracle_check("struct", handle_op ? "handle" : "call", &model, e, r,
				  on(FUZZ_OR_DEVICE) ? acc : 0);
	if (ready && failed == 0 && e.ret == SHIM_OK &&
	    (r == SHIM_ERR_TIMEOUT || r == SHIM_ERR_DEVICE_ERROR))
		fuzz_die("struct", "[wedged device] selector %u (%s): a conforming call to a "
			 "present, awake device got %s (the sim never times out: the device or "
			 "driver is stuck)", sel, sel_name(d, sel), shim_ret_string(r));
	fuzz_book_follow("struct", ci, req, &call, r, handles, on(FUZZ_OR_HANDLES));
	if (r != SHIM_OK)
		return;
	if (on(FUZZ_OR_SCAN))
		scan_outputs("output", d, sel, call.scalar_out, call.scalar_out_count,
			     call.struct_out, call.struct_out_size);
	for (uint32_t i = 0; i < call.scalar_out_count; i++) {
		if (call.scalar_out[i] == POISON64)
			fuzz_die("struct", "selector %u returned an unwritten scalar", sel);
		pool_add(call.scalar_out[i]);
	}
	if (was_live && !probe && on(FUZZ_OR_HANDLES))
		probe_handles(c, sel, m, req);
}

static void do_call(struct in *in, struct conn *c, uint32_t sel, bool handle_op)
{
	const struct shim_uc_desc *d = s.w->desc[c->svc];
	const struct shim_uc_method *m = sel < d->method_count ? &d->methods[sel] : NULL;
	const struct shim_uc_method none = { 0 };
	uint64_t sin[SHIM_UC_MAX_SCALARS + 2] = { 0 }, sout[SHIM_UC_MAX_SCALARS + 2];
	uint8_t mode = u8(in);
	struct shim_uc_call call = { 0 };
	bool bend = (mode & 3) == 3;
	/* Unbent calls use mode bits 2-4 to repeat (per-connection limits). */
	static const unsigned repeats[8] = { 1, 2, 3, 4, 6, 8, 12, 16 };
	unsigned reps = bend ? 1 : repeats[(mode >> 2) & 7];

	if (m == NULL)
		m = &none;
	call.scalar_in_count = shape(in, m->scalar_in_count, SHIM_UC_MAX_SCALARS, bend && (mode & 4));
	call.struct_in_size = shape(in, shim_uc_method_struct_in_size(m, s.w->client_abi),
				    SHIM_UC_MAX_STRUCT_IN, bend && (mode & 8));
	call.scalar_out_count = shape(in, m->scalar_out_count, SHIM_UC_MAX_SCALARS, bend && (mode & 16));
	call.struct_out_size = shape(in, shim_uc_method_struct_out_size(m, s.w->client_abi),
				     SHIM_UC_MAX_STRUCT_OUT, bend && (mode & 32));
	call.scalar_in_count %= SHIM_UC_MAX_SCALARS + 2;
	call.scalar_out_count %= SHIM_UC_MAX_SCALARS + 2;
	for (uint32_t i = 0; i < call.scalar_in_count; i++)
		sin[i] = scalar(in, &call);
	if (on(FUZZ_OR_SCAN)) /* an echo of the client's own data is never a finding */
		for (uint32_t i = 0; i < call.scalar_in_count; i++)
			sin[i] = fuzz_scan_clean_scalar(sin[i]);
	/* Forged bytes, or a pool value, or (pick >= 128) a handle from the book. */
	if (handle_op && call.scalar_in_count > 0) {
		uint8_t pick;
		bool from_book = false;

		if (mode & 64)
			sin[0] = le(in, 8);
		else if ((pick = u8(in)) < 128 || !(from_book = fuzz_book_pick(pick, &sin[0])))
			sin[0] = s.pool[pick % MAX_POOL];
		/* Forged or pooled, it is the client's data too (0x41414141 sent to
		 * edu's liveness came back as the heap fill 0xbebebebe); a live
		 * handle from the book is passed as it is. */
		if (on(FUZZ_OR_SCAN) && !from_book)
			sin[0] = fuzz_scan_clean_scalar(sin[0]);
	}
	/* A 32-bit process has only 32-bit scalars to pass: the oracles then
	 * predict from what the method will see. */
	for (uint32_t i = 0; s.w->client_abi == SHIM_UC_ABI_ILP32 && i < call.scalar_in_count; i++)
		sin[i] = (uint32_t)sin[i];
	if (call.struct_in_size > 0) {
		/* A fill byte, a literal count (<= 64), the literal bytes; the fill
		 * covers the rest, which keeps inputs short for big buffers. */
		uint8_t fill = u8(in);
		size_t n = u8(in) % 65, filled;

		n = n < call.struct_in_size ? n : call.struct_in_size;
		n = n < in->n - in->i ? n : in->n - in->i;
		memcpy(s.buf_in, in->p + in->i, n);
		in->i += n;
		/* Sizes the shim must refuse are passed as they are; we only fill our buffer. */
		filled = call.struct_in_size < sizeof(s.buf_in) ? call.struct_in_size : sizeof(s.buf_in);
		if (on(FUZZ_OR_SCAN)) {
			uint8_t f4[4] = { fill, fill, fill, fill };

			fuzz_scan_clean_bytes(f4, sizeof(f4));
			fill = f4[3];
		}
		memset(s.buf_in + n, fill, filled - n);
		/* The literals and where they meet the fill: the rest repeats one byte. */
		if (on(FUZZ_OR_SCAN))
			fuzz_scan_clean_bytes(s.buf_in, filled < n + 16 ? filled : n + 16);
	}
	call.scalar_in = sin;
	call.struct_in = call.struct_in_size > 0 ? s.buf_in : NULL;
	call.scalar_out = sout;
	call.struct_out = s.buf_out;
	if ((mode & 128) && (m->async_allowed || bend)) {
		call.async_fn = completion;
		call.async_refcon = (void *)(uintptr_t)(c - s.conn);
	}
	for (unsigned k = 0; k < reps; k++)
		call_once(c, sel, m, &call, handle_op, false);
}

static void end_task(int t, bool died)
{
	if (s.task[t] == NULL)
		return;
	for (size_t i = 0; i < s.nconn; i++) {
		if (s.conn[i].c != NULL && s.conn[i].task == t) {
			s.conn[i].c = NULL; /* the task frees its connections */
			s.conn[i].closed = true;
			fuzz_book_close(i);
		}
	}
	if (died)
		shim_task_die(s.task[t]);
	else
		shim_task_destroy(s.task[t]);
	s.task[t] = NULL;
}

static void op_task(struct in *in)
{
	static const uint32_t uids[] = { 0, 501, 65534 };
	uint8_t uid = u8(in), mask = u8(in);
	int t = u8(in) % MAX_TASKS;
	struct cred *cr = &s.cred[t];

	end_task(t, false);
	cr->uid = uids[uid % 3];
	cr->nents = 0;
	for (size_t i = 0; i < s.w->nents; i++)
		if (mask & (1u << i))
			cr->ents[cr->nents++] = s.w->ents[i];
	if (shim_task_create(cr->uid, cr->ents, cr->nents, &s.task[t]) != SHIM_OK)
		s.task[t] = NULL;
	else if (shim_task_set_abi(s.task[t], s.w->client_abi) != SHIM_OK)
		fuzz_die("struct", "a new task refused the %s ABI",
			 s.w->client_abi == SHIM_UC_ABI_ILP32 ? "ilp32" : "lp64");
}

static void op_open(struct in *in)
{
	int t = u8(in) % MAX_TASKS;
	size_t svc = u8(in) % s.w->nservices;
	const struct cred *cr = &s.cred[t];
	struct bench_uc_expect e;
	uint32_t open = 0;
	shim_uc_conn *nc;
	shim_ret r;

	if (s.nconn == MAX_OPS || s.task[t] == NULL || s.w->svc[svc] == NULL)
		return; /* no task, or the driver is not running (removed) */
	for (size_t i = 0; i < s.nconn; i++)
		open += s.conn[i].svc == svc && !s.conn[i].closed;
	e = fuzz_expect_open(s.w->desc[svc], cr->uid, cr->ents, cr->nents, open);
	r = shim_uc_open(s.task[t], s.w->svc[svc], &nc);
	if (on(FUZZ_OR_MODEL) && fuzz_machine_failed_calls() == 0 &&
	    ((e.ret != SHIM_OK && r != e.ret) || (e.ret == SHIM_OK && r == SHIM_ERR_NOT_PERMITTED)))
		fuzz_die("struct", "oracle: open service %zu by uid %u: expected %s (%s), got %s",
			 svc, cr->uid, shim_ret_string(e.ret), e.why != NULL ? e.why : "may pass",
			 shim_ret_string(r));
	if (r != SHIM_OK)
		return;
	s.conn[s.nconn++] = (struct conn){ nc, svc, t, false };
}

/* Closed connections stay pickable: calls on them must get NOT_READY. */
static struct conn *pick_conn(struct in *in)
{
	struct conn *c;

	if (s.nconn == 0)
		return NULL;
	c = &s.conn[u8(in) % s.nconn];
	return c->c != NULL ? c : NULL;
}

/* The driver stopped since (removal, reset): it closed every connection. */
static void follow_generation(void)
{
	if (s.generation == s.w->generation)
		return;
	for (size_t i = 0; i < s.nconn; i++) {
		s.conn[i].closed = true;
		fuzz_book_close(i);
	}
	s.generation = s.w->generation;
}

/* Machine ops: power, removal, reset, a failing shim call. */
static void machine_op(struct in *in, enum op code)
{
	uint8_t arg = u8(in);

	switch (code) {
	case OP_SLEEP:
		fuzz_machine_sleep((enum fuzz_sleep_kind)(arg % 3));
		break;
	case OP_WAKE:
		fuzz_machine_wake();
		break;
	case OP_REMOVE:
		fuzz_machine_remove(arg & 1);
		break;
	case OP_REPLUG:
		fuzz_machine_replug();
		break;
	case OP_RESET:
		fuzz_machine_reset();
		break;
	default: /* OP_FAIL: the (arg + 1)-th call of the chosen kinds (0: any) */
		{
		unsigned kinds = (unsigned)le(in, 2) & SHIM_FAULT_ALL;

		fuzz_machine_fail_call((long)arg + 1, kinds != 0 ? kinds : SHIM_FAULT_ALL);
	}
		break;
	}
	follow_generation();
}

static void op(struct in *in)
{
	struct conn *c;
	uint8_t code = u8(in);

	follow_generation();
	fuzz_driver_entry();
	switch (code % OP_COUNT) {
	case OP_SLEEP:
	case OP_WAKE:
	case OP_REMOVE:
	case OP_REPLUG:
	case OP_RESET:
	case OP_FAIL:
		machine_op(in, (enum op)(code % OP_COUNT));
		break;
	case OP_TASK:
		op_task(in);
		break;
	case OP_OPEN:
		op_open(in);
		break;
	case OP_CALL:
	case OP_HANDLE:
	case OP_CALL2:
	case OP_HANDLE2:
		if ((c = pick_conn(in)) != NULL) {
			uint32_t count = s.w->desc[c->svc]->method_count;

			do_call(in, c, u8(in) % (count + 2),
				code % OP_COUNT == OP_HANDLE || code % OP_COUNT == OP_HANDLE2);
		}
		break;
	case OP_CLOSE:
		if ((c = pick_conn(in)) != NULL) {
			/* The object stays: calls get NOT_READY, and so does a second close. */
			shim_ret r = shim_uc_close(c->c), want = c->closed ? SHIM_ERR_NOT_READY : SHIM_OK;

			if (r != want && on(FUZZ_OR_MODEL))
				fuzz_die("struct", "oracle: close of connection %zu: expected %s, got %s",
					 (size_t)(c - s.conn), shim_ret_string(want), shim_ret_string(r));
			c->closed = true;
			fuzz_book_close((size_t)(c - s.conn));
		}
		break;
	case OP_DIE:
		end_task(u8(in) % MAX_TASKS, true);
		break;
	case OP_DESTROY:
		end_task(u8(in) % MAX_TASKS, false);
		break;
	default:
		fuzz_run_loop(((uint64_t)u8(in) + 1) * 2000);
		break;
	}
}

void fuzz_struct_init(struct fuzz_world *w)
{
	s.w = w;
	s.trace = getenv("FUZZ_UC_TRACE") != NULL;
}

void fuzz_struct_run(const uint8_t *data, size_t size)
{
	struct in in = { data, size, 0 };

	memset(s.conn, 0, sizeof(s.conn));
	s.nconn = 0;
	s.npool = 0;
	s.generation = s.w->generation;
	memset(s.pool, 0, sizeof(s.pool));
	fuzz_book_reset();
	for (int n = 0; n < MAX_OPS && in.i < in.n; n++)
		op(&in);
	for (int t = 0; t < MAX_TASKS; t++)
		end_task(t, t & 1);
	fuzz_run_loop(100000); /* anything still queued would show up here */
}

void fuzz_struct_one(const uint8_t *data, size_t size)
{
	fuzz_struct_run(data, size);
	fuzz_end_input("struct");
}
