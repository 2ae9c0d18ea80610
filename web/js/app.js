// App shell: hash router, header navigation and language switch.

import {
  getToken, getUser, isLoggedIn, isStaff, logout, fetchMe, fetchUnread,
} from './api.js';
import {
  t, plural, getLang, setLang,
} from './i18n.js';
import { loadDistrict } from './format.js';
import {
  h, flash, flashOnNavigate, renderFlash, errorMessage, snapshotInputs, restoreInputs,
} from './ui.js';
import * as home from './pages/home.js';
import * as register from './pages/register.js';
import * as login from './pages/login.js';
import * as passwordReset from './pages/password-reset.js';
import * as me from './pages/me.js';
import * as decisions from './pages/decisions.js';
import * as decision from './pages/decision.js';
import * as draft from './pages/draft.js';
import * as feedback from './pages/feedback.js';
import * as staff from './pages/staff.js';
import * as staffNew from './pages/staff-new.js';
import * as staffDecision from './pages/staff-decision.js';
import * as events from './pages/events.js';
import * as event from './pages/event.js';
import * as mySignups from './pages/my-signups.js';
import * as staffEvents from './pages/staff-events.js';
import * as staffEventNew from './pages/staff-event-new.js';
import * as staffEvent from './pages/staff-event.js';
import * as checkin from './pages/checkin.js';
import * as staffSurvey from './pages/staff-survey.js';
import * as survey from './pages/survey.js';
import * as surveyResults from './pages/survey-results.js';
import * as openMonth from './pages/open-month.js';
import * as yearly from './pages/yearly.js';
import * as meetings from './pages/meetings.js';
import * as meeting from './pages/meeting.js';
import * as representative from './pages/representative.js';
import * as staffMeetings from './pages/staff-meetings.js';
import * as staffMeeting from './pages/staff-meeting.js';
import * as staffRepresentatives from './pages/staff-representatives.js';
import * as staffUsers from './pages/staff-users.js';
import * as notFound from './pages/not-found.js';

// Route table: pattern -> page module. A page exports name, title (i18n key),
// render(root, ctx) and optionally requiresLogin. ":x" segments land in ctx.params.x,
// e.g. ['/decisions/:id', decision]; "#/path?a=1" lands in ctx.query (URLSearchParams).
const routes = [
  ['/', home],
  ['/register', register],
  ['/login', login],
  ['/password-reset', passwordReset],
  ['/me', me],
  ['/me/signups', mySignups],
  ['/me/representative', representative],
  ['/decisions', decisions],
  ['/decisions/:id', decision],
  ['/decisions/:id/draft', draft],
  ['/decisions/:id/feedback', feedback],
  ['/events', events],
  ['/events/:id', event],
  ['/events/:id/survey', survey],
  ['/events/:id/survey/results', surveyResults],
  ['/meetings', meetings],
  ['/meetings/:id', meeting],
  ['/open-month', openMonth], // the district's current year
  ['/open-month/:year', openMonth],
  ['/reports', yearly], // the district's current year
  ['/reports/:year', yearly],
  ['/staff', staff],
  ['/staff/decisions/new', staffNew],
  ['/staff/decisions/:id', staffDecision],
  ['/staff/events', staffEvents],
  ['/staff/events/new', staffEventNew],
  ['/staff/events/:id', staffEvent],
  ['/staff/events/:id/checkin', checkin],
  ['/staff/events/:id/survey', staffSurvey],
  ['/staff/meetings', staffMeetings],
  ['/staff/meetings/:id', staffMeeting],
  ['/staff/representatives', staffRepresentatives],
  ['/staff/users', staffUsers],
];

const view = document.getElementById('view');
let controller = null; // aborts the previous page's pending requests
let firstRender = true;

function currentPath() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  return path.replace(/\/+$/, '') || '/';
}

function match(path) {
  const segs = path.split('/').filter(Boolean);
  for (const [pattern, page] of routes) {
    const parts = pattern.split('/').filter(Boolean);
    if (parts.length !== segs.length) continue;
    const params = {};
    const ok = parts.every((p, i) => {
      if (!p.startsWith(':')) return p === segs[i];
      try {
        params[p.slice(1)] = decodeURIComponent(segs[i]);
        return true;
      } catch {
        return false; // malformed escape: treat as no match
      }
    });
    if (ok) return { page, params };
  }
  return null;
}

// Navigate; re-renders even when the hash is already the target (no hashchange then).
function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// Navigate without leaving a history entry (so Back does not bounce into a redirect).
function redirect(hash) {
  controller?.abort();
  if (location.hash === hash) route();
  else location.replace(hash);
}

async function route({ keepState = false } = {}) {
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;

  // An address no route matches gets the not-found page; the address stays as typed.
  const { page, params } = match(currentPath()) || { page: notFound, params: {} };
  if (page.requiresLogin && !isLoggedIn()) {
    flash(() => t('flash.login_required'), 'info', { keep: true });
    redirect(`#/login?next=${encodeURIComponent(location.hash)}`); // back here after logging in
    return;
  }

  const snap = keepState ? snapshotInputs(view) : null;
  if (!keepState) flashOnNavigate();
  renderNav();
  refreshUnread();
  document.title = `${t(page.title)} · ${t('app.name')} · ${t('app.tagline')}`;

  const root = h('div', { class: 'page' });
  view.replaceChildren(root);
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  try {
    await page.render(root, {
      params, query, signal, go, redirect,
    });
  } catch (err) {
    if (signal.aborted) return;
    flash(() => errorMessage(err), 'error');
    for (const el of root.querySelectorAll('.loading')) el.remove();
    if (!root.querySelector('h1')) root.prepend(h('h1', {}, t(page.title)));
  }
  if (signal.aborted) return; // a newer navigation owns the view now
  if (snap) restoreInputs(root, snap);
  root.dataset.page = page.name;

  // Move focus to the new heading so screen-reader users hear the page change; not on first
  // load and not on a language switch (the user is on the switch button). A page made for one
  // input (check-in at the door) marks it autofocus and gets it focused instead, first load too.
  const autofocus = root.querySelector('[autofocus]');
  if (autofocus && !keepState) autofocus.focus();
  else if (!firstRender && !keepState) {
    const heading = root.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }
  firstRender = false;
}

// ---- header

function renderNav() {
  const path = currentPath();
  const items = [];
  if (isLoggedIn()) {
    const user = getUser();
    items.push(
      isStaff(user) && h('li', {}, h('a', { id: 'nav-staff', href: '#/staff' }, t('nav.staff'))),
      h('li', {}, h('a', { id: 'nav-me', href: '#/me', class: 'nav-me' },
        h('span', { class: 'nav-user' }, user?.display_name || t('nav.me')), unreadBadge())),
      h('li', {}, h('a', { id: 'nav-signups', href: '#/me/signups' }, t('nav.signups'))),
      h('li', {}, h('button', { type: 'button', id: 'nav-logout', class: 'nav-button', onclick: onLogout }, t('nav.logout'))),
    );
  } else {
    items.push(
      h('li', {}, h('a', { id: 'nav-login', href: '#/login' }, t('nav.login'))),
      h('li', {}, h('a', { id: 'nav-register', href: '#/register' }, t('nav.register'))),
    );
  }
  document.getElementById('nav-session').replaceChildren(...items.filter(Boolean));

  // "page" on the link to this page; "true" on the section it is in (#/decisions/…).
  for (const a of document.querySelectorAll('.site-nav a')) {
    const target = a.getAttribute('href').slice(1);
    if (target === path) a.setAttribute('aria-current', 'page');
    else if (target !== '/' && path.startsWith(`${target}/`)) a.setAttribute('aria-current', 'true');
    else a.removeAttribute('aria-current');
  }
}

// ---- unread notifications: a badge on the link to the profile, where the inbox is

let unread = 0;
let unreadAsked = 0; // an answer older than the latest news of the count is dropped

// The count as a badge: the number seen, "3 条未读通知" heard; nothing at 0.
function unreadBadge() {
  if (!unread) return null;
  return h('span', { class: 'nav-badge', id: 'nav-unread' },
    h('span', { 'aria-hidden': 'true' }, String(unread)),
    h('span', { class: 'visually-hidden' }, ` ${plural('nav.unread', unread)}`));
}

// Updates the badge in place (re-rendering the header would take the focus from it).
function showUnread(n) {
  unread = n;
  const link = document.getElementById('nav-me');
  if (!link) return;
  document.getElementById('nav-unread')?.remove();
  const badge = unreadBadge();
  if (badge) link.append(badge);
}

async function refreshUnread() {
  const asked = ++unreadAsked;
  if (!isLoggedIn()) {
    showUnread(0);
    return;
  }
  try {
    const { unread: n } = await fetchUnread();
    if (asked === unreadAsked && isLoggedIn()) showUnread(n);
  } catch {
    // The badge keeps its count until the next page asks again.
  }
}

// The inbox marked notifications read and tells the count left: newer than any answer on its way.
window.addEventListener('canyu:unread', (event) => {
  unreadAsked += 1;
  showUnread(event.detail);
});

async function onLogout(event) {
  event.currentTarget.disabled = true;
  try {
    await logout();
  } catch {
    // The local session is gone either way (api.logout clears it in finally).
  }
  flash(() => t('flash.logged_out'), 'success', { keep: true });
  go('#/');
}

// Static text in index.html carries data-i18n keys.
function translateStatic() {
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
  const sw = document.getElementById('lang-switch');
  sw.textContent = t('lang.switch');
  sw.lang = t('lang.switch_code'); // the label is in the other language
}

// ---- wiring

document.documentElement.lang = getLang();
translateStatic();
await loadDistrict(); // pages show times in its time zone

document.getElementById('lang-switch').addEventListener('click', () => {
  setLang(getLang() === 'zh-CN' ? 'en' : 'zh-CN');
});

window.addEventListener('canyu:lang', () => {
  translateStatic();
  renderFlash();
  route({ keepState: true });
});

window.addEventListener('canyu:session', renderNav);

// Another tab logged in or out.
window.addEventListener('storage', (event) => {
  if (event.key === null || event.key.startsWith('canyu.')) {
    if (event.key === 'canyu.lang') return; // that tab's choice; keep ours until reload
    renderNav();
    if (!isLoggedIn() && match(currentPath())?.page.requiresLogin) route();
  }
});

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('main').focus();
});

window.addEventListener('hashchange', () => route());

route();

// Refresh the cached user (name in the header); a 401 here clears a revoked token.
// The profile page fetches /me itself, so skip the duplicate there.
if (getToken() && currentPath() !== '/me') fetchMe().catch(() => {});
