// The page in a real headless Chromium: examples, the matrix, the paths, the
// findings, errors next to the right box, pasted markup shown as text, the
// drop zone, keyboard use, and not one network request beyond the page's own
// files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launch, openPage, distFiles, scenarios } from './harness.mjs';

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
