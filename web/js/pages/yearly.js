// A year's participation figures (#/reports/2026), as the yearly government-information-
// disclosure report states them: the catalog of major decisions and how many reached each step,
// comments and what became of them, meetings, and the Government Open Month; also as CSV.

import { t } from '../i18n.js';
import { h, append, panel } from '../ui.js';
import { label, formatNumber, formatPercent } from '../format.js';
import { barChart, shareOf } from '../charts.js';
import {
  yearlyHash, openMonthHash, yearlyCsvUrl, fetchYearly, yearParam, toCurrentYear, loadYear,
  yearNav, openDayTotals, satisfaction, noEventsText,
} from '../reports.js';

export const name = 'yearly';
export const title = 'yearly.page_title';

// <dl class="totals"> from [key, unit key, n] rows; a figure the server leaves out (null) is
// said to be not counted rather than shown as 0.
function totals(id, rows) {
  return h('dl', { class: 'totals report-totals', id }, rows.map(([key, unit, n]) => h('div', {
    class: `total total-${key}`,
  },
    h('dt', {}, t(`yearly.${key}`)),
    h('dd', { dataset: { value: n ?? '' } },
      n == null ? h('span', { class: 'not-counted' }, t('yearly.not_counted')) : t(unit, { n: formatNumber(n) })))));
}

// Bars as shares of `whole`, each labelled with its count and share.
function shareRows(items, whole, unit) {
  return items.map(({ key, text, n }) => {
    const share = shareOf(n, whole);
    return {
      label: text,
      dataset: { key },
      value: t(unit, { n: formatNumber(n), share: formatPercent(share) }),
      share,
    };
  });
}

function decisions(y, d) {
  return panel('yearly-decisions', t('yearly.decisions'),
    totals('yearly-decision-totals', [['in_catalog', 'yearly.decisions_value', d.in_catalog]]),
    d.in_catalog
      ? barChart({
        id: 'yearly-disclosed',
        caption: t('yearly.disclosed'),
        scale: t('yearly.disclosed_scale', { n: formatNumber(d.in_catalog) }),
        rows: shareRows(d.disclosed.map((s) => ({ key: s.stage, text: label('timeline', s.stage), n: s.decisions })),
          d.in_catalog, 'yearly.decisions_share'),
      })
      : h('p', { class: 'meta' }, t('yearly.no_decisions', { year: y })));
}

function comments(y, c) {
  return panel('yearly-comments', t('yearly.comments'),
    totals('yearly-comment-totals', [
      ['received', 'yearly.comments_value', c.received],
      ['published', 'yearly.comments_value', c.published],
      ['not_published', 'yearly.comments_value', c.not_published],
      ['pending', 'yearly.comments_value', c.pending],
    ]),
    c.received
      ? barChart({
        id: 'yearly-moderation',
        caption: t('yearly.moderation'),
        scale: t('yearly.moderation_scale', { n: formatNumber(c.received) }),
        rows: shareRows(['published', 'not_published', 'pending']
          .map((key) => ({ key, text: t(`yearly.${key}`), n: c[key] })), c.received, 'yearly.comments_share'),
      })
      : h('p', { class: 'meta' }, t('yearly.no_comments', { year: y })),
    c.published > 0 && barChart({
      id: 'yearly-outcomes',
      caption: t('yearly.by_outcome'),
      scale: t('yearly.outcome_scale', { n: formatNumber(c.published) }),
      rows: shareRows(c.by_outcome.map((o) => ({ key: o.outcome, text: label('outcome', o.outcome), n: o.comments })),
        c.published, 'yearly.comments_share'),
    }));
}

function meetings(m) {
  return panel('yearly-meetings', t('yearly.meetings'),
    totals('yearly-meeting-totals', [
      ['meetings_held', 'yearly.meetings_value', m?.held_with_observers],
      ['representatives_seated', 'yearly.people_value', m?.observers_seated],
      ['representatives_attended', 'yearly.people_value', m?.observers_attended],
    ]));
}

function openDays(y, f) {
  return panel('yearly-open-days', t('yearly.open_days'),
    f.events
      ? [
        openDayTotals(f, 'yearly-open-day-totals'),
        h('h3', {}, t('report.satisfaction')),
        satisfaction(f, 'yearly-satisfaction'),
      ]
      : h('p', { class: 'meta' }, noEventsText(y)),
    h('p', { class: 'report-links' },
      h('a', { href: openMonthHash(y), id: 'to-open-month' }, t('yearly.to_open_month', { year: y }))));
}

export async function render(root, ctx) {
  if (ctx.params.year == null) {
    toCurrentYear(ctx, yearlyHash);
    return;
  }
  const year = yearParam(ctx.params.year);
  const nav = yearNav(year, yearlyHash);
  root.append(
    h('h1', { id: 'yearly-title' }, year != null ? t('yearly.heading', { year }) : t('yearly.page_title')),
    nav,
  );
  const r = await loadYear(ctx.params.year, () => fetchYearly(ctx.params.year, ctx.signal));
  if (!r) { // a year the server refuses: offer the current one instead of its neighbours
    nav.replaceWith(yearNav(null, yearlyHash));
    return;
  }
  append(root,
    h('p', { class: 'lead' }, t('yearly.lead', { year: r.year })),
    h('p', { class: 'report-links' },
      h('a', {
        class: 'button button-secondary', id: 'yearly-csv', href: yearlyCsvUrl(r.year), download: true,
      }, t('yearly.download')),
      h('span', { class: 'hint' }, t('yearly.download_hint'))),
    decisions(r.year, r.decisions),
    comments(r.year, r.comments),
    meetings(r.meetings),
    openDays(r.year, r.open_days));
}
