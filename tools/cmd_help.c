/* drvbench help [COMMAND]: the overview, or one command's usage. */
#include <getopt.h>
#include <stdio.h>

#include "drvbench.h"

void drvbench_help_usage(FILE *out)
{
	fprintf(out, "usage: drvbench help [COMMAND]\n\n"
		     "Without COMMAND, list the commands; with one, describe its options.\n");
}

int drvbench_cmd_help(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct drvbench_cmd *cmd;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			drvbench_help_usage(stdout);
			return DRVBENCH_EXIT_OK;
		}
		fprintf(stderr, "drvbench help: unknown option '%s'\n", argv[optind - 1]);
		return DRVBENCH_EXIT_USAGE;
	}
	if (optind >= argc) {
		drvbench_usage(stdout);
		return DRVBENCH_EXIT_OK;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "drvbench help: one command at a time\n");
		return DRVBENCH_EXIT_USAGE;
	}
	cmd = drvbench_cmd_find(argv[optind]);
	if (cmd == NULL) {
		fprintf(stderr, "drvbench help: unknown command '%s'\n", argv[optind]);
		return DRVBENCH_EXIT_USAGE;
	}
	cmd->usage(stdout);
	return DRVBENCH_EXIT_OK;
}
