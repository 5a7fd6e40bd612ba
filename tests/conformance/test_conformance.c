/* Differential tests: each conformance case runs on the sim host (our edu
 * model) and on qemu:edu (QEMU's edu), one machine per host for the whole
 * group, and the two traces must agree up to the allow-list given as
 * argv[1]. On a difference (or with DRVBENCH_CONF_DUMP set) both traces are
 * written to conf-<case>-{sim,qemu}.trace in the current directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"
#include "bench/machine.h"
#include "shim/verifier.h"

#define CONF_REPORT 4096

struct conf_suite {
	const char *allowlist_path;
	struct conf_allowlist al;
	struct conf_machine sim, qemu;
	bool sim_up, qemu_up;
	char qemu_why[CONF_WHY_LEN];
};

static struct conf_suite conf_suite; /* main() sets the path; state carries it from there */

static int conf_group_setup(void **state)
{
	struct conf_suite *s = &conf_suite;
	char why[CONF_WHY_LEN] = "";

	*state = s;
	if (!conf_allowlist_load(&s->al, s->allowlist_path, why, sizeof(why))) {
		fprintf(stderr, "conformance: %s\n", why);
		return -1;
	}
	if (conf_boot(&s->sim, &bench_host_sim_factory, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "conformance: sim: %s\n", why);
		return -1;
	}
	s->sim_up = true;
	s->qemu_up = conf_boot(&s->qemu, &bench_host_qemu_factory, s->qemu_why,
			       sizeof(s->qemu_why)) == SHIM_OK;
	return 0;
}

static int conf_group_teardown(void **state)
{
	struct conf_suite *s = *state;

	if (s->sim_up)
		conf_shutdown(&s->sim);
	if (s->qemu_up)
		conf_shutdown(&s->qemu);
	conf_allowlist_free(&s->al);
	shim_verifier_clear();
	return 0;
}

static void conf_dump(const char *name, struct conf_machine *cm, const char *host)
{
	const struct bench_trace_line *l;
	size_t n = bench_trace_lines(cm->trace, &l);
	char path[128];

	snprintf(path, sizeof(path), "conf-%s-%s.trace", name, host);
	conf_trace_dump(path, l, n);
}

/* Compares what both machines recorded since the last clear. */
static void conf_compare_now(struct conf_suite *s, const char *name)
{
	const struct bench_trace_line *a, *b;
	size_t na = bench_trace_lines(s->sim.trace, &a), nb = bench_trace_lines(s->qemu.trace, &b);
	static char why[CONF_REPORT];

	assert_true(bench_trace_complete(s->sim.trace) && bench_trace_complete(s->qemu.trace));
	if (getenv("DRVBENCH_CONF_DUMP") != NULL) { /* to read the traces of a passing run */
		conf_dump(name, &s->sim, "sim");
		conf_dump(name, &s->qemu, "qemu");
	}
	if (!conf_compare(a, na, b, nb, &s->al, why, sizeof(why))) {
		conf_dump(name, &s->sim, "sim");
		conf_dump(name, &s->qemu, "qemu");
		fail_msg("conformance %s (first: sim, second: qemu:edu): %s\n"
			 "(full traces: conf-%s-{sim,qemu}.trace)", name, why, name);
	}
}

static void conf_need_qemu(struct conf_suite *s)
{
	/* QEMU is a dependency the bootstrap installs: not booting is a failure. */
	if (!s->qemu_up)
		fail_msg("qemu:edu did not boot, nothing to compare against: %s", s->qemu_why);
}

static void conf_run_on(struct conf_machine *cm, const struct conf_case *c)
{
	char why[CONF_WHY_LEN] = "";

	bool ran, clean;

	bench_trace_clear(cm->trace);
	ran = c->run(cm, why, sizeof(why));
	if (!ran)
		fail_msg("case %s failed on %s: %s", c->name, cm->factory->name, why);
	clean = bench_verifier_empty(why, sizeof(why));
	shim_verifier_clear(); /* the next case starts clean */
	if (!clean)
		fail_msg("case %s on %s left a verifier record: %s", c->name, cm->factory->name,
			 why);
}

static void conf_run_case(void **state, const char *name)
{
	struct conf_suite *s = *state;
	const struct conf_case *c = conf_case_find(name);

	assert_non_null(c);
	conf_need_qemu(s);
	conf_run_on(&s->sim, c);
	conf_run_on(&s->qemu, c);
	conf_compare_now(s, name);
}

static void test_conf_boot_enumeration_matches(void **state)
{
	struct conf_suite *s = *state;

	conf_need_qemu(s);
	conf_compare_now(s, "boot"); /* the traces still hold the firmware's work */
}

#define CONF_CASE_TEST(fn, name)            \
	static void fn(void **state)        \
	{                                   \
		conf_run_case(state, name); \
	}

CONF_CASE_TEST(test_conf_identity_matches, "identity")
CONF_CASE_TEST(test_conf_liveness_matches, "liveness")
CONF_CASE_TEST(test_conf_factorial_0_to_12_and_large_match, "factorial")
CONF_CASE_TEST(test_conf_status_bits_while_computing_match, "status-while-computing")
CONF_CASE_TEST(test_conf_intx_raise_ack_matches, "intx-raise-ack")
CONF_CASE_TEST(test_conf_msi_raise_ack_matches, "msi-raise-ack")
CONF_CASE_TEST(test_conf_dma_at_buffer_edges_matches, "dma-edges")
CONF_CASE_TEST(test_conf_dma_at_28_bit_mask_boundary_matches, "dma-mask-boundary")

/* Every allow-list line must still excuse something, or it goes. */
static void test_conf_allowlist_has_no_stale_line(void **state)
{
	struct conf_suite *s = *state;

	conf_need_qemu(s);
	for (size_t i = 0; i < s->al.count; i++)
		if (s->al.items[i].used == 0)
			fail_msg("allow-list line '%s' excused nothing: remove it",
				 s->al.items[i].pattern);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_boot_enumeration_matches),
		cmocka_unit_test(test_conf_identity_matches),
		cmocka_unit_test(test_conf_liveness_matches),
		cmocka_unit_test(test_conf_factorial_0_to_12_and_large_match),
		cmocka_unit_test(test_conf_status_bits_while_computing_match),
		cmocka_unit_test(test_conf_intx_raise_ack_matches),
		cmocka_unit_test(test_conf_msi_raise_ack_matches),
		cmocka_unit_test(test_conf_dma_at_buffer_edges_matches),
		cmocka_unit_test(test_conf_dma_at_28_bit_mask_boundary_matches),
		cmocka_unit_test(test_conf_allowlist_has_no_stale_line),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s ALLOWLIST\n", argv[0]);
		return 2;
	}
	conf_suite.allowlist_path = argv[1];
	return cmocka_run_group_tests_name("conformance", tests, conf_group_setup,
					   conf_group_teardown);
}
