// Staff: put a decision in the year's catalog.

import { api } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, flash, handleSubmit, requireFilled, breadcrumb,
} from '../ui.js';
import { catalogFields, manageHash } from '../decisions.js';
import { districtYear } from '../format.js';
import { staffUser, departmentChoice } from '../staff.js';

export const name = 'staff-new';
export const title = 'staff.new';
export const requiresLogin = true;

export async function render(root, ctx) {
  root.append(
    breadcrumb('#/staff', t('staff.title')),
    h('h1', { id: 'decision-new-title' }, t('staff.new')),
  );
  const user = await staffUser(root, ctx);
  if (!user) return;

  const sponsor = await departmentChoice(user, {
    id: 'new-sponsor', name: 'sponsor_department_id', label: t('decision.sponsor'),
  }, ctx.signal);

  const form = h('form', { id: 'decision-new-form', class: 'form form-wide', 'aria-labelledby': 'decision-new-title' },
    field({
      id: 'new-year', name: 'year', type: 'number', inputmode: 'numeric', min: 2000, max: 2100,
      label: t('decision.year'), value: districtYear(), required: true,
    }),
    sponsor,
    catalogFields('new'),
    h('button', { type: 'submit', id: 'decision-new-submit', class: 'button' }, t('staff.create')),
  );
  handleSubmit(form, async (values) => {
    requireFilled(values, ['year']);
    const created = await api('POST', '/decisions', {
      ...values, year: Number(values.year), sponsor_department_id: values.sponsor_department_id || undefined,
    });
    flash(() => t('flash.decision_created'), 'success', { keep: true });
    ctx.go(manageHash(created.id));
  });
  root.append(form);
}
