/* The drvbench command line: one function per subcommand (cmd_*.c), the
 * table that names them (drvbench.c), and the exit statuses they share. */
#ifndef DRVBENCH_H
#define DRVBENCH_H

#include <stdio.h>

/* What CI reads (README.md, 'Exit status'). An interrupted command (SIGINT,
 * SIGTERM, SIGHUP) writes what it did and then dies of the signal: its
 * status is 128 + the signal's number, as a shell shows it. */
enum drvbench_exit {
	DRVBENCH_EXIT_OK = 0,         /* everything asked for ran, and passed */
	DRVBENCH_EXIT_FAILED = 1,     /* a scenario or kind failed, the kext was refused,
				       * or the run's --timeout passed before it finished */
	DRVBENCH_EXIT_USAGE = 2,      /* bad command line (or output file): nothing was run */
	DRVBENCH_EXIT_NOT_TESTED = 3, /* nothing failed, but a host asked for could not run
				       * (QEMU missing): not everything was tested */
	DRVBENCH_EXIT_OUTPUT = 4,     /* the results could not be written (stdout, --csv,
				       * --json): whatever they said is lost */
};

/* The status of two findings together: output lost, then failed, then not
 * tested, then ok (usage errors end a command before anything else). */
int drvbench_exit_worst(int a, int b);
/* Text for --help: the statuses above, one line each. */
#define DRVBENCH_EXIT_HELP                                                                     \
	"Exit status: 0 all passed; 1 a scenario failed, the kext was refused or --timeout\n"  \
	"passed; 2 bad command line; 3 nothing failed but a host asked for was unavailable;\n" \
	"4 results could not be written; 128+N interrupted by signal N (what was done is\n"   \
	"written first).\n"

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
int drvbench_cmd_faults(int argc, char **argv);
void drvbench_faults_usage(FILE *out);
int drvbench_cmd_qualify(int argc, char **argv);
void drvbench_qualify_usage(FILE *out);
int drvbench_cmd_help(int argc, char **argv);
void drvbench_help_usage(FILE *out);

#endif
