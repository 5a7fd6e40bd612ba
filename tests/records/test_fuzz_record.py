#!/usr/bin/env python3
"""drvbench fuzz --record. In any build (FUZZER: the replay driver standing
in): a records file that cannot be used, or a bad --runs or --seed, is
refused with exit 2 before any fuzzing (no corpus made, the file left as it
was). With the libFuzzer binary (--campaigns): a campaign of fixed seed and
run count is stored (exec/s, coverage features over executions, corpus,
crashes, per-selector counts with refusals), a second one of one input
(the first corpus's smallest) under another label has fewer features and compare exits 1 naming the
drop, and the report carries the curve and the selector table.
No assertion reads the wall clock.
usage: test_fuzz_record.py DRVBENCH FUZZER KEXT TESTS [--campaigns]"""
import os
import sqlite3
import subprocess
import sys
import tempfile

DRVBENCH, FUZZER, KEXT, TESTS = sys.argv[1:5]
CAMPAIGNS = "--campaigns" in sys.argv[5:]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def fuzz(*args, expect=None):
    cmd = [DRVBENCH, "fuzz", "--kext", KEXT, "--fuzzer", FUZZER] + (
        ["--tests", TESTS] if TESTS != "-" else []) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if expect is not None and p.returncode != expect:
        print(" ".join(cmd), "->", p.returncode, p.stdout[-3000:], p.stderr[-3000:])
    return p


work = tempfile.mkdtemp(prefix="drvbench-fuzz-record-")
notes = os.path.join(work, "notes.txt")
open(notes, "w").write("not a database\n")
corpus = os.path.join(work, "refused-corpus")
p = fuzz("--records", notes, "--corpus", corpus, "--runs", "10", expect=2)
check(p.returncode == 2 and "not a SQLite records file" in p.stderr,
      "a records file that is not SQLite is refused with exit 2: " + p.stderr.strip()[-200:])
check(not os.path.exists(corpus), "nothing was fuzzed: no corpus made")
check(open(notes).read() == "not a database\n", "the file is left as it was")
p = fuzz("--records", os.path.join(work, "no", "such", "dir", "r.sqlite"), "--corpus", corpus,
         expect=2)
check(p.returncode == 2 and not os.path.exists(corpus),
      "a records path that cannot be created is refused before fuzzing")
for bad in (["--runs", "0"], ["--runs", "-5"], ["--seed", "x"], ["--runs"]):
    p = fuzz(*bad, expect=2)
    check(p.returncode == 2, "%s is refused with exit 2" % " ".join(bad))

if CAMPAIGNS:
    db = os.path.join(work, "records.sqlite")
    p = fuzz("--record", "--records", db, "--label", "1.0", "--runs", "3000", "--seed", "1",
             "--time", "600", "--corpus", os.path.join(work, "c1"), expect=0)
    check(p.returncode == 0, "a campaign of 3000 runs with seed 1 is recorded")
    con = sqlite3.connect(db)
    run = con.execute("SELECT command, label, state, bundle_id, host FROM runs").fetchall()
    check(len(run) == 1 and run[0][:3] == ("fuzz", "1.0", "done") and run[0][3],
          "one fuzz run under label 1.0, done, keyed by the bundle: %s" % run)
    f = con.execute("SELECT id, target, execs, execs_per_s, features, corpus, crashes"
                    " FROM fuzz").fetchall()
    check(len(f) == 1 and f[0][1] == "struct" and f[0][2] >= 3000 and f[0][3] > 0
          and f[0][4] > 0 and f[0][5] > 0 and f[0][6] == 0,
          "the campaign's execs, exec/s, features, corpus and crashes: %s" % (f,))
    pts = con.execute("SELECT execs, features FROM fuzz_points WHERE fuzz_id=? ORDER BY rowid",
                      (f[0][0],)).fetchall() if f else []
    check(len(pts) >= 2 and all(b[0] >= a[0] and b[1] >= a[1] for a, b in zip(pts, pts[1:]))
          and pts[-1][1] == f[0][4],
          "coverage over time: %d points, features never falling, ending at the total"
          % len(pts))
    sel = con.execute("SELECT selector, method, reached, refused, ran, failed FROM uc_selectors"
                      ).fetchall()
    check(len(sel) > 0 and sum(s[2] for s in sel) > 0 and sum(s[3] for s in sel) > 0,
          "per-selector counts stored, with refusals (%d rows, %d calls, %d refused)"
          % (len(sel), sum(s[2] for s in sel), sum(s[3] for s in sel)))
    check(all(s[2] >= s[3] + s[4] and s[4] >= s[5] for s in sel),
          "each selector: reached >= refused + ran, ran >= failed")
    con.close()
    # One input of the first corpus (its smallest) under another label:
    # fewer features, a coverage drop.
    small = os.path.join(work, "c2")
    os.makedirs(small)
    c1 = os.path.join(work, "c1")
    one = min(os.listdir(c1), key=lambda f: (os.path.getsize(os.path.join(c1, f)), f))
    open(os.path.join(small, "one"), "wb").write(open(os.path.join(c1, one), "rb").read())
    p = fuzz("--record", "--records", db, "--label", "1.1", "--runs", "1", "--seed", "1",
             "--corpus", small, expect=0)
    check(p.returncode == 0, "a one-input campaign is recorded under 1.1")
    p = subprocess.run([DRVBENCH, "compare", "--records", db, "1.0", "1.1"],
                       capture_output=True, text=True)
    check(p.returncode == 1 and "coverage-drop" in p.stdout and "fuzz struct" in p.stdout,
          "compare flags the coverage drop and exits 1: " + p.stdout.strip().replace("\n", " | "))
    page = os.path.join(work, "report.html")
    p = subprocess.run([DRVBENCH, "report", "--records", db, "--out", page],
                       capture_output=True, text=True)
    html = open(page).read() if os.path.exists(page) else ""
    check(p.returncode == 0 and '"id": "fuzz-0"' in html and '"id": "fuzz-1"' in html
          and '"coverage features"' in html and '["fuzz", ' in html,
          "the report carries both campaigns' curves and the selector table")

subprocess.run(["rm", "-rf", work])
if failures:
    print("%d check(s) failed" % len(failures))
    sys.exit(1)
