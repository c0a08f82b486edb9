// DOM helpers. Text is only ever set as text: el() appends strings as text
// nodes and sets attributes with setAttribute, so nothing a user pastes can
// become markup or script.

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'value') node.value = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of Array.isArray(children) ? children : [children]) {
    if (c === undefined || c === null) continue;
    node.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

let toastTimer = 0;
export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 1800);
}

/** Copies text to the clipboard; falls back to a selected textarea where the
 *  Clipboard API is not available (plain http on another host). */
export async function copyText(text, done = 'Copied.') {
  try {
    await navigator.clipboard.writeText(text);
    toast(done);
    return;
  } catch {
    // fall through
  }
  const ta = el('textarea', { 'aria-hidden': 'true', readonly: true, class: 'offscreen' });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  toast(ok ? done : 'Could not copy: select the text and copy it by hand.');
}
