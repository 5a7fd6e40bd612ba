#!/usr/bin/env python3
"""bench_fuzz.py DIR KEXT TESTS SEEDS [RUNS]: the kext fuzzer's speed, printed.

DIR holds what oss-fuzz/build.sh makes (fuzz_kext, fuzz_empty, bench_fuzz_kext;
a clang -Dfuzzing build has it in BUILD/fuzz/libfuzzer/drvbench). Prints:
  1. the structure-aware target under libFuzzer (-seed=1 -runs=RUNS from SEEDS):
     exec/s by wall clock and by CPU time (the figure a busy machine disturbs
     least), with every oracle on, then with every oracle off (-oracles=none:
     the most the oracles could give back);
  2. the empty target with the same sanitizers and engine, and its ratio to 1;
  3. each oracle's cost: the target's own loop over the corpus 1 grew (the same
     inputs in the same order every time), with no oracle, with each one alone,
     and with all: exec/s by CPU time and microseconds per execution over none,
     the median of BENCH_FUZZ_ROUNDS (3) rounds.
Figures only: nothing is asserted (benchmarks never fail on speed)."""
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

ORACLES = ["model", "device", "handles", "scan", "wedge", "probe", "baseline"]
ROUNDS = int(os.environ.get("BENCH_FUZZ_ROUNDS", "3"))


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0.0


def run(cmd):
    """(output, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace")
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-3000:])
        raise SystemExit("bench_fuzz.py: %s exited %d" % (cmd[0], p.returncode))
    return p.stdout, wall, cpu


def executed(out):
    m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", out)
    return int(m[-1]) if m else 0


def scratch_parent():
    """Where libFuzzer writes the corpus it grows: a tmpfs when there is one.
    On a disk, creating those files (hundreds, rewritten at every REDUCE) took
    a fifth of the run's CPU time in the kernel on the machine this was
    measured on: a figure of the file system, not of the fuzzer.
    BENCH_FUZZ_SCRATCH=DIR picks another place."""
    for d in (os.environ.get("BENCH_FUZZ_SCRATCH"), "/dev/shm"):
        if d and os.path.isdir(d) and os.access(d, os.W_OK):
            return d
    return None


def libfuzzer(binary, opts, runs, seeds):
    with tempfile.TemporaryDirectory(dir=scratch_parent()) as scratch:
        args = [binary] + opts + ["-seed=1", "-runs=%d" % runs, "-max_len=16384",
                                  "-print_final_stats=1", scratch + "/"] + ([seeds] if seeds else [])
        out, wall, cpu = run(args)
        grown = tempfile.mkdtemp(prefix="bench-fuzz-corpus-", dir=scratch_parent())
        for name in os.listdir(scratch):
            os.rename(os.path.join(scratch, name), os.path.join(grown, name))
    n = executed(out)
    return n, wall, cpu, grown


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    d, kext, tests, seeds = argv[1:5]
    runs = int(argv[5]) if len(argv) > 5 else 100000
    opts = ["-kext=" + kext, "-tests=" + tests, "-target=struct"]
    print("load average at start: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    print("libFuzzer's corpus written under %s" % (scratch_parent() or tempfile.gettempdir()))

    def struct_run(extra, which):
        n, wall, cpu, grown = libfuzzer(os.path.join(d, "fuzz_kext"), opts + extra, runs, seeds)
        print("struct target, libFuzzer, every oracle %s: %d execs in %.1f s: %.0f exec/s "
              "(%.0f exec/s by CPU time)" % (which, n, wall, n / wall, n / max(cpu, 1e-9)))
        return n / wall, n / max(cpu, 1e-9), grown

    rate_wall, rate_cpu, grown = struct_run([], "on")
    # The same run with every oracle off: what the inputs' own calls,
    # the restores and libFuzzer's bookkeeping leave for the oracles.
    _, _, ngrown = struct_run(["-oracles=none"], "off")
    en, ewall, ecpu, egrown = libfuzzer(os.path.join(d, "fuzz_empty"), [], runs * 10, None)
    erate_wall, erate_cpu = en / ewall, en / max(ecpu, 1e-9)
    print("empty target, libFuzzer, same sanitizers: %d execs in %.1f s: %.0f exec/s "
          "(%.0f by CPU time)" % (en, ewall, erate_wall, erate_cpu))
    print("empty-target ratio: %.1f x (wall), %.1f x (CPU)"
          % (erate_wall / rate_wall, erate_cpu / rate_cpu))

    print("per oracle (own loop over the %d inputs libFuzzer kept, same order each time; "
          "median of %d rounds, the configurations taking turns):" % (len(os.listdir(grown)), ROUNDS))
    execs = max(2000, min(runs // 2, 50000))
    configs = ["none"] + ORACLES + ["all"]
    rates = {cfg: [] for cfg in configs}
    # Round-robin, so a change of load on a shared machine falls on every
    # configuration alike instead of on whichever ran then.
    for _ in range(ROUNDS):
        for cfg in configs:
            out, _, _ = run([os.path.join(d, "bench_fuzz_kext")] + opts[:2] +
                            ["-oracles=" + cfg, grown, "600", str(execs)])
            m = re.search(r"([0-9]+) exec/s by CPU time", out)
            rates[cfg].append(float(m.group(1)) if m else 0.0)
    base = median(rates["none"])
    for cfg in configs:
        rate = median(rates[cfg])
        if cfg == "none":
            print("  %-9s %8.0f exec/s (CPU)" % (cfg, rate))
        else:
            cost = 1e6 / rate - 1e6 / base if rate and base else 0.0
            print("  %-9s %8.0f exec/s (CPU)  %+7.1f us/exec over none" % (cfg, rate, cost))
    for path in (grown, egrown, ngrown):
        for name in os.listdir(path):
            os.unlink(os.path.join(path, name))
        os.rmdir(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
