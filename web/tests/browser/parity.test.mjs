// Parity: every scenario of tests/data/validate gives the same JSON report
// from the WebAssembly build, running in headless Chromium, as from
// `netready validate --format json`; and the catalog export equals
// `netready catalog --format json`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openPage, ROOT } from './harness.mjs';
import { scenarios, argWords, optionsFromArgs } from './scenarios.mjs';

const BIN = process.env.NETREADY_BIN
  || path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'debug', 'netready');

let server;
let browser;
let page;

before(async () => {
  assert.ok(fs.existsSync(BIN), `the netready binary is missing at ${BIN} (cargo build -p netready, or set NETREADY_BIN)`);
  server = await startServer();
  browser = await launch();
  ({ page } = await openPage(browser, server.origin));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs the CLI: the JSON report, whatever the exit code (1 and 3 are verdicts). */
function cli(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 60_000, env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
  assert.ok([0, 1, 3].includes(r.status), `netready ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { json: JSON.parse(r.stdout), status: r.status };
}

const all = scenarios();

test('there are scenarios to compare', () => {
  assert.ok(all.length >= 20, `only ${all.length} scenarios under tests/data/validate`);
});

for (const s of all) {
  test(`parity: ${s.name}`, async () => {
    const fromCli = cli(['validate', '--format', 'json', ...s.args, ...s.files.map((f) => f.path)]);
    const docs = s.files.map((f) => ({ name: f.path, text: f.text }));
    const fromWasm = await page.evaluate(([d, o]) => JSON.stringify(window.netready.validate(d, o)), [docs, s.options]);
    assert.deepEqual(JSON.parse(fromWasm), fromCli.json);
    // The exit code is the status's, on both sides.
    assert.equal({ ready: 0, degraded: 1, unknown: 3 }[JSON.parse(fromWasm).status], fromCli.status);
    // The what-if too: the page's "after the fixes" is --apply-fixes.
    const afterCli = cli(['validate', '--format', 'json', '--apply-fixes', ...s.args, ...s.files.map((f) => f.path)]);
    const afterWasm = await page.evaluate(([d, o]) => JSON.stringify(window.netready.whatIf(d, o)), [docs, s.options]);
    assert.deepEqual(JSON.parse(afterWasm), afterCli.json);
  });
}

// Explain: every case of tests/data/explain gives the same explanation from
// the page (its validate report, then the explain module) as from
// `netready explain --format json`.
const EXPLAIN_DIR = path.join(ROOT, 'tests', 'data', 'explain');
const explainCases = fs.readdirSync(EXPLAIN_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && fs.existsSync(path.join(EXPLAIN_DIR, d.name, 'world.json')))
  .map((d) => d.name).sort();

test('there are explain cases to compare', () => {
  assert.ok(explainCases.length >= 16, `only ${explainCases.length} cases under tests/data/explain`);
});

for (const name of explainCases) {
  test(`parity: explain ${name}`, async () => {
    const dir = path.join(EXPLAIN_DIR, name);
    const world = JSON.parse(fs.readFileSync(path.join(dir, 'world.json'), 'utf8'));
    const subnetAt = world.explain_args.indexOf('--subnet');
    const subnet = subnetAt >= 0 ? world.explain_args[subnetAt + 1] : undefined;
    const args = ['explain', '--validate', path.join(dir, 'validate.json'), '--probe', path.join(dir, 'probe.json'), '--format', 'json'];
    if (subnet) args.push('--subnet', subnet);
    const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 60_000 });
    assert.ok([0, 1].includes(r.status), `netready ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('describe-')).sort()
      .map((f) => ({ name: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
    const options = optionsFromArgs(argWords(path.join(dir, 'args')));
    const probe = JSON.parse(fs.readFileSync(path.join(dir, 'probe.json'), 'utf8'));
    const fromWasm = await page.evaluate(async ([d, o, p, s]) => {
      const report = window.netready.validate(d, o);
      return JSON.stringify(await window.netready.explain(report, p, s));
    }, [files, options, probe, subnet]);
    const got = JSON.parse(fromWasm);
    assert.equal(got.error, null);
    assert.deepEqual(got.explanation, JSON.parse(r.stdout));
  });
}

test('parity: explain refuses what the command line refuses', async () => {
  const dir = path.join(EXPLAIN_DIR, 'agree-nat-gateway');
  const validate = JSON.parse(fs.readFileSync(path.join(dir, 'validate.json'), 'utf8'));
  const probe = JSON.parse(fs.readFileSync(path.join(dir, 'probe.json'), 'utf8'));
  const cases = [
    [validate, validate, undefined, 'probe report: kind: expected probe'],
    [probe, probe, undefined, 'validate report: kind: expected validate'],
    [{ ...validate, region: 'us-east-1' }, probe, undefined, 'the reports are of different regions: the validate report is of us-east-1, the probe report of eu-west-1'],
    [validate, probe, 'subnet-0ddd000000000004', 'subnet subnet-0ddd000000000004 is not in the validate report'],
    [validate, { ...probe, endpoints: [{ ...probe.endpoints[0], reachable: 'yes' }] }, undefined, 'probe report: endpoints[0].reachable: expected true, false or null'],
  ];
  for (const [v, p, s, want] of cases) {
    const got = await page.evaluate(async ([v, p, s]) => window.netready.explain(v, p, s), [v, p, s]);
    assert.equal(got.explanation, null, want);
    assert.ok(got.error.includes(want), `${want}: ${got.error}`);
  }
});

test('parity: a bad document fails on both sides with the same message', async () => {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'netready-web-'));
  try {
    const file = path.join(dir, 'broken.json');
    fs.writeFileSync(file, '{"Subnets": [ {"SubnetId": "subnet-1", } ]}');
    const r = spawnSync(BIN, ['validate', '--format', 'json', file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2);
    const message = await page.evaluate(([name, text]) => {
      try {
        window.netready.validate([{ name, text }], {});
        return null;
      } catch (e) {
        return e.message;
      }
    }, [file, fs.readFileSync(file, 'utf8')]);
    assert.ok(message, 'the wasm build throws');
    assert.ok(r.stderr.includes(message), `CLI said ${JSON.stringify(r.stderr)}, wasm said ${JSON.stringify(message)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const [region, profile] of [['eu-west-1', 'runner'], ['us-east-1', 'private'], ['cn-north-1', 'private'], ['us-gov-west-1', 'runner']]) {
  test(`parity: catalog ${region} ${profile}`, async () => {
    const fromCli = JSON.parse(execFileSync(BIN, ['catalog', '--format', 'json', '--region', region, '--profile', profile], { encoding: 'utf8' }));
    const fromWasm = await page.evaluate(([r, p]) => JSON.stringify(window.netready.catalog(r, p)), [region, profile]);
    assert.deepEqual(JSON.parse(fromWasm), fromCli);
  });
}
