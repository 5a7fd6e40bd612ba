/* Conformance (differential) tests: the same register-level scenario runs on
 * the sim host (our edu model) and on qemu:edu (QEMU's own edu), each under
 * a trace recorder (bench_trace.h); the traces must be equal except for lines
 * an allow-list excuses, each with a reason (allowlist.txt). */
#ifndef CONF_H
#define CONF_H

#include "bench/host.h"
#include "bench/trace.h"
#include "shim/machine.h"
#include "shim/pci.h"
#include "shim/workloop.h"

#define CONF_RAM (512ull << 20) /* above 256 MiB: the 28-bit mask boundary is inside RAM */
#define CONF_WHY_LEN 512

/* One machine, no driver: the cases drive edu through the shim API. */
struct conf_machine {
	const struct bench_host_factory *factory;
	const struct bench_profile *profile; /* the built-in edu */
	struct bench_host_parts parts;
	bool parts_live;
	struct bench_trace *trace;
	shim_machine *machine;
	shim_pci_device *dev;
	shim_mmio_map *bar0;
	shim_workloop *wl;
};

/* Boots factory's machine with edu (no kext) under a recorder; the trace
 * then holds the firmware's enumeration of edu. SHIM_ERR_UNSUPPORTED: host
 * unavailable. */
shim_ret conf_boot(struct conf_machine *cm, const struct bench_host_factory *factory, char *why,
		   size_t len);
void conf_shutdown(struct conf_machine *cm);

/* A case: drives edu, notes steps into cm->trace, and checks what it can
 * on one host alone (false with why: the case itself failed there). */
struct conf_case {
	const char *name;
	bool (*run)(struct conf_machine *cm, char *why, size_t len);
};
extern const struct conf_case conf_cases[];
extern const size_t conf_case_count;
const struct conf_case *conf_case_find(const char *name);

/* The allow-list: `glob  reason` per line (two or more spaces or a tab
 * between), '#' comments. A trace line matching a glob is dropped from
 * both traces before they are compared. */
struct conf_allow {
	char pattern[BENCH_TRACE_TEXT];
	char reason[200];
	unsigned long used;   /* lines it excused so far */
};
struct conf_allowlist {
	struct conf_allow *items;
	size_t count;
};
/* False with why (file and line) on a missing file or a line without a reason. */
bool conf_allowlist_load(struct conf_allowlist *al, const char *path, char *why, size_t len);
void conf_allowlist_free(struct conf_allowlist *al);

/* Compares trace a with trace b under the allow-list; true when they agree.
 * Else why shows the first difference ("first" = a, "second" = b) and the
 * lines after it. */
bool conf_compare(const struct bench_trace_line *a, size_t na, const struct bench_trace_line *b,
		  size_t nb, struct conf_allowlist *al, char *why, size_t len);
/* Writes a trace to a file (for a failing comparison: diff them). */
void conf_trace_dump(const char *path, const struct bench_trace_line *l, size_t n);

#endif
