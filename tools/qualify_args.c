/* drvbench qualify's options: parsed into bench_qualify_options with every
 * refusal named (an unknown rule, a --disable without its --reason, a bad
 * number), then the previous release's version and the records. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drvbench.h"
#include "qualify_args.h"

static int qa_fail(const char *msg, const char *arg)
{
	fprintf(stderr, "drvbench qualify: %s%s%s\ntry 'drvbench qualify --help'\n", msg,
		arg != NULL ? " " : "", arg != NULL ? arg : "");
	return DRVBENCH_EXIT_USAGE;
}

static int qa_arch(struct qualify_args *a, const char *list)
{
	char *save = NULL;

	free(a->arch_list);
	a->arch_list = strdup(list);
	a->opt.narch = 0;
	for (char *t = strtok_r(a->arch_list, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		if (a->opt.narch == BENCH_QUALIFY_MAX_ARCH)
			return qa_fail("--arch: too many architectures", list);
		a->opt.arch[a->opt.narch++] = t;
	}
	return a->opt.narch > 0 ? -1 : qa_fail("--arch: empty list", NULL);
}

static int qa_number(const char *name, const char *arg, double max, double *out)
{
	char *end;

	*out = strtod(arg, &end);
	if (end == arg || *end != '\0' || !(*out >= 0) || *out > max)
		return qa_fail(name, arg);
	return -1;
}

static int qa_option(struct qualify_args *a, int c, const char *arg)
{
	double v;
	int st;

	switch (c) {
	case 'a': return qa_arch(a, arg);
	case 'p': a->previous = arg; return -1;
	case 'w':
		if (a->opt.nwith == QUALIFY_MAX_WITH)
			return qa_fail("too many --with", NULL);
		a->with[a->opt.nwith++] = arg;
		return -1;
	case 'i': a->opt.as_installed = arg; return -1;
	case 'd':
		if (a->opt.ndisabled > 0 && a->disabled[a->opt.ndisabled - 1].reason == NULL)
			return qa_fail("--disable needs its --reason TEXT before the next --disable:",
				       a->disabled[a->opt.ndisabled - 1].id);
		if (a->opt.ndisabled == QUALIFY_MAX_DISABLE)
			return qa_fail("too many --disable", NULL);
		a->disabled[a->opt.ndisabled++] = (struct bench_qualify_disable){ arg, NULL };
		return -1;
	case 'r':
		if (a->opt.ndisabled == 0 || a->disabled[a->opt.ndisabled - 1].reason != NULL)
			return qa_fail("--reason belongs to the --disable before it", NULL);
		a->disabled[a->opt.ndisabled - 1].reason = arg;
		return -1;
	case 'H': a->host = arg; return -1;
	case 'D': a->device = arg; return -1;
	case 'c':
		st = qa_number("--cycles: not a count from 0 to 100000:", arg, 100000, &v);
		a->opt.cycles = (unsigned long)v;
		return st;
	case 'u':
		st = qa_number("--unload-delay: not a number of seconds (at most a day):", arg,
			       86400, &v);
		a->opt.unload_delay_ns = (uint64_t)(v * 1e9);
		if (st < 0 && a->opt.unload_delay_ns == 0)
			a->opt.unload_delay_ns = 1; /* 0 s: at once, not the default */
		return st;
	case 's': a->static_only = true; return -1;
	case 'j': a->json = true; return -1;
	case 'S': a->sarif = arg; return -1;
	case 'R': a->rules = true; return -1;
	case 'm': a->markdown = true; return -1;
	case 'h': drvbench_qualify_usage(stdout); return DRVBENCH_EXIT_OK;
	default:
		if (drvbench_record_option(&a->rec, c, arg))
			return -1;
		return qa_fail("unknown option or missing argument", NULL);
	}
}

int qualify_args_parse(struct qualify_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' }, { "previous", required_argument, NULL, 'p' },
		{ "with", required_argument, NULL, 'w' }, { "as-installed", required_argument, NULL, 'i' },
		{ "disable", required_argument, NULL, 'd' }, { "reason", required_argument, NULL, 'r' },
		{ "host", required_argument, NULL, 'H' }, { "device", required_argument, NULL, 'D' },
		{ "cycles", required_argument, NULL, 'c' },
		{ "unload-delay", required_argument, NULL, 'u' }, { "static", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' }, { "sarif", required_argument, NULL, 'S' },
		{ "rules", no_argument, NULL, 'R' }, { "markdown", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' }, DRVBENCH_RECORD_OPTIONS, { NULL, 0, NULL, 0 },
	};
	int c, st;

	memset(a, 0, sizeof(*a));
	a->opt.cycles = BENCH_QUALIFY_DEFAULT_CYCLES;
	a->opt.with = a->with;
	a->opt.disabled = a->disabled;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hD:", opts, NULL)) != -1)
		if ((st = qa_option(a, c, optarg)) >= 0) {
			if (c != 'h')
				fprintf(stderr, "  (at '%s')\n", argv[optind - 1]);
			qualify_args_free(a);
			return st;
		}
	if (a->opt.ndisabled > 0 && a->disabled[a->opt.ndisabled - 1].reason == NULL)
		return qa_fail("--disable needs a --reason TEXT:", a->disabled[a->opt.ndisabled - 1].id);
	if (a->rules)
		return optind == argc ? -1 : qa_fail("--rules takes no bundle", NULL);
	if (optind != argc - 1)
		return qa_fail(optind == argc ? "no bundle given (PATH.kext)" : "one bundle at a time",
			       NULL);
	a->opt.bundle = argv[optind];
	return -1;
}

void qualify_args_free(struct qualify_args *a)
{
	free(a->arch_list);
	a->arch_list = NULL;
	if (a->rec.db != NULL)
		bench_records_close(a->rec.db);
	a->rec.db = NULL;
}
