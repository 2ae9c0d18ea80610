// Pieces the decision pages share: stages, comments, the consultation window, the feedback
// report and the catalog-entry fields. Text only through textContent (via h()).

import { api, query, fetchAll } from './api.js';
import { t, plural } from './i18n.js';
import {
  h, append, keyedField, timeEl, textBlocks, pagedList, recordText, recordLang,
} from './ui.js';
import { label, windowDates } from './format.js';

export const STAGES = [
  'catalogued', 'draft_published', 'consultation_open', 'consultation_closed',
  'feedback_published', 'deliberated', 'decided', 'withdrawn',
];
export const OUTCOMES = ['adopted', 'partially_adopted', 'not_adopted', 'duplicate'];
const COUNTED = [...OUTCOMES, 'total']; // the columns of OutcomeCounts
export const REJECTION_REASONS = ['spam', 'abusive', 'off_topic', 'personal_data'];

// Stages in which the catalog entry may change and the decision may be withdrawn.
export const ACTIVE_STAGES = STAGES.slice(0, 6);

// A badge says what a person can do now: a draft whose consultation is scheduled but not yet
// open says so (the stage is still draft_published until the window opens).
export function stageBadge(d) {
  const scheduled = d.stage === 'draft_published' && Boolean(d.consultation || d.consultation_closes_at);
  return scheduled
    ? h('span', { class: 'badge stage-draft_published' }, t('consultation.upcoming_badge'))
    : h('span', { class: `badge stage-${d.stage}` }, label('stage', d.stage));
}

// '#/decisions/<id>' plus an optional '/draft', '/feedback'.
export function decisionHash(id, sub = '') {
  return `#/decisions/${encodeURIComponent(id)}${sub}`;
}

// The staff console's page for a decision.
export function manageHash(id) {
  return `#/staff/decisions/${encodeURIComponent(id)}`;
}

// '/decisions/<id>' plus an optional '/timeline', … for api().
export function decisionPath(id, sub = '') {
  return `/decisions/${encodeURIComponent(id)}${sub}`;
}

// GET /decisions/<id><sub> for a page; signal aborts it when the page is left.
export function fetchDecision(id, sub, signal) {
  return api('GET', decisionPath(id, sub), undefined, { signal });
}

// [decision, its drafts (newest first)].
export function fetchWithDrafts(id, signal) {
  return Promise.all([fetchDecision(id, '', signal), fetchAll(decisionPath(id, '/drafts'), { signal })]);
}

// Stage badge, sponsor and catalog year.
export function decisionMeta(d) {
  return h('p', { class: 'meta' },
    stageBadge(d), ' ', `${d.sponsor.name} · ${t('decisions.year_n', { year: d.year })}`);
}

// ---- the catalog list

// One decision as <li>, its title linking to href.
export function decisionItem(d, href = decisionHash(d.id), ...extra) {
  return h('li', { class: 'decision-item' },
    h('h2', { class: 'decision-title' },
      h('a', {
        class: 'decision-link', href, dataset: { id: d.id }, lang: recordLang(d.title),
      }, d.title)),
    append(decisionMeta(d),
      d.consultation_closes_at && [' · ', t('decisions.closes_at'), timeEl(d.consultation_closes_at)]),
    extra,
  );
}

// A paged list of decisions for the filters given.
export function decisionList(filters, signal, renderItem = (d) => decisionItem(d)) {
  return pagedList({
    class: 'decision-list',
    empty: t('decisions.empty'),
    fetchPage: (cursor) => api('GET', `/decisions${query({ ...filters, limit: 20, cursor })}`, undefined, { signal }),
    renderItem,
  });
}

// ---- consultation window

// 'none' | 'upcoming' | 'open' | 'closed' | 'withdrawn'
export function consultationState(decision) {
  const c = decision.consultation;
  if (decision.stage === 'withdrawn') return 'withdrawn';
  if (!c) return 'none';
  if (c.is_open) return 'open';
  return new Date(c.opens_at) > new Date() ? 'upcoming' : 'closed';
}

// Where the window stands (open until …, closed on …), the window, and why it is short.
export function consultationNotice(decision) {
  const c = decision.consultation;
  const state = consultationState(decision);
  const dates = c && windowDates(c.opens_at, c.closes_at);
  return h('div', { class: `notice notice-${state === 'open' ? 'open' : 'plain'}` },
    h('p', {}, t(`consultation.${state}`, dates)),
    c && h('p', {}, t('consultation.window', dates)),
    c?.shortened_reason && h('p', {}, t('consultation.shortened'), c.shortened_reason),
  );
}

// ---- documents, sections, comments

// Links to published documents; only http(s) addresses become links.
export function documentLinks(documents = []) {
  if (!documents.length) return null;
  return h('ul', { class: 'documents' }, documents.map((d) => h('li', {},
    /^https?:\/\//i.test(d.url)
      ? h('a', { href: d.url, rel: 'noopener noreferrer', target: '_blank' }, d.title)
      : d.title)));
}

// A section's name: its heading or article number; the preamble has none.
export function sectionName(section) {
  return section.heading || t('draft.preamble');
}

// `${version}:${anchor}` -> section name, over all draft versions.
export function sectionNames(drafts = []) {
  const names = new Map();
  for (const d of drafts) for (const s of d.sections) names.set(`${d.version}:${s.anchor}`, sectionName(s));
  return names;
}

// 'Version 2 · 第一条' for a comment.
function commentTarget({ draft_version: version, section_anchor: anchor }, names) {
  const section = anchor ? names.get(`${version}:${anchor}`) || anchor : t('comment.whole_draft');
  return `${t('draft.version_n', { n: version })} · ${section}`;
}

// A comment as <li>. The author and staff also get its tracking number and status.
export function commentItem(comment, names, ...extra) {
  return h('li', { class: 'comment', dataset: { id: comment.id } },
    h('p', { class: 'comment-meta' },
      h('span', { class: 'comment-author' }, comment.author), ' · ',
      timeEl(comment.created_at, { time: true }), ' · ',
      commentTarget(comment, names),
      comment.channel && comment.channel !== 'online' && ` · ${label('channel', comment.channel)}`),
    comment.tracking_number && h('p', { class: 'comment-meta' },
      t('comment.tracking_number'), h('strong', { class: 'tracking-number' }, comment.tracking_number),
      comment.status && [' ', h('span', { class: `badge status-${comment.status}` },
        label('comment_status', comment.status))],
      comment.rejection_reason
        && ` ${t('comment.rejected_for', { reason: label('rejection', comment.rejection_reason) })}`),
    h('div', { class: 'comment-body' }, textBlocks(comment.body)),
    comment.outcome && h('p', { class: 'comment-outcome' }, t('comment.outcome'), label('outcome', comment.outcome),
      comment.outcome_reason && ` — ${comment.outcome_reason}`),
    extra,
  );
}

// A paged list of a decision's comments; params: {mine} or {status} (staff).
// renderItem(comment) defaults to commentItem with the section names given; outcomes are left
// out until the feedback report publishes them (showOutcomes false).
export function commentList({
  id, params = {}, names, signal, empty, limit = 20, showOutcomes = true,
  renderItem = (c) => commentItem(showOutcomes ? c : { ...c, outcome: undefined }, names),
}) {
  return pagedList({
    class: 'comments',
    empty,
    fetchPage: (cursor) => fetchDecision(id, `/comments${query({ ...params, limit, cursor })}`, signal),
    renderItem,
  });
}

// ---- where a comment stands (CommentReceipt: the author's list, a tracking-number lookup)

// A comment's status as a badge, with the reason when it was not published.
function statusLine(r) {
  return h('p', { class: 'comment-meta' },
    t('comment.status'), h('span', { class: `badge status-${r.status}` }, label('comment_status', r.status)),
    r.rejection_reason && ` ${t('comment.rejected_for', { reason: label('rejection', r.rejection_reason) })}`);
}

// A CommentReceipt: the decision (linked), tracking number, date, status, the text (in the
// author's own list only) and, once the feedback report is out, the outcome and its reason.
// tag: 'li' in a list; level: the heading level of the decision's title.
export function receiptView(r, { tag = 'li', level = 3, id } = {}) {
  return h(tag, { class: 'comment comment-receipt', id, dataset: { tracking: r.tracking_number } },
    h(`h${level}`, { class: 'receipt-decision' },
      h('a', { href: decisionHash(r.decision_id), dataset: { id: r.decision_id } }, recordText(r.decision_title))),
    h('p', { class: 'comment-meta' },
      t('comment.tracking_number'), h('strong', { class: 'tracking-number' }, r.tracking_number), ' · ',
      t('comment.sent_at'), timeEl(r.created_at, { time: true })),
    statusLine(r),
    r.body && h('div', { class: 'comment-body', lang: recordLang(r.body) }, textBlocks(r.body)),
    r.outcome && h('p', { class: 'comment-outcome' }, t('comment.outcome'), label('outcome', r.outcome),
      r.outcome_reason && [' — ', recordText(r.outcome_reason)]),
  );
}

// ---- feedback report (采纳情况)

// Where a comment points: a section of a version, or the draft as a whole.
function sectionTitle(anchor, heading) {
  return anchor ? sectionName({ heading }) : t('comment.whole_draft');
}

// The report's parts; idPrefix names the totals block (`${idPrefix}-totals`), level is the
// heading level of its parts.
export function feedbackReport(report, idPrefix, level = 2) {
  const heading = (text) => h(`h${level}`, {}, text);
  const headings = new Map(report.by_section.map((s) => [s.section_anchor, s.heading]));
  const totals = h('dl', { id: `${idPrefix}-totals`, class: 'totals' }, COUNTED.map((o) => h('div', {
    class: `total total-${o}`,
  }, h('dt', {}, label('outcome', o)), h('dd', {}, String(report.totals[o] ?? 0)))));
  return [
    report.published_at
      ? h('p', { class: 'meta' }, t('feedback.published_at'), timeEl(report.published_at, { time: true }))
      : h('p', { class: 'notice notice-plain' }, t('feedback.preview')),
    heading(t('feedback.totals')),
    receivedLine(report, idPrefix),
    totals,
    report.narrative && [heading(t('feedback.narrative')), h('div', { class: 'prose' }, textBlocks(report.narrative))],
    heading(t('feedback.by_section')),
    report.by_section.length
      ? h('div', {
        class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': t('feedback.by_section'),
      },
      h('table', {},
        h('thead', {}, h('tr', {},
          [t('feedback.section'), ...COUNTED.map((o) => label('outcome', o))]
            .map((text) => h('th', { scope: 'col' }, text)))),
        h('tbody', {}, report.by_section.map((s) => h('tr', {},
          h('th', { scope: 'row' },
            `${t('draft.version_n', { n: s.draft_version })} · ${sectionTitle(s.section_anchor, s.heading)}`),
          COUNTED.map((o) => h('td', { class: 'num' }, String(s.counts[o] ?? 0)))))),
      ))
      : h('p', { class: 'empty' }, t('feedback.no_comments')),
    heading(t('feedback.not_adopted')),
    report.not_adopted.length
      ? h('ul', { class: 'reasons' }, report.not_adopted.map((r) => h('li', {},
        h('span', { class: 'reason-section' }, sectionTitle(r.section_anchor, headings.get(r.section_anchor))),
        recordText(r.reason),
        r.comments > 1 && h('span', { class: 'reason-count' }, ` (${plural('feedback.reason_comments', r.comments)})`))))
      : h('p', { class: 'empty' }, t('feedback.none_not_adopted')),
  ];
}

// How many comments came in, and how many were not published and why.
function receivedLine(report, idPrefix) {
  const rejected = report.not_published.reduce((n, r) => n + r.comments, 0);
  return h('p', { id: `${idPrefix}-received` },
    t('feedback.received', { received: report.received, published: report.totals.total, rejected }),
    report.not_published.length
      ? ` ${t('feedback.rejected_by_reason', {
        reasons: report.not_published
          .map((r) => t('feedback.reason_count', { reason: label('rejection', r.reason), n: r.comments }))
          .join(t('list.separator')),
      })}`
      : '');
}

// ---- catalog entry form fields (create and edit)

const CATALOG_FIELDS = [
  ['title', 'input'], ['summary', 'textarea', 3], ['background', 'textarea', 6],
  ['legal_basis', 'textarea', 3], ['timetable', 'textarea', 2],
];

export function catalogFields(prefix, decision = {}) {
  return CATALOG_FIELDS.map(([name, tag, rows]) => keyedField('decision', prefix, name, {
    tag, rows, value: decision[name],
  }));
}
