/* The shim's user-client framework, tested with a table of small test
 * methods published on a bare test driver: what the shim checks before a
 * method runs, how it marshals, handles, close/death and async delivery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shim/verifier.h"
#include "uc_fixture.h"

enum {
	SEL_ECHO, SEL_VAR, SEL_HOLE, SEL_PRIV, SEL_BIG, SEL_MKHANDLE, SEL_USEHANDLE,
	SEL_FREEHANDLE, SEL_ASYNC, SEL_OVERCLAIM, SEL_UNINIT, SEL_COUNT
};
#define TEST_ENT "org.drvbench.test.priv"
#define OPEN_ENT "org.drvbench.test.open"
#define HANDLE_TYPE 0x74657374u

/* What the methods and hooks saw; reset by each test. */
static struct {
	int runs, closes, releases, opens_refused_by_hook;
	bool last_close_died, big_skip_prepare, big_keep_prepared, refuse_open;
	uint64_t big_sum;
	shim_uc_async *kept;
	shim_uc *uc;
} seen;

static shim_ret m_echo(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	seen.runs++;
	a->scalar_out[0] = a->scalar_in[0] + 1;
	a->scalar_out[1] = a->scalar_in[1] + 1;
	memcpy(a->struct_out, a->struct_in, 16);
	a->scalar_out_written = 2;
	a->struct_out_written = 16;
	return SHIM_OK;
}

static shim_ret m_var(shim_uc *uc, struct shim_uc_args *a)
{
	uint32_t n = a->struct_in_size < a->struct_out_cap ? a->struct_in_size : a->struct_out_cap;

	(void)uc;
	seen.runs++;
	if (a->struct_in_desc != NULL)
		return SHIM_ERR_UNSUPPORTED;
	if (n > 0)
		memcpy(a->struct_out, a->struct_in, n);
	a->struct_out_written = n;
	for (uint32_t i = 0; i < a->scalar_in_count && i < a->scalar_out_cap; i++)
		a->scalar_out[i] = a->scalar_in[i];
	a->scalar_out_written = a->scalar_in_count < a->scalar_out_cap ? a->scalar_in_count :
									 a->scalar_out_cap;
	return SHIM_OK;
}

static shim_ret m_priv(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	(void)a;
	seen.runs++;
	return SHIM_OK;
}

static shim_ret m_big(shim_uc *uc, struct shim_uc_args *a)
{
	uint8_t chunk[512];
	shim_ret r = SHIM_OK;

	(void)uc;
	seen.runs++;
	seen.big_sum = 0;
	if (a->struct_in_desc == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!seen.big_skip_prepare && (r = shim_memdesc_prepare(a->struct_in_desc)) != SHIM_OK)
		return r;
	for (uint32_t off = 0; off < a->struct_in_size && r == SHIM_OK; off += sizeof(chunk)) {
		uint32_t n = a->struct_in_size - off < sizeof(chunk) ? a->struct_in_size - off :
									  (uint32_t)sizeof(chunk);

		r = shim_uc_struct_in_read(a, off, chunk, n);
		for (uint32_t i = 0; r == SHIM_OK && i < n; i++)
			seen.big_sum += chunk[i];
	}
	if (!seen.big_skip_prepare && !seen.big_keep_prepared)
		shim_memdesc_complete(a->struct_in_desc);
	return r;
}

static void handle_obj_release(shim_uc *uc, void *obj)
{
	(void)uc;
	(void)obj;
	seen.releases++;
}

static shim_ret m_mkhandle(shim_uc *uc, struct shim_uc_args *a)
{
	shim_uc_handle h;
	shim_ret r = shim_uc_handle_alloc(uc, HANDLE_TYPE, &seen, handle_obj_release, &h);

	if (r == SHIM_OK) {
		a->scalar_out[0] = h;
		a->scalar_out_written = 1;
	}
	return r;
}

static shim_ret m_usehandle(shim_uc *uc, struct shim_uc_args *a)
{
	void *obj = NULL;
	shim_ret r = shim_uc_handle_lookup(uc, a->scalar_in[0], HANDLE_TYPE, &obj);

	return r == SHIM_OK && obj != &seen ? SHIM_ERR_GENERIC : r;
}

static shim_ret m_freehandle(shim_uc *uc, struct shim_uc_args *a)
{
	return shim_uc_handle_free(uc, a->scalar_in[0], HANDLE_TYPE, NULL);
}

static shim_ret m_async(shim_uc *uc, struct shim_uc_args *a)
{
	seen.uc = uc;
	if (a->async == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	seen.kept = shim_uc_async_retain(a->async);
	return SHIM_OK;
}

static shim_ret m_overclaim(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	memset(a->struct_out, 0, a->struct_out_cap);
	a->struct_out_written = a->struct_out_cap + 100;
	return SHIM_OK;
}

static shim_ret m_uninit(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	a->scalar_out_written = 1; /* claims a value it never wrote */
	return SHIM_OK;
}

#define V SHIM_UC_VARIABLE
/* Designated, so the table stays valid as struct shim_uc_method grows. */
#define METHOD(n, f, sin, stin, sout, stout, ent, root, async)                            \
	{ .name = (n), .fn = (f), .scalar_in_count = (sin), .struct_in_size = (stin),        \
	  .scalar_out_count = (sout), .struct_out_size = (stout), .entitlement = (ent),      \
	  .root_passes = (root), .async_allowed = (async) }
static const struct shim_uc_method test_methods[SEL_COUNT] = {
	[SEL_ECHO] = METHOD("echo", m_echo, 2, 16, 2, 16, NULL, false, false),
	[SEL_VAR] = METHOD("var", m_var, V, V, V, V, NULL, false, false),
	[SEL_PRIV] = METHOD("priv", m_priv, 0, 0, 0, 0, TEST_ENT, false, false),
	[SEL_BIG] = METHOD("big", m_big, 0, V, 0, 0, NULL, false, false),
	[SEL_MKHANDLE] = METHOD("mkhandle", m_mkhandle, 0, 0, 1, 0, NULL, false, false),
	[SEL_USEHANDLE] = METHOD("usehandle", m_usehandle, 1, 0, 0, 0, NULL, false, false),
	[SEL_FREEHANDLE] = METHOD("freehandle", m_freehandle, 1, 0, 0, 0, NULL, false, false),
	[SEL_ASYNC] = METHOD("async", m_async, 0, 0, 0, 0, NULL, false, true),
	[SEL_OVERCLAIM] = METHOD("overclaim", m_overclaim, 0, 0, 0, 8, NULL, false, false),
	[SEL_UNINIT] = METHOD("uninit", m_uninit, 0, 0, 1, 0, NULL, false, false),
};

static shim_ret hook_may_open(shim_service *svc, const shim_task *task)
{
	(void)svc;
	(void)task;
	if (seen.refuse_open) {
		seen.opens_refused_by_hook++;
		return SHIM_ERR_NOT_PERMITTED;
	}
	return SHIM_OK;
}

static void hook_close(shim_uc *uc, bool died)
{
	(void)uc;
	seen.closes++;
	seen.last_close_died = died;
	if (seen.kept != NULL) {
		/* Completing after close must deliver nothing. */
		assert_int_equal(SHIM_ERR_ABORTED, shim_uc_async_complete(seen.kept, SHIM_OK, NULL, 0));
		shim_uc_async_release(seen.kept);
		seen.kept = NULL;
	}
}

static const struct shim_uc_desc test_desc = {
	.methods = test_methods,
	.method_count = SEL_COUNT,
	.open_entitlement = OPEN_ENT,
	.may_open = hook_may_open,
	.close = hook_close,
};

/* Per test: publish the table, one ordinary task with an open connection. */
struct t {
	struct uc_fixture *f;
	shim_task *task;
	shim_uc_conn *conn;
};
static struct t T;

static int setup(void **state)
{
	static const char *const ents[] = { OPEN_ENT };
	struct uc_fixture *f = *state;

	uc_fixture_test_setup(state);
	memset(&seen, 0, sizeof(seen));
	T.f = f;
	if (shim_service_set_userclient(f->fx.svc, &test_desc, NULL) != SHIM_OK ||
	    shim_task_create(501, ents, 1, &T.task) != SHIM_OK ||
	    shim_uc_open(T.task, f->fx.svc, &T.conn) != SHIM_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	shim_task_destroy(T.task);
	assert_int_equal(SHIM_OK, shim_service_set_userclient(T.f->fx.svc, NULL, NULL));
	return uc_fixture_test_teardown(state);
}

static shim_ret call0(shim_uc_conn *c, uint32_t sel)
{
	struct shim_uc_call call = { 0 };

	return shim_uc_call(c, sel, &call);
}

static void test_uc_echo_marshals_inputs_and_outputs(void **state)
{
	uint64_t in[2] = { 41, 99 }, out[2] = { 0, 0 };
	uint8_t sin[16], sout[16];
	struct shim_uc_call c = { in, 2, sin, 16, out, 2, sout, 16, NULL, NULL };

	(void)state;
	memset(sin, 7, sizeof(sin));
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_ECHO, &c));
	assert_int_equal(42, out[0]);
	assert_int_equal(100, out[1]);
	assert_memory_equal(sin, sout, 16);
	assert_int_equal(2, c.scalar_out_count);
	assert_int_equal(16, c.struct_out_size);
}

static void test_uc_each_shape_field_is_checked_before_the_method(void **state)
{
	uint64_t in[3] = { 0 }, out[3];
	uint8_t sin[17] = { 0 }, sout[17];
	const struct shim_uc_call bad[] = {
		{ in, 1, sin, 16, out, 2, sout, 16, NULL, NULL },   /* scalar in count */
		{ in, 2, sin, 17, out, 2, sout, 16, NULL, NULL },   /* struct in size */
		{ in, 2, sin, 16, out, 3, sout, 16, NULL, NULL },   /* scalar out count */
		{ in, 2, sin, 16, out, 2, sout, 15, NULL, NULL },   /* struct out size */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct shim_uc_call c = bad[i];

		assert_int_equal(SHIM_ERR_BAD_SHAPE, shim_uc_call(T.conn, SEL_ECHO, &c));
		assert_int_equal(0, c.scalar_out_count);
	}
	assert_int_equal(0, seen.runs);
}

static void dummy_cb(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	int *n = refcon;

	(void)status;
	(void)vals;
	(void)count;
	(*n)++;
}

static void test_uc_variable_shapes_are_bounded_by_the_inline_limits(void **state)
{
	uint64_t in[SHIM_UC_MAX_SCALARS + 1] = { 0 }, out[SHIM_UC_MAX_SCALARS + 1];
	static uint8_t buf[SHIM_UC_MAX_STRUCT_OUT + 1];
	struct shim_uc_call c17 = { in, SHIM_UC_MAX_SCALARS + 1, NULL, 0, out, 0, NULL, 0, NULL, NULL };
	struct shim_uc_call o17 = { NULL, 0, NULL, 0, out, SHIM_UC_MAX_SCALARS + 1, NULL, 0, NULL, NULL };
	struct shim_uc_call big_out = { NULL, 0, NULL, 0, NULL, 0, buf, sizeof(buf), NULL, NULL };
	struct shim_uc_call ok = { in, 16, buf, 100, out, 16, buf, 100, NULL, NULL };
	int n = 0;
	struct shim_uc_call async = { NULL, 0, NULL, 0, NULL, 0, NULL, 0, dummy_cb, &n };

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_SHAPE, shim_uc_call(T.conn, SEL_VAR, &c17));
	assert_int_equal(SHIM_ERR_BAD_SHAPE, shim_uc_call(T.conn, SEL_VAR, &o17));
	assert_int_equal(SHIM_ERR_BAD_SHAPE, shim_uc_call(T.conn, SEL_VAR, &big_out));
	assert_int_equal(SHIM_ERR_BAD_SHAPE, shim_uc_call(T.conn, SEL_VAR, &async)); /* not async */
	assert_int_equal(0, seen.runs);
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_VAR, &ok));
	assert_int_equal(16, ok.scalar_out_count);
	assert_int_equal(100, ok.struct_out_size);
}

static void test_uc_null_buffer_with_a_size_is_a_bad_argument(void **state)
{
	struct shim_uc_call c = { NULL, 2, NULL, 0, NULL, 0, NULL, 0, NULL, NULL };

	(void)state;
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_uc_call(T.conn, SEL_VAR, &c));
	assert_int_equal(0, seen.runs);
}

static void test_uc_selector_out_of_range_or_hole_is_refused(void **state)
{
	(void)state;
	assert_int_equal(SHIM_ERR_BAD_SELECTOR, call0(T.conn, SEL_COUNT));
	assert_int_equal(SHIM_ERR_BAD_SELECTOR, call0(T.conn, UINT32_MAX));
	assert_int_equal(SHIM_ERR_BAD_SELECTOR, call0(T.conn, SEL_HOLE));
}

static void test_uc_entitlement_is_required_and_root_does_not_imply_it(void **state)
{
	static const char *const ents[] = { OPEN_ENT, TEST_ENT };
	shim_task *root, *entitled;
	shim_uc_conn *rc, *ec;

	(void)state;
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, call0(T.conn, SEL_PRIV));
	assert_int_equal(SHIM_OK, shim_task_create(0, NULL, 0, &root));
	assert_int_equal(SHIM_OK, shim_task_create(501, ents, 2, &entitled));
	assert_int_equal(SHIM_OK, shim_uc_open(root, T.f->fx.svc, &rc)); /* root may open */
	assert_int_equal(SHIM_OK, shim_uc_open(entitled, T.f->fx.svc, &ec));
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, call0(rc, SEL_PRIV)); /* root_passes is false */
	assert_int_equal(0, seen.runs);
	assert_int_equal(SHIM_OK, call0(ec, SEL_PRIV));
	assert_int_equal(1, seen.runs);
	shim_task_destroy(root);
	shim_task_destroy(entitled);
}

static void test_uc_open_checks_privilege_in_set_up(void **state)
{
	shim_task *plain;
	shim_uc_conn *c = NULL;

	(void)state;
	assert_int_equal(SHIM_OK, shim_task_create(501, NULL, 0, &plain));
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, shim_uc_open(plain, T.f->fx.svc, &c));
	assert_int_equal(0, seen.opens_refused_by_hook); /* the shim refused before the hook */
	shim_task_destroy(plain);
	seen.refuse_open = true;
	assert_int_equal(SHIM_ERR_NOT_PERMITTED, shim_uc_open(T.task, T.f->fx.svc, &c));
	assert_int_equal(1, seen.opens_refused_by_hook);
	assert_null(c);
}

static uint64_t make_handle(shim_uc_conn *c)
{
	uint64_t h = 0;
	struct shim_uc_call call = { NULL, 0, NULL, 0, &h, 1, NULL, 0, NULL, NULL };

	assert_int_equal(SHIM_OK, shim_uc_call(c, SEL_MKHANDLE, &call));
	return h;
}

static shim_ret use_handle(shim_uc_conn *c, uint32_t sel, uint64_t h)
{
	struct shim_uc_call call = { &h, 1, NULL, 0, NULL, 0, NULL, 0, NULL, NULL };

	return shim_uc_call(c, sel, &call);
}

static void test_uc_handles_reject_stale_forged_and_foreign(void **state)
{
	struct shim_uc_counters cnt;
	shim_uc_conn *other;
	uint64_t h, h2, foreign;

	(void)state;
	h = make_handle(T.conn);
	assert_int_not_equal(0, h);
	assert_int_equal(SHIM_OK, use_handle(T.conn, SEL_USEHANDLE, h));
	assert_int_equal(SHIM_OK, use_handle(T.conn, SEL_FREEHANDLE, h));
	h2 = make_handle(T.conn); /* reuses the slot with a new generation */
	assert_int_not_equal(h, h2);
	assert_int_equal(SHIM_ERR_BAD_HANDLE, use_handle(T.conn, SEL_USEHANDLE, h));   /* stale */
	assert_int_equal(SHIM_ERR_BAD_HANDLE, use_handle(T.conn, SEL_FREEHANDLE, h));  /* double free */
	assert_int_equal(SHIM_ERR_BAD_HANDLE, use_handle(T.conn, SEL_USEHANDLE, 0));
	assert_int_equal(SHIM_ERR_BAD_HANDLE, use_handle(T.conn, SEL_USEHANDLE, h2 ^ 0x100));
	assert_int_equal(SHIM_ERR_BAD_HANDLE, use_handle(T.conn, SEL_USEHANDLE, h2 + 1));
	assert_int_equal(SHIM_ERR_BAD_HANDLE,
			 use_handle(T.conn, SEL_USEHANDLE, 0xdeadbeefcafef00dull)); /* forged */
	assert_int_equal(SHIM_OK, shim_uc_open(T.task, T.f->fx.svc, &other));
	foreign = make_handle(other);
	assert_int_equal(SHIM_ERR_BAD_HANDLE, use_handle(T.conn, SEL_USEHANDLE, foreign));
	assert_int_equal(SHIM_ERR_BAD_HANDLE, use_handle(other, SEL_USEHANDLE, h2));
	shim_uc_counters_snapshot(&cnt);
	assert_int_equal(T.f->uc_start.handles + 2, cnt.handles);
	assert_int_equal(SHIM_OK, use_handle(T.conn, SEL_USEHANDLE, h2));
}

static void test_uc_handle_table_fills_up_without_harm(void **state)
{
	uint64_t h = 0;
	struct shim_uc_call call = { NULL, 0, NULL, 0, &h, 1, NULL, 0, NULL, NULL };

	(void)state;
	for (unsigned i = 0; i < SHIM_UC_MAX_HANDLES; i++)
		assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_MKHANDLE, &call));
	assert_int_equal(SHIM_ERR_NO_RESOURCES, shim_uc_call(T.conn, SEL_MKHANDLE, &call));
	assert_int_equal(SHIM_OK, shim_uc_close(T.conn));
	assert_int_equal(SHIM_UC_MAX_HANDLES, seen.releases);
}

static void test_uc_close_releases_everything_once(void **state)
{
	struct shim_uc_counters cnt;
	int delivered = 0;
	struct shim_uc_call ac = { NULL, 0, NULL, 0, NULL, 0, NULL, 0, dummy_cb, &delivered };

	(void)state;
	make_handle(T.conn);
	make_handle(T.conn);
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_ASYNC, &ac));
	assert_int_equal(SHIM_OK, shim_uc_async_complete(seen.kept, SHIM_OK, NULL, 0));
	shim_uc_counters_snapshot(&cnt);
	assert_int_equal(T.f->uc_start.pending + 1, cnt.pending);
	assert_int_equal(SHIM_OK, shim_uc_close(T.conn));
	assert_int_equal(1, seen.closes);
	assert_false(seen.last_close_died);
	assert_int_equal(2, seen.releases);
	shim_uc_counters_snapshot(&cnt);
	assert_int_equal(T.f->uc_start.handles, cnt.handles);
	assert_int_equal(T.f->uc_start.pending, cnt.pending);
	assert_int_equal(T.f->uc_start.open_connections, cnt.open_connections);
	uc_fixture_run_loop(T.f, 1000000);
	assert_int_equal(0, delivered); /* never after close */
	assert_int_equal(SHIM_ERR_NOT_READY, call0(T.conn, SEL_VAR));
	assert_int_equal(SHIM_ERR_NOT_READY, shim_uc_close(T.conn));
	assert_int_equal(1, seen.closes);
}

static void test_uc_client_death_releases_everything(void **state)
{
	static const char *const ents[] = { OPEN_ENT };
	shim_task *doomed;
	shim_uc_conn *c1, *c2;
	int delivered = 0;
	struct shim_uc_call ac = { NULL, 0, NULL, 0, NULL, 0, NULL, 0, dummy_cb, &delivered };

	(void)state;
	assert_int_equal(SHIM_OK, shim_task_create(501, ents, 1, &doomed));
	assert_int_equal(SHIM_OK, shim_uc_open(doomed, T.f->fx.svc, &c1));
	assert_int_equal(SHIM_OK, shim_uc_open(doomed, T.f->fx.svc, &c2));
	make_handle(c1);
	make_handle(c2);
	assert_int_equal(SHIM_OK, shim_uc_call(c2, SEL_ASYNC, &ac));
	assert_int_equal(SHIM_OK, shim_uc_async_complete(seen.kept, SHIM_OK, NULL, 0));
	shim_task_die(doomed);
	assert_int_equal(2, seen.closes);
	assert_true(seen.last_close_died);
	assert_int_equal(2, seen.releases);
	uc_fixture_run_loop(T.f, 1000000);
	assert_int_equal(0, delivered);
}

static void record_cb(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	uint64_t *got = refcon;

	got[0]++;
	got[1] = (uint64_t)status;
	got[2] = count > 0 ? vals[0] : 0;
}

static void test_uc_async_completion_arrives_on_the_work_loop(void **state)
{
	uint64_t got[3] = { 0 };
	const uint64_t val = 1234;
	struct shim_uc_call ac = { NULL, 0, NULL, 0, NULL, 0, NULL, 0, record_cb, got };

	(void)state;
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_ASYNC, &ac));
	assert_int_equal(SHIM_OK, shim_uc_async_complete(seen.kept, SHIM_ERR_TIMEOUT, &val, 1));
	assert_int_equal(0, got[0]); /* queued, not delivered inside the driver's call */
	uc_fixture_run_loop(T.f, 1000);
	assert_int_equal(1, got[0]);
	assert_int_equal(SHIM_ERR_TIMEOUT, got[1]);
	assert_int_equal(1234, got[2]);
	shim_uc_async_release(seen.kept);
	seen.kept = NULL;
}

static void test_uc_large_input_arrives_as_a_descriptor(void **state)
{
	static uint8_t big[SHIM_UC_MAX_INLINE_STRUCT * 2 + 3];
	struct shim_uc_call c = { NULL, 0, big, sizeof(big), NULL, 0, NULL, 0, NULL, NULL };
	uint64_t want = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++) {
		big[i] = (uint8_t)(i * 7);
		want += big[i];
	}
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_BIG, &c));
	assert_int_equal(want, seen.big_sum);
	c.struct_in_size = SHIM_UC_MAX_STRUCT_IN + 1;
	assert_int_equal(SHIM_ERR_BAD_SHAPE, shim_uc_call(T.conn, SEL_BIG, &c));
}

static void test_uc_verifier_catches_an_unprepared_descriptor_read(void **state)
{
	static uint8_t big[SHIM_UC_MAX_INLINE_STRUCT + 1];
	struct shim_uc_call c = { NULL, 0, big, sizeof(big), NULL, 0, NULL, 0, NULL, NULL };
	const struct shim_violation *v;

	(void)state;
	seen.big_skip_prepare = true;
	assert_int_equal(SHIM_ERR_NOT_READY, shim_uc_call(T.conn, SEL_BIG, &c));
	assert_int_equal(1, shim_verifier_count());
	v = shim_verifier_get(0);
	assert_int_equal(SHIM_V_DMA_UNPREPARED, v->kind);
	assert_non_null(strstr(v->file, "test_uc_framework.c"));
	shim_verifier_clear();
}

static void test_uc_verifier_catches_a_descriptor_left_prepared(void **state)
{
	static uint8_t big[SHIM_UC_MAX_INLINE_STRUCT + 1];
	struct shim_uc_call c = { NULL, 0, big, sizeof(big), NULL, 0, NULL, 0, NULL, NULL };

	(void)state;
	seen.big_keep_prepared = true;
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_BIG, &c));
	assert_int_equal(1, shim_verifier_count());
	assert_int_equal(SHIM_V_PREPARE_UNBALANCED, shim_verifier_get(0)->kind);
	shim_verifier_clear();
}

static void test_uc_output_claims_are_clamped_and_recorded(void **state)
{
	uint8_t out[8 + 100];
	struct shim_uc_call c = { NULL, 0, NULL, 0, NULL, 0, out, 8, NULL, NULL };

	(void)state;
	memset(out, 0x11, sizeof(out));
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_OVERCLAIM, &c));
	assert_int_equal(8, c.struct_out_size);
	assert_int_equal(0x11, out[8]); /* nothing beyond the capacity */
	assert_int_equal(1, shim_verifier_count());
	assert_int_equal(SHIM_V_BAD_STATE, shim_verifier_get(0)->kind);
	shim_verifier_clear();
}

static void test_uc_uninitialised_output_is_visible_as_poison(void **state)
{
	uint64_t out = 0;
	struct shim_uc_call c = { NULL, 0, NULL, 0, &out, 1, NULL, 0, NULL, NULL };

	(void)state;
	assert_int_equal(SHIM_OK, shim_uc_call(T.conn, SEL_UNINIT, &c));
	assert_int_equal(0xa5a5a5a5a5a5a5a5ull, out);
}

static void test_uc_withdrawing_the_user_client_closes_connections(void **state)
{
	(void)state;
	make_handle(T.conn);
	assert_int_equal(SHIM_OK, shim_service_set_userclient(T.f->fx.svc, NULL, NULL));
	assert_int_equal(1, seen.closes);
	assert_int_equal(1, seen.releases);
	assert_false(shim_uc_conn_is_open(T.conn));
	assert_int_equal(SHIM_ERR_NOT_READY, call0(T.conn, SEL_VAR));
	assert_null(shim_service_userclient(T.f->fx.svc));
	assert_int_equal(SHIM_ERR_UNSUPPORTED, shim_uc_open(T.task, T.f->fx.svc, &T.conn));
}

static int group_setup(void **state)
{
	return uc_fixture_boot(state);
}

#define UC_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		UC_TEST(test_uc_echo_marshals_inputs_and_outputs),
		UC_TEST(test_uc_each_shape_field_is_checked_before_the_method),
		UC_TEST(test_uc_variable_shapes_are_bounded_by_the_inline_limits),
		UC_TEST(test_uc_null_buffer_with_a_size_is_a_bad_argument),
		UC_TEST(test_uc_selector_out_of_range_or_hole_is_refused),
		UC_TEST(test_uc_entitlement_is_required_and_root_does_not_imply_it),
		UC_TEST(test_uc_open_checks_privilege_in_set_up),
		UC_TEST(test_uc_handles_reject_stale_forged_and_foreign),
		UC_TEST(test_uc_handle_table_fills_up_without_harm),
		UC_TEST(test_uc_close_releases_everything_once),
		UC_TEST(test_uc_client_death_releases_everything),
		UC_TEST(test_uc_async_completion_arrives_on_the_work_loop),
		UC_TEST(test_uc_large_input_arrives_as_a_descriptor),
		UC_TEST(test_uc_verifier_catches_an_unprepared_descriptor_read),
		UC_TEST(test_uc_verifier_catches_a_descriptor_left_prepared),
		UC_TEST(test_uc_output_claims_are_clamped_and_recorded),
		UC_TEST(test_uc_uninitialised_output_is_visible_as_poison),
		UC_TEST(test_uc_withdrawing_the_user_client_closes_connections),
	};

	return cmocka_run_group_tests_name("uc_framework", tests, group_setup, uc_fixture_shutdown);
}
