// Staff: manage one executive meeting: its agenda, the observer seat plan, the applications,
// allotting the seats and, for a lottery, entering the public value that draws it. Each panel
// appears only while the server allows its action; the server decides in the end (409).

import {
  api, ApiError, fetchAll, managesDepartment,
} from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, field, checkbox, flash, handleSubmit, requireFilled, timeEl, recordText, panel, breadcrumb,
  confirmStep, details,
} from '../ui.js';
import {
  label, codeOptions, departmentOptions, wallTimeToUtc, utcToWallTime, zoneName,
} from '../format.js';
import {
  CATEGORIES, METHODS, meetingHash, meetingPath, fetchMeeting, fetchDraw, meetingBadge, meetingDetails,
  agendaList, seatsList, applicationBadge,
} from '../meetings.js';
import { staffUser, actionPanel, forbiddenNotice } from '../staff.js';

export const name = 'staff-meeting';
export const title = 'staff_meetings.manage';
export const requiresLogin = true;

const OVER = ['held', 'minutes_published', 'cancelled'];

async function agendaPanel(ctx, m) {
  const departments = await departmentOptions(t('form.choose'), ctx.signal);
  return actionPanel(ctx, {
    id: 'panel-agenda-add',
    heading: t('staff_meetings.agenda_add'),
    intro: h('p', { class: 'hint' }, t('staff_meetings.agenda_intro')),
    fields: [
      field({
        id: 'agenda-title', name: 'title', label: t('staff_meetings.agenda_title'), maxlength: 300, required: true,
      }),
      field({
        id: 'agenda-department', name: 'presenting_department_id', tag: 'select',
        label: t('staff_meetings.agenda_department'), options: departments,
      }),
      field({
        id: 'agenda-decision', name: 'decision_id', label: t('staff_meetings.agenda_decision'),
        hint: t('staff_meetings.agenda_decision_hint'), autocomplete: 'off', spellcheck: 'false',
      }),
      checkbox({
        id: 'agenda-confidential', name: 'confidential', label: t('staff_meetings.agenda_confidential'),
        hint: t('staff_meetings.agenda_confidential_hint'),
      }),
    ],
    submit: t('staff_meetings.agenda_submit'),
    done: 'flash.agenda_added',
    send: (v) => api('POST', meetingPath(m.id, '/agenda'), {
      title: v.title.trim(),
      presenting_department_id: v.presenting_department_id || undefined,
      // A pasted address of the decision's page works as well as its id.
      decision_id: v.decision_id.trim().replace(/^.*#\/(staff\/)?decisions\//, '').replace(/[/?].*$/, '') || undefined,
      confidential: Boolean(v.confidential),
    }),
  });
}

// The seat plan: seats per category, the window, the method and, for a lottery, its public value.
function seatPlanPanel(ctx, m) {
  const seatsOf = new Map((m.quotas || []).map((q) => [q.category, q.seats]));
  const lotteryFields = h('div', { class: 'lottery-fields', id: 'plan-lottery-fields' },
    field({
      id: 'plan-public-value-source', name: 'public_value_source', label: t('staff_meetings.public_value_source'),
      hint: t('staff_meetings.public_value_source_hint'), maxlength: 300, value: m.public_value_source || '',
    }),
    field({
      id: 'plan-public-value-at', name: 'public_value_at', type: 'datetime-local',
      label: t('staff_meetings.public_value_at'), hint: t('staff_meetings.public_value_at_hint'),
      value: utcToWallTime(m.public_value_at),
    }));
  const method = field({
    id: 'plan-selection-method', name: 'selection_method', tag: 'select', label: t('meeting.method'),
    hint: t('staff_meetings.method_hint'), options: codeOptions('method', METHODS),
    value: m.quotas?.length ? m.selection_method : 'lottery',
  });
  const select = method.querySelector('select');
  const toggle = () => { lotteryFields.hidden = select.value !== 'lottery'; };
  select.addEventListener('change', toggle);
  select.addEventListener('input', toggle);
  toggle();
  let sent = []; // the categories in the order sent, to name an error "quotas[2].seats"
  const result = actionPanel(ctx, {
    id: 'panel-seat-plan',
    heading: t('staff_meetings.seat_plan'),
    intro: h('p', { class: 'hint' }, t('staff_meetings.seat_plan_intro', { zone: zoneName() })),
    fields: [
      h('fieldset', { class: 'quota-fields', id: 'plan-quotas', name: 'quotas' },
        h('legend', {}, t('staff_meetings.quotas')),
        h('p', { class: 'field-error', id: 'plan-quotas-error' }),
        h('div', { class: 'quota-grid' }, CATEGORIES.map((c) => field({
          id: `plan-quota-${c.replaceAll('_', '-')}`, name: `quota_${c}`, type: 'number', inputmode: 'numeric',
          min: 0, max: 100, label: label('category', c), value: seatsOf.get(c) ?? '',
        })))),
      field({
        id: 'plan-opens-at', name: 'applications_open_at', type: 'datetime-local', label: t('staff_meetings.opens_at'),
        value: utcToWallTime(m.applications_open_at), required: true,
      }),
      field({
        id: 'plan-closes-at', name: 'applications_close_at', type: 'datetime-local', label: t('staff_meetings.closes_at'),
        hint: t('staff_meetings.closes_at_hint'), value: utcToWallTime(m.applications_close_at), required: true,
      }),
      method,
      lotteryFields,
    ],
    submit: t('staff_meetings.seat_plan_submit'),
    done: 'flash.seat_plan_saved',
    send: async (v) => {
      requireFilled(v, ['applications_open_at', 'applications_close_at']);
      const lottery = v.selection_method === 'lottery';
      const quotas = CATEGORIES.filter((c) => String(v[`quota_${c}`] ?? '').trim() !== '')
        .map((c) => ({ category: c, seats: Number(v[`quota_${c}`]) }));
      sent = quotas.map((q) => q.category);
      try {
        return await api('PUT', meetingPath(m.id, '/seat-plan'), {
          quotas,
          applications_open_at: wallTimeToUtc(v.applications_open_at),
          applications_close_at: wallTimeToUtc(v.applications_close_at),
          selection_method: v.selection_method,
          public_value_source: lottery ? v.public_value_source.trim() || undefined : undefined,
          public_value_at: lottery ? wallTimeToUtc(v.public_value_at) : undefined,
        });
      } catch (err) {
        for (const e of err.errors || []) {
          const at = e.field?.match(/^quotas\[(\d+)\]/);
          if (at && sent[Number(at[1])]) e.field = `quota_${sent[Number(at[1])]}`;
        }
        throw err;
      }
    },
  });
  return result;
}

function applicationsTable(m, applications) {
  if (!applications.length) return h('p', { class: 'empty', id: 'applications-empty' }, t('staff_meetings.no_applications'));
  const titles = new Map(m.agenda.map((a) => [a.id, a.position]));
  const columns = ['applicant', 'category', 'pseudonym', 'status', 'waitlist_position', 'items', 'created_at'];
  return h('div', {
    class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': t('staff_meetings.applications'),
  },
  h('table', { id: 'applications' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, t(`staff_meetings.col_${c}`))))),
    h('tbody', {}, applications.map((a) => h('tr', { dataset: { applicationId: a.id } },
      h('th', { scope: 'row' }, a.applicant ? recordText(a.applicant) : t('attendee.erased')),
      h('td', {}, label('category', a.category)),
      h('td', {}, h('code', {}, a.pseudonym)),
      h('td', {}, applicationBadge(a.status)),
      h('td', { class: 'num' }, a.waitlist_position ? String(a.waitlist_position) : ''),
      h('td', {}, (a.agenda_item_ids || []).map((id) => titles.get(id)).filter(Boolean)
        .map((n) => t('staff_meetings.item_n', { n })).join(t('list.separator'))),
      h('td', {}, timeEl(a.created_at, { time: true })))))));
}

// Allotting the seats once applications have closed; for a lottery, committing the pool.
function selectionStep(ctx, m) {
  const lottery = m.selection_method === 'lottery';
  return [
    h('p', { class: 'hint' }, t(lottery ? 'staff_meetings.select_intro_lottery' : 'staff_meetings.select_intro_first_come')),
    confirmStep({
      id: 'meeting-select',
      label: t(lottery ? 'staff_meetings.select_lottery' : 'staff_meetings.select'),
      question: t(lottery ? 'staff_meetings.select_question_lottery' : 'staff_meetings.select_question'),
      yes: t('staff_meetings.select_yes'),
      no: t('staff_meetings.select_no'),
      actionClass: 'meeting-select',
      action: async () => {
        await api('POST', meetingPath(m.id, '/selection'));
        flash(() => t(lottery ? 'flash.pool_committed' : 'flash.seats_allotted'), 'success', { keep: true });
        ctx.go(location.hash);
      },
    }),
  ];
}

// Entering the public value the commitment named: it draws the lottery, once.
function drawForm(ctx, m, draw) {
  const form = h('form', { id: 'draw-form', class: 'form', 'aria-labelledby': 'panel-selection-title' },
    h('p', {}, t('staff_meetings.draw_intro')),
    details([
      [t('draw.source'), recordText(draw.public_value_source)],
      [t('draw.value_at'), draw.public_value_at ? timeEl(draw.public_value_at, { time: true }) : null],
      [t('draw.sha256'), h('code', { class: 'hash' }, draw.commitment.sha256)],
    ]),
    field({
      id: 'draw-value', name: 'value', label: t('staff_meetings.draw_value'), hint: t('staff_meetings.draw_value_hint'),
      inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', required: true,
    }),
    h('button', { type: 'submit', id: 'draw-submit', class: 'button' }, t('staff_meetings.draw_submit')));
  handleSubmit(form, async (v) => {
    requireFilled(v, ['value']);
    const value = v.value.trim();
    // The value has one spelling (docs/lottery.md); a wrong one could never be taken back.
    if (!/^(0|[1-9][0-9]*)\.[0-9]{2}$/.test(value)) {
      throw new ApiError(422, { code: 'validation_failed', errors: [{ field: 'value', code: 'invalid_format' }] });
    }
    await api('POST', meetingPath(m.id, '/draw'), { value });
    flash(() => t('flash.lottery_drawn'), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return form;
}

function selectionPanel(ctx, m, draw) {
  let content;
  if (m.status === 'applications_closed' && !draw) content = selectionStep(ctx, m);
  else if (draw && !draw.seed) content = drawForm(ctx, m, draw);
  else if (m.status === 'drawn' || draw?.seed) {
    content = h('p', { class: 'notice notice-open', id: 'selection-done' }, t('staff_meetings.selection_done'), ' ',
      h('a', { href: meetingHash(m.id) }, t('staff_meetings.see_result')));
  } else if (!m.quotas?.length) content = h('p', { class: 'hint' }, t('staff_meetings.selection_needs_plan'));
  else if (m.status === 'planned' || m.status === 'applications_open') {
    content = h('p', { class: 'hint', id: 'selection-wait' }, t('staff_meetings.selection_wait', {
      closes: timeEl(m.applications_close_at, { time: true }).textContent,
    }));
  } else return null;
  return panel('panel-selection', t('staff_meetings.selection'), content);
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const heading = h('h1', { id: 'staff-meeting-title' }, t('staff_meetings.manage'));
  root.append(breadcrumb('#/staff/meetings', t('staff_meetings.title')), heading);
  const user = await staffUser(root, ctx);
  if (!user) return;
  const m = await fetchMeeting(id, signal);
  heading.replaceWith(recordText(m.title, 'h1', { id: 'staff-meeting-title' }));
  root.append(h('p', { class: 'meta' }, meetingBadge(m), ' ', recordText(m.department.name)));
  if (!managesDepartment(user, m.department.id)) {
    root.append(forbiddenNotice(t('staff_meetings.not_yours')));
    return;
  }
  const over = OVER.includes(m.status);
  const [applications, draw, agendaForm] = await Promise.all([
    fetchAll(meetingPath(id, '/applications'), { signal }),
    m.selection_method === 'lottery' ? fetchDraw(id, signal) : null,
    over ? null : agendaPanel(ctx, m),
  ]);
  append(root,
    h('p', { class: 'actions' },
      h('a', { id: 'meeting-public-page', class: 'button button-secondary', href: meetingHash(id) }, t('staff.public_page'))),
    panel('panel-meeting-summary', t('meeting.details'), meetingDetails(m)),
    panel('panel-meeting-agenda', t('meeting.agenda'), agendaList(m)),
    agendaForm,
    m.status === 'planned' ? seatPlanPanel(ctx, m)
      : panel('panel-seat-plan', t('meeting.seats_title'), h('p', { class: 'hint' }, t('staff_meetings.plan_frozen')), seatsList(m)),
    selectionPanel(ctx, m, draw),
    panel('panel-applications', t('staff_meetings.applications'),
      h('p', { class: 'staff-numbers' }, t('staff_meetings.applications_count', { n: applications.length })),
      applicationsTable(m, applications)),
  );
}
