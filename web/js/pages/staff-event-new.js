// Staff: create an Open Month event, as a draft or published at once.

import { api } from '../api.js';
import { t } from '../i18n.js';
import {
  h, flash, handleSubmit, requireFilled, breadcrumb,
} from '../ui.js';
import {
  TYPED, eventFields, eventBody, staffEventHash,
} from '../events.js';
import { zoneName } from '../format.js';
import { staffUser, departmentChoice } from '../staff.js';

export const name = 'staff-event-new';
export const title = 'staff_events.new';
export const requiresLogin = true;

const ABOUT = ['title', 'theme'];
const DETAILS = ['description', 'venue', 'address', 'accessibility_notes', 'accessibility_contact', 'starts_at',
  'ends_at', 'capacity', 'max_party_size', 'signup_opens_at', 'signup_closes_at', 'offer_hours'];

export async function render(root, ctx) {
  root.append(
    breadcrumb('#/staff/events', t('staff_events.title')),
    h('h1', { id: 'event-new-title' }, t('staff_events.new')),
  );
  const user = await staffUser(root, ctx);
  if (!user) return;

  const host = await departmentChoice(user, {
    id: 'new-event-host', name: 'host_department_id', label: t('event.host'),
  }, ctx.signal);

  const form = h('form', { id: 'event-new-form', class: 'form form-wide', 'aria-labelledby': 'event-new-title' },
    h('p', { class: 'hint' }, t('staff_events.times_hint', { zone: zoneName() })),
    eventFields('new-event', ABOUT),
    host,
    eventFields('new-event', DETAILS, { offer_hours: 24 }),
    h('p', { class: 'actions' },
      h('button', {
        type: 'submit', id: 'event-new-draft', class: 'button button-secondary', name: 'status', value: 'draft',
      }, t('staff_events.save_draft')),
      h('button', {
        type: 'submit', id: 'event-new-publish', class: 'button', name: 'status', value: 'published',
      }, t('staff_events.create_publish'))),
  );
  handleSubmit(form, async (values) => {
    requireFilled(values, ['theme', ...TYPED]);
    const created = await api('POST', '/events', {
      ...eventBody(values, [...ABOUT, ...DETAILS]),
      host_department_id: values.host_department_id || undefined,
      status: values.status || 'draft',
    });
    flash(() => t(created.status === 'published' ? 'flash.event_published' : 'flash.event_created'), 'success',
      { keep: true });
    ctx.go(staffEventHash(created.id));
  });
  root.append(form);
}
