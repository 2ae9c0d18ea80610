// Staff console, events section: the Open Month events of the user's department (an admin's:
// all), with their seats and waitlists.

import { api, query, managesDepartment } from '../api.js';
import { t } from '../i18n.js';
import { h, pagedList } from '../ui.js';
import { eventItem, staffEventHash } from '../events.js';
import { staffUser, staffSections, staffLead } from '../staff.js';

export const name = 'staff-events';
export const title = 'staff_events.title';
export const requiresLogin = true;

// The calendar has no department filter: pages are read until one has events of the user's.
async function fetchOwn(user, cursor, signal) {
  let page = { next_cursor: cursor };
  let items = [];
  do {
    page = await api('GET', `/events${query({ limit: 100, cursor: page.next_cursor })}`, undefined, { signal });
    items = page.items.filter((e) => managesDepartment(user, e.host.id));
  } while (!items.length && page.next_cursor);
  return { items, next_cursor: page.next_cursor };
}

function numbers(e) {
  return h('p', { class: 'staff-numbers' }, t('staff_events.numbers', {
    capacity: e.capacity, taken: e.capacity - e.seats_left, left: e.seats_left, waiting: e.waitlist_length,
  }));
}

export async function render(root, ctx) {
  root.append(h('h1', { id: 'staff-events-title' }, t('staff_events.title')));
  const user = await staffUser(root, ctx);
  if (!user) return;

  const list = await pagedList({
    id: 'staff-event-list',
    class: 'event-list',
    empty: t('staff_events.empty'),
    fetchPage: (cursor) => fetchOwn(user, cursor, ctx.signal),
    renderItem: (e) => eventItem(e, { href: staffEventHash(e.id), level: 2, seats: false }, numbers(e),
      e.status === 'published' && h('p', { class: 'item-actions' },
        h('a', { class: 'checkin-link', href: staffEventHash(e.id, '/checkin') }, t('staff_events.checkin')))),
  });
  root.append(
    staffSections('events'),
    staffLead(user, 'staff_events'),
    h('p', { class: 'hint' }, t('staff_events.drafts_hint')),
    h('p', { class: 'actions' },
      h('a', { id: 'staff-event-new', class: 'button', href: '#/staff/events/new' }, t('staff_events.new'))),
    list,
  );
}
