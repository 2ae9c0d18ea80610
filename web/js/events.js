// Pieces the Government Open Month pages share: themes, where signups stand, the calendar,
// signup statuses and QR codes, and the event form fields. Text only through textContent
// (via h()).

import { api, query, download } from './api.js';
import { t, plural } from './i18n.js';
import {
  h, keyedField, rangeEl, loadMore, recordLang,
} from './ui.js';
import {
  label, codeOptions, wallTimeToUtc, utcToWallTime, themeCodes, districtDay, weekStart, formatWeek,
} from './format.js';
import { jumpList } from './jump.js';

// Signups holding a seat or a place in line: only these can be cancelled.
export const ACTIVE_SIGNUPS = ['confirmed', 'waitlisted', 'offered'];

export function eventHash(id) {
  return `#/events/${encodeURIComponent(id)}`;
}

// The staff console's page for an event, plus an optional '/checkin'.
export function staffEventHash(id, sub = '') {
  return `#/staff/events/${encodeURIComponent(id)}${sub}`;
}

// The staff console's list of events, those starting on `day` (YYYY-MM-DD) only.
export function staffEventsOn(day) {
  return `#/staff/events?day=${encodeURIComponent(day)}`;
}

// '/events/<id>' plus an optional '/signups', … for api().
export function eventPath(id, sub = '') {
  return `/events/${encodeURIComponent(id)}${sub}`;
}

// GET /events/<id><sub> for a page; signal aborts it when the page is left.
export function fetchEvent(id, signal, sub = '') {
  return api('GET', eventPath(id, sub), undefined, { signal });
}

// 'draft' | 'cancelled' | 'upcoming' | 'open' | 'closed'
export function signupState(e) {
  if (e.status !== 'published') return e.status;
  if (e.signup_open) return 'open';
  return new Date(e.signup_opens_at) > new Date() ? 'upcoming' : 'closed';
}

// Theme and where signups stand, as badges.
export function eventBadges(e) {
  const state = signupState(e);
  return [
    h('span', { class: 'badge badge-theme' }, label('theme', e.theme)), ' ',
    h('span', { class: `badge signup-state-${state}` }, label('signup_state', state)),
  ];
}

// "12 of 50 seats left" or "Full · 3 on the waitlist"; nothing for a cancelled event.
export function seatsText(e) {
  if (e.status === 'cancelled') return null;
  return e.seats_left > 0
    ? t('event.seats_left', { n: e.seats_left, capacity: e.capacity })
    : t('event.full', { n: e.waitlist_length });
}

// One event as <li>, its title (a heading of `level`) linking to href; `seats`: say how many
// are left (staff lists give their own numbers instead).
export function eventItem(e, { href = eventHash(e.id), level = 3, seats: withSeats = true } = {}, ...extra) {
  const seats = withSeats && seatsText(e);
  return h('li', { class: `event-item event-${e.status}`, dataset: { starts: e.starts_at } },
    h(`h${level}`, { class: 'event-title' },
      h('a', {
        class: 'event-link', href, dataset: { id: e.id }, lang: recordLang(e.title),
      }, e.title)),
    h('p', { class: 'meta' }, eventBadges(e)),
    h('p', { class: 'event-when' }, rangeEl(e.starts_at, e.ends_at)),
    h('p', { class: 'event-where', lang: recordLang(e.venue) }, `${e.venue} · ${e.host.name}`),
    seats && h('p', { class: e.seats_left > 0 ? 'seats' : 'seats seats-full' }, seats),
    extra);
}

// Puts an event item in `list` by start time, earliest first.
function insertByStart(list, item) {
  const later = [...list.children].find((li) => new Date(li.dataset.starts) > new Date(item.dataset.starts));
  list.insertBefore(item, later || null);
}

// The calendar for the filters given: a section per week (Monday to Sunday in the district),
// each by start time, fed page by page, below a list of the weeks to jump to.
export async function eventCalendar(filters, signal) {
  const groups = h('div', { class: 'week-groups', id: 'event-groups' });
  const jumps = h('div', { class: 'week-jumps' });
  const none = h('p', { class: 'empty', hidden: true }, t('events.empty'));
  const weeks = new Map(); // Monday (YYYY-MM-DD) -> its <ul>
  const thisWeek = weekStart(districtDay());
  const listFor = (monday) => {
    if (!weeks.has(monday)) {
      const id = `week-${monday}`;
      const list = h('ul', { class: 'event-list' });
      const section = h('section', {
        class: 'week-group', id, 'aria-labelledby': `${id}-title`, dataset: { week: monday },
      },
      h('h2', { id: `${id}-title`, class: 'week-title' }, formatWeek(monday),
        monday === thisWeek && [' ', h('span', { class: 'badge badge-now' }, t('events.this_week'))]),
      list);
      const after = [...groups.children].find((s) => s.dataset.week > monday);
      groups.insertBefore(section, after || null);
      weeks.set(monday, list);
    }
    return weeks.get(monday);
  };
  // The weeks to jump to, with how many events each has so far (more pages may add some).
  const showJumps = () => {
    const days = [...weeks.keys()].sort();
    jumps.replaceChildren(days.length > 1 ? jumpList({
      id: 'week-jump',
      label: t('events.weeks'),
      items: days.map((monday) => [`week-${monday}-title`,
        h('span', { class: 'jump-week' }, formatWeek(monday)), ' ',
        h('span', { class: 'jump-count' }, plural('events.week_count', weeks.get(monday).children.length))]),
    }) : []);
  };
  const more = await loadMore(
    (cursor) => api('GET', `/events${query({ ...filters, limit: 50, cursor })}`, undefined, { signal }),
    (items) => {
      const added = items.map((e) => {
        const item = eventItem(e);
        insertByStart(listFor(weekStart(districtDay(e.starts_at))), item);
        return item;
      });
      none.hidden = weeks.size > 0;
      showJumps();
      return added[0];
    },
  );
  return h('div', { class: 'paged' }, jumps, groups, none, more);
}

// ---- signups

// "1 person", "2 people".
export function peopleText(n) {
  return plural('signup.people', n);
}

// The caller's latest signups (up to 100), newest first, or null when they cannot be had.
export async function latestSignups(signal) {
  try {
    return (await api('GET', '/me/signups?limit=100', undefined, { signal })).items;
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return null;
  }
}

// The active signup for the event among `signups`, or null (none, or the list is unknown: the
// server then says what it knows, e.g. "already signed up").
export function activeSignup(signups, eventId) {
  return signups?.find((s) => s.event_id === eventId && ACTIVE_SIGNUPS.includes(s.status)) || null;
}

export function signupBadge(status) {
  return h('span', { class: `badge signup-${status}` }, label('signup_status', status));
}

// A signup's QR code as a Blob URL (revoked once the page is left), or null when the server
// cannot give it.
export async function qrCodeUrl(signupId, signal) {
  try {
    const { blob } = await download(`/signups/${encodeURIComponent(signupId)}/qr.svg`, { signal });
    const url = URL.createObjectURL(new Blob([blob], { type: 'image/svg+xml' }));
    signal.addEventListener('abort', () => URL.revokeObjectURL(url), { once: true });
    return url;
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return null;
  }
}

// People confirmed, signups waiting and people checked in, from an event's attendee list.
export function signupTotals(attendees) {
  const people = (list) => list.reduce((sum, a) => sum + a.party_size, 0);
  return {
    confirmed: people(attendees.filter((a) => a.status === 'confirmed')),
    waiting: attendees.filter((a) => a.status === 'waitlisted').length,
    checkedIn: people(attendees.filter((a) => a.checked_in_at)),
    groups: attendees.filter((a) => a.checked_in_at).length,
  };
}

// ---- the event form (create and edit)

const TIMES = ['starts_at', 'ends_at', 'signup_opens_at', 'signup_closes_at'];
const NUMBERS = ['capacity', 'max_party_size', 'offer_hours'];
export const TYPED = [...TIMES, ...NUMBERS]; // empty ones cannot reach the server to be named

const FIELD_ATTRS = {
  title: { maxlength: 200, required: true },
  theme: { tag: 'select' },
  description: { tag: 'textarea', rows: 6 },
  venue: { maxlength: 200, required: true },
  address: { maxlength: 200, autocomplete: 'off' },
  accessibility_notes: { tag: 'textarea', rows: 3 },
  accessibility_contact: { maxlength: 200, autocomplete: 'off' },
  capacity: {
    type: 'number', inputmode: 'numeric', min: 1, max: 100000, required: true,
  },
  max_party_size: {
    type: 'number', inputmode: 'numeric', min: 1, max: 10, required: true,
  },
  offer_hours: {
    type: 'number', inputmode: 'numeric', min: 1, max: 168,
  },
  ...Object.fromEntries(TIMES.map((n) => [n, { type: 'datetime-local', required: true }])),
};

// A value as the form shows it: wall time in the district for instants.
function shown(name, value) {
  if (value == null) return '';
  return TIMES.includes(name) ? utcToWallTime(value) : String(value);
}

function typed(value) {
  return String(value ?? '').replace(/\r\n?/g, '\n');
}

// The fields named, filled from `event`; ids are `${prefix}-title`, `${prefix}-starts-at`, …
export function eventFields(prefix, names, event = {}) {
  return names.map((name) => keyedField('event', prefix, name, {
    options: name === 'theme' ? codeOptions('theme', themeCodes(), t('form.choose')) : undefined,
    value: shown(name, event[name]),
    ...FIELD_ATTRS[name],
  }));
}

// The API body for the fields named: instants in UTC, numbers as numbers, text trimmed.
export function eventBody(values, names) {
  return Object.fromEntries(names.map((name) => {
    const value = typed(values[name]);
    if (TIMES.includes(name)) return [name, wallTimeToUtc(value)];
    if (NUMBERS.includes(name)) return [name, value.trim() === '' ? undefined : Number(value)];
    return [name, value.trim()];
  }));
}

// The names among `names` whose form value differs from the event's.
export function changedFields(values, names, event) {
  return names.filter((name) => typed(values[name]) !== shown(name, event[name]));
}
