#!/usr/bin/env python3
"""check_records.py DRVBENCH CLEAN_BUNDLE: drvbench qualify --records keeps
its findings as a "qualify" run, and the version of the last release that
qualified becomes --previous's default: a clean 1.0.0 is recorded
qualified, then a copy relabelled 0.9.0 breaks plist.version-not-newer
naming 1.0.0, and its run is recorded failed with that finding."""
import json
import os
import plistlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile


def qualify(drvbench, db, bundle):
    p = subprocess.run([drvbench, "qualify", "--static", "--json", "--records", db, bundle],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, json.loads(p.stdout)


def main(argv):
    drvbench, clean = argv[1], argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "records.sqlite")
        status, out = qualify(drvbench, db, clean)
        if status != 0 or out["findings"]:
            print("the clean bundle did not qualify: %s" % out["findings"])
            return 1
        older = os.path.join(tmp, os.path.basename(clean))
        shutil.copytree(clean, older)
        plist = os.path.join(older, "Contents", "Info.plist")
        with open(plist, "rb") as f:
            manifest = plistlib.load(f)
        manifest["CFBundleVersion"] = "0.9.0"
        with open(plist, "wb") as f:
            plistlib.dump(manifest, f)
        status, out = qualify(drvbench, db, older)
        rules = [f["rule"] for f in out["findings"]]
        if status != 1 or rules != ["plist.version-not-newer"] or \
                "1.0.0" not in out["findings"][0]["message"]:
            print("0.9.0 after a qualified 1.0.0: exit %d, %s" % (status, out["findings"]))
            return 1
        con = sqlite3.connect(db)
        runs = con.execute("SELECT bundle_version, state FROM runs WHERE command='qualify'"
                           " ORDER BY id").fetchall()
        found = con.execute("SELECT check_name, severity FROM findings").fetchall()
        if runs != [("1.0.0", "done"), ("0.9.0", "failed")] or \
                found != [("plist.version-not-newer", "error")]:
            print("records: runs %s, findings %s" % (runs, found))
            return 1
    print("recorded: 1.0.0 qualified, 0.9.0 refused against it")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
