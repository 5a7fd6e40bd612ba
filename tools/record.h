/* --record, --records PATH and --label L, shared by the commands that keep
 * their results in the records database (bench/records.h): open the file
 * before any work (a bad file fails at once), key the run, end it, and in a
 * coverage build store gcovr's JSON for the run. */
#ifndef DRVBENCH_RECORD_H
#define DRVBENCH_RECORD_H

#include <stdbool.h>

#include "bench/records.h"
#include "target.h"

struct drvbench_record {
	bool on;                  /* --record (or --records / --label given) */
	const char *path;         /* --records, default BENCH_RECORDS_DEFAULT_PATH */
	const char *label;        /* --label, default bench_records_default_label */
	struct bench_records *db;
	bench_record_id run;
	char label_buf[128];
	char kext_dir[4096];      /* where a coverage build's kext objects are */
};

#define DRVBENCH_RECORD_OPTIONS                                                          \
	{ "record", no_argument, NULL, 0x100 }, { "records", required_argument, NULL, 0x101 }, \
		{ "label", required_argument, NULL, 0x102 }

#define DRVBENCH_RECORD_HELP                                                              \
	"      --record           keep the results in the records database (compare, report)\n" \
	"      --records PATH     the records file (default " BENCH_RECORDS_DEFAULT_PATH ";\n"   \
	"                         implies --record)\n"                                          \
	"      --label L          the release label (default: git describe of the kext's\n"     \
	"                         tree, else its CFBundleVersion; implies --record)\n"

/* Handles the three options (getopt values 0x100..0x102); false otherwise. */
bool drvbench_record_option(struct drvbench_record *rec, int c, const char *arg);
/* Opens the file and begins a run of `command` on the target; prints the
 * refusal prefixed by cmd and returns false when the file cannot be used. */
bool drvbench_record_begin(struct drvbench_record *rec, const char *cmd, const char *command,
			   const struct drvbench_target *t, const char *host);
/* Ends the run ("done", "interrupted", "failed"), storing first the
 * per-selector user-client counts of this process's shim
 * (shim/uc_selectors.h) and, in a coverage build, gcovr's JSON. Call after
 * the kext is closed. False (printed) when the records could not be written. */
bool drvbench_record_end(struct drvbench_record *rec, const char *cmd, const char *state);
/* Prints why prefixed by cmd when a write failed; returns ret == SHIM_OK. */
bool drvbench_record_ok(const char *cmd, shim_ret ret, const char *why);

#endif
