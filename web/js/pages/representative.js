// The signed-in resident's public-representative profile: apply for one, see whether staff
// verified or refused it (and why), withdraw it.

import { api, fetchMe } from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, field, flash, handleSubmit, details, timeEl, recordText, recordLang, textBlocks, panel,
  breadcrumb, confirmStep, currentUser,
} from '../ui.js';
import { label, codeOptions } from '../format.js';
import { CATEGORIES, ELIGIBILITY, representativeBadge } from '../meetings.js';

export const name = 'representative';
export const title = 'representative.title';
export const requiresLogin = true;

// The caller's profile: pending, verified, or the latest refused or withdrawn; null for none.
async function myProfile(signal) {
  try {
    return await api('GET', '/me/representative', undefined, { signal });
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

function profilePanel(ctx, p) {
  const active = p.status === 'pending' || p.status === 'verified';
  return panel('representative-profile', t('representative.profile'),
    h('p', { class: 'receipt-title', id: 'representative-status' }, representativeBadge(p.status), ' ',
      t(`representative.status_note.${p.status}`)),
    p.status === 'refused' && p.reason && h('div', { class: 'notice notice-cancelled', id: 'representative-reason' },
      h('p', {}, t('representative.reason')), recordText(p.reason, 'p')),
    details([
      [t('representative.name'), recordText(p.name)],
      [t('representative.category'), label('category', p.category), 'representative-category'],
      [t('representative.organisation'), recordText(p.organisation), 'representative-organisation'],
      [t('representative.eligibility'), label('eligibility', p.eligibility)],
      [t('representative.statement'), h('div', { class: 'prose', lang: recordLang(p.statement) }, textBlocks(p.statement))],
      [t('representative.created_at'), timeEl(p.created_at, { time: true })],
    ]),
    active && confirmStep({
      id: 'representative-withdraw',
      label: t('representative.withdraw'),
      question: t(p.status === 'verified' ? 'representative.withdraw_question_verified' : 'representative.withdraw_question'),
      yes: t('representative.withdraw_yes'),
      no: t('representative.withdraw_no'),
      actionClass: 'representative-withdraw',
      action: async () => {
        await api('DELETE', '/me/representative');
        await fetchMe().catch(() => {}); // the role is gone
        flash(() => t('flash.representative_withdrawn'), 'success', { keep: true });
        ctx.go(location.hash);
      },
    }));
}

function applyPanel(ctx, again) {
  const form = h('form', { id: 'representative-form', class: 'form', 'aria-labelledby': 'representative-apply-title' },
    field({
      id: 'representative-category', name: 'category', tag: 'select', label: t('representative.category'),
      hint: t('representative.category_hint'),
      options: codeOptions('category', CATEGORIES, t('form.choose')),
    }),
    field({
      id: 'representative-organisation', name: 'organisation', label: t('representative.organisation'),
      hint: t('representative.organisation_hint'), maxlength: 200, required: true,
    }),
    field({
      id: 'representative-statement', name: 'statement', tag: 'textarea', rows: 4,
      label: t('representative.statement'), hint: t('representative.statement_hint'), maxlength: 1000, required: true,
    }),
    field({
      id: 'representative-eligibility', name: 'eligibility', tag: 'select', label: t('representative.eligibility'),
      hint: t('representative.eligibility_hint'),
      options: codeOptions('eligibility', ELIGIBILITY, t('form.choose')),
    }),
    h('button', { type: 'submit', id: 'representative-submit', class: 'button' }, t('representative.submit')));
  handleSubmit(form, async (values) => {
    await api('POST', '/representatives', {
      category: values.category || undefined,
      organisation: values.organisation.trim(),
      statement: values.statement.replace(/\r\n?/g, '\n').trim(),
      eligibility: values.eligibility || undefined,
    });
    flash(() => t('flash.representative_applied'), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return panel('representative-apply', t(again ? 'representative.apply_again' : 'representative.apply'),
    h('p', { class: 'hint' }, t('representative.apply_intro')), form);
}

export async function render(root, ctx) {
  root.append(
    breadcrumb('#/me', t('me.title')),
    h('h1', { id: 'representative-title' }, t('representative.title')),
    h('p', { class: 'lead' }, t('representative.lead')),
  );
  const user = await currentUser(ctx);
  if (!user) return;
  const p = await myProfile(ctx.signal);
  const active = p && (p.status === 'pending' || p.status === 'verified');
  append(root,
    p && profilePanel(ctx, p),
    !active && applyPanel(ctx, Boolean(p)),
    h('p', { class: 'actions' },
      h('a', { id: 'representative-meetings', class: 'button button-secondary', href: '#/meetings' }, t('representative.see_meetings'))));
}
