// Pieces the staff console pages share: who may enter, its sections, panels with one action
// each, and CSV downloads.

import { isStaff, download, getUser } from './api.js';
import { t } from './i18n.js';
import {
  h, field, currentUser, flash, handleSubmit, errorMessage, saveFile, panel,
} from './ui.js';
import { departmentOptions } from './format.js';

// The current user if they are staff or admin; otherwise says why not (or goes to the login
// page) and answers null.
export async function staffUser(root, ctx) {
  const user = await currentUser(ctx);
  if (user && !isStaff(user)) {
    root.append(forbiddenNotice(t('staff.forbidden')));
    return null;
  }
  return user;
}

// Why the user may not work here (not staff, or not of the department concerned).
export function forbiddenNotice(text) {
  return h('p', { class: 'notice notice-plain', id: 'staff-forbidden' }, text);
}

// What a section lists: everything for an admin, the department's for staff; scope is the
// i18n prefix of `lead` and `lead_admin`.
export function staffLead(user, scope) {
  return h('p', { class: 'lead' }, user.roles.includes('admin')
    ? t(`${scope}.lead_admin`)
    : t(`${scope}.lead`, { department: user.department?.name || '' }));
}

// The department a new record belongs to: an admin chooses it; staff see their own, which the
// server takes when none is sent.
export async function departmentChoice(user, { id, name, label }, signal) {
  if (!user.roles.includes('admin')) {
    return h('p', { class: 'field' }, h('strong', {}, label), ' ', user.department?.name || '');
  }
  return field({
    id, name, label, tag: 'select', options: await departmentOptions(t('form.choose'), signal),
  });
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

// The console's sections (decisions, events, meetings, representatives; accounts for admins) as
// tabs above a section's list.
const SECTIONS = [['decisions', '#/staff'], ['events', '#/staff/events'], ['meetings', '#/staff/meetings'],
  ['representatives', '#/staff/representatives']];
const ADMIN_SECTIONS = [['users', '#/staff/users']];

export function staffSections(current) {
  const sections = getUser()?.roles?.includes('admin') ? [...SECTIONS, ...ADMIN_SECTIONS] : SECTIONS;
  return h('nav', { class: 'subnav', 'aria-label': t('staff.sections') },
    h('ul', {}, sections.map(([key, href]) => h('li', {},
      h('a', { id: `staff-section-${key}`, href, 'aria-current': key === current ? 'page' : null },
        t(`staff.section.${key}`))))));
}

// A button that downloads the CSV file at `path` (an api() path).
export function exportButton(path, label, id) {
  const button = h('button', { type: 'button', id, class: 'button button-secondary' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const { blob, filename } = await download(path);
      saveFile(blob, filename);
    } catch (err) {
      flash(() => errorMessage(err), 'error');
    }
    button.disabled = false;
  });
  return button;
}
