// Staff console, meetings section: the executive meetings (those of the user's department
// to manage) and a form for a new one.

import { api, query, managesDepartment } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, flash, handleSubmit, requireFilled, pagedList, panel,
} from '../ui.js';
import { wallTimeToUtc, zoneName } from '../format.js';
import { meetingItem, meetingHash, staffMeetingHash } from '../meetings.js';
import { staffUser, staffSections, staffLead, departmentChoice } from '../staff.js';

export const name = 'staff-meetings';
export const title = 'staff_meetings.title';
export const requiresLogin = true;

async function newMeetingPanel(ctx, user) {
  const department = await departmentChoice(user, {
    id: 'new-meeting-department', name: 'department_id', label: t('meeting.department'),
  }, ctx.signal);
  const form = h('form', { id: 'meeting-new-form', class: 'form form-wide', 'aria-labelledby': 'panel-meeting-new-title' },
    h('p', { class: 'hint' }, t('staff_meetings.times_hint', { zone: zoneName() })),
    field({
      id: 'new-meeting-number', name: 'number', type: 'number', inputmode: 'numeric', min: 1, max: 100000,
      label: t('meeting.number'), hint: t('staff_meetings.number_hint'), required: true,
    }),
    field({
      id: 'new-meeting-title', name: 'title', label: t('staff_meetings.meeting_title'),
      hint: t('staff_meetings.title_hint'), maxlength: 200, required: true,
    }),
    field({
      id: 'new-meeting-starts-at', name: 'starts_at', type: 'datetime-local', label: t('meeting.starts_at'), required: true,
    }),
    field({
      id: 'new-meeting-place', name: 'place', label: t('meeting.place'), hint: t('staff_meetings.place_hint'),
      maxlength: 200, required: true,
    }),
    department,
    h('button', { type: 'submit', id: 'meeting-new-submit', class: 'button' }, t('staff_meetings.create')));
  handleSubmit(form, async (values) => {
    requireFilled(values, ['number', 'starts_at']);
    const m = await api('POST', '/meetings', {
      number: Number(values.number),
      title: values.title.trim(),
      starts_at: wallTimeToUtc(values.starts_at),
      place: values.place.trim(),
      department_id: values.department_id || undefined,
    });
    flash(() => t('flash.meeting_created'), 'success', { keep: true });
    ctx.go(staffMeetingHash(m.id));
  });
  return panel('panel-meeting-new', t('staff_meetings.new'), form);
}

export async function render(root, ctx) {
  root.append(h('h1', { id: 'staff-meetings-title' }, t('staff_meetings.title')));
  const user = await staffUser(root, ctx);
  if (!user) return;

  const list = await pagedList({
    id: 'staff-meeting-list',
    class: 'meeting-list',
    empty: t('meetings.empty'),
    fetchPage: (cursor) => api('GET', `/meetings${query({ limit: 50, cursor })}`, undefined, { signal: ctx.signal }),
    renderItem: (m) => {
      const mine = managesDepartment(user, m.department.id);
      return meetingItem(m, { href: mine ? staffMeetingHash(m.id) : meetingHash(m.id) },
        mine && h('p', { class: 'item-actions' },
          h('a', { class: 'meeting-manage-link', href: staffMeetingHash(m.id) }, t('meeting.manage'))));
    },
  });
  root.append(
    staffSections('meetings'),
    staffLead(user, 'staff_meetings'),
    h('p', { class: 'actions' },
      h('button', { type: 'button', id: 'staff-meeting-new', class: 'button' }, t('staff_meetings.new'))),
    list,
    await newMeetingPanel(ctx, user),
  );
  // The form is below the list: take the user there.
  root.querySelector('#staff-meeting-new').addEventListener('click', () => {
    const input = root.querySelector('#new-meeting-number');
    input.scrollIntoView({ block: 'center' });
    input.focus();
  });
}
