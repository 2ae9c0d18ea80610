// Profile: the logged-in user as the server knows them (GET /me), their notifications (marked
// read once shown), their comments on every decision with where each stands, and the account's
// settings: name, password, a copy of their data, and erasure.

import {
  api, ApiError, query, download, isStaff, updateMe, changePassword, eraseMe, markNotificationsRead,
} from '../api.js';
import { t } from '../i18n.js';
import {
  h, currentUser, details, timeEl, pagedList, field, flash, handleSubmit, confirmStep, whileBusy,
  saveFile, requireFilled, clearFieldErrors, showFormError, recordLang,
} from '../ui.js';
import { label, formatDate } from '../format.js';
import { receiptView } from '../decisions.js';

export const name = 'me';
export const title = 'me.title';
export const requiresLogin = true; // the router sends logged-out visitors to #/login

// The author's consent to be named with a comment, changed in place: public lists show the
// name or its mask (张**) from then on. A failure puts the box back and says why.
function nameConsent(r) {
  const id = `consent-${r.tracking_number}`;
  const status = h('span', { class: 'consent-status', role: 'status' });
  const box = h('input', {
    type: 'checkbox', id, class: 'consent-box', checked: r.name_consent === true,
  });
  box.addEventListener('change', async () => {
    const wanted = box.checked;
    box.disabled = true;
    status.textContent = '';
    try {
      await api('PUT', `/me/comments/${encodeURIComponent(r.tracking_number)}/name-consent`,
        { name_consent: wanted });
      status.textContent = t(wanted ? 'me.consent_given' : 'me.consent_withdrawn');
    } catch (err) {
      box.checked = !wanted;
      status.textContent = err.message;
    } finally {
      box.disabled = false;
    }
  });
  return h('p', { class: 'consent' }, box, ' ', h('label', { for: id }, t('me.consent_label')), ' ', status);
}

function roleNames(roles = []) {
  return roles.map((r) => label('role', r)).join(t('list.separator'));
}

// Title and body come from the server in the language Accept-Language asked for, or in the
// one it has (lang says which); the link, if any, is a page of the portal. An unread one says
// so in words, not only by its look.
function notificationItem(n) {
  const lang = n.lang || null;
  const unread = n.read === false;
  const title = n.link?.startsWith('#/') ? h('a', { href: n.link, lang }, n.title) : h('span', { lang }, n.title);
  return h('li', { class: unread ? 'notification notification-unread' : 'notification', dataset: { kind: n.kind } },
    h('p', { class: 'notification-title' },
      unread && [h('span', { class: 'badge badge-unread' }, t('me.unread')), ' '], title),
    h('p', { class: 'notification-body', lang }, n.body),
    h('p', { class: 'meta' }, timeEl(n.created_at, { time: true })),
  );
}

// Once the inbox is shown, the newest notification and every older one are read; the header's
// badge learns the count left.
async function markSeen(newestId, signal) {
  try {
    const { unread } = await markNotificationsRead(newestId, { signal });
    window.dispatchEvent(new CustomEvent('canyu:unread', { detail: unread }));
  } catch {
    // They stay unread; the next visit marks them.
  }
}

// ---- account settings

// 403 wrong_password as an error of the form's password field, so it is shown next to it.
function wrongPassword(fieldName) {
  return new ApiError(403, { code: 'wrong_password', errors: [{ field: fieldName, code: 'wrong_password' }] });
}

// Lets a password manager know whose password a form holds.
function usernameHint(user) {
  return h('input', {
    type: 'text', name: 'username', autocomplete: 'username', value: user.login, hidden: true, readonly: true,
  });
}

function part(id, heading, ...content) {
  return h('section', { class: 'panel account-part', id, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, heading), content);
}

function nameForm(ctx, user) {
  const form = h('form', { id: 'account-name-form', class: 'form', 'aria-labelledby': 'account-name-title' },
    field({
      id: 'account-display-name', name: 'display_name', label: t('field.display_name'),
      hint: t('field.display_name_hint'), autocomplete: 'nickname', required: true, value: user.display_name,
      lang: recordLang(user.display_name),
    }),
    h('button', { type: 'submit', id: 'account-name-submit', class: 'button' }, t('account.name_submit')));
  handleSubmit(form, async (values) => {
    await updateMe(values); // the header shows the new name
    flash(() => t('flash.display_name_changed'), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return part('account-name', t('account.name'), form);
}

function passwordForm(ctx, user) {
  const form = h('form', { id: 'account-password-form', class: 'form', 'aria-labelledby': 'account-password-title' },
    usernameHint(user),
    field({
      id: 'account-current-password', name: 'current_password', type: 'password',
      label: t('account.current_password'), autocomplete: 'current-password', required: true,
    }),
    field({
      id: 'account-new-password', name: 'new_password', type: 'password', label: t('account.new_password'),
      hint: t('field.password_hint'), autocomplete: 'new-password', required: true,
    }),
    h('button', { type: 'submit', id: 'account-password-submit', class: 'button' }, t('account.password_submit')));
  handleSubmit(form, async (values) => {
    try {
      await changePassword(values);
    } catch (err) {
      throw err.code === 'wrong_password' ? wrongPassword('current_password') : err;
    }
    flash(() => t('flash.password_changed'), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return part('account-password', t('account.password'), h('p', { class: 'hint' }, t('account.password_intro')), form);
}

function exportPart() {
  const button = h('button', { type: 'button', id: 'account-export', class: 'button button-secondary' },
    t('account.export_submit'));
  button.addEventListener('click', () => whileBusy([button], async () => {
    const { blob } = await download('/me/export');
    saveFile(blob, 'canyu-my-data.json');
  }));
  return part('account-data', t('account.export'), h('p', {}, t('account.export_intro')), button);
}

// Erasure cannot be undone: what it does is said first, then it takes the password and a
// second, explicit "yes".
function erasurePart(ctx, user) {
  const form = h('form', { id: 'account-erase-form', class: 'form', 'aria-labelledby': 'account-erase-title' },
    usernameHint(user),
    field({
      id: 'account-erase-password', name: 'password', type: 'password', label: t('account.erase_password'),
      hint: t('account.erase_password_hint'), autocomplete: 'current-password', required: true,
    }));
  form.noValidate = true;
  form.addEventListener('submit', (event) => event.preventDefault()); // only "yes" erases
  form.elements.password.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault(); // Enter in the password asks the question
    form.querySelector('.confirm-step > #account-erase-submit')?.click();
  });
  form.append(confirmStep({
    id: 'account-erase-submit',
    label: t('account.erase_submit'),
    question: t('account.erase_question'),
    yes: t('account.erase_yes'),
    no: t('account.erase_no'),
    actionClass: 'account-erase',
    action: async () => {
      clearFieldErrors(form);
      const values = { password: form.elements.password.value };
      try {
        requireFilled(values, ['password']);
        await eraseMe(values); // the session ends with the account
      } catch (err) {
        const shown = err.code === 'wrong_password' ? wrongPassword('password') : err;
        if (!shown.errors?.length) throw shown; // e.g. staff_account, in #flash
        showFormError(form, shown)?.focus();
        return;
      }
      flash(() => t('flash.account_erased'), 'success', { keep: true });
      ctx.go('#/');
    },
  }));
  return part('account-erase', t('account.erase'),
    h('p', {}, t('account.erase_intro')),
    h('ul', { class: 'erase-effects' }, ['erase_data', 'erase_comments', 'erase_past_signups', 'erase_future_signups',
      'erase_representative'].map((key) => h('li', {}, t(`account.${key}`)))),
    isStaff(user) && h('p', { class: 'notice notice-warn', id: 'account-erase-staff' }, t('account.erase_staff')),
    form);
}

function accountSettings(ctx, user) {
  return h('section', { class: 'account-settings', id: 'account-settings', 'aria-labelledby': 'account-settings-title' },
    h('h2', { id: 'account-settings-title' }, t('account.title')),
    nameForm(ctx, user),
    passwordForm(ctx, user),
    exportPart(),
    erasurePart(ctx, user));
}

export async function render(root, ctx) {
  const heading = h('h1', { id: 'me-title' }, t('me.title'));
  root.append(heading, h('p', { class: 'loading' }, t('me.loading')));

  const user = await currentUser(ctx);
  if (!user) return;
  let firstPage = null; // the inbox's newest notifications, as shown
  const [notifications, comments] = await Promise.all([
    pagedList({
      id: 'notifications',
      class: 'notifications',
      empty: t('me.notifications_empty'),
      fetchPage: async (cursor) => {
        const page = await api('GET', `/me/notifications${query({ limit: 20, cursor })}`, undefined,
          { signal: ctx.signal });
        firstPage ??= page.items;
        return page;
      },
      renderItem: notificationItem,
    }),
    pagedList({
      class: 'comments my-comment-list',
      empty: t('me.comments_empty'),
      fetchPage: (cursor) => api('GET', `/me/comments${query({ limit: 20, cursor })}`, undefined,
        { signal: ctx.signal }),
      renderItem: (r) => {
        const item = receiptView(r);
        item.append(nameConsent(r));
        return item;
      },
    }),
  ]);

  root.replaceChildren(
    heading,
    details([
      [t('me.display_name'), user.display_name, 'profile-display-name'],
      [t('me.login'), user.login, 'profile-login'],
      [t('me.roles'), roleNames(user.roles), 'profile-roles'],
      [t('me.department'), user.department?.name || t('me.none'), 'profile-department'],
      [t('me.created_at'), h('time', { id: 'profile-created-at', datetime: user.created_at },
        formatDate(user.created_at, { time: true }))],
    ], 'profile'),
    h('p', { class: 'actions' },
      h('a', { id: 'me-signups', class: 'button button-secondary', href: '#/me/signups' }, t('me.signups')),
      h('a', { id: 'me-representative', class: 'button button-secondary', href: '#/me/representative' },
        t('me.representative'))),
    h('section', { class: 'notifications-section', 'aria-labelledby': 'notifications-title' },
      h('h2', { id: 'notifications-title' }, t('me.notifications')),
      notifications),
    h('section', { class: 'my-comments-section', id: 'my-comments', 'aria-labelledby': 'my-comments-title' },
      h('h2', { id: 'my-comments-title' }, t('me.comments')),
      comments),
    accountSettings(ctx, user),
  );
  if (firstPage?.some((n) => n.read === false)) markSeen(firstPage[0].id, ctx.signal);
}
