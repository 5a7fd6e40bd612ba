#!/usr/bin/env python3
"""check_planted.py [--targets-only] DRVBENCH TESTS_MODULE HOST FAULT=BUNDLE...

Runs the whole generic catalogue (and the example's own scenarios) on each
planted copy of the example driver and checks the catalogue's power to
catch: the fault's scenario fails and its reason names the fault; and, for
faults that are not also leaks, no other scenario fails. A kept mapping is
a leak as well, so every scenario that compares counters after a stop
catches it; there the rebalance scenario must still name the stale access.
With --targets-only only each fault's own scenarios run (on a slow host,
once the whole catalogue has shown elsewhere that nothing else fails). Exit 0 when every fault is caught as expected, 1 otherwise."""
import re
import subprocess
import sys

# fault -> (the scenario that must fail, words its reason must hold, exact?)
EXPECT = {
    "leak-on-failed-start": ("start-fails-at-each-call", ["failing (", "leaked"], True),
    "completion-to-dead-client": ("client-death-async-outstanding",
                                  ["completion would go to a dead client"], True),
    "register-after-removal": ("surprise-removal-async-outstanding",
                               ["after the driver was told the device is gone"], True),
    "power-never-acked": ("sleep-wake", ["late ack"], True),
    "mapping-kept-across-stop": ("rebalance", ["stale mapping"], False),
}
# The kept mapping is also a leak: the plain stop/start scenario names it.
ALSO = {"mapping-kept-across-stop": ("load-start-stop-unload", ["ShimMMIOMap"])}

ROW = re.compile(r"^(\S+)\s+(PASS|FAIL|CANNOT RUN)\s+\S+ ms\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$")


def run(drvbench, tests, host, bundle, only):
    cmd = [drvbench, "run", "--kext", bundle, "--tests", tests, "--host", host]
    if only:
        cmd += ["--scenario", ",".join(only)]
    p = subprocess.run(cmd,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    rows = {}
    for line in p.stdout.splitlines():
        m = ROW.match(line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows, p.stdout


def check(fault, rows, out, targets_only):
    problems = []
    target, words, exact = EXPECT[fault]
    exact = exact and not targets_only
    if not rows:
        return ["no result rows; drvbench said:\n" + out]
    failed = sorted(n for n, (r, _) in rows.items() if r == "FAIL")
    cannot = sorted(n for n, (r, _) in rows.items() if r == "CANNOT RUN")
    if cannot:
        problems.append("CANNOT RUN: %s (the example must run the whole catalogue)" % cannot)
    for scenario, need in [(target, words)] + ([ALSO[fault]] if fault in ALSO else []):
        result, why = rows.get(scenario, ("missing", ""))
        if result != "FAIL":
            problems.append("%s: %s, expected FAIL" % (scenario, result))
        for w in need:
            if result == "FAIL" and w not in why:
                problems.append("%s fails without naming the fault (%r not in: %s)"
                                % (scenario, w, why))
    if exact and failed != [target]:
        problems.append("other scenarios fail too: %s" % [n for n in failed if n != target])
    return problems


def main(argv):
    targets_only = len(argv) > 1 and argv[1] == "--targets-only"
    if targets_only:
        argv = argv[:1] + argv[2:]
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    drvbench, tests, host = argv[1], argv[2], argv[3]
    status = 0
    for arg in argv[4:]:
        fault, bundle = arg.split("=", 1)
        only = None
        if targets_only:
            only = [EXPECT[fault][0]] + ([ALSO[fault][0]] if fault in ALSO else [])
        rows, out = run(drvbench, tests, host, bundle, only)
        problems = check(fault, rows, out, targets_only)
        target = EXPECT[fault][0]
        if problems:
            status = 1
            print("%s on %s: NOT caught as expected:\n  %s" % (fault, host, "\n  ".join(problems)))
        else:
            print("%s on %s: caught by %s: %s" % (fault, host, target, rows[target][1][:160]))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
