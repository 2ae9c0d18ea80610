// Pieces the two report pages share (the Open Month report, the yearly participation
// figures): addresses, fetching a year's figures, the year picker, and how a group of open days
// came out (counts, then satisfaction, shown only from 5 ratings on).

import { api, ApiError } from './api.js';
import { t, plural } from './i18n.js';
import { h, flash, namedFieldError } from './ui.js';
import { districtYear, formatNumber, formatPercent } from './format.js';

export function openMonthHash(year) {
  return `#/open-month/${encodeURIComponent(year)}`;
}

export function yearlyHash(year) {
  return `#/reports/${encodeURIComponent(year)}`;
}

// The yearly figures as a CSV file (public, so a plain link downloads it).
export function yearlyCsvUrl(year) {
  return `/api/v1/reports/${encodeURIComponent(year)}/export`;
}

export function fetchOpenMonth(year, signal) {
  return api('GET', `/open-month/${encodeURIComponent(year)}/report`, undefined, { signal });
}

export function fetchYearly(year, signal) {
  return api('GET', `/reports/${encodeURIComponent(year)}`, undefined, { signal });
}

// The year in the address as a number, or null when it is none (the server still gets the
// text as typed, and says what is wrong with it).
export function yearParam(text) {
  return /^\d{1,6}$/.test(text || '') ? Number(text) : null;
}

// A report page reached without a year: the district's current year, without a history entry.
export function toCurrentYear(ctx, hashOf) {
  ctx.redirect(hashOf(districtYear()));
}

// The figures fetch() answers for the year `text` from the address, or null for a year the
// server refuses: out of its range (named like a field error) or no number at all (a 400
// without field errors; the year is the only thing these requests carry). The reason goes to
// #flash. Other errors are thrown on to the router, which shows them as on every page.
export async function loadYear(text, fetch) {
  try {
    return await fetch();
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 'invalid_request') throw err;
    const labelOf = (name) => (name === 'year' ? t('report.year') : name);
    flash(() => (err.errors.length
      ? err.errors.map((e) => namedFieldError(e, labelOf)).join(' ')
      : t('report.not_a_year', { year: text })), 'error');
    return null;
  }
}

// Links to the year before and after (not past the district's current year, whose figures
// are still growing); for a year that is no year, or one still to come, to the current year.
// Arrows and years show; "previous year", "next year" are there for screen readers too.
export function yearNav(year, hashOf) {
  const current = districtYear();
  const links = year == null || year > current
    ? [['current', current]]
    : [['prev', year - 1], year < current && ['next', year + 1]];
  return h('nav', { class: 'year-nav', 'aria-label': t('report.years') },
    h('ul', {}, links.filter(Boolean).map(([kind, y]) => h('li', { class: `year-${kind}` },
      h('a', { href: hashOf(y), rel: kind === 'current' ? null : kind },
        kind === 'prev' && h('span', { 'aria-hidden': 'true' }, '←'),
        h('span', { class: kind === 'current' ? null : 'visually-hidden' }, t(`report.${kind}_year`)),
        t('report.year_n', { year: y }),
        kind === 'next' && h('span', { 'aria-hidden': 'true' }, '→'))))));
}

// ---- open days

// There were no open days in `year` (or none yet, in the current year).
export function noEventsText(year) {
  return t(year >= districtYear() ? 'report.no_events_yet' : 'report.no_events', { year });
}

// Open days held, signups, check-ins, people and responses, each with its unit.
export function openDayTotals(f, id) {
  const rows = [
    ['events', f.events], ['signups', f.signups], ['attended', f.attended],
    ['people', f.people], ['responses', f.responses],
  ];
  return [
    h('dl', { class: 'totals report-totals', id }, rows.map(([key, n]) => h('div', { class: `total total-${key}` },
      h('dt', {}, t(`report.${key}`)),
      h('dd', { dataset: { value: n } }, t(`report.${key}_value`, { n: formatNumber(n) }))))),
    h('p', { class: 'hint' }, t('report.counting_hint')),
  ];
}

// Overall satisfaction: the mean and CSAT with what they mean, or in words why there are none.
export function satisfaction(f, id) {
  if (f.satisfaction == null && f.csat == null) {
    return h('p', { class: 'notice notice-plain', id },
      f.rated ? plural('report.few_ratings', f.rated, { n: formatNumber(f.rated) }) : t('report.no_ratings'));
  }
  const rows = [
    f.satisfaction != null && ['mean', t('report.mean_value', { mean: formatNumber(f.satisfaction, 2, 2) })],
    f.csat != null && ['csat', formatPercent(f.csat)],
    ['rated', formatNumber(f.rated)],
  ].filter(Boolean);
  return h('dl', { class: 'figures', id }, rows.map(([key, value]) => h('div', { class: `figure figure-${key}` },
    h('dt', {}, t(`report.${key}`)),
    h('dd', {}, value),
    h('dd', { class: 'hint' }, t(`report.${key}_hint`)))));
}
