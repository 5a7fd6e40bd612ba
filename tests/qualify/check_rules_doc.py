#!/usr/bin/env python3
"""check_rules_doc.py DRVBENCH DOC: the rules table in DOC (between
<!-- rules:begin --> and <!-- rules:end -->) must be exactly what
`drvbench qualify --rules --markdown` prints, so the documentation cannot
go stale. On a difference, prints both and the command that regenerates."""
import subprocess
import sys


def main(argv):
    drvbench, doc = argv[1], argv[2]
    text = open(doc).read()
    try:
        table = text.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    except IndexError:
        print("%s: no <!-- rules:begin --> ... <!-- rules:end --> block" % doc)
        return 1
    want = subprocess.run([drvbench, "qualify", "--rules", "--markdown"], check=True,
                          capture_output=True, text=True).stdout
    if table == want:
        return 0
    print("%s's rules table differs from `drvbench qualify --rules --markdown`:" % doc)
    for a, b in zip(table.splitlines(), want.splitlines()):
        if a != b:
            print("  doc:   %s\n  rules: %s" % (a, b))
    print("regenerate the block with: drvbench qualify --rules --markdown")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
