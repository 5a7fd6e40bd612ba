#!/usr/bin/env python3
# Keeps the shim's KPI table (shim/src/kpi_table.c) honest:
#  (a) every function or variable declared by a header a driver may include
#      is in the table (else a kext using it would be refused at load);
#  (b) every shim_ entry of the table is defined by the shim library (else the
#      loader would accept a kext that dlopen then cannot resolve);
#  (c) every shim_ entry is declared by a driver-facing header (so no
#      platform-side function leaks into what kexts may link against).
# Declarations are found by the compiler's preprocessor plus a small parser of
# the result, not by grepping the headers, so macros and multi-line
# declarations are seen as the compiler sees them.
#
# usage: check_kpi_table.py --root SRC --list KPI_LIST_EXE --lib SHIM_LIB --nm NM -- CC [ARGS]
#        check_kpi_table.py --self-test --nm NM -- CC [ARGS]
# Prints each missing name and exits 1 if any; 2 on misuse or tool failure.
import argparse
import os
import re
import subprocess
import sys
import tempfile

# The list of driver-facing headers is kept once, in the include check.
ALLOWED_RE = re.compile(r'^readonly SHIM_ALLOWED="([^"]*)"', re.M)

TOKEN_RE = re.compile(r'''
    (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<num>\.?[0-9][A-Za-z0-9_.]*)
  | (?P<punct>\.\.\.|->|[^\sA-Za-z0-9_])
''', re.X)

LINE_MARKER_RE = re.compile(r'^#\s*(?:line\s+)?\d+\s+"((?:[^"\\]|\\.)*)"')

C_WORDS = {
    'auto', 'bool', '_Bool', 'char', 'const', 'double', 'enum', 'extern', 'float', 'inline',
    'int', 'long', 'register', 'restrict', 'short', 'signed', 'static', 'struct', 'union',
    'unsigned', 'void', 'volatile', '_Noreturn', '_Atomic', '_Thread_local', '__inline',
    '__inline__', '__restrict', '__restrict__', '__const', '__volatile__',
}
SKIP_GROUPS = {'__attribute__', '__attribute', '__asm__', '__asm', 'asm', '__declspec', '_Alignas'}


class Failure(Exception):
    pass


def allowed_headers(root):
    path = os.path.join(root, 'tools', 'check_driver_includes.sh')
    try:
        with open(path, encoding='utf-8') as f:
            m = ALLOWED_RE.search(f.read())
    except OSError as e:
        raise Failure(f'cannot read the driver-facing header list: {e}')
    if m is None or not m.group(1).split():
        raise Failure(f'{path}: no SHIM_ALLOWED="..." line (the driver-facing header list)')
    return m.group(1).split()


def preprocess(cc, include_dir, headers):
    """Source text of the shim headers (under include_dir) after preprocessing."""
    src = ''.join(f'#include "shim/{h}.h"\n' for h in headers)
    res = subprocess.run(cc + ['-E', '-std=c11', '-I', include_dir, '-x', 'c', '-'],
                         input=src, capture_output=True, text=True)
    if res.returncode != 0:
        raise Failure('preprocessing the driver-facing headers failed:\n' + res.stderr)
    inc = os.path.realpath(include_dir) + os.sep
    keep, out = False, []
    for line in res.stdout.splitlines():
        m = LINE_MARKER_RE.match(line)
        if m:
            keep = os.path.realpath(m.group(1)).startswith(inc)
        elif keep and not line.startswith('#'):
            out.append(line)
    return '\n'.join(out)


def tokenize(text):
    return [m.group(0) for m in TOKEN_RE.finditer(text)]


def strip_groups(toks):
    """Drops __attribute__((...)), __asm__(...) and the like."""
    out, i = [], 0
    while i < len(toks):
        if toks[i] in SKIP_GROUPS and i + 1 < len(toks) and toks[i + 1] == '(':
            depth, i = 0, i + 1
            while i < len(toks):
                depth += {'(': 1, ')': -1}.get(toks[i], 0)
                i += 1
                if depth == 0:
                    break
            continue
        if toks[i] != '__extension__':
            out.append(toks[i])
        i += 1
    return out


def statements(toks):
    """Top-level statements; function bodies (inline definitions) dropped."""
    stmt, depth = [], 0
    for t in toks:
        if t in '([{':
            if t == '{' and depth == 0 and stmt and stmt[-1] == ')':
                stmt.append('{BODY')  # a function definition: not a symbol
            depth += 1
        elif t in ')]}':
            depth -= 1
        if t == ';' and depth == 0:
            yield stmt
            stmt = []
            continue
        stmt.append(t)
        if t == '}' and depth == 0 and '{BODY' in stmt:
            stmt = []
    if stmt:
        raise Failure('unterminated declaration at the end of the headers: ' + ' '.join(stmt[:12]))


def split_top(stmt, sep):
    parts, cur, depth = [], [], 0
    for t in stmt:
        if t in '([{':
            depth += 1
        elif t in ')]}':
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return parts


def is_ident(t):
    return re.match(r'^[A-Za-z_]\w*$', t) is not None and t not in C_WORDS


def declarator_name(decl):
    """The name a declarator introduces: f in 'int *f(int)', p in 'void (*p)(void)',
    x in 'int x[3] = {...}'."""
    depth = 0
    for i, t in enumerate(decl):
        if t == '=' and depth == 0:
            decl = decl[:i]
            break
        depth += 1 if t in '([{' else -1 if t in ')]}' else 0
    for i, t in enumerate(decl):
        if t == '(':
            if i + 1 < len(decl) and decl[i + 1] == '*':
                for u in decl[i + 1:]:  # (*name)(...): a pointer variable
                    if is_ident(u):
                        return u
                return None
            return decl[i - 1] if i > 0 and is_ident(decl[i - 1]) else None  # a function
        if t == '[':
            break
    idents = [t for t in decl if is_ident(t) and t != '{BODY']
    return idents[-1] if idents else None


def declared_names(text):
    names = set()
    for stmt in statements(strip_groups(tokenize(text))):
        if not stmt or '{BODY' in stmt or stmt[0] in ('typedef', '_Static_assert', 'static_assert'):
            continue
        if 'static' in stmt:
            continue  # internal linkage: no symbol
        if '{' in stmt:
            close = len(stmt) - 1 - stmt[::-1].index('}')
            stmt = stmt[close + 1:]  # struct/enum body: keep what it declares, if anything
            if not stmt:
                continue
            stmt = ['int'] + stmt
        elif len(stmt) == 2 and stmt[0] in ('struct', 'union', 'enum'):
            continue  # forward declaration
        decls = split_top(stmt, ',')
        first = decls[0]
        name = declarator_name(first)
        if name is None:
            raise Failure('cannot tell what this declares: ' + ' '.join(stmt))
        names.add(name)
        for d in decls[1:]:
            n = declarator_name(['int'] + d)
            if n is not None:
                names.add(n)
    return names


def table_entries(list_exe=None, table_file=None):
    if list_exe:
        res = subprocess.run([list_exe], capture_output=True, text=True)
        if res.returncode != 0:
            raise Failure(f'{list_exe} failed: {res.stderr}')
        text = res.stdout
    else:
        with open(table_file, encoding='utf-8') as f:
            text = f.read()
    entries = {}
    for line in text.splitlines():
        if line.strip():
            name, lib = line.split('\t')
            entries[name] = lib
    return entries


def defined_symbols(nm, lib):
    args = [nm, '--defined-only', '-g']
    if re.search(r'\.so(\.\d+)*$', lib):
        args.append('-D')  # what a shared library exports
    res = subprocess.run(args + [lib], capture_output=True, text=True)
    if res.returncode != 0:
        raise Failure(f'{nm} {lib} failed: {res.stderr}')
    syms = set()
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms.add(parts[2].split('@')[0])
    return syms


def check(declared, entries, defined):
    """Problems, one line each."""
    problems = []
    for n in sorted(declared - set(entries)):
        problems.append(f"'{n}' is declared by a driver-facing header but missing from the KPI table")
    for n in sorted(entries):
        if n.startswith('shim_') and n not in defined:
            problems.append(f"'{n}' is in the KPI table ({entries[n]}) but the shim library does not define it")
        if n.startswith('shim_') and n not in declared:
            problems.append(f"'{n}' is in the KPI table but no driver-facing header declares it")
    return problems


def run(root, list_exe, lib, nm, cc):
    include_dir = os.path.join(root, 'shim', 'include')
    declared = declared_names(preprocess(cc, include_dir, allowed_headers(root)))
    if not declared:
        raise Failure('found no declarations in the driver-facing headers')
    problems = check(declared, table_entries(list_exe=list_exe), defined_symbols(nm, lib))
    for p in problems:
        print('check_kpi_table: ' + p)
    if not problems:
        print(f'check_kpi_table: {len(declared)} declared names, all in the table and the library')
    return 1 if problems else 0


# A fake tree with each declaration form the parser must get right.
SELF_TEST_HEADER = r'''
#ifndef SHIM_FAKE_H
#define SHIM_FAKE_H
#include <stddef.h>
#include "shim/types.h"
#define shim_alloc(n) shim_alloc_((n), __FILE__, __LINE__)
#define SHIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
typedef struct shim_thing shim_thing;
typedef void (*shim_cb_fn)(shim_thing *t, int (*inner)(void));
struct shim_power_desc;
struct shim_ops {
	int (*probe)(shim_thing *t);
	void (*stop)(shim_thing *t);
};
enum shim_kind { SHIM_A, SHIM_B = 3 };
void *shim_alloc_(size_t n,
		  const char *file,
		  int line) __attribute__((warn_unused_result));
__attribute__((deprecated)) int shim_old(void);
shim_thing *shim_thing_get(const struct shim_ops *ops, shim_cb_fn cb);
enum shim_kind shim_kind_of(const shim_thing *t);
void shim_log_(int level, const char *fmt, ...) SHIM_PRINTF(2, 3);
static inline int shim_inline_helper(int x) { return x + 1; }
static int shim_static_proto(int x);
extern int shim_debug_level;
typedef enum shim_kind shim_kind_t;
extern shim_kind_t (*shim_hook)(int);
void shim_missing(void);
#endif
'''
SELF_TEST_TYPES = '#include <stdbool.h>\nbool shim_typed(void);\n'
SELF_TEST_EXPECTED = {'shim_alloc_', 'shim_old', 'shim_thing_get', 'shim_kind_of', 'shim_log_',
                      'shim_debug_level', 'shim_hook', 'shim_missing', 'shim_typed'}
SELF_TEST_LIB = '''
void *shim_alloc_(void) { return 0; }
int shim_old(void) { return 0; }
void *shim_thing_get(void) { return 0; }
int shim_kind_of(void) { return 0; }
void shim_log_(void) {}
int shim_debug_level;
void (*shim_hook)(int);
void shim_missing(void) {}
int shim_typed(void) { return 0; }
void shim_platform_only(void) {}
'''


def self_test(nm, cc):
    """Proves each check passes a clean fake tree and names what is wrong in a bad one."""
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, 'shim', 'include', 'shim'))
        os.makedirs(os.path.join(tmp, 'tools'))
        for name, text in (('fake.h', SELF_TEST_HEADER), ('types.h', SELF_TEST_TYPES),
                           ('platform.h', 'void shim_platform_only(void);\n')):
            with open(os.path.join(tmp, 'shim', 'include', 'shim', name), 'w') as f:
                f.write(text)
        lib_c, lib_o = os.path.join(tmp, 'lib.c'), os.path.join(tmp, 'lib.o')
        with open(lib_c, 'w') as f:
            f.write(SELF_TEST_LIB)
        if subprocess.run(cc + ['-c', lib_c, '-o', lib_o]).returncode != 0:
            raise Failure('self-test: cannot compile the fake library')
        defined = defined_symbols(nm, lib_o)
        # No header list: refuse rather than check nothing.
        with open(os.path.join(tmp, 'tools', 'check_driver_includes.sh'), 'w') as f:
            f.write('readonly OTHER="x"\n')
        try:
            allowed_headers(tmp)
            raise Failure('self-test: a missing SHIM_ALLOWED list was not refused')
        except Failure as e:
            if 'SHIM_ALLOWED' not in str(e):
                raise
        with open(os.path.join(tmp, 'tools', 'check_driver_includes.sh'), 'w') as f:
            f.write('readonly SHIM_ALLOWED=" fake types "\n')
        include_dir = os.path.join(tmp, 'shim', 'include')
        declared = declared_names(preprocess(cc, include_dir, allowed_headers(tmp)))
        if declared != SELF_TEST_EXPECTED:
            raise Failure(f'self-test: parser found {sorted(declared)}, expected {sorted(SELF_TEST_EXPECTED)}')
        good = {n: 'com.example.lib' for n in SELF_TEST_EXPECTED}
        cases = [
            ('clean tree', good, None),
            ('declaration missing from the table', {k: v for k, v in good.items() if k != 'shim_missing'},
             "'shim_missing' is declared by a driver-facing header but missing"),
            ('table entry the library lacks', dict(good, shim_ghost='com.example.lib'),
             "'shim_ghost' is in the KPI table (com.example.lib) but the shim library does not define it"),
            ('platform function in the table', dict(good, shim_platform_only='com.example.lib'),
             "'shim_platform_only' is in the KPI table but no driver-facing header declares it"),
        ]
        for what, table, expect in cases:
            problems = check(declared, table, defined)
            if expect is None and problems:
                raise Failure(f'self-test: {what}: unexpected problems {problems}')
            if expect is not None and not any(expect in p for p in problems):
                raise Failure(f'self-test: {what}: expected a problem containing "{expect}", got {problems}')
        # A header that does not compile must fail, not pass with nothing found.
        with open(os.path.join(tmp, 'shim', 'include', 'shim', 'types.h'), 'a') as f:
            f.write('#error broken header\n')
        try:
            preprocess(cc, include_dir, ['fake', 'types'])
            raise Failure('self-test: a broken header was not refused')
        except Failure as e:
            if 'broken header' not in str(e):
                raise
    print('check_kpi_table: self-test passed')
    return 0


def main(argv):
    if '--' not in argv:
        print('usage: check_kpi_table.py [--self-test] ... --nm NM -- CC [ARGS]', file=sys.stderr)
        return 2
    split = argv.index('--')
    cc = argv[split + 1:]
    ap = argparse.ArgumentParser()
    ap.add_argument('--self-test', action='store_true')
    ap.add_argument('--root')
    ap.add_argument('--list')
    ap.add_argument('--lib')
    ap.add_argument('--nm', required=True)
    args = ap.parse_args(argv[:split])
    if not cc:
        ap.error('no compiler after --')
    try:
        if args.self_test:
            return self_test(args.nm, cc)
        if not (args.root and args.list and args.lib):
            ap.error('--root, --list and --lib are required')
        return run(args.root, args.list, args.lib, args.nm, cc)
    except (Failure, OSError, ValueError) as e:
        print(f'check_kpi_table: {e}', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
