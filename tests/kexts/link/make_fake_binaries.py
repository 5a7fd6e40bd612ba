#!/usr/bin/env python3
# Writes binaries no toolchain here makes on purpose: ELF headers for other
# classes, architectures and types, a truncated ELF, and non-ELF files, so the
# ELF reader's refusals are tested without gcc-multilib or cross compilers.
# usage: make_fake_binaries.py KIND OUT   (KIND: see FILES)
import struct
import sys

ET_REL, ET_EXEC, ET_DYN = 1, 2, 3
EM_386, EM_PPC, EM_PPC64, EM_ARM, EM_X86_64, EM_AARCH64, EM_RISCV = 3, 20, 21, 40, 62, 183, 243


def elf_header(elfclass, little, e_type, machine):
    """An ELF header alone: no program or section headers."""
    end = '<' if little else '>'
    ident = b'\x7fELF' + bytes([elfclass, 1 if little else 2, 1, 0]) + bytes(8)
    if elfclass == 2:
        rest = struct.pack(end + 'HHIQQQIHHHHHH', e_type, machine, 1, 0, 0, 0, 0, 64, 0, 0, 64, 0, 0)
    else:
        rest = struct.pack(end + 'HHIIIIIHHHHHH', e_type, machine, 1, 0, 0, 0, 0, 52, 0, 0, 40, 0, 0)
    return ident + rest


FILES = {
    'not_elf.bin': b'MZ\x90\x00\x03\x00\x00\x00' + bytes(56),     # a PE/DOS executable's start
    'script.bin': b'#!/bin/sh\necho not a kext\n',
    'binary_junk.bin': bytes([0, 1, 2, 3, 4, 5]),
    'empty.bin': b'',
    'truncated_elf.bin': b'\x7fELF\x02\x01',
    'elf32_i386.so': elf_header(1, True, ET_DYN, EM_386),
    'elf64_aarch64.so': elf_header(2, True, ET_DYN, EM_AARCH64),
    'elf64_riscv.so': elf_header(2, True, ET_DYN, EM_RISCV),
    'elf64_ppc64_be.so': elf_header(2, False, ET_DYN, EM_PPC64),
    'elf64_x86_64_rel.o': elf_header(2, True, ET_REL, EM_X86_64),
    'elf64_x86_64_exec': elf_header(2, True, ET_EXEC, EM_X86_64),
    'elf64_aarch64_rel.o': elf_header(2, True, ET_REL, EM_AARCH64),
    'elf64_aarch64_exec': elf_header(2, True, ET_EXEC, EM_AARCH64),
    'elf64_x86_64_nosections.so': elf_header(2, True, ET_DYN, EM_X86_64),
    'elf64_aarch64_nosections.so': elf_header(2, True, ET_DYN, EM_AARCH64),
    # The same refusals seen from an ILP32 bench (the i386 build).
    'elf32_arm.so': elf_header(1, True, ET_DYN, EM_ARM),
    'elf32_ppc_be.so': elf_header(1, False, ET_DYN, EM_PPC),
    'elf32_i386_rel.o': elf_header(1, True, ET_REL, EM_386),
    'elf32_i386_exec': elf_header(1, True, ET_EXEC, EM_386),
    'elf32_i386_nosections.so': elf_header(1, True, ET_DYN, EM_386),
}


def main(argv):
    if len(argv) != 2 or argv[0] not in FILES:
        print('usage: make_fake_binaries.py KIND OUT; KIND one of ' + ' '.join(sorted(FILES)),
              file=sys.stderr)
        return 2
    with open(argv[1], 'wb') as f:
        f.write(FILES[argv[0]])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
