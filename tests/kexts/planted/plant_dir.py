#!/usr/bin/env python3
"""plant_dir.py FAULT SRC_DIR OUTDIR: a source directory of a sample driver
(edu or nvme) with one fault of plant.py planted, laid out as
fuzz/oss-fuzz/build.sh expects a kext directory (Info.plist naming the
binary <Executable>-FAULT, the driver's *.c, include/), so the libFuzzer
build makes an instrumented bundle of it. No test module: the planted copy
is fuzzed with the driver's own oracles."""
import os
import plistlib
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plant  # noqa: E402


def main(argv):
    if len(argv) != 4 or argv[1] not in plant.DRIVER_PLANTS:
        sys.stderr.write("usage: plant_dir.py {%s} SRC_DIR OUTDIR\n" % "|".join(plant.DRIVER_PLANTS))
        return 2
    fault, src, out = argv[1], argv[2], argv[3]
    patched = plant.DRIVER_PLANTS[fault][0]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name.endswith(".c") or name.endswith(".h"):
            text = open(path).read()
            if name == patched:
                try:
                    text = plant.plant_text(fault, text, path)
                except ValueError as e:
                    sys.stderr.write("%s\n" % e)
                    return 1
            with open(os.path.join(out, name), "w") as f:
                f.write(text)
    shutil.copytree(os.path.join(src, "include"), os.path.join(out, "include"))
    plist = open(os.path.join(src, "Info.plist")).read()
    exe = plistlib.loads(plist.encode())["CFBundleExecutable"]
    plist = plist.replace("<string>%s</string>" % exe, "<string>%s-%s</string>" % (exe, fault), 1)
    with open(os.path.join(out, "Info.plist"), "w") as f:
        f.write(plist)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
