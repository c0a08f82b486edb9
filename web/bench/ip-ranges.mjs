// What AWS's ip-ranges.json (about 2 MB) costs the page: validate() of the
// 1,000-subnet VPC of browser.mjs with and without it, alternately, and of
// the file alone (parse; no subnet to evaluate), in headless Chromium,
// measured inside the page with performance.now().
//
//   cargo bench -p netready-core --bench ip_ranges -- --write /tmp/ip-ranges.json
//   bash web/build.sh && (cd web/tests/browser && npm ci) && node web/bench/ip-ranges.mjs /tmp/ip-ranges.json [RUNS]
//
// (The file is core's synthetic one, core/benches/ip_ranges_gen/mod.rs: there
// is no network here to fetch the published one, and a benchmark must not
// depend on it.)
import fs from 'node:fs';
import { startServer, launch, openPage } from '../tests/browser/harness.mjs';
import { generate } from './gen-vpc.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node web/bench/ip-ranges.mjs IP_RANGES_JSON [RUNS]');
  process.exit(2);
}
const RUNS = Number(process.argv[3] || 20);
const ipRanges = { name: 'ip-ranges.json', text: fs.readFileSync(file, 'utf8') };
const vpc = generate();

const server = await startServer();
const browser = await launch();
try {
  const { page } = await openPage(browser, server.origin);
  const result = await page.evaluate(([vpc, ipRanges, runs]) => {
    const { validate } = window.netready;
    const stats = (xs) => {
      const s = [...xs].sort((a, b) => a - b);
      return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
    };
    const time = (docs, options) => {
      const t0 = performance.now();
      const report = validate(docs, options);
      return [performance.now() - t0, report];
    };
    const withRanges = [...vpc, ipRanges];
    const region = { region: 'eu-west-1' };
    // Warm-up: the first calls also grow the wasm memory.
    time(withRanges, {});
    time(vpc, {});
    const alone = [], without = [], withIt = [];
    let a, b;
    for (let i = 0; i < runs; i += 1) {
      let ms;
      [ms] = time([ipRanges], region); alone.push(ms);
      [ms, a] = time(vpc, {}); without.push(ms);
      [ms, b] = time(withRanges, {}); withIt.push(ms);
    }
    return {
      same_status: a.status === b.status,
      ip_ranges_alone: stats(alone),
      vpc_without: stats(without),
      vpc_with: stats(withIt),
    };
  }, [vpc, ipRanges, RUNS]);
  console.log(JSON.stringify({ ip_ranges_bytes: ipRanges.text.length, runs: RUNS, ...result }, null, 2));
} finally {
  await browser.close();
  await server.close();
}
