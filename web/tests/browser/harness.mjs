// Test harness: a static server on loopback that counts every request, and
// Debian's Chromium (/usr/bin/chromium) driven by playwright-core. Nothing is
// downloaded; every process started here is stopped by close().
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB = path.resolve(here, '..', '..');
export const ROOT = path.resolve(WEB, '..');
export const DIST = process.env.NETREADY_DIST || path.join(WEB, 'dist');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
};

/** Every file under dist, as URL paths ("/index.html", "/pkg/…"). */
export function distFiles() {
  const out = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.add('/' + path.relative(DIST, p).split(path.sep).join('/'));
    }
  };
  walk(DIST);
  return out;
}

/** Serves DIST on 127.0.0.1 (an ephemeral port) and records every request. */
export async function startServer() {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url });
    let p = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(DIST, p);
    if (!file.startsWith(DIST + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launches headless Chromium (a fresh profile directory every time). */
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
}

/**
 * Opens the page in a new context; records every request the browser made
 * (through the DevTools protocol's network domain, which sees requests the
 * page never completes too), console errors and page errors.
 */
export async function openPage(browser, origin, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const log = { network: [], console: [], pageErrors: [], dialogs: [] };
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => log.network.push(e.request.url));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log.console.push(m.text()); });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  page.on('dialog', (d) => { log.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  await page.goto(origin + '/index.html');
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 15_000 });
  return { context, page, log };
}

/** The scenarios of tests/data/validate: see scenarios.mjs. */
export { scenarios } from './scenarios.mjs';
