// The decision catalog (重大行政决策事项目录): filters in the address (#/decisions?year=…),
// the list page by page.

import { query } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, filteredList, filterValues,
} from '../ui.js';
import { STAGES, decisionList } from '../decisions.js';
import { codeOptions, departmentOptions, districtYear } from '../format.js';
import { yearlyHash } from '../reports.js';

export const name = 'decisions';
export const title = 'decisions.title';

const FILTERS = ['year', 'stage', 'department_id', 'q'];

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
    form,
  );
  await filteredList(root, ctx, form,
    (values) => `#/decisions${query(Object.fromEntries(FILTERS.map((f) => [f, values[f]?.trim()])))}`,
    () => decisionList(filters, ctx.signal));
}
