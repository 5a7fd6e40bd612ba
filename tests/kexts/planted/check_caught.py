#!/usr/bin/env python3
"""check_caught.py --class N --expect TEXT [--fuzz SEEDS] -- COMMAND...

Runs COMMAND on a planted copy of a driver and checks that it catches the
plant: COMMAND fails and its output holds TEXT (the finding names the
class). With --fuzz, COMMAND is a libFuzzer binary and its options: it gets
a scratch corpus, the seed directory SEEDS and its artifacts in a temporary
directory (a fixed -seed and -runs must be among the options: bounded, the
same inputs on every run). Prints the class, the time and the number of
executions it took. Exit 0 when caught as expected, 1 otherwise."""
import argparse
import re
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--class", dest="cls", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--fuzz", metavar="SEEDS")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not cmd:
        ap.error("no command")
    with tempfile.TemporaryDirectory() as work:
        if a.fuzz:
            cmd = cmd + ["-artifact_prefix=%s/" % work, "-print_final_stats=1",
                         "-max_len=16384", work + "/", a.fuzz]
            subprocess.run(["mkdir", "-p", work + "/"], check=True)
        start = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace", timeout=600)
        took = time.monotonic() - start
    out = p.stdout
    execs = re.findall(r"^#(\d+)\s", out, re.M)
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", out)
    n = runs[-1] if runs else (execs[-1] if execs else "?")
    finding = next((l for l in out.splitlines() if a.expect in l), None)
    if p.returncode != 0 and finding is not None:
        print("class %s caught in %.2f s (%s executions): %s" % (a.cls, took, n, finding.strip()))
        return 0
    print(out[-4000:])
    if p.returncode == 0:
        print("class %s NOT caught: the command passed (%.2f s, %s executions)" % (a.cls, took, n))
    else:
        print("class %s: the command failed (exit %d) without naming it (%r not in its output)"
              % (a.cls, p.returncode, a.expect))
    return 1


if __name__ == "__main__":
    sys.exit(main())
