// The survey after an open day, answered once and anonymously by someone who came: ratings,
// a 0–10 recommendation score, choices and free text, made for a phone.

import { idempotentSender } from '../api.js';
import { t, plural } from '../i18n.js';
import {
  h, append, field, flash, clearFlash, errorMessage, fieldErrorText, namedFieldError, setFieldError,
  clearFieldErrors, setBusy, rangeEl, breadcrumb,
} from '../ui.js';
import { formatDate } from '../format.js';
import { eventHash, fetchEvent } from '../events.js';
import {
  surveyHash, surveyPath, fetchSurvey, surveyState, closedNotice, answered, cameToIt,
  refusalText,
} from '../surveys.js';

export const name = 'survey';
export const title = 'survey.page_title';
export const requiresLogin = true;

const MAX_TEXT = 2000;
const RATINGS = [1, 2, 3, 4, 5];
const SCORES = Array.from({ length: 11 }, (_, i) => i);

// The element of a question that carries its error (`${id}-error` is its slot).
function questionId(q) {
  return `question-${q.position}`;
}

function prompt(q) {
  return [`${q.position}. `, q.prompt, q.required && h('span', { class: 'required-mark' }, t('survey.required'))];
}

// A radio or checkbox inside its label, so the whole row is a target for a finger.
function choice(q, type, value, ...text) {
  return h('label', { class: 'choice' },
    h('input', {
      type, id: `${questionId(q)}-${value}`, name: questionId(q), value,
    }),
    h('span', { class: 'choice-text' }, text));
}

// A group of choices under the question as its legend; optional single answers can be cleared
// again (a radio cannot be unticked).
function choiceGroup(q, { type = 'radio', hint, className = '' }, choices) {
  const id = questionId(q);
  const clear = type === 'radio' && !q.required && h('button', {
    type: 'button', class: 'button-link choice-clear', hidden: true,
    onclick: (event) => {
      for (const input of fieldset.querySelectorAll('input')) input.checked = false;
      event.currentTarget.hidden = true;
      fieldset.querySelector('input').focus();
    },
  }, t('survey.clear_choice'));
  const fieldset = h('fieldset', {
    id, class: `question ${className}`.trim(), 'aria-describedby': hint ? `${id}-hint` : null,
    dataset: { kind: q.kind },
  },
  h('legend', {}, prompt(q)),
  hint && h('p', { class: 'hint', id: `${id}-hint` }, hint),
  h('p', { class: 'field-error', id: `${id}-error` }),
  h('div', { class: 'choices' }, choices),
  clear);
  if (clear) fieldset.addEventListener('input', () => { clear.hidden = !fieldset.querySelector('input:checked'); });
  return fieldset;
}

function ratingQuestion(q) {
  return choiceGroup(q, { className: 'scale-rating' }, RATINGS.map((v) => choice(q, 'radio', v,
    h('span', { class: 'scale-value' }, String(v)), ' ', h('span', { class: 'scale-text' }, t(`rating.${v}`)))));
}

// 0–10 with its ends named in the hint and, for screen readers, on the ends themselves.
function npsQuestion(q) {
  const end = (v) => (v === 0 || v === 10) && h('span', { class: 'visually-hidden' }, t(`survey.nps_${v}`));
  return choiceGroup(q, { className: 'scale-nps', hint: t('survey.nps_hint') }, SCORES.map((v) => choice(q, 'radio', v,
    h('span', { class: 'scale-value' }, String(v)), end(v))));
}

function optionsQuestion(q, type) {
  return choiceGroup(q, {
    type, hint: type === 'checkbox' ? t('survey.choose_any') : null,
  }, (q.options || []).map((o, i) => choice(q, type, i, o)));
}

// Characters as the server counts them (code points, not UTF-16 units).
function length(text) {
  return [...text.replace(/\r\n?/g, '\n')].length;
}

function textQuestion(q) {
  const id = questionId(q);
  const wrap = field({
    id, name: id, tag: 'textarea', rows: 5, label: prompt(q), hint: t('survey.text_hint', { n: MAX_TEXT }),
  });
  const count = h('p', { class: 'hint char-count', id: `${id}-count` });
  const textarea = wrap.querySelector('textarea');
  textarea.setAttribute('aria-describedby', `${id}-hint ${id}-count`);
  // Not a limit that stops typing: the server names text too long, like any other rule.
  const show = () => {
    const left = MAX_TEXT - length(textarea.value);
    count.textContent = left >= 0 ? plural('survey.chars_left', left) : plural('survey.chars_over', -left);
    count.classList.toggle('char-count-over', left < 0);
  };
  textarea.addEventListener('input', show);
  show();
  wrap.classList.add('question');
  wrap.dataset.kind = q.kind;
  return append(wrap, count);
}

function questionField(q) {
  switch (q.kind) {
    case 'rating': return ratingQuestion(q);
    case 'nps': return npsQuestion(q);
    case 'single_choice': return optionsQuestion(q, 'radio');
    case 'multiple_choice': return optionsQuestion(q, 'checkbox');
    default: return textQuestion(q);
  }
}

// The answer the form holds for a question, or null when it is left blank.
function answerOf(form, q) {
  const id = questionId(q);
  const ticked = [...form.querySelectorAll(`input[name="${id}"]:checked`)].map((i) => Number(i.value));
  switch (q.kind) {
    case 'multiple_choice': return ticked.length ? { question_id: q.id, choices: ticked } : null;
    case 'free_text': {
      const text = form.elements.namedItem(id).value.replace(/\r\n?/g, '\n');
      return text.trim() ? { question_id: q.id, text } : null;
    }
    default: return ticked.length ? { question_id: q.id, value: ticked[0] } : null;
  }
}

// The question a field error is about: `answers[i]…` is the i-th answer sent, `questions[k]`
// the k-th question.
function questionOf(errorField, sent, questions) {
  const answer = /^answers\[(\d+)\]/.exec(errorField || '');
  if (answer) return sent[Number(answer[1])] || null;
  const question = /^questions\[(\d+)\]/.exec(errorField || '');
  if (!question) return null;
  const k = Number(question[1]);
  return questions.find((q) => q.position === k + 1) || questions[k] || null;
}

// The survey's own words where the generic ones fit a question badly.
function errorText(error) {
  if (error.code === 'required') return t('survey.required_answer');
  if (error.code === 'too_long' && error.params?.max != null) return t('survey.too_long', { n: error.params.max });
  return fieldErrorText(error);
}

// Each field error next to its question; answers the first question's element in the form's
// order. Errors about no question go to the summary, named.
function showErrors(form, err, sent, questions) {
  const byQuestion = new Map();
  const unmatched = [];
  for (const error of err.errors) {
    const q = questionOf(error.field, sent, questions);
    if (q) byQuestion.set(q, [...(byQuestion.get(q) || []), error]);
    else unmatched.push(error);
  }
  for (const [q, errors] of byQuestion) {
    setFieldError(form.querySelector(`#${questionId(q)}`), () => errors.map(errorText).join(' '));
  }
  flash(() => [
    byQuestion.size ? plural('survey.check_questions', byQuestion.size) : errorMessage(err),
    ...unmatched.map((e) => namedFieldError(e, (name) => name)),
  ].join(' '), 'error');
  const first = questions.find((q) => byQuestion.has(q));
  return first && form.querySelector(`#${questionId(first)}`);
}

// The element to put the focus on for a question: its textarea, or its ticked / first choice.
function focusTarget(el) {
  if (!el || el.tagName !== 'FIELDSET') return el;
  return el.querySelector('input:checked') || el.querySelector('input');
}

function thanks(receipt, e) {
  return [
    h('p', { class: 'receipt-title' }, t('survey.thanks_title')),
    h('p', {}, t('survey.thanks_anonymous', { date: formatDate(receipt.submitted_on) })),
    h('p', {}, t('survey.thanks_results')),
    h('p', {}, h('a', { id: 'survey-back', href: eventHash(e.id) }, t('survey.back_to_event'))),
  ];
}

// A refusal the form cannot fix (did not come, already answered, closed) replaces the form.
function refusal(text, s, e) {
  return [
    h('p', {}, text),
    s.results_published && h('p', {}, h('a', { href: surveyHash(e.id, '/results') }, t('survey.see_results'))),
    h('p', {}, h('a', { href: eventHash(e.id) }, t('survey.back_to_event'))),
  ];
}

// The intro, the questions and the submit button; the answer to the submit replaces them.
function surveyForm(s, e) {
  const intro = h('div', { class: 'survey-intro' },
    h('p', {}, t('survey.intro')),
    h('p', {}, t('survey.window_open', { closes: formatDate(s.closes_at, { time: true }) })),
    s.questions.some((q) => q.required) && h('p', {}, t('survey.required_note')));
  const outcome = h('div', {
    id: 'survey-outcome', class: 'receipt', tabindex: -1, hidden: true,
  });
  const questions = [...s.questions].sort((a, b) => a.position - b.position);
  const form = h('form', { id: 'survey-form', class: 'form form-wide survey-form', 'aria-labelledby': 'survey-title' },
    questions.map(questionField),
    h('p', { class: 'hint' }, t('survey.final')),
    h('button', { type: 'submit', id: 'survey-submit', class: 'button' }, t('survey.submit')));
  const send = idempotentSender('POST', surveyPath(s.id, '/responses'));
  const finish = (content, kind) => {
    outcome.replaceChildren();
    append(outcome, content);
    outcome.className = `receipt survey-outcome-${kind}`;
    outcome.hidden = false;
    form.hidden = true;
    intro.hidden = true;
    outcome.focus();
  };

  form.noValidate = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return; // no double submit
    clearFlash();
    clearFieldErrors(form);
    const given = questions.map((q) => [q, answerOf(form, q)]).filter(([, a]) => a);
    const sent = given.map(([q]) => q);
    setBusy(form, true);
    try {
      const receipt = await send({ answers: given.map(([, a]) => a) });
      setBusy(form, false);
      flash(() => t('flash.survey_sent'), 'success');
      finish(thanks(receipt, e), 'thanks');
    } catch (err) {
      setBusy(form, false);
      if (err.name === 'AbortError') return;
      const refused = refusalText(err, s);
      if (refused) {
        flash(() => t('survey.not_sent'), 'error');
        finish(refusal(refused, s, e), 'refused');
        return;
      }
      const first = err.errors.length ? showErrors(form, err, sent, questions) : null;
      if (!first) flash(() => errorMessage(err), 'error');
      (focusTarget(first) || form.querySelector('button[type="submit"]'))?.focus();
    }
  });
  return [outcome, intro, form];
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const [e, s] = await Promise.all([fetchEvent(id, signal), fetchSurvey(id, signal)]);
  root.append(breadcrumb(eventHash(id), e.title));
  if (!s) {
    root.append(h('h1', { id: 'survey-title' }, t('survey.page_title')),
      h('p', { class: 'notice notice-plain', id: 'survey-missing' }, t('survey.none')));
    return;
  }
  const resultsLink = s.results_published && h('p', {},
    h('a', { id: 'survey-results-link', href: surveyHash(id, '/results') }, t('survey.see_results')));
  append(root,
    h('h1', { id: 'survey-title' }, s.title),
    h('p', { class: 'meta' }, t('survey.about'), rangeEl(e.starts_at, e.ends_at)));
  if (surveyState(s) !== 'open') {
    append(root, closedNotice(s), resultsLink);
  } else if (answered(s)) {
    append(root, h('div', { class: 'notice notice-open', id: 'survey-answered' },
      h('p', {}, t('survey.answered_here'))), resultsLink);
  } else if (!cameToIt(s)) {
    // Spare a form the server would refuse (403 not_an_attendee).
    append(root, h('div', { class: 'notice notice-plain', id: 'survey-attendees-only' },
      h('p', {}, t('error.not_an_attendee'))), resultsLink);
  } else {
    append(root, surveyForm(s, e));
  }
}
