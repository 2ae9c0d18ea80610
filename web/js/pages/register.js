// Register, then log in with the same credentials and go to the profile.

import { register, login } from '../api.js';
import { t } from '../i18n.js';
import { h, field, flash, handleSubmit, errorMessage } from '../ui.js';

export const name = 'register';
export const title = 'register.title';

export function render(root, ctx) {
  const form = h('form', { id: 'register-form', class: 'form', 'aria-labelledby': 'register-title' },
    field({
      id: 'register-login', name: 'login', label: t('field.login'), hint: t('field.login_hint'),
      autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true,
    }),
    field({
      id: 'register-password', name: 'password', type: 'password', label: t('field.password'),
      hint: t('field.password_hint'), autocomplete: 'new-password', required: true,
    }),
    field({
      id: 'register-display-name', name: 'display_name', label: t('field.display_name'),
      hint: t('field.display_name_hint'), autocomplete: 'nickname', required: true,
    }),
    h('button', { type: 'submit', id: 'register-submit', class: 'button' }, t('register.submit')),
  );

  handleSubmit(form, async (values) => {
    await register(values); // errors go to the form
    try {
      await login(values);
    } catch (err) {
      // The account exists now; let the user log in by hand rather than re-register.
      flash(() => `${t('flash.registered_login_failed')} ${errorMessage(err)}`, 'error', { keep: true });
      ctx.go('#/login');
      return;
    }
    flash(() => t('flash.registered'), 'success', { keep: true });
    ctx.go('#/me');
  });

  root.append(
    h('h1', { id: 'register-title' }, t('register.title')),
    h('p', { class: 'lead' }, t('register.lead')),
    form,
    h('p', { class: 'switch' }, t('register.have_account'), ' ',
      h('a', { href: '#/login' }, t('register.to_login'))),
  );
}
