// The decision catalog (重大行政决策事项目录): filters in the address (#/decisions?year=…),
// the list page by page; above them, following a comment by its tracking number.

import { api, query, ApiError } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, filteredList, filterValues, handleSubmit,
} from '../ui.js';
import { STAGES, decisionList, receiptView } from '../decisions.js';
import { codeOptions, departmentOptions, districtYear } from '../format.js';
import { yearlyHash } from '../reports.js';

export const name = 'decisions';
export const title = 'decisions.title';

const FILTERS = ['year', 'stage', 'department_id', 'q'];

// As on the receipt, letters in either case: YP-2021-7K3M9Q.
const TRACKING_NUMBER = /^YP-\d{4}-[0-9A-Z]{6}$/i;

// Where a comment stands, for whoever holds its tracking number (GET /comments/tracking/…).
function trackingLookup() {
  const result = h('div', { id: 'track-result', class: 'track-result', tabindex: -1, hidden: true });
  const form = h('form', { id: 'track-form', class: 'track-form', 'aria-labelledby': 'track-title' },
    field({
      id: 'track-number', name: 'tracking_number', label: t('track.number'), hint: t('track.number_hint'),
      autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: 20,
    }),
    h('button', { type: 'submit', id: 'track-submit', class: 'button button-secondary' }, t('track.submit')));
  handleSubmit(form, async (values) => {
    const number = values.tracking_number.trim().toUpperCase();
    result.hidden = true;
    if (!TRACKING_NUMBER.test(number)) { // the server's 400, shaped here
      const code = number ? 'invalid_format' : 'required';
      throw new ApiError(400, { code: 'invalid_request', errors: [{ field: 'tracking_number', code }] });
    }
    let receipt;
    try {
      receipt = await api('GET', `/comments/tracking/${encodeURIComponent(number)}`, undefined, { auth: false });
    } catch (err) {
      if (err.code !== 'not_found') throw err;
    }
    result.replaceChildren(receipt
      ? receiptView(receipt, { tag: 'div', level: 3 })
      : h('p', { class: 'notice notice-plain', id: 'track-not-found' }, t('track.not_found')));
    result.hidden = false;
    result.focus();
  });
  return h('section', { class: 'track', 'aria-labelledby': 'track-title' },
    h('h2', { id: 'track-title' }, t('track.title')),
    form,
    result);
}

export async function render(root, ctx) {
  const filters = filterValues(ctx.query, FILTERS);
  const departments = await departmentOptions(t('decisions.all'), ctx.signal);

  const form = h('form', {
    id: 'decision-filters', class: 'filters', role: 'search', 'aria-label': t('decisions.filters'),
  },
    field({
      id: 'filter-year', name: 'year', type: 'number', inputmode: 'numeric', min: 2000, max: 2100,
      label: t('decisions.filter_year'), value: filters.year,
    }),
    field({
      id: 'filter-stage', name: 'stage', tag: 'select', label: t('decisions.filter_stage'), value: filters.stage,
      options: codeOptions('stage', STAGES, t('decisions.all')),
    }),
    field({
      id: 'filter-department', name: 'department_id', tag: 'select', label: t('decisions.filter_department'),
      value: filters.department_id,
      options: departments,
    }),
    field({
      id: 'filter-q', name: 'q', type: 'search', label: t('decisions.filter_q'), value: filters.q, maxlength: 100,
    }),
    h('button', { type: 'submit', id: 'filter-submit', class: 'button' }, t('decisions.filter_submit')),
  );
  // The figures of the year filtered on, else of the current year.
  const figuresYear = /^\d{4}$/.test(filters.year.trim()) ? Number(filters.year) : districtYear();
  root.append(
    h('h1', { id: 'decisions-title' }, t('decisions.title')),
    h('p', { class: 'lead' }, t('decisions.lead')),
    h('p', { class: 'report-links' }, h('a', { href: yearlyHash(figuresYear), id: 'yearly-figures-link' },
      t('decisions.figures_link', { year: figuresYear }))),
    trackingLookup(),
    form,
  );
  await filteredList(root, ctx, form,
    (values) => `#/decisions${query(Object.fromEntries(FILTERS.map((f) => [f, values[f]?.trim()])))}`,
    () => decisionList(filters, ctx.signal));
}
