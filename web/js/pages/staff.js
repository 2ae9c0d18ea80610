// Staff console: what awaits the user's department (an admin's: everyone's) as count tiles, each
// leading to where the work is, then the department's decisions (an admin's: all) and what each
// needs next; the other sections are in staff-events.js, staff-meetings.js, ….

import { api } from '../api.js';
import { t, plural } from '../i18n.js';
import { h, append } from '../ui.js';
import { formatNumber, districtDay } from '../format.js';
import { decisionItem, decisionList, manageHash } from '../decisions.js';
import { staffUser, staffSections, staffLead } from '../staff.js';
import { staffEventsOn } from '../events.js';
import { jumpTo } from '../jump.js';

export const name = 'staff';
export const title = 'staff.title';
export const requiresLogin = true;

// Each count and where its work is: a page (href), or the decision list below (comments are
// moderated on each decision's page, and the list says which need it).
const TILES = [
  ['comments_to_moderate', { jump: 'staff-decisions-title' }],
  ['signups_today', { href: () => staffEventsOn(districtDay()) }],
  ['applications_to_review', { href: () => '#/staff/meetings' }],
  ['opinions_to_handle', { href: () => '#/staff/meetings' }],
  ['profiles_to_verify', { href: () => '#/staff/representatives' }],
];

// GET /staff/summary, or null when there is none (a server without it answers 404) or it
// cannot be had now: the console works without the tiles.
async function fetchSummary(signal) {
  try {
    return await api('GET', '/staff/summary', undefined, { signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return null;
  }
}

function tile(key, n, { jump, href }) {
  const content = [
    h('span', { class: 'tile-label' }, plural(`staff_summary.${key}`, n)), ' ',
    h('span', { class: 'tile-count' }, formatNumber(n)),
  ];
  const attrs = { class: n > 0 ? 'tile' : 'tile tile-zero', id: `tile-${key.replaceAll('_', '-')}` };
  return h('li', {}, jump
    ? h('button', { type: 'button', ...attrs, onclick: () => jumpTo(document.getElementById(jump)) }, content)
    : h('a', { ...attrs, href: href() }, content));
}

// The count tiles; the counts missing from the answer are left out.
function summaryTiles(summary) {
  const tiles = TILES.filter(([key]) => Number.isInteger(summary?.[key]));
  if (!tiles.length) return null;
  return h('section', { class: 'staff-summary', id: 'staff-summary', 'aria-labelledby': 'staff-summary-title' },
    h('h2', { id: 'staff-summary-title', class: 'staff-summary-title' }, t('staff_summary.title')),
    h('ul', { class: 'tiles' }, tiles.map(([key, target]) => tile(key, summary[key], target))));
}

export async function render(root, ctx) {
  root.append(h('h1', { id: 'staff-title' }, t('staff.title')));
  const user = await staffUser(root, ctx);
  if (!user) return;

  const filters = user.roles.includes('admin') || !user.department ? {} : { department_id: user.department.id };
  const [summary, list] = await Promise.all([
    fetchSummary(ctx.signal),
    decisionList(filters, ctx.signal, (d) => decisionItem(d,
      manageHash(d.id),
      h('p', { class: 'next-action' }, h('strong', {}, t('staff.next')), t(`staff.next.${d.stage}`)))),
  ]);
  append(root,
    summaryTiles(summary),
    staffSections('decisions'),
    staffLead(user, 'staff'),
    h('h2', { id: 'staff-decisions-title', class: 'visually-hidden' }, t('staff_summary.decisions')),
    h('p', { class: 'actions' },
      h('a', { id: 'staff-new', class: 'button', href: '#/staff/decisions/new' }, t('staff.new'))),
    list,
  );
}
