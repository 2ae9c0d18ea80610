// Log in and go back to the page that asked for it (?next=#/…), else to the staff console for
// staff and admins, to the profile for residents.

import { login, isStaff } from '../api.js';
import { t } from '../i18n.js';
import { h, field, flash, handleSubmit } from '../ui.js';

export const name = 'login';
export const title = 'login.title';

export function render(root, ctx) {
  const form = h('form', { id: 'login-form', class: 'form', 'aria-labelledby': 'login-title' },
    field({
      id: 'login-login', name: 'login', label: t('field.login'),
      autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true,
    }),
    field({
      id: 'login-password', name: 'password', type: 'password', label: t('field.password'),
      autocomplete: 'current-password', required: true,
    }),
    h('button', { type: 'submit', id: 'login-submit', class: 'button' }, t('login.submit')),
  );

  handleSubmit(form, async (values) => {
    const user = await login(values);
    flash(() => t('flash.logged_in'), 'success', { keep: true });
    const next = ctx.query.get('next'); // the page that sent the user here
    if (next?.startsWith('#/') && !next.startsWith('#/login')) ctx.go(next);
    else ctx.go(isStaff(user) ? '#/staff' : '#/me');
  });

  root.append(
    h('h1', { id: 'login-title' }, t('login.title')),
    form,
    h('p', { class: 'switch' }, h('a', { id: 'login-forgot', href: '#/password-reset' }, t('login.forgot'))),
    h('p', { class: 'switch' }, t('login.no_account'), ' ',
      h('a', { href: '#/register' }, t('login.to_register'))),
  );
}
