/* The qualification rules: one table, the single source of every rule's id,
 * severity, summary and rationale (drvbench qualify --rules prints it, and
 * docs/qualify.md's table is checked against that output). */
#include <string.h>

#include "bench/qualify.h"

#define E BENCH_Q_ERROR
#define W BENCH_Q_WARNING

static const struct bench_qualify_rule rules[] = {
	/* Info.plist */
	{ "plist.unreadable", E, "Info.plist", "Contents/Info.plist exists and is a property list dictionary",
	  "the loader reads nothing else first; a manifest refused by the bounded parse (too large, too deep) never loads" },
	{ "plist.identifier", E, "Info.plist", "CFBundleIdentifier is reverse-DNS, at most 63 characters",
	  "the kernel keys kexts, dependencies and the symbol prefix by it" },
	{ "plist.identifier-placeholder", E, "Info.plist", "CFBundleIdentifier is not a template's placeholder (com.example, com.yourcompany, ...)",
	  "a placeholder identifier collides with every other kext that kept it" },
	{ "plist.version", E, "Info.plist", "CFBundleVersion follows the kext version grammar (1-4 digits, then up to two .1-2 digit parts, optional d/a/b/fc stage)",
	  "the loader compares versions to pick a kext and refuses a malformed one" },
	{ "plist.version-not-newer", E, "Info.plist", "CFBundleVersion is greater than the previous release's",
	  "an update whose version does not increase is not loaded in place of the old one" },
	{ "plist.executable", E, "Info.plist", "CFBundleExecutable is a plain file name present in Contents/MacOS",
	  "without it there is no binary to link" },
	{ "plist.iokitdebug", E, "Info.plist", "IOKitDebug is absent or 0 in every personality",
	  "debug logging left on floods the kernel log of every machine the driver ships to" },
	{ "plist.compatible-version", E, "Info.plist", "OSBundleCompatibleVersion is well-formed and not above CFBundleVersion",
	  "a library whose compatible version exceeds its version satisfies no dependent" },
	{ "plist.compatible-version-not-library", W, "Info.plist", "OSBundleCompatibleVersion only on a library kext (one exporting symbols besides its entry)",
	  "it advertises a library nobody can link against" },
	{ "plist.bundle-required", W, "Info.plist", "OSBundleRequired is absent (it is rarely needed)",
	  "it loads the kext in early boot, where a fault stops the machine from starting; only drivers needed to mount root need it" },
	{ "plist.bundle-required-value", E, "Info.plist", "OSBundleRequired is one of Root, Local-Root, Network-Root, Console, Safe Boot",
	  "the loader ignores other values, so the kext is not where the author thinks" },
	{ "plist.personality", E, "Info.plist", "every personality has IOClass, IOProviderClass and a match key",
	  "a personality without them never matches, or matches everything" },
	{ "plist.ioclass-undefined", E, "Info.plist", "every personality's IOClass names a class the binary defines",
	  "matching succeeds, then instantiating the class fails on every machine" },
	/* dependencies */
	{ "deps.missing", E, "dependencies", "OSBundleLibraries declares every library whose symbols the binary uses",
	  "the kernel linker refuses an undeclared dependency (kextlibs' role: the fix is the block to paste)" },
	{ "deps.unused", W, "dependencies", "OSBundleLibraries declares no library the binary does not use",
	  "an unused dependency loads a library for nothing and ties the kext to its versions" },
	{ "deps.bad-library", E, "dependencies", "every declared library exists with a version it can satisfy",
	  "the kernel refuses to load a kext whose dependency cannot be resolved" },
	{ "deps.unresolved-symbol", E, "dependencies", "every undefined symbol is exported by some kernel library",
	  "the kernel linker refuses a kext with an unresolved symbol" },
	/* bundle */
	{ "bundle.layout", E, "bundle", "the bundle is a directory with Contents/",
	  "the loader finds the manifest and binary only there" },
	{ "bundle.stray-file", E, "bundle", "only Info.plist, the executable, _CodeSignature and Resources: no headers, debugger files, editor backups, .DS_Store, .dSYM",
	  "build debris ships to customers, leaks sources and breaks the signature" },
	{ "bundle.permissions", E, "bundle", "nothing in the bundle is writable by group or others",
	  "a writable kext lets any user replace kernel code" },
	{ "bundle.ownership", E, "bundle", "everything installed is owned by root:wheel (uid 0, gid 0)",
	  "the loader refuses a kext not owned by root, and a user-owned one can be replaced" },
	/* binary */
	{ "binary.malformed", E, "binary", "the executable is a readable ELF or Mach-O file (thin or universal, slices not overlapping)",
	  "a truncated or corrupt binary fails to load, or worse, loads garbage" },
	{ "binary.type", E, "binary", "the executable is a kext: an ELF shared object, or a Mach-O MH_KEXT_BUNDLE",
	  "the loader maps only that file type" },
	{ "binary.debug-info", E, "binary", "a release build carries no DWARF debug sections",
	  "debug information ships sources' structure and bloats wired kernel memory; keep it in a separate dSYM/debug file" },
	{ "binary.symtab-size", W, "binary", "the symbol table is not larger than the code",
	  "an oversized symbol table is a sign of an unstripped or debug build; it stays in wired memory" },
	{ "binary.arch-missing", E, "binary", "every architecture shipped (--arch) is present",
	  "the kext does not load on the missing one" },
	{ "binary.arch-extra", E, "binary", "no architecture is present that is not shipped",
	  "an untested slice ships untested code" },
	{ "binary.no-entry", E, "binary", "the binary exports the entry symbol (kmod_info)",
	  "the loader finds the kext's descriptor through it" },
	{ "binary.unprefixed-global", E, "binary", "every exported global carries the prefix from CFBundleIdentifier (dots as underscores)",
	  "kexts share one flat namespace: a common name (start, qsort) collides and the load fails" },
	{ "binary.short-prefix", W, "binary", "exported globals use the full prefix, not just the identifier's last label",
	  "a short prefix is unique to this kext today, not to every kext it will meet" },
	{ "binary.collision-kernel", E, "binary", "no exported global has the name of a kernel (shim) export",
	  "the kernel refuses a kext redefining its symbols" },
	{ "binary.collision-kext", E, "binary", "no exported global has the name of one in another kext given with --with",
	  "the second kext to load is refused" },
	/* dynamic */
	{ "dyn.not-run", E, "dynamic", "the dynamic checks ran, unless --static asked for the static rules alone",
	  "a kext qualified on its files alone was never loaded: nothing says it starts, unloads or survives its device going" },
	{ "dyn.load", E, "dynamic", "the kext loads, matches its device and starts",
	  "nothing else can be qualified before that" },
	{ "dyn.log-error", E, "dynamic", "no error in the kernel log during load, match, start, stop or unload",
	  "an error logged on a clean run is a bug or noise that hides real ones" },
	{ "dyn.log-warning", W, "dynamic", "no warning in the kernel log during load, match, start, stop or unload",
	  "warnings on a clean run train users to ignore the log" },
	{ "dyn.unload", E, "dynamic", "the kext unloads after its driver stops",
	  "a kext that cannot unload cannot be updated without a reboot" },
	{ "dyn.unload-after-removal", E, "dynamic", "after surprise removal no instance is left, so the kext auto-unloads after the delay",
	  "IOKit unloads a kext with no instances about a minute after its device goes; a held instance keeps it in memory forever" },
	{ "dyn.sleep-wake", E, "dynamic", "with a power table, the loaded driver survives system sleep and wake",
	  "sleep/wake is every laptop's daily path" },
	{ "dyn.cycle", E, "dynamic", "every cycle kind runs its count (1,000 by default) with no failure and no rising counter",
	  "a leak of one object per thousand operations exhausts a kernel in weeks" },
	{ "dyn.verifier", E, "dynamic", "the shim's verifier records no misuse and the counters return to baseline",
	  "misuse the kernel tolerates today panics it tomorrow" },
};

const struct bench_qualify_rule *bench_qualify_rule_at(size_t i)
{
	return i < sizeof(rules) / sizeof(rules[0]) ? &rules[i] : NULL;
}

const struct bench_qualify_rule *bench_qualify_rule_find(const char *id)
{
	for (size_t i = 0; id != NULL && i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

const char *bench_qualify_severity_name(enum bench_qualify_severity s)
{
	switch (s) {
	case BENCH_Q_ERROR: return "error";
	case BENCH_Q_WARNING: return "warning";
	case BENCH_Q_NOTE: return "note";
	}
	return "unknown";
}
