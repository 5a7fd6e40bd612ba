/* The kext fuzzer's entry points: at init, reads what to run on
 * (fuzz_config.h), boots the machine with the kext (fuzz_harness.h) and
 * picks the target (the user side: struct, raw:SEL; the device side:
 * device, both); then runs each input through it. One binary for every
 * kext, every user client and every selector. Built as the libFuzzer
 * binary (oss-fuzz/build.sh, with FUZZ_LIBFUZZER defined) and with the
 * replay and benchmark mains (fuzz_replay.c, bench_fuzz.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_config.h"
#include "fuzz_harness.h"
#include "fuzz_sancov.h"
#include "fuzz_targets.h"
#include "shim/uc_selectors.h"

#define RAW_PREFIX "raw:"

static bool raw_target;
static bool dev_target; /* "device" or "both": the device side is fuzzed */
static double execs_every_s; /* -print_execs: 0 off */

__attribute__((noreturn, format(printf, 1, 2))) static void usage(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_kext: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\noptions (before libFuzzer's own):\n" FUZZ_CONFIG_HELP, stderr);
	exit(2);
}

static void list_selectors(const struct fuzz_world *w)
{
	size_t svc;
	uint32_t sel;

	fuzz_world_describe(w, stderr);
	/* One name a line, the first of each name only (raw:NAME takes it). */
	for (size_t v = 0; v < w->nservices; v++)
		for (uint32_t k = 0; k < w->desc[v]->method_count; k++) {
			const char *name = w->desc[v]->methods[k].name;

			if (name != NULL && w->desc[v]->methods[k].fn != NULL &&
			    fuzz_raw_find(w, name, &svc, &sel) && svc == v && sel == k)
				printf("%s\n", name);
		}
}

/* -print_selectors=1: at exit (libFuzzer exits after -runs or its time),
 * the inputs' selector coverage, for drvbench fuzz --record. */
static void print_selectors(void)
{
	static struct shim_uc_selector_count rows[SHIM_UC_SEL_CLIENTS * (SHIM_UC_SEL_SELECTORS + 1)];
	size_t n = shim_uc_selector_counts(rows, sizeof(rows) / sizeof(rows[0]));

	for (size_t i = 0; i < n && i < sizeof(rows) / sizeof(rows[0]); i++) {
		char sel[16];

		if (rows[i].selector == SHIM_UC_SEL_OTHER)
			snprintf(sel, sizeof(sel), "other");
		else
			snprintf(sel, sizeof(sel), "%u", rows[i].selector);
		fprintf(stderr, "fuzz_kext: selector\t%s\t%s\t%s\t%lu\t%lu\t%lu\t%lu\n",
			rows[i].client, sel, rows[i].method[0] != '\0' ? rows[i].method : "-",
			rows[i].reached, rows[i].refused, rows[i].ran, rows[i].failed);
	}
}

/* libFuzzer only learns the edges of code built with its instrumentation:
 * say so when the kext has none, rather than fuzz it blind. */
static void coverage_note(const struct fuzz_world *w)
{
#ifdef FUZZ_LIBFUZZER
	if (fuzz_sancov_instrumented(w->image) == 0)
		fprintf(stderr, "fuzz_kext: note: %s has no coverage instrumentation: libFuzzer "
				"sees none of its branches. Build the kext with clang and "
				"-fsanitize=fuzzer-no-link,address,undefined (c_args and link_args).\n",
			w->image);
#else
	(void)w;
#endif
}

/* Read by ASan at start when built with it (ASAN_OPTIONS still wins). Its
 * default quarantine (256 MiB of freed blocks held back) makes every input
 * write fresh pages: a third of an execution went to page faults. A use
 * after free within an input is still caught with 16 MiB. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct fuzz_config cfg;
	struct fuzz_world *w;
	const char *target;
	char why[512] = "";
	size_t svc = 0;
	uint32_t sel = 0;
	bool ok, both;

	fuzz_config_read(argc, argv, &cfg);
	if (cfg.print_execs != NULL) {
		char *end;

		execs_every_s = strtod(cfg.print_execs, &end);
		if (end == cfg.print_execs || *end != '\0' || !(execs_every_s >= 0))
			usage("-print_execs=%s: not a number of seconds", cfg.print_execs);
	}
	target = cfg.target != NULL ? cfg.target : "struct";
	if (cfg.kext == NULL)
		usage("no kext: give -kext=PATH (a NAME.kext bundle)");
	raw_target = strncmp(target, RAW_PREFIX, strlen(RAW_PREFIX)) == 0;
	both = strcmp(target, "both") == 0;
	dev_target = both || strcmp(target, "device") == 0;
	if (!raw_target && !dev_target && strcmp(target, "struct") != 0)
		usage("unknown target '%s' (struct, raw:SELECTOR, device or both)", target);
	cfg.hostile = dev_target;
	w = fuzz_world_boot(&cfg);
	coverage_note(w);
	if (cfg.list) {
		list_selectors(w);
		exit(0);
	}
	if (raw_target) {
		if (!fuzz_raw_find(w, target + strlen(RAW_PREFIX), &svc, &sel)) {
			fprintf(stderr, "fuzz_kext: no published user client has a selector named "
					"'%s'; -list_selectors=1 lists them\n", target + strlen(RAW_PREFIX));
			exit(2);
		}
		fuzz_raw_init(w, svc, sel);
	} else {
		fuzz_struct_init(w);
	}
	if (dev_target)
		fuzz_dev_init(w, both);
	if (cfg.print_selectors != NULL && strcmp(cfg.print_selectors, "0") != 0)
		atexit(print_selectors);
	if (cfg.write_seeds != NULL) {
		ok = raw_target ? fuzz_seeds_raw(w, svc, sel, cfg.write_seeds, why, sizeof(why)) :
		     dev_target ? fuzz_seeds_dev(w, both, cfg.write_seeds, why, sizeof(why)) :
				  fuzz_seeds_struct(w, cfg.write_seeds, why, sizeof(why));
		if (!ok)
			fprintf(stderr, "fuzz_kext: %s\n", why);
		exit(ok ? 0 : 1);
	}
	return 0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* libFuzzer prints a pulse at each power of two of inputs only: once
 * coverage stops growing a campaign's status would stand still for
 * minutes. A line of its shape every few seconds keeps it moving. */
static void count_exec(void)
{
	static unsigned long n;
	static double t0, last;
	double t;

	if (n++ == 0)
		t0 = last = now_s();
	if ((n & 255) != 0 || (t = now_s()) - last < execs_every_s)
		return;
	last = t;
	fprintf(stderr, "#%lu\tpulse  exec/s: %lu (kext fuzzer)\n", n,
		(unsigned long)((double)n / (t - t0 > 0 ? t - t0 : 1)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (execs_every_s > 0)
		count_exec();
	if (raw_target)
		fuzz_raw_one(data, size);
	else if (dev_target)
		fuzz_dev_one(data, size);
	else
		fuzz_struct_one(data, size);
	return 0;
}
