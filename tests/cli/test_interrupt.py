#!/usr/bin/env python3
"""test_interrupt.py MODE DRVBENCH KEXT

Interrupts drvbench the way a user or a CI system does and checks that it
leaves nothing behind and says what it did.

MODE qemu: SIGINT, SIGTERM and SIGHUP at each start-up phase of a QEMU run
(hooked points: DRVBENCH_TEST_SIGNAL=PHASE:SIGNAL[:parent] makes the qemu
host signal itself, or its parent, when a start-up reaches PHASE), for run
on qemu and qemu-proxy, run --isolate (the isolated child killed, or the
parent interrupted) and cycle. Each run gets a TMPDIR of its own: afterwards
it must be empty (no drvbench-qemu-* dir), and no process may be left with
that TMPDIR in its environment (QEMU, a proxied model, an isolated run).

MODE sim: cycle on sim interrupted by SIGTERM once its CSV has grown: the
rows written, the JSON's "interrupted" and "done", and the table agree.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PHASES = ["tmpdir", "listen", "spawn", "connect", "handshake", "ready"]
SIGNALS = {"INT": signal.SIGINT, "TERM": signal.SIGTERM, "HUP": signal.SIGHUP}
GONE_WAIT_S = 10.0   # bound on waiting for a killed process to disappear
RUN_TIMEOUT_S = 60

failures = []


def default_signals():
    """The child starts with the signals drvbench catches at their default
    (a background job's SIGINT is ignored, and drvbench leaves it so)."""
    for s in SIGNALS.values():
        signal.signal(s, signal.SIG_DFL)


def processes_with(marker):
    """Pids of processes whose environment holds marker (our TMPDIR)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def leftovers(tmp):
    """What a run left: files in its TMPDIR, processes carrying it."""
    deadline = time.monotonic() + GONE_WAIT_S
    procs = processes_with("TMPDIR=" + tmp)
    while procs and time.monotonic() < deadline:
        time.sleep(0.05)
        procs = processes_with("TMPDIR=" + tmp)
    return sorted(os.listdir(tmp)), procs


def run(label, argv, hook, want_signal=None, want_status=None, want_out=()):
    tmp = tempfile.mkdtemp(prefix="drvbench-intr-")
    env = dict(os.environ, TMPDIR=tmp)
    if hook:
        env["DRVBENCH_TEST_SIGNAL"] = hook
    try:
        p = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=RUN_TIMEOUT_S, preexec_fn=default_signals)
        out = p.stdout.decode(errors="replace")
        files, procs = leftovers(tmp)
        problems = []
        if want_signal is not None and p.returncode != -want_signal:
            problems.append(f"exit {p.returncode}, not death by signal {want_signal}")
        if want_status is not None and p.returncode != want_status:
            problems.append(f"exit {p.returncode}, not {want_status}")
        if files:
            problems.append(f"left in TMPDIR: {files}")
        if procs:
            problems.append(f"processes left: {procs}")
            for pid in procs:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        for text in want_out:
            if text not in out:
                problems.append(f"output lacks {text!r}")
        print(f"{'ok  ' if not problems else 'FAIL'} {label}: exit {p.returncode}")
        if problems:
            failures.append(label)
            print("     " + "; ".join(problems))
            print("     " + out.replace("\n", "\n     "))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def qemu_mode(drvbench, kext):
    one = ["--scenario", "load-start-stop-unload"]
    two = ["--scenario", "load-start-stop-unload,unload-refused-while-running"]
    # run on qemu: every phase, SIGINT and SIGTERM (12 runs)
    for phase in PHASES:
        for name, sig in [("INT", signal.SIGINT), ("TERM", signal.SIGTERM)]:
            run(f"run qemu, SIG{name} at {phase}",
                [drvbench, "run", "--kext", kext, "--host", "qemu"] + one,
                f"{phase}:{name}", want_signal=sig,
                want_out=["INTERRUPTED", f"interrupted by SIG{name}"])
    # run on qemu-proxy: the remote started, and SIGHUP at QEMU's phases (4 runs)
    for phase in ["remote", "spawn", "connect", "ready"]:
        run(f"run qemu-proxy, SIGHUP at {phase}",
            [drvbench, "run", "--kext", kext, "--host", "qemu-proxy"] + one,
            f"{phase}:HUP", want_signal=signal.SIGHUP, want_out=["interrupted by SIGHUP"])
    # run --isolate: the child killed at a phase (its dir swept by the parent),
    # or the parent interrupted while the child starts QEMU (4 runs)
    for phase in ["tmpdir", "spawn", "connect"]:
        run(f"run --isolate, child SIGKILLed at {phase}",
            [drvbench, "run", "--kext", kext, "--host", "qemu", "--isolate"] + two,
            f"{phase}:KILL", want_status=1,
            want_out=["crashed: the isolated run died of Killed", "0 passed, 2 failed"])
    for phase, name in [("spawn", "INT"), ("handshake", "TERM")]:
        run(f"run --isolate, parent SIG{name} at the child's {phase}",
            [drvbench, "run", "--kext", kext, "--host", "qemu", "--isolate"] + two,
            f"{phase}:{name}:parent", want_signal=SIGNALS[name],
            want_out=["INTERRUPTED", f"interrupted by SIG{name}",
                      "2 scenario(s) not run or cut short"])
    # cycle on qemu (2 runs)
    for phase, name in [("connect", "TERM"), ("ready", "INT")]:
        run(f"cycle qemu, SIG{name} at {phase}",
            [drvbench, "cycle", "--kext", kext, "--host", "qemu", "--kind", "start-stop",
             "--count", "1000"],
            f"{phase}:{name}", want_signal=SIGNALS[name],
            want_out=[f"interrupted by SIG{name}"])


def sim_mode(drvbench, kext):
    tmp = tempfile.mkdtemp(prefix="drvbench-intr-")
    csv, js = os.path.join(tmp, "s.csv"), os.path.join(tmp, "s.json")
    argv = [drvbench, "cycle", "--kext", kext, "--kind", "load-unload", "--count", "100000",
            "--csv", csv, "--json", js]
    try:
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             preexec_fn=default_signals)
        deadline = time.monotonic() + RUN_TIMEOUT_S
        rows = 0
        while time.monotonic() < deadline and p.poll() is None:
            try:
                with open(csv) as f:
                    rows = sum(1 for _ in f) - 1
            except FileNotFoundError:
                rows = 0  # not created yet
            if rows >= 50:
                break
            time.sleep(0.01)
        p.send_signal(signal.SIGTERM)
        out = p.communicate(timeout=RUN_TIMEOUT_S)[0].decode(errors="replace")
        with open(csv) as f:
            lines = f.read().splitlines()
        with open(js) as f:
            doc = json.load(f)
        problems = []
        if rows < 50:
            problems.append(f"the CSV did not grow while the cycles ran ({rows} rows)")
        if p.returncode != -signal.SIGTERM:
            problems.append(f"exit {p.returncode}, not death by SIGTERM")
        if not doc["interrupted"] or doc["done"] >= 100000:
            problems.append(f"JSON: interrupted {doc['interrupted']}, done {doc['done']}")
        if len(lines) - 1 != doc["done"]:
            problems.append(f"CSV has {len(lines) - 1} rows, JSON says {doc['done']} done")
        for text in ["INTERRUPTED", f"interrupted by SIGTERM after {doc['done']} cycles",
                     "the cycles done were kept"]:
            if text not in out:
                problems.append(f"output lacks {text!r}")
        print(f"{'ok  ' if not problems else 'FAIL'} cycle on sim, SIGTERM mid-run")
        if problems:
            failures.append("cycle on sim")
            print("     " + "; ".join(problems) + "\n     " + out.replace("\n", "\n     "))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("qemu", "sim"):
        sys.stderr.write(__doc__)
        return 2
    (qemu_mode if argv[1] == "qemu" else sim_mode)(argv[2], argv[3])
    if failures:
        print(f"{len(failures)} interruption(s) went wrong: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
