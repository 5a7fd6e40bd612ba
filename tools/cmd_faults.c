/* drvbench faults: the fault sweep (bench/faults.h) on a kext: every shim
 * call it makes that can fail, failed in turn along every generic scenario
 * and user-client method, on the sim host. Prints one line per target and
 * one per finding (the failed call's site, what leaked or crashed). Exit 0
 * when nothing was found, 1 when something was (or the kext is refused), 2
 * on a bad command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/faults.h"
#include "drvbench.h"
#include "target.h"

static const struct {
	const char *name;
	unsigned kind;
} faults_kinds[] = {
	{ "alloc", SHIM_FAULT_ALLOC },         { "bar", SHIM_FAULT_BAR_MAP },
	{ "dma", SHIM_FAULT_DMA_ALLOC },       { "prepare", SHIM_FAULT_DMA_PREPARE },
	{ "dma-command", SHIM_FAULT_DMA_COMMAND }, { "interrupt", SHIM_FAULT_INTR },
	{ "timer", SHIM_FAULT_TIMER },         { "workloop", SHIM_FAULT_WORKLOOP },
	{ "publish", SHIM_FAULT_UC_PUBLISH },
};
#define FAULTS_NKINDS (sizeof(faults_kinds) / sizeof(faults_kinds[0]))

void drvbench_faults_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench faults --kext PATH [--tests PATH] [--device NAME|FILE]\n"
		"                       [--target NAME|method:SELECTOR] [--kinds LIST]\n"
		"                       [--max-calls N] [--timeout S]\n\n"
		"Fails every shim call the kext makes that can fail, one at a time, at each of\n"
		"its calls, along every generic scenario and every user-client method (a root\n"
		"client opens, makes the method's minimal call and closes), each run on a fresh\n"
		"sim machine in a child process. After each failed call the driver must give\n"
		"back everything it took, leave no verifier record, and not crash or hang; a\n"
		"finding names the failed call's site (file:line) and what leaked. Start is\n"
		"swept by its own scenario, start-fails-at-each-call.\n\n"
		"options:\n" DRVBENCH_TARGET_HELP
		"  -t, --target NAME      one generic scenario, or method:SELECTOR (default: all)\n"
		"  -k, --kinds LIST       calls to fail, comma-separated (default: all):\n"
		"                         alloc bar dma prepare dma-command interrupt timer\n"
		"                         workloop publish\n"
		"  -n, --max-calls N      calls failed per target, 1..100000 (default 256); a\n"
		"                         target that makes more is reported as cut there\n"
		"      --timeout S        a run that takes longer hangs, 1..3600 (default 30)\n"
		"  -h, --help             this text\n\n"
		"Exit status: 0 nothing found, 1 a finding (or the kext refused), 2 bad command\n"
		"line.\n");
}

static int faults_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "drvbench faults: %s '%s'\ntry 'drvbench faults --help'\n", what, arg);
	return DRVBENCH_EXIT_USAGE;
}

static bool faults_parse_kinds(const char *list, unsigned *kinds)
{
	*kinds = 0;
	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ","), k;

		for (k = 0; k < FAULTS_NKINDS; k++)
			if (strlen(faults_kinds[k].name) == n && strncmp(faults_kinds[k].name, p, n) == 0)
				break;
		if (k == FAULTS_NKINDS)
			return false;
		*kinds |= faults_kinds[k].kind;
		p += n + (p[n] == ',');
	}
	return *kinds != 0;
}

static bool faults_number(const char *s, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end != '\0' || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

static void faults_progress(void *ctx, const char *target, long calls, long counted,
			    long failed, unsigned findings)
{
	char cut[64] = "";

	(void)ctx;
	if (counted > calls) /* the rest of its calls were never failed */
		snprintf(cut, sizeof(cut), " (of %ld: cut at --max-calls)", counted);
	if (calls < 0)
		printf("%-44s skipped (cannot run here)\n", target);
	else if (strcmp(target, "scenario start-fails-at-each-call") == 0)
		printf("%-44s its own sweep of start: %u finding(s)\n", target, findings);
	else
		printf("%-44s %4ld call(s)%s failed in turn, %4ld run(s)%s%u finding(s)\n", target,
		       calls, cut, failed, findings != 0 ? ": " : ", ", findings);
	fflush(stdout);
}

int drvbench_cmd_faults(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kext", required_argument, NULL, 'K' },   { "tests", required_argument, NULL, 'T' },
		{ "device", required_argument, NULL, 'D' }, { "target", required_argument, NULL, 't' },
		{ "kinds", required_argument, NULL, 'k' },  { "max-calls", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench_fault_report rep;
	struct drvbench_target_args ta = { 0 };
	struct bench_fault_options o = { .progress = faults_progress };
	struct drvbench_target t;
	char why[BENCH_WHY_LEN] = "";
	long v;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":K:T:D:t:k:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'K': ta.kext = optarg; break;
		case 'T': ta.tests = optarg; break;
		case 'D': ta.device = optarg; break;
		case 't': o.only = optarg; break;
		case 'k':
			if (!faults_parse_kinds(optarg, &o.kinds))
				return faults_usage_error("unknown kind in", optarg);
			break;
		case 'n':
			if (!faults_number(optarg, 100000, &o.max_calls))
				return faults_usage_error("bad value", optarg);
			break;
		case 'o':
			if (!faults_number(optarg, 3600, &v))
				return faults_usage_error("bad value", optarg);
			o.timeout_s = (unsigned)v;
			break;
		case 'h': drvbench_faults_usage(stdout); return DRVBENCH_EXIT_OK;
		case ':': return faults_usage_error("option needs a value:", argv[optind - 1]);
		default: return faults_usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return faults_usage_error("unexpected", argv[optind]);
	if ((rc = drvbench_target_open("faults", &ta, &t)) >= 0)
		return rc;
	drvbench_target_options(&t, &o.base);
	printf("drvbench faults: %s on sim:%s\n\n", bench_kext_bundle_id(t.kext), t.profile->name);
	fflush(stdout);
	if (bench_faults_sweep(&o, &rep, why, sizeof(why)) != SHIM_OK) {
		printf("drvbench faults: %s\n", why);
		drvbench_target_close(&t);
		return o.only != NULL ? DRVBENCH_EXIT_USAGE : DRVBENCH_EXIT_FAILED;
	}
	for (size_t i = 0; i < rep.nfindings && i < BENCH_FAULT_MAX_FINDINGS; i++) {
		const struct bench_fault_finding *f = &rep.findings[i];

		if (f->call == 0)
			printf("FAIL %s: %s\n", f->target, f->what);
		else
			printf("FAIL %s: %s failing at %s (call %ld): %s\n", f->target,
			       shim_fault_kind_string(f->kind), f->site, f->call, f->what);
	}
	printf("\n%u target(s) swept (%u skipped), %lu run(s) with a call failed (%lu of them "
	       "failed their scenario, as they may): %zu finding(s)\n", rep.targets, rep.skipped,
	       rep.runs, rep.scenario_failed, rep.nfindings);
	if (rep.truncated > 0)
		printf("%u target(s) make more calls than --max-calls %ld: their later calls were "
		       "not failed (raise --max-calls to sweep them all)\n", rep.truncated,
		       o.max_calls > 0 ? o.max_calls : (long)BENCH_FAULT_DEFAULT_MAX_CALLS);
	drvbench_target_close(&t);
	return rep.nfindings == 0 ? DRVBENCH_EXIT_OK : DRVBENCH_EXIT_FAILED;
}
