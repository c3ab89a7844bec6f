// @ts-check
// Charts as inline SVG built element by element (no library, no markup strings): bars per day,
// horizontal bars per name, and meters of use against a limit. Each chart has a text equivalent.
import { h, s } from './dom.js';

const W = 400;
const H = 220;
const PAD = { left: 56, right: 8, top: 18, bottom: 34 };

/** @param {number} n */
const short = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(n));

/**
 * Vertical bars, one per label, with an optional limit drawn as a dashed line when it is in range.
 * @param {string} title
 * @param {string[]} labels
 * @param {number[]} values
 * @param {{limit?: number, limitLabel?: string, color?: string}} [options]
 */
export function barChart(title, labels, values, { limit, limitLabel = 'limit', color = 'var(--bar)' } = {}) {
  const highest = Math.max(1, ...values);
  // The limit is drawn only when it is near enough to be read next to the bars.
  const showLimit = limit != null && limit <= highest * 4;
  const top = Math.max(highest, showLimit && limit ? limit : 0) * 1.1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, values.length);
  const y = (/** @type {number} */ v) => PAD.top + plotH - (v / top) * plotH;
  const svg = s(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': `${title}: ${values.reduce((a, b) => a + b, 0)} in all, at most ${highest} a day`,
    },
    s('line', { class: 'axis', x1: PAD.left, y1: PAD.top + plotH, x2: W - PAD.right, y2: PAD.top + plotH }),
    s('text', { x: PAD.left - 6, y: PAD.top + 4, 'text-anchor': 'end' }, short(Math.round(top))),
    s('text', { x: PAD.left - 6, y: PAD.top + plotH, 'text-anchor': 'end' }, '0'),
    ...values.map((v, i) => {
      const x = PAD.left + i * step + step * 0.15;
      const bar = s('rect', {
        x: x.toFixed(1),
        y: y(v).toFixed(1),
        width: (step * 0.7).toFixed(1),
        height: (PAD.top + plotH - y(v)).toFixed(1),
        fill: color,
      });
      bar.append(s('title', {}, `${labels[i]}: ${v}`));
      return bar;
    }),
    ...labels.map((label, i) =>
      i % Math.ceil(labels.length / 5) === 0
        ? s('text', { x: (PAD.left + i * step + step / 2).toFixed(1), y: H - 8, 'text-anchor': 'middle' }, label)
        : '',
    ),
    showLimit && limit
      ? [
          s('line', {
            class: 'limit',
            x1: PAD.left,
            x2: W - PAD.right,
            y1: y(limit).toFixed(1),
            y2: y(limit).toFixed(1),
          }),
          s('text', { x: W - PAD.right, y: (y(limit) - 4).toFixed(1), 'text-anchor': 'end' }, `${limitLabel} ${limit}`),
        ]
      : '',
  );
  return h(
    'figure',
    {},
    svg,
    limit != null && !showLimit
      ? h(
          'figcaption',
          { class: 'hint' },
          `The ${limitLabel} (${limit.toLocaleString()}) is far above these days' use.`,
        )
      : '',
  );
}

/**
 * Horizontal bars for named counts (names are stored data: set as text nodes only).
 * @param {string} title
 * @param {{name: string, count: number}[]} items
 */
export function hbars(title, items) {
  if (!items.length) return h('p', { class: 'hint' }, 'No answers in the last 30 days.');
  const highest = Math.max(1, ...items.map((i) => i.count));
  const rowH = 32;
  const labelW = 150;
  const height = items.length * rowH + 6;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title },
    ...items.map((item, i) => {
      const width = ((W - labelW - 40) * item.count) / highest;
      const label = item.name.length > 18 ? `${item.name.slice(0, 17)}…` : item.name;
      return s(
        'g',
        {},
        s('text', { x: labelW - 8, y: i * rowH + 22, 'text-anchor': 'end' }, label),
        s('rect', {
          x: labelW,
          y: i * rowH + 5,
          width: Math.max(2, width).toFixed(1),
          height: rowH - 10,
          fill: 'var(--bar)',
        }),
        s('text', { x: (labelW + width + 6).toFixed(1), y: i * rowH + 22 }, String(item.count)),
      );
    }),
  );
  return h(
    'figure',
    {},
    svg,
    h('figcaption', { class: 'visually-hidden' }, items.map((i) => `${i.name}: ${i.count}`).join(', ')),
  );
}

/**
 * Use against a limit, per window.
 * @param {{label: string, used: number, limit: number}[]} items
 */
export function meters(items) {
  return h(
    'div',
    {},
    ...items.map((item) => {
      const share = item.limit > 0 ? Math.min(1, item.used / item.limit) : 0;
      const fill = h('div', { class: 'fill' });
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      return h(
        'div',
        { class: 'meter' },
        h(
          'div',
          { class: 'row' },
          h('span', {}, item.label),
          h('span', { class: 'hint' }, `${item.used.toLocaleString()} of ${item.limit.toLocaleString()}`),
        ),
        h(
          'div',
          {
            class: 'track',
            role: 'meter',
            'aria-label': item.label,
            'aria-valuemin': 0,
            'aria-valuemax': item.limit,
            'aria-valuenow': item.used,
          },
          fill,
        ),
      );
    }),
  );
}
