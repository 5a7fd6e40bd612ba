"""The qualification corpus: one deliberately broken bundle per rule of
drvbench qualify (and a few extra bad inputs), each with the one rule it
must break and where. make_corpus.py builds the bundles from this table,
check_corpus.py runs drvbench qualify on each and checks that the rule is
the only one broken, at that location, in the JSON and in the SARIF.

A case: name -> dict with
  binary   the executable: a qk variant ("qk", "qk_unprefixed", ...), a
           Mach-O file ("macho:QkMacho-universal"), or None (no binary)
  strip    objcopy --strip-debug it (default True for ELF)
  plist    edits of the base manifest: key -> value (None deletes), with
           "IOKitPersonalities.Qk.KEY" reaching into the personality
  raw_plist  bytes written as Info.plist instead
  files    extra files in the bundle: relative path -> bytes
  modes    relative path -> mode (after everything is written)
  no_exec  the executable is left out
  not_dir  the bundle is a plain file
  args     extra drvbench qualify arguments ({dir} is the case directory)
  rule, file, item  what must be found (item may be None: not checked)
"""

QK_LIBS = {"com.apple.kpi.iokit": "19.0", "com.apple.kpi.libkern": "19.0"}


def base_plist(name="QkDriver", ident="org.drvbench.test.qk", ioclass="org_drvbench_test_qk",
               libs=None):
    return {
        "CFBundleDevelopmentRegion": "en",
        "CFBundleExecutable": name,
        "CFBundleIdentifier": ident,
        "CFBundleInfoDictionaryVersion": "6.0",
        "CFBundleName": name,
        "CFBundlePackageType": "KEXT",
        "CFBundleVersion": "1.0.0",
        "IOKitPersonalities": {"Qk": {
            "CFBundleIdentifier": ident,
            "IOClass": ioclass,
            "IOPCIMatch": "0x11e81234",
            "IOProviderClass": "IOPCIDevice",
        }},
        "OSBundleLibraries": dict(libs if libs is not None else QK_LIBS),
    }


MACHO_PLIST = base_plist("QkMacho", "org.drvbench.test.macho", "org_drvbench_test_macho",
                         {"com.apple.kpi.iokit": "19.0"})

PLIST = "Contents/Info.plist"
EXE = "Contents/MacOS/QkDriver"
MEXE = "Contents/MacOS/QkMacho"

# Bundles that must qualify with no finding at all.
CLEAN = {
    "clean-elf": {"binary": "qk"},
    # A Mach-O kext runs on macOS, not here: its files alone (--static).
    "clean-macho": {"binary": "macho:QkMacho", "macho": True, "args": ["--static"]},
    "clean-factorial": {"binary": "factorial", "factorial": True},
}

CASES = {
    # Info.plist
    "plist-unreadable": {"binary": "qk", "raw_plist": b"this is not a property list\n",
                         "rule": "plist.unreadable", "file": PLIST, "item": ""},
    "plist-too-deep": {"binary": "qk", "raw_plist": b"<plist><array>" * 40,
                       "rule": "plist.unreadable", "file": PLIST, "item": ""},
    "plist-identifier": {"binary": "qk", "plist": {"CFBundleIdentifier": "qk"},
                         "rule": "plist.identifier", "file": PLIST, "item": "CFBundleIdentifier"},
    "plist-identifier-placeholder": {
        "binary": "qk", "plist": {"CFBundleIdentifier": "com.example.driver.qk"},
        "rule": "plist.identifier-placeholder", "file": PLIST, "item": "CFBundleIdentifier"},
    "plist-version": {"binary": "qk", "plist": {"CFBundleVersion": "1.0.0-beta"},
                      "rule": "plist.version", "file": PLIST, "item": "CFBundleVersion"},
    "plist-version-not-newer": {"binary": "qk", "args": ["--previous", "{dir}/Previous.kext"],
                                "previous": "2.0.0", "rule": "plist.version-not-newer",
                                "file": PLIST, "item": "CFBundleVersion"},
    "plist-executable": {"binary": "qk", "no_exec": True, "rule": "plist.executable",
                         "file": PLIST, "item": "CFBundleExecutable"},
    "plist-iokitdebug": {"binary": "qk", "plist": {"IOKitPersonalities.Qk.IOKitDebug": 65535},
                         "rule": "plist.iokitdebug", "file": PLIST,
                         "item": "IOKitPersonalities.Qk.IOKitDebug"},
    "plist-compatible-version": {"binary": "qk", "plist": {"OSBundleCompatibleVersion": "9.0"},
                                 "rule": "plist.compatible-version", "file": PLIST,
                                 "item": "OSBundleCompatibleVersion"},
    "plist-compatible-version-not-library": {
        "binary": "qk_noexport", "plist": {"OSBundleCompatibleVersion": "1.0"},
        "rule": "plist.compatible-version-not-library", "file": PLIST,
        "item": "OSBundleCompatibleVersion"},
    "plist-bundle-required": {"binary": "qk", "plist": {"OSBundleRequired": "Root"},
                              "rule": "plist.bundle-required", "file": PLIST,
                              "item": "OSBundleRequired"},
    "plist-bundle-required-value": {"binary": "qk", "plist": {"OSBundleRequired": "Sometimes"},
                                    "rule": "plist.bundle-required-value", "file": PLIST,
                                    "item": "OSBundleRequired"},
    "plist-personality": {"binary": "qk", "plist": {"IOKitPersonalities.Qk.IOProviderClass": None},
                          "rule": "plist.personality", "file": PLIST,
                          "item": "IOKitPersonalities.Qk"},
    "plist-ioclass-undefined": {"binary": "qk",
                                "plist": {"IOKitPersonalities.Qk.IOClass": "org_drvbench_test_qk_Nope"},
                                "rule": "plist.ioclass-undefined", "file": PLIST,
                                "item": "IOKitPersonalities.Qk.IOClass"},
    # dependencies
    "deps-missing": {"binary": "qk", "plist": {"OSBundleLibraries": {"com.apple.kpi.iokit": "19.0"}},
                     "rule": "deps.missing", "file": PLIST,
                     "item": "OSBundleLibraries.com.apple.kpi.libkern"},
    "deps-unused": {"binary": "qk", "plist": {"OSBundleLibraries": dict(QK_LIBS, **{"com.apple.kpi.bsd": "19.0"})},
                    "rule": "deps.unused", "file": PLIST, "item": "OSBundleLibraries.com.apple.kpi.bsd"},
    "deps-bad-library": {"binary": "qk", "plist": {"OSBundleLibraries": dict(QK_LIBS, **{"com.apple.kpi.iokit": "99.0"})},
                         "rule": "deps.bad-library", "file": PLIST,
                         "item": "OSBundleLibraries.com.apple.kpi.iokit"},
    "deps-unresolved-symbol": {"binary": "qk_unresolved", "rule": "deps.unresolved-symbol",
                               "file": EXE, "item": "qk_nowhere_to_be_found"},
    # bundle
    "bundle-layout": {"binary": "qk", "not_dir": True, "rule": "bundle.layout", "file": "", "item": ""},
    "bundle-stray-file": {"binary": "qk", "files": {"Contents/.DS_Store": b"\0\0\0\1Bud1"},
                          "rule": "bundle.stray-file", "file": "Contents/.DS_Store", "item": ""},
    "bundle-stray-header": {"binary": "qk", "files": {"Contents/Resources/qk_regs.h": b"#define X 1\n"},
                            "rule": "bundle.stray-file", "file": "Contents/Resources/qk_regs.h",
                            "item": ""},
    # stray-file kinds: an editor's backup and swap file, a debug symbols bundle
    # (one finding for the directory, not one per file inside it)
    "bundle-stray-backup": {"binary": "qk", "files": {"Contents/Resources/Info.plist~": b"old\n"},
                            "rule": "bundle.stray-file", "file": "Contents/Resources/Info.plist~",
                            "item": ""},
    "bundle-stray-swap": {"binary": "qk", "files": {"Contents/.Info.plist.swp": b"b0VIM 9.0"},
                          "rule": "bundle.stray-file", "file": "Contents/.Info.plist.swp", "item": ""},
    "bundle-stray-dsym": {"binary": "qk",
                          "files": {"Contents/QkDriver.dSYM/Contents/Resources/DWARF/QkDriver": b"\0"},
                          "rule": "bundle.stray-file", "file": "Contents/QkDriver.dSYM", "item": ""},
    "bundle-permissions": {"binary": "qk", "modes": {PLIST: 0o666}, "rule": "bundle.permissions",
                           "file": PLIST, "item": ""},
    "bundle-ownership": {"binary": "qk", "listing": True,
                         "args": ["--as-installed", "{dir}/listing.txt"],
                         "rule": "bundle.ownership", "file": EXE, "item": ""},
    # binary
    "binary-malformed": {"binary": "qk", "truncate": 200, "rule": "binary.malformed", "file": EXE,
                         "item": ""},
    "binary-malformed-overlap": {"binary": "macho:QkMacho-overlap", "macho": True,
                                 "rule": "binary.malformed", "file": MEXE, "item": ""},
    "binary-type": {"binary": "macho:QkMacho-bundle", "macho": True, "rule": "binary.type",
                    "file": MEXE, "item": "x86_64"},
    "binary-type-elf": {"binary": "qk_exe", "rule": "binary.type", "file": EXE, "item": "x86_64"},
    "binary-debug-info": {"binary": "qk", "strip": False, "rule": "binary.debug-info", "file": EXE,
                          "item": None},
    "binary-symtab-size": {"binary": "qk_symtab", "rule": "binary.symtab-size", "file": EXE,
                           "item": "x86_64"},
    "binary-arch-missing": {"binary": "qk", "args": ["--arch", "x86_64,i386"],
                            "rule": "binary.arch-missing", "file": EXE, "item": "i386"},
    "binary-arch-extra": {"binary": "macho:QkMacho-universal", "macho": True, "args": ["--static"],
                          "rule": "binary.arch-extra", "file": MEXE, "item": "aarch64"},
    "binary-no-entry": {"binary": "qk_noentry", "rule": "binary.no-entry", "file": EXE,
                        "item": "kmod_info"},
    "binary-unprefixed-global": {"binary": "qk_unprefixed", "rule": "binary.unprefixed-global",
                                 "file": EXE, "item": "start_count"},
    "binary-short-prefix": {"binary": "qk_short", "rule": "binary.short-prefix", "file": EXE,
                            "item": "qk_counter"},
    "binary-collision-kernel": {"binary": "qk_collide_shim", "rule": "binary.collision-kernel",
                                "file": EXE, "item": "shim_qk_table"},
    "binary-collision-kext": {"binary": "qk", "other": True,
                              "args": ["--with", "{dir}/Other.kext"],
                              "rule": "binary.collision-kext", "file": EXE,
                              "item": "org_drvbench_test_qk_alive"},
    # dynamic (on sim)
    "dyn-not-run": {"binary": "qk", "plist": {"IOKitPersonalities.Qk.IOPCIMatch": "0x0bad0bad"},
                    "rule": "dyn.not-run", "file": "", "item": "dynamic"},
    "dyn-load": {"binary": "qk_start_fails", "rule": "dyn.load", "file": "", "item": "start"},
    "dyn-log-error": {"binary": "qk_log_error", "rule": "dyn.log-error", "file": "",
                      "item": "load, match and start"},
    "dyn-log-warning": {"binary": "qk_log_warning", "rule": "dyn.log-warning", "file": "",
                        "item": "load, match and start"},
    "dyn-unload": {"binary": "qk_leak_instance", "rule": "dyn.unload", "file": "", "item": "unload"},
    "dyn-verifier": {"binary": "qk_leak_alloc", "rule": "dyn.verifier", "file": "", "item": "stop"},
    "dyn-cycle": {"binary": "qk_leak_cycles", "rule": "dyn.cycle", "file": "", "item": "start-stop"},
    "dyn-sleep-wake": {"binary": "factorial_power_never_acked", "factorial": True,
                       "rule": "dyn.sleep-wake", "file": "", "item": "sleep-wake"},
    "dyn-unload-after-removal": {"binary": "factorial_instance_kept_after_removal",
                                 "factorial": True, "rule": "dyn.unload-after-removal", "file": "",
                                 "item": "org_drvbench_example_factorial"},
}
