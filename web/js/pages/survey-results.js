// A survey's results: how many answered, and per question the figures and how the answers
// spread, as bars; then the written answers staff chose to publish (masked), a page at a time.
// Public once published; the host department's staff see them live.

import { t, plural } from '../i18n.js';
import {
  h, append, breadcrumb, recordText, loadMore, flash, errorMessage,
} from '../ui.js';
import {
  formatNumber, formatPercent, formatSigned,
} from '../format.js';
import { barList, gauge, shareOf } from '../charts.js';
import { eventHash, fetchEvent } from '../events.js';
import {
  fetchSurvey, fetchResults, fetchTexts, freeTextQuestions,
} from '../surveys.js';

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

// NPS groups by the score given, in the dial's order (low to high).
const NPS_GROUPS = [['detractors', 0, 6], ['passives', 7, 8], ['promoters', 9, 10]];

// An NPS as a gauge from −100 to +100, with the shares of detractors, passives and promoters
// counted from the distribution.
function npsGauge(q, id) {
  const whole = q.distribution.reduce((sum, v) => sum + v.count, 0);
  const parts = NPS_GROUPS.map(([key, low, high]) => {
    const count = q.distribution.filter((v) => v.value >= low && v.value <= high)
      .reduce((sum, v) => sum + v.count, 0);
    const share = shareOf(count, whole);
    return {
      key,
      label: t(`survey_results.nps_${key}`),
      share,
      shareText: formatPercent(share),
      countText: plural('survey_results.nps_people', count, { n: formatNumber(count) }),
    };
  });
  const text = Object.fromEntries(parts.map((p) => [p.key, p.shareText]));
  return gauge({
    id: `${id}-nps`,
    caption: t('survey_results.nps'),
    value: q.nps,
    valueText: formatSigned(q.nps),
    labels: [formatSigned(-100), formatSigned(0), formatSigned(100)],
    parts,
    summary: t('survey_results.nps_summary', { nps: formatSigned(q.nps), ...text }),
    hint: t('survey_results.nps_hint'),
  });
}

function questionResult(q, breakdownShown) {
  const id = `result-${q.position}`;
  const withGauge = breakdownShown && q.kind === 'nps' && q.nps != null && q.distribution;
  return h('section', {
    class: 'question-result', id, 'aria-labelledby': `${id}-title`, dataset: { kind: q.kind },
  },
  h('h3', { id: `${id}-title` }, `${q.position}. `, recordText(q.prompt)),
  h('p', { class: 'meta answered' }, plural('survey_results.answered', q.answered, { n: formatNumber(q.answered) })),
  withGauge ? npsGauge(q, id) : figures(q),
  q.distribution && q.kind === 'multiple_choice' && h('p', { class: 'hint' }, t('survey_results.multiple_hint')),
  q.distribution && bars(q),
  q.kind === 'free_text' && h('p', { class: 'hint', id: `${id}-texts-note` }, t('survey_results.free_text')));
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

// A page of answers as the public reads them. The public asks as the public (published ones,
// masked, from 5 responses on); staff previewing unpublished results get every answer and keep
// the published ones, reading on while a page holds none of them.
async function publicTexts(r, cursor, signal) {
  if (r.published) return fetchTexts(r.survey_id, { cursor, signal, auth: false });
  let page = { next_cursor: cursor };
  do {
    page = await fetchTexts(r.survey_id, { cursor: page.next_cursor, limit: 100, signal });
    page.items = page.items.filter((a) => a.published);
  } while (!page.items.length && page.next_cursor);
  return page;
}

// "What participants suggested": the published written answers under their question, a
// "more" button while there are more. Nothing at all while there are none.
async function textsSection(root, r, signal) {
  const questions = freeTextQuestions(r.questions);
  if (!questions.length || !r.breakdown_shown) return null;
  const groups = h('div', { class: 'text-groups' });
  const section = h('section', {
    id: 'survey-texts', class: 'survey-texts', 'aria-labelledby': 'survey-texts-title', hidden: true,
  },
  h('h2', { id: 'survey-texts-title' }, t('survey_results.texts')),
  h('p', { class: 'hint' }, t('survey_results.texts_hint')),
  groups);
  const lists = new Map(); // question id -> <ul>
  const listFor = (q) => {
    if (!lists.has(q.question_id)) {
      const id = `texts-${q.position}`;
      const list = h('ul', { class: 'quotes', 'aria-labelledby': `${id}-title` });
      const group = h('div', { class: 'text-group', id, dataset: { position: q.position } },
        h('h3', { id: `${id}-title` }, `${q.position}. `, recordText(q.prompt)), list);
      const after = [...groups.children].find((g) => Number(g.dataset.position) > q.position);
      groups.insertBefore(group, after || null);
      lists.set(q.question_id, list);
      const note = root.querySelector(`#result-${q.position}-texts-note`);
      if (note) note.textContent = t('survey_results.free_text_some');
    }
    return lists.get(q.question_id);
  };
  let more;
  try {
    more = await loadMore((cursor) => publicTexts(r, cursor, signal), (items) => {
      const shown = items.map((a) => {
        const q = questions.find((x) => x.question_id === a.question_id);
        if (!q) return null;
        const item = h('li', { class: 'quote', dataset: { id: a.id } }, recordText(a.text, 'p'));
        listFor(q).append(item);
        return item;
      }).filter(Boolean);
      section.hidden = lists.size === 0;
      return shown[0];
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    if (err.status !== 404) flash(() => errorMessage(err), 'error'); // the figures stand without them
    return null;
  }
  return append(section, more);
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
    h('div', { id: 'survey-questions' }, [...r.questions].sort((a, b) => a.position - b.position)
      .map((q) => questionResult(q, r.breakdown_shown))),
  );
  append(root, await textsSection(root, r, signal));
}
