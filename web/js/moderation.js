// Staff work on a decision's comments: the moderation queue and the outcomes (采纳情况).

import { api, ApiError } from './api.js';
import { t } from './i18n.js';
import {
  h, field, checkbox, flash, handleSubmit, errorMessage, setFieldError, clearFieldErrors,
  requireFilled, panel, labelIn, namedFieldError,
} from './ui.js';
import {
  OUTCOMES, REJECTION_REASONS, commentItem, commentList,
} from './decisions.js';
import { codeOptions } from './format.js';

function commentPath(id, action) {
  return `/comments/${encodeURIComponent(id)}/${action}`;
}

// Publish, or reject with a reason, one pending comment; onDone(updated, doneNote).
function moderationForm(comment, onDone) {
  const form = h('form', {
    class: 'comment-actions', 'aria-label': t('moderation.form_label', { number: comment.tracking_number }),
  },
  h('button', {
    type: 'submit', name: 'action', value: 'publish', class: 'button button-small',
  }, t('moderation.publish')),
  field({
    id: `reject-reason-${comment.id}`, name: 'reason', tag: 'select', label: t('moderation.reason'),
    options: codeOptions('rejection', REJECTION_REASONS, t('form.choose')),
  }),
  h('button', {
    type: 'submit', name: 'action', value: 'reject', class: 'button button-small button-secondary',
  }, t('moderation.reject')));
  handleSubmit(form, async ({ action, reason }) => {
    const updated = await api('POST', commentPath(comment.id, 'moderation'),
      action === 'reject' ? { action, reason: reason || undefined } : { action });
    const done = h('p', { class: 'done', tabindex: -1 }, t(`moderation.done_${action}`));
    onDone(updated, done);
    done.focus();
  });
  return form;
}

export async function moderationPanel(decision, names, signal, onPublished) {
  const list = await commentList({
    id: decision.id,
    params: { status: 'pending' },
    limit: 50,
    signal,
    empty: t('moderation.empty'),
    renderItem: (c) => {
      const item = commentItem(c, names, moderationForm(c, (updated, done) => {
        item.replaceWith(commentItem(updated, names, done));
        if (updated.status === 'published') onPublished(updated);
      }));
      return item;
    },
  });
  return panel('panel-moderation', t('moderation.title'), h('p', { class: 'hint' }, t('moderation.intro')), list);
}

// Published comments with a checkbox each; one outcome (and reason) applied to all those
// selected, one PUT per comment, failures reported next to each comment.
// Answers {element, add(comment)} so newly published comments can join the list.
export async function outcomesPanel(decision, names, signal) {
  const duplicateOf = field({
    id: 'outcome-duplicate-of', name: 'duplicate_of', tag: 'select', label: t('outcomes.duplicate_of'),
    hint: t('outcomes.duplicate_of_hint'), options: [{ value: '', label: t('form.choose') }],
  });
  const duplicateSelect = duplicateOf.querySelector('select');
  const renderItem = (c) => {
    if (![...duplicateSelect.options].some((o) => o.value === c.id)) {
      duplicateSelect.append(h('option', { value: c.id }, `${c.tracking_number} · ${c.body.slice(0, 30)}`));
    }
    const id = `pick-${c.id}`;
    return commentItem(c, names,
      h('p', { class: 'field-check pick-row' },
        h('input', {
          type: 'checkbox', id, class: 'pick', value: c.id,
        }),
        h('label', { for: id }, t('outcomes.pick', { number: c.tracking_number }))),
      h('p', { class: 'field-error', id: `${id}-error` }));
  };
  const paged = await commentList({
    id: decision.id, params: { status: 'published' }, limit: 100, signal, empty: t('outcomes.empty'), renderItem,
  });
  const list = paged.querySelector('ul');
  const picks = () => [...list.querySelectorAll('input.pick')];

  const all = checkbox({ id: 'outcome-all', label: t('outcomes.select_all') });
  all.querySelector('input').addEventListener('change', (event) => {
    for (const pick of picks()) pick.checked = event.target.checked;
  });
  const form = h('form', { id: 'outcome-form', class: 'form form-wide', 'aria-labelledby': 'panel-outcomes-title' },
    all,
    field({
      id: 'outcome-outcome', name: 'outcome', tag: 'select', label: t('outcomes.outcome'),
      options: codeOptions('outcome', OUTCOMES, t('form.choose')),
    }),
    field({
      id: 'outcome-reason', name: 'reason', tag: 'textarea', rows: 3, label: t('outcomes.reason'),
      hint: t('outcomes.reason_hint'),
    }),
    duplicateOf,
    h('button', { type: 'submit', id: 'outcome-submit', class: 'button' }, t('outcomes.apply')),
  );
  handleSubmit(form, async (values) => {
    for (const pick of picks()) clearFieldErrors(pick.closest('li'));
    const chosen = picks().filter((p) => p.checked);
    if (!chosen.length) throw new ApiError(422, { code: 'none_selected' });
    requireFilled(values, ['outcome']);
    const body = {
      outcome: values.outcome,
      reason: values.reason.trim() || undefined,
      duplicate_of: values.outcome === 'duplicate' ? values.duplicate_of || undefined : undefined,
    };
    const failures = [];
    for (const pick of chosen) {
      try {
        pick.closest('li').replaceWith(renderItem(await api('PUT', commentPath(pick.value, 'outcome'), body)));
      } catch (err) {
        failures.push(err);
        // The errors name fields of the outcome form, not the comment they are shown by.
        setFieldError(pick, () => (err.errors?.length
          ? err.errors.map((e) => namedFieldError(e, labelIn(form))).join(' ')
          : errorMessage(err)));
      }
    }
    all.querySelector('input').checked = false;
    if (failures.length === chosen.length) throw failures[0]; // field errors then land on this form
    const counts = { ok: chosen.length - failures.length, failed: failures.length };
    if (failures.length) flash(() => t('outcomes.partly_done', counts), 'error');
    else flash(() => t('outcomes.done', counts), 'success');
  });

  return {
    element: panel('panel-outcomes', t('outcomes.title'), h('p', { class: 'hint' }, t('outcomes.intro')), form, paged),
    add(comment) {
      list.append(renderItem(comment));
      paged.querySelector('.empty').hidden = true;
    },
  };
}
