// Pieces the staff console pages share: who may enter, and panels with one action each.

import { isStaff } from './api.js';
import { t } from './i18n.js';
import {
  h, currentUser, flash, handleSubmit, panel,
} from './ui.js';

// The current user if they are staff or admin; otherwise says why not (or goes to the login
// page) and answers null.
export async function staffUser(root, ctx) {
  const user = await currentUser(ctx);
  if (user && !isStaff(user)) {
    root.append(h('p', { class: 'notice notice-plain', id: 'staff-forbidden' }, t('staff.forbidden')));
    return null;
  }
  return user;
}

// A panel with a form for one action. send(values) does the request; then the page is shown
// again (it may be in another stage now) with the `done` message.
export function actionPanel(ctx, {
  id, heading, intro, fields, submit, send, done, danger = false,
}) {
  const form = h('form', { id: `${id}-form`, class: 'form form-wide', 'aria-labelledby': `${id}-title` },
    fields,
    h('button', { type: 'submit', id: `${id}-submit`, class: danger ? 'button button-danger' : 'button' }, submit));
  handleSubmit(form, async (values) => {
    await send(values);
    flash(() => t(done), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return panel(id, heading, intro, form);
}
