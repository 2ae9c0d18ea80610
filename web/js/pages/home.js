// Home: what the platform is for, a way in, and what a resident can take part in now
// (consultations open, open days with seats, meetings taking applications).

import { api, query, isLoggedIn } from '../api.js';
import { t } from '../i18n.js';
import {
  h, errorMessage, timeEl, rangeEl, recordText, recordLang,
} from '../ui.js';
import { label } from '../format.js';
import { decisionHash } from '../decisions.js';
import { eventHash, seatsText, signupState } from '../events.js';
import { meetingHash } from '../meetings.js';

export const name = 'home';
export const title = 'nav.home';

const FEATURES = ['f1', 'f2', 'f3', 'f4'];
// Features with a page of their own: the title links there.
const LINKS = { f3: ['home-meetings', '#/meetings'] };

// ---- happening now

// The text of `key` with its {date} as a <time> element (so the date sits where the
// language puts it).
function dated(key, value, options) {
  const [before, after = ''] = t(key).split('{date}');
  return [before, timeEl(value, options), after];
}

// A record's title linking to its page.
function titleLink(href, text) {
  return h('a', { class: 'now-link', href, lang: recordLang(text) }, text);
}

function consultationItem(d) {
  return h('li', { class: 'now-item' },
    titleLink(decisionHash(d.id), d.title),
    h('p', { class: 'meta' }, recordText(d.sponsor.name)),
    d.consultation_closes_at && h('p', { class: 'meta now-when' },
      dated('home.now_consultation_until', d.consultation_closes_at)));
}

function openDayItem(e) {
  const state = signupState(e);
  return h('li', { class: 'now-item' },
    titleLink(eventHash(e.id), e.title),
    h('p', { class: 'meta now-when' }, rangeEl(e.starts_at, e.ends_at)),
    h('p', { class: 'meta' }, seatsText(e),
      state !== 'open' && [' ', h('span', { class: `badge signup-state-${state}` }, label('signup_state', state))]));
}

function meetingItem(m) {
  return h('li', { class: 'now-item' },
    titleLink(meetingHash(m.id), m.title),
    m.applications_close_at && h('p', { class: 'meta now-when' },
      dated('home.now_applications_until', m.applications_close_at, { time: true })));
}

// Now, as the API takes it (RFC 3339, whole seconds).
function nowUtc() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The three lists: [id, heading key, "all" link, fetch(signal) -> items, item renderer].
const LISTS = [
  ['home-consultations', 'consultations', '#/decisions', async (signal) => (await api('GET',
    `/decisions${query({ stage: 'consultation_open', limit: 5 })}`, undefined, { signal })).items,
  consultationItem],
  ['home-open-days', 'open_days', '#/events', async (signal) => (await api('GET',
    `/events${query({ has_seats: 'true', from: nowUtc(), limit: 3 })}`, undefined, { signal })).items,
  openDayItem],
  ['home-meetings-open', 'meetings', '#/meetings', async (signal) => (await api('GET',
    `/meetings${query({ limit: 20 })}`, undefined, { signal })).items.filter((m) => m.status === 'applications_open'),
  meetingItem],
];

// One list's box: heading, the items (loading at first), a link to all of them. Resolves
// once the items (or the empty sentence, or an error line for this list only) are shown.
function nowList([id, key, href, fetchItems, renderItem], signal) {
  const slot = h('div', { class: 'now-slot' }, h('p', { class: 'loading' }, t('home.now_loading')));
  const box = h('section', { class: 'now-list', id, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, t(`home.now_${key}`)),
    slot,
    h('p', { class: 'now-all' }, h('a', { id: `${id}-all`, href }, t(`home.now_${key}_all`))));
  const loaded = (async () => {
    try {
      const items = await fetchItems(signal);
      slot.replaceChildren(items.length
        ? h('ul', { class: 'now-items' }, items.map(renderItem))
        : h('p', { class: 'empty' }, t(`home.now_${key}_empty`)));
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      slot.replaceChildren(h('p', { class: 'load-error' }, errorMessage(err)));
    }
  })();
  return [box, loaded];
}

// ---- the page

export async function render(root, ctx) {
  const actions = isLoggedIn()
    ? [h('a', { class: 'button', href: '#/me' }, t('home.cta_me'))]
    : [
        h('a', { class: 'button', href: '#/register' }, t('home.cta_register')),
        h('a', { class: 'button button-secondary', href: '#/login' }, t('home.cta_login')),
      ];
  const lists = LISTS.map((list) => nowList(list, ctx.signal));

  root.append(
    h('section', { class: 'intro', 'aria-labelledby': 'home-title' },
      h('h1', { id: 'home-title' }, t('home.title')),
      h('p', { class: 'lead' }, t('home.lead')),
      h('p', { class: 'actions' }, actions),
    ),
    h('section', { class: 'now', id: 'home-now', 'aria-labelledby': 'home-now-title' },
      h('h2', { id: 'home-now-title', class: 'section-title' }, t('home.now')),
      h('div', { class: 'now-lists' }, lists.map(([box]) => box)),
    ),
    h('section', { 'aria-labelledby': 'home-features' },
      h('h2', { id: 'home-features', class: 'section-title' }, t('home.features')),
      h('ul', { class: 'features' },
        FEATURES.map((f) => h('li', { class: 'feature' },
          h('h3', {}, LINKS[f]
            ? h('a', { id: LINKS[f][0], href: LINKS[f][1] }, t(`home.${f}.title`))
            : t(`home.${f}.title`)),
          h('p', {}, t(`home.${f}.text`)),
        )),
      ),
    ),
  );
  await Promise.all(lists.map(([, loaded]) => loaded));
}
