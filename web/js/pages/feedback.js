// The feedback report (意见采纳情况): how the comments on a decision were taken into account.

import { t } from '../i18n.js';
import { h, append, breadcrumb } from '../ui.js';
import { decisionHash, fetchDecision, feedbackReport } from '../decisions.js';

export const name = 'feedback';
export const title = 'feedback.title';

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const [d, report] = await Promise.all([
    fetchDecision(id, '', signal),
    // Not published yet: 404 (staff of the sponsor get a preview instead).
    fetchDecision(id, '/feedback', signal).catch((err) => {
      if (err.status === 404) return null;
      throw err;
    }),
  ]);
  append(root,
    breadcrumb(decisionHash(id), d.title),
    h('h1', { id: 'feedback-title' }, t('feedback.heading', { title: d.title })),
    report
      ? feedbackReport(report, 'feedback')
      : h('p', { class: 'notice notice-plain', id: 'feedback-missing' }, t('feedback.not_published')),
  );
}
