// Pieces the executive-meeting pages share: addresses, where a meeting's observer seats stand,
// seats per category, the agenda, the published lottery, the observers, the representatives'
// opinions and their handling. Text only through textContent (via h()).

import {
  api, ApiError, fetchAll, idempotentSender,
} from './api.js';
import { t, has, plural } from './i18n.js';
import {
  h, details, timeEl, recordText, recordLang, panel, field, checkbox, flash, handleSubmit, textBlocks,
} from './ui.js';
import { label, formatDate } from './format.js';
import { decisionHash } from './decisions.js';

// Who a public representative is, in the order the district lists them.
export const CATEGORIES = ['npc_deputy', 'cppcc_member', 'social_organisation', 'business', 'legal', 'resident'];
export const ELIGIBILITY = ['lives_in_district', 'works_in_district'];
export const METHODS = ['first_come', 'review', 'lottery'];

// Applications that still hold a seat or a place in line: only these can be withdrawn.
export const ACTIVE_APPLICATIONS = ['applied', 'seated', 'waitlisted'];

// How the meeting dealt with an agenda item that deliberates a major decision (deferred: not
// taken up this time, nothing recorded on the decision).
export const OUTCOMES = ['approved', 'approved_with_amendments', 'deferred'];

// When a seated representative gives an opinion on the portal: once the seats are allotted,
// until the meeting is held.
export const OPINIONS_OPEN = ['drawn'];

// When staff write down an opinion for a seat (one voiced at the meeting): also while held,
// until the minutes are published.
export const STAFF_OPINIONS_OPEN = ['drawn', 'held'];

export function meetingHash(id) {
  return `#/meetings/${encodeURIComponent(id)}`;
}

export function staffMeetingHash(id) {
  return `#/staff/meetings/${encodeURIComponent(id)}`;
}

// '/meetings/<id>' plus an optional '/agenda', … for api().
export function meetingPath(id, sub = '') {
  return `/meetings/${encodeURIComponent(id)}${sub}`;
}

export function fetchMeeting(id, signal) {
  return api('GET', meetingPath(id), undefined, { signal });
}

// The meeting's lottery, or null when none is committed yet (404).
export async function fetchDraw(id, signal) {
  try {
    return await api('GET', meetingPath(id, '/draw'), undefined, { signal });
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

// What a person can do now: the status, with `planned` split by whether the window is known.
export function meetingState(m) {
  if (m.status !== 'planned') return m.status;
  return m.applications_open_at ? 'upcoming' : 'planned';
}

// The state in words, with the window's dates ("Applications open until …").
export function stateText(m) {
  const state = meetingState(m);
  const vars = {
    opens: formatDate(m.applications_open_at, { time: true }),
    closes: formatDate(m.applications_close_at, { time: true }),
  };
  if (state === 'applications_closed') return t(`meeting_state.applications_closed_${m.selection_method}`, vars);
  return has(`meeting_state.${state}`) ? t(`meeting_state.${state}`, vars) : state;
}

// The meeting's applications (staff: all, with names; a representative: their own).
export function fetchApplications(id, signal) {
  return fetchAll(meetingPath(id, '/applications'), { signal });
}

// The opinions the caller may read: staff all, a representative their own, anyone all of
// them once the minutes are published (names masked unless consented).
export function fetchOpinions(id, signal) {
  return fetchAll(meetingPath(id, '/opinions'), { signal });
}

export function meetingBadge(m) {
  return h('span', { class: `badge meeting-badge meeting-${meetingState(m)}` }, stateText(m));
}

// "第140次" / "No. 140".
export function numberText(m) {
  return t('meeting.number_value', { n: m.number });
}

// Seats per category as a short line ("人大代表 3 · 政协委员 3"), or null when none are planned.
export function seatsLine(m) {
  const quotas = (m.quotas || []).filter((q) => q.seats > 0);
  if (!quotas.length) return null;
  const total = quotas.reduce((sum, q) => sum + q.seats, 0);
  return [
    h('strong', {}, plural('meeting.seats_total', total)), ' ',
    quotas.map((q) => t('meeting.seats_of', { category: label('category', q.category), n: q.seats }))
      .join(t('meeting.seats_separator')),
  ];
}

// The seats per category as a list.
export function seatsList(m) {
  const quotas = m.quotas || [];
  if (!quotas.length) return h('p', { class: 'empty', id: 'meeting-seats-none' }, t('meeting.seats_none'));
  return h('ul', { class: 'seat-quotas', id: 'meeting-seats' }, quotas.map((q) => h('li', { dataset: { category: q.category } },
    h('span', { class: 'seat-category' }, label('category', q.category)),
    h('span', { class: 'seat-count' }, plural('meeting.seats', q.seats)))));
}

// One meeting as <li>, its title (a heading of `level`) linking to href.
export function meetingItem(m, { href = meetingHash(m.id), level = 2 } = {}, ...extra) {
  const seats = seatsLine(m);
  return h('li', { class: `meeting-item meeting-item-${m.status}` },
    h(`h${level}`, { class: 'meeting-title' },
      h('a', { class: 'meeting-link', href, dataset: { id: m.id } }, recordText(m.title))),
    h('p', { class: 'meta' }, meetingBadge(m)),
    h('p', { class: 'meeting-when' }, numberText(m), ' · ', timeEl(m.starts_at, { time: true })),
    h('p', { class: 'meeting-where' }, recordText(m.place), ' · ', recordText(m.department.name)),
    seats && h('p', { class: 'meeting-seats' }, seats),
    extra);
}

// The facts of a meeting as a <dl>.
export function meetingDetails(m) {
  return details([
    [t('meeting.number'), numberText(m), 'meeting-number'],
    [t('meeting.starts_at'), timeEl(m.starts_at, { time: true }), 'meeting-starts-at'],
    [t('meeting.place'), recordText(m.place), 'meeting-place'],
    [t('meeting.department'), recordText(m.department.name), 'meeting-department'],
    [t('meeting.window'), m.applications_open_at && t('meeting.window_value', {
      opens: formatDate(m.applications_open_at, { time: true }),
      closes: formatDate(m.applications_close_at, { time: true }),
    }), 'meeting-window'],
    [t('meeting.method'), m.quotas?.length ? label('method', m.selection_method) : null, 'meeting-method'],
    [t('meeting.public_value_source'), m.selection_method === 'lottery' && m.public_value_source
      ? recordText(m.public_value_source) : null],
    [t('meeting.public_value_at'), m.public_value_at ? timeEl(m.public_value_at, { time: true }) : null],
  ]);
}

// The agenda in order; confidential items (which only the organising staff get) are marked.
export function agendaList(m) {
  if (!m.agenda.length) return h('p', { class: 'empty', id: 'agenda-empty' }, t('meeting.agenda_empty'));
  return h('ol', { class: 'agenda', id: 'agenda' }, [...m.agenda].sort((a, b) => a.position - b.position)
    .map((item) => h('li', { class: 'agenda-item', dataset: { id: item.id } },
      h('p', { class: 'agenda-title' }, recordText(item.title),
        item.confidential && [' ', h('span', { class: 'badge badge-confidential' }, t('meeting.confidential'))]),
      h('p', { class: 'meta' }, t('meeting.presented_by'), recordText(item.presenting_department.name)),
      item.decision_id && h('p', { class: 'agenda-decision' },
        h('a', { href: decisionHash(item.decision_id) }, t('meeting.see_decision'))))));
}

// The public agenda items, in order.
export function publicItems(m) {
  return [...m.agenda].filter((a) => !a.confidential).sort((a, b) => a.position - b.position);
}

// Each agenda item's number as the viewer's agenda list shows it (the public's leaves out
// the confidential items): id -> 1, 2, …
function itemNumbers(m) {
  return new Map([...m.agenda].sort((a, b) => a.position - b.position).map((a, i) => [a.id, i + 1]));
}

// The statuses in which the seats are allotted for good.
const ALLOTTED = ['drawn', 'held', 'minutes_published'];

// Seated and (once the meeting is held) attended observers per category, as a table; null
// before the seats are allotted.
export function observersTable(m) {
  const rows = m.observers || [];
  if (!rows.length || !ALLOTTED.includes(m.status)) return null;
  const held = m.status !== 'drawn';
  const recorded = rows.some((o) => o.attended != null);
  const sum = (key) => rows.reduce((n, o) => n + (o[key] || 0), 0);
  const attended = (n) => h('td', { class: 'num' }, recorded ? String(n ?? 0) : t('observers.not_recorded'));
  return h('div', {
    class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': 'observers-caption',
  },
  h('table', { id: 'observers', class: 'observers-table' },
    h('caption', { id: 'observers-caption' }, t(held ? 'observers.caption_attended' : 'observers.caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('observers.col_category')),
      h('th', { scope: 'col', class: 'num' }, t('observers.col_seated')),
      held && h('th', { scope: 'col', class: 'num' }, t('observers.col_attended')))),
    h('tbody', {}, rows.map((o) => h('tr', { dataset: { category: o.category } },
      h('th', { scope: 'row' }, label('category', o.category)),
      h('td', { class: 'num' }, String(o.seated)),
      held && attended(o.attended)))),
    h('tfoot', {}, h('tr', {},
      h('th', { scope: 'row' }, t('observers.total')),
      h('td', { class: 'num' }, String(sum('seated'))),
      held && attended(sum('attended'))))));
}

// The observers panel: who was seated and, once recorded, who attended.
export function observersPanel(m, id = 'meeting-observers') {
  const table = observersTable(m);
  if (!table) return null;
  const recorded = (m.observers || []).some((o) => o.attended != null);
  return panel(id, t('observers.title'), !recorded && h('p', { class: 'hint' }, t('observers.hint')), table);
}

// The conclusion, once the minutes are published.
export function conclusionPanel(m) {
  if (!m.conclusion) return null;
  return panel('meeting-conclusion', t('meeting.conclusion'),
    h('div', { class: 'prose conclusion', id: 'meeting-conclusion-text', lang: recordLang(m.conclusion) },
      textBlocks(m.conclusion)));
}

// ---- opinions

// An opinion as <li>: who (category and name as the API gives them), when, what, and how it
// was handled. extra: more content (a handling form) at the end. showConsent: say whether the
// representative agreed to be named (for the representative and staff).
export function opinionItem(o, { showConsent = false } = {}, ...extra) {
  return h('li', { class: `opinion ${o.handling ? 'opinion-handled' : 'opinion-pending'}`, dataset: { id: o.id } },
    h('p', { class: 'comment-meta' },
      h('span', { class: 'badge badge-category' }, label('category', o.category)), ' ',
      recordText(o.representative, 'span', { class: 'comment-author opinion-representative' }), ' · ',
      timeEl(o.created_at, { time: true }),
      showConsent && ` · ${t(o.named ? 'opinion.named_yes' : 'opinion.named_no')}`),
    h('div', { class: 'comment-body opinion-text', lang: recordLang(o.text) }, textBlocks(o.text)),
    o.handling
      ? h('div', { class: 'opinion-handling' },
        h('p', { class: 'opinion-handling-title' }, t('opinion.handling'),
          o.handled_at && h('span', { class: 'meta' }, ' · ', timeEl(o.handled_at, { time: true }))),
        h('div', { class: 'prose', lang: recordLang(o.handling) }, textBlocks(o.handling)))
      : h('p', { class: 'opinion-unhandled' }, h('span', { class: 'badge badge-pending' }, t('opinion.unhandled'))),
    extra);
}

// Opinions under the title of the agenda item they are on, in the agenda's order.
// renderItem(o) -> <li>; level: of the items' headings.
export function opinionsByItem(m, opinions, renderItem, level = 3) {
  const order = [...m.agenda].sort((a, b) => a.position - b.position);
  const numbers = itemNumbers(m);
  const groups = order.map((item) => ({ item, list: opinions.filter((o) => o.agenda_item_id === item.id) }));
  const known = new Set(order.map((a) => a.id));
  const others = opinions.filter((o) => !known.has(o.agenda_item_id));
  return h('div', { class: 'opinion-groups' },
    groups.filter((g) => g.list.length).map(({ item, list }) => h('section', {
      class: 'opinion-group', dataset: { itemId: item.id }, 'aria-labelledby': `opinions-item-${item.id}`,
    },
    h(`h${level}`, { id: `opinions-item-${item.id}` },
      h('span', { class: 'opinion-item-number' }, t('opinion.item_n', { n: numbers.get(item.id) })), ' ',
      recordText(item.title)),
    h('ul', { class: 'opinions' }, list.map(renderItem)))),
    others.length > 0 && h('section', { class: 'opinion-group' },
      h(`h${level}`, {}, t('opinion.other_items')),
      h('ul', { class: 'opinions' }, others.map(renderItem))));
}

// The form giving an opinion on a public agenda item. seats: for staff writing one down on
// behalf of a representative, the seated applications to choose from (with their names);
// without it, the caller gives their own. name: the caller's name, for the consent's hint.
// Consent to be named is the representative's own: staff cannot give it, so an opinion they
// write down is published with the name masked.
export function opinionForm(ctx, m, { seats = null, name = '' } = {}) {
  const items = publicItems(m);
  const numbers = itemNumbers(m);
  const onBehalf = Array.isArray(seats);
  const form = h('form', { id: 'opinion-form', class: 'form', 'aria-labelledby': 'opinion-form-title' },
    h('h3', { id: 'opinion-form-title' }, t(onBehalf ? 'opinion.form_title_staff' : 'opinion.form_title')),
    h('p', { class: 'hint' }, t(onBehalf ? 'opinion.form_intro_staff' : 'opinion.form_intro')),
    onBehalf && field({
      id: 'opinion-seat', name: 'application_id', tag: 'select', label: t('opinion.seat'),
      options: [{ value: '', label: t('form.choose') }, ...seats.map((a) => ({
        value: a.id,
        label: `${a.applicant || t('attendee.erased')} · ${label('category', a.category)}`,
      }))],
    }),
    field({
      id: 'opinion-item', name: 'agenda_item_id', tag: 'select', label: t('opinion.item'),
      options: [
        ...(items.length === 1 ? [] : [{ value: '', label: t('form.choose') }]),
        ...items.map((a) => ({ value: a.id, label: `${t('opinion.item_n', { n: numbers.get(a.id) })} ${a.title}` })),
      ],
    }),
    field({
      id: 'opinion-text', name: 'text', tag: 'textarea', rows: 5, maxlength: 2000, label: t('opinion.text'),
      hint: t('opinion.text_hint'),
    }),
    onBehalf
      ? h('p', { class: 'hint', id: 'opinion-masked' }, t('opinion.masked_staff'))
      : checkbox({
        id: 'opinion-named', name: 'named', label: t('opinion.named'), hint: t('opinion.named_hint', { name }),
      }),
    h('button', { type: 'submit', id: 'opinion-submit', class: 'button' }, t('opinion.submit')));
  const send = idempotentSender('POST', meetingPath(m.id, '/opinions'));
  handleSubmit(form, async (v) => {
    await send({
      agenda_item_id: v.agenda_item_id || undefined,
      text: v.text,
      named: onBehalf ? undefined : Boolean(v.named),
      application_id: onBehalf ? v.application_id || undefined : undefined,
    }).catch((err) => {
      // 403: the server does not count the caller as holding a seat.
      if (err.status === 403 && !onBehalf) throw new ApiError(403, { code: 'opinion_forbidden', detail: err.detail });
      throw err;
    });
    flash(() => t('flash.opinion_given'), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return form;
}

export function applicationBadge(status) {
  return h('span', { class: `badge application-${status}` }, label('application_status', status));
}

export function representativeBadge(status) {
  return h('span', { class: `badge representative-${status}` }, label('representative_status', status));
}

// ---- the lottery

// A category's seats and waitlist as a table; `mine`: the viewer's pseudonym, marked.
function seatsTable(id, caption, categories, mine) {
  const names = (list) => (list.length
    ? h('ol', { class: 'pseudonyms' }, list.map((p) => h('li', {},
      p === mine ? h('mark', { title: t('draw.you') }, p) : h('code', {}, p))))
    : h('span', { class: 'empty' }, t('draw.nobody')));
  return h('div', {
    class: 'table-wrap', tabindex: 0, role: 'region', 'aria-labelledby': `${id}-caption`,
  },
  h('table', { id, class: 'draw-table' },
    h('caption', { id: `${id}-caption` }, caption),
    h('thead', {}, h('tr', {}, ['category', 'seated', 'waitlist']
      .map((c) => h('th', { scope: 'col' }, t(`draw.col_${c}`))))),
    h('tbody', {}, categories.map((c) => h('tr', { dataset: { category: c.category } },
      h('th', { scope: 'row' }, label('category', c.category),
        h('span', { class: 'seat-note' }, plural('meeting.seats', c.seats))),
      h('td', {}, names(c.seated)),
      h('td', {}, names(c.waitlist)))))));
}

function sameSeats(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// The published lottery: the commitment, the public value and the seed, the seats, the file
// and how to check it. draw: GET /meetings/{id}/draw or null; mine: the viewer's pseudonym.
export function drawPanel(m, draw, mine = null) {
  const heading = t('draw.title');
  if (!draw) {
    return panel('meeting-draw', heading,
      h('p', { id: 'draw-none' }, t(m.status === 'drawn' ? 'draw.none_drawn' : 'draw.none')),
      h('p', { class: 'hint' }, t('draw.how_it_works')));
  }
  const drawn = Boolean(draw.seed);
  const current = Array.isArray(draw.current) && draw.current.length && !sameSeats(draw.current, draw.categories)
    ? draw.current : null;
  return panel('meeting-draw', heading,
    h('p', { class: 'hint' }, t('draw.how_it_works')),
    h('p', { class: drawn ? 'notice notice-open' : 'notice notice-plain', id: 'draw-state' },
      drawn ? t('draw.state_drawn') : t('draw.state_committed')),
    details([
      [t('draw.algorithm'), h('code', {}, draw.algorithm)],
      [t('draw.committed_at'), timeEl(draw.committed_at, { time: true }), 'draw-committed-at'],
      [t('draw.source'), recordText(draw.public_value_source), 'draw-source'],
      [t('draw.value_at'), draw.public_value_at ? timeEl(draw.public_value_at, { time: true }) : null, 'draw-value-at'],
      [t('draw.value'), draw.public_value ? h('code', {}, draw.public_value) : t('draw.value_pending'), 'draw-value'],
      [t('draw.drawn_at'), draw.drawn_at ? timeEl(draw.drawn_at, { time: true }) : null, 'draw-drawn-at'],
      [t('draw.seed'), draw.seed ? h('code', { class: 'hash' }, draw.seed) : null, 'draw-seed'],
    ]),
    h('h3', { id: 'draw-commitment-title' }, t('draw.commitment')),
    h('p', { class: 'hint' }, t('draw.commitment_hint')),
    h('pre', {
      // A scrolled box takes focus; as a named region (a <pre> may not be named otherwise).
      class: 'commitment', id: 'draw-commitment', tabindex: 0, role: 'region',
      'aria-labelledby': 'draw-commitment-title',
      lang: 'zh-CN', translate: 'no',
    }, draw.commitment.text),
    details([[t('draw.sha256'), h('code', { class: 'hash', id: 'draw-sha256' }, draw.commitment.sha256)]]),
    mine && h('p', { id: 'draw-mine' }, t('draw.your_pseudonym'), h('mark', {}, mine)),
    drawn && [
      h('h3', {}, t('draw.seats')),
      seatsTable('draw-seats', t('draw.as_drawn'), draw.categories, mine),
      current && seatsTable('draw-current', t('draw.as_now'), current, mine),
    ],
    h('h3', { id: 'draw-verify-title' }, t('draw.verify')),
    h('ol', { class: 'verify-steps' },
      h('li', {}, t('draw.verify_1'), ' ',
        h('a', {
          id: 'draw-download', href: `/api/v1${meetingPath(m.id, '/draw')}`, download: `draw-${m.number}.json`,
        }, t('draw.download'))),
      h('li', {}, t('draw.verify_2'), h('pre', { class: 'command', translate: 'no' },
        h('code', {}, 'python3 docs/verify_draw.py draw.json'))),
      h('li', {}, t(drawn ? 'draw.verify_3' : 'draw.verify_3_pending'))),
    h('p', { class: 'hint' }, t('draw.verify_doc'), ' ', h('code', {}, 'docs/lottery.md'), t('draw.verify_doc_end')));
}
