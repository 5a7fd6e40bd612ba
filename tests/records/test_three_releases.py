#!/usr/bin/env python3
"""Three releases of a driver recorded, compared and reported, as a user
would: a clean one (1.0), one with a planted leak (1.1) and one whose cycles
are three times slower in virtual time (1.2), recorded by records_fixture;
then drvbench run --record --junit on the last one. compare must flag the
leak and the slowdown and exit 1; an unknown label lists the known ones; the
report, opened in headless chromium, draws the leak's rising line with no
console error; the JUnit files validate against the JUnit schema (junit/).
No assertion reads the wall clock.
usage: test_three_releases.py DRVBENCH FIXTURE KEXT TESTS XSD"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser  # noqa: E402

DRVBENCH, FIXTURE, KEXT, TESTS, XSD = sys.argv[1:6]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*args, expect=None):
    p = subprocess.run(list(args), capture_output=True, text=True)
    if expect is not None and p.returncode != expect:
        print(p.stdout[-3000:], p.stderr[-3000:])
    return p


work = tempfile.mkdtemp(prefix="drvbench-records-test-")
db = os.path.join(work, "records.sqlite")
env_labels = [("1.0", "10", "0"), ("1.1", "10", "100"), ("1.2", "30", "0")]
for label, step, leak in env_labels:
    p = run(FIXTURE, db, KEXT, label, step, leak, expect=0)
    check(p.returncode == 0, "release %s recorded (%s)" % (label, p.stdout.strip()))

junit_run = os.path.join(work, "run.xml")
p = run(DRVBENCH, "run", "--kext", KEXT, "--tests", TESTS, "--host", "sim", "--records", db,
        "--label", "1.2", "--junit", junit_run, expect=0)
check(p.returncode == 0, "drvbench run --record --junit passes on sim")
junit_cycle = os.path.join(work, "cycle.xml")
p = run(DRVBENCH, "cycle", "--kext", KEXT, "--kind", "start-stop", "--count", "300",
        "--plant-leak", "50", "--junit", junit_cycle, expect=1)
check(p.returncode == 1, "drvbench cycle --junit with a planted leak exits 1")
for f in (junit_run, junit_cycle):
    v = run("xmllint", "--noout", "--schema", XSD, f)
    check(v.returncode == 0, "%s validates against the JUnit schema %s" % (os.path.basename(f),
                                                                           v.stderr.strip()))
check('<failure type="FAIL" message="trend: class bench_planted_leak' in open(junit_cycle).read(),
      "the cycle's JUnit failure message carries the reason")

p = run(DRVBENCH, "compare", "--records", db, "--json", "1.0", "1.1")
out = json.loads(p.stdout) if p.stdout.startswith("{") else {}
check(p.returncode == 1, "compare 1.0 1.1 exits 1")
check(any(c["kind"] == "trend-new" and "bench_planted_leak" in c["detail"]
          for c in out.get("changes", [])), "compare 1.0 1.1 flags the planted leak's class")
check("within each run" in out.get("noise", {}).get("cycles", ""),
      "compare says where its noise estimate came from")
p = run(DRVBENCH, "compare", "--records", db, "1.0", "1.2")
check(p.returncode == 1 and "slower" in p.stdout and "cycle start-stop" in p.stdout,
      "compare 1.0 1.2 flags the slowdown: " + p.stdout.strip().replace("\n", " | "))
p = run(DRVBENCH, "compare", "--records", db)
check(p.returncode == 1 and "1.1 -> 1.2" in p.stdout, "compare defaults to the last two labels")
p = run(DRVBENCH, "compare", "--records", db, "1.0", "9.9")
check(p.returncode == 2 and "known labels: 1.0, 1.1, 1.2" in p.stderr,
      "an unknown label is refused listing the known ones: " + p.stderr.strip())

page = os.path.join(work, "report.html")
p = run(DRVBENCH, "report", "--records", db, "--out", page, expect=0)
check(p.returncode == 0 and os.path.getsize(page) > 50000, "report written")
html = open(page).read()
check(re.search(r'<(script|link|img|iframe)[^>]+(src|href)=', html) is None
      and "url(http" not in html, "the page loads nothing from anywhere: no src, no href")
st, console, dom = browser.selftest(page)
check(st["errors"] == [] and console == [], "no console error: %s %s" % (st["errors"], console))
# The run's per-selector user-client coverage, drawn as a table: every
# selector of edu's client, the times its generic I/O reached it.
sel_table = re.search(r'<table class="selectors">(.*?)</table>', dom, re.S)
check(sel_table is not None and "factorial" in sel_table.group(1)
      and "org_drvbench_edu_userclient" in sel_table.group(1),
      "the selector table lists the edu client's selectors")
plots = {p["id"]: p for p in st["plots"]}
leak = [p for p in st["plots"] if p["title"] == "live instances per class"
        and any(s["label"] == "bench_planted_leak" for s in p["series"])]
check(len(leak) == 1, "one class plot has the planted leak's class")
if leak:
    s = {x["label"]: x for x in leak[0]["series"]}
    line, fit = s["bench_planted_leak"], s["fit bench_planted_leak"]
    check(line["points"] == 2000 and line["first"] == 0 and line["last"] >= 19,
          "the leak's line rises over 2000 cycles: %s" % line)
    check(fit["last"] - fit["first"] > 15, "its fitted line is drawn rising: %s" % fit)
    check(len(leak[0]["series"]) % 2 == 0, "every class has its fitted line beside it")
cycle_plots = [p for p in st["plots"] if p["id"].startswith("cycle-")]
check(len(cycle_plots) >= 3 * 4, "each of the 3 releases has its cycle plots (%d)" % len(cycle_plots))
check(all(x["points"] == 2000 for p in cycle_plots for x in p["series"]),
      "each cycle series has its 2000 points (no decimation below 2400)")
trend = plots.get("trend-0")
check(trend is not None and len(trend["series"]) == 1 and trend["series"][0]["points"] == 3,
      "the cycles/s trend has one series over the 3 releases")
png = os.path.join(work, "report.png")
browser.screenshot(page, png)
inked, colours = browser.drawn_fraction(png)
check(inked > 0.01 and colours > 8, "the screenshot has drawn content (%.1f%% inked, %d colours)"
      % (inked * 100, colours))

empty = os.path.join(work, "empty.sqlite")
open(empty, "w").close()
page = os.path.join(work, "empty.html")
p = run(DRVBENCH, "report", "--records", empty, "--out", page, expect=0)
st, console, dom = browser.selftest(page)
check(p.returncode == 0 and st["errors"] == [] and "holds no runs yet" in dom,
      "a report on an empty records file says so")

bad = os.path.join(work, "notes.txt")
open(bad, "w").write("not a database\n")
p = run(DRVBENCH, "cycle", "--kext", KEXT, "--kind", "start-stop", "--count", "10",
        "--records", bad)
check(p.returncode == 2 and "not a SQLite records file" in p.stderr
      and open(bad).read() == "not a database\n",
      "a records file that is not SQLite is refused and left as it was")

sys.exit(1 if failures else 0)
