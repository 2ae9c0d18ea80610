// Staff: an event's survey: where it stands and its results' publication, the written answers
// to publish or withdraw, its title and window, and its questions until someone answers.

import { managesDepartment } from '../api.js';
import { t } from '../i18n.js';
import {
  h, append, breadcrumb, panel, recordText,
} from '../ui.js';
import { eventHash, staffEventHash, fetchEvent } from '../events.js';
import { fetchSurvey, fetchResults } from '../surveys.js';
import {
  surveyDetails, resultsLink, publishStep, textsPanel, settingsPanel, questionsPanel,
} from '../survey-staff.js';
import { staffUser, forbiddenNotice } from '../staff.js';

export const name = 'staff-survey';
export const title = 'staff_survey.manage';
export const requiresLogin = true;

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const crumb = breadcrumb(staffEventHash(id), t('staff_events.manage'));
  const heading = h('h1', { id: 'staff-survey-title' }, t('staff_survey.manage'));
  root.append(crumb, heading);
  const user = await staffUser(root, ctx);
  if (!user) return;
  const [e, s] = await Promise.all([fetchEvent(id, signal), fetchSurvey(id, signal)]);
  crumb.firstChild.replaceChildren(recordText(e.title));
  if (!managesDepartment(user, e.host.id)) {
    root.append(forbiddenNotice(t('staff_events.not_yours')));
    return;
  }
  if (!s) {
    root.append(h('p', { class: 'notice notice-plain', id: 'staff-survey-none' },
      t('staff_survey.none_here'), ' ',
      h('a', { href: staffEventHash(id) }, t('staff_survey.to_event'))));
    return;
  }
  heading.replaceChildren(recordText(s.title));
  const results = await fetchResults(s.id, signal);
  const texts = await textsPanel(s, signal);
  append(root,
    h('p', { class: 'meta' }, t('staff_survey.of_event'), ' ',
      h('a', { href: eventHash(id) }, recordText(e.title))),
    panel('panel-survey-status', t('staff_survey.status'),
      surveyDetails(s, results),
      h('p', { class: 'actions' }, resultsLink(s)),
      publishStep(ctx, s)),
    texts,
    settingsPanel(ctx, s),
    questionsPanel(ctx, s, results));
}
