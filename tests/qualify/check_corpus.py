#!/usr/bin/env python3
"""check_corpus.py DRVBENCH CORPUS SCHEMA: drvbench qualify on every bundle
of the corpus (make_corpus.py's cases.json). Each broken bundle must break
its rule and no other (suppressed findings aside), at its location, with
the exit status its severity gives (1 for an error, 0 for a warning); each
clean bundle must give no finding at all. Every SARIF file must validate
against our strict schema of drvbench's SARIF 2.1.0 (sarif/README.md), tie
each result to its rule (ruleIndex names the rule of its ruleId: no schema
can say that) and carry the same rule and location (an empty result list
would validate too, so the content is checked). One broken bundle is run
again with its rule disabled, for the SARIF of a suppressed finding.
Prints one line per bundle and exits 1 on any failure."""
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    jsonschema = None

CYCLES = "20"  # enough for a leak per cycle to be a trend; the goal's 1,000 is the benchmark's


# meson test sets MALLOC_PERTURB_, under which glibc fills every block it
# hands out: each machine's 128 MiB of guest RAM is written once per boot,
# and the ~8 boots of a dynamic qualification take seconds instead of
# milliseconds. It finds nothing here that valgrind's unit run does not.
QUALIFY_ENV = {k: v for k, v in os.environ.items() if k != "MALLOC_PERTURB_"}


def qualify(drvbench, bundle, args, sarif):
    cmd = [drvbench, "qualify", "--json", "--cycles", CYCLES, "--sarif", sarif] + args + [bundle]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=QUALIFY_ENV)
    try:
        return p.returncode, json.loads(p.stdout), p.stderr
    except ValueError:
        return p.returncode, None, p.stderr + p.stdout


def sarif_problems(path, validator, want):
    with open(path) as f:
        log = json.load(f)
    problems = [e.message for e in validator.iter_errors(log)] if validator else []
    if problems:
        return problems  # what follows reads the shape the schema promises
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    for r in results:
        if r["ruleIndex"] >= len(rules) or rules[r["ruleIndex"]]["id"] != r["ruleId"]:
            problems.append("SARIF ruleIndex %d does not name rule %s" % (r["ruleIndex"], r["ruleId"]))
    if want is None:
        return problems + ["SARIF results %s" % [r["ruleId"] for r in results]] if results else problems
    hits = [r for r in results if r["ruleId"] == want["rule"] and "suppressions" not in r]
    if not hits:
        return problems + ["no SARIF result for %s" % want["rule"]]
    for r in hits:
        loc = r.get("locations", [{}])[0]
        uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
        item = (loc.get("logicalLocations") or [{}])[0].get("name", "")
        if uri == want["file"] and (want["item"] is None or item == want["item"]):
            return problems
    return problems + ["SARIF location of %s is not %s / %s" % (want["rule"], want["file"],
                                                                 want["item"])]


def check(drvbench, name, entry, validator, clean, tmp):
    sarif = os.path.join(tmp, name + ".sarif")
    status, out, err = qualify(drvbench, entry["bundle"], entry["args"], sarif)
    if out is None:
        return ["no JSON (exit %d): %s" % (status, err.strip()[:300])]
    found = [f for f in out["findings"] if f["suppressed"] is None]
    rules = sorted({f["rule"] for f in found})
    if clean:
        problems = ["findings: %s" % "; ".join(f["rule"] + ": " + f["message"] for f in found)] \
            if found else []
        if status != 0:
            problems.append("exit %d, not 0" % status)
        return problems + sarif_problems(sarif, validator, None)
    problems = []
    if rules != [entry["rule"]]:
        problems.append("rules broken: %s, not just %s (%s)" % (
            rules, entry["rule"], "; ".join(f["message"] for f in found)[:600]))
    at = [f for f in found if f["rule"] == entry["rule"] and f["file"] == entry["file"] and
          (entry["item"] is None or f["item"] == entry["item"])]
    if found and not at:
        problems.append("not at %s / %s: %s" % (entry["file"], entry["item"],
                                                 [(f["file"], f["item"]) for f in found]))
    want_status = 1 if found and found[0]["severity"] == "error" else 0
    if status != want_status:
        problems.append("exit %d, not %d" % (status, want_status))
    return problems + sarif_problems(sarif, validator, entry)


def check_suppressed(drvbench, name, entry, validator, tmp):
    """The case again with --disable RULE --reason: its finding becomes a
    result carrying an external suppression with the reason, and exits 0."""
    sarif = os.path.join(tmp, name + "-suppressed.sarif")
    reason = "accepted for this release"
    status, out, err = qualify(drvbench, entry["bundle"], entry["args"] + [
        "--disable", entry["rule"], "--reason", reason], sarif)
    if out is None:
        return ["no JSON (exit %d): %s" % (status, err.strip()[:300])]
    problems = [] if status == 0 else ["exit %d, not 0" % status]
    with open(sarif) as f:
        log = json.load(f)
    problems += [e.message for e in validator.iter_errors(log)] if validator else []
    want = [{"kind": "external", "justification": reason}]
    if not any(r["ruleId"] == entry["rule"] and r.get("suppressions") == want
               for r in log["runs"][0]["results"]):
        problems.append("no SARIF result for %s suppressed as %s" % (entry["rule"], want))
    return problems


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    drvbench, corpus, schema = argv[1:]
    with open(os.path.join(corpus, "cases.json")) as f:
        built = json.load(f)
    validator = None
    if jsonschema is not None:
        with open(schema) as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
        validator = jsonschema.Draft7Validator(schema)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for key, clean in (("cases", False), ("clean", True)):
            for name, entry in sorted(built[key].items()):
                problems = check(drvbench, name, entry, validator, clean, tmp)
                failed += bool(problems)
                print("%s %s%s" % ("FAIL" if problems else "ok  ", name,
                                   "".join("\n     " + p for p in problems)))
        name, entry = sorted(built["cases"].items())[0]
        problems = check_suppressed(drvbench, name, entry, validator, tmp)
        failed += bool(problems)
        print("%s %s, its rule disabled%s" % ("FAIL" if problems else "ok  ", name,
                                              "".join("\n     " + p for p in problems)))
    for name, why in sorted(built["skipped"].items()):
        print("SKIP %s: %s" % (name, why))
    if validator is None:
        print("FAIL: python3-jsonschema is missing: the SARIF was not validated")
        failed += 1
    runs = len(built["cases"]) + len(built["clean"]) + 1
    print("%d of %d runs as expected" % (runs - failed + (validator is None), runs))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
