// The page in a real headless Chromium: examples, the matrix, the paths, the
// findings, errors next to the right box, pasted markup shown as text, the
// drop zone, keyboard use, and not one network request beyond the page's own
// files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launch, openPage, distFiles, scenarios, ROOT } from './harness.mjs';
import { argWords, optionsFromArgs } from './scenarios.mjs';
import { generate } from '../../bench/gen-vpc.mjs';

let server;
let browser;
const opened = []; // every page's log, for the network test at the end

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(options) {
  const p = await openPage(browser, server.origin, options);
  opened.push(p.log);
  return p;
}

/** The matrix as data: [{ subnet, status, cells: [{ label, classes, aria }] }]. */
function readMatrix(page) {
  return page.$$eval('#matrix tbody tr', (rows) => rows.map((tr) => ({
    subnet: tr.dataset.subnet,
    status: tr.querySelector('.badge').textContent,
    cells: [...tr.querySelectorAll('button.cell')].map((b) => ({
      label: b.querySelector('.label').textContent,
      classes: b.className,
      aria: b.getAttribute('aria-label'),
    })),
  })));
}

const access = (classes) => (/at-([a-z_]+)/.exec(classes) || [])[1];
const reach = (classes) => (/r-(true|false|null)/.exec(classes) || [])[1];

test('loads with no error and the wasm module ready', async () => {
  const { page, log, context } = await open();
  assert.equal(await page.title(), 'netready · VPC check for the runner');
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.console, []);
  // The collect panel already shows commands.
  assert.match(await page.textContent('#collect-commands'), /aws ec2 describe-route-tables/);
  await context.close();
});

test('an example loads, is checked, and the matrix and findings match the scenario', async () => {
  const { page, log, context } = await open();
  const examples = JSON.parse(fs.readFileSync(new URL('../../dist/examples/index.js', import.meta.url), 'utf8')
    .replace(/^\/\/.*\n/, '').replace(/^export const EXAMPLES = /, '').replace(/;\s*$/, ''));
  const byDir = new Map(scenarios().map((s) => [`tests/data/validate/${s.name}`, s]));
  let compared = 0;
  for (const ex of examples) {
    await page.getByRole('button', { name: ex.title }).click();
    await page.waitForSelector('#report:not([hidden])');
    const status = await page.textContent('#status .verdict');
    const matrix = await readMatrix(page);
    const findings = await page.$$eval('#findings .finding .code', (n) => n.map((x) => x.textContent));
    assert.ok(matrix.length > 0, `${ex.id}: the matrix has rows`);
    const scenario = byDir.get(ex.source);
    if (scenario?.expected) {
      const exp = scenario.expected;
      assert.match(status, new RegExp(`^${exp.status}`, 'i'), `${ex.id}: status`);
      assert.deepEqual(matrix.map((r) => r.subnet), exp.subnets.map((s) => s.subnet_id), `${ex.id}: rows`);
      exp.subnets.forEach((s, i) => {
        assert.equal(matrix[i].status, s.status);
        s.endpoints.forEach((e, j) => {
          assert.equal(access(matrix[i].cells[j].classes), e.access_type ?? 'none', `${ex.id} ${s.subnet_id} ${e.host}`);
          assert.equal(reach(matrix[i].cells[j].classes), String(e.reachable), `${ex.id} ${s.subnet_id} ${e.host}`);
          assert.ok(matrix[i].cells[j].aria.includes(e.host));
        });
      });
      const expCodes = new Set([...exp.findings, ...exp.subnets.flatMap((s) => s.endpoints.flatMap((e) => e.findings))].map((f) => f.code));
      assert.deepEqual(new Set(findings), expCodes, `${ex.id}: finding codes`);
      compared += 1;
    }
  }
  assert.ok(compared >= 2, 'at least two examples are compared with their expected report');

  // The broken example: a blocked endpoint, its fix with a copy button.
  await page.getByRole('button', { name: 'A broken VPC' }).click();
  await page.waitForSelector('#report:not([hidden])');
  assert.match(await page.textContent('#status .verdict'), /^Degraded/);
  const blocked = await page.$$('#matrix button.cell.r-false');
  assert.ok(blocked.length > 0, 'some cell is blocked');
  const fix = await page.textContent('#findings .finding .fix pre');
  assert.match(fix, /^aws ec2 /m);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  await page.click('#findings .finding .fix button.copy');
  await page.waitForSelector('#toast.show');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), fix);

  // The what-if: the recommended fixes applied to the model make it ready,
  // and the steps are there to copy.
  await page.waitForSelector('#after-fixes:not([hidden])');
  assert.match(await page.textContent('#after-fixes-verdict'), /^Ready after 1 round/);
  assert.match(await page.textContent('#after-fixes-steps'), /^# round 1 \(status before: degraded\)\naws ec2 /);

  // The same fixes as PowerShell, when asked.
  await page.check('input[name="fix-format"][value="powershell"]');
  await page.click('#check');
  await page.waitForFunction(() => !/^aws ec2 /.test(document.querySelector('#findings .finding .fix pre').textContent));
  assert.match(await page.textContent('#findings .finding .fix pre'), /EC2/);
  // And as Terraform.
  await page.check('input[name="fix-format"][value="terraform"]');
  await page.click('#check');
  await page.waitForFunction(() => /^resource "aws_/m.test(document.querySelector('#findings .finding .fix pre').textContent));
  await page.check('input[name="fix-format"][value="aws-cli"]');
  await page.click('#check');
  await page.waitForFunction(() => /^aws ec2 /.test(document.querySelector('#findings .finding .fix pre').textContent));

  // Selecting a blocked cell draws its path: subnet → … → host, broken at the end.
  await page.click('#matrix button.cell.r-false');
  const path = await page.$$eval('.path.focused .diagram .node', (n) => n.map((x) => x.textContent));
  assert.ok(path[0].includes('subnet-'), `path starts at the subnet: ${path}`);
  assert.ok(path.some((p) => p.includes('vpce-')), `path crosses the endpoint: ${path}`);
  assert.equal(await page.$eval('.path.focused .diagram li:last-child', (li) => li.className), 'broken');
  assert.match(await page.textContent('#cost'), /\$|USD|month/);
  assert.deepEqual(log.pageErrors, []);
  await context.close();
});

test('invalid JSON is reported next to the box that holds it', async () => {
  const { page, context } = await open();
  await page.getByRole('button', { name: 'NAT gateway setup' }).click();
  await page.waitForSelector('#report:not([hidden])');
  const boxes = await page.$$('.doc');
  assert.ok(boxes.length >= 1);
  // Add a box and break that one only.
  await page.getByRole('button', { name: '+ Add a paste box' }).click();
  const fresh = page.locator('.doc').last();
  await fresh.locator('.doc-head input').fill('my-subnets.json');
  await fresh.locator('textarea').fill('{\n  "Subnets": [\n    { "SubnetId": "subnet-1", }\n  ]\n}');
  await page.click('#check');
  await page.waitForSelector('.doc.has-error');
  const errorBoxes = await page.$$eval('.doc.has-error', (b) => b.map((x) => x.querySelector('.doc-head input').value));
  assert.deepEqual(errorBoxes, ['my-subnets.json']);
  const message = await fresh.locator('.doc-error').textContent();
  assert.match(message, /^my-subnets\.json: line 3, column \d+: not valid JSON/);
  assert.equal(await page.$eval('.doc:first-child .doc-error', (e) => e.textContent), '');
  assert.equal(await page.isHidden('#report'), true, 'no result is shown for bad input');
  assert.match(await page.textContent('#status'), /error/);
  // A wrong shape names the JSON path, in the right box too.
  await fresh.locator('textarea').fill('{"Subnets": [{"SubnetId": 42}]}');
  await page.click('#check');
  await page.waitForFunction(() => /Subnets\[0\]\.SubnetId/.test(document.querySelector('.doc:last-child .doc-error').textContent));
  // Fixing it clears the error and brings the result back.
  await fresh.locator('.doc-head button').click();
  await page.click('#check');
  await page.waitForSelector('#report:not([hidden])');
  assert.equal(await page.$$eval('.doc.has-error', (b) => b.length), 0);
  await context.close();
});

const PAYLOAD = '<img src=x onerror="window.__pwned=1;alert(1)">';

function hostileDocuments() {
  const nat = scenarios().find((s) => s.name === 'nat-gateway');
  return nat.files.map((f) => {
    const doc = JSON.parse(f.text);
    for (const s of doc.Subnets || []) s.Tags = [{ Key: 'Name', Value: `private ${PAYLOAD}` }];
    for (const g of doc.SecurityGroups || []) g.GroupName = `runner ${PAYLOAD}`;
    for (const e of doc.VpcEndpoints || []) e.Tags = [{ Key: 'Name', Value: PAYLOAD }];
    return { name: f.name, text: JSON.stringify(doc, null, 2) };
  });
}

for (const bypassCSP of [false, true]) {
  test(`pasted markup is shown as text and runs nothing${bypassCSP ? ' (even with the CSP switched off)' : ''}`, async () => {
    // With bypassCSP the Content-Security-Policy is ignored, so only the
    // page's text-only rendering stands between the payload and execution.
    const { page, log, context } = await open({ bypassCSP });
    const docs = hostileDocuments();
    // Paste, as a person would: one box per document, then name the box with the payload too.
    for (const [i, d] of docs.entries()) {
      if (i > 0) await page.getByRole('button', { name: '+ Add a paste box' }).click();
      const box = page.locator('.doc').nth(i);
      await box.locator('.doc-head input').fill(i === 0 ? `${PAYLOAD}.json` : d.name);
      await box.locator('textarea').fill(d.text);
    }
    await page.click('#check');
    await page.waitForSelector('#report:not([hidden])');
    // The tag is in the subnet choices, as text.
    const choices = await page.textContent('#subnet-choices');
    assert.ok(choices.includes(PAYLOAD), 'the Name tag is shown verbatim');
    assert.ok((await page.textContent('#sg-choices')).includes(PAYLOAD));
    // Make the first document invalid so the payload-named box shows an error message.
    await page.locator('.doc').first().locator('textarea').fill('{"Vpcs": [}');
    await page.click('#check');
    await page.waitForSelector('.doc.has-error');
    assert.ok((await page.textContent('.doc.has-error .doc-error')).startsWith(PAYLOAD));
    await page.waitForTimeout(300);
    assert.equal(await page.$$eval('img', (i) => i.length), 0, 'no <img> element was created');
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'the handler never ran');
    assert.deepEqual(log.dialogs, [], 'no alert was shown');
    assert.ok(!log.network.some((u) => new URL(u).pathname === '/x'), 'the image was never requested');
    assert.deepEqual(log.pageErrors, []);
    await context.close();
  });
}

test('files chosen through the drop zone become boxes and are checked', async () => {
  const { page, context } = await open();
  const nat = scenarios().find((s) => s.name === 'nat-gateway');
  await page.setInputFiles('#file-input', nat.files.map((f) => f.path));
  await page.waitForSelector('#report:not([hidden])');
  const names = await page.$$eval('.doc .doc-head input', (i) => i.map((x) => x.value));
  assert.deepEqual(names.sort(), nat.files.map((f) => f.name).sort());
  assert.equal(await page.$$eval('#matrix tbody tr', (r) => r.length), 4, 'every subnet of the VPC');
  // Ticking one subnet narrows the check to it.
  await page.check('#subnet-choices input[value="subnet-0ccc000000000003"]');
  await page.click('#check');
  await page.waitForFunction(() => document.querySelectorAll('#matrix tbody tr').length === 1);
  assert.match(await page.textContent('#status .verdict'), /^Ready/);
  await context.close();
});

test('prefix lists, Block Public Access and ip-ranges.json are taken like any other file', async () => {
  const { page, log, context } = await open();
  const nat = scenarios().find((s) => s.name === 'nat-gateway');
  const dir = new URL('../../../tests/data/documents/', import.meta.url);
  const extra = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => new URL(f, dir).pathname);
  assert.ok(extra.some((f) => f.endsWith('/ip-ranges.json')) && extra.length > 5);
  await page.setInputFiles('#file-input', [...nat.files.map((f) => f.path), ...extra]);
  await page.waitForSelector('#report:not([hidden])');
  assert.equal(await page.$$eval('.doc', (d) => d.length), nat.files.length + extra.length);
  assert.equal(await page.$$eval('.doc .doc-error', (e) => e.filter((x) => x.textContent).length), 0, 'no document refused');
  assert.equal(await page.$$eval('#matrix tbody tr', (r) => r.length), 4, 'every subnet of the VPC');
  assert.deepEqual(log.pageErrors, []);
  await context.close();
});

test('keyboard: examples, check and the matrix work without a mouse', async () => {
  const { page, context } = await open();
  await page.focus('#example-buttons button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#report:not([hidden])');
  await page.focus('#matrix button.cell[tabindex="0"]');
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await page.evaluate(() => [document.activeElement.dataset.row, document.activeElement.dataset.col]), ['0', '1']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  assert.equal(await page.$eval('.path.focused', (p) => p.id), 'path-1');
  assert.equal(await page.$$eval('#matrix button.cell[tabindex="0"]', (b) => b.length), 1, 'one tab stop for the matrix');
  await page.fill('#region', 'nowhere');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.getElementById('region-error').textContent !== '');
  assert.match(await page.textContent('#region-error'), /region/);
  await context.close();
});

/** An explain case of tests/data/explain: its documents, the validate flags, the probe report, what explain prints. */
function explainCase(name) {
  const dir = path.join(ROOT, 'tests', 'data', 'explain', name);
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('describe-')).sort()
    .map((f) => ({ name: f, text: read(f) }));
  return { dir, files, options: optionsFromArgs(argWords(path.join(dir, 'args'))), probe: read('probe.json'), expected: JSON.parse(read('expected.json')) };
}

/** Puts a case's documents and probe report into the page, ticks its flags, and waits for the overlay. */
async function loadCase(page, c) {
  await page.check(`input[name="profile"][value="${c.options.profile || 'runner'}"]`);
  await page.evaluate((docs) => window.netready.setDocuments(docs), [...c.files, { name: 'probe.json', text: c.probe }]);
  // Exactly the case's ticks (an example loaded before may have left others).
  const ticks = [...(c.options.subnets || []), ...(c.options.security_groups || [])];
  await page.$$eval('#subnet-choices input, #sg-choices input', (inputs, on) => {
    for (const i of inputs) i.checked = on.includes(i.value);
  }, ticks);
  assert.equal(await page.$$eval('#subnet-choices input:checked, #sg-choices input:checked', (i) => i.length), ticks.length);
  await page.evaluate(() => window.netready.check().explained);
  await page.waitForSelector('#matrix tr.probed button.cell.pv-agree, #matrix tr.probed button.cell.pv-differs');
}

test('a probe report beside the documents: its subnet\'s row shows predicted vs observed, a selected cell the causes', async () => {
  const { page, context, log } = await open();
  const c = explainCase('endpoint-changed');
  await loadCase(page, c);
  // The probe report is compared, not read as a VPC document.
  assert.match(await page.textContent('.doc:last-child .doc-info'), /probe report/);
  assert.match(await page.textContent('#probe-status'), /reality differs from the prediction/);
  const row = await page.$$eval('#matrix tr.probed button.cell', (b) => b.map((x) => ({
    verdict: (/pv-([a-z-]+)/.exec(x.className) || [])[1], aria: x.getAttribute('aria-label'),
  })));
  assert.equal(await page.$eval('#matrix tr.probed', (tr) => tr.dataset.subnet), c.expected.subnet_id);
  assert.deepEqual(row.map((x) => x.verdict), c.expected.endpoints.map((e) => e.verdict), 'each cell carries its verdict');
  assert.ok(row.every((x) => /probe: /.test(x.aria)), 'the verdict is in the accessible name too');
  // Selecting the cell that differs shows what the probe saw and the ranked causes.
  const col = c.expected.endpoints.findIndex((e) => e.verdict === 'differs');
  await page.click(`#matrix tr.probed button.cell[data-col="${col}"]`);
  const focused = page.locator('.path.focused .observed');
  assert.match(await focused.locator('.observed-title').textContent(), /differs from the prediction/);
  const codes = await focused.locator('.causes > li .cause-title code').allTextContents();
  assert.deepEqual(codes, c.expected.endpoints[col].causes.map((x) => x.code), 'the causes in core\'s order');
  assert.equal(codes[0], 'endpoint-changed');
  const cmds = await focused.locator('.causes > li:first-child pre').textContent();
  assert.equal(cmds, c.expected.endpoints[col].causes[0].confirm.join('\n'));
  assert.ok(/vpce-/.test(cmds), `the endpoint's id is filled in: ${cmds}`);
  // Removing the probe report removes the overlay.
  await page.click('.doc:last-child .doc-head button');
  await page.click('#check');
  await page.waitForFunction(() => !document.querySelector('#matrix tr.probed'));
  assert.ok(await page.isHidden('#probe-status'));
  assert.deepEqual(log.pageErrors, []);
  await context.close();
});

test('a probe report that cannot be compared says why, and the matrix stays', async () => {
  const { page, context } = await open();
  const c = explainCase('endpoint-changed');
  // No subnet ticked: four subnets, and the probe report names none.
  await page.evaluate((docs) => window.netready.setDocuments(docs), [...c.files, { name: 'probe.json', text: c.probe }]);
  await page.evaluate(() => window.netready.check().explained);
  await page.waitForFunction(() => /not compared/.test(document.getElementById('probe-status').textContent));
  assert.match(await page.textContent('#probe-status'), /4 subnets and the probe report does not say which it ran in/);
  assert.equal(await page.$$eval('#matrix tbody tr', (r) => r.length), 4);
  await context.close();
});

/** Whether any column header or cell of the matrix is cut off: outside the
 *  scroll box's visible width, or its content wider than itself. */
function clipped(page) {
  return page.evaluate(() => {
    const wrap = document.querySelector('.matrix-wrap');
    const box = wrap.getBoundingClientRect();
    const out = [];
    if (wrap.scrollWidth > wrap.clientWidth + 1) out.push(`the matrix scrolls sideways: ${wrap.scrollWidth} > ${wrap.clientWidth}`);
    const cells = [...document.querySelectorAll('#matrix thead th, #matrix tbody tr:not(.spacer) > *, #matrix button.cell')];
    for (const c of cells) {
      const r = c.getBoundingClientRect();
      const what = `${c.tagName.toLowerCase()} "${c.textContent.trim().slice(0, 30)}"`;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) out.push(`${what} lies outside the matrix (${Math.round(r.left)}–${Math.round(r.right)} of ${Math.round(box.left)}–${Math.round(box.right)})`);
      if (c.scrollWidth > c.clientWidth + 1) out.push(`${what} overflows itself (${c.scrollWidth} > ${c.clientWidth})`);
    }
    return out;
  });
}

for (const width of [1280, 1400]) {
  test(`no column of the matrix is clipped at ${width} px (examples, both profiles, with a probe overlay)`, async () => {
    const { page, context } = await open({ viewport: { width, height: 900 } });
    for (const title of await page.$$eval('#example-buttons button', (b) => b.map((x) => x.textContent))) {
      for (const profile of ['runner', 'private']) {
        await page.getByRole('button', { name: title }).click();
        await page.waitForSelector('#report:not([hidden])');
        await page.check(`input[name="profile"][value="${profile}"]`);
        await page.click('#check');
        await page.waitForFunction((p) => (p === 'private') === (document.querySelectorAll('#matrix thead th').length > 9), profile);
        assert.deepEqual(await clipped(page), [], `${title}, ${profile} profile, ${width} px`);
      }
    }
    await loadCase(page, explainCase('one-az-blocked'));
    assert.deepEqual(await clipped(page), [], `the probe overlay at ${width} px`);
    await context.close();
  });
}

test('1,000 subnets: only the rows in view are in the document; scrolling and the keyboard reach the last', async () => {
  const { page, context } = await open({ viewport: { width: 1280, height: 900 } });
  await page.evaluate((docs) => window.netready.setDocuments(docs), generate());
  await page.evaluate(() => window.netready.check());
  await page.waitForSelector('#matrix tbody tr[data-row="0"]');
  const rows = () => page.$$eval('#matrix tbody tr[data-row]', (r) => r.map((x) => +x.dataset.row));
  const first = await rows();
  assert.ok(first.length > 10 && first.length < 120, `${first.length} rows in the document`);
  // The scroll height is the whole matrix's, so the scrollbar is honest.
  const [sh, ch] = await page.$eval('.matrix-wrap', (w) => [w.scrollHeight, w.clientHeight]);
  assert.ok(sh > ch * 20, `scroll height ${sh} for 1,000 rows`);
  await page.$eval('.matrix-wrap', (w) => { w.scrollTop = w.scrollHeight; });
  await page.waitForSelector('#matrix tbody tr[data-row="999"]');
  assert.ok((await rows()).length < 120);
  // Keyboard: from the top, PageDown moves ten rows and the row is drawn.
  await page.$eval('.matrix-wrap', (w) => { w.scrollTop = 0; });
  await page.waitForSelector('#matrix tbody tr[data-row="0"]');
  await page.focus('#matrix button.cell[data-row="0"][data-col="0"]');
  for (let i = 0; i < 12; i += 1) await page.keyboard.press('PageDown');
  assert.deepEqual(await page.evaluate(() => [document.activeElement.dataset.row, document.activeElement.dataset.col]), ['120', '0']);
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#paths-h'), /Paths from subnet-/);
  assert.equal(await page.$$eval('#matrix tr.selected', (r) => r.length), 1);
  await context.close();
});

test('the collect panel gives the commands for a VPC id, and refuses anything else', async () => {
  const { page, context } = await open();
  await page.click('#collect summary');
  await page.fill('#collect-vpc', 'vpc-0123456789abcdef0');
  const cmds = await page.textContent('#collect-commands');
  for (const cmd of ['describe-vpcs', 'describe-subnets', 'describe-route-tables', 'describe-vpc-endpoints',
    'describe-security-groups', 'describe-network-acls', 'describe-nat-gateways', 'describe-internet-gateways',
    'enableDnsSupport', 'enableDnsHostnames', 'describe-dhcp-options', 'describe-managed-prefix-lists',
    'get-managed-prefix-list-entries', 'describe-vpc-block-public-access-options',
    'describe-vpc-block-public-access-exclusions', 'ip-ranges.json']) {
    assert.ok(cmds.includes(cmd), `collect mentions ${cmd}`);
  }
  assert.ok(cmds.includes('VPC=vpc-0123456789abcdef0'));
  // Every command names its region: AWS CLI v1 ignores AWS_REGION.
  const calls = cmds.split('aws ec2 ').slice(1);
  assert.ok(calls.length > 10);
  for (const c of calls) assert.match(c, /^[a-z-]+( --attribute \w+)? --region us-east-1 /, c);
  await page.fill('#collect-vpc', 'vpc-1; rm -rf ~');
  assert.match(await page.textContent('#collect-error'), /VPC ID/);
  assert.ok(!(await page.textContent('#collect-commands')).includes('rm -rf'));
  await context.close();
});

test('no network request beyond the page\'s own files (runs last)', async () => {
  const own = distFiles();
  const urls = opened.flatMap((l) => l.network);
  assert.ok(urls.length > 5, 'the CDP network log saw the page load');
  for (const u of urls) {
    const url = new URL(u);
    assert.equal(url.origin, server.origin, `request to another origin: ${u}`);
    assert.ok(own.has(url.pathname === '/' ? '/index.html' : url.pathname), `request for a file the page does not ship: ${u}`);
  }
  // The server's own count agrees: every request it received was for a file it serves.
  assert.ok(server.requests.length > 5);
  for (const r of server.requests) {
    assert.equal(r.method, 'GET');
    assert.ok(own.has(new URL(r.url, server.origin).pathname), `server saw ${r.url}`);
  }
  // A page script that tries to reach the network is stopped by the CSP.
  const { page, context } = await open();
  const outcome = await page.evaluate(async () => {
    try {
      await fetch('/index.html');
      return 'fetched';
    } catch (e) {
      return `blocked: ${e.name}`;
    }
  });
  assert.match(outcome, /^blocked/);
  await context.close();
});
