/* Fault injection at the driver's call sites: the n-th call, counted from
 * arming, of one of the armed kinds of shim call fails with the error a
 * real kernel would give (no memory, no resources, a timeout). Only calls
 * made from the code range the plan names are counted, so the shim's own
 * use of the same calls (and other kexts) is never failed. */
#include <stdio.h>

#include "internal.h"

static struct shim_fault_plan plan;
static struct shim_fault_stats stats;
static bool armed;

static const char *const kind_names[] = {
	"allocation", "BAR map", "DMA buffer allocation", "DMA prepare",
	"interrupt source", "timer", "work-loop sleep", "user-client publish",
	"DMA command (bus address)",
};

const char *shim_fault_kind_string(unsigned kind)
{
	for (unsigned i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (kind == 1u << i)
			return kind_names[i];
	return "unknown call";
}

void shim_fault_arm(const struct shim_fault_plan *p)
{
	plan = *p;
	stats = (struct shim_fault_stats){ 0 };
	armed = p->kinds != 0;
}

void shim_fault_disarm(void)
{
	armed = false;
}

void shim_fault_move_range(uintptr_t old_lo, uintptr_t old_hi, uintptr_t lo, uintptr_t hi)
{
	if (armed && plan.code_lo == old_lo && plan.code_hi == old_hi) {
		plan.code_lo = lo;
		plan.code_hi = hi;
	}
}

void shim_fault_stats(struct shim_fault_stats *out)
{
	*out = stats;
}

/* The site's file name, copied: __FILE__ lives in the kext's image, which
 * the scenario may unload before the site is reported. */
static char site_file[256];

bool shim_fault_take(unsigned kind, const void *caller, const char *file, int line)
{
	if (!armed || !(plan.kinds & kind))
		return false;
	if (plan.code_hi != 0 &&
	    ((uintptr_t)caller < plan.code_lo || (uintptr_t)caller >= plan.code_hi))
		return false;
	stats.calls++;
	stats.counted_kinds |= kind;
	if (plan.nth == 0 || stats.calls != plan.nth || stats.fired)
		return false;
	stats.fired = true;
	stats.kind = kind;
	stats.caller = caller;
	stats.file = NULL;
	if (file != NULL) {
		snprintf(site_file, sizeof(site_file), "%s", file);
		stats.file = site_file;
	}
	stats.line = line;
	return true;
}
