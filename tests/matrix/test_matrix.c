/* The scenario x host matrix, KUnit-style: every scenario the bench gives a
 * kext (the generic ones, then its test module's) on every host named, one
 * cmocka test each, named "HOST:DEVICE/SCENARIO", built at run time from
 * the tables. A cell fails on FAIL, on an unexpected CANNOT RUN, on an
 * expected one for another reason, on an expected one that passes, and when
 * the counters before and after differ. Expected CANNOT RUNs come from the
 * scenario's own cannot_run table or, for the generic scenarios (which know
 * no driver), from --expect-cannot-run. Registered by each kext's meson.build:
 *
 *   test_matrix --kext PATH [--tests PATH] [--device NAME|FILE]
 *               --host sim|qemu|qemu-proxy|all [--host ...]... [--scenario NAME]...
 *               [--expect-cannot-run SCENARIO@HOST=REASON]... [--expect-total N]
 *               [--client-abi lp64|ilp32]
 *
 * --expect-total N pins the number of cells expected to CANNOT RUN, so the
 * exact list is asserted (0: every scenario must pass on every host).
 * --client-abi ilp32 makes the user-client scenarios' clients 32-bit
 * processes; the cells are then named "HOST:DEVICE/SCENARIO [ilp32]". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench/kext.h"
#include "bench/scenario.h"

#define MATRIX_MAX_HOSTS 8
#define MATRIX_MAX_EXPECT 32
#define MATRIX_MAX_PICK 64
#define MATRIX_MAX_CELLS 512
#define MATRIX_META 3
#define MATRIX_NAME_LEN 160

struct matrix_expect {
	char *scenario, *host, *because; /* pieces of one strdup'ed argument */
};

struct matrix_cell {
	const struct bench_scenario *sc;
	const struct bench_host_factory *host;
	const char *because; /* expected CANNOT RUN reason, or NULL: must pass */
	const char *source;  /* where the expectation comes from */
};

static struct {
	const char *kext_path, *tests_path, *device;
	const struct bench_host_factory *hosts[MATRIX_MAX_HOSTS];
	size_t nhosts;
	struct matrix_expect expect[MATRIX_MAX_EXPECT];
	size_t nexpect;
	const char *pick[MATRIX_MAX_PICK]; /* --scenario: only these */
	size_t npick;
	long expect_total;                 /* -1: not pinned */
	struct bench_kext *kext;
	const struct bench_test_module *module;
	struct bench_options base;
	struct matrix_cell cells[MATRIX_MAX_CELLS];
	size_t ncells;
	char names[MATRIX_MAX_CELLS][MATRIX_NAME_LEN];
	struct bench_baseline start;
} M = { .expect_total = -1 };

static const struct matrix_expect *matrix_cli_expect(const char *scenario, const char *host)
{
	for (size_t i = 0; i < M.nexpect; i++)
		if (strcmp(M.expect[i].scenario, scenario) == 0 && strcmp(M.expect[i].host, host) == 0)
			return &M.expect[i];
	return NULL;
}

static bool matrix_is_generic(const struct bench_scenario *sc)
{
	return bench_scenario_find(NULL, sc->name) == sc;
}

/* ---- one cell ---- */

static void matrix_check_counters(const char *label, const struct bench_report *rep)
{
	const struct shim_counters *a = &rep->before, *b = &rep->after;

	if (a->objects_live != b->objects_live || a->alloc_count != b->alloc_count ||
	    a->alloc_bytes != b->alloc_bytes || a->wired_bytes != b->wired_bytes ||
	    a->prepared != b->prepared)
		fail_msg("%s: counters moved: objects %ld->%ld, allocations %ld->%ld (%llu->%llu "
			 "bytes), wired %llu->%llu, prepared %ld->%ld", label, a->objects_live,
			 b->objects_live, a->alloc_count, b->alloc_count,
			 (unsigned long long)a->alloc_bytes, (unsigned long long)b->alloc_bytes,
			 (unsigned long long)a->wired_bytes, (unsigned long long)b->wired_bytes,
			 a->prepared, b->prepared);
	for (size_t i = 0; i < rep->nclasses; i++)
		if (rep->classes[i].before != rep->classes[i].after)
			fail_msg("%s: class %s live %ld->%ld", label, rep->classes[i].name,
				 rep->classes[i].before, rep->classes[i].after);
}

/* Each cell starts with an empty kernel log, as drvbench run leaves it
 * after each scenario: a scenario that looks for its driver's log line
 * must not find the ring full of earlier cells' lines (a full ring drops
 * new messages, as a kernel's does). */
static void matrix_drain_log(void)
{
	char line[256];

	while (shim_log_pop(line, sizeof(line), NULL))
		;
}

static void matrix_run_cell(void **state)
{
	const struct matrix_cell *c = *state;
	const char *label = M.names[c - M.cells];
	struct bench_report rep;

	matrix_drain_log();
	bench_scenario_run(c->sc, c->host, &M.base, &rep);
	print_message("%s: %s%s%s (%.1f ms)\n", label, bench_result_string(rep.result),
		      rep.why[0] ? ": " : "", rep.why, rep.elapsed_ms);
	if (rep.result == BENCH_FAIL)
		fail_msg("%s: FAIL: %s", label, rep.why);
	if (rep.result == BENCH_CANNOT_RUN && c->because == NULL)
		fail_msg("%s: CANNOT RUN, not an expected case: %s", label, rep.why);
	if (rep.result == BENCH_CANNOT_RUN && strstr(rep.why, c->because) == NULL)
		fail_msg("%s: CANNOT RUN for another reason: '%s' (expected one containing '%s', "
			 "from %s)", label, rep.why, c->because, c->source);
	if (rep.result == BENCH_PASS && c->because != NULL)
		fail_msg("%s now passes: drop it from the expected list (%s: '%s')", label,
			 c->source, c->because);
	matrix_check_counters(label, &rep);
}

/* ---- the tables themselves ---- */

/* A --expect-cannot-run entry must name a generic scenario of this run on a
 * host of this run: a stale or misplaced entry would hide nothing. */
static void test_matrix_command_line_expectations_name_real_cells(void **state)
{
	(void)state;
	for (size_t i = 0; i < M.nexpect; i++) {
		const struct matrix_expect *e = &M.expect[i];
		const struct bench_scenario *sc = bench_scenario_find(M.module, e->scenario);
		bool host_in_run = false;

		for (size_t h = 0; h < M.nhosts; h++)
			host_in_run = host_in_run || strcmp(M.hosts[h]->name, e->host) == 0;
		if (sc == NULL)
			fail_msg("--expect-cannot-run %s@%s: no scenario named %s", e->scenario,
				 e->host, e->scenario);
		if (!matrix_is_generic(sc))
			fail_msg("--expect-cannot-run %s@%s: %s is the test module's own scenario: "
				 "put the case in its cannot_run table", e->scenario, e->host,
				 e->scenario);
		if (!host_in_run)
			fail_msg("--expect-cannot-run %s@%s: host %s is not part of this run",
				 e->scenario, e->host, e->host);
	}
}

/* Every cannot_run entry of every scenario names a host the bench has and
 * gives a reason (a typo in a host name would silently never match). */
static void test_matrix_scenario_tables_name_known_hosts(void **state)
{
	const struct bench_scenario *sc;

	(void)state;
	for (size_t i = 0; (sc = bench_scenario_at(M.module, i)) != NULL; i++) {
		for (const struct bench_expect *e = sc->cannot_run; e != NULL && e->host; e++) {
			const struct bench_host_factory *h = bench_host_by_name(e->host, NULL);

			if (h == NULL || strcmp(h->name, e->host) != 0)
				fail_msg("scenario %s: cannot_run names host '%s', which the bench "
					 "does not have", sc->name, e->host);
			if (e->because == NULL || e->because[0] == '\0')
				fail_msg("scenario %s: cannot_run on %s gives no reason", sc->name,
					 e->host);
		}
	}
}

static void test_matrix_expected_cannot_run_list_is_exact(void **state)
{
	long n = 0;

	(void)state;
	for (size_t i = 0; i < M.ncells; i++)
		n += M.cells[i].because != NULL;
	if (M.expect_total >= 0 && n != M.expect_total)
		fail_msg("%ld cell(s) are expected to CANNOT RUN, --expect-total says %ld: update "
			 "the registration with the list printed above", n, M.expect_total);
}

/* ---- building the matrix ---- */

static bool matrix_picked(const struct bench_scenario *sc)
{
	for (size_t i = 0; i < M.npick; i++)
		if (strcmp(M.pick[i], sc->name) == 0)
			return true;
	return M.npick == 0;
}

static bool matrix_build(void)
{
	const struct bench_scenario *sc;

	for (size_t h = 0; h < M.nhosts; h++) {
		for (size_t i = 0; (sc = bench_scenario_at(M.module, i)) != NULL; i++) {
			struct matrix_cell *c = &M.cells[M.ncells];
			const struct matrix_expect *e = matrix_cli_expect(sc->name, M.hosts[h]->name);
			char label[64];

			if (!matrix_picked(sc))
				continue;
			if (M.ncells == MATRIX_MAX_CELLS) {
				fprintf(stderr, "test_matrix: more than %d cells\n", MATRIX_MAX_CELLS);
				return false;
			}
			c->sc = sc;
			c->host = M.hosts[h];
			c->because = bench_scenario_expected_cannot_run(sc, c->host);
			c->source = "the scenario's cannot_run table";
			if (c->because == NULL && e != NULL) {
				c->because = e->because;
				c->source = "--expect-cannot-run";
			}
			snprintf(M.names[M.ncells], MATRIX_NAME_LEN, "%s/%s%s",
				 bench_host_label(c->host, M.base.profile, label, sizeof(label)),
				 sc->name,
				 M.base.client_abi == SHIM_UC_ABI_ILP32 ? " [ilp32]" : "");
			if (c->because != NULL)
				printf("expected CANNOT RUN: %s because '%s' (%s)\n", M.names[M.ncells],
				       c->because, c->source);
			M.ncells++;
		}
	}
	return true;
}

static int matrix_usage(const char *why)
{
	fprintf(stderr, "test_matrix: %s\nusage: test_matrix --kext PATH [--tests PATH] "
			"[--device NAME|FILE] --host HOST [--host HOST]... [--scenario NAME]...\n"
			"       [--expect-cannot-run SCENARIO@HOST=REASON]... [--expect-total N]\n"
			"       [--client-abi lp64|ilp32]\n",
		why);
	return 2;
}

/* A host by its exact name, or all of them (the device comes from --device). */
static bool matrix_add_host(const char *name)
{
	const struct bench_host_factory *f;
	size_t before = M.nhosts;

	for (size_t i = 0; (f = bench_host_at(i)) != NULL && M.nhosts < MATRIX_MAX_HOSTS; i++)
		if (strcmp(name, "all") == 0 || strcmp(name, f->name) == 0)
			M.hosts[M.nhosts++] = f;
	return M.nhosts > before;
}

/* SCENARIO@HOST=REASON */
static bool matrix_add_expect(const char *arg)
{
	struct matrix_expect *e = &M.expect[M.nexpect];
	char *at, *eq;

	if (M.nexpect == MATRIX_MAX_EXPECT || (e->scenario = strdup(arg)) == NULL)
		return false;
	at = strchr(e->scenario, '@');
	eq = at != NULL ? strchr(at, '=') : NULL;
	if (at == NULL || eq == NULL || at == e->scenario || eq == at + 1 || eq[1] == '\0') {
		free(e->scenario);
		return false;
	}
	*at = *eq = '\0';
	e->host = at + 1;
	e->because = eq + 1;
	M.nexpect++;
	return true;
}

/* One option and its value; false with *why on a bad one. */
static bool matrix_option(const char *opt, const char *val, const char **why)
{
	if (strcmp(opt, "--kext") == 0)
		M.kext_path = val;
	else if (strcmp(opt, "--tests") == 0)
		M.tests_path = val;
	else if (strcmp(opt, "--device") == 0)
		M.device = val;
	else if (strcmp(opt, "--host") == 0)
		*why = matrix_add_host(val) ? NULL : "unknown --host (sim, qemu, qemu-proxy or all)";
	else if (strcmp(opt, "--scenario") == 0 && M.npick < MATRIX_MAX_PICK)
		M.pick[M.npick++] = val;
	else if (strcmp(opt, "--scenario") == 0)
		*why = "too many --scenario options";
	else if (strcmp(opt, "--expect-cannot-run") == 0)
		*why = matrix_add_expect(val) ? NULL
					      : "--expect-cannot-run takes SCENARIO@HOST=REASON";
	else if (strcmp(opt, "--expect-total") == 0)
		M.expect_total = strtol(val, NULL, 10);
	else if (strcmp(opt, "--client-abi") == 0 &&
		 (strcmp(val, "lp64") == 0 || strcmp(val, "ilp32") == 0))
		M.base.client_abi = val[0] == 'i' ? SHIM_UC_ABI_ILP32 : SHIM_UC_ABI_LP64;
	else if (strcmp(opt, "--client-abi") == 0)
		*why = "--client-abi is lp64 or ilp32";
	else
		*why = "unknown option";
	return *why == NULL;
}

static int matrix_parse(int argc, char **argv)
{
	const char *why = NULL;

	for (int i = 1; i < argc; i += 2) {
		if (i + 1 == argc)
			return matrix_usage("an option without its value");
		if (!matrix_option(argv[i], argv[i + 1], &why))
			return matrix_usage(why);
	}
	if (M.kext_path == NULL || M.nhosts == 0)
		return matrix_usage("--kext and at least one --host are required");
	return -1;
}

/* Opens the kext, the module and the profile once for the whole matrix. */
static int matrix_open(void)
{
	char why[1024] = "";

	if (bench_kext_open(M.kext_path, &M.kext, why, sizeof(why)) != SHIM_OK ||
	    (M.tests_path != NULL &&
	     bench_module_load(M.tests_path, &M.module, why, sizeof(why)) != SHIM_OK)) {
		printf("test_matrix: refused: %s\n", why);
		return 1;
	}
	M.base.kext = M.kext;
	M.base.module = M.module;
	M.base.profile = M.device != NULL
				 ? bench_profile_resolve(M.device, why, sizeof(why))
				 : bench_profile_for_kext(bench_kext_manifest(M.kext), why, sizeof(why));
	if (M.base.profile == NULL) {
		printf("test_matrix: no device: %s\n", why);
		return 1;
	}
	return -1;
}

static int matrix_group_setup(void **state)
{
	(void)state;
	bench_baseline_take(&M.start);
	return 0;
}

/* The whole run leaves the process as it found it. */
static int matrix_group_teardown(void **state)
{
	char why[512] = "";

	(void)state;
	if (bench_baseline_matches(&M.start, why, sizeof(why)))
		return 0;
	print_error("after the matrix: not back to baseline: %s\n", why);
	return -1;
}

int main(int argc, char **argv)
{
	static struct CMUnitTest tests[MATRIX_META + MATRIX_MAX_CELLS]; /* unused entries stay zero */
	int status = matrix_parse(argc, argv);

	if (status < 0)
		status = matrix_open();
	if (status < 0 && !matrix_build())
		status = 1;
	if (status < 0) {
		tests[0] = (struct CMUnitTest)cmocka_unit_test(
			test_matrix_command_line_expectations_name_real_cells);
		tests[1] = (struct CMUnitTest)cmocka_unit_test(
			test_matrix_scenario_tables_name_known_hosts);
		tests[2] = (struct CMUnitTest)cmocka_unit_test(
			test_matrix_expected_cannot_run_list_is_exact);
		for (size_t i = 0; i < M.ncells; i++)
			tests[MATRIX_META + i] = (struct CMUnitTest){ .name = M.names[i],
								      .test_func = matrix_run_cell,
								      .initial_state = &M.cells[i] };
		/* cmocka 1.1 skips entries without a name and function, so the fixed
		 * array serves any number of cells through the public macro. */
		status = cmocka_run_group_tests_name("matrix", tests, matrix_group_setup,
						     matrix_group_teardown);
	}
	bench_kext_close(M.kext);
	for (size_t i = 0; i < M.nexpect; i++)
		free(M.expect[i].scenario);
	return status;
}
