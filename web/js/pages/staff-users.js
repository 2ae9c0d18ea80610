// Staff console, accounts (admins only): find a person by their exact login and, once the
// service desk has checked their ID, issue them a one-time password-reset code.

import { api, query } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, flash, handleSubmit, whileBusy, details, timeEl, recordText, panel,
} from '../ui.js';
import { label, formatDate } from '../format.js';
import { staffUser, staffSections, forbiddenNotice } from '../staff.js';

export const name = 'staff-users';
export const title = 'staff_users.title';
export const requiresLogin = true;

// The person found and the code issued, kept while the page stays (a language switch draws it
// again) and forgotten once the admin goes elsewhere: the code is shown this once only.
let state = null; // {login, person: UserSummary | null, issued: {code, expires_at} | null}
window.addEventListener('hashchange', () => {
  state = null;
});

function codeView(issued) {
  return h('div', { class: 'reset-code', id: 'reset-code', tabindex: '-1' },
    h('p', { class: 'reset-code-label' }, t('staff_users.code_label')),
    h('p', { class: 'reset-code-value' }, h('code', { id: 'reset-code-value' }, issued.code)),
    h('p', { id: 'reset-code-expires' }, t('staff_users.code_expires', {
      time: formatDate(issued.expires_at, { time: true }),
    })),
    h('p', { class: 'reset-code-once' }, t('staff_users.code_once')));
}

function personView(slot, person) {
  const issue = h('button', { type: 'button', id: 'issue-reset-code', class: 'button' },
    t(state.issued ? 'staff_users.issue_again' : 'staff_users.issue'));
  issue.addEventListener('click', () => whileBusy([issue], async () => {
    state.issued = await api('POST', `/users/${encodeURIComponent(person.id)}/password-reset-codes`);
    flash(() => t('flash.reset_code_issued'), 'success');
    showResult(slot);
    slot.querySelector('#reset-code')?.focus();
  }));
  return h('div', { class: 'user-item', dataset: { id: person.id } },
    h('h3', { class: 'user-name' }, recordText(person.display_name)),
    details([
      [t('staff_users.login_masked'), person.login_masked, 'user-login-masked'],
      [t('me.roles'), person.roles.map((r) => label('role', r)).join(t('list.separator'))],
      [t('me.department'), person.department?.name && recordText(person.department.name)],
      [t('me.created_at'), timeEl(person.created_at, { time: true })],
    ]),
    h('p', { class: 'hint' }, t('staff_users.issue_hint')),
    h('p', { class: 'actions' }, issue),
    state.issued && codeView(state.issued));
}

function showResult(slot) {
  if (!state) {
    slot.replaceChildren();
    return;
  }
  slot.replaceChildren(state.person
    ? personView(slot, state.person)
    : h('p', { class: 'empty', id: 'user-none' }, t('staff_users.none', { login: state.login })));
}

export async function render(root, ctx) {
  root.append(h('h1', { id: 'staff-users-title' }, t('staff_users.title')));
  const user = await staffUser(root, ctx);
  if (!user) return;
  root.append(staffSections('users'));
  if (!user.roles.includes('admin')) {
    root.append(forbiddenNotice(t('staff_users.forbidden')));
    return;
  }

  const result = h('div', { id: 'user-result', class: 'user-result' });
  const form = h('form', { id: 'user-find-form', class: 'form track-form', 'aria-labelledby': 'user-find-title' },
    field({
      id: 'user-find-login', name: 'login', label: t('field.login'), hint: t('staff_users.login_hint'),
      autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true,
    }),
    h('button', { type: 'submit', id: 'user-find-submit', class: 'button' }, t('staff_users.find')));
  handleSubmit(form, async (values) => {
    state = null;
    showResult(result);
    // Exact login: at most one account.
    const page = await api('GET', `/users${query({ login: values.login.trim() })}`);
    state = { login: values.login.trim(), person: page.items[0] || null, issued: null };
    showResult(result);
    const found = result.querySelector('.user-name, #user-none'); // read out next
    found.tabIndex = -1;
    found.focus();
  });
  showResult(result);

  root.append(
    h('p', { class: 'lead' }, t('staff_users.lead')),
    panel('user-find', t('staff_users.find_title'), form, result),
  );
}
