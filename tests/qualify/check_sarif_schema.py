#!/usr/bin/env python3
"""check_sarif_schema.py SCHEMA: the SARIF schema the qualify tests use can
fail. A log shaped like drvbench's (every kind of object out_sarif.c writes)
must validate, and each small break of it (an unknown or misspelt property,
a level SARIF does not have, a missing required property, a wrong version)
must be rejected at the broken place. Prints one line per case and exits 1
on any surprise."""
import copy
import json
import sys

try:
    import jsonschema
except ImportError:
    jsonschema = None


def good_log():
    """A small log with every shape the writer produces: a located finding
    (file and key), one located by item only, a suppressed one, one with no
    location, and a check that did not run."""
    def result(rule, index, level, text, fix=""):
        return {"ruleId": rule, "ruleIndex": index, "level": level,
                "message": {"text": text}, "properties": {"fix": fix}}

    located = result("plist.iokitdebug", 0, "error", "IOKitDebug is 65535 in personality Edu",
                     "remove IOKitDebug")
    located["locations"] = [{
        "physicalLocation": {"artifactLocation": {"uri": "Contents/Info.plist",
                                                  "uriBaseId": "BUNDLE"}},
        "logicalLocations": [{"name": "IOKitDebug", "kind": "key"}]}]
    by_item = result("dyn.cycle", 2, "error", "start-stop: instances rise by 1 a cycle")
    by_item["locations"] = [{"logicalLocations": [{"name": "start-stop", "kind": "step"}]}]
    suppressed = result("binary.symtab-size", 1, "warning", "symbol table 9 KiB, code 2 KiB")
    suppressed["locations"] = [{"physicalLocation": {"artifactLocation": {
        "uri": "Contents/MacOS/Qk%20Driver", "uriBaseId": "BUNDLE"}}}]
    suppressed["suppressions"] = [{"kind": "external", "justification": "debug build on purpose"}]
    whole = result("bundle.layout", 3, "note", "the bundle is a file")

    def rule(rid, level, group):
        return {"id": rid, "shortDescription": {"text": "what " + rid + " checks"},
                "fullDescription": {"text": "why " + rid + " matters"},
                "defaultConfiguration": {"level": level}, "properties": {"group": group}}

    return {"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "drvbench qualify", "version": "0.1.0", "rules": [
            rule("plist.iokitdebug", "error", "Info.plist"),
            rule("binary.symtab-size", "warning", "binary"),
            rule("dyn.cycle", "error", "dynamic"),
            rule("bundle.layout", "error", "bundle")]}},
        "originalUriBaseIds": {"BUNDLE": {"uri": "file:///tmp/corpus/Qk.kext/"}},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": [
            {"level": "note", "message": {"text": "dynamic checks: no host"}}]}],
        "results": [located, suppressed, by_item, whole]}]}


def at(log, path):
    for key in path:
        log = log[key]
    return log


RESULT = ("runs", 0, "results", 0)
RULE = ("runs", 0, "tool", "driver", "rules", 0)


def set_(path, key, value):
    return lambda log: at(log, path).__setitem__(key, value)


def rename(path, old, new):
    return lambda log: at(log, path).__setitem__(new, at(log, path).pop(old))


def drop(path, key):
    return lambda log: at(log, path).pop(key)


# (what is broken, how, where the schema must complain: a prefix of the
# failing instance's path)
BREAKS = [
    ("unknown top-level property", set_((), "generator", "drvbench"), ()),
    ("unknown result property", set_(RESULT, "severity", "error"), RESULT),
    ("misspelt ruleId", rename(RESULT, "ruleId", "ruleID"), RESULT),
    ("misspelt message text", rename(RESULT + ("message",), "text", "txt"),
     RESULT + ("message",)),
    ("unknown property in a rule", set_(RULE, "helpText", "x"), RULE),
    ("unknown property in a result's property bag", set_(RESULT + ("properties",), "fixx", ""),
     RESULT + ("properties",)),
    ("unknown property in an artifact location",
     set_(RESULT + ("locations", 0, "physicalLocation", "artifactLocation"), "url", "x"),
     RESULT + ("locations", 0, "physicalLocation", "artifactLocation")),
    ("a region drvbench does not write",
     set_(RESULT + ("locations", 0, "physicalLocation"), "region", {"startLine": 1}),
     RESULT + ("locations", 0, "physicalLocation")),
    ("result level warn", set_(RESULT, "level", "warn"), RESULT + ("level",)),
    ("result level Error (case)", set_(RESULT, "level", "Error"), RESULT + ("level",)),
    ("rule default level fatal", set_(RULE + ("defaultConfiguration",), "level", "fatal"),
     RULE + ("defaultConfiguration", "level")),
    ("notification level info",
     set_(("runs", 0, "invocations", 0, "toolExecutionNotifications", 0), "level", "info"),
     ("runs", 0, "invocations", 0, "toolExecutionNotifications", 0, "level")),
    ("suppression kind inline",
     set_(("runs", 0, "results", 1, "suppressions", 0), "kind", "inline"),
     ("runs", 0, "results", 1, "suppressions", 0, "kind")),
    ("version 2.0.0", set_((), "version", "2.0.0"), ("version",)),
    ("no runs", drop((), "runs"), ()),
    ("no message", drop(RESULT, "message"), RESULT),
    ("message without text", set_(RESULT, "message", {"id": "default"}), RESULT + ("message",)),
    ("rule without id", drop(RULE, "id"), RULE),
    ("ruleIndex -1", set_(RESULT, "ruleIndex", -1), RESULT + ("ruleIndex",)),
    ("absolute artifact uri",
     set_(RESULT + ("locations", 0, "physicalLocation", "artifactLocation"), "uri",
          "/Contents/Info.plist"),
     RESULT + ("locations", 0, "physicalLocation", "artifactLocation", "uri")),
    ("base URI without its final slash",
     set_(("runs", 0, "originalUriBaseIds", "BUNDLE"), "uri", "file:///tmp/Qk.kext"),
     ("runs", 0, "originalUriBaseIds", "BUNDLE", "uri")),
    ("empty location", set_(RESULT + ("locations",), 0, {}), RESULT + ("locations", 0)),
    ("logical location kind drvbench does not use",
     set_(RESULT + ("locations", 0, "logicalLocations", 0), "kind", "function"),
     RESULT + ("locations", 0, "logicalLocations", 0, "kind")),
]


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    if jsonschema is None:
        print("FAIL: python3-jsonschema is missing: the SARIF schema cannot be checked")
        return 1
    with open(argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)  # a malformed schema would accept anything
    validator = jsonschema.Draft7Validator(schema)
    failed = 0
    errors = [e.message for e in validator.iter_errors(good_log())]
    print("%s a log shaped like drvbench's validates%s" % (
        "FAIL" if errors else "ok  ", "".join("\n     " + e for e in errors)))
    failed += bool(errors)
    for what, breaks, where in BREAKS:
        log = copy.deepcopy(good_log())
        breaks(log)
        errors = list(validator.iter_errors(log))
        here = [e for e in errors if tuple(e.absolute_path)[:len(where)] == where]
        if not errors:
            problem = "accepted"
        elif not here:
            problem = "rejected elsewhere than %s: %s" % (
                "/".join(map(str, where)), "; ".join(e.message for e in errors))
        else:
            problem = None
        failed += problem is not None
        print("%s %s is rejected%s" % ("FAIL" if problem else "ok  ", what,
                                        ": " + problem if problem else
                                        " (" + here[0].message[:100] + ")"))
    print("%d of %d cases as expected" % (len(BREAKS) + 1 - failed, len(BREAKS) + 1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
