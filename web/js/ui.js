// Small DOM helpers shared by pages: element builder, flash messages, form fields and errors.
// All text goes through text nodes / textContent, never innerHTML.

import { ApiError, fetchMe } from './api.js';
import {
  t, has, plural, getLang,
} from './i18n.js';
import { label, formatDate, formatRange } from './format.js';

// h('p', {class: 'x', onclick: fn}, 'text', childNode)
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value == null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  return append(el, ...children);
}

// parent.append() that, like h(), flattens arrays and skips null/false children.
export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// ---- flash: the single aria-live status region (#flash)

let flashState = null; // {message: string | () => string, kind}
let keepOnNext = false;

// message may be a function so the text follows a language switch.
// keep: survive the next navigation (e.g. "logged in" shown on the page we go to).
export function flash(message, kind = 'info', { keep = false } = {}) {
  flashState = { message, kind };
  keepOnNext = keep;
  renderFlash();
}

export function clearFlash() {
  flashState = null;
  renderFlash();
}

// Called by the router on every navigation.
export function flashOnNavigate() {
  if (keepOnNext) keepOnNext = false;
  else clearFlash();
}

export function renderFlash() {
  const el = document.getElementById('flash');
  if (!el) return;
  if (!flashState) {
    el.textContent = '';
    el.className = 'flash';
    return;
  }
  const { message, kind } = flashState;
  el.textContent = typeof message === 'function' ? message() : message;
  el.className = `flash flash-${kind}`;
}

// i18n text for known codes, else the server's detail.
export function errorMessage(err) {
  if (err instanceof ApiError) {
    // Field errors are shown by their inputs; the summary just points there.
    if (err.code === 'invalid_request' && err.errors?.length) return t('error.validation_failed');
    // A lockout (login) says how long it lasts, in whole minutes rounded up.
    if (err.code === 'too_many_attempts' && err.retryAfter > 0) {
      return plural('error.too_many_attempts_minutes', Math.ceil(err.retryAfter / 60));
    }
    if (has(`error.${err.code}`)) return t(`error.${err.code}`);
    const stage = err.code.match(/^stage_is_(\w+)$/)?.[1]; // 409 for an action the stage forbids
    if (stage) return t('error.stage_is', { stage: label('stage', stage) });
    if (err.detail) return err.detail;
  }
  return t('error.unknown');
}

// The logged-in user, fresh from the server (GET /me). A 401 means the token died: back to
// the login page, answering null.
export async function currentUser(ctx) {
  try {
    return await fetchMe({ signal: ctx.signal });
  } catch (err) {
    if (err.status !== 401) throw err;
    flash(() => t('error.unauthorized'), 'info', { keep: true });
    ctx.redirect('#/login');
    return null;
  }
}

// ---- form fields

// A field labelled by the i18n key `${scope}.${name}`, with the hint `${scope}.${name}_hint` if
// the table has one; its id is `${prefix}-${name}` with dashes (`new-event-starts-at`).
export function keyedField(scope, prefix, name, attrs = {}) {
  const hint = `${scope}.${name}_hint`;
  return field({
    id: `${prefix}-${name.replaceAll('_', '-')}`,
    name,
    label: t(`${scope}.${name}`),
    hint: has(hint) ? t(hint) : null,
    ...attrs,
  });
}

// A labelled control with a hint and an (initially empty) error slot `${id}-error`.
// tag: 'input' (default), 'textarea' or 'select' (options: [{value, label}]); value: initial value.
export function field({
  id, name, label, hint, type = 'text', tag = 'input', options = [], value, ...attrs
}) {
  const control = h(tag, {
    id, name, type: tag === 'input' ? type : null, 'aria-describedby': hint ? `${id}-hint` : null, ...attrs,
  }, options.map((o) => h('option', { value: o.value }, o.label)));
  if (value != null) control.value = value;
  const [labelEl, ...notes] = fieldParts(id, label, hint);
  return h('div', { class: 'field' }, labelEl, notes, control);
}

// A checkbox with its label to the right; the hint and error slot follow.
export function checkbox({ id, name, label, hint, checked = false }) {
  return h('div', { class: 'field field-check' },
    h('input', {
      id, name, type: 'checkbox', checked, 'aria-describedby': hint ? `${id}-hint` : null,
    }),
    fieldParts(id, label, hint));
}

// [label, hint, error slot] of a field.
function fieldParts(id, label, hint) {
  return [
    h('label', { for: id }, label),
    hint && h('p', { class: 'hint', id: `${id}-hint` }, hint),
    h('p', { class: 'field-error', id: `${id}-error` }),
  ];
}

// Empty typed values (dates, numbers) cannot reach the server to be named there, so they are
// reported here, shaped like the server's 422.
export function requireFilled(values, names) {
  const errors = names.filter((n) => !String(values[n] ?? '').trim())
    .map((n) => ({ field: n, code: 'required' }));
  if (errors.length) throw new ApiError(422, { code: 'validation_failed', errors });
}

// ---- field errors

// A field error's text from its code and params, or null when the table has none for them.
function codeText(code, params, labelOf) {
  const { min, max, other_field: other } = params;
  switch (code) {
    case 'too_short': return min != null && plural('field_error.too_short', min);
    case 'too_long': return max != null && plural('field_error.too_long', max);
    case 'out_of_range':
      if (min != null && max != null) return t('field_error.out_of_range_between', { min, max });
      if (min != null) return t('field_error.out_of_range_min', { min });
      return max != null && t('field_error.out_of_range_max', { max });
    case 'must_be_after': return other && t('field_error.must_be_after', { other: labelOf(other) });
    case 'invalid': return null; // a rule's own refusal: only its message says what
    default: return has(`field_error.${code}`) && t(`field_error.${code}`, params);
  }
}

// The text of one field error {field, code, params, message} in the page's language;
// labelOf(name) names another field (must_be_after). The server's message, which is English,
// is shown only in English: for a rule's own refusal (invalid) or a code not known here.
export function fieldErrorText({ code, params, message }, labelOf = (name) => name) {
  return codeText(code, params || {}, labelOf) || (getLang() === 'en' && message) || t('field_error.invalid');
}

// name -> the label text of the form's control of that name, or the name itself.
export function labelIn(form) {
  return (name) => {
    const control = form?.elements.namedItem(name);
    return control?.labels?.[0]?.textContent || name;
  };
}

// An error shown away from its field, with the field's name in front.
export function namedFieldError(error, labelOf) {
  const text = fieldErrorText(error, labelOf);
  return error.field ? t('field_error.named', { field: labelOf(error.field), text }) : text;
}

function describedBy(input, withError) {
  const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/)
    .filter((x) => x && x !== `${input.id}-error`);
  if (withError) ids.unshift(`${input.id}-error`);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

// The text each input's error was made from, so it can be made again in another language.
const fieldErrors = new WeakMap(); // input -> string | (input) => string

// message: a string, or a function of the input answering it (follows a language switch).
export function setFieldError(input, message) {
  fieldErrors.set(input, message);
  const slot = document.getElementById(`${input.id}-error`);
  if (slot) slot.textContent = typeof message === 'function' ? message(input) : message;
  input.setAttribute('aria-invalid', 'true');
  describedBy(input, true);
}

export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const slot = document.getElementById(`${input.id}-error`);
    if (slot) slot.textContent = '';
    describedBy(input, false);
  }
}

// Shows an error: summary in #flash, each field error next to its input (by name). Errors for
// fields the form does not have are added to the summary, named.
export function showFormError(form, err) {
  clearFieldErrors(form);
  const byField = new Map();
  const unmatched = [];
  for (const error of err.errors || []) {
    const input = error.field && form.elements.namedItem(error.field);
    if (input && input.id) byField.set(input, [...(byField.get(input) || []), error]);
    else unmatched.push(error);
  }
  for (const [input, errors] of byField) {
    setFieldError(input, (el) => errors.map((e) => fieldErrorText(e, labelIn(el.form))).join(' '));
  }
  flash(() => [errorMessage(err), ...unmatched.map((e) => namedFieldError(e, labelIn(form)))].join(' '), 'error');
  return [...byField.keys()][0] || null;
}

// The filters named, from the page's address (ctx.query); '' for those not in it.
export function filterValues(query, names) {
  return Object.fromEntries(names.map((n) => [n, query.get(n) || '']));
}

// A filter form that goes to the address hashOf(values) (so filters survive a reload and have
// a link); below it list() is shown, or the server's complaint about the filters next to them.
export async function filteredList(root, ctx, form, hashOf, list) {
  form.noValidate = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.go(hashOf(Object.fromEntries(new FormData(form))));
  });
  try {
    root.append(await list());
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    showFormError(form, err); // e.g. a year out of range, named by the server
  }
}

// Wires a form: no native validation bubbles (the server is the single source of the rules),
// busy state while in flight, errors shown on failure. action(values) does the work.
export function handleSubmit(form, action) {
  form.noValidate = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return; // no double submit
    clearFlash();
    clearFieldErrors(form);
    setBusy(form, true);
    const values = Object.fromEntries(new FormData(form));
    // A form with several submit buttons learns which one was pressed (name=value).
    if (event.submitter?.name) values[event.submitter.name] = event.submitter.value;
    try {
      await action(values);
    } catch (err) {
      setBusy(form, false);
      const first = showFormError(form, err);
      // The disabled button lost focus; put the user where the problem is.
      (first || form.querySelector('button[type="submit"]'))?.focus();
      return;
    }
    setBusy(form, false);
  });
}

// Disables the submit button while a request is in flight.
export function setBusy(form, busy) {
  const button = form.querySelector('button[type="submit"]');
  form.setAttribute('aria-busy', String(busy));
  if (!button) return;
  if (busy) {
    button.dataset.label = button.textContent;
    button.textContent = t('form.busy');
  } else if (button.dataset.label) {
    button.textContent = button.dataset.label;
  }
  button.disabled = busy;
}

// Keep typed values, ticks and field errors across a re-render (language switch: errors made
// from a function are made again in the new language). A fieldset keeps its error only.
export function snapshotInputs(root) {
  const snap = new Map();
  for (const input of root.querySelectorAll('input[id], textarea[id], select[id], fieldset[id]')) {
    snap.set(input.id, {
      value: input.value,
      checked: input.checked,
      error: input.getAttribute('aria-invalid') === 'true' && fieldErrors.get(input),
    });
  }
  return snap;
}

export function restoreInputs(root, snap) {
  for (const [id, { value, checked, error }] of snap) {
    const input = root.querySelector(`#${CSS.escape(id)}`);
    if (!input) continue;
    const ticks = input.type === 'checkbox' || input.type === 'radio';
    const before = ticks ? input.checked : input.value;
    if (ticks) input.checked = checked;
    else if (input.tagName === 'FIELDSET') { /* a group of inputs: its error only */ }
    else if (input.tagName !== 'SELECT' || [...input.options].some((o) => o.value === value)) {
      input.value = value;
    }
    // What listens to typing (a character counter) sees restored input as typed.
    if ((ticks ? input.checked : input.value) !== before) input.dispatchEvent(new Event('input', { bubbles: true }));
    if (error) setFieldError(input, error);
  }
}

// ---- display

export function timeEl(value, options) {
  return h('time', { datetime: value }, formatDate(value, options));
}

export function rangeEl(start, end) {
  return h('time', { datetime: start }, formatRange(start, end));
}

// Text from the records (a department's name, an event's title), which is Chinese: marked
// lang="zh-CN" on a page in another language, so it is read out and hyphenated as Chinese.
export function recordText(text, tag = 'span', props = {}) {
  return h(tag, { ...props, lang: recordLang(text) || props.lang }, text);
}

// 'zh-CN' for Chinese text on a page in another language (for a control holding a record's
// text), else null.
export function recordLang(text) {
  return getLang() !== 'zh-CN' && /\p{Script=Han}/u.test(String(text ?? '')) ? 'zh-CN' : null;
}

// Plain text (e.g. Markdown) as paragraphs: blank lines split them, single newlines become
// line breaks. Text only; markup in it is shown as typed. Chinese paragraphs of a record on a
// page in another language say so (lang), for screen readers and fonts.
export function textBlocks(text) {
  return String(text || '').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean)
    .map((p) => h('p', { lang: recordLang(p) }, p.split('\n').flatMap((line, i) => (i ? [h('br'), line] : [line]))));
}

// A titled part of a page: <section id aria-labelledby> with an <h2>.
export function panel(id, heading, ...content) {
  return h('section', { class: 'panel', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, heading), content);
}

// The link back up, above a page's <h1>.
export function breadcrumb(href, text) {
  return h('p', { class: 'breadcrumb' }, h('a', { href }, text));
}

// <dl> from [label, value, id?] rows; rows without a value are left out.
export function details(rows, className = 'details') {
  return h('dl', { class: className }, rows
    .filter(([, value]) => value != null && value !== '')
    .map(([label, value, id]) => [h('dt', {}, label), h('dd', { id }, value)]));
}

// A "more" button over a list fed page by page: fetchPage(cursor) -> {items, next_cursor};
// show(items) puts a page on screen and answers its first element. Resolves with the button
// once the first page is shown; it stays while there are more pages.
export async function loadMore(fetchPage, show) {
  const more = h('button', { type: 'button', class: 'button button-secondary load-more', hidden: true },
    t('list.more'));
  let cursor;
  async function load() {
    const page = await fetchPage(cursor);
    const first = show(page.items);
    cursor = page.next_cursor;
    more.hidden = !cursor;
    return first;
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const first = await load();
      if (first) { // keyboard users continue where the new items start
        first.tabIndex = -1;
        first.focus();
      }
    } catch (err) {
      if (err.name !== 'AbortError') flash(() => errorMessage(err), 'error');
    }
    more.disabled = false;
  });
  await load();
  return more;
}

// A list fed page by page: fetchPage(cursor) -> {items, next_cursor}; renderItem(item) -> <li>.
// Resolves once the first page is shown; a "more" button follows while there are more.
export async function pagedList({ fetchPage, renderItem, empty, ...attrs }) {
  const list = h('ul', attrs);
  const none = h('p', { class: 'empty', hidden: true }, empty);
  const more = await loadMore(fetchPage, (items) => {
    const elements = items.map((item) => renderItem(item));
    list.append(...elements);
    none.hidden = list.children.length > 0;
    return elements[0];
  });
  return h('div', { class: 'paged' }, list, none, more);
}

// A button for an action that needs a second, explicit "yes": pressing it asks `question`
// next to a confirming and a keeping button. action() runs on "yes"; its errors go to #flash.
// actionClass marks both the first and the confirming button (e.g. for tests and styles).
export function confirmStep({
  label, question, yes, no, action, actionClass = '', id,
}) {
  const wrap = h('div', { class: 'confirm-step' });
  const start = h('button', {
    type: 'button', id, class: `button button-secondary ${actionClass}`.trim(),
  }, label);
  const yesButton = h('button', {
    type: 'button', class: `button button-danger confirm-yes ${actionClass}`.trim(),
  }, yes);
  const noButton = h('button', { type: 'button', class: 'button button-secondary confirm-no' }, no);
  const ask = h('div', { class: 'confirm-ask', role: 'group', 'aria-label': question },
    h('p', { class: 'confirm-question' }, question), yesButton, noButton);
  start.addEventListener('click', () => {
    wrap.replaceChildren(ask);
    yesButton.focus();
  });
  noButton.addEventListener('click', () => {
    wrap.replaceChildren(start);
    start.focus();
  });
  yesButton.addEventListener('click', async () => {
    if (!await whileBusy([yesButton, noButton], action)) yesButton.focus();
  });
  wrap.append(start);
  return wrap;
}

// Runs action() with `buttons` disabled; its errors go to #flash. Answers whether it succeeded.
export async function whileBusy(buttons, action) {
  for (const button of buttons) button.disabled = true;
  clearFlash();
  try {
    await action();
    return true;
  } catch (err) {
    if (err.name !== 'AbortError') flash(() => errorMessage(err), 'error');
    return false;
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

// Offers a downloaded file to the user.
export function saveFile(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
