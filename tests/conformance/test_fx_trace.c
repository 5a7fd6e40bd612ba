/* The trace recorder on the sim host, driven through raw host ops: what it
 * records, what it leaves out, and how lines collapse and interrupts tally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bench/host.h"
#include "bench/trace.h"
#include "edu_qos_regs.h"

#define TR_EDU SHIM_BDF(0, EDU_QOS_SLOT, 0)
#define TR_BAR0 0xfe000000u

struct tr_rig {
	struct bench_host_parts parts;
	struct bench_trace *trace;
	struct shim_host host; /* the wrapper */
};

static int tr_setup(void **state)
{
	static struct tr_rig rig;
	struct bench_options opt = { .profile = bench_profile_builtin_find("edu") };
	char why[256];

	memset(&rig, 0, sizeof(rig));
	if (opt.profile == NULL || bench_profile_slot(opt.profile) != EDU_QOS_SLOT)
		return -1;
	rig.trace = bench_trace_create(TR_EDU);
	if (rig.trace == NULL ||
	    bench_host_sim_factory.create(&opt, &rig.parts, why, sizeof(why)) != SHIM_OK)
		return -1;
	if (bench_trace_wrap(rig.trace, rig.parts.host, &rig.host) != SHIM_OK)
		return -1;
	*state = &rig;
	return 0;
}

static int tr_teardown(void **state)
{
	struct tr_rig *rig = *state;

	rig->host.ops->destroy(rig->host.ctx); /* the inner host goes, the trace stays */
	bench_trace_destroy(rig->trace);
	rig->parts.release(rig->parts.priv);
	return 0;
}

static const struct bench_trace_line *tr_lines(struct tr_rig *rig, size_t *n)
{
	const struct bench_trace_line *l;

	*n = bench_trace_lines(rig->trace, &l);
	return l;
}

static void test_fx_trace_records_only_the_traced_function(void **state)
{
	struct tr_rig *rig = *state;
	const struct bench_trace_line *l;
	uint32_t v = 0;
	size_t n;

	assert_int_equal(SHIM_OK, rig->host.ops->cfg_read(rig->host.ctx, TR_EDU, 0, 4, &v));
	assert_int_equal(SHIM_OK,
			 rig->host.ops->cfg_read(rig->host.ctx, SHIM_BDF(0, 3, 0), 0, 4, &v));
	l = tr_lines(rig, &n);
	assert_int_equal(1, n);
	assert_string_equal("cfg_r 0x000/4 = 0x11e81234", l[0].text);
}

static void test_fx_trace_names_the_window_and_collapses_repeats(void **state)
{
	struct tr_rig *rig = *state;
	const struct shim_host_ops *ops = rig->host.ops;
	const struct bench_trace_line *l;
	uint64_t v = 0;
	size_t n;

	assert_int_equal(SHIM_OK, ops->cfg_write(rig->host.ctx, TR_EDU, EDU_QOS_CFG_BAR0, 4, TR_BAR0));
	assert_int_equal(SHIM_OK, ops->cfg_write(rig->host.ctx, TR_EDU, EDU_QOS_CFG_COMMAND, 2,
						 EDU_QOS_CMD_MEMORY));
	bench_trace_window(rig->trace, TR_BAR0, EDU_QOS_BAR0_SIZE);
	bench_trace_clear(rig->trace);
	assert_int_equal(SHIM_OK, ops->mem_write(rig->host.ctx, TR_BAR0 + EDU_QOS_LIVENESS, 4,
						 0x12345678));
	assert_int_equal(SHIM_OK, ops->mem_read(rig->host.ctx, TR_BAR0 + EDU_QOS_LIVENESS, 4, &v));
	assert_int_equal(SHIM_OK, ops->mem_read(rig->host.ctx, TR_BAR0 + EDU_QOS_LIVENESS, 4, &v));
	bench_trace_polling(rig->trace, true);
	assert_int_equal(SHIM_OK, ops->mem_read(rig->host.ctx, TR_BAR0 + EDU_QOS_STATUS, 4, &v));
	bench_trace_polling(rig->trace, false);
	l = tr_lines(rig, &n);
	assert_int_equal(3, n);
	assert_string_equal("mmio_w bar0+0x004/4 = 0x12345678", l[0].text);
	assert_string_equal("mmio_r bar0+0x004/4 = 0xedcba987", l[1].text);
	assert_int_equal(2, l[1].count);
	assert_string_equal("poll mmio_r bar0+0x020/4 = 0x0", l[2].text);
}

static void test_fx_trace_hashes_ram_contents(void **state)
{
	struct tr_rig *rig = *state;
	const struct shim_host_ops *ops = rig->host.ops;
	const struct bench_trace_line *l;
	uint8_t out[64], back[64];
	size_t n;

	memset(out, 0x5a, sizeof(out));
	bench_trace_clear(rig->trace);
	assert_int_equal(SHIM_OK, ops->ram_write(rig->host.ctx, 0x200000, out, sizeof(out)));
	assert_int_equal(SHIM_OK, ops->ram_read(rig->host.ctx, 0x200000, back, sizeof(back)));
	out[63] = 0;
	assert_int_equal(SHIM_OK, ops->ram_write(rig->host.ctx, 0x200000, out, sizeof(out)));
	l = tr_lines(rig, &n);
	assert_int_equal(3, n);
	/* Same bytes, same hash; one byte changed, another hash. */
	assert_string_equal(l[0].text + 5, l[1].text + 5);
	assert_string_not_equal(l[0].text, l[2].text);
}

static void test_fx_trace_tallies_interrupts_at_notes(void **state)
{
	struct tr_rig *rig = *state;
	const struct shim_host_ops *ops = rig->host.ops;
	const struct bench_trace_line *l;
	struct shim_host_irq ev;
	size_t n;

	assert_int_equal(SHIM_OK, ops->cfg_write(rig->host.ctx, TR_EDU, EDU_QOS_CFG_BAR0, 4, TR_BAR0));
	assert_int_equal(SHIM_OK, ops->cfg_write(rig->host.ctx, TR_EDU, EDU_QOS_CFG_COMMAND, 2,
						 EDU_QOS_CMD_MEMORY | EDU_QOS_CMD_MASTER));
	bench_trace_window(rig->trace, TR_BAR0, EDU_QOS_BAR0_SIZE);
	bench_trace_clear(rig->trace);
	assert_int_equal(SHIM_OK, ops->mem_write(rig->host.ctx, TR_BAR0 + EDU_QOS_IRQ_RAISE, 4, 0x1));
	while (ops->irq_next(rig->host.ctx, &ev) == SHIM_OK)
		;
	bench_trace_note(rig->trace, "raised");
	l = tr_lines(rig, &n);
	assert_int_equal(3, n);
	assert_string_equal("irq intx raised 1 lowered 0", l[1].text);
	assert_string_equal("# raised", l[2].text);
	assert_true(bench_trace_complete(rig->trace));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fx_trace_records_only_the_traced_function,
						tr_setup, tr_teardown),
		cmocka_unit_test_setup_teardown(test_fx_trace_names_the_window_and_collapses_repeats,
						tr_setup, tr_teardown),
		cmocka_unit_test_setup_teardown(test_fx_trace_hashes_ram_contents, tr_setup,
						tr_teardown),
		cmocka_unit_test_setup_teardown(test_fx_trace_tallies_interrupts_at_notes, tr_setup,
						tr_teardown),
	};

	return cmocka_run_group_tests_name("bench_trace", tests, NULL, NULL);
}
