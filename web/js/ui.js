// Small DOM helpers shared by pages: element builder, flash messages, form fields and errors.
// All text goes through text nodes / textContent, never innerHTML.

import { ApiError } from './api.js';
import { t, has } from './i18n.js';

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
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
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
    if (has(`error.${err.code}`)) return t(`error.${err.code}`);
    if (err.detail) return err.detail;
  }
  return t('error.unknown');
}

// ---- form fields

// A labelled input with a hint and an (initially empty) error slot `${id}-error`.
export function field({ id, name, label, hint, type = 'text', ...attrs }) {
  const hintId = hint ? `${id}-hint` : null;
  const input = h('input', {
    id, name, type, 'aria-describedby': hintId, ...attrs,
  });
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hint && h('p', { class: 'hint', id: hintId }, hint),
    h('p', { class: 'field-error', id: `${id}-error` }),
    input,
  );
}

function describedBy(input, withError) {
  const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/)
    .filter((x) => x && x !== `${input.id}-error`);
  if (withError) ids.unshift(`${input.id}-error`);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
}

export function setFieldError(input, message) {
  const slot = document.getElementById(`${input.id}-error`);
  if (slot) slot.textContent = message;
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

// Shows an error: summary in #flash, each {field, message} next to its input (by name).
// Messages for fields the form does not have are added to the summary.
export function showFormError(form, err) {
  clearFieldErrors(form);
  const byField = new Map();
  const unmatched = [];
  for (const { field: name, message } of err.errors || []) {
    const input = name && form.elements.namedItem(name);
    if (input && input.id) byField.set(input, [...(byField.get(input) || []), message]);
    else if (message) unmatched.push(message);
  }
  for (const [input, messages] of byField) setFieldError(input, messages.join(' '));
  flash(() => [errorMessage(err), ...unmatched].join(' '), 'error');
  return [...byField.keys()][0] || null;
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
    try {
      await action(Object.fromEntries(new FormData(form)));
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

// Keep typed values and field errors across a re-render (language switch).
export function snapshotInputs(root) {
  const snap = new Map();
  for (const input of root.querySelectorAll('input[id]')) {
    const slot = document.getElementById(`${input.id}-error`);
    snap.set(input.id, {
      value: input.value,
      error: input.getAttribute('aria-invalid') === 'true' && slot ? slot.textContent : '',
    });
  }
  return snap;
}

export function restoreInputs(root, snap) {
  for (const [id, { value, error }] of snap) {
    const input = root.querySelector(`#${CSS.escape(id)}`);
    if (!input) continue;
    input.value = value;
    if (error) setFieldError(input, error);
  }
}
