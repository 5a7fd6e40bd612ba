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


def foreign_elf():
    """A 64-bit little-endian ELF header of a shared object for AArch64."""
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    return ident + struct.pack("<HHIQQQIHHHHHH", 3, 183, 1, 0, 64, 0, 0, 64, 56, 0, 64, 0, 0)


# kind -> (manifest change or None, manifest text instead, binary: "copy",
# None (no Contents/MacOS at all) or bytes to write instead)
FAULTS = {
    "plist-not-xml": (None, b"this is not a property list\n", "copy"),
    "plist-no-bundle-id": (drop_key("CFBundleIdentifier"), None, "copy"),
    "plist-ioclass-unknown": (set_ioclass("org_drvbench_test_no_such_driver"), None, "copy"),
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
    if change is not None:
        change(manifest)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(os.path.join(out, "Contents"))
    with open(os.path.join(out, "Contents", "Info.plist"), "wb") as f:
        if text is not None:
            f.write(text)
        else:
            plistlib.dump(manifest, f)
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
