#!/usr/bin/env bash
# Serves web/dist on loopback only:  bash web/serve.sh [PORT]   (default 8000)
# then open http://127.0.0.1:PORT/ . Build first with: bash web/build.sh
# The page works from any static host (or a file server of your own): it
# needs no server logic, and its CSP meta tag forbids every network request.
set -euo pipefail
DIST="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/dist"
PORT="${1:-8000}"
[[ -f "$DIST/index.html" ]] || { echo "web/serve.sh: $DIST is empty: run bash web/build.sh first" >&2; exit 2; }
echo "netready page: http://127.0.0.1:$PORT/  (Ctrl+C stops)" >&2
exec python3 - "$DIST" "$PORT" <<'PY'
import functools, http.server, sys

root, port = sys.argv[1], int(sys.argv[2])

class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".svg": "image/svg+xml",
        ".json": "application/json",
        ".ts": "text/plain; charset=utf-8",
    }

    def end_headers(self):
        # The same policy as the page's meta tag, also as a header.
        self.send_header("Content-Security-Policy",
                         "default-src 'self'; connect-src 'none'; script-src 'self' 'wasm-unsafe-eval'; "
                         "style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=root)).serve_forever()
PY
