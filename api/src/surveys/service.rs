//! Surveys after open days: staff of the host department attach one to an event, the people
//! who came answer it once, anonymously, and everyone reads the results once staff publish
//! them. The figures are counted in the database, grouped, never by loading the answers.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration as StdDuration,
};

use chrono::Duration;
use entity::{
    event, signup, survey, survey_answer, survey_invitation, survey_participation, survey_question,
    survey_response,
};
use sea_orm::{
    sea_query::{Expr, IntoIden, OnConflict, Query},
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{
        NewQuestion, NewResponse, NewSurvey, Question, QuestionKind, ResponseReceipt, Survey,
        SurveyCaller, SurveyChanges, SurveyResults, TextAnswer, TextPublication,
        TextPublicationResult,
    },
    rules::{self, AnswerWindow, Counts},
};
use crate::{
    audit,
    auth::Session,
    cache::{Applied, CacheError, WATERMARK},
    db,
    enums::{name, parse},
    error::{Error, FieldCode, Result, UniqueIndex},
    events::checkins,
    export::{csv_line, stream_csv},
    idempotency, input,
    notices::{Notice, NoticeKind},
    outbox,
    pagination::{Page, PageRequest},
    privacy,
    state::AppState,
    timestamp::Timestamp,
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
    window.check(event.starts_at)?;
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
    insert_questions(&txn, created.id, &questions).await?;
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
    view(state, &state.db, created, None).await
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
    view(state, &state.db, found, session.map(|s| s.user_id)).await
}

/// Records one person's answers: only someone checked in at the event, once, while the
/// survey is open. The answers are stored apart from the record that this signup answered.
/// Who answers: a person by their account, or a signup itself (the demo's attendees, whose
/// people are not kept).
#[derive(Clone, Copy)]
pub enum Respondent {
    Account(Uuid),
    Signup(Uuid),
}

pub async fn respond(
    state: &AppState,
    respondent: Respondent,
    survey_id: Uuid,
    form: NewResponse,
) -> Result<ResponseReceipt> {
    let now = state.clock.now();
    // The survey's row lock gives responses their running numbers in commit order.
    let txn = state.db.begin().await?;
    let found = db::find_locked::<survey::Entity>(&txn, survey_id, "survey").await?;
    let came = attended(&txn, found.subject_id, respondent).await?;
    let answered = has_answered(&txn, survey_id, found.subject_id, respondent).await?;
    rules::admit(window_of(&found), now, came.is_some(), answered)?;
    let signup = came.expect("admitted only with a signup checked in");
    let questions = questions_of(&txn, survey_id).await?;
    let plain: Vec<rules::Question> = questions.iter().map(|(q, _)| q.clone()).collect();
    let answers = rules::check_answers(&plain, &form.answers)?;

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
    let rows = rules::rows(answers);
    // One statement for all the answers: the survey's row is locked until the commit.
    if !rows.is_empty() {
        survey_answer::Entity::insert_many(rows.iter().map(|row| survey_answer::ActiveModel {
            id: Set(Uuid::new_v4()),
            response_id: Set(response.id),
            question_id: Set(row.question_id),
            value: Set(row.value),
            text: Set(row.text.clone()),
            text_published: Set(false),
        }))
        .exec(&txn)
        .await?;
    }
    idempotency::record_in(&txn, now).await?;
    txn.commit().await?;
    count_in_cache(state, survey_id, seq, &rules::increments(&plain, &rows)).await;
    Ok(ResponseReceipt {
        survey_id,
        submitted_on,
    })
}

/// Changes a survey's title, window or (before anyone answers) questions: staff of the
/// host department.
pub async fn change(
    state: &AppState,
    session: &Session,
    survey_id: Uuid,
    changes: SurveyChanges,
) -> Result<Survey> {
    let title = changes
        .title
        .as_deref()
        .map(|t| input::single_line("title", t))
        .transpose()?;
    let questions = changes
        .questions
        .as_deref()
        .map(rules::check_questions)
        .transpose()?;
    let now = state.clock.now();
    // Under the row lock a response cannot slip in between the check and the change.
    let txn = state.db.begin().await?;
    let found = db::find_locked::<survey::Entity>(&txn, survey_id, "survey").await?;
    session.require_manager_of(found.department_id)?;
    let window = AnswerWindow {
        opens_at: changes.opens_at.unwrap_or(found.opens_at),
        closes_at: changes.closes_at.unwrap_or(found.closes_at),
    };
    if changes.opens_at.is_some() || changes.closes_at.is_some() {
        let event = db::find::<event::Entity>(&txn, found.subject_id, "event").await?;
        window.check(event.starts_at)?;
        rules::may_change_window(found.results_published_at.is_some(), window, now)?;
    }
    if let Some(questions) = &questions {
        rules::may_change_questions(found.response_seq)?;
        survey_question::Entity::delete_many()
            .filter(survey_question::Column::SurveyId.eq(survey_id))
            .exec(&txn)
            .await?;
        insert_questions(&txn, survey_id, questions).await?;
    }
    let changed = survey::ActiveModel {
        id: Set(survey_id),
        title: title.clone().map_or(sea_orm::NotSet, Set),
        opens_at: Set(window.opens_at),
        closes_at: Set(window.closes_at),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record_write(
        &txn,
        now,
        session,
        "survey.change",
        ("survey", survey_id),
        json!({
            "title": title.is_some(),
            "window": [changes.opens_at.is_some(), changes.closes_at.is_some()],
            "questions": questions.as_ref().map(Vec::len),
        }),
    )
    .await?;
    let survey = view(state, &txn, changed, None).await?;
    txn.commit().await?;
    forget_outline(state, survey_id).await;
    Ok(survey)
}

async fn insert_questions(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    questions: &[NewQuestion],
) -> Result<()> {
    for (position, q) in (1..).zip(questions) {
        survey_question::ActiveModel {
            id: Set(Uuid::now_v7()),
            survey_id: Set(survey_id),
            position: Set(position),
            kind: Set(name(q.kind)),
            prompt: Set(q.prompt.clone()),
            required: Set(q.required),
            options: Set(q
                .options
                .as_ref()
                .map(|o| serde_json::to_string(o).expect("labels serialise"))),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The results: live for the host department's staff, for everyone once published. Read
/// from the cache alone once it is warm (the survey's outline, its counters, the event's
/// attendance).
pub async fn results(
    state: &AppState,
    session: Option<&Session>,
    survey_id: Uuid,
) -> Result<SurveyResults> {
    let outline = outline(state, survey_id).await?;
    let staff = session.is_some_and(|s| s.manages(outline.department_id));
    rules::results_readable(outline.published, staff)?;
    figures(state, survey_id, &outline).await
}

/// Makes the results public, once the survey has closed (once; publishing again changes
/// nothing).
pub async fn publish_results(
    state: &AppState,
    session: &Session,
    survey_id: Uuid,
) -> Result<SurveyResults> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<survey::Entity>(&txn, survey_id, "survey").await?;
    session.require_manager_of(found.department_id)?;
    if found.results_published_at.is_none() {
        rules::may_publish(window_of(&found), now)?;
        survey::ActiveModel {
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
    }
    txn.commit().await?;
    forget_outline(state, survey_id).await;
    results(state, Some(session), survey_id).await
}

async fn figures(state: &AppState, survey_id: Uuid, outline: &Outline) -> Result<SurveyResults> {
    let counts = state
        .cache
        .counters_or_rebuild(&counts_key(survey_id), || {
            counts_from_database(&state.db, survey_id)
        })
        .await?;
    let checked_in = checkins::attendance(state, outline.event_id).await?;
    let responses = u64::try_from(counts.get(rules::RESPONSES).copied().unwrap_or(0)).unwrap_or(0);
    let questions = rules::figures(&outline.questions, &counts);
    Ok(SurveyResults {
        survey_id,
        responses,
        checked_in,
        response_rate: rules::response_rate(responses, checked_in),
        published: outline.published,
        breakdown_shown: responses >= rules::MIN_RESPONSES_FOR_BREAKDOWN,
        questions,
    })
}

/// What a read of results needs of a survey besides its counters, cached so that such a
/// read touches no database; forgotten whenever staff change the survey.
#[derive(Clone, Serialize, Deserialize)]
struct Outline {
    department_id: Uuid,
    event_id: Uuid,
    published: bool,
    questions: Vec<(rules::Question, String)>,
}

/// How long an outline is kept: the bound on its staleness should forgetting it fail (Redis
/// unreachable from the writer at that moment).
const OUTLINE_CACHED_FOR: StdDuration = StdDuration::from_secs(60);

fn outline_key(survey_id: Uuid) -> String {
    format!("survey:{survey_id}:outline")
}

async fn outline(state: &AppState, survey_id: Uuid) -> Result<Outline> {
    state
        .cache
        .value_or_load(&outline_key(survey_id), OUTLINE_CACHED_FOR, || async {
            let found = db::find::<survey::Entity>(&state.db, survey_id, "survey").await?;
            Ok(Outline {
                department_id: found.department_id,
                event_id: found.subject_id,
                published: found.results_published_at.is_some(),
                questions: questions_of(&state.db, survey_id).await?,
            })
        })
        .await
}

async fn forget_outline(state: &AppState, survey_id: Uuid) {
    if let Err(err) = state.cache.forget(&outline_key(survey_id)).await {
        tracing::warn!(error = %err, %survey_id, "survey outline left to expire");
    }
}

/// Free-text answers, in an order that does not follow time (their random ids): staff of
/// the host department read them all, the public those published, masked, once
/// `rules::public_texts_shown`.
pub async fn texts(
    state: &AppState,
    session: Option<&Session>,
    survey_id: Uuid,
    page: PageRequest,
) -> Result<Page<TextAnswer>> {
    let found = db::find::<survey::Entity>(&state.db, survey_id, "survey").await?;
    let staff = session.is_some_and(|s| s.manages(found.department_id));
    let published = found.results_published_at.is_some();
    rules::results_readable(published, staff)?;
    let responses = u64::try_from(found.response_seq).unwrap_or(0);
    if !staff && !rules::public_texts_shown(published, responses) {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let mut select = survey_answer::Entity::find()
        .filter(survey_answer::Column::QuestionId.in_subquery(questions_asking_text(survey_id)))
        .filter(survey_answer::Column::Text.is_not_null());
    if !staff {
        select = select.filter(survey_answer::Column::TextPublished.eq(true));
    }
    let rows = page
        .apply_oldest_first(select, survey_answer::Column::Id)
        .all(&state.db)
        .await?;
    page.page(
        rows,
        |a| a.id,
        |a| {
            let original = a.text.unwrap_or_default();
            Ok(TextAnswer {
                id: a.id,
                question_id: a.question_id,
                text: privacy::redact(&original).into_owned(),
                original: staff.then_some(original),
                published: a.text_published,
            })
        },
    )
}

/// The survey's free-text questions, as a subquery.
fn questions_asking_text(survey_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(survey_question::Column::Id)
        .from(survey_question::Entity)
        .and_where(survey_question::Column::SurveyId.eq(survey_id))
        .and_where(survey_question::Column::Kind.eq(name(QuestionKind::FreeText)))
        .to_owned()
}

/// Publishes free-text answers or takes them back: staff of the host department. Every id
/// must be a free-text answer of this survey, or nothing changes.
pub async fn publish_texts(
    state: &AppState,
    session: &Session,
    survey_id: Uuid,
    form: TextPublication,
) -> Result<TextPublicationResult> {
    let found = db::find::<survey::Entity>(&state.db, survey_id, "survey").await?;
    session.require_manager_of(found.department_id)?;
    let mut ids = form.answer_ids;
    ids.sort_unstable();
    ids.dedup();
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let theirs = survey_answer::Entity::find()
        .filter(survey_answer::Column::Id.is_in(ids.iter().copied()))
        .filter(survey_answer::Column::QuestionId.in_subquery(questions_asking_text(survey_id)))
        .filter(survey_answer::Column::Text.is_not_null())
        .count(&txn)
        .await?;
    if theirs != ids.len() as u64 {
        return Err(Error::invalid(
            "answer_ids",
            FieldCode::Invalid,
            "not every id is a free-text answer of this survey",
        ));
    }
    let changed = survey_answer::Entity::update_many()
        .col_expr(
            survey_answer::Column::TextPublished,
            Expr::value(form.published),
        )
        .filter(survey_answer::Column::Id.is_in(ids.iter().copied()))
        .filter(survey_answer::Column::TextPublished.ne(form.published))
        .exec(&txn)
        .await?
        .rows_affected;
    audit::record_write(
        &txn,
        now,
        session,
        "survey.publish_texts",
        ("survey", survey_id),
        json!({"answers": ids.len(), "published": form.published, "changed": changed}),
    )
    .await?;
    txn.commit().await?;
    Ok(TextPublicationResult { changed })
}

/// Invites the people who came to answer each open survey, by a notice in their inbox (and
/// the webhooks that take it): once per signup, whenever its check-in arrives (scans made
/// offline reach the server after the event), unless it has answered. Returns how many were
/// invited. Safe on several instances at once: an invitation is claimed by inserting its row.
pub async fn invite_attendees(state: &AppState) -> Result<u64> {
    let now = state.clock.now();
    let open = survey::Entity::find()
        .filter(survey::Column::OpensAt.lte(now))
        .filter(survey::Column::ClosesAt.gt(now))
        .all(&state.db)
        .await?;
    let mut invited = 0;
    for found in open {
        let signups_in = |table: sea_orm::sea_query::DynIden| {
            Query::select()
                .expr(Expr::col((
                    table.clone(),
                    survey_participation::Column::SignupId,
                )))
                .from(table.clone())
                .and_where(Expr::col((table, survey_participation::Column::SurveyId)).eq(found.id))
                .to_owned()
        };
        let due: Vec<(Uuid, Uuid)> = signup::Entity::find()
            .select_only()
            .column(signup::Column::Id)
            .column(signup::Column::UserId)
            .filter(signup::Column::EventId.eq(found.subject_id))
            .filter(signup::Column::CheckedInAt.is_not_null())
            .filter(signup::Column::UserId.is_not_null())
            .filter(
                signup::Column::Id
                    .not_in_subquery(signups_in(survey_participation::Entity.into_iden())),
            )
            .filter(
                signup::Column::Id
                    .not_in_subquery(signups_in(survey_invitation::Entity.into_iden())),
            )
            .order_by_asc(signup::Column::Id)
            .into_tuple()
            .all(&state.db)
            .await?;
        if due.is_empty() {
            continue;
        }
        let notice = Notice {
            kind: NoticeKind::SurveyInvitation,
            title: format!("请评价：{}", found.title),
            body: format!(
                "感谢您参加本次活动。问卷匿名填写，{} 截止，您的意见将用于改进政府开放活动。",
                Timestamp(found.closes_at).in_words(state.config.timezone)
            ),
            title_en: format!("Please rate: {}", found.title),
            body_en: format!(
                "Thank you for coming. The survey is anonymous and closes at {}; your answers help improve the open days.",
                Timestamp(found.closes_at).in_english_words(state.config.timezone)
            ),
            link: Some(format!("#/events/{}/survey", found.subject_id)),
        };
        // Someone with two signups checked in (cancelled and signed up again) hears once.
        let mut told = HashSet::new();
        let txn = state.db.begin().await?;
        for (signup_id, user_id) in due {
            let claimed = survey_invitation::Entity::insert(survey_invitation::ActiveModel {
                survey_id: Set(found.id),
                signup_id: Set(signup_id),
            })
            .on_conflict(
                OnConflict::columns([
                    survey_invitation::Column::SurveyId,
                    survey_invitation::Column::SignupId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
            if claimed == 1 && told.insert(user_id) {
                outbox::enqueue(&txn, now, user_id, &notice).await?;
                invited += 1;
            }
        }
        txn.commit().await?;
    }
    Ok(invited)
}

/// Where a survey's counters are cached.
fn counts_key(survey_id: Uuid) -> String {
    format!("survey:{survey_id}:counts")
}

/// Counts a committed response into the cached counters. A response counted out of turn
/// finds the counters behind and catches them up; one the cache missed altogether (Redis
/// unreachable) is caught up by `reconcile`. Nothing here fails the response.
async fn count_in_cache(state: &AppState, survey_id: Uuid, seq: i32, adds: &[(String, i64)]) {
    let key = counts_key(survey_id);
    match state.cache.count_in_order(&key, i64::from(seq), adds).await {
        Ok(Applied::Counted | Applied::Missing) => {}
        Ok(Applied::Behind) => {
            // Not on the respondent's time: after an outage the backlog may be long.
            // One catch-up per survey at a time: in a storm many responses find the counters
            // behind, and the one running counts theirs too.
            let state = state.clone();
            tokio::spawn(async move {
                let key = format!("catch-up:{survey_id}");
                let caught = state
                    .cache
                    .unless_running(&key, catch_up(&state, survey_id))
                    .await;
                if let Some(Err(err)) = caught {
                    tracing::warn!(error = %err, %survey_id, "cannot catch up a survey's counts");
                }
            });
        }
        // While Redis rests, every response goes uncounted there: said once, by the cache.
        Err(CacheError::Resting) => {}
        Err(err) => {
            tracing::warn!(error = %err, %survey_id, "response not counted in the cache; reconciliation will");
        }
    }
}

/// Counts into the cached counters every response past their watermark, in order; returns
/// how many. Counters not cached are left to be rebuilt on their next read.
pub async fn catch_up(state: &AppState, survey_id: Uuid) -> Result<u64> {
    const BATCH: u64 = 500;
    let key = counts_key(survey_id);
    let Some(cached) = state
        .cache
        .counters(&key)
        .await
        .map_err(anyhow::Error::from)?
    else {
        return Ok(0);
    };
    let mut watermark = cached.get(WATERMARK).copied().unwrap_or(0);
    let questions: Vec<rules::Question> = questions_of(&state.db, survey_id)
        .await?
        .into_iter()
        .map(|(q, _)| q)
        .collect();
    let mut counted = 0;
    loop {
        let responses = survey_response::Entity::find()
            .filter(survey_response::Column::SurveyId.eq(survey_id))
            .filter(survey_response::Column::Seq.gt(watermark))
            .order_by_asc(survey_response::Column::Seq)
            .limit(BATCH)
            .all(&state.db)
            .await?;
        if responses.is_empty() {
            return Ok(counted);
        }
        let stored = survey_answer::Entity::find()
            .filter(survey_answer::Column::ResponseId.is_in(responses.iter().map(|r| r.id)))
            .all(&state.db)
            .await?;
        for response in responses {
            let rows: Vec<rules::Row> = stored
                .iter()
                .filter(|a| a.response_id == response.id)
                .map(|a| rules::Row {
                    question_id: a.question_id,
                    value: a.value,
                    text: a.text.clone(),
                })
                .collect();
            let adds = rules::increments(&questions, &rows);
            let seq = i64::from(response.seq);
            match state
                .cache
                .count_in_order(&key, seq, &adds)
                .await
                .map_err(anyhow::Error::from)?
            {
                Applied::Counted => counted += 1,
                // Evicted meanwhile: the next read rebuilds it whole.
                Applied::Missing => return Ok(counted),
                Applied::Behind => {
                    return Err(anyhow::anyhow!(
                        "survey {survey_id} has no response {watermark} + 1"
                    )
                    .into())
                }
            }
            watermark = seq;
        }
    }
}

/// What reconciliation did: surveys looked at, responses counted into the cache.
#[derive(Debug, Default)]
pub struct Reconciled {
    pub surveys: u64,
    pub responses: u64,
}

/// Catches up the cached counters of every survey with responses, so that counts the cache
/// missed are exact again; run every 30 s and by `canyu surveys reconcile`. `progress` hears
/// of each survey with what was counted.
pub async fn reconcile(
    state: &AppState,
    mut progress: impl FnMut(Uuid, u64),
) -> Result<Reconciled> {
    let ids: Vec<Uuid> = survey::Entity::find()
        .select_only()
        .column(survey::Column::Id)
        .filter(survey::Column::ResponseSeq.gt(0))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut done = Reconciled::default();
    let mut failed = None;
    for id in ids {
        // One survey failing does not hold the others back.
        match catch_up(state, id).await {
            Ok(counted) => {
                progress(id, counted);
                done.surveys += 1;
                done.responses += counted;
            }
            Err(err) => {
                tracing::warn!(error = %err, survey_id = %id, "cannot reconcile a survey's counts");
                failed = Some(err);
            }
        }
    }
    match failed {
        Some(err) => Err(err),
        None => Ok(done),
    }
}

/// The survey's counters as the database holds them, up to its watermark: the number of the
/// last committed response, read first (responses are numbered in commit order, so every
/// one up to it is committed and none after it is counted).
async fn counts_from_database(db: &impl ConnectionTrait, survey_id: Uuid) -> Result<Counts> {
    let watermark = db::find::<survey::Entity>(db, survey_id, "survey")
        .await?
        .response_seq;
    // Read here, not taken from a cached outline, which may be older than the answers.
    let questions = questions_of(db, survey_id).await?;
    let counted = Query::select()
        .column(survey_response::Column::Id)
        .from(survey_response::Entity)
        .and_where(survey_response::Column::SurveyId.eq(survey_id))
        .and_where(survey_response::Column::Seq.lte(watermark))
        .to_owned();
    let position: HashMap<Uuid, i32> = questions.iter().map(|(q, _)| (q.id, q.position)).collect();
    let mut counts = Counts::new();
    counts.insert(WATERMARK.into(), i64::from(watermark));
    counts.insert(rules::RESPONSES.into(), i64::from(watermark));
    let answered: Vec<(Uuid, i64)> = survey_answer::Entity::find()
        .select_only()
        .column(survey_answer::Column::QuestionId)
        .column_as(
            Expr::col(survey_answer::Column::ResponseId).count_distinct(),
            "answered",
        )
        .filter(survey_answer::Column::ResponseId.in_subquery(counted.clone()))
        .group_by(survey_answer::Column::QuestionId)
        .into_tuple()
        .all(db)
        .await?;
    for (question, n) in answered {
        if let Some(&position) = position.get(&question) {
            counts.insert(rules::answered_counter(position), n);
        }
    }
    let values: Vec<(Uuid, i32, i64)> = survey_answer::Entity::find()
        .select_only()
        .column(survey_answer::Column::QuestionId)
        .column(survey_answer::Column::Value)
        .column_as(survey_answer::Column::Id.count(), "count")
        .filter(survey_answer::Column::ResponseId.in_subquery(counted))
        .filter(survey_answer::Column::Value.is_not_null())
        .group_by(survey_answer::Column::QuestionId)
        .group_by(survey_answer::Column::Value)
        .into_tuple()
        .all(db)
        .await?;
    for (question, value, n) in values {
        if let Some(&position) = position.get(&question) {
            counts.insert(rules::value_counter(position, value), n);
        }
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

/// The respondent's signup checked in at the event, if any.
async fn attended(
    db: &impl ConnectionTrait,
    event_id: Uuid,
    respondent: Respondent,
) -> Result<Option<signup::Model>> {
    Ok(signup::Entity::find()
        .filter(signup::Column::EventId.eq(event_id))
        .filter(whose(respondent))
        .filter(signup::Column::CheckedInAt.is_not_null())
        .order_by_asc(signup::Column::Id)
        .one(db)
        .await?)
}

/// Whether the respondent has answered through any of their signups for the event (someone
/// who cancelled and signed up again has two).
async fn has_answered(
    db: &impl ConnectionTrait,
    survey_id: Uuid,
    event_id: Uuid,
    respondent: Respondent,
) -> Result<bool> {
    let theirs = Query::select()
        .column(signup::Column::Id)
        .from(signup::Entity)
        .and_where(signup::Column::EventId.eq(event_id))
        .and_where(whose(respondent))
        .to_owned();
    Ok(survey_participation::Entity::find()
        .filter(survey_participation::Column::SurveyId.eq(survey_id))
        .filter(survey_participation::Column::SignupId.in_subquery(theirs))
        .one(db)
        .await?
        .is_some())
}

fn whose(respondent: Respondent) -> sea_orm::sea_query::SimpleExpr {
    match respondent {
        Respondent::Account(user_id) => signup::Column::UserId.eq(user_id),
        Respondent::Signup(signup_id) => signup::Column::Id.eq(signup_id),
    }
}

fn window_of(s: &survey::Model) -> AnswerWindow {
    AnswerWindow {
        opens_at: s.opens_at,
        closes_at: s.closes_at,
    }
}

/// The survey, with what concerns `caller` when a person asks.
async fn view(
    state: &AppState,
    db: &impl ConnectionTrait,
    s: survey::Model,
    caller: Option<Uuid>,
) -> Result<Survey> {
    let questions = questions_of(db, s.id).await?;
    let caller = match caller {
        Some(user_id) => {
            let respondent = Respondent::Account(user_id);
            Some(SurveyCaller {
                came: attended(db, s.subject_id, respondent).await?.is_some(),
                answered: has_answered(db, s.id, s.subject_id, respondent).await?,
            })
        }
        None => None,
    };
    Ok(Survey {
        id: s.id,
        event_id: s.subject_id,
        state: window_of(&s).state(state.clock.now()),
        caller,
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

/// A survey's responses as CSV for the host department's staff: a row each, in no order
/// that follows time (by their random ids), with the day and the answers, nothing else.
pub async fn export(
    state: &AppState,
    session: &Session,
    survey_id: Uuid,
) -> Result<impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static> {
    const BATCH: u64 = 500;
    let found = db::find::<survey::Entity>(&state.db, survey_id, "survey").await?;
    session.require_manager_of(found.department_id)?;
    // Each row is one person's answers: with few of them, staff could tell whose.
    if u64::try_from(found.response_seq).unwrap_or(0) < rules::MIN_RESPONSES_FOR_BREAKDOWN {
        return Err(Error::conflict(
            "too_few_responses",
            "the responses are exported from 5 on, so that no row tells whose it is",
        ));
    }
    let questions = Arc::new(questions_of(&state.db, survey_id).await?);
    let mut columns = vec!["submitted_on".to_string()];
    columns.extend(
        questions
            .iter()
            .map(|(q, prompt)| format!("{}. {prompt}", q.position)),
    );
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let db = state.db.clone();
    Ok(stream_csv(
        "survey responses",
        &columns,
        None::<Uuid>,
        move |after| {
            let (db, questions) = (db.clone(), questions.clone());
            async move {
                let mut select = survey_response::Entity::find()
                    .filter(survey_response::Column::SurveyId.eq(survey_id));
                if let Some(after) = after {
                    select = select.filter(survey_response::Column::Id.gt(after));
                }
                let responses = select
                    .order_by_asc(survey_response::Column::Id)
                    .limit(BATCH)
                    .all(&db)
                    .await?;
                let Some(last) = responses.last().map(|r| r.id) else {
                    return Ok(None);
                };
                let answers = survey_answer::Entity::find()
                    .filter(survey_answer::Column::ResponseId.is_in(responses.iter().map(|r| r.id)))
                    .all(&db)
                    .await?;
                let mut chunk = Vec::new();
                for response in &responses {
                    let mut cells = vec![response.submitted_on.to_string()];
                    for (q, _) in questions.iter() {
                        let given = answers
                            .iter()
                            .filter(|a| a.response_id == response.id && a.question_id == q.id);
                        cells.push(rules::cell(q, given.map(|a| (a.value, a.text.as_deref()))));
                    }
                    chunk.extend(csv_line(cells.iter().map(String::as_str)));
                }
                Ok(Some((chunk, Some(last))))
            }
        },
    ))
}
