/* A 32-bit (ILP32) client task on the 64-bit shim: its scalars narrowed as
 * the kernel narrows a 32-bit process's, structure sizes checked against the
 * method's 32-bit declarations, the caller's ABI told to the method, and
 * handles and completions that survive the trip through 32 bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "shim/verifier.h"
#include "uc_fixture.h"

enum { SEL_ECHO, SEL_LAYOUT, SEL_SAME, SEL_MKHANDLE, SEL_USEHANDLE, SEL_ASYNC, SEL_COUNT };
#define HANDLE_TYPE 0x61626933u

/* A request whose layout differs between the ABIs: 24 bytes on LP64,
 * 16 for a 32-bit caller (long is 4 bytes and uint64_t 4-aligned on i386). */
#define LAYOUT64 24u
#define LAYOUT32 16u

static struct {
	uint64_t in0;
	enum shim_uc_abi abi;
	shim_uc_async *kept;
} seen;

static shim_ret m_echo(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	seen.in0 = a->scalar_in[0];
	seen.abi = a->abi;
	a->scalar_out[0] = a->scalar_in[0];
	a->scalar_out[1] = 0x1122334455667788ull; /* does not fit 32 bits */
	a->scalar_out_written = 2;
	return SHIM_OK;
}

static shim_ret m_layout(shim_uc *uc, struct shim_uc_args *a)
{
	(void)uc;
	seen.abi = a->abi;
	memset(a->struct_out, 0, a->struct_out_cap);
	a->struct_out_written = a->struct_out_cap;
	return SHIM_OK;
}

static shim_ret m_mkhandle(shim_uc *uc, struct shim_uc_args *a)
{
	shim_uc_handle h;
	shim_ret r = shim_uc_handle_alloc(uc, HANDLE_TYPE, &seen, NULL, &h);

	if (r == SHIM_OK) {
		a->scalar_out[0] = h;
		a->scalar_out_written = 1;
	}
	return r;
}

static shim_ret m_usehandle(shim_uc *uc, struct shim_uc_args *a)
{
	void *obj = NULL;

	return shim_uc_handle_free(uc, a->scalar_in[0], HANDLE_TYPE, &obj);
}

static shim_ret m_async(shim_uc *uc, struct shim_uc_args *a)
{
	uint64_t v[2] = { 0xfffffffffffffffeull, 7 };

	(void)uc;
	return shim_uc_async_complete(a->async, SHIM_OK, v, 2);
}

static const struct shim_uc_method abi_methods[SEL_COUNT] = {
	[SEL_ECHO] = { .name = "echo", .fn = m_echo, .scalar_in_count = 1, .scalar_out_count = 2 },
	[SEL_LAYOUT] = { .name = "layout", .fn = m_layout, .struct_in_size = LAYOUT64,
			 .struct_out_size = LAYOUT64, .struct_in_size32 = LAYOUT32,
			 .struct_out_size32 = LAYOUT32 },
	[SEL_SAME] = { .name = "same", .fn = m_layout, .struct_in_size = 8, .struct_out_size = 8 },
	[SEL_MKHANDLE] = { .name = "mkhandle", .fn = m_mkhandle, .scalar_out_count = 1 },
	[SEL_USEHANDLE] = { .name = "usehandle", .fn = m_usehandle, .scalar_in_count = 1 },
	[SEL_ASYNC] = { .name = "async", .fn = m_async, .async_allowed = true },
};

static const struct shim_uc_desc abi_desc = {
	.methods = abi_methods,
	.method_count = SEL_COUNT,
};

static struct {
	struct uc_fixture *f;
	shim_task *t32, *t64;
	shim_uc_conn *c32, *c64;
	uint64_t done_vals[2];
	int completions;
} T;

static int setup(void **state)
{
	struct uc_fixture *f = *state;

	uc_fixture_test_setup(state);
	memset(&seen, 0, sizeof(seen));
	memset(&T, 0, sizeof(T));
	T.f = f;
	if (shim_service_set_userclient(f->fx.svc, &abi_desc, NULL) != SHIM_OK ||
	    shim_task_create(501, NULL, 0, &T.t32) != SHIM_OK ||
	    shim_task_set_abi(T.t32, SHIM_UC_ABI_ILP32) != SHIM_OK ||
	    shim_task_create(501, NULL, 0, &T.t64) != SHIM_OK ||
	    shim_uc_open(T.t32, f->fx.svc, &T.c32) != SHIM_OK ||
	    shim_uc_open(T.t64, f->fx.svc, &T.c64) != SHIM_OK)
		return -1;
	while (shim_log_pop(NULL, 0, NULL))
		; /* each test reads only its own messages */
	return 0;
}

static int teardown(void **state)
{
	shim_task_destroy(T.t32);
	shim_task_destroy(T.t64);
	assert_int_equal(SHIM_OK, shim_service_set_userclient(T.f->fx.svc, NULL, NULL));
	return uc_fixture_test_teardown(state);
}

static shim_ret echo(shim_uc_conn *c, uint64_t in, uint64_t out[2])
{
	struct shim_uc_call call = { .scalar_in = &in, .scalar_in_count = 1,
				     .scalar_out = out, .scalar_out_count = 2 };

	return shim_uc_call(c, SEL_ECHO, &call);
}

static void test_32_bit_scalar_input_is_its_low_half_zero_extended(void **state)
{
	uint64_t out[2];

	(void)state;
	assert_int_equal(SHIM_OK, echo(T.c32, 0xdeadbeef00000005ull, out));
	assert_int_equal(5, seen.in0);
	/* -1 from a 32-bit process is 0xffffffff, never sign-extended. */
	assert_int_equal(SHIM_OK, echo(T.c32, UINT64_MAX, out));
	assert_int_equal(0xffffffffull, seen.in0);
	assert_int_equal(SHIM_OK, echo(T.c64, UINT64_MAX, out));
	assert_int_equal(UINT64_MAX, seen.in0);
}

static void test_32_bit_scalar_output_is_cut_to_32_bits_and_the_loss_logged(void **state)
{
	uint64_t out[2];
	char msg[256] = "";

	(void)state;
	assert_int_equal(SHIM_OK, echo(T.c32, 9, out));
	assert_int_equal(9, out[0]);
	assert_int_equal(0x55667788ull, out[1]);
	assert_true(shim_log_pop(msg, sizeof(msg), NULL));
	assert_non_null(strstr(msg, "method echo: scalar output 1 (0x1122334455667788) cut to 32 bits"));
	assert_int_equal(SHIM_OK, echo(T.c64, 9, out));
	assert_int_equal(0x1122334455667788ull, out[1]);
}

static shim_ret layout_call(shim_uc_conn *c, uint32_t sel, size_t in_size, size_t out_size)
{
	uint8_t in[LAYOUT64] = { 0 }, out[LAYOUT64];
	struct shim_uc_call call = { .struct_in = in, .struct_in_size = in_size,
				     .struct_out = out, .struct_out_size = out_size };

	return shim_uc_call(c, sel, &call);
}

static void test_structure_sizes_are_checked_against_the_callers_abi(void **state)
{
	(void)state;
	assert_int_equal(SHIM_OK, layout_call(T.c32, SEL_LAYOUT, LAYOUT32, LAYOUT32));
	assert_int_equal(SHIM_UC_ABI_ILP32, seen.abi);
	assert_int_equal(SHIM_ERR_BAD_SHAPE, layout_call(T.c32, SEL_LAYOUT, LAYOUT64, LAYOUT32));
	assert_int_equal(SHIM_ERR_BAD_SHAPE, layout_call(T.c32, SEL_LAYOUT, LAYOUT32, LAYOUT64));
	assert_int_equal(SHIM_OK, layout_call(T.c64, SEL_LAYOUT, LAYOUT64, LAYOUT64));
	assert_int_equal(SHIM_UC_ABI_LP64, seen.abi);
	assert_int_equal(SHIM_ERR_BAD_SHAPE, layout_call(T.c64, SEL_LAYOUT, LAYOUT32, LAYOUT32));
}

static void test_undeclared_32_bit_size_is_the_64_bit_one(void **state)
{
	(void)state;
	assert_int_equal(SHIM_OK, layout_call(T.c32, SEL_SAME, 8, 8));
	assert_int_equal(SHIM_ERR_BAD_SHAPE, layout_call(T.c32, SEL_SAME, 4, 8));
	assert_int_equal(LAYOUT32, shim_uc_method_struct_in_size(&abi_methods[SEL_LAYOUT],
								  SHIM_UC_ABI_ILP32));
	assert_int_equal(8, shim_uc_method_struct_out_size(&abi_methods[SEL_SAME],
							    SHIM_UC_ABI_ILP32));
}

static shim_ret handle_call(shim_uc_conn *c, uint32_t sel, uint64_t *h)
{
	struct shim_uc_call call = { .scalar_in = h, .scalar_in_count = sel == SEL_USEHANDLE,
				     .scalar_out = h, .scalar_out_count = sel == SEL_MKHANDLE };

	return shim_uc_call(c, sel, &call);
}

static void test_handles_given_to_a_32_bit_client_fit_and_come_back(void **state)
{
	uint64_t h = 0, h64 = 0;
	char msg[256];

	(void)state;
	assert_int_equal(SHIM_OK, handle_call(T.c32, SEL_MKHANDLE, &h));
	assert_true(h != 0 && h <= UINT32_MAX);
	assert_false(shim_log_pop(msg, sizeof(msg), NULL)); /* nothing was cut */
	assert_int_equal(SHIM_OK, handle_call(T.c32, SEL_USEHANDLE, &h));
	/* Freed: stale now. */
	assert_int_equal(SHIM_ERR_BAD_HANDLE, handle_call(T.c32, SEL_USEHANDLE, &h));
	/* A 64-bit client's handle is not the 32-bit one's and vice versa. */
	assert_int_equal(SHIM_OK, handle_call(T.c32, SEL_MKHANDLE, &h));
	assert_int_equal(SHIM_OK, handle_call(T.c64, SEL_MKHANDLE, &h64));
	assert_true(h64 > UINT32_MAX);
	assert_int_equal(SHIM_ERR_BAD_HANDLE, handle_call(T.c64, SEL_USEHANDLE, &h));
	assert_int_equal(SHIM_ERR_BAD_HANDLE, handle_call(T.c32, SEL_USEHANDLE, &h64));
}

static void on_done(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	(void)refcon;
	assert_int_equal(SHIM_OK, status);
	assert_int_equal(2, count);
	memcpy(T.done_vals, vals, sizeof(T.done_vals));
	T.completions++;
}

static void test_completion_values_for_a_32_bit_client_are_32_bit(void **state)
{
	struct shim_uc_call call = { .async_fn = on_done };

	(void)state;
	assert_int_equal(SHIM_OK, shim_uc_call(T.c32, SEL_ASYNC, &call));
	uc_fixture_run_loop(T.f, 1000000);
	assert_int_equal(1, T.completions);
	assert_int_equal(0xfffffffeull, T.done_vals[0]);
	assert_int_equal(7, T.done_vals[1]);
}

static void test_task_abi_is_fixed_once_it_holds_a_connection(void **state)
{
	(void)state;
	assert_int_equal(SHIM_UC_ABI_ILP32, shim_task_abi(T.t32));
	assert_int_equal(SHIM_UC_ABI_LP64, shim_task_abi(T.t64));
	assert_int_equal(SHIM_ERR_BUSY, shim_task_set_abi(T.t64, SHIM_UC_ABI_ILP32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_task_set_abi(T.t64, (enum shim_uc_abi)7));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_task_set_abi(NULL, SHIM_UC_ABI_ILP32));
	assert_int_equal(SHIM_UC_ABI_LP64, shim_task_abi(NULL));
}

static int group_setup(void **state)
{
	return uc_fixture_boot(state);
}

#define ABI_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ABI_TEST(test_32_bit_scalar_input_is_its_low_half_zero_extended),
		ABI_TEST(test_32_bit_scalar_output_is_cut_to_32_bits_and_the_loss_logged),
		ABI_TEST(test_structure_sizes_are_checked_against_the_callers_abi),
		ABI_TEST(test_undeclared_32_bit_size_is_the_64_bit_one),
		ABI_TEST(test_handles_given_to_a_32_bit_client_fit_and_come_back),
		ABI_TEST(test_completion_values_for_a_32_bit_client_are_32_bit),
		ABI_TEST(test_task_abi_is_fixed_once_it_holds_a_connection),
	};

	return cmocka_run_group_tests_name("uc_abi32", tests, group_setup, uc_fixture_shutdown);
}
