// One Open Month event: everything about it, signing up while signups are open, and its
// survey once the day is over.

import {
  getUser, isLoggedIn, managesDepartment, idempotentSender,
} from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, field, flash, handleSubmit, details, rangeEl, textBlocks, panel, breadcrumb,
  recordLang, recordText,
} from '../ui.js';
import { label, windowDates } from '../format.js';
import {
  eventPath, staffEventHash, fetchEvent, eventBadges, seatsText, signupBadge, signupState, peopleText,
  latestSignups, activeSignup,
} from '../events.js';
import {
  surveyHash, fetchSurvey, surveyState, surveyBadge, closedNotice, answered, cameToIt,
} from '../surveys.js';

export const name = 'event';
export const title = 'event.page_title';

// The event as a calendar file (.ics) to save: a plain link, so the browser downloads it.
function calendarLink(e) {
  return h('p', { class: 'calendar-link' }, h('a', {
    id: 'event-calendar', href: `/api/v1${eventPath(e.id, '/calendar.ics')}`, download: true, type: 'text/calendar',
  }, t('event.add_to_calendar')));
}

// An e-mail address, or a phone number: a mainland mobile (+86 138 1234 5678) or a landline
// with its area code (021-65012345, an extension after a dash).
const CONTACT = /([\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?<![\d+])((?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)(?!\d)/g;

// Whom to contact about accessibility (text from the record): e-mail addresses and phone
// numbers in it become links to write or call.
function contactText(text) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(CONTACT)) {
    if (m.index > last) parts.push(recordText(text.slice(last, m.index)));
    const [found, email] = m;
    const href = email ? `mailto:${email}` : `tel:${found.replace(/[\s-]/g, '')}`;
    parts.push(h('a', { href, translate: 'no' }, found));
    last = m.index + found.length;
  }
  if (last < text.length) parts.push(recordText(text.slice(last)));
  return parts;
}

// {opens, closes}: the signup window as text.
function signupDates(e) {
  return windowDates(e.signup_opens_at, e.signup_closes_at);
}

function mySignupsLink(id) {
  return h('a', { id, href: '#/me/signups' }, t('signup.see_mine'));
}

// What the signup answered: confirmed (see the QR code) or waitlisted (at which place).
function receipt(signup, e) {
  const status = signup.status === 'waitlisted' ? 'waitlisted' : 'confirmed';
  return [
    h('p', { class: 'receipt-title' }, signupBadge(signup.status), ' ', t(`signup.done_${status}`)),
    h('p', {}, t('signup.party', { n: signup.party_size })),
    status === 'waitlisted'
      ? [
        signup.waitlist_position > 0 && h('p', { class: 'waitlist-position' },
          t('signup.position', { n: signup.waitlist_position })),
        h('p', {}, t('signup.waitlist_note', { hours: e.offer_hours })),
      ]
      : h('p', {}, t('signup.confirmed_note')),
    h('p', {}, mySignupsLink('signup-mine')),
  ];
}

function signupForm(e) {
  const result = h('div', {
    id: 'signup-result', class: 'receipt', tabindex: -1, hidden: true,
  });
  const sizes = Array.from({ length: Math.max(1, e.max_party_size) }, (_, i) => i + 1);
  const form = h('form', { id: 'signup-form', class: 'form', 'aria-labelledby': 'signup-title' },
    e.seats_left <= 0 && h('p', { class: 'notice notice-plain', id: 'signup-full' },
      t('signup.full', { n: e.waitlist_length })),
    field({
      id: 'signup-party-size', name: 'party_size', tag: 'select', label: t('signup.party_size'),
      hint: t('signup.party_size_hint', { n: e.max_party_size }),
      options: sizes.map((n) => ({ value: n, label: peopleText(n) })),
    }),
    // Full (no seat a newcomer can get now): signing up joins the waitlist.
    h('button', { type: 'submit', id: 'signup-submit', class: 'button' },
      t(e.seats_left <= 0 ? 'signup.submit_waitlist' : 'signup.submit')),
  );
  const send = idempotentSender('POST', eventPath(e.id, '/signups'));
  handleSubmit(form, async (values) => {
    const signup = await send({ party_size: Number(values.party_size) });
    result.replaceChildren();
    append(result, receipt(signup, e));
    result.classList.toggle('receipt-waiting', signup.status === 'waitlisted');
    result.hidden = false;
    form.hidden = true;
    flash(() => t(signup.status === 'waitlisted' ? 'flash.signed_up_waitlisted' : 'flash.signed_up'), 'success');
    result.focus();
    // The seats line above was read before this signup: read it again. Should that fail,
    // the receipt still says where the person stands.
    fetchEvent(e.id).then((fresh) => {
      document.getElementById('event-seats')?.replaceChildren(seatsText(fresh) ?? '');
    }, () => {});
  });
  return [result, form];
}

// The signup area: the form, a log-in prompt, or why there is no signup now.
function signupArea(e, mine) {
  const state = signupState(e);
  const dates = signupDates(e);
  const notice = (...text) => h('div', { class: 'notice notice-plain', id: 'signup-unavailable' }, h('p', {}, text));
  let content;
  if (mine) {
    content = h('div', { class: 'notice notice-open', id: 'signup-existing' },
      h('p', {}, t('signup.already'), ' ', signupBadge(mine.status)),
      h('p', {}, mySignupsLink('signup-mine')));
  } else if (state !== 'open') {
    content = notice(t(`signup.state_${state}`, dates));
  } else if (!isLoggedIn()) {
    const next = encodeURIComponent(location.hash);
    content = notice(t('signup.login_first'), ' ',
      h('a', { id: 'signup-login', href: `#/login?next=${next}` }, t('nav.login')), ' ',
      h('a', { href: '#/register' }, t('nav.register')));
  } else content = signupForm(e);
  return h('section', { class: 'signup-area', 'aria-labelledby': 'signup-title' },
    h('h2', { id: 'signup-title' }, t('signup.title')),
    state === 'open' && !mine && h('p', {}, t('signup.window_open', dates)),
    content);
}

// The event's survey, or null: the page is shown without it when it cannot be had.
async function eventSurvey(id, signal) {
  try {
    return await fetchSurvey(id, signal);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return null;
  }
}

// The survey area: a call to rate the day for those who came, a log-in prompt, or why there is
// nothing to answer now; a link to the results once they are published.
function surveyArea(e, s) {
  const state = surveyState(s);
  const notice = (id, ...text) => h('div', { class: 'notice notice-plain', id }, h('p', {}, text));
  let content;
  if (state !== 'open') content = closedNotice(s, 'survey-unavailable');
  else if (!isLoggedIn()) {
    const next = encodeURIComponent(surveyHash(e.id));
    content = notice('survey-login-first', t('survey.login_first'), ' ',
      h('a', { id: 'survey-login', href: `#/login?next=${next}` }, t('nav.login')));
  } else if (answered(s)) {
    content = h('div', { class: 'notice notice-open', id: 'survey-answered' }, h('p', {}, t('survey.answered_here')));
  } else if (!cameToIt(s)) content = notice('survey-attendees-only', t('survey.attendees_only'));
  else {
    content = h('div', { class: 'survey-cta', id: 'survey-cta' },
      h('p', {}, t('survey.cta_lead')),
      h('p', { class: 'actions' },
        h('a', { id: 'survey-start', class: 'button', href: surveyHash(e.id) }, t('survey.cta'))));
  }
  return h('section', { class: 'survey-area', id: 'event-survey', 'aria-labelledby': 'survey-area-title' },
    h('h2', { id: 'survey-area-title' }, t('survey.area_title'), ' ', surveyBadge(s)),
    content,
    s.results_published && h('p', { class: 'survey-results-line' },
      h('a', { id: 'survey-results-link', href: surveyHash(e.id, '/results') }, t('survey.see_results'))));
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const [e, signups, survey] = await Promise.all([
    fetchEvent(id, signal),
    isLoggedIn() ? latestSignups(signal) : null,
    eventSurvey(id, signal),
  ]);
  const mine = activeSignup(signups, id);
  const seats = seatsText(e);
  // While it takes answers the survey is what the page is for, so it comes first.
  const surveyFirst = survey && surveyState(survey) === 'open';
  append(root,
    breadcrumb('#/events', t('events.title')),
    h('h1', { id: 'event-title', lang: recordLang(e.title) }, e.title),
    h('p', { class: 'meta' }, eventBadges(e), ' ', e.host.name),
    e.status === 'cancelled' && h('div', { class: 'notice notice-cancelled', id: 'event-cancelled' },
      h('p', {}, t('event.cancelled_notice'))),
    managesDepartment(getUser(), e.host.id) && h('p', { class: 'actions' },
      h('a', { id: 'manage-event', class: 'button button-secondary', href: staffEventHash(id) }, t('event.manage'))),
    surveyFirst && surveyArea(e, survey),
    panel('event-details', t('event.details'), details([
      [t('event.when'), [rangeEl(e.starts_at, e.ends_at), e.status === 'published' && calendarLink(e)], 'event-when'],
      [t('event.venue'), recordText(e.venue), 'event-venue'],
      [t('event.address'), e.address && recordText(e.address), 'event-address'],
      [t('event.host'), recordText(e.host.name), 'event-host'],
      [t('event.theme'), label('theme', e.theme)],
      [t('event.accessibility_notes'), [
        e.accessibility_notes ? textBlocks(e.accessibility_notes) : h('p', {}, t('event.no_accessibility_notes')),
        e.accessibility_contact && h('p', { class: 'accessibility-contact', id: 'event-accessibility-contact' },
          h('strong', {}, t('event.accessibility_contact_label')), contactText(e.accessibility_contact)),
      ], 'event-accessibility'],
      [t('event.seats'), seats, 'event-seats'],
      [t('event.max_party_size'), t('event.party_max', { n: e.max_party_size })],
      [t('event.signup_window'), t('event.window', signupDates(e)), 'event-signup-window'],
    ])),
    e.description && panel('event-description', t('event.description'),
      h('div', { class: 'prose' }, textBlocks(e.description))),
    survey && !surveyFirst && surveyArea(e, survey),
    signupArea(e, mine),
  );
}
