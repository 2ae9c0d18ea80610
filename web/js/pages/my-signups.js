// My signups for Open Month events: where each stands, the QR code to show at the door,
// answering a seat offered from the waitlist, and cancelling.

import { api, query } from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, flash, timeEl, pagedList, confirmStep, whileBusy, breadcrumb,
} from '../ui.js';
import { formatDate } from '../format.js';
import {
  ACTIVE_SIGNUPS, eventHash, signupBadge, qrCodeUrl, peopleText,
} from '../events.js';

export const name = 'my-signups';
export const title = 'signups.title';
export const requiresLogin = true;

function signupPath(id, sub = '') {
  return `/signups/${encodeURIComponent(id)}${sub}`;
}

// {signup, qr}: the QR code is fetched for a confirmed signup only.
async function withQr(signup, signal) {
  const confirmed = signup.status === 'confirmed' && signup.checkin_code;
  return { signup, qr: confirmed ? await qrCodeUrl(signup.id, signal) : null };
}

// The QR code and under it the code, large, for staff to type when the scanner fails.
function checkinPass(s, qr) {
  return h('div', { class: 'checkin-pass' },
    h('img', {
      class: 'signup-qr', src: qr, alt: t('signups.qr_alt'), width: 200, height: 200, hidden: !qr,
    }),
    !qr && h('p', { class: 'hint' }, t('signups.qr_unavailable')),
    h('p', { class: 'signup-code-label' }, t('signups.code_label')),
    h('p', { class: 'signup-code', lang: 'en', translate: 'no' }, s.checkin_code),
    h('p', { class: 'hint' }, t(/^\w{4}-\w{4}$/.test(s.checkin_code) ? 'signups.code_hint' : 'signups.pass_hint')));
}

function signupItem({ signup: s, qr }, signal) {
  const item = h('li', { class: `signup signup-item-${s.status}`, dataset: { signupId: s.id } });
  // The answer replaces the item, which keeps the focus for keyboard users.
  const update = async (request, message) => {
    const next = signupItem(await withQr(await request(), signal), signal);
    item.replaceWith(next);
    flash(() => t(message), 'success');
    next.tabIndex = -1;
    next.focus();
  };
  const offerOpen = s.status === 'offered' && new Date(s.offer_expires_at) > new Date();
  const offerButton = (accept) => h('button', {
    type: 'button',
    class: accept ? 'button offer-accept' : 'button button-secondary offer-decline',
    onclick: (event) => whileBusy(event.currentTarget.parentElement.querySelectorAll('button'),
      () => update(() => api('POST', signupPath(s.id, '/offer'), { accept }),
        accept ? 'flash.offer_accepted' : 'flash.offer_declined')),
  }, t(accept ? 'signups.accept' : 'signups.decline'));
  const cancellable = ACTIVE_SIGNUPS.includes(s.status) && !s.checked_in_at
    && new Date(s.event_starts_at) > new Date();

  return append(item,
    h('h2', { class: 'signup-title' }, h('a', { href: eventHash(s.event_id) }, s.event_title)),
    h('p', { class: 'meta' }, signupBadge(s.status), ' ',
      t('signups.starts'), timeEl(s.event_starts_at, { time: true }), ' · ', peopleText(s.party_size)),
    s.status === 'waitlisted' && s.waitlist_position > 0 && h('p', { class: 'waitlist-position' },
      t('signup.position', { n: s.waitlist_position })),
    s.status === 'offered' && h('div', { class: 'notice notice-open offer' },
      h('p', {}, offerOpen
        ? t('signups.offer', { until: formatDate(s.offer_expires_at, { time: true }) })
        : t('signups.offer_expired')),
      offerOpen && h('p', { class: 'actions' }, offerButton(true), offerButton(false))),
    s.status === 'confirmed' && s.checkin_code && checkinPass(s, qr),
    s.checked_in_at && h('p', { class: 'checked-in' },
      t('signups.checked_in_at'), timeEl(s.checked_in_at, { time: true })),
    cancellable && confirmStep({
      label: t('signups.cancel'),
      question: t('signups.cancel_question', { title: s.event_title }),
      yes: t('signups.cancel_yes'),
      no: t('signups.cancel_no'),
      actionClass: 'signup-cancel',
      action: () => update(() => api('DELETE', signupPath(s.id)), 'flash.signup_cancelled'),
    }));
}

export async function render(root, ctx) {
  const { signal } = ctx;
  root.append(
    breadcrumb('#/me', t('me.title')),
    h('h1', { id: 'signups-title' }, t('signups.title')),
    h('p', { class: 'lead' }, t('signups.lead')),
  );
  root.append(
    await pagedList({
      id: 'my-signups',
      class: 'signups',
      empty: t('signups.empty'),
      fetchPage: async (cursor) => {
        const page = await api('GET', `/me/signups${query({ limit: 20, cursor })}`, undefined, { signal });
        return { ...page, items: await Promise.all(page.items.map((s) => withQr(s, signal))) };
      },
      renderItem: (entry) => signupItem(entry, signal),
    }),
    h('p', { class: 'actions' },
      h('a', { id: 'find-events', class: 'button button-secondary', href: '#/events' }, t('signups.find_events'))),
  );
}
