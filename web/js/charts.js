// Horizontal bar charts and a half-circle gauge drawn as SVG, shared by the survey results and
// the report pages. Every bar has its figure beside it in words, and the gauge its score and
// parts, so the drawings themselves are hidden from assistive technology and the text next to
// them is the chart's text alternative.

import { h } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
  return el;
}

// A horizontal bar filled to `share` percent; the numbers beside it say the same in words.
export function bar(share) {
  const el = svg('svg', {
    class: 'bar', width: '100%', height: '14', 'aria-hidden': 'true', focusable: 'false',
  });
  el.append(
    svg('rect', { class: 'bar-track', width: '100%', height: '100%' }),
    svg('rect', { class: 'bar-fill', width: `${Math.min(100, Math.max(0, share))}%`, height: '100%' }),
  );
  return el;
}

// The share (0–100) `value` is of `whole`; 0 when the whole is 0.
export function shareOf(value, whole) {
  return whole ? (100 * value) / whole : 0;
}

// One row per item: its label (and an optional detail line under it), its figure in words,
// and a bar `share` percent long. A row without a share has no figure to draw: `note` says
// why in the bar's place (an empty bar would read as zero).
//   rows: [{label, detail?, value, share?, note?, dataset?}]
export function barList(rows, attrs = {}) {
  return h('ul', { class: 'bars', ...attrs }, rows.map((r) => h('li', { class: 'bar-row', dataset: r.dataset },
    h('span', { class: 'bar-label' }, r.label, r.detail && h('span', { class: 'bar-detail' }, r.detail)),
    h('span', { class: 'bar-count' }, r.value ?? ''),
    r.share != null ? bar(r.share) : h('span', { class: 'bar-note' }, r.note ?? ''))));
}

// A titled chart: <figure> with the title and a note on how the bars are scaled as its
// caption, then barList(rows).
export function barChart({
  id, caption, scale, rows, className = '',
}) {
  return h('figure', { class: `chart ${className}`.trim(), id },
    h('figcaption', {},
      h('span', { class: 'chart-title' }, caption),
      scale && h('span', { class: 'chart-scale' }, scale)),
    barList(rows));
}

// ---- gauge: a score on a half circle from `min` (left) to `max` (right)

// Where `value` lies on the dial, as a point at `radius` from its centre.
const DIAL = { cx: 120, cy: 136, r: 98, band: 24 };
function dialPoint(value, min, max, radius) {
  const angle = Math.PI * (1 - (Math.min(max, Math.max(min, value)) - min) / (max - min));
  return [DIAL.cx + radius * Math.cos(angle), DIAL.cy - radius * Math.sin(angle)];
}
const xy = ([x, y]) => `${x.toFixed(2)} ${y.toFixed(2)}`;

// The dial: the scale as a grey band with its ends and middle labelled, the band filled from
// the middle to `value`, and a marker across it at `value`.
function dial(value, min, max, labels) {
  const { cx, cy, r, band } = DIAL;
  const mid = (min + max) / 2;
  const at = (v, radius = r) => xy(dialPoint(v, min, max, radius));
  const arc = (from, to) => `M ${at(from)} A ${r} ${r} 0 0 ${to >= from ? 1 : 0} ${at(to)}`;
  const dialEl = svg('svg', {
    class: 'gauge-dial-svg', viewBox: '0 0 240 156', 'aria-hidden': 'true', focusable: 'false',
  });
  const tick = (v, inner, outer, cls) => svg('path', { class: cls, d: `M ${at(v, inner)} L ${at(v, outer)}` });
  const text = (x, y, content) => {
    const el = svg('text', { x, y, 'text-anchor': 'middle', class: 'gauge-tick-label' });
    el.textContent = content;
    return el;
  };
  dialEl.append(...[
    svg('path', { class: 'gauge-track-edge', d: arc(min, max), 'stroke-width': band + 2 }),
    svg('path', { class: 'gauge-track', d: arc(min, max), 'stroke-width': band }),
    value !== mid && svg('path', { class: 'gauge-fill', d: arc(mid, value), 'stroke-width': band }),
    tick(mid, r - band / 2, r + band / 2, 'gauge-mid'),
    tick(value, r - band / 2 - 9, r + band / 2 + 3, 'gauge-marker-halo'),
    tick(value, r - band / 2 - 9, r + band / 2 + 3, 'gauge-marker'),
    text(cx - r, cy + 18, labels[0]),
    text(cx, cy - r - band / 2 - 10, labels[1]),
    text(cx + r, cy + 18, labels[2]),
  ].filter(Boolean));
  return dialEl;
}

// The parts of a whole as one bar cut in proportion; each part's class is `gauge-part-${key}`.
function partsBar(parts) {
  const el = svg('svg', {
    class: 'gauge-parts-bar', width: '100%', height: '14', 'aria-hidden': 'true', focusable: 'false',
  });
  el.append(svg('rect', { class: 'bar-track', width: '100%', height: '100%' }));
  let x = 0;
  for (const p of parts) {
    if (p.share > 0) {
      el.append(svg('rect', {
        class: `gauge-part-fill gauge-part-${p.key}`, x: `${x}%`, width: `${p.share}%`, height: '100%',
      }));
    }
    x += p.share;
  }
  return el;
}

// A titled gauge: the score in large type on the dial, then the parts it is made of, each in
// its colour and, so that colour is not all that tells them apart, with its label, its share
// and its count in words. `summary` says it all in one sentence for screen readers, to which
// the drawing and the score on it are hidden.
//   parts: [{key, label, share, shareText, countText}]
//   labels: the scale's [min, middle, max] as written
export function gauge({
  id, caption, value, valueText, min = -100, max = 100, labels, parts, summary, hint,
}) {
  return h('figure', { class: 'gauge', id },
    h('figcaption', { class: 'gauge-title' }, caption),
    h('p', { class: 'visually-hidden' }, summary),
    h('div', { class: 'gauge-body' },
      h('div', { class: 'gauge-dial' },
        dial(value, min, max, labels),
        h('span', { class: 'gauge-value', 'aria-hidden': 'true' }, valueText)),
      h('div', { class: 'gauge-parts' },
        partsBar(parts),
        h('ul', { class: 'gauge-legend' }, parts.map((p) => h('li', { class: `gauge-part gauge-part-${p.key}` },
          h('span', { class: 'gauge-swatch', 'aria-hidden': 'true' }),
          h('span', { class: 'gauge-part-label' }, p.label),
          h('span', { class: 'gauge-part-share' }, p.shareText),
          h('span', { class: 'gauge-part-count' }, p.countText)))))),
    hint && h('p', { class: 'hint gauge-hint' }, hint));
}
