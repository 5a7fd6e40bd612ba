/* Qualification (drvbench qualify): the pre-QA checklist on a kext bundle as
 * it would ship. Static rules read the bundle (Info.plist, dependencies,
 * structure, ownership, the binary: ELF or Mach-O, thin or universal);
 * dynamic checks load it on a machine (kernel log, unload, unload after the
 * device is gone, sleep/wake, cycles). Every finding names its rule, where
 * it is (file, key, symbol, class) and how to fix it. docs/qualify.md. */
#ifndef BENCH_QUALIFY_H
#define BENCH_QUALIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bench/host.h"

enum bench_qualify_severity { BENCH_Q_ERROR = 0, BENCH_Q_WARNING, BENCH_Q_NOTE };

/* "error", "warning", "note". */
const char *bench_qualify_severity_name(enum bench_qualify_severity s);

struct bench_qualify_rule {
	const char *id;        /* "plist.iokitdebug" */
	enum bench_qualify_severity severity;
	const char *group;     /* "Info.plist", "dependencies", "bundle", "binary", "dynamic" */
	const char *summary;   /* what it checks, one line */
	const char *rationale; /* why it matters */
};

/* The rules in a fixed order (grouped); NULL past the end / when unknown. */
const struct bench_qualify_rule *bench_qualify_rule_at(size_t i);
const struct bench_qualify_rule *bench_qualify_rule_find(const char *id);

struct bench_qualify_finding {
	const struct bench_qualify_rule *rule;
	char *file;       /* bundle-relative ("Contents/Info.plist"); "" for the bundle */
	char *item;       /* key path, symbol, class, architecture or step; "" for none */
	const char *item_kind; /* "key", "symbol", "class", "architecture", "section", "step", "" */
	char *message;
	char *fix;        /* how to fix it; may span lines (an XML block to paste) */
	const char *suppressed; /* the --disable reason, or NULL */
};

struct bench_qualify_result {
	char bundle[4096];       /* as given */
	char bundle_id[128];     /* CFBundleIdentifier, "" if unreadable */
	char version[64];        /* CFBundleVersion, "" if unreadable */
	struct bench_qualify_finding *findings;
	size_t count, cap;
	size_t errors, warnings, notes; /* not counting suppressed ones */
	/* Checks that did not run, each with its reason ("ownership: not root ..."). */
	char **not_checked;
	size_t nnot_checked;
	double static_s, dynamic_s;
	bool dynamic_ran;
	/* Set by the static part: the binary is an ELF shared object for this
	 * bench's architecture, which the dynamic checks need (else why not). */
	bool runs_here;
	char runs_here_why[256];
};

struct bench_qualify_disable {
	const char *id;
	const char *reason; /* required */
};

#define BENCH_QUALIFY_MAX_ARCH 8
#define BENCH_QUALIFY_DEFAULT_CYCLES 1000ul
/* IOKit unloads a kext with no instances left about a minute after its
 * device goes; the shim does the same on the virtual clock. */
#define BENCH_QUALIFY_DEFAULT_UNLOAD_DELAY_NS (60ull * 1000000000ull)

struct bench_qualify_options {
	const char *bundle;
	/* Architectures shipped ("x86_64", "i386", "aarch64"; "arm64" is
	 * aarch64). None: x86_64. */
	const char *arch[BENCH_QUALIFY_MAX_ARCH];
	size_t narch;
	/* The previous release's CFBundleVersion (--previous, or the records). */
	const char *previous_version;
	/* Other kexts shipped beside this one (--with): no global may collide. */
	const char *const *with;
	size_t nwith;
	/* The bundle as installed: a directory (e.g. a fakeroot install's
	 * copy) or a tar listing file (tar --numeric-owner -tvf). */
	const char *as_installed;
	const struct bench_qualify_disable *disabled;
	size_t ndisabled;
	/* Dynamic checks: the host and device (profile), cycles per kind (0: no
	 * cycles) and the auto-unload delay (0: the default). */
	const struct bench_host_factory *host;
	const struct bench_profile *profile;
	unsigned long cycles;
	uint64_t unload_delay_ns;
};

void bench_qualify_result_init(struct bench_qualify_result *res, const char *bundle);
void bench_qualify_result_free(struct bench_qualify_result *res);

/* The static rules. SHIM_ERR_BAD_ARGUMENT (why) on bad options (unknown
 * --disable id, a reason missing, an unknown architecture); a bad bundle
 * is a finding, never an error. */
shim_ret bench_qualify_static(const struct bench_qualify_options *opt,
			      struct bench_qualify_result *res, char *why, size_t len);
/* The dynamic checks on opt->host (required, with opt->profile). Run after
 * bench_qualify_static: a bundle with static errors that stop it loading
 * is not run (not_checked says so). */
shim_ret bench_qualify_dynamic(const struct bench_qualify_options *opt,
			       struct bench_qualify_result *res, char *why, size_t len);

/* True when no unsuppressed error-severity finding. */
bool bench_qualify_clean(const struct bench_qualify_result *res);

/* Output. Text: grouped by severity, each finding with its fix. */
void bench_qualify_write_text(FILE *out, const struct bench_qualify_result *res);
bool bench_qualify_write_json(FILE *out, const struct bench_qualify_result *res);
/* SARIF 2.1.0: one run, the rules as the tool's rules, a result per finding
 * (suppressed ones with their justification). */
bool bench_qualify_write_sarif(FILE *out, const struct bench_qualify_result *res);
/* Every rule with its id, severity and rationale; markdown: a table. */
void bench_qualify_write_rules(FILE *out, bool markdown);

/* CFBundleIdentifier and CFBundleVersion of a bundle's Info.plist (read as
 * the rules read it): for --previous OLD.kext and the records. False (why)
 * when either is missing or the manifest is unreadable. */
bool bench_qualify_bundle_identity(const char *bundle, char *id, size_t idlen, char *version,
				   size_t vlen, char *why, size_t len);

/* Whether Mach-O binaries can be read here (the LLVM-based reader was
 * built and loads); false with the reason. */
bool bench_qualify_macho_available(char *why, size_t len);

#endif
