// Staff console: the decisions of the user's department (an admin's: all) and what each needs
// next; its other section, events, is in staff-events.js.

import { t } from '../i18n.js';
import { h } from '../ui.js';
import { decisionItem, decisionList, manageHash } from '../decisions.js';
import { staffUser, staffSections, staffLead } from '../staff.js';

export const name = 'staff';
export const title = 'staff.title';
export const requiresLogin = true;

export async function render(root, ctx) {
  root.append(h('h1', { id: 'staff-title' }, t('staff.title')));
  const user = await staffUser(root, ctx);
  if (!user) return;

  const filters = user.roles.includes('admin') || !user.department ? {} : { department_id: user.department.id };
  const list = await decisionList(filters, ctx.signal, (d) => decisionItem(d,
    manageHash(d.id),
    h('p', { class: 'next-action' }, h('strong', {}, t('staff.next')), t(`staff.next.${d.stage}`))));
  root.append(
    staffSections('decisions'),
    staffLead(user, 'staff'),
    h('p', { class: 'actions' },
      h('a', { id: 'staff-new', class: 'button', href: '#/staff/decisions/new' }, t('staff.new'))),
    list,
  );
}
