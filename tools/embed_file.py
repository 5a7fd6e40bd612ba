#!/usr/bin/env python3
"""Embed a file as `const char NAME[]` plus `const size_t NAME_len` (build step)."""
import sys


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: embed_file.py INPUT OUTPUT SYMBOL", file=sys.stderr)
        return 2
    src, dst, sym = sys.argv[1:]
    data = open(src, "rb").read()
    body = ",".join(str(b) for b in data)
    with open(dst, "w") as out:
        out.write("#include <stddef.h>\n")
        out.write(f"extern const char {sym}[];\nextern const size_t {sym}_len;\n")
        out.write(f"const char {sym}[] = {{{body},0}};\n")
        out.write(f"const size_t {sym}_len = {len(data)};\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
