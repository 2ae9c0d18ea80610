// Staff work on a survey: where it stands, publishing its results (once it has closed),
// changing its title, window and (until the first response) questions, and choosing which
// written answers the public may read.

import { api, ApiError } from './api.js';
import { t, plural } from './i18n.js';
import {
  h, field, checkbox, keyedField, flash, details, confirmStep, panel, handleSubmit, requireFilled,
  clearFieldErrors, whileBusy, loadMore, recordText, recordLang,
} from './ui.js';
import {
  label, windowDates, formatNumber, formatPercent, utcToWallTime, wallTimeToUtc, zoneName,
} from './format.js';
import {
  surveyHash, surveyPath, surveyBadge, surveyDates, fetchTexts, freeTextQuestions,
} from './surveys.js';
import { staffEventHash } from './events.js';
import { actionPanel } from './staff.js';

// The staff page of an event's survey.
export function staffSurveyHash(eventId) {
  return staffEventHash(eventId, '/survey');
}

// "12 (rate 60%)": responses so far, live for staff.
function responsesText(r) {
  if (!r) return null;
  const n = plural('staff_survey.responses_n', r.responses, { n: formatNumber(r.responses) });
  return r.response_rate == null ? n : t('staff_survey.responses_rate', { n, rate: formatPercent(r.response_rate) });
}

// State, window, questions and responses so far, as a <dl>.
export function surveyDetails(s, results) {
  return details([
    [t('staff_survey.state'), surveyBadge(s), 'survey-state'],
    [t('staff_survey.window'), t('event.window', windowDates(s.opens_at, s.closes_at)), 'survey-window'],
    [t('staff_survey.questions'), formatNumber(s.questions.length)],
    [t('staff_survey.responses'), responsesText(results), 'survey-responses'],
  ]);
}

// The link to the results: live until published.
export function resultsLink(s) {
  return h('a', { id: 'survey-results', class: 'button button-secondary', href: surveyHash(s.event_id, '/results') },
    t(s.results_published ? 'staff_survey.results' : 'staff_survey.live_results'));
}

// Publishing the results, which cannot be undone: asked twice, and only once the survey has
// closed (figures changing in public as people answer would tell what each one said).
export function publishStep(ctx, s) {
  if (s.results_published) return h('p', { class: 'done', id: 'survey-published' }, t('staff_survey.published'));
  const intro = h('p', { class: 'hint' }, t('staff_survey.publish_intro'));
  if (s.state !== 'closed') {
    return h('div', { class: 'survey-publish' }, intro,
      h('div', { class: 'confirm-step' },
        h('button', {
          type: 'button', id: 'survey-publish', class: 'button button-secondary survey-publish', disabled: true,
          'aria-describedby': 'survey-publish-wait',
        }, t('staff_survey.publish')),
        h('p', { class: 'publish-wait', id: 'survey-publish-wait' },
          t('staff_survey.publish_after_close', surveyDates(s)))));
  }
  return h('div', { class: 'survey-publish' }, intro,
    confirmStep({
      id: 'survey-publish',
      label: t('staff_survey.publish'),
      question: t('staff_survey.publish_question'),
      yes: t('staff_survey.publish_yes'),
      no: t('staff_survey.publish_no'),
      actionClass: 'survey-publish',
      action: async () => {
        await api('POST', surveyPath(s.id, '/results/publication')); // 409 survey_still_open: see error.…
        flash(() => t('flash.survey_results_published'), 'success', { keep: true });
        ctx.go(location.hash);
      },
    }));
}

// ---- title and window

const SETTINGS = ['title', 'opens_at', 'closes_at'];
const TIMES = ['opens_at', 'closes_at'];

function shownSetting(name, s) {
  return TIMES.includes(name) ? utcToWallTime(s[name]) : s[name];
}

export function settingsPanel(ctx, s) {
  return actionPanel(ctx, {
    id: 'panel-survey-settings',
    heading: t('survey_edit.settings'),
    intro: [
      h('p', { class: 'hint' }, t('survey_edit.settings_intro', { zone: zoneName() })),
      s.results_published && h('p', { class: 'notice notice-warn', id: 'survey-reopen-warning' },
        t('survey_edit.published_warning')),
    ],
    fields: SETTINGS.map((name) => keyedField('survey_edit', 'survey-edit', name, {
      value: shownSetting(name, s),
      ...(TIMES.includes(name) ? { type: 'datetime-local', required: true }
        : { maxlength: 200, required: true, lang: recordLang(s[name]) }),
    })),
    submit: t('survey_edit.settings_submit'),
    done: 'flash.survey_updated',
    send: (values) => {
      const value = (name) => String(values[name] ?? '').trim();
      const changed = SETTINGS.filter((name) => value(name) !== shownSetting(name, s));
      if (!changed.length) throw new ApiError(422, { code: 'nothing_changed' });
      requireFilled(values, changed);
      return api('PATCH', surveyPath(s.id), Object.fromEntries(changed.map((name) => [
        name, TIMES.includes(name) ? wallTimeToUtc(value(name)) : value(name)])));
    },
  });
}

// ---- questions

const KINDS = ['rating', 'nps', 'single_choice', 'multiple_choice', 'free_text'];
const CHOICES = ['single_choice', 'multiple_choice'];
const MAX_QUESTIONS = 30;

function byPosition(questions) {
  return [...questions].sort((a, b) => a.position - b.position);
}

// Once someone has answered: the questions as they are, and why they stay so.
function frozenQuestions(s, responses) {
  return [
    h('p', { class: 'notice notice-plain', id: 'survey-questions-frozen' },
      plural('survey_edit.frozen', responses, { n: formatNumber(responses) })),
    h('ol', { class: 'question-list', id: 'survey-question-list' }, byPosition(s.questions).map((q) => h('li', {},
      recordText(q.prompt),
      q.required && h('span', { class: 'required-mark' }, t('survey.required')),
      h('span', { class: 'question-kind' }, label('question_kind', q.kind)),
      q.options?.length > 0 && h('span', { class: 'question-options' },
        t('survey_edit.options_list', { options: q.options.join(t('list.separator')) })))))];
}

// An error about `questions[2].options[1]` belongs with the nearest control the form has
// (`questions[2].options`); option counts are not character counts.
function nearestFields(err, form) {
  if (!err.errors?.length) return err;
  const parent = (name) => name.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  const errors = err.errors.map((e) => {
    let name = e.field || '';
    while (name && !form.elements.namedItem(name)) name = parent(name) === name ? '' : parent(name);
    const options = /\.options$/.test(name) && ['too_short', 'too_long'].includes(e.code) && e.field === name;
    return { ...e, field: name || e.field, code: options ? 'options_count' : e.code };
  });
  return new ApiError(err.status, {
    code: err.code, detail: err.detail, title: err.title, errors,
  });
}

// Until the first response: the questions, each with its prompt, kind, options (for a choice)
// and whether it must be answered; moved, removed and added, then saved all at once.
function questionsEditor(ctx, s) {
  let rows = byPosition(s.questions).map((q) => ({
    kind: q.kind, prompt: q.prompt, options: (q.options || []).join('\n'), required: q.required,
  }));
  const list = h('ol', { class: 'question-edits' });
  const add = h('button', { type: 'button', id: 'survey-question-add', class: 'button button-secondary' },
    t('survey_edit.add'));
  const form = h('form', {
    id: 'survey-questions-form', class: 'form form-wide', 'aria-labelledby': 'panel-survey-questions-title',
  },
  h('fieldset', { id: 'survey-questions-edit', name: 'questions', class: 'question-edits-group' },
    h('legend', { class: 'visually-hidden' }, t('survey_edit.questions')),
    h('p', { class: 'field-error', id: 'survey-questions-edit-error' }),
    list),
  h('p', { class: 'actions question-add' }, add),
  h('p', { class: 'hint' }, t('survey_edit.questions_final')),
  h('button', { type: 'submit', id: 'survey-questions-submit', class: 'button' }, t('survey_edit.questions_submit')));

  const control = (li, part) => li.querySelector(`[data-part="${part}"]`);
  const read = () => {
    rows = [...list.children].map((li) => ({
      kind: control(li, 'kind').value,
      prompt: control(li, 'prompt').value,
      options: control(li, 'options').value,
      required: control(li, 'required').checked,
    }));
  };

  function row(q, i) {
    const base = `survey-q-${i + 1}`;
    const name = (part) => `questions[${i}].${part}`;
    const n = i + 1;
    const kind = field({
      id: `${base}-kind`, name: name('kind'), tag: 'select', label: t('survey_edit.kind'), value: q.kind,
      options: KINDS.map((k) => ({ value: k, label: label('question_kind', k) })), 'data-part': 'kind',
    });
    const options = field({
      id: `${base}-options`, name: name('options'), tag: 'textarea', rows: 4, label: t('survey_edit.options'),
      hint: t('survey_edit.options_hint'), value: q.options, 'data-part': 'options', lang: recordLang(q.options),
    });
    options.hidden = !CHOICES.includes(q.kind);
    kind.querySelector('select').addEventListener('change', (event) => {
      options.hidden = !CHOICES.includes(event.target.value);
    });
    const required = checkbox({
      id: `${base}-required`, name: name('required'), label: t('survey_edit.required'), checked: q.required,
    });
    required.querySelector('input').dataset.part = 'required';
    const move = (key, to, disabled) => h('button', {
      type: 'button', class: 'button button-secondary button-small', disabled,
      'aria-label': t(`survey_edit.${key}_n`, { n }), dataset: { move: key },
      onclick: () => {
        read();
        if (to === null) rows.splice(i, 1);
        else rows.splice(to, 0, ...rows.splice(i, 1));
        draw(to === null ? Math.min(i, rows.length - 1) : to, to === null ? 'prompt' : key);
      },
    }, t(`survey_edit.${key}`));
    return h('li', { class: 'question-edit' },
      h('fieldset', { id: base, name: `questions[${i}]` },
        h('legend', {}, t('survey_edit.question_n', { n })),
        h('p', { class: 'field-error', id: `${base}-error` }),
        field({
          id: `${base}-prompt`, name: name('prompt'), tag: 'textarea', rows: 2, maxlength: 500,
          label: t('survey_edit.prompt'), value: q.prompt, 'data-part': 'prompt', lang: recordLang(q.prompt),
        }),
        kind,
        options,
        required,
        h('p', { class: 'question-edit-actions' },
          move('up', i - 1, i === 0),
          move('down', i + 1, i === rows.length - 1),
          move('remove', null, rows.length === 1))));
  }

  // Draws the rows again (their names and ids follow their places); focus: the row and what
  // in it to focus ('prompt', or the button that moved it).
  function draw(focusRow, focusPart) {
    clearFieldErrors(form);
    list.replaceChildren(...rows.map(row));
    add.disabled = rows.length >= MAX_QUESTIONS;
    const li = list.children[focusRow];
    if (!li) return;
    const other = { up: 'down', down: 'up' }[focusPart];
    const target = [focusPart, other].map((part) => li.querySelector(`[data-move="${part}"]`))
      .find((button) => button && !button.disabled);
    (target || control(li, 'prompt')).focus();
  }

  add.addEventListener('click', () => {
    read();
    rows.push({
      kind: 'rating', prompt: '', options: '', required: false,
    });
    draw(rows.length - 1, 'prompt');
  });

  handleSubmit(form, async () => {
    read();
    // An empty prompt cannot be a question: named here, like the server names the rest.
    const empty = rows.map((q, i) => (q.prompt.trim() ? null : { field: `questions[${i}].prompt`, code: 'required' }))
      .filter(Boolean);
    if (empty.length) throw new ApiError(422, { code: 'validation_failed', errors: empty });
    const questions = rows.map((q) => ({
      kind: q.kind,
      prompt: q.prompt.trim(),
      required: q.required,
      options: CHOICES.includes(q.kind)
        ? q.options.split('\n').map((o) => o.trim()).filter(Boolean) : undefined,
    }));
    try {
      await api('PATCH', surveyPath(s.id), { questions });
    } catch (err) {
      throw nearestFields(err, form);
    }
    flash(() => t('flash.survey_questions_saved'), 'success', { keep: true });
    ctx.go(location.hash);
  });

  list.replaceChildren(...rows.map(row));
  add.disabled = rows.length >= MAX_QUESTIONS;
  return [h('p', { class: 'hint' }, t('survey_edit.questions_intro')), form];
}

// The questions: an editor while nobody has answered, else the questions as they stand.
export function questionsPanel(ctx, s, results) {
  const responses = results?.responses ?? 0;
  return panel('panel-survey-questions', t('survey_edit.questions'),
    responses > 0 ? frozenQuestions(s, responses) : questionsEditor(ctx, s));
}

// ---- written answers

function publishedBadge(published, id) {
  return h('span', { class: `badge ${published ? 'text-published' : 'text-unpublished'}`, id },
    t(published ? 'survey_texts.is_published' : 'survey_texts.is_unpublished'));
}

// One written answer: as the public would read it, large, labelling its checkbox; as written,
// small, under it.
function textItem(a, promptOf) {
  const pick = `text-pick-${a.id}`;
  const masked = a.original != null && a.original !== a.text;
  const prompt = promptOf(a.question_id);
  return h('li', { class: 'text-answer', dataset: { id: a.id, published: String(a.published) } },
    h('input', {
      type: 'checkbox', id: pick, class: 'pick', value: a.id, 'aria-describedby': `${pick}-state ${pick}-original`,
    }),
    h('div', { class: 'text-answer-body' },
      h('label', { for: pick, class: 'text-answer-text' }, recordText(a.text)),
      h('p', { class: 'text-answer-meta' },
        publishedBadge(a.published, `${pick}-state`),
        masked && [' ', h('span', { class: 'badge text-masked' }, t('survey_texts.masked'))],
        prompt && [' ', h('span', { class: 'text-answer-question' }, prompt)]),
      a.original != null && h('p', { class: 'text-answer-original', id: `${pick}-original` },
        h('span', { class: 'text-answer-original-label' }, t('survey_texts.original')),
        recordText(a.original))));
}

function markItem(li, published) {
  li.dataset.published = String(published);
  const badge = li.querySelector('.text-answer-meta .badge');
  badge.replaceWith(publishedBadge(published, badge.id));
}

// Every written answer with a checkbox; those ticked are published or withdrawn together (in
// batches of 100), and how many changed is said.
export async function textsPanel(s, signal) {
  const id = 'panel-survey-texts';
  const heading = t('survey_texts.title');
  const questions = freeTextQuestions(s.questions);
  if (!questions.length) return panel(id, heading, h('p', { class: 'empty' }, t('survey_texts.no_question')));
  const promptOf = (questionId) => {
    const q = questions.length > 1 && questions.find((x) => x.id === questionId);
    return q ? [`${q.position}. `, recordText(q.prompt)] : null;
  };

  const list = h('ul', { id: 'survey-texts', class: 'text-answers', 'aria-label': heading });
  const none = h('p', { class: 'empty', hidden: true }, t('survey_texts.empty'));
  const all = checkbox({ id: 'texts-all', label: t('survey_texts.select_all') });
  const allBox = all.querySelector('input');
  const selected = h('p', { class: 'texts-selected', id: 'texts-selected', 'aria-live': 'polite' });
  const picks = () => [...list.querySelectorAll('input.pick')];
  const update = () => {
    const n = picks().filter((p) => p.checked).length;
    selected.textContent = plural('survey_texts.selected', n, { n: formatNumber(n) });
    allBox.checked = n > 0 && n === picks().length;
    allBox.indeterminate = n > 0 && n < picks().length;
  };
  allBox.addEventListener('change', () => {
    for (const p of picks()) p.checked = allBox.checked;
    update();
  });
  list.addEventListener('input', update); // a tick, or one restored after a language switch

  const publish = h('button', { type: 'button', id: 'texts-publish', class: 'button' }, t('survey_texts.publish'));
  const withdraw = h('button', { type: 'button', id: 'texts-withdraw', class: 'button button-secondary' },
    t('survey_texts.withdraw'));
  const bar = h('div', { class: 'texts-actions', role: 'group', 'aria-label': t('survey_texts.actions') },
    all, selected, h('p', { class: 'actions' }, publish, withdraw));
  const act = (published) => whileBusy([publish, withdraw], async () => {
    const chosen = picks().filter((p) => p.checked);
    if (!chosen.length) throw new ApiError(422, { code: 'no_texts_selected' });
    let changed = 0;
    for (let i = 0; i < chosen.length; i += 100) {
      const batch = chosen.slice(i, i + 100);
      const answer = await api('POST', surveyPath(s.id, '/texts/publication'), {
        answer_ids: batch.map((p) => p.value), published,
      });
      changed += answer.changed;
      for (const p of batch) {
        markItem(p.closest('li'), published);
        p.checked = false;
      }
    }
    update();
    const done = published ? 'survey_texts.done_published' : 'survey_texts.done_withdrawn';
    flash(() => (changed ? plural(done, changed, { n: formatNumber(changed) }) : t('survey_texts.none_changed')),
      'success');
  });
  publish.addEventListener('click', () => act(true));
  withdraw.addEventListener('click', () => act(false));

  const more = await loadMore((cursor) => fetchTexts(s.id, { cursor, limit: 50, signal }), (items) => {
    const added = items.map((a) => textItem(a, promptOf));
    list.append(...added);
    const any = list.children.length > 0;
    none.hidden = any;
    bar.hidden = !any;
    update();
    return added[0];
  });
  return panel(id, heading,
    h('p', { class: 'hint' }, t('survey_texts.intro')),
    h('p', { class: 'hint' }, t('survey_texts.masking_note')),
    bar, list, none, more);
}
