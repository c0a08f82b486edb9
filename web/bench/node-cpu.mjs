// The same wasm module and the same 1,000-subnet VPC as browser.mjs, in
// Node (V8, like Chromium), timed in CPU time of this process
// (process.cpuUsage) as well as wall time: CPU time is what other processes
// on a busy machine do not inflate.
//
//   bash web/build.sh && node web/bench/node-cpu.mjs [RUNS]
import { initSync, validate } from '../dist/pkg/netready_web.js';
import { wasmBytes } from '../dist/pkg/netready_web_wasm.js';
import { generate } from './gen-vpc.mjs';
import { readFileSync } from 'node:fs';

const RUNS = Number(process.argv[2] || 30);
initSync({ module: wasmBytes() });
// NETREADY_BENCH_DOCS=FILE[:FILE…]: those documents instead (e.g. a
// Terraform plan: python3 tests/data/plan/gen.py bench 1000 > plan.json).
const docs = process.env.NETREADY_BENCH_DOCS
  ? process.env.NETREADY_BENCH_DOCS.split(':').map((f) => ({ name: f, text: readFileSync(f, 'utf8') }))
  : generate();
let report = validate(docs, {}); // warm-up: grows the wasm memory once
const cpu = [];
const wall = [];
for (let i = 0; i < RUNS; i += 1) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  report = validate(docs, {});
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: +s[Math.floor(s.length / 2)].toFixed(1), min: +s[0].toFixed(1), max: +s[s.length - 1].toFixed(1) };
};
console.log(JSON.stringify({
  node: process.version,
  input_bytes: docs.reduce((n, d) => n + d.text.length, 0),
  subnets: report.subnets.length,
  endpoints_per_subnet: report.subnets[0].endpoints.length,
  runs: RUNS,
  validate_cpu_ms: stats(cpu),
  validate_wall_ms: stats(wall),
}, null, 2));
