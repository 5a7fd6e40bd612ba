#!/usr/bin/env python3
"""A benchmark run with --record keeps its figures: bench_sim on the minimal
kext, recorded under a label, leaves one finished "bench" run holding the
figures it printed; a records file that is not SQLite is refused with exit 1
and left byte-identical; an option without its value is bad usage (exit 2).
usage: test_bench_figures.py BENCH_SIM KEXT"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

BENCH_SIM, KEXT = sys.argv[1:3]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args):
    return subprocess.run([BENCH_SIM] + list(args), capture_output=True, text=True, timeout=120)


work = tempfile.mkdtemp(prefix="drvbench-bench-figures-")
try:
    db = os.path.join(work, "records.sqlite")
    p = run("--records", db, "--label", "r1", KEXT, "20000", "200")
    check(p.returncode == 0, "bench_sim --records exits 0 (%s)" % p.stderr.strip()[-300:])
    con = sqlite3.connect(db)
    runs = con.execute("SELECT id, command, label, state FROM runs").fetchall()
    check(len(runs) == 1 and runs[0][1:] == ("bench", "r1", "done"),
          "one finished bench run under label r1: %r" % (runs,))
    figs = dict(con.execute("SELECT name, value FROM figures").fetchall())
    con.close()
    want = {"sim_mmio_read_ns", "sim_mmio_read_over_indirect_call", "sim_start_stop_cycles_per_s"}
    check(set(figs) == want, "the figures kept are the ones printed: %s" % sorted(figs))
    check(all(v > 0 for v in figs.values()), "every kept figure is positive: %r" % figs)
    # The printed rate and the kept one are the same measurement.
    line = [l for l in p.stdout.splitlines() if l.startswith("start/stop:")]
    printed = float(line[0].split(":")[-1].split()[0]) if line else -1
    kept = figs.get("sim_start_stop_cycles_per_s", 0)
    check(abs(printed - kept) <= 1, "printed rate %.0f is the kept one %.0f" % (printed, kept))

    bad = os.path.join(work, "not-sqlite.txt")
    with open(bad, "w") as f:
        f.write("my notes, not a database\n" * 100)
    before = open(bad, "rb").read()
    p = run("--records", bad, KEXT, "1000", "10")
    check(p.returncode == 1 and "records" in p.stderr,
          "a records file that is not SQLite exits 1 naming it: %s" % p.stderr.strip())
    check(open(bad, "rb").read() == before, "the refused file is left byte-identical")
    check("start/stop:" not in p.stdout, "nothing is measured when the records cannot be kept")

    p = run(KEXT, "--records")
    check(p.returncode == 2 and "needs a value" in p.stderr,
          "--records without a path is bad usage: %s" % p.stderr.strip())
finally:
    shutil.rmtree(work, ignore_errors=True)

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
