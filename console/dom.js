// @ts-check
// Building the page element by element: every text from the server (visitor messages, lead fields,
// document titles) becomes a text node, never markup. There is no innerHTML anywhere in the console.

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | EventListener>} Attrs
 */

/**
 * An element with attributes (on* keys as listeners) and children (strings as text).
 * @param {string} tag
 * @param {Attrs} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value' && 'value' in el) {
      /** @type {HTMLInputElement} */ (el).value = String(value);
    } else if (key === 'checked' && 'checked' in el) {
      /** @type {HTMLInputElement} */ (el).checked = Boolean(value);
    } else if (typeof value !== 'function') {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {(Child | Child[])[]} children
 */
function append(el, children) {
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

/**
 * An SVG element; attributes are set as they are (numbers and the console's own strings only).
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  append(el, children);
  return el;
}

let counter = 0;

/**
 * A unique id for label/control pairs.
 * @param {string} prefix
 */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * A labelled control: the label, an optional hint (linked by aria-describedby) and the control.
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  const parts = [h('label', { for: id }, label)];
  if (hint) {
    const hintId = `${id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, ...parts, control);
}

/**
 * A checkbox with its label around it.
 * @param {string} label
 * @param {boolean} checked
 * @param {string} [name]
 */
export function checkbox(label, checked, name) {
  const input = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', name, checked }));
  return { input, el: h('label', { class: 'check' }, input, h('span', {}, label)) };
}

/** A date and time for people, in their own time zone. @param {string | null | undefined} iso */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? String(iso)
    : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** @param {number} bytes */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A link for a URL only when it is http(s); otherwise the URL as text. @param {string | null | undefined} url @param {string} [text] */
export function safeLink(url, text) {
  if (!url) return text ?? '';
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      return h('a', { href: parsed.href, target: '_blank', rel: 'noopener noreferrer nofollow' }, text ?? url);
    }
  } catch {
    /* not a URL */
  }
  return text ?? url;
}

/**
 * A table in a scrolling wrapper, with a caption for screen readers.
 * @param {string} caption
 * @param {string[]} headers
 * @param {HTMLElement[]} rows
 * @param {string[]} [numeric] headers of numeric columns
 */
export function table(caption, headers, rows, numeric = []) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h('tr', {}, ...headers.map((t) => h('th', { scope: 'col', class: numeric.includes(t) ? 'num' : null }, t))),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}
