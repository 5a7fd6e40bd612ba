#!/usr/bin/env python3
"""check_as_installed.py DRVBENCH BUNDLE: drvbench qualify --as-installed DIR
reads the owners of the installed image as the install step left them,
inside the same fakeroot session (docs/qualify.md, "Ownership as
installed"): a copy installed root:wheel (uid 0, gid 0) qualifies clean, and
one whose executable was left to a user breaks bundle.ownership naming the
executable and no other file. Exits 1 on any difference."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SCRIPT = """set -e
cp -R "$1" "$2"
chown -R 0:0 "$2"
if [ -n "$4" ]; then chown 1000:1000 "$2/$4"; fi
exec "$3" qualify --static --json --as-installed "$2" "$1"
"""


def qualify_installed(drvbench, bundle, stage, user_owned):
    p = subprocess.run(["fakeroot", "sh", "-c", SCRIPT, "sh", bundle, stage, drvbench,
                        user_owned], capture_output=True, text=True, timeout=60)
    try:
        return p.returncode, json.loads(p.stdout)
    except ValueError:
        return p.returncode, {"findings": [{"rule": "(no JSON)", "file": "", "message":
                                            p.stderr.strip()[:300]}], "not_checked": []}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    if shutil.which("fakeroot") is None:
        print("FAIL: fakeroot is missing (tools/bootstrap.sh installs it)")
        return 1
    drvbench, bundle = argv[1], os.path.abspath(argv[2])
    exe = "Contents/MacOS/" + os.listdir(os.path.join(bundle, "Contents", "MacOS"))[0]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        status, out = qualify_installed(drvbench, bundle, os.path.join(tmp, "root"), "")
        found = [(f["rule"], f["file"], f["message"]) for f in out["findings"]]
        owners = [n for n in out["not_checked"] if n.startswith("ownership")]
        ok = status == 0 and not found and not owners
        failed += not ok
        print("%s installed root:wheel qualifies clean%s" % (
            "ok  " if ok else "FAIL", "" if ok else ": exit %d, %s %s" % (status, found, owners)))
        status, out = qualify_installed(drvbench, bundle, os.path.join(tmp, "user"), exe)
        found = [(f["rule"], f["file"]) for f in out["findings"]]
        ok = status == 1 and found == [("bundle.ownership", exe)]
        failed += not ok
        print("%s executable left to uid 1000 breaks bundle.ownership at %s%s" % (
            "ok  " if ok else "FAIL", exe, "" if ok else ": exit %d, %s" % (status, found)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
