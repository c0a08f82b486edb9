// The probe report's view: the line under the status and, for a selected
// cell of the probed row, what the probe saw and the ranked causes. Loaded
// with the explain module (only when a probe report is dropped); it reads
// the explanation and decides nothing. All text goes in as text nodes.
import { el, clear } from './dom.js';
import { ACCESS, REACH, VERDICT, accessKey } from './render.js';

/** The probe line under the status: the overall verdict, or why not. */
export function renderProbe(box, explanation, error, name) {
  clear(box);
  box.className = 'probe-status';
  if (!explanation && !error) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  if (error) {
    box.classList.add('differs');
    box.append(el('p', {}, [el('strong', {}, 'Probe report not compared: '), error]));
    box.append(el('p', { class: 'muted' }, 'On this page the subnet is the one ticked under “Task subnets” when only one is; else the probe report’s own, or the only one in its availability zone.'));
    return;
  }
  const n = (v) => explanation.endpoints.filter((e) => e.verdict === v).length;
  box.classList.add(explanation.verdict);
  box.append(el('p', {}, [
    el('strong', {}, `Probe report${name ? ` (${name})` : ''}: ${explanation.verdict === 'differs' ? 'reality differs from the prediction' : explanation.verdict === 'agree' ? 'as predicted' : 'nothing to compare'}`),
    ` — ${explanation.subnet_id}: ${n('agree')} agree, ${n('differs')} differ, ${n('not-comparable')} not comparable. `,
    'Cells of that row show ', el('span', { class: 'pv-mark' }, '='), ' agree or ', el('span', { class: 'pv-mark' }, '≠'), ' differs; select one for the likeliest causes.',
  ]));
}

/** What the probe saw for one endpoint, and for a difference the causes,
 *  each with its evidence and the commands that would confirm it. */
export function observedBlock(seen, col) {
  const v = VERDICT[seen.verdict] || VERDICT['not-comparable'];
  const box = el('div', { class: `observed pv-${seen.verdict}` });
  const o = seen.observed;
  const words = o
    ? `${ACCESS[accessKey(o.access_type)].long}, ${(REACH[String(o.reachable)] || REACH.null).word}${o.failure ? ` (${o.failure})` : ''}${o.resolver ? `, answered by ${o.resolver}` : ''}`
    : 'not checked';
  box.append(el('p', { class: 'observed-title' }, [
    el('span', { class: 'pv' }, v.mark), el('strong', {}, ` Probe: ${v.word}`), ` — observed ${words}`,
    seen.differences.length ? el('span', { class: 'muted' }, ` (differs: ${seen.differences.join(', ')})`) : null,
  ]));
  if (o && o.addresses.length) {
    box.append(el('p', { class: 'addresses' }, o.addresses.map((a) => `${a.ip} ${a.class} ${a.outcome}`).join(' · ')));
  }
  if (seen.note) box.append(el('p', { class: 'note' }, seen.note));
  if (seen.causes.length) {
    const ol = el('ol', { class: 'causes', 'aria-label': `Likely causes for ${seen.host}` });
    seen.causes.forEach((c, i) => {
      const li = el('li', { class: 'cause' });
      li.append(el('p', { class: 'cause-title' }, [el('code', {}, c.code), ` ${c.title}`]));
      if (i === 0) li.append(el('p', { class: 'explanation' }, c.explanation));
      const ev = el('ul', { class: 'evidence' });
      for (const x of c.evidence) ev.append(el('li', {}, [el('span', { class: `side side-${x.side}` }, x.side), ` ${x.text}`]));
      li.append(ev);
      const id = `confirm-${col}-${i}`;
      li.append(el('div', { class: 'fix' }, [
        el('pre', { id, tabindex: '0', 'aria-label': `Commands that confirm ${c.code}` }, c.confirm.join('\n')),
        el('button', { type: 'button', class: 'copy', 'data-copy-from': id, 'aria-label': `Copy the commands for ${c.code}` }, 'Copy'),
      ]));
      ol.append(li);
    });
    box.append(ol);
  }
  return box;
}

