// Staff at the door: scan or type a check-in code. Made for a phone or a scanner that types the
// code followed by Enter: the input is cleared and focused again after each scan, scans are sent
// one after another, and the result of the last one is shown large.

import { api, fetchAll } from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, field, errorMessage, rangeEl, breadcrumb, recordText,
} from '../ui.js';
import { formatDate, formatDayTime } from '../format.js';
import {
  eventPath, staffEventHash, fetchEvent, signupTotals, peopleText,
} from '../events.js';
import { staffUser } from '../staff.js';

export const name = 'checkin';
export const title = 'checkin.title';
export const requiresLogin = true;

const LOG_SIZE = 20;

// {kind: 'ok' | 'warn' | 'error', headline, detail?, more?} for a check-in answer. `more` tells two
// people of one masked name apart: ['尾号 5678', '2 人', '12月1日 10:32 报名'].
function outcome(checkin) {
  return {
    kind: 'ok',
    headline: t('checkin.ok'),
    detail: checkin.attendee,
    more: [
      checkin.phone_ending && t('checkin.phone_ending', { digits: checkin.phone_ending }),
      peopleText(checkin.party_size),
      checkin.signed_up_at && t('checkin.signed_up_at', { time: formatDayTime(checkin.signed_up_at) }),
    ].filter(Boolean),
  };
}

// Why check-in is refused now: the open day is over, or check-in has not opened yet (when it
// opens, if the server's detail names it).
function outsideWindow(err, e) {
  if (new Date(e.ends_at) <= new Date()) return { kind: 'error', headline: t('checkin.window_over') };
  const opens = err.detail.match(/from (\S+) until/)?.[1];
  return {
    kind: 'error',
    headline: t('checkin.window_not_yet'),
    detail: opens && !Number.isNaN(Date.parse(opens))
      ? t('checkin.window_opens', { time: formatDate(opens, { time: true }) })
      : t('checkin.window_rule'),
  };
}

function failure(err, e) {
  if (err.code === 'already_checked_in') {
    return {
      kind: 'warn',
      headline: t('checkin.already'),
      detail: err.at ? t('checkin.already_at', { time: formatDate(err.at, { time: true }) }) : err.detail,
    };
  }
  if (err.code === 'outside_checkin_window') return outsideWindow(err, e);
  // A code of another event is not found either.
  const known = { 404: 'checkin.unknown_code' }[err.status]
    || (err.code === 'not_confirmed' && 'checkin.not_confirmed');
  return { kind: 'error', headline: known ? t(known) : errorMessage(err) };
}

// What was scanned or typed: a code ("7kqm 3xpa"), or the address a resident's QR code holds
// (…/#/staff/events/<id>/checkin?code=7KQM-3XPA), which a scanner types whole. {code, eventId?}
function scanned(text) {
  const value = text.trim();
  const code = value.match(/[?&]code=([^&#\s]*)/i);
  if (!code) return { code: value };
  let decoded = code[1];
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // a malformed escape: send it as it is; the server answers unknown
  }
  return {
    code: decoded.trim(),
    eventId: value.match(/\/events\/([0-9a-f-]{36})\/checkin/i)?.[1]?.toLowerCase(),
  };
}

// Letters as capitals while typing (codes are read case-insensitively; capitals are what the
// resident's screen shows), the caret staying where it was.
function capitals(event) {
  const input = event.target;
  const upper = input.value.toUpperCase();
  if (upper === input.value) return;
  const { selectionStart, selectionEnd } = input;
  input.value = upper;
  input.setSelectionRange(selectionStart, selectionEnd);
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
  const show = ({
    kind, headline, detail, more,
  }) => {
    result.className = `checkin-result checkin-${kind}`;
    result.replaceChildren();
    append(result, h('p', { class: 'checkin-headline' }, headline),
      detail && h('p', { class: 'checkin-detail' }, detail),
      more && h('p', { class: 'checkin-more', id: 'checkin-more' },
        more.map((part, i) => [i > 0 && ' · ', h('span', { class: 'nowrap' }, part)])));
  };

  const form = h('form', { id: 'checkin-form', class: 'form checkin-form', 'aria-labelledby': 'checkin-title' },
    field({
      id: 'checkin-code', name: 'code', label: t('checkin.code'), hint: t('checkin.code_hint'),
      // A scanner may type the whole address a QR code holds, hence the generous length.
      autocomplete: 'off', autocapitalize: 'characters', autocorrect: 'off', spellcheck: 'false',
      inputmode: 'text', enterkeyhint: 'go', maxlength: 300, required: true, autofocus: true,
    }),
    h('button', { type: 'submit', id: 'checkin-submit', class: 'button' }, t('checkin.submit')));
  const input = form.elements.code;
  input.addEventListener('input', capitals);

  // A scanner may send the next code before the last answer: each waits for the one before.
  let queue = Promise.resolve();
  const record = (answer) => {
    show(answer);
    log.prepend(h('li', { class: `checkin-${answer.kind}` },
      h('time', {}, formatDate(new Date().toISOString(), { time: true })), ' ',
      [answer.headline, answer.detail, ...(answer.more || [])].filter(Boolean).join(' · ')));
    while (log.children.length > LOG_SIZE) log.lastChild.remove();
  };
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
      answer = failure(err, e);
    }
    record(answer);
  };
  // Sends what was scanned or typed, after those before it.
  const submit = (text) => {
    const { code, eventId } = scanned(text);
    if (!code) show({ kind: 'error', headline: t('checkin.empty') });
    else if (eventId && eventId !== id.toLowerCase()) {
      queue = queue.then(() => record({ kind: 'error', headline: t('checkin.other_event') }));
    } else queue = queue.then(() => check(code));
  };
  form.noValidate = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = '';
    input.focus();
    submit(text);
  });

  heading.textContent = t('checkin.heading', { title: e.title });
  showCount();
  root.append(
    h('p', { class: 'meta' }, rangeEl(e.starts_at, e.ends_at), ' · ', recordText(e.venue)),
    count,
    form,
    result,
    h('h2', { class: 'checkin-log-title' }, t('checkin.log')),
    log,
  );

  // Opened from a resident's QR code (a phone's camera): check that code in, once. The address
  // loses it, so a reload or a language switch does not send it again.
  const code = ctx.query.get('code');
  if (code) {
    history.replaceState(history.state, '', staffEventHash(id, '/checkin'));
    input.value = code.toUpperCase();
    form.requestSubmit();
  }
}
