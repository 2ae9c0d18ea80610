//! Request and response objects of the surveys API.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use poem_openapi::{types::Example, Enum, Object};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::timestamp::Timestamp;

fn example_id(n: u128) -> Uuid {
    Uuid::from_u128(0x017c_3b2a_1d0e_7f6a_8b9c_0000_0000_0100 + n)
}

fn example_time(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 10, day, 8, 0, 0).unwrap()
}

/// What a question asks for.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// `value` 1–5 (5 best).
    Rating,
    /// `value` 0–10: how likely the person is to recommend it.
    Nps,
    /// `value`: the index of one of `options`.
    SingleChoice,
    /// `choices`: the indexes of one or more of `options`.
    MultipleChoice,
    /// `text`, at most 2,000 characters.
    FreeText,
}

/// Where a survey stands now.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum SurveyState {
    /// It opens at `opens_at` (the end of the event by default).
    NotYetOpen,
    Open,
    /// Past `closes_at`.
    Closed,
}

/// The survey as it concerns the person asking.
#[derive(Object, Debug)]
pub struct SurveyCaller {
    /// Their signup was checked in at the event, so they may answer.
    pub came: bool,
    /// They have answered (what they answered is not kept with them).
    pub answered: bool,
}

/// A question as staff write it.
#[derive(Object, Debug, Clone)]
#[oai(example)]
pub struct NewQuestion {
    pub kind: QuestionKind,
    #[oai(validator(min_length = 1, max_length = 500))]
    pub prompt: String,
    #[oai(default)]
    pub required: bool,
    /// For a choice, 2–20 labels, each at most 200 characters.
    #[oai(validator(max_items = 20))]
    pub options: Option<Vec<String>>,
}

impl Example for NewQuestion {
    fn example() -> Self {
        Self {
            kind: QuestionKind::Rating,
            prompt: "您对本次活动的总体满意度".into(),
            required: true,
            options: None,
        }
    }
}

/// A survey about an open day.
#[derive(Object, Debug)]
#[oai(example)]
pub struct NewSurvey {
    /// Defaults to "<event title> 活动评价".
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    /// Defaults to the end of the event.
    pub opens_at: Option<DateTime<Utc>>,
    /// Defaults to 14 days after it opens.
    pub closes_at: Option<DateTime<Utc>>,
    /// 1–30 questions in order; left out, the district template's questions are copied.
    #[oai(validator(min_items = 1, max_items = 30))]
    pub questions: Option<Vec<NewQuestion>>,
}

impl Example for NewSurvey {
    fn example() -> Self {
        Self {
            title: None,
            opens_at: None,
            closes_at: Some(example_time(31)),
            questions: None,
        }
    }
}

/// What staff change in a survey: any of its title, its window and, until the first
/// response arrives, its questions.
#[derive(Object, Debug)]
#[oai(example)]
pub struct SurveyChanges {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    /// The new questions in order, replacing the old (`409 questions_frozen` once someone
    /// has answered: a change would corrupt the figures).
    #[oai(validator(min_items = 1, max_items = 30))]
    pub questions: Option<Vec<NewQuestion>>,
}

impl Example for SurveyChanges {
    fn example() -> Self {
        Self {
            title: None,
            opens_at: None,
            closes_at: Some(example_time(31)),
            questions: None,
        }
    }
}

/// A question of a survey.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Question {
    pub id: Uuid,
    /// 1, 2, … in the order asked.
    pub position: i32,
    pub kind: QuestionKind,
    pub prompt: String,
    pub required: bool,
    /// For a choice: the labels, answered by their index (0, 1, …).
    pub options: Option<Vec<String>>,
}

/// A survey and its questions.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Survey {
    pub id: Uuid,
    /// The open day it asks about.
    pub event_id: Uuid,
    pub title: String,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    /// Whether it takes answers now, or not yet, or no longer.
    pub state: SurveyState,
    /// Whether everyone may read the results.
    pub results_published: bool,
    pub questions: Vec<Question>,
    /// For a logged-in person: whether they came and whether they have answered.
    pub caller: Option<SurveyCaller>,
}

impl Example for Survey {
    fn example() -> Self {
        Self {
            id: example_id(1),
            event_id: example_id(0),
            title: "走进区城运中心 活动评价".into(),
            opens_at: example_time(17).into(),
            closes_at: example_time(31).into(),
            state: SurveyState::Open,
            results_published: false,
            questions: vec![Question {
                id: example_id(2),
                position: 1,
                kind: QuestionKind::Rating,
                prompt: "您对本次活动的总体满意度".into(),
                required: true,
                options: None,
            }],
            caller: Some(SurveyCaller {
                came: true,
                answered: false,
            }),
        }
    }
}

/// One answer: `value` for a rating, a score or a single choice, `choices` for a multiple
/// choice, `text` for free text.
#[derive(Object, Debug, Clone)]
pub struct NewAnswer {
    pub question_id: Uuid,
    pub value: Option<i32>,
    #[oai(validator(max_items = 20))]
    pub choices: Option<Vec<i32>>,
    #[oai(validator(max_length = 2000))]
    pub text: Option<String>,
}

/// A person's answers to a survey, given once.
#[derive(Object, Debug)]
#[oai(example)]
pub struct NewResponse {
    #[oai(validator(max_items = 30))]
    pub answers: Vec<NewAnswer>,
}

impl Example for NewResponse {
    fn example() -> Self {
        Self {
            answers: vec![NewAnswer {
                question_id: example_id(2),
                value: Some(5),
                choices: None,
                text: None,
            }],
        }
    }
}

/// The receipt of a response: it holds nothing that links the answers to the person.
#[derive(Object, Debug)]
#[oai(example)]
pub struct ResponseReceipt {
    pub survey_id: Uuid,
    /// The day it was received (the only time kept with the answers).
    pub submitted_on: NaiveDate,
}

impl Example for ResponseReceipt {
    fn example() -> Self {
        Self {
            survey_id: example_id(1),
            submitted_on: NaiveDate::from_ymd_opt(2021, 10, 18).expect("a date"),
        }
    }
}

/// How many gave one value (a rating, a score, an option's index).
#[derive(Object, Debug, PartialEq)]
#[oai(skip_serializing_if_is_none)]
pub struct ValueCount {
    pub value: i32,
    /// The option's label, for a choice.
    pub label: Option<String>,
    pub count: u64,
}

/// The figures of one question.
#[derive(Object, Debug, PartialEq)]
#[oai(skip_serializing_if_is_none)]
pub struct QuestionResult {
    pub question_id: Uuid,
    pub position: i32,
    pub kind: QuestionKind,
    pub prompt: String,
    /// How many answered it.
    pub answered: u64,
    /// Every possible value with its count (zeros included), when there are responses
    /// enough to show them; free text has none.
    pub distribution: Option<Vec<ValueCount>>,
    /// Ratings: the mean, to two decimals.
    pub mean: Option<f64>,
    /// Ratings: the share of 4 and 5, in percent to one decimal.
    pub csat: Option<f64>,
    /// NPS: percent promoters (9–10) minus percent detractors (0–6), to one decimal.
    pub nps: Option<f64>,
}

/// A survey's results.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct SurveyResults {
    pub survey_id: Uuid,
    pub responses: u64,
    /// People checked in at the event (signups, not party members).
    pub checked_in: u64,
    /// Responses per signup checked in, in percent to one decimal.
    pub response_rate: Option<f64>,
    pub published: bool,
    /// With fewer than 5 responses only the counts are shown (`answered`), so that no
    /// breakdown tells who gave which answer.
    pub breakdown_shown: bool,
    pub questions: Vec<QuestionResult>,
}

impl Example for SurveyResults {
    fn example() -> Self {
        Self {
            survey_id: example_id(1),
            responses: 40,
            checked_in: 50,
            response_rate: Some(80.0),
            published: true,
            breakdown_shown: true,
            questions: vec![QuestionResult {
                question_id: example_id(2),
                position: 1,
                kind: QuestionKind::Rating,
                prompt: "您对本次活动的总体满意度".into(),
                answered: 40,
                distribution: Some(
                    [(1, 0), (2, 1), (3, 3), (4, 12), (5, 24)]
                        .into_iter()
                        .map(|(value, count)| ValueCount {
                            value,
                            label: None,
                            count,
                        })
                        .collect(),
                ),
                mean: Some(4.48),
                csat: Some(90.0),
                nps: None,
            }],
        }
    }
}

/// A free-text answer. The public reads those staff published, with mobile numbers, ID
/// numbers and e-mail addresses masked; staff read them all.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct TextAnswer {
    pub id: Uuid,
    pub question_id: Uuid,
    /// As the public reads it: personal data masked as `***`.
    pub text: String,
    /// Staff only: as it was written.
    pub original: Option<String>,
    pub published: bool,
}

impl Example for TextAnswer {
    fn example() -> Self {
        Self {
            id: example_id(7),
            question_id: example_id(2),
            text: "希望增加周末场次，有问题可以打 ***".into(),
            original: Some("希望增加周末场次，有问题可以打 13800001234".into()),
            published: true,
        }
    }
}

/// Staff publish free-text answers, or take them back.
#[derive(Object, Debug)]
#[oai(example)]
pub struct TextPublication {
    /// Free-text answers of this survey.
    #[oai(validator(min_items = 1, max_items = 100))]
    pub answer_ids: Vec<Uuid>,
    pub published: bool,
}

impl Example for TextPublication {
    fn example() -> Self {
        Self {
            answer_ids: vec![example_id(7)],
            published: true,
        }
    }
}

/// What a publication changed.
#[derive(Object, Debug)]
#[oai(example)]
pub struct TextPublicationResult {
    /// Answers whose state changed (those already so are not counted).
    pub changed: u64,
}

impl Example for TextPublicationResult {
    fn example() -> Self {
        Self { changed: 1 }
    }
}
