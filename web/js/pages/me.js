// Profile: the logged-in user as the server knows them (GET /me), their notifications and
// their comments on every decision with where each stands.

import { api, query } from '../api.js';
import { t } from '../i18n.js';
import {
  h, currentUser, details, timeEl, pagedList, recordText,
} from '../ui.js';
import { label, formatDate } from '../format.js';
import { receiptView } from '../decisions.js';

export const name = 'me';
export const title = 'me.title';
export const requiresLogin = true; // the router sends logged-out visitors to #/login

function roleNames(roles = []) {
  return roles.map((r) => label('role', r)).join(t('list.separator'));
}

// Title and body come from the server in Chinese, whatever the kind (comment_outcome,
// waitlist_offer, offer_expired, event_cancelled, survey_invitation); the link, if any, is a
// page of the portal.
function notificationItem(n) {
  return h('li', { class: 'notification', dataset: { kind: n.kind } },
    h('p', { class: 'notification-title' },
      n.link?.startsWith('#/') ? h('a', { href: n.link }, recordText(n.title)) : recordText(n.title)),
    recordText(n.body, 'p'),
    h('p', { class: 'meta' }, timeEl(n.created_at, { time: true })),
  );
}

export async function render(root, ctx) {
  const heading = h('h1', { id: 'me-title' }, t('me.title'));
  root.append(heading, h('p', { class: 'loading' }, t('me.loading')));

  const user = await currentUser(ctx);
  if (!user) return;
  const [notifications, comments] = await Promise.all([
    pagedList({
      id: 'notifications',
      class: 'notifications',
      empty: t('me.notifications_empty'),
      fetchPage: (cursor) => api('GET', `/me/notifications${query({ limit: 20, cursor })}`, undefined,
        { signal: ctx.signal }),
      renderItem: notificationItem,
    }),
    pagedList({
      class: 'comments my-comment-list',
      empty: t('me.comments_empty'),
      fetchPage: (cursor) => api('GET', `/me/comments${query({ limit: 20, cursor })}`, undefined,
        { signal: ctx.signal }),
      renderItem: (r) => receiptView(r),
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
  );
}
