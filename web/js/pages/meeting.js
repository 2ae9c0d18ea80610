// One executive meeting: its agenda and observer seats, applying for a seat (verified public
// representatives), one's own application and its withdrawal, the published lottery, the
// observers who were seated and attended, the conclusion once the minutes are published, and
// the representatives' opinions with their handling (a seated representative gives theirs
// here and sees their own before the minutes make them all public).

import {
  api, ApiError, getUser, isLoggedIn, managesDepartment, idempotentSender, fetchMe,
} from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, flash, handleSubmit, timeEl, recordText, recordLang, panel, breadcrumb, confirmStep, details,
} from '../ui.js';
import { label } from '../format.js';
import {
  meetingPath, staffMeetingHash, fetchMeeting, fetchDraw, fetchOpinions, meetingBadge, meetingDetails,
  agendaList, seatsList, applicationBadge, drawPanel, observersPanel, conclusionPanel, opinionItem,
  opinionsByItem, opinionForm, publicItems, ACTIVE_APPLICATIONS, OPINIONS_OPEN,
} from '../meetings.js';

export const name = 'meeting';
export const title = 'meeting.page_title';

// The signed-in user, fresh from the server, or null (not signed in, or the token died).
async function freshUser(signal) {
  if (!isLoggedIn()) return null;
  try {
    return await fetchMe({ signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return null;
  }
}

// The caller's own applications for the meeting (a representative sees only theirs).
async function myApplications(id, signal) {
  const page = await api('GET', meetingPath(id, '/applications?limit=100'), undefined, { signal });
  return page.items;
}

// The caller's representative profile, or null (none: 404).
async function myProfile(signal) {
  try {
    return await api('GET', '/me/representative', undefined, { signal });
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

function agendaTitles(m, ids) {
  const byId = new Map(m.agenda.map((a) => [a.id, a]));
  const items = ids.map((id) => byId.get(id)).filter(Boolean);
  if (!items.length) return t('application.no_items');
  return h('ul', { class: 'cared-items' }, items.map((a) => h('li', {}, recordText(a.title))));
}

// Once the meeting has started (or is over), an application can no longer be withdrawn.
function started(m) {
  return ['held', 'minutes_published', 'cancelled'].includes(m.status) || Date.parse(m.starts_at) <= Date.now();
}

// The caller's application: status, pseudonym, place in line, the reason of a rejection,
// attendance, and withdrawal.
function applicationCard(ctx, m, a) {
  const active = ACTIVE_APPLICATIONS.includes(a.status) && !started(m);
  const lottery = m.selection_method === 'lottery';
  return h('div', {
    class: `receipt application application-card-${a.status}`, id: 'my-application', tabindex: -1,
  },
  h('p', { class: 'receipt-title' }, applicationBadge(a.status), ' ', t(`application.status_note.${a.status}`)),
  details([
    [t('application.category'), label('category', a.category), 'my-application-category'],
    // Only a lottery names applicants by their pseudonyms.
    [t('application.pseudonym'), lottery ? h('span', { class: 'tracking-number' }, a.pseudonym) : null,
      'my-application-pseudonym'],
    [t('application.waitlist_position'), a.status === 'waitlisted' && a.waitlist_position
      ? t('application.position', { n: a.waitlist_position }) : null, 'my-application-position'],
    [t('application.reason'), a.status === 'rejected' && a.reason
      ? recordText(a.reason, 'span', { class: 'application-reason' }) : null, 'my-application-reason'],
    [t('application.attended'), a.status === 'seated' && a.attended != null
      ? t(a.attended ? 'application.attended_yes' : 'application.attended_no') : null, 'my-application-attended'],
    [t('application.items'), agendaTitles(m, a.agenda_item_ids || [])],
    [t('application.created_at'), timeEl(a.created_at, { time: true })],
  ]),
  lottery && h('p', { class: 'hint' }, t('application.pseudonym_hint')),
  active && confirmStep({
    id: 'application-withdraw',
    label: t('application.withdraw'),
    question: t(a.status === 'seated' ? 'application.withdraw_question_seated' : 'application.withdraw_question'),
    yes: t('application.withdraw_yes'),
    no: t('application.withdraw_no'),
    actionClass: 'application-withdraw',
    action: async () => {
      await api('DELETE', `/applications/${encodeURIComponent(a.id)}`);
      flash(() => t('flash.application_withdrawn'), 'success', { keep: true });
      ctx.go(location.hash);
    },
  }));
}

// The form: which public agenda items the representative cares about.
function applyForm(ctx, m, profile) {
  const items = m.agenda.filter((a) => !a.confidential);
  const form = h('form', { id: 'apply-form', class: 'form', 'aria-labelledby': 'meeting-apply-title' },
    profile && h('p', {}, t('apply.as', { category: label('category', profile.category) })),
    items.length > 0 && h('fieldset', { id: 'apply-agenda-items', name: 'agenda_item_ids', class: 'choices-group' },
      h('legend', {}, t('apply.items')),
      h('p', { class: 'hint' }, t('apply.items_hint')),
      h('p', { class: 'field-error', id: 'apply-agenda-items-error' }),
      items.map((a) => h('div', { class: 'field field-check' },
        h('input', {
          type: 'checkbox', id: `apply-item-${a.id}`, name: 'agenda_item', value: a.id,
        }),
        h('label', { for: `apply-item-${a.id}` }, recordText(a.title))))),
    h('button', { type: 'submit', id: 'apply-submit', class: 'button' }, t('apply.submit')));
  const send = idempotentSender('POST', meetingPath(m.id, '/applications'));
  handleSubmit(form, async () => {
    const ids = [...form.querySelectorAll('input[name="agenda_item"]:checked')].map((i) => i.value);
    const a = await send({ agenda_item_ids: ids }).catch((err) => {
      // An item's error ("agenda_item_ids[1]") is shown by the group.
      for (const e of err.errors || []) e.field = e.field?.replace(/^agenda_item_ids\[\d+\]$/, 'agenda_item_ids');
      // 403: the server does not count the caller as a verified representative.
      if (err.status === 403) throw new ApiError(403, { code: 'apply_forbidden', detail: err.detail });
      throw err;
    });
    flash(() => t('flash.applied', { pseudonym: a.pseudonym }), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return form;
}

function notice(id, ...content) {
  return h('div', { class: 'notice notice-plain', id }, h('p', {}, content));
}

// How to become a representative, for anyone who is not one.
function becomeRep(user, profile) {
  if (!user) {
    const next = encodeURIComponent(location.hash);
    return notice('apply-login', t('apply.login_first'), ' ',
      h('a', { id: 'apply-login-link', href: `#/login?next=${next}` }, t('nav.login')), ' ',
      h('a', { href: '#/register' }, t('nav.register')));
  }
  const key = profile?.status === 'pending' ? 'apply.pending_profile' : 'apply.not_representative';
  return notice('apply-not-representative', t(key), ' ',
    h('a', { id: 'apply-profile-link', href: '#/me/representative' }, t('apply.profile_link')));
}

// The application area: the caller's application, the form, or how to become a representative.
async function applyArea(ctx, m, user) {
  const isRep = Boolean(user?.roles?.includes('representative'));
  const [mine, profile] = isRep
    ? await Promise.all([myApplications(m.id, ctx.signal), myProfile(ctx.signal)])
    : [[], user ? await myProfile(ctx.signal) : null];
  const current = mine.find((a) => ACTIVE_APPLICATIONS.includes(a.status)) || mine[mine.length - 1] || null;
  // Past the window, how to become a representative helps nobody with this meeting.
  const past = !['planned', 'applications_open'].includes(m.status);
  let content;
  if (current) content = applicationCard(ctx, m, current);
  else if (!isRep && !past) content = becomeRep(user, profile);
  else if (isRep && m.status === 'applications_open') content = applyForm(ctx, m, profile);
  else content = notice('apply-unavailable', t(`apply.closed.${m.status}`));
  const section = h('section', { class: 'apply-area', id: 'meeting-apply', 'aria-labelledby': 'meeting-apply-title' },
    h('h2', { id: 'meeting-apply-title' }, t(current ? 'application.title' : 'apply.title')),
    content);
  return { section, mine: current?.pseudonym || null, application: current };
}

// The opinions: all of them with their handling once the minutes are published (names masked
// unless consented); before, a seated representative's own with the form to give one; for
// anyone else, when they will be published.
async function opinionsPanel(ctx, m, user, application) {
  const seated = application?.status === 'seated';
  const published = m.status === 'minutes_published';
  if (!published && !['drawn', 'held'].includes(m.status)) return null;
  const opinions = published || seated ? await fetchOpinions(m.id, ctx.signal) : [];
  const heading = t(published ? 'opinion.title_public' : 'opinion.title');
  if (published) {
    return panel('meeting-opinions', heading,
      h('p', { class: 'hint', id: 'opinions-masking' }, t('opinion.masking_note')),
      opinions.length
        ? opinionsByItem(m, opinions, (o) => opinionItem(o))
        : h('p', { class: 'empty', id: 'opinions-empty' }, t('opinion.none_public')));
  }
  if (!seated) {
    return panel('meeting-opinions', heading,
      h('p', { class: 'notice notice-plain', id: 'opinions-later' }, t('opinion.published_later')));
  }
  const open = OPINIONS_OPEN.includes(m.status) && publicItems(m).length > 0;
  return panel('meeting-opinions', heading,
    h('p', { class: 'hint' }, t('opinion.mine_intro')),
    h('h3', { id: 'my-opinions-title' }, t('opinion.mine')),
    opinions.length
      ? opinionsByItem(m, opinions, (o) => opinionItem(o, { showConsent: true }), 4)
      : h('p', { class: 'empty', id: 'my-opinions-empty' }, t('opinion.none_mine')),
    open && opinionForm(ctx, m, { name: user?.display_name || '' }),
    !OPINIONS_OPEN.includes(m.status) && h('p', { class: 'notice notice-plain', id: 'opinions-closed' },
      t('opinion.closed')));
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const [m, user] = await Promise.all([fetchMeeting(id, signal), freshUser(signal)]);
  const [{ section, mine, application }, draw] = await Promise.all([
    applyArea(ctx, m, user),
    m.selection_method === 'lottery' ? fetchDraw(id, signal) : null,
  ]);
  const opinions = await opinionsPanel(ctx, m, user, application);
  append(root,
    breadcrumb('#/meetings', t('meetings.title')),
    recordText(m.title, 'h1', { id: 'meeting-title' }),
    h('p', { class: 'meta' }, meetingBadge(m)),
    m.status === 'cancelled' && h('div', { class: 'notice notice-cancelled', id: 'meeting-cancelled' },
      h('p', {}, t('meeting.cancelled_notice')),
      m.cancellation_reason && h('p', { id: 'meeting-cancellation-reason' }, t('meeting.cancellation_reason'),
        h('span', { lang: recordLang(m.cancellation_reason) }, m.cancellation_reason))),
    managesDepartment(user || getUser(), m.department.id) && h('p', { class: 'actions' },
      h('a', { id: 'manage-meeting', class: 'button button-secondary', href: staffMeetingHash(id) }, t('meeting.manage'))),
    panel('meeting-details', t('meeting.details'), meetingDetails(m)),
    conclusionPanel(m),
    panel('meeting-agenda', t('meeting.agenda'), h('p', { class: 'hint' }, t('meeting.agenda_hint')), agendaList(m)),
    panel('meeting-seat-plan', t('meeting.seats_title'), h('p', { class: 'hint' }, t('meeting.seats_hint')), seatsList(m)),
    observersPanel(m),
    section,
    opinions,
    m.selection_method === 'lottery' && drawPanel(m, draw, mine),
  );
}
