// Pieces the survey pages share: addresses, fetching a survey or its results (either may not
// exist yet), where a survey stands, and what it means for the person asking.

import { api, query } from './api.js';
import { t } from './i18n.js';
import { h } from './ui.js';
import { label, windowDates, zoneName } from './format.js';
import { eventPath } from './events.js';

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

// One page of a survey's free-text answers: {items, next_cursor}. Staff of the host department
// get them all (with `original`); anyone else the published ones, masked. auth: false asks as
// the public does.
export function fetchTexts(surveyId, { cursor, limit = 50, signal, auth = true } = {}) {
  return api('GET', surveyPath(surveyId, `/texts${query({ limit, cursor })}`), undefined, { signal, auth });
}

// The free-text questions of a survey (or of its results), in the order asked.
export function freeTextQuestions(questions) {
  return questions.filter((q) => q.kind === 'free_text').sort((a, b) => a.position - b.position);
}

// 'open' | 'upcoming' | 'closed', as the server tells it.
const STATES = { open: 'open', not_yet_open: 'upcoming', closed: 'closed' };

export function surveyState(s) {
  return STATES[s.state] || 'closed';
}

export function surveyBadge(s) {
  const state = surveyState(s);
  return h('span', { class: `badge survey-state-${state}` }, label('survey_state', state));
}

// {opens, closes, zone}: the survey's window as text, for t('…', dates).
export function surveyDates(s) {
  return { ...windowDates(s.opens_at, s.closes_at), zone: zoneName() };
}

// Whether the person asking has answered, and whether they came (the server tells a logged-in
// person both; absent when nobody is logged in).
export function answered(s) {
  return s.caller?.answered === true;
}

export function cameToIt(s) {
  return s.caller?.came === true;
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
