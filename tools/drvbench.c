/* drvbench: entry point. Finds the subcommand and hands it the rest of the
 * command line; all work lives in the cmd_*.c files. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd_fuzz.h"
#include "drvbench.h"

static const struct drvbench_cmd drvbench_cmds[] = {
	{ "run", "run the driver scenarios on a host and print a table", drvbench_cmd_run,
	  drvbench_run_usage },
	{ "cycle", "repeat start/stop, attach/detach, sleep/wake, open/close; catch leak trends",
	  drvbench_cmd_cycle, drvbench_cycle_usage },
	{ "fuzz", "run a libFuzzer campaign on a user-client target", drvbench_cmd_fuzz,
	  drvbench_fuzz_usage },
	{ "qualify", "the pre-QA checklist on a bundle as shipped: static rules, then dynamic checks",
	  drvbench_cmd_qualify, drvbench_qualify_usage },
	{ "compare", "what changed between two recorded releases (exit 1 on a regression)",
	  drvbench_cmd_compare, drvbench_compare_usage },
	{ "report", "the records as one self-contained HTML page with plots", drvbench_cmd_report,
	  drvbench_report_usage },
	{ "faults", "fail every shim call the kext makes, in turn; name what leaks or crashes",
	  drvbench_cmd_faults, drvbench_faults_usage },
	{ "help", "show help for drvbench or one subcommand", drvbench_cmd_help,
	  drvbench_help_usage },
};

const struct drvbench_cmd *drvbench_cmd_at(unsigned i)
{
	return i < sizeof(drvbench_cmds) / sizeof(drvbench_cmds[0]) ? &drvbench_cmds[i] : NULL;
}

const struct drvbench_cmd *drvbench_cmd_find(const char *name)
{
	const struct drvbench_cmd *c;

	for (unsigned i = 0; (c = drvbench_cmd_at(i)) != NULL; i++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void drvbench_usage(FILE *out)
{
	const struct drvbench_cmd *c;

	fprintf(out, "usage: drvbench [--help] COMMAND [OPTIONS]\n\n"
		     "A test bench for PCI device drivers written against the kernel shim.\n\n"
		     "commands:\n");
	for (unsigned i = 0; (c = drvbench_cmd_at(i)) != NULL; i++)
		fprintf(out, "  %-8s %s\n", c->name, c->summary);
	fprintf(out, "\n'drvbench COMMAND --help' describes a command's options.\n"
		     DRVBENCH_EXIT_HELP);
}

int drvbench_exit_worst(int a, int b)
{
	static const int rank[] = { [DRVBENCH_EXIT_OK] = 0, [DRVBENCH_EXIT_NOT_TESTED] = 1,
				    [DRVBENCH_EXIT_FAILED] = 2, [DRVBENCH_EXIT_USAGE] = 3,
				    [DRVBENCH_EXIT_OUTPUT] = 4 };

	if (a < 0 || a > DRVBENCH_EXIT_OUTPUT)
		return a;
	if (b < 0 || b > DRVBENCH_EXIT_OUTPUT)
		return b;
	return rank[a] >= rank[b] ? a : b;
}

/* A report nobody can read is not a pass: `drvbench run > /dev/full` used
 * to exit 0. */
static int drvbench_check_stdout(int status)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	fprintf(stderr, "drvbench: cannot write the report to standard output: %s\n",
		errno != 0 ? strerror(errno) : "a write failed");
	return drvbench_exit_worst(status, DRVBENCH_EXIT_OUTPUT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct drvbench_cmd *cmd;
	int c;

	opterr = 0;
	/* '+': stop at the subcommand, its options are its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			drvbench_usage(stdout);
			return drvbench_check_stdout(DRVBENCH_EXIT_OK);
		}
		fprintf(stderr, "drvbench: unknown option '%s'\n", argv[optind - 1]);
		fprintf(stderr, "try 'drvbench --help'\n");
		return DRVBENCH_EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "drvbench: no command given\n");
		drvbench_usage(stderr);
		return DRVBENCH_EXIT_USAGE;
	}
	cmd = drvbench_cmd_find(argv[optind]);
	if (cmd == NULL) {
		fprintf(stderr, "drvbench: unknown command '%s'\ntry 'drvbench --help'\n",
			argv[optind]);
		return DRVBENCH_EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* GNU getopt: full re-initialisation for the subcommand */
	return drvbench_check_stdout(cmd->fn(argc, argv));
}
