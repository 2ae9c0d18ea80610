// A survey's results: how many answered, and per question the figures and how the answers
// spread, as bars. Public once published; the host department's staff see them live.

import { t, plural } from '../i18n.js';
import { h, append, breadcrumb } from '../ui.js';
import {
  formatNumber, formatPercent, formatSigned,
} from '../format.js';
import { barList, shareOf } from '../charts.js';
import { eventHash, fetchEvent } from '../events.js';
import { fetchSurvey, fetchResults } from '../surveys.js';

export const name = 'survey-results';
export const title = 'survey_results.page_title';

function valueLabel(q, v) {
  if (q.kind === 'rating') return `${v.value} · ${t(`rating.${v.value}`)}`;
  if (q.kind === 'nps') return formatNumber(v.value);
  return v.label ?? formatNumber(v.value + 1);
}

// One row per possible answer, zeros included; shares are of those who answered the question.
function bars(q) {
  return barList(q.distribution.map((v) => {
    const share = shareOf(v.count, q.answered);
    return {
      label: valueLabel(q, v),
      value: t('survey_results.count', { n: formatNumber(v.count), share: formatPercent(share) }),
      share,
      dataset: { value: v.value },
    };
  }), {
    class: q.kind === 'nps' ? 'bars bars-compact' : 'bars', 'aria-label': t('survey_results.distribution'),
  });
}

// The headline figures of a rating (mean, CSAT) or a score (NPS), each with what it means.
function figures(q) {
  const rows = [];
  if (q.mean != null) rows.push(['mean', t('survey_results.mean_value', { mean: formatNumber(q.mean, 2, 2) })]);
  if (q.csat != null) rows.push(['csat', formatPercent(q.csat)]);
  if (q.nps != null) rows.push(['nps', formatSigned(q.nps)]);
  if (!rows.length) return null;
  return h('dl', { class: 'figures' }, rows.map(([key, value]) => h('div', { class: `figure figure-${key}` },
    h('dt', {}, t(`survey_results.${key}`)),
    h('dd', {}, value),
    h('dd', { class: 'hint' }, t(`survey_results.${key}_hint`)))));
}

function questionResult(q) {
  const id = `result-${q.position}`;
  return h('section', {
    class: 'question-result', id, 'aria-labelledby': `${id}-title`, dataset: { kind: q.kind },
  },
  h('h3', { id: `${id}-title` }, `${q.position}. ${q.prompt}`),
  h('p', { class: 'meta answered' }, plural('survey_results.answered', q.answered, { n: formatNumber(q.answered) })),
  figures(q),
  q.distribution && q.kind === 'multiple_choice' && h('p', { class: 'hint' }, t('survey_results.multiple_hint')),
  q.distribution && bars(q),
  q.kind === 'free_text' && h('p', { class: 'hint' }, t('survey_results.free_text')));
}

function totals(r) {
  const rows = [
    ['responses', formatNumber(r.responses)],
    ['checked_in', formatNumber(r.checked_in)],
    ['rate', r.response_rate != null ? formatPercent(r.response_rate) : t('survey_results.no_rate')],
  ];
  return [
    h('dl', { id: 'survey-totals', class: 'totals totals-3' }, rows.map(([key, value]) => h('div', {
      class: `total total-${key}`,
    }, h('dt', {}, t(`survey_results.${key}`)), h('dd', { id: `survey-${key.replace('_', '-')}` }, value)))),
    h('p', { class: 'hint' }, t('survey_results.rate_hint')),
  ];
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const [e, s] = await Promise.all([fetchEvent(id, signal), fetchSurvey(id, signal)]);
  root.append(breadcrumb(eventHash(id), e.title));
  const r = s && await fetchResults(s.id, signal);
  root.append(h('h1', { id: 'results-title' },
    s ? t('survey_results.heading', { title: s.title }) : t('survey_results.page_title')));
  if (!r) {
    root.append(h('p', { class: 'notice notice-plain', id: 'results-missing' },
      t(s ? 'survey_results.not_published' : 'survey.none')));
    return;
  }
  append(root,
    !r.published && h('div', { class: 'notice notice-plain', id: 'results-preview' },
      h('p', {}, t('survey_results.preview'))),
    totals(r),
    !r.breakdown_shown && h('div', { class: 'notice notice-plain', id: 'results-few' },
      h('p', {}, t('survey_results.few'))),
    h('h2', {}, t('survey_results.by_question')),
    h('div', { id: 'survey-questions' }, [...r.questions].sort((a, b) => a.position - b.position).map(questionResult)),
  );
}
