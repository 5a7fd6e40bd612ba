/* Client memory: buffers a task maps at addresses of its own (below 4 GiB
 * for a 32-bit task), and the descriptors a method makes over its caller's
 * address range; bytes in at prepare, back at complete, never to a client
 * that is gone, and no range outside what the task mapped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "shim/verifier.h"
#include "uc_fixture.h"

/* in: address, length, mode (MODE_*); out: the sum of the bytes read. */
enum { SEL_MEM, SEL_COUNT };
enum { MODE_READ, MODE_WRITE, MODE_KEEP };
#define FILL 0x5a

static struct {
	shim_memdesc *kept;
	shim_ret create_ret;
} seen;

static shim_ret m_mem(shim_uc *uc, struct shim_uc_args *a)
{
	uint8_t bytes[64];
	uint64_t len = a->scalar_in[1], sum = 0;
	uint64_t mode = a->scalar_in[2];
	shim_memdesc *md;
	shim_ret r;

	if (len > sizeof(bytes))
		return SHIM_ERR_BAD_ARGUMENT;
	r = seen.create_ret = shim_uc_client_memdesc(uc, a->scalar_in[0], len, mode != MODE_READ, &md);
	if (r != SHIM_OK)
		return r;
	if ((r = shim_memdesc_prepare(md)) != SHIM_OK) {
		shim_memdesc_release(md);
		return r;
	}
	if (mode == MODE_READ) {
		r = shim_memdesc_read(md, 0, bytes, len);
		for (uint64_t i = 0; r == SHIM_OK && i < len; i++)
			sum += bytes[i];
	} else {
		memset(bytes, FILL, sizeof(bytes));
		r = shim_memdesc_write(md, 0, bytes, len); /* as the device's DMA would */
	}
	if (mode == MODE_KEEP) {
		seen.kept = md; /* completed and released after the client is gone */
		return r;
	}
	shim_memdesc_complete(md);
	shim_memdesc_release(md);
	a->scalar_out[0] = sum;
	a->scalar_out_written = 1;
	return r;
}

static const struct shim_uc_method mem_methods[SEL_COUNT] = {
	[SEL_MEM] = { .name = "mem", .fn = m_mem, .scalar_in_count = 3, .scalar_out_count = 1 },
};

static const struct shim_uc_desc mem_desc = { .methods = mem_methods, .method_count = SEL_COUNT };

static struct {
	struct uc_fixture *f;
	shim_task *t32, *t64;
	shim_uc_conn *c32, *c64;
} T;

static int setup(void **state)
{
	struct uc_fixture *f = *state;

	uc_fixture_test_setup(state);
	memset(&seen, 0, sizeof(seen));
	memset(&T, 0, sizeof(T));
	T.f = f;
	if (shim_service_set_userclient(f->fx.svc, &mem_desc, NULL) != SHIM_OK ||
	    shim_task_create(501, NULL, 0, &T.t32) != SHIM_OK ||
	    shim_task_set_abi(T.t32, SHIM_UC_ABI_ILP32) != SHIM_OK ||
	    shim_task_create(501, NULL, 0, &T.t64) != SHIM_OK ||
	    shim_uc_open(T.t32, f->fx.svc, &T.c32) != SHIM_OK ||
	    shim_uc_open(T.t64, f->fx.svc, &T.c64) != SHIM_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	if (T.t32 != NULL)
		shim_task_destroy(T.t32);
	if (T.t64 != NULL)
		shim_task_destroy(T.t64);
	assert_int_equal(SHIM_OK, shim_service_set_userclient(T.f->fx.svc, NULL, NULL));
	return uc_fixture_test_teardown(state);
}

static shim_ret mem_call(shim_uc_conn *c, uint64_t addr, uint64_t len, uint64_t mode,
			 uint64_t *sum)
{
	uint64_t in[3] = { addr, len, mode }, out[1] = { 0 };
	struct shim_uc_call call = { .scalar_in = in, .scalar_in_count = 3, .scalar_out = out,
				     .scalar_out_count = 1 };
	shim_ret r = shim_uc_call(c, SEL_MEM, &call);

	if (sum != NULL)
		*sum = out[0];
	return r;
}

static void test_32_bit_task_maps_below_4_gib_and_64_bit_task_above(void **state)
{
	uint8_t a[16], b[16];
	uint64_t a32, b32, a64;

	(void)state;
	assert_int_equal(SHIM_OK, shim_task_map(T.t32, a, sizeof(a), &a32));
	assert_int_equal(SHIM_OK, shim_task_map(T.t32, b, sizeof(b), &b32));
	assert_true(a32 + sizeof(a) <= UINT32_MAX && b32 + sizeof(b) <= UINT32_MAX);
	assert_true(b32 > a32 + sizeof(a)); /* apart: one range never runs into the next */
	assert_int_equal(SHIM_OK, shim_task_map(T.t64, a, sizeof(a), &a64));
	assert_true(a64 > UINT32_MAX);
	/* Its ABI is fixed now that it holds memory. */
	assert_int_equal(SHIM_ERR_BUSY, shim_task_set_abi(T.t64, SHIM_UC_ABI_ILP32));
	assert_int_equal(SHIM_OK, shim_task_unmap(T.t32, a32));
	assert_int_equal(SHIM_ERR_NOT_FOUND, shim_task_unmap(T.t32, a32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, shim_task_map(T.t32, a, 0, &a32));
}

static void test_descriptor_over_client_memory_holds_its_bytes_after_prepare(void **state)
{
	uint8_t buf[32];
	uint64_t addr, sum;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(SHIM_OK, shim_task_map(T.t32, buf, sizeof(buf), &addr));
	assert_int_equal(SHIM_OK, mem_call(T.c32, addr + 4, 8, MODE_READ, &sum));
	assert_int_equal(4 + 5 + 6 + 7 + 8 + 9 + 10 + 11, sum);
}

static void test_device_writes_reach_the_client_at_complete(void **state)
{
	uint8_t buf[32] = { 0 }, want[32] = { 0 };
	uint64_t addr;

	(void)state;
	memset(want + 8, FILL, 16);
	assert_int_equal(SHIM_OK, shim_task_map(T.t64, buf, sizeof(buf), &addr));
	assert_int_equal(SHIM_OK, mem_call(T.c64, addr + 8, 16, MODE_WRITE, NULL));
	assert_memory_equal(want, buf, sizeof(buf));
}

static void test_range_outside_the_tasks_memory_is_refused(void **state)
{
	uint8_t buf[32];
	uint64_t a32, a64;

	(void)state;
	assert_int_equal(SHIM_OK, shim_task_map(T.t32, buf, sizeof(buf), &a32));
	assert_int_equal(SHIM_OK, shim_task_map(T.t64, buf, sizeof(buf), &a64));
	/* Past the end, before the start, another task's address. */
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, mem_call(T.c32, a32 + 24, 16, MODE_READ, NULL));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, mem_call(T.c32, a32 - 1, 4, MODE_READ, NULL));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, mem_call(T.c64, a32, 4, MODE_READ, NULL));
	/* A 64-bit address from a 32-bit client arrives as its low half. */
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, mem_call(T.c32, a64, 4, MODE_READ, NULL));
	assert_int_equal(SHIM_OK, shim_task_unmap(T.t32, a32));
	assert_int_equal(SHIM_ERR_BAD_ARGUMENT, mem_call(T.c32, a32, 4, MODE_READ, NULL));
}

static void test_descriptor_outliving_its_client_writes_nothing_back(void **state)
{
	uint8_t buf[16] = { 0 };
	uint64_t addr;

	(void)state;
	assert_int_equal(SHIM_OK, shim_task_map(T.t32, buf, sizeof(buf), &addr));
	assert_int_equal(SHIM_OK, mem_call(T.c32, addr, 16, MODE_KEEP, NULL));
	shim_task_die(T.t32);
	T.t32 = NULL;
	memset(buf, 0, sizeof(buf)); /* the memory is no longer the client's */
	assert_int_equal(SHIM_OK, shim_memdesc_complete(seen.kept));
	shim_memdesc_release(seen.kept);
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(0, buf[i]);
}

static int group_setup(void **state)
{
	return uc_fixture_boot(state);
}

#define MEM_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		MEM_TEST(test_32_bit_task_maps_below_4_gib_and_64_bit_task_above),
		MEM_TEST(test_descriptor_over_client_memory_holds_its_bytes_after_prepare),
		MEM_TEST(test_device_writes_reach_the_client_at_complete),
		MEM_TEST(test_range_outside_the_tasks_memory_is_refused),
		MEM_TEST(test_descriptor_outliving_its_client_writes_nothing_back),
	};

	return cmocka_run_group_tests_name("uc_client_memory", tests, group_setup,
					   uc_fixture_shutdown);
}
