//! The rules of surveys, as plain functions over plain values: what each kind of question
//! takes, when a survey takes answers, and the figures computed from counts. Counts are kept
//! as named counters (`responses`, `q3`, `q3=5`), the same whether they come from the
//! database or, one response at a time, from the cache.

use std::{collections::HashMap, ops::RangeInclusive};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::dto::{NewAnswer, NewQuestion, QuestionKind, QuestionResult, SurveyState, ValueCount};
use crate::{
    error::{Error, FieldCode, FieldError, Result},
    input,
};

/// Below this many responses the results show counts only: a breakdown of three answers
/// could tell who gave which.
pub const MIN_RESPONSES_FOR_BREAKDOWN: u64 = 5;
const MIN_OPTIONS: usize = 2;
const MAX_OPTION_LENGTH: usize = 200;

/// A question as the rules see it.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Question {
    pub id: Uuid,
    pub position: i32,
    pub kind: QuestionKind,
    pub required: bool,
    pub options: Vec<String>,
}

/// An answer that has passed the checks, as it is stored.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A rating, a score or one option's index.
    Value(i32),
    /// Options' indexes, each once.
    Values(Vec<i32>),
    Text(String),
}

impl QuestionKind {
    /// The values an answer may hold, for a question with `options` options; none for text.
    pub fn values(self, options: usize) -> Option<RangeInclusive<i32>> {
        let last_option = i32::try_from(options).unwrap_or(i32::MAX) - 1;
        match self {
            QuestionKind::Rating => Some(1..=5),
            QuestionKind::Nps => Some(0..=10),
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice => Some(0..=last_option),
            QuestionKind::FreeText => None,
        }
    }

    fn is_choice(self) -> bool {
        matches!(
            self,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        )
    }
}

/// When a survey takes answers: from `opens_at` (inclusive) to `closes_at` (exclusive).
#[derive(Clone, Copy, Debug)]
pub struct AnswerWindow {
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

impl AnswerWindow {
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.state(now) == SurveyState::Open
    }

    pub fn state(&self, now: DateTime<Utc>) -> SurveyState {
        if now < self.opens_at {
            SurveyState::NotYetOpen
        } else if now < self.closes_at {
            SurveyState::Open
        } else {
            SurveyState::Closed
        }
    }

    /// The window of a survey about an event starting at `event_starts_at`: it opens no
    /// earlier than the event starts (nobody has come before), and closes after it opens.
    pub fn check(&self, event_starts_at: DateTime<Utc>) -> Result<()> {
        if self.opens_at < event_starts_at {
            return Err(FieldError::new(
                "opens_at",
                FieldCode::MustBeAfter,
                "the survey opens once the event has started",
            )
            .other_field("starts_at")
            .into());
        }
        if self.closes_at <= self.opens_at {
            return Err(FieldError::new(
                "closes_at",
                FieldCode::MustBeAfter,
                "the survey must close after it opens",
            )
            .other_field("opens_at")
            .into());
        }
        Ok(())
    }
}

/// Whether a person may answer now: the survey is open, they came (their signup was checked
/// in), and they have not answered yet.
pub fn admit(window: AnswerWindow, now: DateTime<Utc>, came: bool, answered: bool) -> Result<()> {
    if !window.is_open(now) {
        return Err(Error::conflict(
            "survey_not_open",
            "the survey takes answers only while it is open",
        ));
    }
    if !came {
        return Err(Error::Refused {
            code: "not_an_attendee",
            detail: "only people checked in at the event answer its survey".into(),
        });
    }
    if answered {
        return Err(Error::conflict(
            "already_answered",
            "each person answers a survey once",
        ));
    }
    Ok(())
}

/// Whether staff may publish the results now: once the survey has closed. Results that
/// went on changing in public would let anyone who saw them before and after a person
/// answered tell what that person said.
pub fn may_publish(window: AnswerWindow, now: DateTime<Utc>) -> Result<()> {
    match window.state(now) {
        SurveyState::Closed => Ok(()),
        _ => Err(Error::conflict(
            "survey_still_open",
            "results are published once the survey has closed",
        )),
    }
}

/// Whether a survey may take this window: once its results are public it stays closed, or
/// the public figures would move as people answered (see `may_publish`).
pub fn may_change_window(
    results_published: bool,
    window: AnswerWindow,
    now: DateTime<Utc>,
) -> Result<()> {
    if results_published && window.state(now) != SurveyState::Closed {
        return Err(Error::conflict(
            "results_published",
            "a survey whose results are public stays closed",
        ));
    }
    Ok(())
}

/// Whether the questions may still change: only before the first response, whose figures a
/// change would corrupt.
pub fn may_change_questions(responses: i32) -> Result<()> {
    if responses > 0 {
        return Err(Error::conflict(
            "questions_frozen",
            "the questions cannot change once someone has answered",
        ));
    }
    Ok(())
}

/// Whether a survey's results (and free text) can be read: by the host department's staff
/// always, by everyone once published; unpublished ones read as missing, as a draft does.
pub fn results_readable(published: bool, staff: bool) -> Result<()> {
    if published || staff {
        Ok(())
    } else {
        Err(Error::NotFound("published results"))
    }
}

/// Who reads which free-text answers: staff all of them; the public the published ones, once
/// the results are public and there are responses enough that none tells who wrote it.
pub fn public_texts_shown(results_published: bool, responses: u64) -> bool {
    results_published && responses >= MIN_RESPONSES_FOR_BREAKDOWN
}

/// Checks the questions staff wrote; returns them with their labels trimmed.
pub fn check_questions(questions: &[NewQuestion]) -> Result<Vec<NewQuestion>> {
    let mut errors = Vec::new();
    let mut checked = Vec::with_capacity(questions.len());
    for (i, q) in questions.iter().enumerate() {
        let field = |name: &str| format!("questions[{i}].{name}");
        let prompt = input::single_line(&field("prompt"), &q.prompt);
        // Options as they are stored: one line each, so that labels differing only in
        // spacing are the same label.
        let options: Vec<String> = q
            .options
            .iter()
            .flatten()
            .enumerate()
            .map(|(j, o)| {
                input::single_line(&format!("questions[{i}].options[{j}]"), o)
                    .unwrap_or_else(|_| o.trim().to_string())
            })
            .collect();
        match (q.kind.is_choice(), q.options.is_some()) {
            (true, _) if options.len() < MIN_OPTIONS => errors.push(
                FieldError::new(
                    field("options"),
                    FieldCode::TooShort,
                    "a choice needs options",
                )
                .min(MIN_OPTIONS as i64),
            ),
            (false, true) => errors.push(FieldError::new(
                field("options"),
                FieldCode::Invalid,
                "only a choice has options",
            )),
            _ => {}
        }
        for (j, option) in options.iter().enumerate() {
            let option_field = format!("questions[{i}].options[{j}]");
            if let Err(err) = input::single_line(&option_field, option) {
                errors.push(err);
            } else if options[..j].contains(option) {
                errors.push(FieldError::new(
                    option_field,
                    FieldCode::Invalid,
                    "an option given twice (its answers could not be told apart)",
                ));
            } else if option.chars().count() > MAX_OPTION_LENGTH {
                errors.push(
                    FieldError::new(option_field, FieldCode::TooLong, "an option is too long")
                        .max(MAX_OPTION_LENGTH as i64),
                );
            }
        }
        match prompt {
            Ok(prompt) => checked.push(NewQuestion {
                prompt,
                options: q.kind.is_choice().then_some(options),
                ..q.clone()
            }),
            Err(err) => errors.push(err),
        }
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Checks a response against the survey's questions: each answer fits its question's kind,
/// no question is answered twice, every required one is answered.
pub fn check_answers(questions: &[Question], answers: &[NewAnswer]) -> Result<Vec<(Uuid, Answer)>> {
    let mut errors = Vec::new();
    let mut checked: Vec<(Uuid, Answer)> = Vec::with_capacity(answers.len());
    let mut attempted: Vec<Uuid> = Vec::with_capacity(answers.len());
    // Questions whose answer was refused: a required one is then not also reported missing.
    let mut refused: Vec<Uuid> = Vec::new();
    for (i, a) in answers.iter().enumerate() {
        let field = |name: &str| format!("answers[{i}].{name}");
        let Some(question) = questions.iter().find(|q| q.id == a.question_id) else {
            errors.push(FieldError::new(
                field("question_id"),
                FieldCode::NotFound,
                "no such question in this survey",
            ));
            continue;
        };
        if attempted.contains(&question.id) {
            errors.push(FieldError::new(
                field("question_id"),
                FieldCode::Invalid,
                "this question is answered twice",
            ));
            continue;
        }
        attempted.push(question.id);
        match answer(question, a, &field) {
            Ok(Some(answer)) => checked.push((question.id, answer)),
            Ok(None) => {}
            Err(err) => {
                refused.push(question.id);
                errors.push(err);
            }
        }
    }
    for q in questions.iter().filter(|q| q.required) {
        if !checked.iter().any(|(id, _)| *id == q.id) && !refused.contains(&q.id) {
            errors.push(FieldError::new(
                format!("questions[{}]", q.position - 1),
                FieldCode::Required,
                format!("question {} needs an answer", q.position),
            ));
        }
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(Error::Invalid(errors))
    }
}

/// One answer checked against its question; `None` when it is empty (a question skipped).
fn answer(
    question: &Question,
    given: &NewAnswer,
    field: &dyn Fn(&str) -> String,
) -> Result<Option<Answer>, FieldError> {
    let wrong_shape = |name: &str| {
        FieldError::new(
            field(name),
            FieldCode::Invalid,
            format!(
                "a {} question is not answered with `{name}`",
                kind_name(question.kind)
            ),
        )
    };
    let in_range = |value: i32, name: String| -> Result<i32, FieldError> {
        let range = question
            .kind
            .values(question.options.len())
            .expect("a question with values");
        if range.contains(&value) {
            Ok(value)
        } else {
            Err(FieldError::new(
                name,
                FieldCode::OutOfRange,
                "not one of the question's values",
            )
            .min(i64::from(*range.start()))
            .max(i64::from(*range.end())))
        }
    };
    match question.kind {
        QuestionKind::Rating | QuestionKind::Nps | QuestionKind::SingleChoice => {
            if given.choices.is_some() {
                return Err(wrong_shape("choices"));
            }
            if given.text.is_some() {
                return Err(wrong_shape("text"));
            }
            given
                .value
                .map(|v| in_range(v, field("value")).map(Answer::Value))
                .transpose()
        }
        QuestionKind::MultipleChoice => {
            if given.value.is_some() {
                return Err(wrong_shape("value"));
            }
            if given.text.is_some() {
                return Err(wrong_shape("text"));
            }
            let Some(choices) = given.choices.as_ref().filter(|c| !c.is_empty()) else {
                return Ok(None);
            };
            let mut values = Vec::with_capacity(choices.len());
            for (j, &choice) in choices.iter().enumerate() {
                let value = in_range(choice, format!("{}[{j}]", field("choices")))?;
                if values.contains(&value) {
                    return Err(FieldError::new(
                        format!("{}[{j}]", field("choices")),
                        FieldCode::Invalid,
                        "an option is chosen twice",
                    ));
                }
                values.push(value);
            }
            values.sort_unstable();
            Ok(Some(Answer::Values(values)))
        }
        QuestionKind::FreeText => {
            if given.value.is_some() {
                return Err(wrong_shape("value"));
            }
            if given.choices.is_some() {
                return Err(wrong_shape("choices"));
            }
            input::optional_text(&field("text"), given.text.as_deref())
                .map(|text| text.map(Answer::Text))
        }
    }
}

fn kind_name(kind: QuestionKind) -> String {
    crate::enums::name(kind).replace('_', " ")
}

/// Counters of one survey, by name.
pub type Counts = HashMap<String, i64>;

pub const RESPONSES: &str = "responses";

/// The counter of how many answered the question at `position`.
pub fn answered_counter(position: i32) -> String {
    format!("q{position}")
}

/// The counter of how many gave `value` to the question at `position`.
pub fn value_counter(position: i32, value: i32) -> String {
    format!("q{position}={value}")
}

/// One stored answer row: its question, and a value or a text (a multiple choice has a row
/// per option chosen).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub question_id: Uuid,
    pub value: Option<i32>,
    pub text: Option<String>,
}

/// The rows a response's answers are stored as.
pub fn rows(answers: Vec<(Uuid, Answer)>) -> Vec<Row> {
    let row = |question_id, value, text| Row {
        question_id,
        value,
        text,
    };
    answers
        .into_iter()
        .flat_map(|(question_id, answer)| match answer {
            Answer::Value(v) => vec![row(question_id, Some(v), None)],
            Answer::Values(vs) => vs
                .into_iter()
                .map(|v| row(question_id, Some(v), None))
                .collect(),
            Answer::Text(text) => vec![row(question_id, None, Some(text))],
        })
        .collect()
}

/// What one response (its stored rows) adds to the counters. The database's grouped count
/// (`service::counts_from_database`) is the same sum over every response.
pub fn increments(questions: &[Question], rows: &[Row]) -> Vec<(String, i64)> {
    let mut adds = vec![(RESPONSES.to_string(), 1)];
    for q in questions {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.question_id == q.id).collect();
        if mine.is_empty() {
            continue;
        }
        adds.push((answered_counter(q.position), 1));
        adds.extend(
            mine.iter()
                .filter_map(|r| r.value)
                .map(|v| (value_counter(q.position, v), 1)),
        );
    }
    adds
}

/// One question's answer in a row of the export: the value, an option's label (several
/// joined by `；`), or the text; empty when skipped.
pub fn cell<'a>(
    question: &Question,
    given: impl Iterator<Item = (Option<i32>, Option<&'a str>)>,
) -> String {
    let parts: Vec<String> = given
        .map(|(value, text)| match (value, text) {
            (_, Some(text)) => text.to_string(),
            (Some(v), None) if question.kind.is_choice() => usize::try_from(v)
                .ok()
                .and_then(|i| question.options.get(i))
                .cloned()
                .unwrap_or_else(|| v.to_string()),
            (Some(v), None) => v.to_string(),
            (None, None) => String::new(),
        })
        .collect();
    parts.join("；")
}

/// The figures of each question from the counters; with fewer than
/// `MIN_RESPONSES_FOR_BREAKDOWN` responses, the counts only.
pub fn figures(questions: &[(Question, String)], counts: &Counts) -> Vec<QuestionResult> {
    let count = |name: &str| u64::try_from(counts.get(name).copied().unwrap_or(0)).unwrap_or(0);
    let breakdown = count(RESPONSES) >= MIN_RESPONSES_FOR_BREAKDOWN;
    questions
        .iter()
        .map(|(q, prompt)| {
            let answered = count(&answered_counter(q.position));
            let distribution: Option<Vec<ValueCount>> = q
                .kind
                .values(q.options.len())
                .filter(|_| breakdown)
                .map(|values| {
                    values
                        .map(|value| ValueCount {
                            value,
                            label: usize::try_from(value)
                                .ok()
                                .and_then(|i| q.options.get(i))
                                .cloned(),
                            count: count(&value_counter(q.position, value)),
                        })
                        .collect()
                });
            let stats = distribution
                .as_deref()
                .filter(|_| answered > 0)
                .map(|d| Stats::of(d, answered));
            QuestionResult {
                question_id: q.id,
                position: q.position,
                kind: q.kind,
                prompt: prompt.clone(),
                answered,
                mean: stats
                    .as_ref()
                    .filter(|_| q.kind == QuestionKind::Rating)
                    .map(|s| round(s.mean, 2)),
                csat: stats
                    .as_ref()
                    .filter(|_| q.kind == QuestionKind::Rating)
                    .map(|s| round(s.share(4..=5), 1)),
                nps: stats
                    .as_ref()
                    .filter(|_| q.kind == QuestionKind::Nps)
                    .map(|s| round(s.share(9..=10) - s.share(0..=6), 1)),
                distribution,
            }
        })
        .collect()
}

/// A distribution's mean and shares.
struct Stats<'a> {
    distribution: &'a [ValueCount],
    answered: u64,
    mean: f64,
}

impl<'a> Stats<'a> {
    fn of(distribution: &'a [ValueCount], answered: u64) -> Self {
        let sum: f64 = distribution
            .iter()
            .map(|v| f64::from(v.value) * v.count as f64)
            .sum();
        Self {
            distribution,
            answered,
            mean: sum / answered as f64,
        }
    }

    /// Percent of the answers with a value in `values`.
    fn share(&self, values: RangeInclusive<i32>) -> f64 {
        let within: u64 = self
            .distribution
            .iter()
            .filter(|v| values.contains(&v.value))
            .map(|v| v.count)
            .sum();
        percent(within, self.answered)
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole as f64
}

/// Responses per signup checked in, in percent to one decimal.
pub fn response_rate(responses: u64, checked_in: u64) -> Option<f64> {
    (checked_in > 0).then(|| round(percent(responses, checked_in), 1))
}

/// The rating that stands for how satisfied people were: a survey's first rating question
/// (the template's "overall satisfaction").
pub fn overall<'a>(questions: impl IntoIterator<Item = &'a Question>) -> Option<&'a Question> {
    questions
        .into_iter()
        .filter(|q| q.kind == QuestionKind::Rating)
        .min_by_key(|q| q.position)
}

/// The lowest rating that counts as satisfied (CSAT: ratings of 4 or 5).
pub const SATISFIED_FROM: i32 = 4;

/// Overall-satisfaction ratings summed: enough for their mean and CSAT, and to add up
/// across events, themes and departments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Satisfaction {
    pub answered: u64,
    pub sum: u64,
    /// Ratings of 4 or 5.
    pub satisfied: u64,
}

impl Satisfaction {
    pub fn add(&mut self, other: Satisfaction) {
        self.answered += other.answered;
        self.sum += other.sum;
        self.satisfied += other.satisfied;
    }

    /// The mean rating, to two decimals.
    pub fn mean(&self) -> Option<f64> {
        (self.answered > 0).then(|| round(self.sum as f64 / self.answered as f64, 2))
    }

    /// Percent of ratings of 4 or 5, to one decimal.
    pub fn csat(&self) -> Option<f64> {
        (self.answered > 0).then(|| round(percent(self.satisfied, self.answered), 1))
    }
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn question(position: i32, kind: QuestionKind, options: usize) -> Question {
        Question {
            id: Uuid::from_u128(position as u128),
            position,
            kind,
            required: position == 1,
            options: (0..options).map(|i| format!("option {i}")).collect(),
        }
    }

    fn code(err: Error) -> &'static str {
        match err {
            Error::Conflict { code, .. } | Error::Refused { code, .. } => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_survey_takes_answers_from_its_opening_until_its_close_from_those_who_came_once() {
        let opens_at = Utc.with_ymd_and_hms(2021, 10, 17, 10, 0, 0).unwrap();
        let window = AnswerWindow {
            opens_at,
            closes_at: opens_at + Duration::days(14),
        };
        let second = Duration::seconds(1);
        assert!(admit(window, opens_at, true, false).is_ok());
        assert!(admit(window, window.closes_at - second, true, false).is_ok());
        for early_or_late in [opens_at - second, window.closes_at] {
            assert_eq!(
                code(admit(window, early_or_late, true, false).unwrap_err()),
                "survey_not_open"
            );
        }
        assert_eq!(
            code(admit(window, opens_at, false, false).unwrap_err()),
            "not_an_attendee"
        );
        assert_eq!(
            code(admit(window, opens_at, true, true).unwrap_err()),
            "already_answered"
        );
        let starts_at = opens_at - Duration::hours(2);
        assert!(window.check(starts_at).is_ok());
        assert!(AnswerWindow {
            opens_at,
            closes_at: opens_at
        }
        .check(starts_at)
        .is_err());
        let before_the_event = AnswerWindow {
            opens_at: starts_at - second,
            ..window
        };
        assert!(before_the_event.check(starts_at).is_err());
    }

    #[test]
    fn results_go_public_once_closed_and_questions_change_only_before_the_first_answer() {
        let opens_at = Utc.with_ymd_and_hms(2021, 10, 17, 10, 0, 0).unwrap();
        let window = AnswerWindow {
            opens_at,
            closes_at: opens_at + Duration::days(14),
        };
        for still_open in [
            opens_at - Duration::days(1),
            opens_at,
            window.closes_at - Duration::seconds(1),
        ] {
            assert_eq!(
                code(may_publish(window, still_open).unwrap_err()),
                "survey_still_open"
            );
        }
        assert!(may_publish(window, window.closes_at).is_ok());

        let reopened = AnswerWindow {
            closes_at: window.closes_at + Duration::days(1),
            ..window
        };
        assert!(may_change_window(false, reopened, window.closes_at).is_ok());
        assert_eq!(
            code(may_change_window(true, reopened, window.closes_at).unwrap_err()),
            "results_published"
        );
        assert!(may_change_window(true, window, window.closes_at).is_ok());

        assert!(may_change_questions(0).is_ok());
        assert_eq!(
            code(may_change_questions(1).unwrap_err()),
            "questions_frozen"
        );

        assert!(
            !public_texts_shown(false, 100),
            "not before the results are public"
        );
        assert!(!public_texts_shown(true, MIN_RESPONSES_FOR_BREAKDOWN - 1));
        assert!(public_texts_shown(true, MIN_RESPONSES_FOR_BREAKDOWN));
    }

    #[test]
    fn values_are_bounded_by_kind() {
        assert_eq!(QuestionKind::Rating.values(0), Some(1..=5));
        assert_eq!(QuestionKind::Nps.values(0), Some(0..=10));
        assert_eq!(QuestionKind::SingleChoice.values(3), Some(0..=2));
        assert_eq!(QuestionKind::FreeText.values(0), None);
    }

    #[test]
    fn figures_follow_from_the_counts_of_each_response() {
        let questions = [
            question(1, QuestionKind::Rating, 0),
            question(2, QuestionKind::Nps, 0),
            question(3, QuestionKind::MultipleChoice, 3),
        ];
        let mut counts = Counts::new();
        let responses: [(i32, i32, &[i32]); 5] = [
            (5, 10, &[0, 1]),
            (4, 9, &[0]),
            (3, 6, &[]),
            (1, 0, &[2]),
            (5, 7, &[0, 2]),
        ];
        for (rating, score, choices) in responses {
            let mut answers = vec![
                (questions[0].id, Answer::Value(rating)),
                (questions[1].id, Answer::Value(score)),
            ];
            if !choices.is_empty() {
                answers.push((questions[2].id, Answer::Values(choices.to_vec())));
            }
            for (name, n) in increments(&questions, &rows(answers)) {
                *counts.entry(name).or_default() += n;
            }
        }
        let with_prompts: Vec<(Question, String)> = questions
            .iter()
            .map(|q| (q.clone(), String::new()))
            .collect();
        let shown = figures(&with_prompts, &counts);
        assert_eq!(shown[0].answered, 5);
        assert_eq!(shown[0].mean, Some(3.6), "18 / 5");
        assert_eq!(shown[0].csat, Some(60.0), "3 of 5 gave 4 or 5");
        assert_eq!(shown[1].nps, Some(0.0), "2 promoters, 2 detractors");
        let chosen: Vec<u64> = shown[2]
            .distribution
            .as_ref()
            .unwrap()
            .iter()
            .map(|v| v.count)
            .collect();
        assert_eq!((shown[2].answered, chosen), (4, vec![3, 1, 2]));

        counts.insert(RESPONSES.into(), 4);
        assert!(
            figures(&with_prompts, &counts)
                .iter()
                .all(|f| f.distribution.is_none() && f.mean.is_none()),
            "four responses show counts only"
        );
        assert_eq!(response_rate(3, 8), Some(37.5));
        assert_eq!(response_rate(0, 0), None);
    }
}
