// Staff console, representatives section: the profiles waiting for verification, oldest
// first; each is verified, or refused with a reason the applicant is told.

import { api, query } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, flash, handleSubmit, pagedList, timeEl, recordText, recordLang, textBlocks, details,
} from '../ui.js';
import { label } from '../format.js';
import { representativeBadge } from '../meetings.js';
import { staffUser, staffSections } from '../staff.js';

export const name = 'staff-representatives';
export const title = 'staff_reps.title';
export const requiresLogin = true;

function reviewForm(ctx, p) {
  const reasonId = `rep-reason-${p.id}`;
  const form = h('form', { class: 'form verify-form', 'aria-label': t('staff_reps.review_of', { name: p.name }) },
    field({
      id: reasonId, name: 'reason', tag: 'textarea', rows: 2, maxlength: 500,
      label: t('staff_reps.reason'), hint: t('staff_reps.reason_hint'),
    }),
    h('p', { class: 'actions' },
      h('button', {
        type: 'submit', class: 'button rep-verify', name: 'verdict', value: 'verified',
      }, t('staff_reps.verify')),
      h('button', {
        type: 'submit', class: 'button button-secondary rep-refuse', name: 'verdict', value: 'refused',
      }, t('staff_reps.refuse'))));
  handleSubmit(form, async (values) => {
    await api('POST', `/representatives/${encodeURIComponent(p.id)}/verification`, {
      verdict: values.verdict,
      reason: values.reason.trim() || undefined,
    });
    flash(() => t(values.verdict === 'verified' ? 'flash.rep_verified' : 'flash.rep_refused', { name: p.name }),
      'success', { keep: true });
    ctx.go(location.hash);
  });
  return form;
}

function profileItem(ctx, p) {
  return h('li', { class: 'rep-item', dataset: { id: p.id } },
    h('h2', { class: 'rep-name' }, recordText(p.name), ' ', representativeBadge(p.status)),
    details([
      [t('representative.category'), label('category', p.category)],
      [t('representative.organisation'), recordText(p.organisation)],
      [t('representative.eligibility'), label('eligibility', p.eligibility)],
      [t('representative.statement'), h('div', { class: 'prose', lang: recordLang(p.statement) }, textBlocks(p.statement))],
      [t('representative.created_at'), timeEl(p.created_at, { time: true })],
    ]),
    p.status === 'pending' && reviewForm(ctx, p));
}

export async function render(root, ctx) {
  root.append(h('h1', { id: 'staff-reps-title' }, t('staff_reps.title')));
  const user = await staffUser(root, ctx);
  if (!user) return;
  const list = await pagedList({
    id: 'rep-queue',
    class: 'rep-list',
    empty: t('staff_reps.empty'),
    fetchPage: (cursor) => api('GET', `/representatives${query({ status: 'pending', limit: 20, cursor })}`, undefined,
      { signal: ctx.signal }),
    renderItem: (p) => profileItem(ctx, p),
  });
  root.append(
    staffSections('representatives'),
    h('p', { class: 'lead' }, t('staff_reps.lead')),
    list,
  );
}
