#!/usr/bin/env python3
"""check_clean.py DRVBENCH [QUALIFY ARGS...] BUNDLE: drvbench qualify --json
on a bundle that must qualify clean, and clean means more than exit 0: no
finding at all (no error, no warning, no note), the dynamic part ran, and
every check ran but ownership (which needs root or --as-installed). Prints
the report and what is wrong; exits 1 when anything is."""
import json
import os
import subprocess
import sys

# meson test sets MALLOC_PERTURB_, under which glibc fills every block it
# hands out, each machine's guest RAM included: seconds per qualification
# for nothing valgrind's unit run does not see (check_corpus.py does the same).
ENV = {k: v for k, v in os.environ.items() if k != "MALLOC_PERTURB_"}


def problems(status, out):
    found = ["%s (%s): %s" % (f["rule"], f["severity"], f["message"]) for f in out["findings"]
             if f["suppressed"] is None]
    unchecked = [n for n in out["not_checked"] if not n.startswith("ownership:")]
    return (["exit %d, not 0" % status] if status != 0 else []) + \
        (["not qualified"] if not out["qualified"] else []) + \
        ["%d error(s), %d warning(s), %d note(s), not 0" % (out["errors"], out["warnings"],
                                                            out["notes"])] * \
        bool(out["errors"] or out["warnings"] or out["notes"]) + \
        ["finding " + f for f in found] + \
        (["the dynamic part did not run"] if not out["dynamic_ran"] else []) + \
        ["not checked: " + n for n in unchecked]


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    p = subprocess.run([argv[1], "qualify", "--json"] + argv[2:], capture_output=True,
                       text=True, timeout=600, env=ENV)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        print("FAIL: no JSON report (exit %d)" % p.returncode)
        return 1
    bad = problems(p.returncode, out)
    for b in bad:
        print("FAIL: " + b)
    if not bad:
        print("clean: 0 findings, dynamic part %.2f s" % out["dynamic_s"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
