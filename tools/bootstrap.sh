#!/usr/bin/env bash
# Install the Debian 12 packages drvbench needs, only those missing.
# Idempotent: a second run installs nothing. Needs root or sudo to install.
set -euo pipefail

# package -> why (the README repeats this list)
PACKAGES=(
  meson            # build system
  ninja-build      # meson's backend
  pkg-config       # meson finds cmocka, libplist, libelf and sqlite3 through it
  gcc libc6-dev    # default compiler
  python3          # meson itself and the build helpers (drvbench-mkbundle, checks)
  libcmocka-dev    # unit/sim/qemu/cycle test framework
  libplist-dev     # parse Info.plist manifests (no hand-written plist parser)
  libelf-dev       # reads a kext binary's dynamic symbols for the loader's link checks instead of a hand-written ELF parser
  qemu-system-x86  # the real QEMU 7.2 the qemu hosts drive over qtest
  valgrind         # memcheck setup: leaks and memory errors
  clang-14         # libFuzzer targets and sanitizers
  libsqlite3-dev   # the records database (drvbench --record, compare, report) is a SQLite file
  chromium         # the report test opens the page in Debian's headless chromium (no browser download)
  libxml2-utils    # xmllint validates the JUnit XML against our JUnit schema (tests/records/junit)
  gcovr            # a coverage build's --record stores gcovr's JSON of the driver's coverage
  libclang-rt-14-dev # libFuzzer/ASan/UBSan runtimes for clang-14
  # The i386 build (tools/cross/i386.ini, tools/build.sh --i386): gcc -m32 and
  # the 32-bit libraries it links, from Debian's i386 multiarch archive.
  gcc-multilib          # gcc -m32: the i386 C runtime and libgcc
  libcmocka-dev:i386    # the test framework, for the i386 test programs
  libplist-dev:i386     # Info.plist parsing in the i386 loader
  libelf-dev:i386       # the loader's link checks, built for i386 as well
  libsqlite3-dev:i386   # the records database, linked by the i386 bench library
  g++ llvm-14-dev  # drvbench qualify's Mach-O reader: one C++ file over LLVM's object library (its C API lacks symbol binding/undefined flags)
  lld-14 llvm-14   # ld64.lld-14 and llvm-lipo-14 make the qualify tests' Mach-O kexts (thin, universal) with no Apple tool
  python3-jsonschema # validates drvbench qualify's SARIF against our strict SARIF 2.1.0 schema
  fakeroot         # drvbench qualify --as-installed DIR is tested on an image whose owners fakeroot sets, as an install step would
)

missing=()
for p in "${PACKAGES[@]}"; do
  [[ "$p" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "bootstrap: installing missing Debian packages: ${missing[*]}" >&2
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# The :i386 packages come from the i386 multiarch archive, which apt only
# reads once dpkg knows the architecture.
if [[ " ${missing[*]}" == *":i386"* ]] && ! dpkg --print-foreign-architectures | grep -qx i386; then
  "${SUDO[@]}" dpkg --add-architecture i386
fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
