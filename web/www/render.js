// Renders a netready.report/v1 (kind "validate") into the result panel.
// It reads the report; it decides nothing (every status, access type and
// finding comes from netready-core). All text goes in through el(), i.e. as
// text nodes.
import { el, clear } from './dom.js';

const $ = (id) => document.getElementById(id);

export const ACCESS = {
  vpc_endpoint: { short: 'endpoint', tiny: 'EP', long: 'VPC interface endpoint (PrivateLink)' },
  gateway_endpoint: { short: 'gateway ep.', tiny: 'GW', long: 'gateway endpoint (route to a prefix list)' },
  nat_gateway: { short: 'NAT', tiny: 'NAT', long: 'NAT gateway' },
  internet_gateway: { short: 'IGW', tiny: 'IGW', long: 'internet gateway (task public IP)' },
  transit: { short: 'transit', tiny: 'TR', long: 'transit gateway, peering or VPN: not verifiable from here' },
  public: { short: 'public', tiny: 'PUB', long: 'public addresses, public IP unknown' },
  none: { short: 'no path', tiny: '—', long: 'no path at all' },
};

export const REACH = {
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

export function accessKey(a) {
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

/**
 * Renders a report; `ms` is the validation time, `services` the catalog
 * entries; with a probe report, `explanation` is the comparison
 * (`netready explain`'s document) or `explainError` why there is none.
 */
export function renderReport(report, { ms, services, explanation = null, explainError = null, probeName = '', view = null }) {
  renderStatus(report, ms);
  explanationView = view;
  const probe = $('probe-status');
  if (view) view.renderProbe(probe, explanation, explainError, probeName);
  else {
    // The explain module did not load: its view did not either.
    probe.hidden = !explainError;
    probe.textContent = explainError || '';
  }
  // Shown before the matrix is drawn: virtual rows measure their height.
  $('report').hidden = false;
  renderMatrix(report, services, explanation);
  renderLegend();
  renderFindings(report);
  $('cost').textContent = report.cost ? report.cost.message : '';
  const probed = explanation && report.subnets.find((s) => s.subnet_id === explanation.subnet_id);
  const first = probed || report.subnets.find((s) => s.status === 'ready') || report.subnets[0];
  if (first) selectCell(first.subnet_id, -1, false);
  else clear($('path-list'));
}

/** The explain module's view (explain-view.js), once a probe report was
 *  compared: it draws the probe line and what a selected cell saw. */
let explanationView = null;

export const VERDICT = {
  agree: { mark: '=', word: 'as predicted' },
  differs: { mark: '≠', word: 'differs from the prediction' },
  'not-comparable': { mark: '·', word: 'not comparable' },
};

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

let current = null; // { report, columns, explanation, probedRow }
let renderToken = 0;
/** Up to this many subnets every row is in the document; above, only the
 *  rows in view (and a margin) are, so a 1,000-subnet VPC costs what 60
 *  rows cost, whatever is scrolled to. */
const ALL_ROWS_UP_TO = 200;
const MARGIN_ROWS = 20;
const INITIAL_ROWS = 40;
const ROW_H_GUESS = 44;
/** Above this many endpoints the result takes the page's whole width and
 *  the cells are compact, so that no column is cut off. */
const WIDE_COLUMNS = 8;

function columnsOf(report, services) {
  const first = report.subnets[0];
  if (!first) return [];
  return first.endpoints.map((e, i) => {
    const cat = services.find((s) => s.service === e.service && s.host === e.host)
      || services.filter((s) => s.service === e.service)[0];
    return { index: i, service: e.service, host: e.host, name: cat ? cat.name : e.service };
  });
}

function renderMatrix(report, services, explanation) {
  const table = $('matrix');
  const columns = columnsOf(report, services);
  const wide = columns.length > WIDE_COLUMNS;
  document.querySelector('main').classList.toggle('wide', wide);
  table.classList.toggle('compact', wide);
  const probedRow = explanation ? report.subnets.findIndex((s) => s.subnet_id === explanation.subnet_id) : -1;
  current = { report, columns, explanation: probedRow >= 0 ? explanation : null, probedRow, wide, rowH: 0, window: [0, 0] };
  const thead = table.tHead;
  const tbody = table.tBodies[0];
  clear(thead);
  clear(tbody);
  const hr = el('tr', {}, [el('th', { scope: 'col', class: 'row-head' }, 'Subnet')]);
  for (const c of columns) {
    hr.append(el('th', { scope: 'col', title: `${c.name}: ${c.host}` }, [el('span', { class: 'name' }, c.name), el('span', { class: 'svc' }, c.service)]));
  }
  thead.append(hr);
  const token = ++renderToken;
  const wrap = table.parentElement;
  const n = report.subnets.length;
  if (n <= ALL_ROWS_UP_TO) {
    tbody.append(rowsFragment(0, n));
    current.window = [0, n];
    wrap.onscroll = null;
  } else {
    // Virtual rows: two spacer rows keep the scroll height; the rows in
    // view are rebuilt on scroll (one animation frame at a time). Nothing
    // here reads layout: that would force the whole page's layout at once
    // (seconds, with megabytes of pasted JSON in the boxes). The first rows
    // go in with a guessed height; after the first paint, when layout is
    // clean, the real height is measured and the window redrawn.
    const first = Math.min(n, INITIAL_ROWS);
    current.rowH = ROW_H_GUESS;
    tbody.append(rowsFragment(0, first), spacer((n - first) * ROW_H_GUESS, columns.length));
    current.window = [0, first];
    requestAnimationFrame(() => setTimeout(() => {
      if (token !== renderToken) return;
      wrap.scrollTop = 0;
      current.rowH = tbody.querySelector('tr[data-row]')?.getBoundingClientRect().height || ROW_H_GUESS;
      renderWindow(true);
    }, 0));
    let pending = false;
    wrap.onscroll = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; if (token === renderToken) renderWindow(false); });
    };
  }
  tbody.onclick = (ev) => {
    const b = ev.target.closest('button.cell');
    if (b) selectCell(current.report.subnets[+b.dataset.row].subnet_id, +b.dataset.col, true);
  };
  tbody.onkeydown = onGridKey;
}

/** Rows [start, end) of the current report. */
function rowsFragment(start, end) {
  const { report, explanation, probedRow, wide } = current;
  // Rows are built from one prototype cell (cloneNode is much cheaper than
  // building each button).
  const proto = el('button', { type: 'button' }, [el('span', { class: 'label' }), el('span', { class: 'mark', 'aria-hidden': 'true' })]);
  const frag = document.createDocumentFragment();
  for (let row = start; row < end; row += 1) {
    const s = report.subnets[row];
    const tr = el('tr', { 'data-subnet': s.subnet_id, 'data-row': row });
    if (row === probedRow) tr.classList.add('probed');
    tr.append(el('th', { scope: 'row' }, [
      el('span', { class: 'sid' }, s.subnet_id),
      s.availability_zone ? el('span', { class: 'az' }, s.availability_zone) : null,
      el('span', { class: `badge ${s.status}` }, s.status),
    ]));
    s.endpoints.forEach((e, col) => {
      const a = accessKey(e.access_type);
      const r = REACH[String(e.reachable)] || REACH.null;
      let label = `${s.subnet_id} to ${e.host}: ${ACCESS[a].long}, ${r.word}${e.failure ? ` (${e.failure})` : ''}`;
      const b = proto.cloneNode(true);
      b.className = `cell at-${a} r-${String(e.reachable)}`;
      b.dataset.row = row;
      b.dataset.col = col;
      b.tabIndex = row === 0 && col === 0 ? 0 : -1;
      b.firstChild.textContent = wide ? ACCESS[a].tiny : ACCESS[a].short;
      b.lastChild.textContent = r.mark;
      const seen = row === probedRow ? explanation.endpoints[col] : null;
      if (seen) {
        const v = VERDICT[seen.verdict] || VERDICT['not-comparable'];
        b.classList.add(`pv-${seen.verdict}`);
        b.append(el('span', { class: 'pv', 'aria-hidden': 'true' }, v.mark));
        label += `; probe: ${v.word}`;
        if (seen.observed) label += ` (observed ${ACCESS[accessKey(seen.observed.access_type)].long}, ${(REACH[String(seen.observed.reachable)] || REACH.null).word})`;
      }
      b.setAttribute('aria-label', label);
      b.title = label;
      const td = document.createElement('td');
      td.append(b);
      tr.append(td);
    });
    frag.append(tr);
  }
  return frag;
}

function spacer(height, cols) {
  const tr = el('tr', { class: 'spacer', 'aria-hidden': 'true' }, el('td', { colspan: String(cols + 1) }));
  tr.style.height = `${height}px`;
  return tr;
}

/** Renders the rows in view (virtual mode). `first`: redraw even when the
 *  window is the same (the row height was just measured). */
function renderWindow(first) {
  const { report, columns } = current;
  const wrap = $('matrix').parentElement;
  const tbody = $('matrix').tBodies[0];
  const n = report.subnets.length;
  const rowH = current.rowH;
  const headH = $('matrix').tHead.getBoundingClientRect().height;
  const top = Math.max(0, wrap.scrollTop - headH);
  const focused = document.activeElement?.closest?.('button.cell');
  const keep = focused ? [+focused.dataset.row, +focused.dataset.col] : null;
  let start = Math.max(0, Math.floor(top / rowH) - MARGIN_ROWS);
  let end = Math.min(n, Math.ceil((top + wrap.clientHeight) / rowH) + MARGIN_ROWS);
  // The focused cell stays in the document (keyboard focus is never lost).
  if (keep) {
    start = Math.min(start, keep[0]);
    end = Math.max(end, keep[0] + 1);
  }
  if (!first && start === current.window[0] && end === current.window[1]) return;
  clear(tbody);
  tbody.append(spacer(start * rowH, columns.length), rowsFragment(start, end), spacer((n - end) * rowH, columns.length));
  current.window = [start, end];
  markSelected();
  if (keep) cellAt(keep[0], keep[1])?.focus({ preventScroll: true });
}

function cellAt(row, col) {
  return $('matrix').querySelector(`button.cell[data-row="${row}"][data-col="${col}"]`);
}

/** Makes sure `row` is in the document (virtual mode scrolls to it). */
function ensureRow(row) {
  const [start, end] = current.window;
  if (row >= start && row < end) return;
  const wrap = $('matrix').parentElement;
  wrap.scrollTop = Math.max(0, row * current.rowH - wrap.clientHeight / 2);
  renderWindow(false);
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
  ensureRow(row);
  const next = cellAt(row, col);
  if (next) {
    for (const c of $('matrix').querySelectorAll('button.cell[tabindex="0"]')) c.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

let selected = { row: -1, col: -1 };

/** Marks the selected row and cell among the rows in the document. */
function markSelected() {
  for (const tr of $('matrix').querySelectorAll('tr.selected')) tr.classList.remove('selected');
  for (const c of $('matrix').querySelectorAll('button.cell.selected')) c.classList.remove('selected');
  $('matrix').querySelector(`tbody tr[data-row="${selected.row}"]`)?.classList.add('selected');
  if (selected.col >= 0) cellAt(selected.row, selected.col)?.classList.add('selected');
}

function selectCell(subnetId, col, scroll) {
  const { report, columns } = current;
  const row = report.subnets.findIndex((s) => s.subnet_id === subnetId);
  if (row < 0) return;
  selected = { row, col };
  markSelected();
  const cell = col >= 0 ? cellAt(row, col) : null;
  if (cell) {
    for (const c of $('matrix').querySelectorAll('button.cell[tabindex="0"]')) c.tabIndex = -1;
    cell.tabIndex = 0;
  }
  renderPaths(report.subnets[row], columns, col, scroll, row === current.probedRow ? current.explanation : null);
}

// ---------------------------------------------------------------- paths

function renderPaths(subnet, columns, focusCol, scroll, explanation) {
  const list = $('path-list');
  clear(list);
  $('paths-h').textContent = `Paths from ${subnet.subnet_id}${explanation ? ', predicted and observed' : ''}`;
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
    const seen = explanation ? explanation.endpoints[col] : null;
    if (seen && explanationView) box.append(explanationView.observedBlock(seen, col));
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
    legend.append(el('li', { class: `at-${k}` }, `${v.short} (${v.tiny}): ${v.long}`));
  }
  legend.append(el('li', {}, '✓ reachable · ✗ blocked (struck through) · ? unknown'));
  legend.append(el('li', {}, 'with a probe report: = as predicted · ≠ differs · · not comparable'));
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
