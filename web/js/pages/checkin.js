// Staff at the door: scan or type a check-in code. Made for a phone or a scanner that types the
// code followed by Enter: the input is cleared and focused again after each scan, scans are sent
// one after another, and the result of the last one is shown large.

import { api, fetchAll } from '../api.js';
import { t } from '../i18n.js';
import {
  h, field, errorMessage, rangeEl, breadcrumb,
} from '../ui.js';
import { formatDate } from '../format.js';
import {
  eventPath, staffEventHash, fetchEvent, signupTotals, peopleText,
} from '../events.js';
import { staffUser } from '../staff.js';

export const name = 'checkin';
export const title = 'checkin.title';
export const requiresLogin = true;

const LOG_SIZE = 20;

// {kind: 'ok' | 'warn' | 'error', headline, detail?} for a check-in answer.
function outcome(checkin) {
  return {
    kind: 'ok',
    headline: t('checkin.ok'),
    detail: t('checkin.attendee', { name: checkin.attendee, people: peopleText(checkin.party_size) }),
  };
}

function failure(err) {
  if (err.code === 'already_checked_in') {
    return {
      kind: 'warn',
      headline: t('checkin.already'),
      detail: err.at ? t('checkin.already_at', { time: formatDate(err.at, { time: true }) }) : err.detail,
    };
  }
  const known = {
    422: 'checkin.other_event', 404: 'checkin.unknown_code',
  }[err.status] || (err.code === 'not_confirmed' && 'checkin.not_confirmed');
  return { kind: 'error', headline: known ? t(known) : errorMessage(err) };
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const heading = h('h1', { id: 'checkin-title' }, t('checkin.title'));
  root.append(breadcrumb(staffEventHash(id), t('staff_events.manage')), heading);
  const user = await staffUser(root, ctx);
  if (!user) return;
  const [e, attendees] = await Promise.all([fetchEvent(id, signal), fetchAll(eventPath(id, '/signups'), { signal })]);
  const totals = signupTotals(attendees);

  const count = h('p', { id: 'checkin-count', class: 'checkin-count' });
  const showCount = () => {
    count.textContent = t('checkin.count', {
      people: totals.checkedIn, groups: totals.groups, expected: totals.confirmed,
    });
  };
  const result = h('div', {
    id: 'checkin-result', class: 'checkin-result', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true',
  }, h('p', { class: 'checkin-headline' }, t('checkin.ready')));
  const log = h('ol', { id: 'checkin-log', class: 'checkin-log', 'aria-label': t('checkin.log') });
  const show = ({ kind, headline, detail }) => {
    result.className = `checkin-result checkin-${kind}`;
    result.replaceChildren(h('p', { class: 'checkin-headline' }, headline),
      detail && h('p', { class: 'checkin-detail' }, detail));
  };

  const form = h('form', { id: 'checkin-form', class: 'form checkin-form', 'aria-labelledby': 'checkin-title' },
    field({
      id: 'checkin-code', name: 'code', label: t('checkin.code'), hint: t('checkin.code_hint'),
      autocomplete: 'off', autocapitalize: 'none', autocorrect: 'off', spellcheck: 'false',
      enterkeyhint: 'go', maxlength: 64, required: true, autofocus: true,
    }),
    h('button', { type: 'submit', id: 'checkin-submit', class: 'button' }, t('checkin.submit')));
  const input = form.elements.code;

  // A scanner may send the next code before the last answer: each waits for the one before.
  let queue = Promise.resolve();
  const check = async (code) => {
    show({ kind: 'pending', headline: t('checkin.checking') });
    let answer;
    try {
      const checkin = await api('POST', eventPath(id, '/checkins'), { code }, { signal });
      totals.checkedIn += checkin.party_size;
      totals.groups += 1;
      showCount();
      answer = outcome(checkin);
    } catch (err) {
      if (err.name === 'AbortError') return;
      answer = failure(err);
    }
    show(answer);
    log.prepend(h('li', { class: `checkin-${answer.kind}` },
      h('time', {}, formatDate(new Date().toISOString(), { time: true })), ' ',
      [answer.headline, answer.detail].filter(Boolean).join(' · ')));
    while (log.children.length > LOG_SIZE) log.lastChild.remove();
  };
  form.noValidate = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = input.value.trim();
    input.value = '';
    input.focus();
    if (!code) {
      show({ kind: 'error', headline: t('checkin.empty') });
      return;
    }
    queue = queue.then(() => check(code));
  });

  heading.textContent = t('checkin.heading', { title: e.title });
  showCount();
  root.append(
    h('p', { class: 'meta' }, rangeEl(e.starts_at, e.ends_at), ` · ${e.venue}`),
    count,
    form,
    result,
    h('h2', { class: 'checkin-log-title' }, t('checkin.log')),
    log,
  );
}
