// Forgotten password: the service desk checks the person's ID and gives them a one-time code;
// with it they set a new password here, then log in with it.

import { ApiError, resetPassword } from '../api.js';
import { t } from '../i18n.js';
import { h, field, flash, handleSubmit } from '../ui.js';

export const name = 'password-reset';
export const title = 'reset.title';

export function render(root, ctx) {
  const form = h('form', { id: 'reset-form', class: 'form', 'aria-labelledby': 'reset-title' },
    field({
      id: 'reset-login', name: 'login', label: t('field.login'), hint: t('field.login_hint'),
      autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true,
    }),
    field({
      id: 'reset-code', name: 'code', label: t('reset.code'), hint: t('reset.code_hint'),
      autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', required: true,
    }),
    field({
      id: 'reset-new-password', name: 'new_password', type: 'password', label: t('reset.new_password'),
      hint: t('field.password_hint'), autocomplete: 'new-password', required: true,
    }),
    h('button', { type: 'submit', id: 'reset-submit', class: 'button' }, t('reset.submit')),
  );

  handleSubmit(form, async (values) => {
    try {
      await resetPassword(values);
    } catch (err) {
      // The server does not say which was wrong, nor whether the account exists.
      if (err.code === 'invalid_credentials') throw new ApiError(401, { code: 'reset_code_invalid' });
      throw err;
    }
    flash(() => t('flash.password_reset'), 'success', { keep: true });
    ctx.go('#/login');
  });

  root.append(
    h('h1', { id: 'reset-title' }, t('reset.title')),
    h('p', { class: 'lead' }, t('reset.lead')),
    h('ol', { class: 'reset-steps' },
      h('li', {}, t('reset.step_desk')),
      h('li', {}, t('reset.step_code')),
      h('li', {}, t('reset.step_form'))),
    form,
    h('p', { class: 'switch' }, h('a', { href: '#/login' }, t('reset.to_login'))),
  );
}
