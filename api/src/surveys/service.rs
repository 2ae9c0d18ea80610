//! Surveys after open days: staff of the host department attach one to an event, the people
//! who came answer it once, anonymously, and everyone reads the results once staff publish
//! them. The figures are counted in the database, grouped, never by loading the answers.

use std::collections::HashMap;

use chrono::Duration;
use entity::{
    event, signup, survey, survey_answer, survey_participation, survey_question, survey_response,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{
        NewQuestion, NewResponse, NewSurvey, Question, QuestionKind, ResponseReceipt, Survey,
        SurveyResults,
    },
    rules::{self, Answer, AnswerWindow, Counts},
};
use crate::{
    audit,
    auth::Session,
    db,
    enums::{name, parse},
    error::{Error, Result, UniqueIndex},
    input,
    state::AppState,
};

/// What a survey is about; meetings will be the second kind.
const EVENT: &str = "event";
/// How long a survey stays open when staff do not say.
const DEFAULT_OPEN_DAYS: i64 = 14;

const SURVEY_EXISTS: UniqueIndex = UniqueIndex {
    name: "ux_surveys_subject",
    sqlite_columns: "surveys.subject_kind, surveys.subject_id",
    code: "survey_exists",
    detail: "this event already has a survey",
};

const ALREADY_ANSWERED: UniqueIndex = UniqueIndex {
    name: "survey_participations_pkey",
    sqlite_columns: "survey_participations.survey_id, survey_participations.signup_id",
    code: "already_answered",
    detail: "each person answers a survey once",
};

/// The district's standard questions, copied into a survey created without its own.
pub fn template() -> Vec<NewQuestion> {
    let question = |kind, prompt: &str, required, options: Option<&[&str]>| NewQuestion {
        kind,
        prompt: prompt.into(),
        required,
        options: options.map(|o| o.iter().map(|s| s.to_string()).collect()),
    };
    vec![
        question(
            QuestionKind::Rating,
            "您对本次开放活动的总体满意度",
            true,
            None,
        ),
        question(
            QuestionKind::Rating,
            "活动内容是否帮助您了解政府工作",
            false,
            None,
        ),
        question(
            QuestionKind::Rating,
            "报名、签到和现场引导是否顺畅",
            false,
            None,
        ),
        question(
            QuestionKind::Nps,
            "您向亲友推荐参加政府开放活动的可能性有多大（0–10）",
            true,
            None,
        ),
        question(
            QuestionKind::MultipleChoice,
            "您最感兴趣的环节",
            false,
            Some(&["现场参观", "工作人员讲解", "互动交流", "资料展示"]),
        ),
        question(
            QuestionKind::FreeText,
            "您对改进开放活动有什么建议",
            false,
            None,
        ),
    ]
}

pub async fn create(
    state: &AppState,
    session: &Session,
    event_id: Uuid,
    form: NewSurvey,
) -> Result<Survey> {
    let event = db::find::<event::Entity>(&state.db, event_id, "event").await?;
    session.require_manager_of(event.host_department_id)?;
    if event.status == "cancelled" {
        return Err(Error::conflict(
            "event_cancelled",
            "a cancelled event has no survey",
        ));
    }
    let questions = rules::check_questions(&form.questions.unwrap_or_else(template))?;
    let opens_at = form.opens_at.unwrap_or(event.ends_at);
    let window = AnswerWindow {
        opens_at,
        closes_at: form
            .closes_at
            .unwrap_or(opens_at + Duration::days(DEFAULT_OPEN_DAYS)),
    };
    window.check()?;
    let title = match form.title {
        Some(title) => input::single_line("title", &title)?,
        None => format!("{} 活动评价", event.title),
    };
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let created = survey::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject_kind: Set(EVENT.into()),
        subject_id: Set(event_id),
        department_id: Set(event.host_department_id),
        title: Set(title),
        opens_at: Set(window.opens_at),
        closes_at: Set(window.closes_at),
        response_seq: Set(0),
        results_published_at: Set(None),
        created_by: Set(Some(session.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|err| SURVEY_EXISTS.conflict(err))?;
    for (position, q) in (1..).zip(&questions) {
        survey_question::ActiveModel {
            id: Set(Uuid::now_v7()),
            survey_id: Set(created.id),
            position: Set(position),
            kind: Set(name(q.kind)),
            prompt: Set(q.prompt.clone()),
            required: Set(q.required),
            options: Set(q
                .options
                .as_ref()
                .map(|o| serde_json::to_string(o).expect("labels serialise"))),
        }
        .insert(&txn)
        .await?;
    }
    audit::record_write(
        &txn,
        now,
        session,
        "survey.create",
        ("survey", created.id),
        json!({"event_id": event_id, "questions": questions.len()}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, created).await
}

/// The survey of an event, for anyone who may see the event.
pub async fn for_event(
    state: &AppState,
    session: Option<&Session>,
    event_id: Uuid,
) -> Result<Survey> {
    let event = db::find::<event::Entity>(&state.db, event_id, "event").await?;
    if event.status == "draft" && !session.is_some_and(|s| s.manages(event.host_department_id)) {
        return Err(Error::NotFound("event"));
    }
    let found = survey::Entity::find()
        .filter(survey::Column::SubjectKind.eq(EVENT))
        .filter(survey::Column::SubjectId.eq(event_id))
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("survey"))?;
    view(state, &state.db, found).await
}

/// Records one person's answers: only someone checked in at the event, once, while the
/// survey is open. The answers are stored apart from the record that this signup answered.
pub async fn respond(
    state: &AppState,
    session: &Session,
    survey_id: Uuid,
    form: NewResponse,
) -> Result<ResponseReceipt> {
    let now = state.clock.now();
    // The survey's row lock gives responses their running numbers in commit order.
    let txn = state.db.begin().await?;
    let found = db::find_locked::<survey::Entity>(&txn, survey_id, "survey").await?;
    let came = signup::Entity::find()
        .filter(signup::Column::EventId.eq(found.subject_id))
        .filter(signup::Column::UserId.eq(session.user_id))
        .filter(signup::Column::CheckedInAt.is_not_null())
        .one(&txn)
        .await?;
    let answered = match &came {
        Some(s) => survey_participation::Entity::find_by_id((survey_id, s.id))
            .one(&txn)
            .await?
            .is_some(),
        None => false,
    };
    rules::admit(window_of(&found), now, came.is_some(), answered)?;
    let signup = came.expect("admitted only with a signup checked in");
    let questions = questions_of(&txn, survey_id).await?;
    let answers = rules::check_answers(
        &questions.iter().map(|(q, _)| q.clone()).collect::<Vec<_>>(),
        &form.answers,
    )?;

    survey_participation::ActiveModel {
        survey_id: Set(survey_id),
        signup_id: Set(signup.id),
    }
    .insert(&txn)
    .await
    .map_err(|err| ALREADY_ANSWERED.conflict(err))?;
    let seq = found.response_seq + 1;
    survey::ActiveModel {
        id: Set(survey_id),
        response_seq: Set(seq),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let submitted_on = now.with_timezone(&state.config.timezone).date_naive();
    let response = survey_response::ActiveModel {
        id: Set(Uuid::new_v4()),
        survey_id: Set(survey_id),
        seq: Set(seq),
        submitted_on: Set(submitted_on),
    }
    .insert(&txn)
    .await?;
    for (question_id, answer) in answers {
        let rows: Vec<(Option<i32>, Option<String>)> = match answer {
            Answer::Value(v) => vec![(Some(v), None)],
            Answer::Values(vs) => vs.into_iter().map(|v| (Some(v), None)).collect(),
            Answer::Text(text) => vec![(None, Some(text))],
        };
        for (value, text) in rows {
            survey_answer::ActiveModel {
                id: Set(Uuid::new_v4()),
                response_id: Set(response.id),
                question_id: Set(question_id),
                value: Set(value),
                text: Set(text),
                text_published: Set(false),
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(ResponseReceipt {
        survey_id,
        submitted_on,
    })
}

/// The results: live for the host department's staff, for everyone once published.
pub async fn results(
    state: &AppState,
    session: Option<&Session>,
    survey_id: Uuid,
) -> Result<SurveyResults> {
    let found = db::find::<survey::Entity>(&state.db, survey_id, "survey").await?;
    let staff = session.is_some_and(|s| s.manages(found.department_id));
    // Unpublished results read as missing, as a draft does.
    if found.results_published_at.is_none() && !staff {
        return Err(Error::NotFound("published results"));
    }
    figures(state, found).await
}

/// Makes the results public (once; publishing again changes nothing).
pub async fn publish_results(
    state: &AppState,
    session: &Session,
    survey_id: Uuid,
) -> Result<SurveyResults> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<survey::Entity>(&txn, survey_id, "survey").await?;
    session.require_manager_of(found.department_id)?;
    let published = match found.results_published_at {
        Some(_) => found,
        None => {
            let published = survey::ActiveModel {
                id: Set(survey_id),
                results_published_at: Set(Some(now)),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(&txn)
            .await?;
            audit::record_write(
                &txn,
                now,
                session,
                "survey.publish_results",
                ("survey", survey_id),
                json!({}),
            )
            .await?;
            published
        }
    };
    txn.commit().await?;
    figures(state, published).await
}

async fn figures(state: &AppState, found: survey::Model) -> Result<SurveyResults> {
    let questions = questions_of(&state.db, found.id).await?;
    let counts = counts(&state.db, &found, &questions).await?;
    let checked_in = signup::Entity::find()
        .filter(signup::Column::EventId.eq(found.subject_id))
        .filter(signup::Column::CheckedInAt.is_not_null())
        .count(&state.db)
        .await?;
    let responses = u64::try_from(counts.get(rules::RESPONSES).copied().unwrap_or(0)).unwrap_or(0);
    let questions = rules::figures(&questions, &counts);
    Ok(SurveyResults {
        survey_id: found.id,
        responses,
        checked_in,
        response_rate: rules::response_rate(responses, checked_in),
        published: found.results_published_at.is_some(),
        breakdown_shown: responses >= rules::MIN_RESPONSES_FOR_BREAKDOWN,
        questions,
    })
}

/// The survey's counters, counted by the database in three grouped queries.
async fn counts(
    db: &impl ConnectionTrait,
    found: &survey::Model,
    questions: &[(rules::Question, String)],
) -> Result<Counts> {
    let position: HashMap<Uuid, i32> = questions.iter().map(|(q, _)| (q.id, q.position)).collect();
    let ids: Vec<Uuid> = position.keys().copied().collect();
    let mut counts = Counts::new();
    let responses = survey_response::Entity::find()
        .filter(survey_response::Column::SurveyId.eq(found.id))
        .count(db)
        .await?;
    counts.insert(
        rules::RESPONSES.into(),
        i64::try_from(responses).unwrap_or(i64::MAX),
    );
    let answered: Vec<(Uuid, i64)> = survey_answer::Entity::find()
        .select_only()
        .column(survey_answer::Column::QuestionId)
        .column_as(
            sea_orm::sea_query::Expr::col(survey_answer::Column::ResponseId).count_distinct(),
            "answered",
        )
        .filter(survey_answer::Column::QuestionId.is_in(ids.clone()))
        .group_by(survey_answer::Column::QuestionId)
        .into_tuple()
        .all(db)
        .await?;
    for (question, n) in answered {
        counts.insert(rules::answered_counter(position[&question]), n);
    }
    let values: Vec<(Uuid, i32, i64)> = survey_answer::Entity::find()
        .select_only()
        .column(survey_answer::Column::QuestionId)
        .column(survey_answer::Column::Value)
        .column_as(survey_answer::Column::Id.count(), "count")
        .filter(survey_answer::Column::QuestionId.is_in(ids))
        .filter(survey_answer::Column::Value.is_not_null())
        .group_by(survey_answer::Column::QuestionId)
        .group_by(survey_answer::Column::Value)
        .into_tuple()
        .all(db)
        .await?;
    for (question, value, n) in values {
        counts.insert(rules::value_counter(position[&question], value), n);
    }
    Ok(counts)
}

/// The questions in order, each with its prompt.
async fn questions_of(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
) -> Result<Vec<(rules::Question, String)>> {
    survey_question::Entity::find()
        .filter(survey_question::Column::SurveyId.eq(survey_id))
        .order_by_asc(survey_question::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|q| {
            let options: Vec<String> = match &q.options {
                Some(json) => serde_json::from_str(json).map_err(anyhow::Error::from)?,
                None => Vec::new(),
            };
            Ok((
                rules::Question {
                    id: q.id,
                    position: q.position,
                    kind: parse(&q.kind)?,
                    required: q.required,
                    options,
                },
                q.prompt,
            ))
        })
        .collect()
}

fn window_of(s: &survey::Model) -> AnswerWindow {
    AnswerWindow {
        opens_at: s.opens_at,
        closes_at: s.closes_at,
    }
}

async fn view(state: &AppState, db: &impl ConnectionTrait, s: survey::Model) -> Result<Survey> {
    let questions = questions_of(db, s.id).await?;
    Ok(Survey {
        id: s.id,
        event_id: s.subject_id,
        open: window_of(&s).is_open(state.clock.now()),
        results_published: s.results_published_at.is_some(),
        title: s.title,
        opens_at: s.opens_at.into(),
        closes_at: s.closes_at.into(),
        questions: questions
            .into_iter()
            .map(|(q, prompt)| Question {
                id: q.id,
                position: q.position,
                kind: q.kind,
                prompt,
                required: q.required,
                options: (!q.options.is_empty()).then_some(q.options),
            })
            .collect(),
    })
}
