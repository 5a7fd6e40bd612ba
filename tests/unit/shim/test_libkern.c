/* libkern wrappers: libc semantics, overflow-checked arithmetic, byte order. */
#include <string.h>

#include "core_fixture.h"
#include "shim/libkern.h"

static void test_libkern_memcpy_memset_memcmp_behave_like_libc(void **state)
{
	unsigned char a[8], b[8];

	(void)state;
	assert_ptr_equal(a, shim_memset(a, 0xab, sizeof(a)));
	assert_int_equal(0xab, a[7]);
	assert_ptr_equal(b, shim_memcpy(b, a, sizeof(b)));
	assert_int_equal(0, shim_memcmp(a, b, sizeof(a)));
	b[3] = 0;
	assert_true(shim_memcmp(a, b, sizeof(a)) > 0);
	assert_true(shim_memcmp(b, a, sizeof(a)) < 0);
}

static void test_libkern_zero_length_calls_accept_null(void **state)
{
	(void)state;
	assert_null(shim_memcpy(NULL, NULL, 0));
	assert_null(shim_memset(NULL, 0, 0));
	assert_int_equal(0, shim_memcmp(NULL, NULL, 0));
}

static void test_libkern_string_helpers(void **state)
{
	(void)state;
	assert_int_equal(5, shim_strlen("hello"));
	assert_int_equal(0, shim_strcmp("edu", "edu"));
	assert_true(shim_strcmp("a", "b") < 0);
}

static void test_libkern_snprintf_truncates_and_terminates(void **state)
{
	char buf[6];

	(void)state;
	assert_int_equal(11, shim_snprintf(buf, sizeof(buf), "%s-%d", "abcde", 12345));
	assert_string_equal("abcde", buf);
	assert_int_equal(3, shim_snprintf(NULL, 0, "%d", 123));
}

static void test_libkern_add_reports_overflow_and_leaves_out_alone(void **state)
{
	uint64_t out = 7;

	(void)state;
	assert_false(shim_add_overflows_u64(1, 2, &out));
	assert_int_equal(3, out);
	out = 7;
	assert_true(shim_add_overflows_u64(UINT64_MAX, 1, &out));
	assert_int_equal(7, out);
}

static void test_libkern_mul_reports_overflow_and_leaves_out_alone(void **state)
{
	uint64_t out = 7;

	(void)state;
	assert_false(shim_mul_overflows_u64(1u << 20, 1u << 20, &out));
	assert_int_equal(UINT64_C(1) << 40, out);
	out = 7;
	assert_true(shim_mul_overflows_u64(UINT64_C(1) << 32, UINT64_C(1) << 32, &out));
	assert_int_equal(7, out);
}

static void test_libkern_byte_order_reads_little_endian_bytes(void **state)
{
	const uint8_t b[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	(void)state;
	memcpy(&v16, b, sizeof(v16));
	memcpy(&v32, b, sizeof(v32));
	memcpy(&v64, b, sizeof(v64));
	assert_int_equal(0x0201, shim_le16_to_host(v16));
	assert_int_equal(0x04030201u, shim_le32_to_host(v32));
	assert_int_equal(UINT64_C(0x0807060504030201), shim_le64_to_host(v64));
	/* And back: the bytes in device order again. */
	v32 = shim_host_to_le32(0x04030201u);
	assert_memory_equal(b, &v32, sizeof(v32));
	v64 = shim_host_to_le64(UINT64_C(0x0807060504030201));
	assert_memory_equal(b, &v64, sizeof(v64));
	v16 = shim_host_to_le16(0x0201);
	assert_memory_equal(b, &v16, sizeof(v16));
	shim_synchronize_io(); /* a barrier: nothing to see, it must just be there */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CORE_TEST(test_libkern_memcpy_memset_memcmp_behave_like_libc),
		CORE_TEST(test_libkern_zero_length_calls_accept_null),
		CORE_TEST(test_libkern_string_helpers),
		CORE_TEST(test_libkern_snprintf_truncates_and_terminates),
		CORE_TEST(test_libkern_add_reports_overflow_and_leaves_out_alone),
		CORE_TEST(test_libkern_mul_reports_overflow_and_leaves_out_alone),
		CORE_TEST(test_libkern_byte_order_reads_little_endian_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
