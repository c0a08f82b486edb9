// Validation time of a 1,000-subnet VPC in headless Chromium, measured inside
// the page with performance.now(): the wasm export alone (parse + evaluate +
// conversion to a JS object), and the page's whole check (the same plus
// rendering the 1,000-row matrix), with the longest main-thread task seen;
// then scrolling the matrix (20 jumps, two frames each) and the longest task
// while scrolling. NETREADY_DIST=DIR measures another build of the page.
//
//   bash web/build.sh && (cd web/tests/browser && npm ci) && node web/bench/browser.mjs [RUNS]
import { startServer, launch, openPage } from '../tests/browser/harness.mjs';
import { generate } from './gen-vpc.mjs';
import { readFileSync } from 'node:fs';

const RUNS = Number(process.argv[2] || 30);
// NETREADY_BENCH_DOCS=FILE[:FILE…]: those documents instead (e.g. a
// Terraform plan: python3 tests/data/plan/gen.py bench 1000 > plan.json).
const docs = process.env.NETREADY_BENCH_DOCS
  ? process.env.NETREADY_BENCH_DOCS.split(':').map((f) => ({ name: f, text: readFileSync(f, 'utf8') }))
  : generate();
const bytes = docs.reduce((n, d) => n + d.text.length, 0);

const server = await startServer();
const browser = await launch();
try {
  const { page } = await openPage(browser, server.origin);
  const result = await page.evaluate(async ([docs, runs]) => {
    const { validate } = window.netready;
    const stats = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      return { median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], min: s[0], max: s[s.length - 1] };
    };
    // Warm-up: the first call also grows the wasm memory.
    let report = validate(docs, {});
    const v = [];
    for (let i = 0; i < runs; i += 1) {
      const t0 = performance.now();
      report = validate(docs, {});
      v.push(performance.now() - t0);
    }
    // The page's own path: fill the boxes like a paste, then check(). The
    // first check (and the first layout of 2.7 MB of text in the boxes,
    // seconds whatever the matrix does) is a warm-up, not measured.
    window.netready.setDocuments(docs);
    window.netready.check();
    await new Promise((r) => setTimeout(r, 2000));
    const longest = { ms: 0 };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longest.ms = Math.max(longest.ms, e.duration);
    }).observe({ type: 'longtask', buffered: false });
    const c = [];
    const painted = [];
    for (let i = 0; i < Math.min(runs, 10); i += 1) {
      const t0 = performance.now();
      window.netready.check();
      c.push(performance.now() - t0);
      // Until the result is on screen: the next frame, then a task after it.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      painted.push(performance.now() - t0);
      // Let a progressive renderer finish (the old matrix drew 150 rows per task).
      await new Promise((r) => setTimeout(r, 300));
    }
    // Scrolling the matrix: jumps to 20 places, two animation frames each
    // (virtual rows are rebuilt in the first); the longest task while doing it.
    const wrap = document.querySelector('.matrix-wrap');
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    await new Promise((r) => setTimeout(r, 100));
    const checkLongest = longest.ms;
    longest.ms = 0;
    const s = [];
    for (let i = 0; i < 20; i += 1) {
      const t0 = performance.now();
      wrap.scrollTop = ((i * 7919) % 20) / 20 * wrap.scrollHeight;
      await frame();
      await frame();
      s.push(performance.now() - t0);
    }
    await new Promise((r) => setTimeout(r, 100));
    const scrollLongest = longest.ms;
    return {
      rows_in_document: document.querySelectorAll('#matrix tbody tr:not(.spacer)').length,
      scroll_two_frames: stats(s),
      scroll_longest_task: scrollLongest,
      subnets: report.subnets.length,
      endpoints: report.subnets[0].endpoints.length,
      status: report.status,
      validate: stats(v),
      check: stats(c),
      check_until_painted: stats(painted),
      longestTask: checkLongest,
    };
  }, [docs, RUNS]);
  console.log(JSON.stringify({ input_bytes: bytes, runs: RUNS, ...result }, null, 2));
} finally {
  await browser.close();
  await server.close();
}
