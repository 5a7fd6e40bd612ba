/* Raw per-selector fuzzing, for any kext: the plain byte view of one
 * method, the selector chosen by name at init (fuzz_raw_find). Input: a
 * mode byte, then the declared number of scalars (or the next byte % 17 if
 * variable), 8 little-endian bytes each; then, for a variable structure
 * output, 2 bytes of capacity; the rest is the structure input (cut or
 * zero-padded to a fixed declared size). Mode bit 0: the caller is
 * unprivileged (uid 501 holding only what opening needs) instead of root
 * with every entitlement; bits 1-2: scalar 0 is as given (0), a live
 * handle of the caller's connection (1), a stale one (2: issued, then
 * released), another connection's (3), when some selector of the user
 * client issues handles (found at init). The call is checked against the
 * reference model (fuzz_oracle.h) with the caller's handle book; its
 * outputs are scanned (fuzz_scan.h); then the input ends as every input
 * does (fuzz_end_input). */
#include <stdio.h>
#include <string.h>

#include "fuzz_handle_book.h"
#include "fuzz_oracle.h"
#include "fuzz_scan.h"
#include "fuzz_targets.h"

#define POISON64 0xa5a5a5a5a5a5a5a5ull
#define MODE_UNPRIVILEGED 1u
#define UNPRIVILEGED_UID 501u
#define CONN_A 0u /* the caller's connection */
#define CONN_B 1u /* another connection of the same caller */
enum handle_mode { H_GIVEN, H_LIVE, H_STALE, H_FOREIGN };

static struct {
	struct fuzz_world *w;
	size_t svc;
	uint32_t sel;
	const struct shim_uc_method *m;
	char label[80]; /* "raw:<selector>" in findings */
	uint8_t in[SHIM_UC_MAX_STRUCT_IN];
	uint8_t out[SHIM_UC_MAX_STRUCT_OUT];
	unsigned completions;
	/* Handles: the selector whose minimal call issues one, and the one
	 * that releases it (UINT32_MAX: none). */
	uint32_t issuer, releaser;
	/* The unprivileged caller's entitlements: those opening needs. */
	const char *open_ents[2];
	size_t nopen_ents;
} s;

static void completion(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	struct fuzz_scan_hit h;

	(void)refcon;
	(void)status;
	if ((s.w->oracles & FUZZ_OR_SCAN) && fuzz_scan_scalars(vals, count, &h))
		fuzz_die(s.label, "[%s] a completion: scalar %zu = 0x%llx (%s)",
			 fuzz_scan_kind_name(h.kind), h.offset, (unsigned long long)h.value, h.where);
	s.completions++;
}

bool fuzz_raw_find(const struct fuzz_world *w, const char *name, size_t *svc, uint32_t *sel)
{
	for (size_t v = 0; v < w->nservices; v++)
		for (uint32_t k = 0; k < w->desc[v]->method_count; k++)
			if (w->desc[v]->methods[k].name != NULL &&
			    strcmp(w->desc[v]->methods[k].name, name) == 0) {
				*svc = v;
				*sel = k;
				return true;
			}
	return false;
}

/* The minimal call of k (declared shapes, zero-filled, variable ones
 * empty; async where allowed), scalar 0 set to h; followed by the book. */
static shim_ret minimal(shim_uc_conn *c, size_t ci, uint32_t k, uint64_t h)
{
	const struct shim_uc_method *m = &s.w->desc[s.svc]->methods[k];
	uint64_t in[SHIM_UC_MAX_SCALARS] = { h }, out[SHIM_UC_MAX_SCALARS];
	struct shim_uc_call call = { .scalar_in = in, .struct_in = s.in, .scalar_out = out,
				     .struct_out = s.out };
	struct shim_uc_call sent;
	long before = fuzz_book_shim_handles();
	shim_ret r;

	if (m->fn == NULL || (m->scalar_in_count > SHIM_UC_MAX_SCALARS &&
			      m->scalar_in_count != SHIM_UC_VARIABLE))
		return SHIM_ERR_BAD_SELECTOR;
	call.scalar_in_count = m->scalar_in_count == SHIM_UC_VARIABLE ? 0 : m->scalar_in_count;
	call.scalar_out_count = m->scalar_out_count == SHIM_UC_VARIABLE ? 0 : m->scalar_out_count;
	call.struct_in_size = m->struct_in_size == SHIM_UC_VARIABLE ? 0 : m->struct_in_size;
	call.struct_out_size = m->struct_out_size == SHIM_UC_VARIABLE ? 0 : m->struct_out_size;
	if (m->async_allowed)
		call.async_fn = completion;
	memset(s.in, 0, call.struct_in_size < sizeof(s.in) ? call.struct_in_size : sizeof(s.in));
	sent = call;
	r = shim_uc_call(c, k, &call);
	fuzz_book_follow(s.label, ci, &sent, &call, r, before, true);
	return r;
}

/* Finds, once, a selector whose minimal call issues a handle and one that
 * releases it, with a root connection that is then closed. */
static void find_handle_selectors(void)
{
	const struct shim_uc_desc *d = s.w->desc[s.svc];
	shim_task *t;
	shim_uc_conn *c;
	uint64_t h;

	s.issuer = s.releaser = UINT32_MAX;
	if (shim_task_create(0, s.w->ents, s.w->nents, &t) != SHIM_OK)
		return;
	if (shim_uc_open(t, s.w->svc[s.svc], &c) == SHIM_OK) {
		fuzz_book_reset();
		for (uint32_t k = 0; k < d->method_count && s.issuer == UINT32_MAX; k++)
			if (minimal(c, CONN_A, k, 0) == SHIM_OK && fuzz_book_count() > 0)
				s.issuer = k;
		for (uint32_t k = 0; s.issuer != UINT32_MAX && k < d->method_count &&
				     s.releaser == UINT32_MAX; k++) {
			if (!fuzz_book_pick((uint8_t)(fuzz_book_count() - 1), &h) ||
			    fuzz_book_live(CONN_A) == 0)
				break;
			if (minimal(c, CONN_A, k, h) == SHIM_OK && fuzz_book_live(CONN_A) == 0)
				s.releaser = k;
		}
	}
	shim_task_destroy(t);
	fuzz_run_loop(50000);
	fuzz_book_reset();
}

void fuzz_raw_init(struct fuzz_world *w, size_t svc, uint32_t sel)
{
	const struct shim_uc_desc *d = w->desc[svc];

	s.w = w;
	s.svc = svc;
	s.sel = sel;
	s.m = &d->methods[sel];
	snprintf(s.label, sizeof(s.label), "raw:%s", s.m->name);
	if (d->open_entitlement != NULL)
		s.open_ents[s.nopen_ents++] = d->open_entitlement;
	if (fuzz_oracle_open_entitlement(d) != NULL && (d->open_entitlement == NULL ||
	    strcmp(fuzz_oracle_open_entitlement(d), d->open_entitlement) != 0))
		s.open_ents[s.nopen_ents++] = fuzz_oracle_open_entitlement(d);
	find_handle_selectors();
}

/* The handle the mode asks for, in *h: issued to the caller's connection
 * (and released, for a stale one) or to its other connection. False when
 * the user client issues none (scalar 0 stays as given). */
static bool make_handle(enum handle_mode mode, shim_uc_conn *a, shim_uc_conn *b, uint64_t *h)
{
	if (s.issuer == UINT32_MAX)
		return false;
	if (minimal(mode == H_FOREIGN ? b : a, mode == H_FOREIGN ? CONN_B : CONN_A, s.issuer, 0) !=
		    SHIM_OK ||
	    fuzz_book_count() == 0)
		return false;
	fuzz_book_pick((uint8_t)(fuzz_book_count() - 1), h);
	if (mode == H_STALE && s.releaser != UINT32_MAX)
		minimal(a, CONN_A, s.releaser, *h);
	return true;
}

/* Scalars, capacity and structure input from the bytes after the mode. */
static void decode(const uint8_t *data, size_t size, size_t i, struct shim_uc_call *call,
		   uint64_t *sin, bool clean)
{
	call->scalar_in_count = s.m->scalar_in_count;
	if (call->scalar_in_count == SHIM_UC_VARIABLE)
		call->scalar_in_count = i < size ? data[i++] % (SHIM_UC_MAX_SCALARS + 1) : 0;
	for (uint32_t k = 0; k < call->scalar_in_count; k++) {
		for (unsigned b = 0; b < 8; b++)
			sin[k] |= (uint64_t)(i < size ? data[i++] : 0) << (8 * b);
		if (clean)
			sin[k] = fuzz_scan_clean_scalar(sin[k]);
	}
	call->scalar_out_count = s.m->scalar_out_count == SHIM_UC_VARIABLE ? SHIM_UC_MAX_SCALARS :
									      s.m->scalar_out_count;
	call->struct_out_size = s.m->struct_out_size;
	if (call->struct_out_size == SHIM_UC_VARIABLE) {
		call->struct_out_size = (i < size ? data[i] : 0) |
					(size_t)(i + 1 < size ? data[i + 1] : 0) << 8;
		call->struct_out_size %= SHIM_UC_MAX_STRUCT_OUT + 1;
		i += 2;
	}
	call->struct_in_size = s.m->struct_in_size;
	if (call->struct_in_size == SHIM_UC_VARIABLE)
		call->struct_in_size = i < size ? size - i : 0;
	memset(s.in, 0, sizeof(s.in));
	if (i < size)
		memcpy(s.in, data + i, size - i < sizeof(s.in) ? size - i : sizeof(s.in));
	if (clean)
		fuzz_scan_clean_bytes(s.in, call->struct_in_size < sizeof(s.in) ? call->struct_in_size :
										  sizeof(s.in));
}

static void check_outputs(const struct shim_uc_call *call)
{
	struct fuzz_scan_hit h;

	for (uint32_t k = 0; k < call->scalar_out_count; k++)
		if (call->scalar_out[k] == POISON64)
			fuzz_die(s.label, "returned an unwritten scalar");
	if (!(s.w->oracles & FUZZ_OR_SCAN))
		return;
	uint64_t mine[SHIM_UC_MAX_SCALARS];
	uint32_t n = call->scalar_out_count < SHIM_UC_MAX_SCALARS ? call->scalar_out_count :
								    SHIM_UC_MAX_SCALARS;

	/* Handles are the shim's to make: they may look like anything. */
	for (uint32_t k = 0; k < n; k++)
		mine[k] = fuzz_book_state(NULL, call->scalar_out[k]) == BENCH_UC_HANDLE_FORGED ?
				  call->scalar_out[k] : 0;
	if (fuzz_scan_scalars(mine, n, &h))
		fuzz_die(s.label, "[%s] scalar %zu = 0x%llx (%s)", fuzz_scan_kind_name(h.kind),
			 h.offset, (unsigned long long)h.value, h.where);
	if (fuzz_scan_bytes(call->struct_out, call->struct_out_size, &h))
		fuzz_die(s.label, "[%s] structure output offset %zu = 0x%llx (%s)",
			 fuzz_scan_kind_name(h.kind), h.offset, (unsigned long long)h.value, h.where);
}

void fuzz_raw_one(const uint8_t *data, size_t size)
{
	uint64_t sin[SHIM_UC_MAX_SCALARS] = { 0 }, sout[SHIM_UC_MAX_SCALARS];
	uint8_t mode = size > 0 ? data[0] : 0;
	bool unpriv = (mode & MODE_UNPRIVILEGED) != 0, ready, clean;
	enum handle_mode hmode = (enum handle_mode)((mode >> 1) & 3);
	const struct shim_uc_desc *d = s.w->desc[s.svc];
	struct shim_uc_call call = { 0 }, req;
	struct bench_uc_call_model model;
	struct bench_uc_expect e;
	shim_task *task;
	shim_uc_conn *a, *b = NULL;
	uint64_t acc;
	unsigned failed;
	long handles;
	shim_ret r;

	clean = (s.w->oracles & FUZZ_OR_SCAN) != 0;
	decode(data, size, 1, &call, sin, clean);
	call.scalar_in = sin;
	call.struct_in = s.in;
	call.scalar_out = sout;
	call.struct_out = s.out;
	if (s.m->async_allowed)
		call.async_fn = completion;
	fuzz_book_reset();
	if (shim_task_create(unpriv ? UNPRIVILEGED_UID : 0, unpriv ? s.open_ents : s.w->ents,
			     unpriv ? s.nopen_ents : s.w->nents, &task) != SHIM_OK)
		fuzz_die(s.label, "cannot create a client task");
	e = fuzz_expect_open(d, unpriv ? UNPRIVILEGED_UID : 0, unpriv ? s.open_ents : s.w->ents,
			     unpriv ? s.nopen_ents : s.w->nents, 0);
	r = shim_uc_open(task, s.w->svc[s.svc], &a);
	if ((s.w->oracles & FUZZ_OR_MODEL) &&
	    ((e.ret != SHIM_OK && r != e.ret) || (e.ret == SHIM_OK && r == SHIM_ERR_NOT_PERMITTED)))
		fuzz_die(s.label, "oracle: open by uid %u: expected %s (%s), got %s",
			 unpriv ? UNPRIVILEGED_UID : 0, shim_ret_string(e.ret),
			 e.why != NULL ? e.why : "may pass", shim_ret_string(r));
	if (r == SHIM_OK && hmode == H_FOREIGN && shim_uc_open(task, s.w->svc[s.svc], &b) != SHIM_OK)
		b = NULL;
	if (r == SHIM_OK && hmode != H_GIVEN && (hmode != H_FOREIGN || b != NULL) &&
	    call.scalar_in_count > 0)
		make_handle(hmode, a, b, &sin[0]);
	if (r == SHIM_OK) {
		req = call;
		model = (struct bench_uc_call_model){
			.desc = d, .sel = s.sel, .call = &req, .open = true,
			.uid = unpriv ? UNPRIVILEGED_UID : 0, .ents = unpriv ? s.open_ents : s.w->ents,
			.nents = unpriv ? s.nopen_ents : s.w->nents,
			.live_handles = fuzz_book_live(CONN_A), .handle = fuzz_book_state,
			.ctx = (void *)(uintptr_t)CONN_A,
		};
		e = (s.w->oracles & FUZZ_OR_MODEL) ? fuzz_expect_call(&model) : BENCH_UC_PASS;
		ready = (s.w->oracles & FUZZ_OR_WEDGE) && fuzz_device_ready();
		failed = fuzz_machine_failed_calls();
		handles = fuzz_book_shim_handles();
		acc = fuzz_device_accesses();
		r = shim_uc_call(a, s.sel, &call);
		acc = fuzz_device_accesses() - acc;
		fuzz_book_follow(s.label, CONN_A, &req, &call, r, handles,
				 (s.w->oracles & FUZZ_OR_HANDLES) != 0);
		if ((s.w->oracles & FUZZ_OR_MODEL) && fuzz_machine_failed_calls() == failed)
			fuzz_oracle_check(s.label, "call", &model, e, r,
					  (s.w->oracles & FUZZ_OR_DEVICE) ? acc : 0);
		if (ready && e.ret == SHIM_OK && (r == SHIM_ERR_TIMEOUT || r == SHIM_ERR_DEVICE_ERROR))
			fuzz_die(s.label, "[wedged device] a conforming call to a present, awake "
				 "device got %s (the sim never times out: the device or driver is "
				 "stuck)", shim_ret_string(r));
		if (r == SHIM_OK)
			check_outputs(&call);
	}
	fuzz_run_loop(50000);
	shim_task_destroy(task);
	fuzz_run_loop(50000);
	fuzz_end_input(s.label);
}
