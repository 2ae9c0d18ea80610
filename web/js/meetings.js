// Pieces the executive-meeting pages share: addresses, where a meeting's observer seats stand,
// seats per category, the agenda, and the published lottery. Text only through textContent
// (via h()).

import { api } from './api.js';
import { t, has, plural } from './i18n.js';
import {
  h, details, timeEl, recordText, panel,
} from './ui.js';
import { label, formatDate } from './format.js';
import { decisionHash } from './decisions.js';

// Who a public representative is, in the order the district lists them.
export const CATEGORIES = ['npc_deputy', 'cppcc_member', 'social_organisation', 'business', 'legal', 'resident'];
export const ELIGIBILITY = ['lives_in_district', 'works_in_district'];
export const METHODS = ['first_come', 'lottery'];

// Applications that still hold a seat or a place in line: only these can be withdrawn.
export const ACTIVE_APPLICATIONS = ['applied', 'seated', 'waitlisted'];

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
      class: 'commitment', id: 'draw-commitment', tabindex: 0, 'aria-labelledby': 'draw-commitment-title',
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
