// Driven by web/bench/steps.sh: times validate()'s steps on the 1,000-subnet
// VPC of gen-vpc.mjs with the bench-steps build of the module.
//
//   node web/bench/steps.mjs OUT_DIR [RUNS] [PROFILE]
import fs from 'node:fs';
import path from 'node:path';
import { generate } from './gen-vpc.mjs';

const [dir, runsArg, profile = 'runner'] = process.argv.slice(2);
const RUNS = Number(runsArg || 20);
const { initSync, benchSteps, validate } = await import(path.resolve(dir, 'netready_web.js'));
initSync({ module: fs.readFileSync(path.join(dir, 'netready_web_bg.wasm')) });
const docs = generate();
const options = { profile };
validate(docs, options); // warm-up: grows the wasm memory once
const steps = ['read', 'parse', 'evaluate', 'tape', 'decode', 'free', 'total'];
const times = Object.fromEntries(steps.map((s) => [s, []]));
const cpu = [];
for (let i = 0; i < RUNS; i += 1) {
  const c0 = process.cpuUsage();
  const t = benchSteps(docs, options);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  t.forEach((ms, k) => times[steps[k]].push(ms));
  times.total.push(t.reduce((a, b) => a + b, 0));
}
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: +s[Math.floor(s.length / 2)].toFixed(1), min: +s[0].toFixed(1) };
};
console.log(JSON.stringify({
  node: process.version,
  profile,
  input_bytes: docs.reduce((n, d) => n + d.text.length, 0),
  runs: RUNS,
  ms: Object.fromEntries(steps.map((s) => [s, stats(times[s])])),
  process_cpu_ms: stats(cpu),
}, null, 2));
