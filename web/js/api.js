// JSON calls to /api/v1, problem+json errors, and the stored session.

const BASE = '/api/v1';
const TOKEN_KEY = 'canyu.token';
const USER_KEY = 'canyu.user';

// Thrown for every failed call. status 0 / code "network" means no answer at all.
export class ApiError extends Error {
  constructor(status, problem = {}) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code || codeForStatus(status);
    this.title = problem.title || '';
    this.detail = problem.detail || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
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

// api('POST', '/auth/login', {login, password}, {auth: false, signal})
// auth: send the bearer token (default true). signal: AbortSignal.
export async function api(method, path, body, { auth = true, signal } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
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
  const data = await readJson(res);
  if (res.ok) return data;
  // A 401 on a call that carried our token means the token is dead: forget it.
  if (res.status === 401 && token) clearSession();
  throw new ApiError(res.status, data && typeof data === 'object' ? data : {});
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

export async function fetchMe({ signal } = {}) {
  const user = await api('GET', '/me', undefined, { signal });
  setUser(user);
  return user;
}
