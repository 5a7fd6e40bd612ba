/* The mpqemu message decoder: every message QEMU sends decodes to the
 * fields it carries, and every malformed one is refused with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/remote.h"

static size_t enc(const struct model_remote_msg *m, uint8_t *buf)
{
	size_t n = model_remote_encode(m, buf, MODEL_REMOTE_MAX_MSG);

	assert_true(n >= MODEL_REMOTE_HDR_SIZE);
	return n;
}

static size_t cfg_msg(uint8_t *buf, enum model_remote_cmd cmd, uint32_t off, uint32_t val,
		      unsigned len)
{
	struct model_remote_msg m = { .cmd = cmd, .u.cfg = { off, val, len } };
	return enc(&m, buf);
}

static size_t bar_msg(uint8_t *buf, enum model_remote_cmd cmd, uint64_t addr, uint64_t val,
		      unsigned size, bool memory)
{
	struct model_remote_msg m = { .cmd = cmd, .u.bar = { addr, val, size, memory } };
	return enc(&m, buf);
}

static void test_decoder_cfg_read_yields_offset_and_length(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m;
	size_t n = cfg_msg(buf, MODEL_REMOTE_CFG_READ, 0x2e, 0, 2);

	(void)state;
	assert_int_equal(16 + 12, n);
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 0, &m));
	assert_int_equal(MODEL_REMOTE_CFG_READ, m.cmd);
	assert_int_equal(0x2e, m.u.cfg.off);
	assert_int_equal(2, m.u.cfg.len);
}

static void test_decoder_bar_write_yields_absolute_address_and_value(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m;
	size_t n = bar_msg(buf, MODEL_REMOTE_BAR_WRITE, 0xfe000004ull, 0x12345678, 4, true);

	(void)state;
	assert_int_equal(16 + 24, n);
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 0, &m));
	assert_int_equal(MODEL_REMOTE_BAR_WRITE, m.cmd);
	assert_int_equal(0xfe000004ull, m.u.bar.addr);
	assert_int_equal(0x12345678, m.u.bar.val);
	assert_int_equal(4, m.u.bar.size);
	assert_true(m.u.bar.memory);
}

static void test_decoder_sysmem_yields_one_region_per_fd(void **state)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SYNC_SYSMEM };
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	size_t n;

	(void)state;
	m.u.sysmem.count = 3;
	m.u.sysmem.r[0] = (struct model_remote_region){ 0, 0xc0000, 0 };
	m.u.sysmem.r[1] = (struct model_remote_region){ 0xe0000, 0x10000, 0xe0000 };
	m.u.sysmem.r[2] = (struct model_remote_region){ 0x100000, 0x7f00000, 0x100000 };
	n = enc(&m, buf);
	assert_int_equal(16 + 192, n);
	memset(&m, 0xaa, sizeof(m));
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 3, &m));
	assert_int_equal(3, m.u.sysmem.count);
	assert_int_equal(0xe0000, m.u.sysmem.r[1].gpa);
	assert_int_equal(0x7f00000, m.u.sysmem.r[2].size);
	assert_int_equal(0x100000, m.u.sysmem.r[2].offset);
}

static void test_decoder_irqfd_and_reset_have_empty_payloads(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SET_IRQFD }, out;
	size_t n = enc(&m, buf);

	(void)state;
	assert_int_equal(16, n);
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 2, &out));
	m.cmd = MODEL_REMOTE_DEVICE_RESET;
	n = enc(&m, buf);
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 0, &out));
	assert_int_equal(MODEL_REMOTE_DEVICE_RESET, out.cmd);
}

static void test_decoder_ret_value_is_little_endian(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_RET, .u.ret = 0x1122334455667788ull }, out;
	size_t n = enc(&m, buf);

	(void)state;
	assert_int_equal(0x88, buf[16]);
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 0, &out));
	assert_int_equal(0x1122334455667788ull, out.u.ret);
}

static void test_decoder_short_header_is_truncated(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m;
	size_t n = cfg_msg(buf, MODEL_REMOTE_CFG_READ, 0, 0, 4);

	(void)state;
	assert_int_equal(MODEL_REMOTE_E_TRUNCATED, model_remote_decode(buf, 15, 0, &m));
	assert_int_equal(MODEL_REMOTE_E_TRUNCATED, model_remote_decode(buf, n - 1, 0, &m));
	assert_int_equal(MODEL_REMOTE_E_TRUNCATED, model_remote_decode(NULL, 0, 0, &m));
}

static void test_decoder_payload_above_192_is_too_big(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG] = { 0 };
	struct model_remote_msg m;
	uint64_t size = 0;

	(void)state;
	buf[0] = MODEL_REMOTE_CFG_READ;
	buf[8] = 193;
	assert_int_equal(MODEL_REMOTE_E_TOO_BIG, model_remote_header_size(buf, &size));
	assert_int_equal(MODEL_REMOTE_E_TOO_BIG, model_remote_decode(buf, sizeof(buf), 0, &m));
	memset(buf + 8, 0xff, 8); /* a size that would wrap a naive bounds check */
	assert_int_equal(MODEL_REMOTE_E_TOO_BIG, model_remote_decode(buf, sizeof(buf), 0, &m));
}

static void test_decoder_unknown_and_negative_commands_are_refused(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG] = { 0 };
	struct model_remote_msg m;

	(void)state;
	buf[0] = 8;
	assert_int_equal(MODEL_REMOTE_E_UNKNOWN_CMD, model_remote_decode(buf, 16, 0, &m));
	assert_false(model_remote_cmd_wants_reply((int)m.cmd));
	memset(buf, 0xff, 4); /* -1 */
	assert_int_equal(MODEL_REMOTE_E_UNKNOWN_CMD, model_remote_decode(buf, 16, 0, &m));
}

static void test_decoder_wrong_payload_size_is_refused_but_cmd_known(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG] = { 0 };
	struct model_remote_msg m;

	(void)state;
	buf[0] = MODEL_REMOTE_BAR_READ;
	buf[8] = 12; /* a config payload on a BAR command */
	assert_int_equal(MODEL_REMOTE_E_PAYLOAD_SIZE, model_remote_decode(buf, 28, 0, &m));
	assert_int_equal(MODEL_REMOTE_BAR_READ, m.cmd);
	assert_true(model_remote_cmd_wants_reply((int)m.cmd));
	/* Bytes beyond the announced payload are a framing mistake too. */
	assert_int_equal(MODEL_REMOTE_E_PAYLOAD_SIZE, model_remote_decode(buf, 29, 0, &m));
}

static void test_decoder_fd_counts_are_checked_per_command(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SYNC_SYSMEM }, out;
	size_t n;

	(void)state;
	m.u.sysmem.count = 1;
	m.u.sysmem.r[0] = (struct model_remote_region){ 0, 0x1000, 0 };
	n = enc(&m, buf);
	assert_int_equal(MODEL_REMOTE_E_FD_COUNT, model_remote_decode(buf, n, 0, &out));
	assert_int_equal(MODEL_REMOTE_E_FD_COUNT, model_remote_decode(buf, n, 9, &out));
	n = cfg_msg(buf, MODEL_REMOTE_CFG_WRITE, 4, 6, 2);
	assert_int_equal(MODEL_REMOTE_E_FD_COUNT, model_remote_decode(buf, n, 1, &out));
	m = (struct model_remote_msg){ .cmd = MODEL_REMOTE_SET_IRQFD };
	n = enc(&m, buf);
	assert_int_equal(MODEL_REMOTE_E_FD_COUNT, model_remote_decode(buf, n, 1, &out));
}

static void test_decoder_cfg_length_and_offset_are_range_checked(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m;
	size_t n;

	(void)state;
	n = cfg_msg(buf, MODEL_REMOTE_CFG_READ, 0, 0, 3);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 0, &m));
	n = cfg_msg(buf, MODEL_REMOTE_CFG_READ, 0xfe, 0, 4);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 0, &m));
	n = cfg_msg(buf, MODEL_REMOTE_CFG_WRITE, 0xfffffffcu, 0, 4);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 0, &m));
	n = cfg_msg(buf, MODEL_REMOTE_CFG_READ, 0xfc, 0, 4);
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 0, &m));
}

static void test_decoder_bar_size_kind_and_port_are_range_checked(void **state)
{
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	struct model_remote_msg m;
	size_t n;

	(void)state;
	n = bar_msg(buf, MODEL_REMOTE_BAR_READ, 0xfe000000ull, 0, 3, true);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 0, &m));
	n = bar_msg(buf, MODEL_REMOTE_BAR_READ, 0xfffffffffffffffeull, 0, 4, true);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 0, &m));
	n = bar_msg(buf, MODEL_REMOTE_BAR_READ, 0xfffe, 0, 4, false);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 0, &m));
	n = bar_msg(buf, MODEL_REMOTE_BAR_READ, 0xc000, 0, 4, false);
	assert_int_equal(MODEL_REMOTE_OK, model_remote_decode(buf, n, 0, &m));
	buf[16 + 20] = 2; /* the memory flag is 0 or 1 */
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 0, &m));
}

static void test_decoder_sysmem_region_must_not_wrap_or_be_empty(void **state)
{
	struct model_remote_msg m = { .cmd = MODEL_REMOTE_SYNC_SYSMEM }, out;
	uint8_t buf[MODEL_REMOTE_MAX_MSG];
	size_t n;

	(void)state;
	m.u.sysmem.count = 1;
	m.u.sysmem.r[0] = (struct model_remote_region){ 0xfffffffffffff000ull, 0x2000, 0 };
	n = enc(&m, buf);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 1, &out));
	m.u.sysmem.r[0] = (struct model_remote_region){ 0x1000, 0, 0 };
	n = enc(&m, buf);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 1, &out));
	m.u.sysmem.r[0] = (struct model_remote_region){ 0x1000, 0x1000, -4096 };
	n = enc(&m, buf);
	assert_int_equal(MODEL_REMOTE_E_FIELD, model_remote_decode(buf, n, 1, &out));
}

static void test_decoder_names_every_status_and_command(void **state)
{
	(void)state;
	for (int s = MODEL_REMOTE_OK; s <= MODEL_REMOTE_E_FIELD; s++)
		assert_string_not_equal("unknown status",
					model_remote_status_string((enum model_remote_status)s));
	assert_string_equal("BAR_READ", model_remote_cmd_string(MODEL_REMOTE_BAR_READ));
	assert_string_equal("unknown", model_remote_cmd_string(42));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decoder_cfg_read_yields_offset_and_length),
		cmocka_unit_test(test_decoder_bar_write_yields_absolute_address_and_value),
		cmocka_unit_test(test_decoder_sysmem_yields_one_region_per_fd),
		cmocka_unit_test(test_decoder_irqfd_and_reset_have_empty_payloads),
		cmocka_unit_test(test_decoder_ret_value_is_little_endian),
		cmocka_unit_test(test_decoder_short_header_is_truncated),
		cmocka_unit_test(test_decoder_payload_above_192_is_too_big),
		cmocka_unit_test(test_decoder_unknown_and_negative_commands_are_refused),
		cmocka_unit_test(test_decoder_wrong_payload_size_is_refused_but_cmd_known),
		cmocka_unit_test(test_decoder_fd_counts_are_checked_per_command),
		cmocka_unit_test(test_decoder_cfg_length_and_offset_are_range_checked),
		cmocka_unit_test(test_decoder_bar_size_kind_and_port_are_range_checked),
		cmocka_unit_test(test_decoder_sysmem_region_must_not_wrap_or_be_empty),
		cmocka_unit_test(test_decoder_names_every_status_and_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
