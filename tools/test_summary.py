#!/usr/bin/env python3
"""Print one closing line from meson's JSON test logs: 'N passed, N failed'."""
import json
import sys


def main() -> int:
    passed = failed = skipped = 0
    for path in sys.argv[1:]:
        try:
            lines = open(path).read().splitlines()
        except OSError as e:
            print(f"test_summary: cannot read {path}: {e}", file=sys.stderr)
            failed += 1
            continue
        for line in lines:
            if not line.strip():
                continue
            result = json.loads(line).get("result", "")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
    print(f"drvbench: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
