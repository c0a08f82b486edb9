#!/usr/bin/env python3
"""Makes the page's JavaScript smaller in place, without a minifier: drops
lines that are only a comment (// …, or a /* … */ block that starts a line),
blank lines, and each line's indentation. Lines stay lines, so automatic
semicolon insertion sees the same code.

It relies on what the page's sources (web/www/*.js, web/src/tape.js) and
wasm-bindgen's glue keep to: no template literal or string spans lines, and
no line of code starts with `//` or `/*`. web/test.sh runs the page built
this way. About 2.8 KB of the page's gzipped JavaScript.

    python3 web/tools/strip_js.py FILE.js...
"""
import sys


def strip(text: str) -> str:
    out = []
    in_block = False
    for line in text.split("\n"):
        t = line.strip()
        if in_block:
            if "*/" in t:
                in_block = False
                rest = t.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest)
            continue
        if not t or t.startswith("//"):
            continue
        if t.startswith("/*"):
            if "*/" not in t:
                in_block = True
                continue
            rest = t.split("*/", 1)[1].strip()
            if rest:
                out.append(rest)
            continue
        out.append(t)
    return "\n".join(out) + "\n"


def main() -> None:
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if any(line.count("`") % 2 for line in text.split("\n") if not line.strip().startswith(("//", "*", "/*"))):
            sys.exit(f"strip_js.py: {path}: a template literal spans lines; not stripping it")
        with open(path, "w", encoding="utf-8") as f:
            f.write(strip(text))


if __name__ == "__main__":
    main()
