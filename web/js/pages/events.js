// The Government Open Month calendar (政府开放月): events by theme, filters in the address
// (#/events?theme=…&from=2021-10-01&to=2021-10-31&has_seats=true), page by page.

import { query } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, checkbox, filteredList, filterValues,
} from '../ui.js';
import {
  label, midnightUtc, zoneName, themeCodes, districtYear, districtDay,
} from '../format.js';
import { eventCalendar } from '../events.js';
import { openMonthHash } from '../reports.js';

export const name = 'events';
export const title = 'events.title';

const FILTERS = ['theme', 'from', 'to', 'has_seats', 'past'];

// "All" and one chip per theme; each keeps the other filters.
function themeChips(filters) {
  const chip = (theme, text) => h('li', {}, h('a', {
    class: 'chip',
    href: `#/events${query({ ...filters, theme })}`,
    'aria-current': filters.theme === theme ? 'page' : null,
    dataset: { theme },
  }, text));
  return h('nav', { class: 'chips', id: 'theme-chips', 'aria-label': t('events.filter_theme') },
    h('ul', {}, chip('', t('events.all_themes')), themeCodes().map((th) => chip(th, label('theme', th)))));
}

export async function render(root, ctx) {
  const filters = filterValues(ctx.query, FILTERS);
  const form = h('form', {
    id: 'event-filters', class: 'filters', role: 'search', 'aria-label': t('events.filters'),
  },
    field({
      id: 'filter-from', name: 'from', type: 'date', label: t('events.filter_from'), value: filters.from,
    }),
    field({
      id: 'filter-to', name: 'to', type: 'date', label: t('events.filter_to'), value: filters.to,
    }),
    checkbox({
      id: 'filter-has-seats', name: 'has_seats', label: t('events.filter_has_seats'),
      checked: filters.has_seats === 'true',
    }),
    h('button', { type: 'submit', id: 'event-filter-submit', class: 'button' }, t('events.filter_submit')),
  );
  // Without a start date the calendar begins today: a person looks for days still to come.
  // Past ones are a link away.
  const past = filters.past === 'true';
  const scope = h('p', { class: 'events-scope' }, h('a', {
    id: 'events-past-toggle',
    href: `#/events${query({ ...filters, past: past ? '' : 'true' })}`,
  }, t(past ? 'events.only_coming' : 'events.include_past')));
  root.append(
    h('h1', { id: 'events-title' }, t('events.title')),
    h('p', { class: 'lead' }, t('events.lead', { zone: zoneName() })),
    h('p', { class: 'report-links' }, h('a', { href: openMonthHash(districtYear()), id: 'open-month-report-link' },
      t('events.report_link', { year: districtYear() }))),
    themeChips(filters),
    form,
    !filters.from && scope,
  );
  await filteredList(root, ctx, form,
    (values) => `#/events${query({
      theme: filters.theme, from: values.from, to: values.to, has_seats: values.has_seats ? 'true' : '',
      past: filters.past,
    })}`,
    () => eventCalendar({
      theme: filters.theme,
      from: midnightUtc(filters.from || (past ? '' : districtDay())),
      to: midnightUtc(filters.to, 1), // the whole last day
      has_seats: filters.has_seats === 'true' ? 'true' : undefined,
    }, ctx.signal));
}
