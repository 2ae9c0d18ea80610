// Staff: manage one executive meeting: its agenda, the observer seat plan, the applications,
// allotting the seats (reviewing each application, or for a lottery entering the public value
// that draws it), recording the meeting as held with each decision's outcome, the attendance,
// the opinions (written down for a seat, and their handling), the minutes, and cancelling it.
// Each panel appears only while the server allows its action; the server decides in the end
// (409). After each action the page is shown again from the server's answer.

import {
  api, ApiError, managesDepartment,
} from '../api.js';
import { t, plural } from '../i18n.js';
import {
  h, append, field, checkbox, flash, handleSubmit, requireFilled, timeEl, recordText, recordLang, panel,
  breadcrumb, confirmStep, details,
} from '../ui.js';
import {
  label, codeOptions, departmentOptions, wallTimeToUtc, utcToWallTime, zoneName, formatDate,
} from '../format.js';
import {
  CATEGORIES, METHODS, OUTCOMES, STAFF_OPINIONS_OPEN, meetingHash, meetingPath, fetchMeeting, fetchDraw,
  fetchApplications, fetchOpinions, meetingBadge, meetingDetails, agendaList, seatsList, applicationBadge,
  observersPanel, conclusionPanel, opinionItem, opinionsByItem, opinionForm, publicItems,
} from '../meetings.js';
import { decisionHash } from '../decisions.js';
import { staffUser, actionPanel, forbiddenNotice } from '../staff.js';
import { pageContents } from '../jump.js';

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
  const attendance = ['held', 'minutes_published'].includes(m.status);
  const columns = ['applicant', 'category', 'pseudonym', 'status', 'waitlist_position',
    ...(attendance ? ['attended'] : []), 'items', 'created_at'];
  return h('div', {
    class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': t('staff_meetings.applications'),
  },
  h('table', { id: 'applications' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, t(`staff_meetings.col_${c}`))))),
    h('tbody', {}, applications.map((a) => h('tr', { dataset: { applicationId: a.id } },
      h('th', { scope: 'row' }, a.applicant ? recordText(a.applicant) : t('attendee.erased')),
      h('td', {}, label('category', a.category)),
      h('td', {}, h('code', {}, a.pseudonym)),
      h('td', { class: 'application-status' }, applicationBadge(a.status),
        a.status === 'rejected' && a.reason && h('span', { class: 'application-reason', lang: recordLang(a.reason) },
          t('staff_meetings.rejected_for', { reason: a.reason }))),
      h('td', { class: 'num' }, a.waitlist_position ? String(a.waitlist_position) : ''),
      attendance && h('td', {}, a.status === 'seated' && a.attended != null
        ? t(a.attended ? 'application.attended_yes' : 'application.attended_no') : ''),
      h('td', {}, (a.agenda_item_ids || []).map((id) => titles.get(id)).filter(Boolean)
        .map((n) => t('staff_meetings.item_n', { n })).join(t('list.separator'))),
      h('td', {}, timeEl(a.created_at, { time: true })))))));
}

// Allotting the seats once applications have closed; for a lottery, committing the pool; for
// a review, declaring the seats allotted once every application is reviewed.
function selectionStep(ctx, m) {
  const method = m.selection_method;
  const key = (base) => (method === 'first_come' ? base : `${base}_${method}`);
  return [
    method !== 'review' && h('p', { class: 'hint' }, t(`staff_meetings.select_intro_${method}`)),
    confirmStep({
      id: 'meeting-select',
      label: t(key('staff_meetings.select')),
      question: t(key('staff_meetings.select_question')),
      yes: t('staff_meetings.select_yes'),
      no: t('staff_meetings.select_no'),
      actionClass: 'meeting-select',
      action: async () => {
        await api('POST', meetingPath(m.id, '/selection'));
        const done = method === 'lottery' ? 'flash.pool_committed' : 'flash.seats_allotted';
        flash(() => t(done), 'success', { keep: true });
        ctx.go(location.hash);
      },
    }),
  ];
}

// Accept an application (it takes the next free seat of its category, or waits in line), or
// reject it with a reason the applicant is told.
function reviewForm(ctx, a) {
  const who = a.applicant || t('attendee.erased');
  const form = h('form', { class: 'form review-form', 'aria-label': t('staff_meetings.review_of', { name: who }) },
    field({
      id: `review-reason-${a.id}`, name: 'reason', tag: 'textarea', rows: 2, maxlength: 500,
      label: t('staff_meetings.review_reason'), hint: t('staff_meetings.review_reason_hint'),
    }),
    h('p', { class: 'actions' },
      h('button', {
        type: 'submit', class: 'button review-accept', name: 'verdict', value: 'accepted',
      }, t('staff_meetings.review_accept')),
      h('button', {
        type: 'submit', class: 'button button-secondary review-reject', name: 'verdict', value: 'rejected',
      }, t('staff_meetings.review_reject'))));
  handleSubmit(form, async (v) => {
    const reviewed = await api('POST', `/applications/${encodeURIComponent(a.id)}/review`, {
      verdict: v.verdict,
      reason: v.reason.trim() || undefined,
    });
    flash(() => t(`flash.review_${reviewed.status}`, { name: who }), 'success', { keep: true });
    ctx.go(location.hash);
  });
  return form;
}

// The applications still waiting for staff's review, each with its form; then declaring the
// seats allotted.
function reviewStep(ctx, m, applications) {
  const titles = new Map(m.agenda.map((a) => [a.id, a]));
  const pending = applications.filter((a) => a.status === 'applied');
  const reviewed = applications.filter((a) => ['seated', 'waitlisted', 'rejected'].includes(a.status)).length;
  return [
    h('p', { class: 'hint' }, t('staff_meetings.select_intro_review')),
    h('p', { class: 'staff-numbers', id: 'review-counts' },
      t('staff_meetings.review_counts', { pending: pending.length, reviewed })),
    pending.length > 0 && h('ul', { class: 'rep-list', id: 'review-queue' }, pending.map((a) => h('li', {
      class: 'rep-item review-item', dataset: { applicationId: a.id },
    },
    h('h3', { class: 'rep-name' }, a.applicant ? recordText(a.applicant) : t('attendee.erased'), ' ',
      applicationBadge(a.status)),
    details([
      [t('application.category'), label('category', a.category)],
      [t('staff_meetings.col_pseudonym'), h('code', {}, a.pseudonym)],
      [t('application.items'), (a.agenda_item_ids || []).map((id) => titles.get(id)).filter(Boolean)
        .map((item) => t('staff_meetings.item_n', { n: item.position })).join(t('list.separator'))
        || t('application.no_items')],
      [t('application.created_at'), timeEl(a.created_at, { time: true })],
    ]),
    reviewForm(ctx, a)))),
    pending.length
      ? h('p', { class: 'hint', id: 'review-pending' }, t('staff_meetings.review_pending'))
      : selectionStep(ctx, m),
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

function selectionPanel(ctx, m, draw, applications) {
  let content;
  if (m.status === 'applications_closed' && m.selection_method === 'review') {
    content = reviewStep(ctx, m, applications);
  } else if (m.status === 'applications_closed' && !draw) content = selectionStep(ctx, m);
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

// ---- after the seats are allotted

// Whether the meeting may be recorded as held, leaving the clock aside: its seats allotted, or
// nobody left waiting for them (as the server's rule).
function readyToHold(m, applications) {
  if (m.status === 'drawn') return true;
  return ['planned', 'applications_closed'].includes(m.status) && !applications.some((a) => a.status === 'applied');
}

// Recording that the meeting took place: the outcome of each agenda item that deliberates a
// major decision, recorded on that decision's timeline.
function heldPanel(ctx, m, applications) {
  if (!readyToHold(m, applications)) return null;
  const heading = t('staff_meetings.held');
  if (Date.parse(m.starts_at) > Date.now()) {
    // Only once the seats are allotted is waiting for the start the next step.
    if (m.status !== 'drawn') return null;
    return panel('panel-held', heading, h('p', { class: 'hint', id: 'held-wait' },
      t('staff_meetings.held_wait', { starts: formatDate(m.starts_at, { time: true }) })));
  }
  const linked = [...m.agenda].filter((a) => a.decision_id).sort((a, b) => a.position - b.position);
  const outcome = (item) => `outcome_${item.id}`;
  return actionPanel(ctx, {
    id: 'panel-held',
    heading,
    intro: h('p', { class: 'hint' }, t(linked.length ? 'staff_meetings.held_intro' : 'staff_meetings.held_intro_none')),
    fields: linked.map((item) => h('fieldset', { class: 'deliberation-fields', id: `held-item-${item.id}` },
      h('legend', {}, t('staff_meetings.item_n', { n: item.position }), ' ', recordText(item.title)),
      h('p', { class: 'meta' }, h('a', { href: decisionHash(item.decision_id) }, t('meeting.see_decision'))),
      field({
        id: `held-outcome-${item.id}`, name: outcome(item), tag: 'select', label: t('deliberation.outcome'),
        options: codeOptions('item_outcome', OUTCOMES, t('form.choose')),
      }),
      field({
        id: `held-notes-${item.id}`, name: `notes_${item.id}`, tag: 'textarea', rows: 3, maxlength: 5000,
        label: t('deliberation.notes'), hint: t('staff_meetings.held_notes_hint'),
      }))),
    submit: t('staff_meetings.held_submit'),
    done: 'flash.meeting_held',
    send: async (v) => {
      requireFilled(v, linked.map(outcome));
      try {
        return await api('POST', meetingPath(m.id, '/held'), {
          deliberations: linked.map((item) => ({
            agenda_item_id: item.id,
            outcome: v[outcome(item)],
            notes: v[`notes_${item.id}`].trim() || undefined,
          })),
        });
      } catch (err) {
        // "deliberations[1].notes" is the second item's notes field here.
        for (const e of err.errors || []) {
          const at = e.field?.match(/^deliberations\[(\d+)\](?:\.(\w+))?$/);
          const item = at && linked[Number(at[1])];
          if (item) e.field = at[2] === 'notes' ? `notes_${item.id}` : outcome(item);
        }
        // A decision not ready to be deliberated: named by the server as "deliberations[i]: …".
        const index = err.code === 'decision_not_ready' && err.detail?.match(/^deliberations\[(\d+)\]/)?.[1];
        if (index != null && linked[Number(index)]) {
          throw new ApiError(409, {
            code: 'decision_not_ready',
            detail: err.detail,
            errors: [{ field: outcome(linked[Number(index)]), code: 'decision_not_ready' }],
          });
        }
        throw err;
      }
    },
  });
}

// Who of those seated attended, while the meeting is held (sent again, it replaces the record).
function attendancePanel(ctx, m, applications) {
  if (m.status !== 'held') return null;
  const seated = applications.filter((a) => a.status === 'seated');
  const heading = t('staff_meetings.attendance');
  if (!seated.length) {
    return panel('panel-attendance', heading,
      h('p', { class: 'empty', id: 'attendance-none' }, t('staff_meetings.attendance_none')));
  }
  const recorded = seated.some((a) => a.attended != null);
  const group = h('fieldset', { class: 'choices-group', id: 'attendance-seats', name: 'attended' },
    h('legend', {}, t('staff_meetings.attendance_legend')),
    h('p', { class: 'field-error', id: 'attendance-seats-error' }),
    seated.map((a) => h('div', { class: 'field field-check' },
      h('input', {
        type: 'checkbox', id: `attended-${a.id}`, name: 'attended_seat', value: a.id, checked: a.attended === true,
      }),
      h('label', { for: `attended-${a.id}` },
        a.applicant ? recordText(a.applicant) : t('attendee.erased'), ' · ', label('category', a.category)))));
  return actionPanel(ctx, {
    id: 'panel-attendance',
    heading,
    intro: [
      h('p', { class: 'hint' }, t('staff_meetings.attendance_intro')),
      h('p', { class: 'staff-numbers', id: 'attendance-state' }, recorded
        ? t('staff_meetings.attendance_recorded', {
          n: seated.filter((a) => a.attended).length, total: seated.length,
        })
        : t('staff_meetings.attendance_not_recorded')),
    ],
    fields: [group],
    submit: t('staff_meetings.attendance_submit'),
    done: 'flash.attendance_recorded',
    send: () => api('PUT', meetingPath(m.id, '/attendance'), {
      attended: [...group.querySelectorAll('input[name="attended_seat"]:checked')].map((i) => i.value),
    }),
  });
}

// Writing down how an opinion was handled, once; the item is shown again from the answer.
function handlingForm(o, onDone) {
  const form = h('form', {
    class: 'form handling-form', 'aria-label': t('staff_meetings.handling_of', { name: o.representative }),
  },
    field({
      id: `handling-${o.id}`, name: 'handling', tag: 'textarea', rows: 3, maxlength: 2000,
      label: t('staff_meetings.handling'), hint: t('staff_meetings.handling_hint'),
    }),
    h('button', { type: 'submit', class: 'button button-small handling-submit' }, t('staff_meetings.handling_submit')));
  handleSubmit(form, async (v) => {
    const handled = await api('POST', `/opinions/${encodeURIComponent(o.id)}/handling`, { handling: v.handling });
    flash(() => t('flash.opinion_handled'), 'success');
    onDone(handled);
  });
  return form;
}

// The minutes: the conclusion, once the attendance is recorded and every opinion handled.
// Answers the panel and a function told how many opinions still wait.
function minutesPanel(ctx, m, unhandled, attendanceMissing) {
  const state = h('p', { class: 'notice notice-plain', id: 'minutes-pending' });
  const result = actionPanel(ctx, {
    id: 'panel-minutes',
    heading: t('staff_meetings.minutes'),
    intro: [h('p', { class: 'hint' }, t('staff_meetings.minutes_intro')), state],
    fields: [field({
      id: 'minutes-conclusion', name: 'conclusion', tag: 'textarea', rows: 6, maxlength: 5000,
      label: t('staff_meetings.conclusion'), hint: t('staff_meetings.conclusion_hint'),
    })],
    submit: t('staff_meetings.minutes_submit'),
    done: 'flash.minutes_published',
    send: (v) => api('POST', meetingPath(m.id, '/minutes'), { conclusion: v.conclusion }),
  });
  const form = result.querySelector('form');
  const update = (n) => {
    state.textContent = [
      attendanceMissing && t('staff_meetings.minutes_attendance'),
      n > 0 && plural('staff_meetings.minutes_unhandled', n),
    ].filter(Boolean).join(' ');
    state.hidden = !state.textContent;
    form.hidden = n > 0 || attendanceMissing;
  };
  update(unhandled);
  return { element: result, update };
}

// The opinions with their handling (staff see names as given); while held, a form to handle
// each; while opinions are taken, one to write one down for a seat; then the minutes.
function opinionPanels(ctx, m, opinions, applications) {
  const shown = STAFF_OPINIONS_OPEN.includes(m.status) || m.status === 'minutes_published' || opinions.length > 0;
  if (!shown) return null;
  const held = m.status === 'held';
  let unhandled = opinions.filter((o) => !o.handling).length;
  const seats = applications.filter((a) => a.status === 'seated');
  const attendanceMissing = seats.some((a) => a.attended == null);
  const minutes = held ? minutesPanel(ctx, m, unhandled, attendanceMissing) : null;
  const counts = h('p', { class: 'staff-numbers', id: 'opinions-counts' });
  const count = () => {
    counts.textContent = plural('staff_meetings.opinions_count', opinions.length, { unhandled });
  };
  count();
  const renderItem = (o) => {
    const item = opinionItem(o, { showConsent: true }, held && !o.handling && handlingForm(o, (handled) => {
      unhandled -= 1;
      count();
      minutes?.update(unhandled);
      const done = h('p', { class: 'done', tabindex: -1 }, t('staff_meetings.handling_done'));
      const again = opinionItem(handled, { showConsent: true }, done);
      item.replaceWith(again);
      done.focus();
    }));
    return item;
  };
  const canAdd = STAFF_OPINIONS_OPEN.includes(m.status) && seats.length > 0 && publicItems(m).length > 0;
  return [
    panel('panel-opinions', t('staff_meetings.opinions'),
      h('p', { class: 'hint' }, t(`staff_meetings.opinions_intro_${m.status}`)),
      opinions.length > 0 && counts,
      opinions.length
        ? opinionsByItem(m, opinions, renderItem)
        : h('p', { class: 'empty', id: 'opinions-empty' }, t('staff_meetings.opinions_none')),
      canAdd && opinionForm(ctx, m, { seats })),
    minutes?.element,
  ];
}

// Cancelling the meeting until it is held; everyone applying, seated or waiting is told.
function cancelPanel(ctx, m) {
  if (OVER.includes(m.status)) return null;
  return actionPanel(ctx, {
    id: 'panel-cancel',
    heading: t('staff_meetings.cancel'),
    intro: h('p', { class: 'hint' }, t('staff_meetings.cancel_intro')),
    fields: [field({
      id: 'cancel-reason', name: 'reason', tag: 'textarea', rows: 2, maxlength: 500,
      label: t('staff_meetings.cancel_reason'), hint: t('staff_meetings.cancel_reason_hint'),
    })],
    submit: t('staff_meetings.cancel_submit'),
    done: 'flash.meeting_cancelled',
    danger: true,
    send: (v) => api('POST', meetingPath(m.id, '/cancellation'), { reason: v.reason }),
  });
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
  if (m.status === 'cancelled') {
    root.append(h('div', { class: 'notice notice-cancelled', id: 'meeting-cancelled' },
      h('p', {}, t('meeting.cancelled_notice')),
      m.cancellation_reason && h('p', { id: 'meeting-cancellation-reason' }, t('meeting.cancellation_reason'),
        h('span', { lang: recordLang(m.cancellation_reason) }, m.cancellation_reason))));
  }
  if (!managesDepartment(user, m.department.id)) {
    root.append(forbiddenNotice(t('staff_meetings.not_yours')));
    return;
  }
  const over = OVER.includes(m.status);
  const [applications, draw, agendaForm, opinions] = await Promise.all([
    fetchApplications(id, signal),
    m.selection_method === 'lottery' ? fetchDraw(id, signal) : null,
    over ? null : agendaPanel(ctx, m),
    ['drawn', 'held', 'minutes_published'].includes(m.status) ? fetchOpinions(id, signal) : [],
  ]);
  append(root,
    h('p', { class: 'actions' },
      h('a', { id: 'meeting-public-page', class: 'button button-secondary', href: meetingHash(id) }, t('staff.public_page'))),
    panel('panel-meeting-summary', t('meeting.details'), meetingDetails(m)),
    conclusionPanel(m),
    panel('panel-meeting-agenda', t('meeting.agenda'), agendaList(m)),
    agendaForm,
    m.status === 'planned' ? seatPlanPanel(ctx, m)
      : panel('panel-seat-plan', t('meeting.seats_title'), h('p', { class: 'hint' }, t('staff_meetings.plan_frozen')), seatsList(m)),
    selectionPanel(ctx, m, draw, applications),
    heldPanel(ctx, m, applications),
    attendancePanel(ctx, m, applications),
    observersPanel(m, 'panel-observers'),
    opinionPanels(ctx, m, opinions, applications),
    panel('panel-applications', t('staff_meetings.applications'),
      h('p', { class: 'staff-numbers' }, t('staff_meetings.applications_count', { n: applications.length })),
      applicationsTable(m, applications)),
    cancelPanel(ctx, m),
  );
  pageContents(root);
}
