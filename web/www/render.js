// Renders a netready.report/v1 (kind "validate") into the result panel.
// It reads the report; it decides nothing (every status, access type and
// finding comes from netready-core). All text goes in through el(), i.e. as
// text nodes.
import { el, clear } from './dom.js';

const $ = (id) => document.getElementById(id);

export const ACCESS = {
  vpc_endpoint: { short: 'endpoint', long: 'VPC interface endpoint (PrivateLink)' },
  gateway_endpoint: { short: 'gateway ep.', long: 'gateway endpoint (route to a prefix list)' },
  nat_gateway: { short: 'NAT', long: 'NAT gateway' },
  internet_gateway: { short: 'IGW', long: 'internet gateway (task public IP)' },
  transit: { short: 'transit', long: 'transit gateway, peering or VPN: not verifiable from here' },
  public: { short: 'public', long: 'public addresses, public IP unknown' },
  none: { short: 'no path', long: 'no path at all' },
};

const REACH = {
  true: { mark: '✓', word: 'reachable' },
  false: { mark: '✗', word: 'blocked' },
  null: { mark: '?', word: 'unknown' },
};

const NODE_KINDS = [
  ['subnet-', 'subnet'], ['rtb-', 'route table'], ['nat-', 'NAT gateway'], ['igw-', 'internet gateway'],
  ['eigw-', 'egress-only IGW'], ['vpce-', 'endpoint'], ['tgw-', 'transit gateway'], ['pcx-', 'peering'],
  ['vgw-', 'VPN gateway'], ['eni-', 'interface'], ['pl-', 'prefix list'], ['sg-', 'security group'],
  ['acl-', 'network ACL'], ['cagw-', 'carrier gateway'], ['lgw-', 'local gateway'], ['i-', 'instance'],
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

function accessKey(a) {
  return a && ACCESS[a] ? a : 'none';
}

function nodeKind(id) {
  const k = NODE_KINDS.find(([p]) => id.startsWith(p));
  return k ? k[1] : '';
}

export function renderIdle() {
  const status = $('status');
  status.className = 'status';
  clear(status);
  status.append(el('p', { class: 'muted' }, [
    'Paste or drop the ', el('code', {}, 'describe-*'), ' output of your VPC, or load an example.',
  ]));
  $('report').hidden = true;
}

export function renderError(summary) {
  const status = $('status');
  status.className = 'status degraded';
  clear(status);
  status.append(el('p', { class: 'verdict' }, summary));
  $('report').hidden = true;
}

/** Renders a report; `ms` is the validation time, `services` the catalog entries. */
export function renderReport(report, { ms, services }) {
  renderStatus(report, ms);
  renderMatrix(report, services);
  renderLegend();
  renderFindings(report);
  $('cost').textContent = report.cost ? report.cost.message : '';
  $('report').hidden = false;
  const first = report.subnets.find((s) => s.status === 'ready') || report.subnets[0];
  if (first) selectCell(first.subnet_id, -1, false);
  else clear($('path-list'));
}

function renderStatus(report, ms) {
  const status = $('status');
  status.className = `status ${report.status}`;
  clear(status);
  const ready = report.subnets.filter((s) => s.status === 'ready').map((s) => s.subnet_id);
  const verdict = { ready: 'Ready', degraded: 'Degraded', unknown: 'Unknown' }[report.status] || report.status;
  status.append(el('p', { class: 'verdict' }, [
    `${verdict}`, el('span', { class: 'muted' }, ` — ${report.region || 'region unknown'}, profile ${report.profile || 'runner'}`),
  ]));
  let line;
  if (!report.subnets.length) line = 'No subnet was evaluated.';
  else if (!ready.length) line = `None of the ${report.subnets.length} subnets can host the runner as configured.`;
  else {
    const shown = ready.slice(0, 8).join(', ') + (ready.length > 8 ? `, … (${ready.length - 8} more)` : '');
    line = `Can host the runner: ${ready.length} of ${report.subnets.length} subnet${report.subnets.length === 1 ? '' : 's'} — ${shown}`;
  }
  status.append(el('p', { class: 'hosts' }, line));
  status.append(el('p', { class: 'timing' }, `Checked in the browser in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms.`));
}

// ---------------------------------------------------------------- matrix

let current = null; // { report, columns }
let renderToken = 0;
const ROW_CHUNK = 150;

function columnsOf(report, services) {
  const first = report.subnets[0];
  if (!first) return [];
  return first.endpoints.map((e, i) => {
    const cat = services.find((s) => s.service === e.service && s.host === e.host)
      || services.filter((s) => s.service === e.service)[0];
    return { index: i, service: e.service, host: e.host, name: cat ? cat.name : e.service };
  });
}

function renderMatrix(report, services) {
  const table = $('matrix');
  const columns = columnsOf(report, services);
  current = { report, columns };
  const thead = table.tHead;
  const tbody = table.tBodies[0];
  clear(thead);
  clear(tbody);
  const hr = el('tr', {}, [el('th', { scope: 'col' }, 'Subnet')]);
  for (const c of columns) {
    hr.append(el('th', { scope: 'col', title: `${c.name}: ${c.host}` }, [c.service, el('span', { class: 'host' }, c.host)]));
  }
  thead.append(hr);
  // Rows are built from one prototype cell (cloneNode is much cheaper than
  // building each button), and a large VPC is rendered in chunks between
  // which the browser can paint and handle input, so the page never freezes.
  const proto = el('button', { type: 'button' }, [el('span', { class: 'label' }), el('span', { class: 'mark', 'aria-hidden': 'true' })]);
  const token = ++renderToken;
  const renderRows = (start) => {
    if (token !== renderToken) return; // a newer report replaced this one
    const frag = document.createDocumentFragment();
    const end = Math.min(report.subnets.length, start + ROW_CHUNK);
    for (let row = start; row < end; row += 1) {
      const s = report.subnets[row];
      const tr = el('tr', { 'data-subnet': s.subnet_id });
      tr.append(el('th', { scope: 'row' }, [
        s.subnet_id,
        s.availability_zone ? el('span', { class: 'az' }, s.availability_zone) : null,
        el('span', { class: `badge ${s.status}` }, s.status),
      ]));
      s.endpoints.forEach((e, col) => {
        const a = accessKey(e.access_type);
        const r = REACH[String(e.reachable)] || REACH.null;
        const label = `${s.subnet_id} to ${e.host}: ${ACCESS[a].long}, ${r.word}${e.failure ? ` (${e.failure})` : ''}`;
        const b = proto.cloneNode(true);
        b.className = `cell at-${a} r-${String(e.reachable)}`;
        b.dataset.row = row;
        b.dataset.col = col;
        b.setAttribute('aria-label', label);
        b.title = label;
        b.tabIndex = row === 0 && col === 0 ? 0 : -1;
        b.firstChild.textContent = ACCESS[a].short;
        b.lastChild.textContent = r.mark;
        const td = document.createElement('td');
        td.append(b);
        tr.append(td);
      });
      frag.append(tr);
    }
    tbody.append(frag);
    if (end < report.subnets.length) setTimeout(() => renderRows(end), 0);
  };
  renderRows(0);
  tbody.onclick = (ev) => {
    const b = ev.target.closest('button.cell');
    if (b) selectCell(current.report.subnets[+b.dataset.row].subnet_id, +b.dataset.col, true);
  };
  tbody.onkeydown = onGridKey;
}

/** Arrow keys move between cells (one tab stop for the whole matrix). */
function onGridKey(ev) {
  const b = ev.target.closest('button.cell');
  if (!b) return;
  let row = +b.dataset.row;
  let col = +b.dataset.col;
  const rows = current.report.subnets.length;
  const cols = current.columns.length;
  switch (ev.key) {
    case 'ArrowRight': col = Math.min(cols - 1, col + 1); break;
    case 'ArrowLeft': col = Math.max(0, col - 1); break;
    case 'ArrowDown': row = Math.min(rows - 1, row + 1); break;
    case 'ArrowUp': row = Math.max(0, row - 1); break;
    case 'Home': col = 0; break;
    case 'End': col = cols - 1; break;
    case 'PageDown': row = Math.min(rows - 1, row + 10); break;
    case 'PageUp': row = Math.max(0, row - 10); break;
    default: return;
  }
  ev.preventDefault();
  const next = $('matrix').querySelector(`button.cell[data-row="${row}"][data-col="${col}"]`);
  if (next) {
    b.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

function selectCell(subnetId, col, scroll) {
  const { report, columns } = current;
  const row = report.subnets.findIndex((s) => s.subnet_id === subnetId);
  if (row < 0) return;
  const subnet = report.subnets[row];
  for (const tr of $('matrix').querySelectorAll('tr.selected')) tr.classList.remove('selected');
  for (const c of $('matrix').querySelectorAll('button.cell.selected')) c.classList.remove('selected');
  $('matrix').tBodies[0].rows[row]?.classList.add('selected');
  if (col >= 0) {
    const cell = $('matrix').querySelector(`button.cell[data-row="${row}"][data-col="${col}"]`);
    if (cell) {
      cell.classList.add('selected');
      for (const c of $('matrix').querySelectorAll('button.cell[tabindex="0"]')) c.tabIndex = -1;
      cell.tabIndex = 0;
    }
  }
  renderPaths(subnet, columns, col, scroll);
}

// ---------------------------------------------------------------- paths

function renderPaths(subnet, columns, focusCol, scroll) {
  const list = $('path-list');
  clear(list);
  $('paths-h').textContent = `Paths from ${subnet.subnet_id}`;
  subnet.endpoints.forEach((e, col) => {
    const a = accessKey(e.access_type);
    const r = REACH[String(e.reachable)] || REACH.null;
    const box = el('div', { class: `path${col === focusCol ? ' focused' : ''}`, id: `path-${col}` });
    box.append(el('div', { class: 'path-title' }, [
      el('span', { class: 'svc' }, columns[col] ? columns[col].name : e.service),
      el('span', { class: `cell at-${a} r-${String(e.reachable)}` }, [el('span', { class: 'label' }, ACCESS[a].long), el('span', { class: 'mark' }, ` ${r.mark} ${r.word}`)]),
      e.failure ? el('code', {}, e.failure) : null,
      e.policy ? el('span', { class: `policy policy-${e.policy}` }, `endpoint policy ${e.policy}`) : null,
    ]));
    box.append(diagram(e));
    if (e.findings.length) {
      const ul = el('ul', { class: 'path-findings' });
      for (const f of e.findings) ul.append(el('li', {}, [el('code', {}, f.code), ` ${f.message}`]));
      box.append(ul);
    }
    list.append(box);
  });
  if (scroll && focusCol >= 0) {
    const target = $(`path-${focusCol}`);
    target.scrollIntoView({ block: 'nearest' });
  }
}

/** subnet → route table → NAT / IGW / endpoint → host, as boxes and arrows. */
function diagram(e) {
  const ol = el('ol', { class: 'diagram', 'aria-label': `Path to ${e.host}` });
  for (const id of e.path) {
    const kind = nodeKind(id);
    ol.append(el('li', {}, el('span', { class: 'node' }, [kind ? el('span', { class: 'kind' }, kind) : null, id])));
  }
  const last = el('li', { class: e.reachable === false || !e.access_type ? 'broken' : '' },
    el('span', { class: 'node target' }, [el('span', { class: 'kind' }, 'host'), e.host]));
  ol.append(last);
  return ol;
}

// ---------------------------------------------------------------- findings

function renderFindings(report) {
  const list = $('findings');
  clear(list);
  // Path findings repeat for every subnet that shares the cause: show each
  // once, with where it applies.
  const merged = new Map();
  const add = (f, where) => {
    const key = JSON.stringify([f.code, f.severity, f.resource, f.message, f.fix]);
    if (!merged.has(key)) merged.set(key, { f, where: [] });
    if (where) merged.get(key).where.push(where);
  };
  for (const f of report.findings) add(f, null);
  for (const s of report.subnets) {
    for (const e of s.endpoints) for (const f of e.findings) add(f, `${s.subnet_id} → ${e.service}`);
  }
  const items = [...merged.values()].sort((a, b) => (SEVERITY_ORDER[a.f.severity] ?? 3) - (SEVERITY_ORDER[b.f.severity] ?? 3));
  if (!items.length) {
    list.append(el('li', { class: 'muted' }, 'No findings.'));
    return;
  }
  items.forEach(({ f, where }, i) => {
    const li = el('li', { class: `finding sev-${f.severity}` });
    li.append(el('div', { class: 'head' }, [
      el('span', { class: 'sev' }, f.severity),
      el('span', { class: 'code' }, f.code),
      f.resource ? el('span', { class: 'resource' }, f.resource) : null,
    ]));
    li.append(el('p', { class: 'message' }, f.message));
    if (where.length) {
      const shown = where.slice(0, 6).join(', ') + (where.length > 6 ? `, and ${where.length - 6} more` : '');
      li.append(el('p', { class: 'where' }, `On: ${shown}`));
    }
    if (f.fix) {
      const pre = el('pre', { id: `fix-${i}`, tabindex: '0', 'aria-label': `Fix for ${f.code}` }, f.fix);
      li.append(el('div', { class: 'fix' }, [pre, el('button', { type: 'button', class: 'copy', 'data-copy-from': `fix-${i}`, 'aria-label': `Copy the fix for ${f.code}` }, 'Copy')]));
    }
    // The other ways the report offers, with what each costs.
    const others = (f.remedies || []).filter((r) => r.choice !== 'recommended');
    if (others.length) {
      const rec = f.remedies.find((r) => r.choice === 'recommended');
      const ul = el('ul', { class: 'alternatives' });
      if (rec) ul.append(el('li', {}, `Recommended: ${rec.summary} (about $${rec.monthly_usd.toFixed(2)} a month)`));
      for (const r of others) ul.append(el('li', {}, [`Or: ${r.summary} (about $${r.monthly_usd.toFixed(2)} a month)`, el('pre', {}, r.steps.join('\n'))]));
      li.append(ul);
    }
    list.append(li);
  });
}

function renderLegend() {
  const legend = $('legend');
  if (legend.children.length) return;
  for (const [k, v] of Object.entries(ACCESS)) {
    legend.append(el('li', { class: `at-${k}` }, `${v.short}: ${v.long}`));
  }
  legend.append(el('li', {}, '✓ reachable · ✗ blocked (struck through) · ? unknown'));
}

/** Shows the what-if report (the recommended fixes applied to the model), or hides it. */
export function renderAfterFixes(after) {
  const section = $('after-fixes');
  const rounds = after ? after.applied_fixes || [] : [];
  if (!rounds.length) {
    section.hidden = true;
    return;
  }
  const verdict = { ready: 'Ready', degraded: 'Still degraded', unknown: 'Unknown' }[after.status] || after.status;
  $('after-fixes-verdict').className = `verdict ${after.status}`;
  $('after-fixes-verdict').textContent = `${verdict} after ${rounds.length} round${rounds.length === 1 ? '' : 's'} of fixes`;
  $('after-fixes-steps').textContent = rounds
    .map((r, i) => `# round ${i + 1} (status before: ${r.status_before})\n${r.steps.join('\n')}`)
    .join('\n\n');
  const manual = $('after-fixes-manual');
  clear(manual);
  for (const r of rounds) for (const m of r.manual || []) manual.append(el('li', {}, `By hand: ${m}`));
  section.hidden = false;
}
