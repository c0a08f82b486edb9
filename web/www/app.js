// netready page: input handling. Everything that is a rule lives in the
// WebAssembly module (netready-core); this file only moves text in and
// renders what comes out. User-supplied strings only ever reach the DOM
// through textContent / value / attributes set with setAttribute: never
// innerHTML, never as markup.
import { initSync, validate, whatIf, catalog, decodeFile } from './pkg/netready_web.js';
import { wasmBytes } from './pkg/netready_web_wasm.js';
import { EXAMPLES } from './examples/index.js';
import { el, clear, copyText, toast } from './dom.js';
import { renderReport, renderIdle, renderError, renderAfterFixes } from './render.js';
import { collectCommands } from './collect.js';

initSync({ module: wasmBytes() });

const $ = (id) => document.getElementById(id);
const docsBox = $('docs');
let docSeq = 0;
let lastReport = null;
// A dropped file's raw bytes, per box, until its text is edited: validate()
// decodes them itself (core's rule, as netready validate reads a file).
const fileBytes = new WeakMap();

// ---------------------------------------------------------------- documents

/** Adds a paste box; returns its elements. */
function addDoc(name = '', text = '') {
  docSeq += 1;
  const id = `doc-${docSeq}`;
  const nameInput = el('input', {
    type: 'text', id: `${id}-name`, value: name || `document ${docSeq}`, spellcheck: 'false',
    'aria-label': 'Document name',
  });
  const textarea = el('textarea', {
    id: `${id}-text`, spellcheck: 'false', autocomplete: 'off',
    placeholder: 'Paste the output of an aws ec2 describe-* command, or of terraform show -json PLANFILE (JSON)',
    'aria-describedby': `${id}-info ${id}-error`,
  });
  textarea.value = text;
  const info = el('p', { class: 'doc-info', id: `${id}-info` });
  const error = el('p', { class: 'doc-error', id: `${id}-error`, role: 'alert' });
  const remove = el('button', { type: 'button', class: 'quiet', 'aria-label': 'Remove this document' }, '✕ remove');
  const box = el('div', { class: 'doc', id }, [el('div', { class: 'doc-head' }, [nameInput, remove]), textarea, info, error]);
  const labelText = () => textarea.setAttribute('aria-label', `JSON of ${nameInput.value}`);
  labelText();
  nameInput.addEventListener('input', labelText);
  docsBox.append(box);
  docsBox.classList.toggle('many', docsBox.children.length > 3);
  // Looking into a large paste (JSON.parse) on every keystroke would make
  // typing lag: the box's info line and the choices wait for a pause too.
  let infoTimer = 0;
  const changed = () => {
    fileBytes.delete(box);
    clearTimeout(infoTimer);
    infoTimer = setTimeout(() => { describeDoc(box); refreshChoices(); }, 200);
    scheduleCheck();
  };
  textarea.addEventListener('input', changed);
  nameInput.addEventListener('input', scheduleCheck);
  remove.addEventListener('click', () => {
    const next = box.nextElementSibling || box.previousElementSibling;
    box.remove();
    docsBox.classList.toggle('many', docsBox.children.length > 3);
    if (!docsBox.children.length) addDoc();
    (next?.querySelector('textarea') || $('add-doc')).focus();
    refreshChoices();
    scheduleCheck();
  });
  describeDoc(box);
  return { box, textarea, nameInput };
}

function docEntries() {
  return [...docsBox.querySelectorAll('.doc')].map((box) => ({
    box,
    name: box.querySelector('.doc-head input').value.trim() || box.id,
    text: box.querySelector('textarea').value,
    bytes: fileBytes.get(box),
  }));
}

/** A quick look at what a box holds, for the info line and the choices. */
function peek(text) {
  if (!text.trim()) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** A netready probe report (`netready probe --format json`), which the
 *  page compares with the prediction instead of reading it as a VPC
 *  document. */
function isProbeReport(v) {
  return Boolean(v && v.schema === 'netready.report/v1' && v.kind === 'probe');
}

function describeDoc(box) {
  const info = box.querySelector('.doc-info');
  const text = box.querySelector('textarea').value;
  const v = peek(text);
  if (!text.trim()) info.textContent = fileBytes.has(box) ? `${fileBytes.get(box).length.toLocaleString()} bytes, not readable as text` : 'empty';
  else if (isProbeReport(v)) {
    const ctx = v.context || {};
    const where = [ctx.subnet_id?.value, ctx.availability_zone?.value, v.region].filter(Boolean).join(' · ');
    info.textContent = `probe report (${where || 'no subnet named'}): compared with the prediction`;
  }
  else if (!v) info.textContent = `${text.length.toLocaleString()} characters`;
  else {
    const parts = Object.entries(v).map(([k, val]) => (Array.isArray(val) ? `${k} × ${val.length}` : k));
    info.textContent = parts.join(' · ') || 'an empty object';
  }
}

function setDocs(list) {
  clear(docsBox);
  for (const d of list) addDoc(d.name, d.text);
  if (!list.length) addDoc();
  refreshChoices();
}

async function addFiles(files) {
  // The raw bytes, not File.text(): that would read everything as UTF-8,
  // and PowerShell's `>` writes UTF-16. The module decodes them (core's
  // rule) for the box, and again in validate().
  const read = await Promise.all([...files].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  // Fill empty boxes first, so dropping onto a fresh page leaves no blank box.
  for (const d of read) {
    let text = '';
    try {
      text = decodeFile(d.name, d.bytes);
    } catch {
      // validate() throws the same error, shown next to this box.
    }
    const empty = docEntries().find((e) => !e.text.trim() && !e.bytes);
    let box;
    if (empty) {
      box = empty.box;
      box.querySelector('.doc-head input').value = d.name;
      box.querySelector('textarea').value = text;
      describeDoc(box);
    } else {
      ({ box } = addDoc(d.name, text));
    }
    fileBytes.set(box, d.bytes);
  }
  refreshChoices();
  check();
}

// ---------------------------------------------------------------- choices

function tagName(tags) {
  if (!Array.isArray(tags)) return '';
  const t = tags.find((x) => x && x.Key === 'Name');
  return t && typeof t.Value === 'string' ? t.Value : '';
}

/** Re-lists the subnets and security groups found in the pasted documents,
 *  keeping what was ticked. */
function refreshChoices() {
  const subnets = new Map();
  const groups = new Map();
  for (const { text } of docEntries()) {
    const v = peek(text);
    if (!v) continue;
    for (const s of Array.isArray(v.Subnets) ? v.Subnets : []) {
      if (s && typeof s.SubnetId === 'string' && !subnets.has(s.SubnetId)) {
        subnets.set(s.SubnetId, [tagName(s.Tags), s.AvailabilityZone, s.CidrBlock].filter((x) => typeof x === 'string' && x).join(' · '));
      }
    }
    for (const g of Array.isArray(v.SecurityGroups) ? v.SecurityGroups : []) {
      if (g && typeof g.GroupId === 'string' && !groups.has(g.GroupId)) {
        groups.set(g.GroupId, [g.GroupName, tagName(g.Tags)].filter((x) => typeof x === 'string' && x).join(' · '));
      }
    }
  }
  fillChoices($('subnet-choices'), 'subnet', subnets);
  fillChoices($('sg-choices'), 'sg', groups);
}

function fillChoices(container, prefix, items) {
  const ticked = new Set(checkedValues(container));
  clear(container);
  let i = 0;
  for (const [id, detail] of items) {
    i += 1;
    const input = el('input', { type: 'checkbox', value: id, id: `${prefix}-choice-${i}` });
    input.checked = ticked.has(id);
    input.addEventListener('change', scheduleCheck);
    const label = el('label', { for: input.id }, [input, el('span', { class: 'mono' }, id)]);
    if (detail) label.append(el('span', { class: 'muted' }, detail));
    container.append(label);
  }
}

function checkedValues(container) {
  return [...container.querySelectorAll('input:checked')].map((i) => i.value);
}

function radio(name) {
  return document.querySelector(`input[name="${name}"]:checked`).value;
}

// ---------------------------------------------------------------- checking

let checkToken = 0;
let explainModule = null;

/** The explain module (pkg/netready_explain.js), loaded once, on demand. */
async function loadExplain() {
  if (!explainModule) {
    const [m, w, view] = await Promise.all([import('./pkg/netready_explain.js'), import('./pkg/netready_explain_wasm.js'), import('./explain-view.js')]);
    m.initSync({ module: w.wasmBytes() });
    explainModule = { explain: m.explain, view };
  }
  return explainModule;
}

/** netready explain of the page's validate report and a probe report:
 *  `{explanation, error}`. */
async function explainWith(report, probe, subnet) {
  return (await loadExplain()).explain(report, probe, subnet);
}

let timer = 0;
function scheduleCheck() {
  if (!$('auto-check').checked) return;
  clearTimeout(timer);
  timer = setTimeout(check, 250);
}

function clearErrors() {
  for (const box of docsBox.querySelectorAll('.doc')) {
    box.classList.remove('has-error');
    box.querySelector('.doc-error').textContent = '';
  }
  $('region-error').textContent = '';
  $('global-error').hidden = true;
  $('global-error').textContent = '';
}

/** Shows an error from the module next to what it is about. */
function placeError(err, entries) {
  const message = err && err.message ? err.message : String(err);
  if (err && typeof err.document === 'string') {
    const entry = entries.find((e) => e.name === err.document);
    if (entry) {
      entry.box.classList.add('has-error');
      entry.box.querySelector('.doc-error').textContent = message;
      renderError('The input has an error: see the marked document.');
      return;
    }
  }
  if (err && err.field === 'region') {
    $('region-error').textContent = message;
    renderError('The region is not valid: see the region field.');
    return;
  }
  $('global-error').textContent = message;
  $('global-error').hidden = false;
  renderError('No result: the input has an error.');
}

export function check() {
  clearTimeout(timer);
  clearErrors();
  const all = docEntries().filter((e) => e.bytes || e.text.trim());
  // A probe report is compared with the prediction, not validated.
  const probes = [];
  const entries = [];
  for (const e of all) {
    const v = e.text.includes('netready.report/v1') ? peek(e.text) : null;
    if (isProbeReport(v)) probes.push({ ...e, value: v });
    else entries.push(e);
  }
  if (!entries.length) {
    lastReport = null;
    renderIdle();
    return null;
  }
  // Duplicate names would make an error impossible to place.
  const seen = new Map();
  for (const e of entries) {
    const n = (seen.get(e.name) || 0) + 1;
    seen.set(e.name, n);
    if (n > 1) e.name = `${e.name} (${n})`;
  }
  const region = $('region').value.trim();
  const profile = radio('profile');
  const options = {
    profile,
    subnets: checkedValues($('subnet-choices')),
    security_groups: checkedValues($('sg-choices')),
    assign_public_ip: radio('public-ip') === 'true',
    fix_format: radio('fix-format'),
  };
  if (region) {
    // The catalog export checks the region with core's own rule, and says
    // so with field = "region", so the message lands under the region box.
    try {
      catalog(region, profile);
    } catch (err) {
      placeError(err, entries);
      lastReport = null;
      return null;
    }
    options.region = region;
  }
  // A dropped file goes in as its raw bytes (core decodes them), a paste as text.
  const docs = entries.map(({ name, text, bytes }) => (bytes ? { name, bytes } : { name, text }));
  let report;
  const t0 = performance.now();
  try {
    report = validate(docs, options);
  } catch (err) {
    placeError(err, entries);
    lastReport = null;
    return null;
  }
  const ms = performance.now() - t0;
  let services = [];
  try {
    services = catalog(report.region, profile).services;
  } catch {
    // The report names every endpoint itself; the catalog only adds names.
  }
  lastReport = report;
  const token = ++checkToken;
  renderReport(report, { ms, services, docCount: entries.length });
  let after = null;
  if (report.status !== 'ready') {
    try {
      after = whatIf(docs, options);
    } catch {
      // The report above stands; the what-if is extra.
    }
  }
  renderAfterFixes(after);
  updateCollect();
  const result = { report, ms, explained: null };
  if (probes.length) {
    // The comparison's code is in a module of its own, loaded the first
    // time a probe report is dropped: the matrix shows first, the
    // predicted-vs-observed overlay a moment later.
    result.explained = explainWith(report, probes[0].value).then((explained) => {
      if (token !== checkToken) return explained;
      renderReport(report, {
        ms, services, docCount: entries.length,
        explanation: explained.explanation, explainError: explained.error, probeName: probes[0].name,
        view: explainModule.view,
      });
      return explained;
    }, (err) => {
      const explained = { explanation: null, error: `the explain module did not load: ${err}` };
      if (token === checkToken) renderReport(report, { ms, services, docCount: entries.length, explainError: explained.error });
      return explained;
    });
  }
  return result;
}

// ---------------------------------------------------------------- collect

function updateCollect() {
  const vpc = $('collect-vpc').value.trim();
  const region = $('region').value.trim() || lastReport?.region || '';
  const { commands, error } = collectCommands(vpc, region);
  $('collect-error').textContent = error || '';
  $('collect-commands').textContent = commands;
}

// ---------------------------------------------------------------- wiring

function wire() {
  for (const ex of EXAMPLES) {
    const b = el('button', { type: 'button', class: 'example', title: ex.description }, ex.title);
    b.addEventListener('click', async () => {
      const mod = await import(`./examples/${ex.file}`);
      setDocs(mod.DOCUMENTS);
      $('region').value = ex.options.region || '';
      for (const input of document.querySelectorAll('input[name="profile"]')) input.checked = input.value === (ex.options.profile || 'runner');
      for (const input of document.querySelectorAll('input[name="public-ip"]')) input.checked = input.value === String(Boolean(ex.options.assign_public_ip));
      refreshChoices();
      for (const input of $('subnet-choices').querySelectorAll('input')) input.checked = (ex.options.subnets || []).includes(input.value);
      for (const input of $('sg-choices').querySelectorAll('input')) input.checked = (ex.options.security_groups || []).includes(input.value);
      check();
      toast(`Loaded the example “${ex.title}”.`);
    });
    $('example-buttons').append(b);
  }

  const drop = $('dropzone');
  const fileInput = $('file-input');
  drop.addEventListener('click', () => fileInput.click());
  drop.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fileInput.click(); }
  });
  fileInput.addEventListener('change', () => { addFiles(fileInput.files); fileInput.value = ''; });
  for (const t of ['dragenter', 'dragover']) drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add('over'); });
  for (const t of ['dragleave', 'drop']) drop.addEventListener(t, () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); if (e.dataTransfer?.files?.length) addFiles(e.dataTransfer.files); });
  // A file dropped anywhere else must not make the browser navigate away.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => { e.preventDefault(); if (e.dataTransfer?.files?.length) addFiles(e.dataTransfer.files); });

  $('add-doc').addEventListener('click', () => addDoc().textarea.focus());
  $('clear-docs').addEventListener('click', () => { setDocs([]); check(); });
  $('check').addEventListener('click', () => { check(); $('result').focus({ preventScroll: true }); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); check(); }
  });
  $('region').addEventListener('input', () => { scheduleCheck(); updateCollect(); });
  for (const input of document.querySelectorAll('input[name="profile"], input[name="public-ip"], input[name="fix-format"]')) input.addEventListener('change', scheduleCheck);
  $('auto-check').addEventListener('change', () => { if ($('auto-check').checked) check(); });
  $('collect-vpc').addEventListener('input', updateCollect);
  $('copy-report').addEventListener('click', () => {
    if (lastReport) copyText(JSON.stringify(lastReport, null, 2), 'JSON report copied.');
  });
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-copy-from]');
    if (b) copyText($(b.dataset.copyFrom).textContent, 'Copied.');
  });
}

wire();
setDocs([]);
renderIdle();
updateCollect();
// For tests and the benchmark: the same entry points the buttons use.
window.netready = { check, validate, whatIf, explain: explainWith, catalog, decodeFile, setDocuments: setDocs };
document.documentElement.dataset.ready = 'true';
