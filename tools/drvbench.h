/* The drvbench command line: one function per subcommand (cmd_*.c), the
 * table that names them (drvbench.c), and the exit statuses they share. */
#ifndef DRVBENCH_H
#define DRVBENCH_H

#include <stdio.h>

enum drvbench_exit {
	DRVBENCH_EXIT_OK = 0,      /* everything asked for passed */
	DRVBENCH_EXIT_FAILED = 1,  /* a scenario failed */
	DRVBENCH_EXIT_USAGE = 2,   /* bad command line: nothing was run */
};

/* argv[0] is the subcommand's own name; returns an enum drvbench_exit. */
typedef int (*drvbench_cmd_fn)(int argc, char **argv);

struct drvbench_cmd {
	const char *name;
	const char *summary;
	drvbench_cmd_fn fn;
	void (*usage)(FILE *out);
};

const struct drvbench_cmd *drvbench_cmd_find(const char *name);
const struct drvbench_cmd *drvbench_cmd_at(unsigned i); /* NULL past the end */
void drvbench_usage(FILE *out);

int drvbench_cmd_run(int argc, char **argv);
void drvbench_run_usage(FILE *out);
int drvbench_cmd_cycle(int argc, char **argv);
void drvbench_cycle_usage(FILE *out);
int drvbench_cmd_compare(int argc, char **argv);
void drvbench_compare_usage(FILE *out);
int drvbench_cmd_report(int argc, char **argv);
void drvbench_report_usage(FILE *out);
int drvbench_cmd_qualify(int argc, char **argv);
void drvbench_qualify_usage(FILE *out);
int drvbench_cmd_help(int argc, char **argv);
void drvbench_help_usage(FILE *out);

#endif
