#!/usr/bin/env python3
"""mk_macho.py CLANG LD64 LIPO SOURCE OUTDIR: the corpus's Mach-O binaries,
made at build time without any Apple tool: clang -target <arch>-apple-macos
and ld64.lld -bundle give an MH_BUNDLE; setting the header's file type to
MH_KEXT_BUNDLE (11) makes it a kext's binary; llvm-lipo joins slices.

Writes OUTDIR/QkMacho (x86_64 kext), QkMacho-bundle (x86_64, left
MH_BUNDLE), QkMacho-universal (x86_64 + arm64 kext) and QkMacho-overlap
(that universal file with its second slice moved onto the first)."""
import os
import struct
import subprocess
import sys

MH_KEXT_BUNDLE = 11
FILETYPE_OFFSET = 12  # magic, cputype, cpusubtype, then filetype


def build(clang, ld, src, out, arch, target, version):
    obj = out + ".o"
    subprocess.run([clang, "-target", target, "-ffreestanding", "-fno-common", "-O2",
                    "-c", src, "-o", obj], check=True)
    subprocess.run([ld, "-arch", arch, "-platform_version", "macos", version, version,
                    "-bundle", "-undefined", "dynamic_lookup", obj, "-o", out], check=True)
    os.unlink(obj)


def set_filetype(path, filetype):
    with open(path, "r+b") as f:
        f.seek(FILETYPE_OFFSET)
        f.write(struct.pack("<I", filetype))


def overlap(src, out):
    """A universal file whose second slice starts inside the first."""
    data = bytearray(open(src, "rb").read())
    # fat_header: magic, nfat_arch (big-endian); fat_arch: cputype,
    # cpusubtype, offset, size, align (5 x uint32 big-endian).
    first_offset = struct.unpack_from(">I", data, 8 + 8)[0]
    struct.pack_into(">I", data, 8 + 20 + 8, first_offset + 16)
    open(out, "wb").write(bytes(data))


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    clang, ld, lipo, src, outdir = argv[1:]
    os.makedirs(outdir, exist_ok=True)
    x86 = os.path.join(outdir, "QkMacho")
    arm = os.path.join(outdir, "QkMacho-arm64")
    build(clang, ld, src, x86 + "-bundle", "x86_64", "x86_64-apple-macos10.15", "10.15")
    build(clang, ld, src, arm, "arm64", "arm64-apple-macos11", "11.0")
    with open(x86 + "-bundle", "rb") as f:
        open(x86, "wb").write(f.read())
    set_filetype(x86, MH_KEXT_BUNDLE)
    set_filetype(arm, MH_KEXT_BUNDLE)
    universal = os.path.join(outdir, "QkMacho-universal")
    subprocess.run([lipo, "-create", x86, arm, "-output", universal], check=True)
    os.unlink(arm)
    overlap(universal, os.path.join(outdir, "QkMacho-overlap"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
