// Horizontal bar charts drawn as SVG, shared by the survey results and the report pages.
// Every bar has its figure beside it in words, so the drawing itself is hidden from assistive
// technology and the list of labels and figures is the chart's text alternative.

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
