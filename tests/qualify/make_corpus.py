#!/usr/bin/env python3
"""make_corpus.py OUT --bin NAME=PATH... [--macho DIR] [--factorial-plist PATH]

Builds the qualification corpus (cases.py) under OUT: OUT/<case>/<Name>.kext
for every case and clean bundle whose binary is available, with explicit
modes (0755 directories and executables, 0644 files) so the umask of the
build never breaks a bundle by accident, and OUT/cases.json listing what
was built (a case whose Mach-O binaries could not be made is left out and
listed as skipped, with the reason)."""
import json
import os
import plistlib
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402


def edit_plist(plist, edits):
    for key, value in edits.items():
        node, parts = plist, key.split(".")
        if parts[0] == "IOKitPersonalities":
            node = plist["IOKitPersonalities"][parts[1]]
            parts = parts[2:]
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[".".join(parts)] = value


def write_bundle(path, plist_bytes, exe_name, binary, case):
    os.makedirs(os.path.join(path, "Contents", "MacOS"))
    with open(os.path.join(path, "Contents", "Info.plist"), "wb") as f:
        f.write(plist_bytes)
    exe = os.path.join(path, "Contents", "MacOS", exe_name)
    if binary is not None and not case.get("no_exec"):
        shutil.copyfile(binary, exe)
        if case.get("strip", not case.get("macho")) and not case.get("macho"):
            subprocess.run(["objcopy", "--strip-debug", exe], check=True)
        if case.get("truncate"):
            with open(exe, "r+b") as f:
                f.truncate(case["truncate"])
    for rel, data in case.get("files", {}).items():
        os.makedirs(os.path.dirname(os.path.join(path, rel)), exist_ok=True)
        with open(os.path.join(path, rel), "wb") as f:
            f.write(data)
    for root, dirs, files in os.walk(path):
        os.chmod(root, 0o755)
        for name in files:
            full = os.path.join(root, name)
            os.chmod(full, 0o755 if full == exe else 0o644)
    for rel, mode in case.get("modes", {}).items():
        os.chmod(os.path.join(path, rel), mode)


def manifest(case, factorial_plist):
    if case.get("factorial"):
        with open(factorial_plist, "rb") as f:
            plist = plistlib.load(f)
        return plist, plist["CFBundleExecutable"]
    plist = cases.MACHO_PLIST if case.get("macho") else cases.base_plist()
    plist = json.loads(json.dumps(plist))  # a deep copy
    edit_plist(plist, case.get("plist", {}))
    return plist, plist["CFBundleExecutable"]


def build_case(out, name, case, bins, macho_dir, factorial_plist):
    src = case["binary"]
    if src.startswith("macho:"):
        if macho_dir is None:
            return "no Mach-O tools (clang-14, ld64.lld-14, llvm-lipo-14)"
        binary = os.path.join(macho_dir, src[len("macho:"):])
    else:
        binary = bins[src]
    cdir = os.path.join(out, name)
    plist, exe = manifest(case, factorial_plist)
    bname = exe + ".kext"
    if case.get("not_dir"):
        os.makedirs(cdir)
        with open(os.path.join(cdir, bname), "w") as f:
            f.write("not a bundle\n")
    else:
        raw = case.get("raw_plist") or plistlib.dumps(plist)
        write_bundle(os.path.join(cdir, bname), raw, exe, binary, case)
    if case.get("previous"):
        prev = dict(plist, CFBundleVersion=case["previous"])
        os.makedirs(os.path.join(cdir, "Previous.kext", "Contents"))
        with open(os.path.join(cdir, "Previous.kext", "Contents", "Info.plist"), "wb") as f:
            f.write(plistlib.dumps(prev))
    if case.get("other"):
        other = dict(plist, CFBundleIdentifier="org.drvbench.test.other")
        write_bundle(os.path.join(cdir, "Other.kext"), plistlib.dumps(other), exe, binary, case)
    if case.get("listing"):
        with open(os.path.join(cdir, "listing.txt"), "w") as f:
            for rel, mode, owner in (("", "drwxr-xr-x", "0/0"), ("Contents", "drwxr-xr-x", "0/0"),
                                     ("Contents/Info.plist", "-rw-r--r--", "0/0"),
                                     ("Contents/MacOS", "drwxr-xr-x", "0/0"),
                                     (cases.EXE, "-rwxr-xr-x", "1000/1000")):
                f.write("%s %s 1024 2024-01-01 00:00 ./Library/Extensions/%s%s%s\n"
                        % (mode, owner, bname, "/" if rel else "", rel))
    return os.path.join(cdir, bname)


def main(argv):
    out, bins, macho_dir, fplist = os.path.abspath(argv[1]), {}, None, None
    i = 2
    while i < len(argv):
        if argv[i] == "--bin":
            k, v = argv[i + 1].split("=", 1)
            bins[k] = v
        elif argv[i] == "--macho":
            macho_dir = argv[i + 1] or None
        elif argv[i] == "--factorial-plist":
            fplist = argv[i + 1]
        i += 2
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    built = {"cases": {}, "clean": {}, "skipped": {}}
    for table, key in ((cases.CASES, "cases"), (cases.CLEAN, "clean")):
        for name, case in table.items():
            result = build_case(out, name, case, bins, macho_dir, fplist)
            if not result.startswith(out):
                built["skipped"][name] = result
                continue
            entry = {k: case.get(k) for k in ("rule", "file", "item")}
            entry["bundle"] = result
            entry["args"] = [a.replace("{dir}", os.path.join(out, name))
                             for a in case.get("args", [])]
            built[key][name] = entry
    with open(os.path.join(out, "cases.json"), "w") as f:
        json.dump(built, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
