#!/usr/bin/env python3
"""The installed drvbench serves a driver from another repository.

    test_install_example.py BUILD_DIR SOURCE_ROOT PREFIX LIBDIR CC

Installs BUILD_DIR into a temporary --destdir (so the tree lives away from
the prefix it was configured for) and checks that it is complete and that
its copy of examples/factorial is the source's. Copies that example to a
directory of its own, builds it as its own meson project against the
installed pkg-config files, and runs the INSTALLED drvbench on it: 'run' on
sim, qemu and qemu-proxy, 'cycle' on sim and qemu. Every scenario the
module lists (the generic ones and the driver's own) must PASS on every
host, except the CANNOT RUN entries listed in EXPECTED_CANNOT_RUN; every
cycle kind must PASS. Temp dirs go away even on failure. Exit 0 pass,
1 fail, 77 skip (no QEMU: only sim ran).
"""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

# (host, scenario) pairs allowed to say CANNOT RUN for the example. None:
# the example uses MSI, a power table and a user client with an async
# method so that every generic scenario really runs on every host.
EXPECTED_CANNOT_RUN = set()

# The generic scenarios and cycle kinds there are today; the bench's own
# lists must include them (the lists may grow, never silently shrink).
GENERIC_AT_LEAST = ("load-start-stop-unload", "unload-refused-while-running",
                    "user-client-open-close", "sleep-wake", "surprise-removal")
CYCLE_KINDS = ("start-stop", "load-unload", "attach-detach", "sleep-wake", "open-close")
RUN_HOSTS_QEMU = ("qemu", "qemu-proxy")
CYCLE_COUNTS = {"sim": "100", "qemu": "10"}

ROW = re.compile(r"^(\S+)\s+(PASS|FAIL|CANNOT RUN)\s+\d")
CYCLE_ROW = re.compile(r"^(\S+)\s+(\S+)\s+(PASS|FAIL|CANNOT RUN)\s+(\d+)/(\d+)\s")


class Failure(Exception):
    pass


def run(cmd, env=None, cwd=None, what=None):
    """Runs cmd; on a non-zero exit raises Failure quoting its output."""
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        raise Failure("%s failed (exit %d): %s\n%s" % (what or cmd[0], p.returncode,
                                                     " ".join(cmd), p.stdout))
    return p.stdout


def check_tree(root, libdir):
    """The installed tree has what a driver's project needs, and no static shim."""
    need = ["bin/drvbench", "bin/drvbench-model-serve", "bin/drvbench-mkbundle",
            "include/drvbench/shim/driver.h", "include/drvbench/shim/uc_client.h",
            "include/drvbench/model/plugin.h", "include/drvbench/bench/scenario.h"]
    for lib in ("drvbench", "drvbench-shim", "drvbench-model"):
        need += [libdir + "/lib%s.so" % lib, libdir + "/lib%s.so.0" % lib]
    for pc in ("drvbench-kext", "drvbench-tests", "drvbench-model"):
        need.append(libdir + "/pkgconfig/%s.pc" % pc)
    missing = [n for n in need if not os.path.exists(os.path.join(root, n))]
    if missing:
        raise Failure("meson install left out: " + ", ".join(missing))
    if os.path.exists(os.path.join(root, libdir, "libdrvbench-shim.a")):
        raise Failure("the static shim was installed: a kext linked against it would "
                      "not share the bench's flat namespace")


def listed_scenarios(drvbench, kext, module):
    """The generic and the module's scenario names, from 'run --list'."""
    out = run([drvbench, "run", "--kext", kext, "--tests", module, "--list"],
              what="drvbench run --list")
    names, section = [], None
    for line in out.splitlines():
        if not line.startswith(" "):
            section = "scenarios" if line.startswith("scenarios") else None
        elif section:
            names.append(line.split()[0])
    missing = [g for g in GENERIC_AT_LEAST if g not in names]
    if missing:
        raise Failure("run --list lacks generic scenario(s) %s:\n%s" % (missing, out))
    return names


def check_run(drvbench, kext, module, host, scenarios):
    """'run' on host: exit 0, each scenario once, PASS or an expected CANNOT RUN."""
    cmd = [drvbench, "run", "--kext", kext, "--tests", module, "--host", host,
           "--require-hosts"]
    out = run(cmd, what="drvbench run --host " + host)
    seen = {}
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            if m.group(1) in seen:
                raise Failure("%s: scenario %s reported twice:\n%s" % (host, m.group(1), out))
            seen[m.group(1)] = m.group(2)
    problems = []
    for name in scenarios:
        result = seen.pop(name, "missing")
        allowed = "CANNOT RUN" if (host, name) in EXPECTED_CANNOT_RUN else "PASS"
        if result != allowed:
            problems.append("%s is %s, expected %s" % (name, result, allowed))
    problems += ["%s reported but not listed" % n for n in seen]
    if problems:
        raise Failure("run --host %s: %s\n%s" % (host, "; ".join(problems), out))
    print("run --host %s: %d scenario(s) as expected" % (host, len(scenarios)))


def check_cycle(drvbench, kext, module, host):
    """'cycle' (every kind) on host: exit 0, every kind PASS with all its cycles."""
    count = CYCLE_COUNTS[host]
    out = run([drvbench, "cycle", "--kext", kext, "--tests", module, "--host", host,
               "--count", count], what="drvbench cycle --host " + host)
    kinds = {}
    for line in out.splitlines():
        m = CYCLE_ROW.match(line)
        if m:
            kinds[m.group(1)] = (m.group(3), m.group(4), m.group(5))
    problems = ["%s is %s" % (k, kinds.get(k, ("missing",))[0]) for k in CYCLE_KINDS
                if kinds.get(k, ("missing",))[0] != "PASS"]
    problems += ["%s ran %s of %s cycles" % (k, v[1], v[2]) for k, v in kinds.items()
                 if v[0] == "PASS" and not v[1] == v[2] == count]
    if problems:
        raise Failure("cycle --host %s: %s\n%s" % (host, "; ".join(problems), out))
    print("cycle --host %s: %d kind(s) x %s cycles passed" % (host, len(kinds), count))


def have_qemu():
    qemu = os.environ.get("DRVBENCH_QEMU")
    if qemu:
        return os.access(qemu, os.X_OK)
    return shutil.which("qemu-system-x86_64") is not None


def tree_differences(cmp, prefix=""):
    """Paths that one tree has and the other lacks, or whose contents differ."""
    out = [prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files]
    for name, sub in cmp.subdirs.items():
        out += tree_differences(sub, prefix + name + "/")
    return out


def build_example(tmp, source_root, root, libdir, cc):
    """Copies the installed example out and builds it against the install."""
    example = "factorial"
    src = os.path.join(tmp, "src", example)
    installed = os.path.join(root, "share", "doc", "drvbench", "examples", example)
    ours = os.path.join(source_root, "examples", example)
    if not os.path.isdir(installed):
        raise Failure("meson install left out the example: no " + installed)
    differ = tree_differences(filecmp.dircmp(installed, ours))
    if differ:
        raise Failure("the installed example differs from examples/%s in: %s"
                      % (example, ", ".join(differ)))
    shutil.copytree(installed, src)
    # The driver (not its test module) may include only driver-facing shim
    # headers, as every driver in the tree: the same check, on the copy.
    check = os.path.join(tmp, "check", "driver-core", example)
    shutil.copytree(src, check)
    run([os.path.join(source_root, "tools", "check_driver_includes.sh"),
         os.path.join(tmp, "check")], what="check_driver_includes.sh on the example")
    pcdir = os.path.join(root, libdir, "pkgconfig")
    env = dict(os.environ, PKG_CONFIG_PATH=pcdir, CC=cc)
    env.pop("PKG_CONFIG_LIBDIR", None)
    with open(os.path.join(pcdir, "drvbench-kext.pc")) as f:
        relocatable = "prefix=${pcfiledir}" in f.read()
    if not relocatable:  # a build dir configured with -Dpkgconfig.relocatable=false
        env["PKG_CONFIG_SYSROOT_DIR"] = os.path.join(tmp, "root")
    build = os.path.join(tmp, "build")
    run(["meson", "setup", build, src, "-Dwerror=true"], env=env,
        what="meson setup of the example")
    run(["ninja", "-C", build], env=env, what="building the example")
    kext = os.path.join(build, "Factorial.kext")
    module = os.path.join(build, "libfactorial-tests.so")
    for path in (kext, module):
        if not os.path.exists(path):
            raise Failure("the example's build made no " + path)
    return kext, module


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    build_dir, source_root, prefix, libdir, cc = argv[1:6]
    # meson test points LD_LIBRARY_PATH at the build's libraries; the
    # installed programs must run on the installed ones alone.
    build_abs = os.path.realpath(build_dir)
    os.environ["LD_LIBRARY_PATH"] = ":".join(
        d for d in os.environ.get("LD_LIBRARY_PATH", "").split(":")
        if d and not os.path.realpath(d).startswith(build_abs + os.sep))
    tmp = tempfile.mkdtemp(prefix="drvbench-install-")
    try:
        destdir = os.path.join(tmp, "root")
        run(["meson", "install", "-C", build_dir, "--destdir", destdir, "--no-rebuild",
             "--quiet"], what="meson install")
        root = destdir + os.path.abspath(prefix)
        check_tree(root, libdir)
        kext, module = build_example(tmp, source_root, root, libdir, cc)
        drvbench = os.path.join(root, "bin", "drvbench")
        scenarios = listed_scenarios(drvbench, kext, module)
        check_run(drvbench, kext, module, "sim", scenarios)
        check_cycle(drvbench, kext, module, "sim")
        if not have_qemu():
            print("SKIP qemu hosts: no QEMU (qemu-system-x86_64 on PATH or DRVBENCH_QEMU)")
            return 77
        for host in RUN_HOSTS_QEMU:
            check_run(drvbench, kext, module, host, scenarios)
        check_cycle(drvbench, kext, module, "qemu")
        return 0
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
