// One decision: its catalog entry, where it stands, and its public timeline; for a logged-in
// resident also their own comments on it.

import { getUser, isLoggedIn, canManage, fetchAll } from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, details, timeEl, textBlocks, panel, breadcrumb, recordLang,
} from '../ui.js';
import { label, formatDate } from '../format.js';
import {
  decisionMeta, decisionHash, decisionPath, manageHash, fetchDecision, consultationNotice,
  documentLinks, sectionNames, commentList,
} from '../decisions.js';

export const name = 'decision';
export const title = 'decision.page_title';

function timelineList(entries) {
  const sorted = [...entries].sort((a, b) => new Date(a.at) - new Date(b.at));
  return h('ol', { id: 'timeline', class: 'timeline' }, sorted.map((e) => h('li', { class: 'timeline-entry' },
    h('p', { class: 'timeline-head' },
      timeEl(e.at, { time: true }), ' ', h('strong', {}, label('timeline', e.kind))),
    e.note && h('p', { class: 'timeline-note' }, e.note),
    documentLinks(e.documents),
  )));
}

function outcomeDetails(d) {
  return [
    d.deliberation && panel('decision-deliberation', t('decision.deliberation'), details([
      [t('deliberation.meeting_number'), d.deliberation.meeting_number],
      [t('deliberation.meeting_date'), formatDate(d.deliberation.meeting_date)],
      [t('deliberation.outcome'), label('deliberation_outcome', d.deliberation.outcome)],
      [t('deliberation.notes'), d.deliberation.notes],
    ])),
    d.result && panel('decision-result', t('decision.result'), details([
      [t('result.document_number'), d.result.document_number],
      [t('result.document_title'), d.result.document_title],
      [t('result.effective_date'), formatDate(d.result.effective_date)],
      [t('result.summary'), d.result.summary],
    ])),
  ];
}

async function myComments(d, signal) {
  const drafts = await fetchAll(decisionPath(d.id, '/drafts'), { signal });
  return commentList({
    id: d.id,
    params: { mine: true },
    names: sectionNames(drafts),
    signal,
    empty: t('decision.my_comments_empty'),
    showOutcomes: Boolean(d.feedback_published_at),
  });
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const [d, timeline] = await Promise.all([fetchDecision(id, '', signal), fetchAll(decisionPath(id, '/timeline'), { signal })]);

  const links = [
    d.current_draft_version && h('a', { id: 'read-draft', class: 'button', href: decisionHash(id, '/draft') },
      d.consultation?.is_open ? t('decision.read_and_comment') : t('decision.read_draft')),
    d.feedback_published_at && h('a', {
      id: 'read-feedback', class: 'button button-secondary', href: decisionHash(id, '/feedback'),
    }, t('decision.read_feedback')),
    canManage(getUser(), d) && h('a', {
      id: 'manage-decision', class: 'button button-secondary', href: manageHash(id),
    }, t('decision.manage')),
  ].filter(Boolean);

  append(root,
    breadcrumb('#/decisions', t('decisions.title')),
    h('h1', { id: 'decision-title', lang: recordLang(d.title) }, d.title),
    decisionMeta(d),
    d.stage === 'withdrawn' && h('div', { class: 'notice notice-plain', id: 'withdrawn-reason' },
      h('p', {}, h('strong', {}, t('decision.withdrawn')), d.withdrawn_reason)),
    d.consultation && d.stage !== 'withdrawn' && consultationNotice(d),
    links.length > 0 && h('p', { class: 'actions' }, links),
    panel('decision-entry', t('decision.entry'), details([
      [t('decision.summary'), textBlocks(d.summary)],
      [t('decision.background'), textBlocks(d.background)],
      [t('decision.legal_basis'), textBlocks(d.legal_basis)],
      [t('decision.timetable'), textBlocks(d.timetable)],
    ].map(([k, v]) => [k, v.length ? v : null]))),
    outcomeDetails(d),
    panel('decision-timeline', t('decision.timeline'), timelineList(timeline)),
  );

  if (isLoggedIn()) {
    root.append(panel('decision-mine', t('decision.my_comments'), await myComments(d, signal)));
  }
}
