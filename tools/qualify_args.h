/* drvbench qualify's command line (cmd_qualify.c): its options, the
 * previous release's version (--previous, or the records), and recording
 * the findings (--record). */
#ifndef DRVBENCH_QUALIFY_ARGS_H
#define DRVBENCH_QUALIFY_ARGS_H

#include "bench/qualify.h"
#include "record.h"

#define QUALIFY_MAX_DISABLE 64
#define QUALIFY_MAX_WITH 32

struct qualify_args {
	struct bench_qualify_options opt;
	const char *host, *device, *sarif, *previous;
	bool json, rules, markdown, static_only;
	struct bench_qualify_disable disabled[QUALIFY_MAX_DISABLE];
	const char *with[QUALIFY_MAX_WITH];
	char *arch_list;          /* --arch, split in place */
	char previous_version[64];
	char bundle_id[128], version[64];
	struct drvbench_record rec;
};

/* -1 when the command should run, else the exit status (usage printed). */
int qualify_args_parse(struct qualify_args *a, int argc, char **argv);
void qualify_args_free(struct qualify_args *a);
/* opt.previous_version from --previous OLD.kext, else (with --record) the
 * last qualified version in the records; -1 or the exit status. */
int qualify_previous(struct qualify_args *a);
/* With --record: a "qualify" run of the bundle with every finding, ended
 * "done" when qualified, "failed" when not. False (printed) on a write error. */
bool qualify_record(struct qualify_args *a, const struct bench_qualify_result *res);

#endif
