#!/usr/bin/env python3
"""make_bad_bundle.py KIND Info.plist BINARY OUT.kext

Builds a real kext bundle directory with one thing wrong, for the tests of
what the bench refuses (drvbench-mkbundle would refuse to make most of
them). KIND is one of the keys of FAULTS below; Info.plist and BINARY are a
good kext's manifest and binary, changed as the kind says.
"""
import os
import plistlib
import shutil
import struct
import sys


def set_key(key, value):
    def change(manifest):
        manifest[key] = value
    return change


def drop_key(key):
    def change(manifest):
        del manifest[key]
    return change


def set_ioclass(value):
    def change(manifest):
        for personality in manifest["IOKitPersonalities"].values():
            personality["IOClass"] = value
    return change


def set_probe_score(value):
    def change(manifest):
        for personality in manifest["IOKitPersonalities"].values():
            personality["IOProbeScore"] = value
    return change


def nul_in_bundle_id(manifest):
    """XML cannot carry a NUL: the binary form can, as kextd would read it."""
    manifest["CFBundleIdentifier"] += "\0.evil"
    return plistlib.FMT_BINARY


def deep_arrays(levels):
    """A manifest with an unused key nested `levels` arrays deep."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
            b"<key>Deep</key>" + b"<array>" * levels + b"</array>" * levels +
            b"</dict></plist>\n")


def foreign_elf():
    """A 64-bit little-endian ELF header of a shared object for AArch64."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    return ident + struct.pack("<HHIQQQIHHHHHH", 3, 183, 1, 0, 64, 0, 0, 64, 56, 0, 64, 0, 0)


# kind -> (manifest change or None (a change may return the plistlib format
# to write), manifest text instead, binary: "copy", None (no Contents/MacOS
# at all) or bytes to write instead)
FAULTS = {
    "plist-not-xml": (None, b"this is not a property list\n", "copy"),
    "plist-no-bundle-id": (drop_key("CFBundleIdentifier"), None, "copy"),
    "plist-ioclass-unknown": (set_ioclass("org_drvbench_test_no_such_driver"), None, "copy"),
    "plist-probe-score-wraps": (set_probe_score(2 ** 31), None, "copy"),
    "plist-nul-in-bundle-id": (nul_in_bundle_id, None, "copy"),
    "plist-nested-60000-deep": (None, deep_arrays(60000), "copy"),
    "no-executable": (None, None, None),
    "no-executable-key": (drop_key("CFBundleExecutable"), None, None),
    "wrong-executable": (set_key("CFBundleExecutable", "NoSuchDriver"), None, "copy"),
    "not-elf": (None, None, b"#!/bin/sh\necho this is not an ELF shared object\n"),
    "other-arch": (None, None, foreign_elf()),
}


def main(argv):
    if len(argv) != 5 or argv[1] not in FAULTS:
        sys.stderr.write(__doc__ + "kinds: %s\n" % ", ".join(sorted(FAULTS)))
        return 2
    kind, plist_path, binary, out = argv[1:]
    change, text, exe_bytes = FAULTS[kind]
    with open(plist_path, "rb") as f:
        manifest = plistlib.load(f)
    exe_name = manifest["CFBundleExecutable"]
    fmt = plistlib.FMT_XML
    if change is not None:
        fmt = change(manifest) or fmt
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "Contents"))
    with open(os.path.join(out, "Contents", "Info.plist"), "wb") as f:
        if text is not None:
            f.write(text)
        else:
            plistlib.dump(manifest, f, fmt=fmt)
    if exe_bytes is None:
        return 0
    os.makedirs(os.path.join(out, "Contents", "MacOS"))
    exe = os.path.join(out, "Contents", "MacOS", exe_name)
    if exe_bytes == "copy":
        shutil.copyfile(binary, exe)
    else:
        with open(exe, "wb") as f:
            f.write(exe_bytes)
    os.chmod(exe, 0o755)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
