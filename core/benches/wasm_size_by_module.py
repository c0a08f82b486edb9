#!/usr/bin/env python3
"""Code size of a wasm module by Rust module path, from its name section.

Usage: wasm_size_by_module.py MODULE.wasm [DEPTH]

Sums the byte size of each function body under a key made of the first
DEPTH (default 3) `::` segments of its demangled name, generic arguments
removed (`netready_core::vpc::input`, `serde_json::de::...`). A generic
instantiation is counted where its name says it lives: serde_json's
deserializer instantiated for core's types counts as serde_json. Needs a
module with its name section (rustc keeps it with strip = "debuginfo"),
and llvm-cxxfilt (Debian's llvm package) to demangle Rust's names.
"""
import re
import shutil
import subprocess
import sys
from collections import Counter


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def sections(b):
    i = 8
    while i < len(b):
        sid = b[i]
        n, i = leb(b, i + 1)
        yield sid, b[i:i + n]
        i += n


def main():
    b = open(sys.argv[1], "rb").read()
    depth = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    imported = 0
    bodies = []
    names = {}
    for sid, s in sections(b):
        if sid == 2:  # imports: functions imported come first in the index space
            n, i = leb(s, 0)
            for _ in range(n):
                for _ in range(2):
                    ln, i = leb(s, i)
                    i += ln
                kind = s[i]
                i += 1
                if kind == 0:
                    _, i = leb(s, i)
                    imported += 1
                elif kind == 1:
                    i += 1
                    flags, i = leb(s, i)
                    _, i = leb(s, i)
                    if flags & 1:
                        _, i = leb(s, i)
                elif kind == 2:
                    flags, i = leb(s, i)
                    _, i = leb(s, i)
                    if flags & 1:
                        _, i = leb(s, i)
                elif kind == 3:
                    i += 2
        elif sid == 10:
            n, i = leb(s, 0)
            for _ in range(n):
                size, i = leb(s, i)
                bodies.append(size)
                i += size
        elif sid == 0:
            ln, i = leb(s, 0)
            if s[i:i + ln] != b"name":
                continue
            i += ln
            while i < len(s):
                sub = s[i]
                size, i = leb(s, i + 1)
                if sub == 1:
                    j = i
                    n, j = leb(s, j)
                    for _ in range(n):
                        idx, j = leb(s, j)
                        ln2, j = leb(s, j)
                        names[idx] = s[j:j + ln2].decode("utf-8", "replace")
                        j += ln2
                i += size
    raw = [names.get(imported + k, "?") for k in range(len(bodies))]
    # The name section drops the leading underscore of mangled names.
    fixed = ["_" + n if n.startswith(("ZN", "R")) else n for n in raw]
    filt = shutil.which("llvm-cxxfilt") or "c++filt"
    out = subprocess.run([filt], input="\n".join(fixed), capture_output=True, text=True, check=True)
    demangled = out.stdout.split("\n")
    by = Counter()
    full = Counter()
    for k, size in enumerate(bodies):
        name = demangled[k] if k < len(demangled) else raw[k]
        name = re.sub(r"::h[0-9a-f]{16}$", "", name)
        # Legacy-mangled names keep their escapes through the demangler.
        for a, z in (("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"),
                     ("$C$", ","), ("$BP$", "*"), ("$u7b$", "{"), ("$u7d$", "}"),
                     ("$u27$", "'"), ("$u5b$", "["), ("$u5d$", "]"), ("..", "::")):
            name = name.replace(a, z)
        full[name] += size
        # Drop generic arguments and impl headers: <A as B>::f -> A::f.
        while True:
            new = re.sub(r"<([^<>]*?) as [^<>]*>", r"\1", name)
            new = re.sub(r"<[^<>]*>", "", new)
            if new == name:
                break
            name = new
        key = "::".join(name.lstrip("_").split("::")[:depth])
        by[key] += size
    total = sum(bodies)
    print(f"{'total':<52} {total:>9}")
    for key, size in by.most_common(25):
        print(f"{key:<52} {size:>9}")
    print()
    print("largest functions (with their generic arguments):")
    for key, size in full.most_common(int(sys.argv[3]) if len(sys.argv) > 3 else 30):
        print(f"{size:>7}  {key[:150]}")


if __name__ == "__main__":
    main()
