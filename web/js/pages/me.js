// Profile: the logged-in user as the server knows them (GET /me).

import { fetchMe } from '../api.js';
import { t, getLang } from '../i18n.js';
import { h, flash, errorMessage } from '../ui.js';

export const name = 'me';
export const title = 'me.title';
export const requiresLogin = true; // the router sends logged-out visitors to #/login

const ROLES = ['resident', 'representative', 'staff', 'admin'];

// Registration time as seen in Shanghai, whatever the browser's own time zone.
function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso || '';
  return new Intl.DateTimeFormat(getLang(), {
    timeZone: 'Asia/Shanghai', dateStyle: 'long', timeStyle: 'short',
  }).format(date);
}

function roleNames(roles = []) {
  return roles.map((r) => (ROLES.includes(r) ? t(`role.${r}`) : r)).join(t('list.separator'));
}

function row(label, id, value) {
  return [h('dt', {}, label), h('dd', { id }, value)];
}

export async function render(root, ctx) {
  const heading = h('h1', { id: 'me-title' }, t('me.title'));
  root.append(heading, h('p', { class: 'loading' }, t('me.loading')));

  let user;
  try {
    user = await fetchMe({ signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) return;
    if (err.status === 401) {
      // api.js already dropped the dead token.
      flash(() => t('error.unauthorized'), 'info', { keep: true });
      ctx.redirect('#/login');
      return;
    }
    root.replaceChildren(heading);
    flash(() => errorMessage(err), 'error');
    return;
  }

  root.replaceChildren(
    heading,
    h('dl', { class: 'profile' },
      row(t('me.display_name'), 'profile-display-name', user.display_name),
      row(t('me.login'), 'profile-login', user.login),
      row(t('me.roles'), 'profile-roles', roleNames(user.roles)),
      row(t('me.department'), 'profile-department', user.department?.name || t('me.none')),
      [h('dt', {}, t('me.created_at')),
        h('dd', {}, h('time', { id: 'profile-created-at', datetime: user.created_at }, formatDate(user.created_at)))],
    ),
  );
}
