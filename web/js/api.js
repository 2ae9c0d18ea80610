// JSON calls to /api/v1, problem+json errors, and the stored session.

import { getLang } from './i18n.js';

const BASE = '/api/v1';
const TOKEN_KEY = 'canyu.token';
const USER_KEY = 'canyu.user';

// Thrown for every failed call. status 0 / code "network" means no answer at all.
// retryAfter: the seconds of a Retry-After header (429, 503), else null.
export class ApiError extends Error {
  constructor(status, problem = {}, { retryAfter = null } = {}) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code || codeForStatus(status);
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.at = problem.at || null;
    this.retryAfter = retryAfter;
  }
}

// Retry-After in seconds; the header's other form, an HTTP date, is not used by the server.
function retryAfterSeconds(res) {
  const value = res.headers.get('Retry-After')?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

// Only used when the body is not problem+json (e.g. a proxy error page).
function codeForStatus(status) {
  return {
    0: 'network', 400: 'invalid_request', 401: 'unauthorized', 403: 'forbidden',
    404: 'not_found', 422: 'validation_failed', 429: 'too_many_attempts',
  }[status] || (status >= 500 ? 'internal' : 'unknown');
}

async function readJson(res) {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// The raw fetch behind api() and download(); answers the Response if it is ok.
async function request(method, path, body, { auth = true, signal, headers: extra, accept } = {}) {
  const headers = {
    Accept: accept || 'application/json, application/problem+json',
    // Text the server writes (notifications) comes in the portal's language.
    'Accept-Language': getLang() === 'en' ? 'en' : 'zh-CN',
    ...extra,
  };
  const token = auth ? getToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, signal, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err; // caller navigated away; not an error to show
    throw new ApiError(0);
  }
  if (res.ok) return res;
  const data = await readJson(res);
  // A 401 on a call that carried our token means the token is dead: forget it.
  if (res.status === 401 && token) clearSession();
  throw new ApiError(res.status, data && typeof data === 'object' ? data : {},
    { retryAfter: retryAfterSeconds(res) });
}

// api('POST', '/auth/login', {login, password}, {auth: false, signal})
// auth: send the bearer token (default true). signal: AbortSignal. headers: extra headers.
export async function api(method, path, body, options) {
  return readJson(await request(method, path, body, options));
}

// A file the server answers (e.g. a CSV export): {blob, filename}.
export async function download(path, { signal } = {}) {
  const res = await request('GET', path, undefined, { signal, accept: '*/*' });
  const disposition = res.headers.get('Content-Disposition') || '';
  const filename = disposition.match(/filename="?([^";]+)"?/)?.[1] || path.split('/').pop();
  return { blob: await res.blob(), filename };
}

// ?a=1&b=2 from an object, leaving out empty values ('' when nothing is left).
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// Every item of a paged list, page after page, for lists a page shows whole (a draft's
// versions, a timeline, an event's signups at the door).
export async function fetchAll(path, { signal } = {}) {
  const items = [];
  let cursor;
  do {
    const page = await api('GET', `${path}${query({ limit: 100, cursor })}`, undefined, { signal });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A sender for one form whose writes must not happen twice (Idempotency-Key). Each submission
// attempt gets a new key; resending the same body after no answer (network, 5xx, still in
// progress) reuses it, so the server does the write once. The server replays 4xx answers
// for a key, so after one the next attempt gets a fresh key.
export function idempotentSender(method, path) {
  let attempt = null; // {payload, key}
  return async (body, options = {}) => {
    const payload = JSON.stringify(body);
    if (attempt?.payload !== payload) attempt = { payload, key: uuid() };
    try {
      const data = await api(method, path, body, { ...options, headers: { 'Idempotency-Key': attempt.key } });
      attempt = null;
      return data;
    } catch (err) {
      const unanswered = err.name === 'AbortError' || err.status === 0 || err.status >= 500
        || err.code === 'idempotency_key_in_progress';
      if (!unanswered) attempt = null;
      throw err;
    }
  };
}

// ---- session (token + cached user, so the header can show the name without a request)

function read(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function changed() {
  window.dispatchEvent(new Event('canyu:session'));
}

// The server decides whether a token is still valid (a device clock may be wrong): an
// expired one answers 401, which clears the session.
export function getToken() {
  return read(TOKEN_KEY) || null;
}

export function isLoggedIn() {
  return getToken() !== null;
}

export function getUser() {
  try {
    return JSON.parse(read(USER_KEY) || 'null');
  } catch {
    return null;
  }
}

export function setSession({ token, user }) {
  localStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(USER_KEY, JSON.stringify(user ?? null));
  changed();
}

export function setUser(user) {
  localStorage.setItem(USER_KEY, JSON.stringify(user));
  changed();
}

export function clearSession() {
  try {
    [TOKEN_KEY, USER_KEY].forEach((k) => localStorage.removeItem(k));
  } catch {
    /* nothing stored then */
  }
  changed();
}

// ---- endpoint helpers

export function register({ login, password, display_name }) {
  return api('POST', '/auth/register', { login, password, display_name }, { auth: false });
}

export async function login({ login, password }) {
  const session = await api('POST', '/auth/login', { login, password }, { auth: false });
  setSession(session);
  return session.user;
}

// The local session is cleared even if the server call fails: the user asked to leave.
export async function logout() {
  try {
    if (isLoggedIn()) await api('POST', '/auth/logout');
  } finally {
    clearSession();
  }
}

// {name, timezone}: the district the portal serves; timezone is an IANA name.
export function fetchDistrict() {
  return api('GET', '/district', undefined, { auth: false });
}

export function fetchThemes() {
  return api('GET', '/events/themes', undefined, { auth: false });
}

export async function fetchMe({ signal } = {}) {
  const user = await api('GET', '/me', undefined, { signal });
  setUser(user);
  return user;
}

// {unread: n}: how many of the caller's notifications are unread (the header's badge).
export function fetchUnread({ signal } = {}) {
  return api('GET', '/me/notifications/unread', undefined, { signal });
}

// Marks the notification upTo and every older one read; answers {unread}.
export function markNotificationsRead(upTo, { signal } = {}) {
  return api('POST', '/me/notifications/read', { up_to: upTo }, { signal });
}

// A new display name; the stored user follows, so the header shows it.
export async function updateMe({ display_name }) {
  const user = await api('PATCH', '/me', { display_name });
  setUser(user);
  return user;
}

// A refused new password may be named `password`, as at registration; the forms call it
// new_password.
async function newPasswordErrors(call) {
  try {
    return await call();
  } catch (err) {
    for (const error of err.errors || []) if (error.field === 'password') error.field = 'new_password';
    throw err;
  }
}

// 204; the caller's other sessions end, this one goes on.
export function changePassword({ current_password, new_password }) {
  return newPasswordErrors(() => api('PUT', '/me/password', { current_password, new_password }));
}

// A new password set with a one-time code from the service desk (no session needed).
export function resetPassword({ login, code, new_password }) {
  return newPasswordErrors(() => api('POST', '/auth/password-reset', { login, code, new_password }, { auth: false }));
}

// Erases the caller's account; the session ends with it.
export async function eraseMe({ password }) {
  await api('POST', '/me/erasure', { password });
  clearSession();
}

// ---- roles (the server checks them again; these only decide what to show)

export function isStaff(user = getUser()) {
  return Boolean(user?.roles?.some((r) => r === 'staff' || r === 'admin'));
}

// Admins manage everything; staff what their own department sponsors or hosts.
export function managesDepartment(user, departmentId) {
  if (user?.roles?.includes('admin')) return true;
  return Boolean(user?.roles?.includes('staff') && departmentId && user.department?.id === departmentId);
}

export function canManage(user, decision) {
  return managesDepartment(user, decision?.sponsor?.id);
}
