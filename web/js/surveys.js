// Pieces the survey pages share: addresses, fetching a survey or its results (either may not
// exist yet), where a survey stands, and a note of what this browser has answered.

import { api, getUser } from './api.js';
import { t } from './i18n.js';
import { h } from './ui.js';
import { label, windowDates, zoneName } from './format.js';
import { eventPath } from './events.js';

const ANSWERED_KEY = 'canyu.surveys_answered';

// The survey form of an event, plus an optional '/results'.
export function surveyHash(eventId, sub = '') {
  return `#/events/${encodeURIComponent(eventId)}/survey${sub}`;
}

// '/surveys/<id>' plus an optional '/responses', … for api().
export function surveyPath(id, sub = '') {
  return `/surveys/${encodeURIComponent(id)}${sub}`;
}

// A GET that answers null for a 404 (no survey yet, results not published yet).
async function orNull(path, signal) {
  try {
    return await api('GET', path, undefined, { signal });
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

export function fetchSurvey(eventId, signal) {
  return orNull(eventPath(eventId, '/survey'), signal);
}

// Live for the host department's staff; for others null until published.
export function fetchResults(surveyId, signal) {
  return orNull(surveyPath(surveyId, '/results'), signal);
}

// 'open' | 'upcoming' | 'closed'; the server says whether it is open.
export function surveyState(s) {
  if (s.open) return 'open';
  return new Date(s.opens_at) > new Date() ? 'upcoming' : 'closed';
}

export function surveyBadge(s) {
  const state = surveyState(s);
  return h('span', { class: `badge survey-state-${state}` }, label('survey_state', state));
}

// {opens, closes, zone}: the survey's window as text, for t('…', dates).
export function surveyDates(s) {
  return { ...windowDates(s.opens_at, s.closes_at), zone: zoneName() };
}

// Answers are anonymous, so the server cannot say whether someone has answered; this
// browser remembers it (per account) to spare them a form the server would refuse.
function answeredList() {
  try {
    const list = JSON.parse(localStorage.getItem(ANSWERED_KEY) || '[]');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function answeredEntry(surveyId) {
  return `${getUser()?.id || ''}:${surveyId}`;
}

export function answeredHere(surveyId) {
  return answeredList().includes(answeredEntry(surveyId));
}

export function rememberAnswered(surveyId) {
  const list = answeredList().filter((x) => x !== answeredEntry(surveyId)).slice(-49);
  try {
    localStorage.setItem(ANSWERED_KEY, JSON.stringify([...list, answeredEntry(surveyId)]));
  } catch {
    /* storage blocked: the server still refuses a second answer */
  }
}

// Whether the person's signups (latestSignups) show them checked in at the event; true when
// they are unknown, and the server decides.
export function mayHaveCome(signups, eventId) {
  return signups == null || signups.some((s) => s.event_id === eventId && s.checked_in_at);
}

// The notice for a survey that takes no answers now (not yet, or no longer).
export function closedNotice(s, id = 'survey-closed') {
  return h('div', { class: 'notice notice-plain', id },
    h('p', {}, t(`survey.state_${surveyState(s)}`, surveyDates(s))));
}

// Why a response was refused, in words, for the refusals that end the form (403, 409), or
// null for those the form can fix.
export function refusalText(err, s) {
  if (err.code === 'survey_not_open') {
    return `${t('error.survey_not_open')} ${t('survey.window', surveyDates(s))}`;
  }
  if (['not_an_attendee', 'already_answered'].includes(err.code)) return t(`error.${err.code}`);
  return null;
}
