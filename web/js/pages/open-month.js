// The Government Open Month report of a year (#/open-month/2026): open days held, signups,
// attendance, responses and overall satisfaction, overall, per theme and per host department,
// and the lowest-rated open days. Satisfaction is shown from 5 ratings on; below that the page
// says so instead of a figure.

import { t, plural } from '../i18n.js';
import {
  h, append, panel, recordText,
} from '../ui.js';
import { label, formatNumber, formatPercent } from '../format.js';
import { barChart, shareOf } from '../charts.js';
import { eventHash } from '../events.js';
import {
  openMonthHash, yearlyHash, fetchOpenMonth, yearParam, toCurrentYear, loadYear, yearNav,
  openDayTotals, satisfaction, noEventsText,
} from '../reports.js';

export const name = 'open-month';
export const title = 'open_month.page_title';

// Why a group that held open days has no satisfaction figure, in a few words; null when it
// has one.
function noFigure(f) {
  if (f.csat != null) return null;
  return f.rated ? t('open_month.few_short') : t('open_month.no_ratings_short');
}

function ratingsText(n) {
  return plural('open_month.n_ratings', n, { n: formatNumber(n) });
}

// CSAT of each group on a 0–100 % scale; groups without a figure say why in the bar's place.
function csatChart(id, caption, groups) {
  return barChart({
    id,
    caption,
    scale: t('open_month.csat_scale'),
    rows: groups.map(({ key, name: groupName, figures: f }) => {
      const why = noFigure(f);
      return {
        label: groupName(),
        dataset: { key },
        detail: f.satisfaction != null
          ? t('open_month.mean_detail', { mean: formatNumber(f.satisfaction, 2, 2), ratings: ratingsText(f.rated) })
          : f.rated > 0 && ratingsText(f.rated),
        value: why ? null : formatPercent(f.csat),
        share: why ? null : f.csat,
        note: why,
      };
    }),
  });
}

// People who came per group, against the largest group.
function peopleChart(id, caption, groups) {
  const most = Math.max(0, ...groups.map((g) => g.figures.people));
  return barChart({
    id,
    caption,
    scale: plural('open_month.people_scale', most, { n: formatNumber(most) }),
    rows: groups.map(({ key, name: groupName, figures: f }) => ({
      label: groupName(),
      dataset: { key },
      detail: t('open_month.people_detail', {
        events: plural('open_month.n_events', f.events, { n: formatNumber(f.events) }),
        signups: plural('open_month.n_signups', f.signups, { n: formatNumber(f.signups) }),
      }),
      value: plural('open_month.n_people', f.people, { n: formatNumber(f.people) }),
      share: shareOf(f.people, most),
    })),
  });
}

const COLUMNS = ['events', 'signups', 'attended', 'people', 'responses', 'rated', 'mean', 'csat'];

function cell(f, column) {
  if (column === 'mean') return f.satisfaction != null ? formatNumber(f.satisfaction, 2, 2) : '—';
  if (column === 'csat') return f.csat != null ? formatPercent(f.csat) : '—';
  return formatNumber(f[column]);
}

// Every figure of every group, as a table folded away under its summary (wide for a phone).
function figuresTable(id, summary, groupHeading, groups) {
  return h('details', { class: 'figures-table', id },
    h('summary', {}, summary),
    h('div', {
      class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': summary,
    },
    h('table', {},
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, groupHeading),
        COLUMNS.map((c) => h('th', { scope: 'col', class: 'num' }, t(`open_month.col_${c}`))))),
      h('tbody', {}, groups.map(({ key, name: groupName, figures: f }) => h('tr', { dataset: { key } },
        h('th', { scope: 'row' }, groupName()),
        COLUMNS.map((c) => h('td', { class: 'num' }, cell(f, c)))))))),
    h('p', { class: 'hint' }, t('open_month.dash_note')));
}

// Charts of the groups that held open days, the others named in a line, and the table of all.
function breakdown(id, groups) {
  const held = groups.filter((g) => g.figures.events > 0);
  const idle = groups.filter((g) => !g.figures.events);
  return [
    csatChart(`${id}-csat`, t(`open_month.csat_${id}`), held),
    peopleChart(`${id}-people`, t(`open_month.people_${id}`), held),
    idle.length > 0 && h('p', { class: 'hint idle-groups', id: `${id}-idle` },
      t(`open_month.idle_${id}`), idle.map((g, i) => [i > 0 && t('list.separator'), g.name()])),
    figuresTable(`${id}-table`, t(`open_month.table_${id}`), t(`open_month.group_${id}`), groups),
  ];
}

function lowestRated(events) {
  if (!events.length) return h('p', { class: 'meta' }, t('open_month.lowest_none'));
  return h('ol', { class: 'rated-list', id: 'lowest-rated-list' }, events.map((e) => h('li', {
    class: 'rated-event', dataset: { id: e.event_id },
  },
  h('h3', { class: 'event-title' }, h('a', { href: eventHash(e.event_id) }, recordText(e.title))),
  h('p', { class: 'meta' }, h('span', { class: 'badge badge-theme' }, label('theme', e.theme))),
  h('dl', { class: 'rated-figures' }, [
    e.satisfaction != null && ['mean', t('report.mean_value', { mean: formatNumber(e.satisfaction, 2, 2) })],
    e.csat != null && ['csat', formatPercent(e.csat)],
    ['responses', t('report.responses_value', { n: formatNumber(e.responses) })],
  ].filter(Boolean).map(([key, value]) => h('div', { class: `rated-${key}` },
    h('dt', {}, t(`report.${key}`)), h('dd', {}, value)))))));
}

export async function render(root, ctx) {
  if (ctx.params.year == null) {
    toCurrentYear(ctx, openMonthHash);
    return;
  }
  const year = yearParam(ctx.params.year);
  const nav = yearNav(year, openMonthHash);
  root.append(
    h('h1', { id: 'open-month-title' },
      year != null ? t('open_month.heading', { year }) : t('open_month.page_title')),
    nav,
  );
  const r = await loadYear(ctx.params.year, () => fetchOpenMonth(ctx.params.year, ctx.signal));
  if (!r) { // a year the server refuses: offer the current one instead of its neighbours
    nav.replaceWith(yearNav(null, openMonthHash));
    return;
  }
  append(root,
    h('p', { class: 'lead' }, t('open_month.lead', { year: r.year })),
    h('p', { class: 'report-links' }, h('a', { href: yearlyHash(r.year), id: 'to-yearly' },
      t('open_month.to_yearly', { year: r.year }))));
  if (!r.overall.events) {
    root.append(h('p', { class: 'notice notice-plain', id: 'open-month-empty' },
      noEventsText(r.year)));
    return;
  }
  // name() makes the label anew for each chart and the table.
  const themes = r.by_theme.map((g) => ({ key: g.theme, name: () => label('theme', g.theme), figures: g.figures }));
  const departments = r.by_department.map((g) => ({
    key: g.department.code, name: () => recordText(g.department.name), figures: g.figures,
  }));
  root.append(
    panel('open-month-overall', t('open_month.overall'),
      openDayTotals(r.overall, 'open-month-totals'),
      h('h3', {}, t('report.satisfaction')),
      satisfaction(r.overall, 'open-month-satisfaction')),
    panel('open-month-themes', t('open_month.by_theme'), breakdown('by_theme', themes)),
    panel('open-month-departments', t('open_month.by_department'), breakdown('by_department', departments)),
    panel('open-month-lowest', t('open_month.lowest'),
      h('p', { class: 'hint' }, t('open_month.lowest_hint')),
      lowestRated(r.lowest_rated)),
  );
}
