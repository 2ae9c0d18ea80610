// Staff console, events section: the Open Month events of the user's department (an admin's:
// all), with their seats and waitlists.

import { api, query } from '../api.js';
import { t } from '../i18n.js';
import { h, append, pagedList } from '../ui.js';
import { midnightUtc, formatDate } from '../format.js';
import { eventItem, staffEventHash } from '../events.js';
import { staffUser, staffSections, staffLead } from '../staff.js';

export const name = 'staff-events';
export const title = 'staff_events.title';
export const requiresLogin = true;

// A department's staff ask for its own events, drafts included; an admin reads the whole
// calendar (published and cancelled events), and opens a department's drafts from its events.
// day (YYYY-MM-DD): only those starting that day in the district.
function fetchOwn(user, cursor, signal, day) {
  const own = user.department?.id;
  const days = day ? { from: midnightUtc(day), to: midnightUtc(day, 1) } : {};
  return api('GET', `/events${query({
    limit: 50, cursor, host_department_id: own, ...days,
  })}`, undefined, { signal });
}

// Which day the list is of, with the way back to all events.
function dayNotice(day) {
  return h('div', { class: 'notice notice-plain', id: 'staff-events-day' },
    h('p', {}, t('staff_events.day_only', { date: formatDate(day) }), ' ',
      h('a', { id: 'staff-events-all', href: '#/staff/events' }, t('staff_events.day_all'))));
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
  const day = /^\d{4}-\d{2}-\d{2}$/.test(ctx.query.get('day') || '') ? ctx.query.get('day') : '';

  const list = await pagedList({
    id: 'staff-event-list',
    class: 'event-list',
    empty: t('staff_events.empty'),
    fetchPage: (cursor) => fetchOwn(user, cursor, ctx.signal, day),
    renderItem: (e) => eventItem(e, { href: staffEventHash(e.id), level: 2, seats: false }, numbers(e),
      e.status === 'published' && h('p', { class: 'item-actions' },
        h('a', { class: 'checkin-link', href: staffEventHash(e.id, '/checkin') }, t('staff_events.checkin')))),
  });
  append(root,
    staffSections('events'),
    staffLead(user, 'staff_events'),
    !user.department && h('p', { class: 'hint' }, t('staff_events.drafts_hint')),
    day && dayNotice(day),
    h('p', { class: 'actions' },
      h('a', { id: 'staff-event-new', class: 'button', href: '#/staff/events/new' }, t('staff_events.new'))),
    list,
  );
}
