// Staff: manage one decision along its chain. Each panel appears only in the stages whose
// action the server allows; the server decides in the end (409 stage_is_…).

import { api, canManage } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, flash, requireFilled, panel, breadcrumb, confirmStep, clearFieldErrors, showFormError,
} from '../ui.js';
import {
  ACTIVE_STAGES, decisionMeta, decisionHash, decisionPath, fetchDecision, fetchWithDrafts,
  consultationNotice, catalogFields, sectionNames, feedbackReport,
} from '../decisions.js';
import {
  codeOptions, wallTimeToUtc, utcToWallTime, zoneName,
} from '../format.js';
import {
  staffUser, actionPanel, exportButton, forbiddenNotice,
} from '../staff.js';
import { moderationPanel, outcomesPanel } from '../moderation.js';
import { pageContents } from '../jump.js';

export const name = 'staff-decision';
export const title = 'staff.manage';
export const requiresLogin = true;

const COMMENT_STAGES = ['consultation_open', 'consultation_closed'];

// A field labelled with the i18n key given.
function text(id, name, key, attrs = {}) {
  return field({
    id, name, label: t(key), ...attrs,
  });
}

// The panels whose forms only send their fields and show the page again.
function formPanels(ctx, d, current) {
  const post = (sub, body) => api('POST', decisionPath(d.id, sub), body);
  const allowed = (stages) => stages.includes(d.stage);
  const extending = d.stage === 'consultation_open';
  return {
    draft: allowed(['catalogued', 'draft_published', 'consultation_open']) && actionPanel(ctx, {
      id: 'panel-draft',
      heading: current ? t('staff.draft_revise', { n: current.version + 1 }) : t('staff.draft_first'),
      intro: h('p', { class: 'hint' }, t('staff.draft_intro')),
      fields: [
        text('draft-body', 'body', 'staff.draft_body', { tag: 'textarea', rows: 14, value: current?.body }),
        current && text('draft-changelog', 'changelog', 'staff.draft_changelog', {
          tag: 'textarea', rows: 3, hint: t('staff.draft_changelog_hint'),
        }),
      ],
      submit: t('staff.draft_submit'),
      done: 'flash.draft_published',
      send: (v) => post('/drafts', { body: v.body, changelog: v.changelog?.trim() || undefined }),
    }),
    consultation: allowed(['draft_published', 'consultation_open']) && actionPanel(ctx, {
      id: 'panel-consultation',
      heading: extending ? t('staff.consultation_extend') : t('staff.consultation_open'),
      intro: [d.consultation && consultationNotice(d),
        h('p', { class: 'hint' }, t('staff.consultation_intro', { zone: zoneName() }))],
      fields: [
        !extending && text('consultation-opens-at', 'opens_at', 'staff.opens_at', {
          type: 'datetime-local', hint: t('staff.opens_at_hint'),
        }),
        text('consultation-closes-at', 'closes_at', 'staff.closes_at', {
          type: 'datetime-local', required: true, value: extending ? utcToWallTime(d.consultation.closes_at) : null,
        }),
        text('consultation-shortened-reason', 'shortened_reason', 'staff.shortened_reason', {
          tag: 'textarea', rows: 3, hint: t('staff.shortened_reason_hint'),
        }),
      ],
      submit: extending ? t('staff.consultation_extend') : t('staff.consultation_open'),
      done: extending ? 'flash.consultation_extended' : 'flash.consultation_opened',
      send: (v) => {
        requireFilled(v, ['closes_at']);
        return post('/consultation', {
          opens_at: wallTimeToUtc(v.opens_at),
          closes_at: wallTimeToUtc(v.closes_at),
          shortened_reason: v.shortened_reason?.trim() || undefined,
        });
      },
    }),
    deliberation: allowed(['feedback_published']) && actionPanel(ctx, {
      id: 'panel-deliberation',
      heading: t('staff.deliberation'),
      fields: [
        text('deliberation-meeting-number', 'meeting_number', 'deliberation.meeting_number', {
          hint: t('staff.meeting_number_hint'),
        }),
        text('deliberation-meeting-date', 'meeting_date', 'deliberation.meeting_date', {
          type: 'date', required: true,
        }),
        field({
          id: 'deliberation-outcome', name: 'outcome', tag: 'select', label: t('deliberation.outcome'),
          options: codeOptions('deliberation_outcome', ['approved', 'approved_with_amendments']),
        }),
        text('deliberation-notes', 'notes', 'deliberation.notes', { tag: 'textarea', rows: 3 }),
      ],
      submit: t('staff.deliberation_submit'),
      done: 'flash.deliberation_recorded',
      send: (v) => {
        requireFilled(v, ['meeting_date']);
        return post('/deliberation', { ...v, notes: v.notes.trim() || undefined });
      },
    }),
    result: allowed(['deliberated']) && actionPanel(ctx, {
      id: 'panel-result',
      heading: t('staff.result'),
      fields: [
        text('result-document-number', 'document_number', 'result.document_number', {
          hint: t('staff.document_number_hint'),
        }),
        text('result-document-title', 'document_title', 'result.document_title', { value: d.title }),
        text('result-effective-date', 'effective_date', 'result.effective_date', { type: 'date', required: true }),
        text('result-summary', 'summary', 'result.summary', { tag: 'textarea', rows: 3 }),
      ],
      submit: t('staff.result_submit'),
      done: 'flash.result_recorded',
      send: (v) => {
        requireFilled(v, ['effective_date']);
        return post('/result', { ...v, summary: v.summary.trim() || undefined });
      },
    }),
    edit: allowed(ACTIVE_STAGES) && actionPanel(ctx, {
      id: 'panel-edit',
      heading: t('staff.edit'),
      fields: catalogFields('edit', d),
      submit: t('staff.edit_submit'),
      done: 'flash.decision_updated',
      send: (v) => api('PATCH', decisionPath(d.id), v),
    }),
    withdraw: allowed(ACTIVE_STAGES) && actionPanel(ctx, {
      id: 'panel-withdraw',
      heading: t('staff.withdraw'),
      intro: h('p', { class: 'hint' }, t('staff.withdraw_intro')),
      fields: text('withdraw-reason', 'reason', 'staff.withdraw_reason', { tag: 'textarea', rows: 3 }),
      submit: t('staff.withdraw_submit'),
      done: 'flash.decision_withdrawn',
      danger: true,
      send: (v) => post('/withdrawal', { reason: v.reason }),
    }),
  };
}

// Preview of the report while comments are handled; publishing once the window closed, after
// a second, explicit "yes" (it cannot be taken back, and every commenter is notified).
async function feedbackPanel(ctx, d) {
  const report = await fetchDecision(d.id, '/feedback', ctx.signal);
  const preview = h('div', { class: 'preview' }, feedbackReport(report, 'preview', 3));
  if (d.stage !== 'consultation_closed') return panel('panel-feedback', t('staff.feedback'), preview);
  const form = h('form', {
    id: 'panel-feedback-form', class: 'form form-wide', 'aria-labelledby': 'panel-feedback-title',
  },
    text('feedback-narrative', 'narrative', 'staff.feedback_narrative', { tag: 'textarea', rows: 6 }));
  form.noValidate = true;
  form.addEventListener('submit', (event) => event.preventDefault()); // only "yes" publishes
  form.append(confirmStep({
    id: 'panel-feedback-submit',
    label: t('staff.feedback_submit'),
    question: t('staff.feedback_question'),
    yes: t('staff.feedback_yes'),
    no: t('staff.feedback_no'),
    actionClass: 'feedback-publish',
    action: async () => {
      clearFieldErrors(form);
      try {
        await api('POST', decisionPath(d.id, '/feedback'), { narrative: form.elements.narrative.value });
      } catch (err) {
        if (!err.errors?.length) throw err; // shown in #flash
        showFormError(form, err)?.focus(); // e.g. the statement too long, next to it
        return;
      }
      flash(() => t('flash.feedback_published'), 'success', { keep: true });
      ctx.go(location.hash);
    },
  }));
  return panel('panel-feedback', t('staff.feedback'), preview, h('p', { class: 'hint' }, t('staff.feedback_intro')),
    form);
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const heading = h('h1', { id: 'staff-decision-title' }, t('staff.manage'));
  root.append(breadcrumb('#/staff', t('staff.title')), heading);
  const user = await staffUser(root, ctx);
  if (!user) return;
  const [d, drafts] = await fetchWithDrafts(id, signal);
  heading.textContent = d.title;
  root.append(
    decisionMeta(d),
    h('p', { class: 'next-action' }, h('strong', {}, t('staff.next')), t(`staff.next.${d.stage}`)),
  );
  if (!canManage(user, d)) {
    root.append(forbiddenNotice(t('staff.not_yours')));
    return;
  }
  root.append(h('p', { class: 'actions' },
    h('a', { class: 'button button-secondary', href: decisionHash(id) }, t('staff.public_page')),
    d.feedback_published_at
      && h('a', { class: 'button button-secondary', href: decisionHash(id, '/feedback') }, t('decision.read_feedback')),
    exportButton(decisionPath(id, '/comments/export'), t('staff.export'), 'export-csv')));

  const panels = formPanels(ctx, d, drafts[0]);
  let comments = [];
  if (COMMENT_STAGES.includes(d.stage)) {
    const names = sectionNames(drafts);
    const outcomes = await outcomesPanel(d, names, signal);
    comments = [
      await moderationPanel(d, names, signal, (c) => outcomes.add(c)),
      outcomes.element,
      await feedbackPanel(ctx, d),
    ];
  }
  root.append(...[
    panels.draft, panels.consultation, ...comments, panels.deliberation, panels.result,
    panels.edit, panels.withdraw,
  ].filter(Boolean));
  pageContents(root);
}
