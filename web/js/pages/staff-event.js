// Staff: manage one Open Month event: publish it, change it, cancel it, see who signed up and
// who came, export the list, go to the check-in page, and run the survey after the day.

import { api, ApiError, managesDepartment, fetchAll } from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, flash, details, requireFilled, timeEl, rangeEl, confirmStep, panel, breadcrumb,
  handleSubmit, recordText,
} from '../ui.js';
import { pageContents } from '../jump.js';
import { windowDates } from '../format.js';
import { fetchSurvey, fetchResults } from '../surveys.js';
import {
  staffSurveyHash, surveyDetails, resultsLink, publishStep,
} from '../survey-staff.js';
import {
  TYPED, eventHash, eventPath, staffEventHash, fetchEvent, eventBadges, eventFields, eventBody,
  changedFields, signupBadge, signupTotals,
} from '../events.js';
import {
  staffUser, actionPanel, exportButton, forbiddenNotice,
} from '../staff.js';

export const name = 'staff-event';
export const title = 'staff_events.manage';
export const requiresLogin = true;

const EDITABLE = ['title', 'description', 'venue', 'address', 'accessibility_notes', 'accessibility_contact',
  'capacity', 'max_party_size', 'signup_closes_at'];

// PATCH /events/<id>; a capacity below the seats taken is named next to the capacity field.
async function patch(e, body) {
  try {
    return await api('PATCH', eventPath(e.id), body);
  } catch (err) {
    if (err.code !== 'capacity_below_taken') throw err;
    const now = await fetchEvent(e.id).catch(() => e); // how many are taken by now
    const params = { taken: now.capacity - now.seats_left };
    throw new ApiError(err.status, {
      code: err.code, detail: err.detail, errors: [{ field: 'capacity', code: 'capacity_below_taken', params }],
    });
  }
}

function editPanel(ctx, e) {
  return actionPanel(ctx, {
    id: 'panel-event-edit',
    heading: t('staff_events.edit'),
    intro: h('p', { class: 'hint' }, t('staff_events.edit_intro')),
    fields: eventFields('edit-event', EDITABLE, e),
    submit: t('staff_events.edit_submit'),
    done: 'flash.event_updated',
    send: (values) => {
      const changed = changedFields(values, EDITABLE, e);
      if (!changed.length) throw new ApiError(422, { code: 'nothing_changed' });
      requireFilled(values, changed.filter((n) => TYPED.includes(n)));
      return patch(e, eventBody(values, changed));
    },
  });
}

function publishPanel(ctx, e) {
  return actionPanel(ctx, {
    id: 'panel-event-publish',
    heading: t('staff_events.publish'),
    intro: h('p', { class: 'hint' }, t('staff_events.publish_intro')),
    submit: t('staff_events.publish_submit'),
    done: 'flash.event_published',
    send: () => patch(e, { status: 'published' }),
  });
}

function cancelPanel(ctx, e, totals) {
  return panel('panel-event-cancel', t('staff_events.cancel'),
    h('p', { class: 'hint' }, t('staff_events.cancel_intro', { people: totals.confirmed, waiting: totals.waiting })),
    confirmStep({
      id: 'event-cancel',
      label: t('staff_events.cancel_submit'),
      question: t('staff_events.cancel_question', { title: e.title }),
      yes: t('staff_events.cancel_yes'),
      no: t('staff_events.cancel_no'),
      actionClass: 'event-cancel',
      action: async () => {
        await patch(e, { status: 'cancelled' });
        flash(() => t('flash.event_cancelled'), 'success', { keep: true });
        ctx.go(location.hash);
      },
    }));
}

// The district's standard questions, listed before staff attach them.
async function templateQuestions(signal) {
  try {
    return await api('GET', '/surveys/template', undefined, { signal, auth: false });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return []; // the button works without the preview
  }
}

// No survey yet: attach the template's (it opens when the event ends, for 14 days).
function attachSurvey(ctx, e, template) {
  if (e.status === 'cancelled') return h('p', { class: 'hint' }, t('staff_survey.cancelled'));
  const form = h('form', { id: 'survey-attach-form', class: 'form', 'aria-labelledby': 'panel-event-survey-title' },
    h('button', { type: 'submit', id: 'survey-attach', class: 'button' }, t('staff_survey.attach')));
  handleSubmit(form, async () => {
    const s = await api('POST', eventPath(e.id, '/survey'), {});
    flash(() => t('flash.survey_attached', windowDates(s.opens_at, s.closes_at)), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return [
    h('p', {}, t('staff_survey.none')),
    template.length > 0 && [
      h('p', { class: 'hint', id: 'survey-template-title' }, t('staff_survey.template')),
      h('ol', { class: 'template-questions', 'aria-labelledby': 'survey-template-title' },
        template.map((q) => h('li', {}, q.prompt,
          q.required && h('span', { class: 'required-mark' }, t('survey.required'))))),
    ],
    form,
  ];
}

async function surveyPanel(ctx, e, signal) {
  const s = await fetchSurvey(e.id, signal);
  const heading = t('staff_survey.title');
  if (!s) return panel('panel-event-survey', heading, attachSurvey(ctx, e, await templateQuestions(signal)));
  const results = await fetchResults(s.id, signal);
  return panel('panel-event-survey', heading,
    surveyDetails(s, results),
    h('p', { class: 'actions' },
      resultsLink(s),
      h('a', { id: 'survey-manage', class: 'button button-secondary', href: staffSurveyHash(e.id) },
        t('staff_survey.manage'))),
    h('p', { class: 'hint' }, t('staff_survey.manage_hint')),
    publishStep(ctx, s));
}

function attendeeTable(attendees) {
  if (!attendees.length) return h('p', { class: 'empty' }, t('staff_events.no_signups'));
  const columns = ['name', 'phone_ending', 'party_size', 'status', 'waitlist_position', 'checked_in_at', 'created_at'];
  return h('div', {
    class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': t('staff_events.signups'),
  },
  h('table', { id: 'attendees' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, t(`attendee.${c}`))))),
    h('tbody', {}, attendees.map((a) => h('tr', { dataset: { signupId: a.signup_id } },
      h('th', { scope: 'row' }, a.name ? recordText(a.name) : t('attendee.erased')),
      h('td', { class: 'num phone-ending', translate: 'no' }, a.phone_ending || ''),
      h('td', { class: 'num' }, String(a.party_size)),
      h('td', {}, signupBadge(a.status)),
      h('td', { class: 'num' }, a.waitlist_position ? String(a.waitlist_position) : ''),
      h('td', {}, a.checked_in_at ? timeEl(a.checked_in_at, { time: true }) : ''),
      h('td', {}, timeEl(a.created_at, { time: true })))))));
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const heading = h('h1', { id: 'staff-event-title' }, t('staff_events.manage'));
  root.append(breadcrumb('#/staff/events', t('staff_events.title')), heading);
  const user = await staffUser(root, ctx);
  if (!user) return;
  const e = await fetchEvent(id, signal);
  heading.textContent = e.title;
  root.append(h('p', { class: 'meta' }, eventBadges(e), ' ', e.host.name));
  if (!managesDepartment(user, e.host.id)) {
    root.append(forbiddenNotice(t('staff_events.not_yours')));
    return;
  }
  const [attendees, survey] = await Promise.all([
    fetchAll(eventPath(id, '/signups'), { signal }),
    surveyPanel(ctx, e, signal),
  ]);
  const totals = signupTotals(attendees);
  append(root,
    h('p', { class: 'actions' },
      h('a', {
        id: 'event-public-page', class: 'button button-secondary', href: eventHash(id),
      }, t('staff.public_page')),
      e.status === 'published' && h('a', {
        id: 'event-checkin', class: 'button', href: staffEventHash(id, '/checkin'),
      }, t('staff_events.checkin')),
      exportButton(eventPath(id, '/signups/export'), t('staff_events.export'), 'export-signups')),
    e.status === 'cancelled' && h('div', { class: 'notice notice-cancelled' },
      h('p', {}, t('staff_events.is_cancelled'))),
    panel('panel-event-summary', t('staff_events.summary'), details([
      [t('event.when'), rangeEl(e.starts_at, e.ends_at)],
      [t('event.venue'), recordText(e.venue)],
      [t('event.address'), e.address && recordText(e.address)],
      [t('event.capacity'), String(e.capacity), 'summary-capacity'],
      [t('staff_events.seats_left'), String(e.seats_left), 'summary-seats-left'],
      [t('staff_events.confirmed_people'), String(totals.confirmed), 'summary-confirmed'],
      [t('staff_events.waiting'), String(e.waitlist_length), 'summary-waiting'],
      [t('staff_events.checked_in'), t('checkin.count_short', { people: totals.checkedIn, groups: totals.groups }),
        'summary-checked-in'],
    ])),
    survey,
    e.status === 'draft' && publishPanel(ctx, e),
    e.status !== 'cancelled' && editPanel(ctx, e),
    panel('panel-event-signups', t('staff_events.signups'), attendeeTable(attendees)),
    e.status !== 'cancelled' && cancelPanel(ctx, e, totals),
  );
  pageContents(root);
}
