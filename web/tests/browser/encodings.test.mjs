// Files the way users' tools write them (tests/data/encodings/cases.json):
// the page reads every encoding `netready validate` reads (UTF-8 with or
// without a byte-order mark, UTF-16 LE/BE with or without one, as
// PowerShell's `>` writes it) into the same report, through the drop zone
// (the file's raw bytes, decoded by core) and through validate({bytes});
// and refuses what the CLI refuses, with the CLI's message, next to the
// file's box. native/tests/validate_encodings.rs replays the same table
// through the CLI alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openPage, ROOT } from './harness.mjs';
import { argWords, optionsFromArgs } from './scenarios.mjs';

const BIN = process.env.NETREADY_BIN
  || path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'debug', 'netready');
const DIR = path.join(ROOT, 'tests', 'data', 'encodings');
const cases = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8'));
const SCENARIO = path.join(ROOT, cases.scenario);
// The scenario's other documents (UTF-8), as files and as {name, text}.
const others = fs.readdirSync(SCENARIO)
  .filter((f) => f.endsWith('.json') && f !== 'expected.json' && f !== cases.replaces).sort()
  .map((f) => path.join(SCENARIO, f));
const otherDocs = others.map((p) => ({ name: p, text: fs.readFileSync(p, 'utf8') }));
const args = argWords(path.join(SCENARIO, 'args'));
const options = optionsFromArgs(args);
const file = (name) => path.join(DIR, name);

let server;
let browser;

before(async () => {
  assert.ok(fs.existsSync(BIN), `the netready binary is missing at ${BIN} (cargo build -p netready, or set NETREADY_BIN)`);
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** `netready validate --format json ARGS`: the result, whatever the exit code. */
function cli(extra) {
  const r = spawnSync(BIN, ['validate', '--format', 'json', ...extra], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } });
  return { status: r.status, json: r.status === 2 ? null : JSON.parse(r.stdout), stderr: r.stderr };
}

/** validate() in the page with a file's raw bytes beside the other documents. */
async function viaApi(page, docs, bytesDocs, opts) {
  return page.evaluate(([d, b, o]) => {
    const all = [...d, ...b.map(({ name, bytes }) => ({ name, bytes: new Uint8Array(bytes) }))];
    try {
      return { report: JSON.stringify(window.netready.validate(all, o)) };
    } catch (e) {
      return { error: { message: e.message, kind: e.kind, document: e.document } };
    }
  }, [docs, bytesDocs, opts]);
}

const bytesOf = (name) => ({ name: file(name), bytes: [...fs.readFileSync(file(name))] });

test('every encoding reads as UTF-8 does, through validate({bytes})', async () => {
  const { page, context } = await openPage(browser, server.origin);
  const want = cli([...args, ...others, file(cases.reference)]);
  assert.ok([0, 1, 3].includes(want.status), want.stderr);
  assert.ok(cases.decode.length >= 5);
  for (const name of cases.decode) {
    const got = await viaApi(page, otherDocs, [bytesOf(name)], options);
    assert.ok(got.report, `${name}: ${JSON.stringify(got.error)}`);
    assert.deepEqual(JSON.parse(got.report), want.json, name);
    // The command line agrees on the file itself.
    assert.deepEqual(cli([...args, ...others, file(name)]).json, want.json, `${name} (CLI)`);
  }
  // --ip-ranges on the command line; one more document on the page.
  const ipWant = cli([...args, ...others, file(cases.reference), '--ip-ranges', file(cases.ip_ranges_reference)]);
  for (const name of cases.ip_ranges) {
    const got = await viaApi(page, otherDocs, [bytesOf(cases.reference), bytesOf(name)], options);
    assert.ok(got.report, `${name}: ${JSON.stringify(got.error)}`);
    assert.deepEqual(JSON.parse(got.report), ipWant.json, name);
  }
  await context.close();
});

test('dropped files are read from their bytes: the boxes show the text, the report is the CLI\'s', async () => {
  const want = cli([...others, file(cases.reference)]);
  for (const name of cases.decode) {
    const { page, log, context } = await openPage(browser, server.origin);
    await page.setInputFiles('#file-input', [...others, file(name)]);
    await page.waitForSelector('#report:not([hidden])');
    // The non-ASCII Name tags came through intact (a surrogate pair among them).
    const choices = await page.textContent('#subnet-choices');
    assert.ok(choices.includes('privé-a Zürich ☕') && choices.includes('private-b 𝄞 東京'), `${name}: ${choices}`);
    const box = await page.$$eval('.doc', (boxes, n) => {
      const b = boxes.find((x) => x.querySelector('.doc-head input').value === n);
      return b && { text: b.querySelector('textarea').value, error: b.querySelector('.doc-error').textContent };
    }, name);
    assert.ok(box, `${name} has a box`);
    assert.equal(box.error, '');
    assert.ok(box.text.startsWith('{') && box.text.includes('"Subnets"'), `${name}: the box shows the text, without a byte-order mark`);
    const report = await page.evaluate(() => JSON.stringify(window.netready.check().report));
    assert.deepEqual(JSON.parse(report), want.json, name);
    assert.deepEqual(log.pageErrors, []);
    await context.close();
  }
});

test('other bytes are refused with the CLI\'s message, next to the file\'s box', async () => {
  const { page, context } = await openPage(browser, server.origin);
  const refuse = Object.entries(cases.refuse);
  assert.ok(refuse.length >= 4);
  for (const [name, message] of refuse) {
    const c = cli([...args, ...others, file(name)]);
    assert.equal(c.status, 2, name);
    assert.ok(c.stderr.includes(`${file(name)}: ${message}`), `${name}: CLI said ${c.stderr}`);
    const got = await viaApi(page, otherDocs, [bytesOf(name)], options);
    assert.ok(got.error, `${name}: the page must refuse it`);
    assert.equal(got.error.message, `${file(name)}: ${message}`);
    assert.equal(got.error.kind, 'encoding');
    assert.equal(got.error.document, file(name));
    assert.ok(c.stderr.includes(got.error.message), name);
  }
  // Through the drop zone: the box of the file says so.
  const [name, message] = refuse[0];
  const { page: dropped, context: c2 } = await openPage(browser, server.origin);
  await dropped.setInputFiles('#file-input', [...others, file(name)]);
  await dropped.waitForSelector('.doc.has-error');
  const marked = await dropped.$eval('.doc.has-error', (b) => ({ name: b.querySelector('.doc-head input').value, error: b.querySelector('.doc-error').textContent }));
  assert.deepEqual(marked, { name, error: `${name}: ${message}` });
  await c2.close();
  await context.close();
});
