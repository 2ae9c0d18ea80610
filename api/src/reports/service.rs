//! The Open Month report: a few grouped queries over the year's open days, their signups and
//! their surveys' overall ratings, summed per event, theme and department.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use entity::{
    comment, decision, decision_event, event, meeting, meeting_application, signup, survey,
    survey_answer, survey_question,
};
use sea_orm::{
    sea_query::{Expr, Query, SelectStatement},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::dto::{
    CommentFigures, DecisionFigures, DepartmentFigures, MeetingFigures, OpenDayFigures,
    OpenMonthReport, OutcomeCount, RatedEvent, StageCount, ThemeFigures, YearlyFigures,
};
use crate::{
    decisions::{
        dto::{CommentStatus, Outcome},
        rules::CHAIN,
    },
    departments::Directory,
    enums::{name, parse},
    error::Result,
    events::dto::{EventStatus, SignupStatus, Theme},
    export::{csv_line, BYTE_ORDER_MARK},
    meetings::dto::{ApplicationStatus, MeetingStatus},
    state::AppState,
    surveys::{
        dto::QuestionKind,
        rules::{Satisfaction, MIN_RESPONSES_FOR_BREAKDOWN},
    },
};

const LOWEST_RATED: usize = 5;

/// What one open day came to.
#[derive(Clone, Copy, Default)]
struct Tally {
    signups: u64,
    attended: u64,
    people: u64,
    responses: u64,
    rating: Satisfaction,
}

impl Tally {
    fn figures<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> OpenDayFigures {
        let mut figures = OpenDayFigures::default();
        let mut rating = Satisfaction::default();
        for t in tallies {
            figures.events += 1;
            figures.signups += t.signups;
            figures.attended += t.attended;
            figures.people += t.people;
            figures.responses += t.responses;
            rating.add(t.rating);
        }
        // Fewer ratings than a survey shows a breakdown for could tell who gave which.
        let shown = rating.answered >= MIN_RESPONSES_FOR_BREAKDOWN;
        OpenDayFigures {
            rated: rating.answered,
            satisfaction: rating.mean().filter(|_| shown),
            csat: rating.csat().filter(|_| shown),
            ..figures
        }
    }
}

/// The first instant of `year` and of the next, in the district's time zone.
fn year_bounds(state: &AppState, year: i32) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let zone = state.config.timezone;
    let start_of = |year| {
        zone.with_ymd_and_hms(year, 1, 1, 0, 0, 0)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| anyhow::anyhow!("no start of {year} in {zone}"))
    };
    Ok((start_of(year)?, start_of(year + 1)?))
}

/// An open day of the report: what it shows of the event, as read in one narrow query.
struct Held {
    id: Uuid,
    title: String,
    theme: Theme,
    host: Uuid,
}

pub async fn open_month(state: &AppState, year: i32) -> Result<OpenMonthReport> {
    let (from, to) = year_bounds(state, year)?;
    let now = state.clock.now();
    // The open days held in the year, as a subquery: the figures are counted in the
    // database however many there are (a list of their ids would meet the database's limit
    // on parameters).
    let held_ids = || {
        Query::select()
            .column(event::Column::Id)
            .from(event::Entity)
            .and_where(event::Column::Status.eq(name(EventStatus::Published)))
            .and_where(event::Column::StartsAt.gte(from))
            .and_where(event::Column::StartsAt.lt(to))
            .and_where(event::Column::EndsAt.lte(now))
            .to_owned()
    };
    let held: Vec<Held> = event::Entity::find()
        .select_only()
        .columns([
            event::Column::Id,
            event::Column::Title,
            event::Column::Theme,
            event::Column::HostDepartmentId,
        ])
        .filter(event::Column::Id.in_subquery(held_ids()))
        .into_tuple::<(Uuid, String, String, Uuid)>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|(id, title, theme, host)| {
            Ok(Held {
                id,
                title,
                theme: parse(&theme)?,
                host,
            })
        })
        .collect::<Result<_>>()?;
    let mut tallies: HashMap<Uuid, Tally> = held.iter().map(|e| (e.id, Tally::default())).collect();

    let seated: Vec<(Uuid, i64)> = signup::Entity::find()
        .select_only()
        .column(signup::Column::EventId)
        .column_as(signup::Column::Id.count(), "signups")
        .filter(signup::Column::EventId.in_subquery(held_ids()))
        .filter(signup::Column::Status.eq(name(SignupStatus::Confirmed)))
        .group_by(signup::Column::EventId)
        .into_tuple()
        .all(&state.db)
        .await?;
    for (id, n) in seated {
        tallies.entry(id).or_default().signups = count(n);
    }
    let attended: Vec<(Uuid, i64, i64)> = signup::Entity::find()
        .select_only()
        .column(signup::Column::EventId)
        .column_as(signup::Column::Id.count(), "attended")
        .column_as(
            Expr::col(signup::Column::PartySize).sum().cast_as("bigint"),
            "people",
        )
        .filter(signup::Column::EventId.in_subquery(held_ids()))
        .filter(signup::Column::CheckedInAt.is_not_null())
        .group_by(signup::Column::EventId)
        .into_tuple()
        .all(&state.db)
        .await?;
    for (id, n, people) in attended {
        let tally = tallies.entry(id).or_default();
        tally.attended = count(n);
        tally.people = count(people);
    }
    for (id, responses, rating) in survey_figures(&state.db, held_ids()).await? {
        let tally = tallies.entry(id).or_default();
        tally.responses = responses;
        tally.rating = rating;
    }

    let departments = Directory::load(&state.db).await?;
    let tally_of = |e: &Held| tallies.get(&e.id).copied().unwrap_or_default();
    let group = |keep: &dyn Fn(&Held) -> bool| {
        let members: Vec<Tally> = held.iter().filter(|e| keep(e)).map(tally_of).collect();
        Tally::figures(&members)
    };
    let by_theme = Theme::ALL
        .into_iter()
        .map(|theme| ThemeFigures {
            theme,
            figures: group(&|e| e.theme == theme),
        })
        .collect();
    let mut hosts: Vec<Uuid> = held.iter().map(|e| e.host).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let mut by_department: Vec<DepartmentFigures> = hosts
        .into_iter()
        .map(|host| DepartmentFigures {
            department: departments.get(host),
            figures: group(&|e| e.host == host),
        })
        .collect();
    by_department.sort_by(|a, b| a.department.code.cmp(&b.department.code));

    let mut rated: Vec<(&Held, Tally)> = held
        .iter()
        .map(|e| (e, tally_of(e)))
        .filter(|(_, t)| t.rating.answered >= MIN_RESPONSES_FOR_BREAKDOWN)
        .collect();
    rated.sort_by(|(a, ta), (b, tb)| {
        let mean = |t: &Tally| t.rating.sum as f64 / t.rating.answered as f64;
        mean(ta)
            .total_cmp(&mean(tb))
            .then_with(|| a.title.cmp(&b.title))
    });
    let lowest_rated = rated
        .into_iter()
        .take(LOWEST_RATED)
        .map(|(e, t)| RatedEvent {
            event_id: e.id,
            title: e.title.clone(),
            theme: e.theme,
            responses: t.responses,
            rated: t.rating.answered,
            satisfaction: t.rating.mean(),
            csat: t.rating.csat(),
        })
        .collect();

    Ok(OpenMonthReport {
        year,
        overall: Tally::figures(tallies.values()),
        by_theme,
        by_department,
        lowest_rated,
    })
}

/// Per event with a survey: its responses, and its overall-satisfaction ratings summed once
/// staff have published its results (before, they are staff's alone).
async fn survey_figures(
    db: &impl ConnectionTrait,
    events: SelectStatement,
) -> Result<Vec<(Uuid, u64, Satisfaction)>> {
    let surveys: Vec<(Uuid, Uuid, i32, Option<chrono::DateTime<Utc>>)> = survey::Entity::find()
        .select_only()
        .column(survey::Column::Id)
        .column(survey::Column::SubjectId)
        .column(survey::Column::ResponseSeq)
        .column(survey::Column::ResultsPublishedAt)
        .filter(survey::Column::SubjectKind.eq("event"))
        .filter(survey::Column::SubjectId.in_subquery(events.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let published = Query::select()
        .column(survey::Column::Id)
        .from(survey::Entity)
        .and_where(survey::Column::SubjectKind.eq("event"))
        .and_where(survey::Column::SubjectId.in_subquery(events))
        .and_where(survey::Column::ResultsPublishedAt.is_not_null())
        .to_owned();
    let rating_questions = Query::select()
        .column(survey_question::Column::Id)
        .from(survey_question::Entity)
        .and_where(survey_question::Column::SurveyId.in_subquery(published.clone()))
        .and_where(survey_question::Column::Kind.eq(name(QuestionKind::Rating)))
        .to_owned();
    // Each survey's first rating question.
    let mut overall: HashMap<Uuid, (i32, Uuid)> = HashMap::new();
    let ratings: Vec<(Uuid, Uuid, i32)> = survey_question::Entity::find()
        .select_only()
        .column(survey_question::Column::Id)
        .column(survey_question::Column::SurveyId)
        .column(survey_question::Column::Position)
        .filter(survey_question::Column::SurveyId.in_subquery(published))
        .filter(survey_question::Column::Kind.eq(name(QuestionKind::Rating)))
        .into_tuple()
        .all(db)
        .await?;
    for (question, survey, position) in ratings {
        let first = overall.entry(survey).or_insert((position, question));
        if position < first.0 {
            *first = (position, question);
        }
    }
    // Summed for every rating question of the published surveys; each survey's first is kept.
    let sums: Vec<(Uuid, i64, i64)> = survey_answer::Entity::find()
        .select_only()
        .column(survey_answer::Column::QuestionId)
        .column_as(survey_answer::Column::Id.count(), "answered")
        .column_as(
            Expr::col(survey_answer::Column::Value)
                .sum()
                .cast_as("bigint"),
            "sum",
        )
        .filter(survey_answer::Column::QuestionId.in_subquery(rating_questions.clone()))
        .filter(survey_answer::Column::Value.is_not_null())
        .group_by(survey_answer::Column::QuestionId)
        .into_tuple()
        .all(db)
        .await?;
    let satisfied: HashMap<Uuid, i64> = survey_answer::Entity::find()
        .select_only()
        .column(survey_answer::Column::QuestionId)
        .column_as(survey_answer::Column::Id.count(), "satisfied")
        .filter(survey_answer::Column::QuestionId.in_subquery(rating_questions))
        .filter(survey_answer::Column::Value.gte(4))
        .group_by(survey_answer::Column::QuestionId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let by_question: HashMap<Uuid, Satisfaction> = sums
        .into_iter()
        .map(|(question, answered, sum)| {
            let rating = Satisfaction {
                answered: count(answered),
                sum: count(sum),
                satisfied: count(satisfied.get(&question).copied().unwrap_or(0)),
            };
            (question, rating)
        })
        .collect();
    Ok(surveys
        .into_iter()
        .map(|(survey, event, responses, _)| {
            let rating = overall
                .get(&survey)
                .and_then(|(_, q)| by_question.get(q))
                .copied()
                .unwrap_or_default();
            (event, count(i64::from(responses)), rating)
        })
        .collect())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The year's participation figures: its catalog of decisions and how far each went, the
/// comments on them, meetings, and the Open Month.
pub async fn yearly(state: &AppState, year: i32) -> Result<YearlyFigures> {
    let in_year = || {
        Query::select()
            .column(decision::Column::Id)
            .from(decision::Entity)
            .and_where(decision::Column::Year.eq(year))
            .to_owned()
    };
    let in_catalog = decision::Entity::find()
        .filter(decision::Column::Year.eq(year))
        .count(&state.db)
        .await?;
    let reached: HashMap<String, i64> = decision_event::Entity::find()
        .select_only()
        .column(decision_event::Column::Stage)
        .column_as(
            Expr::col(decision_event::Column::DecisionId).count_distinct(),
            "decisions",
        )
        .filter(decision_event::Column::DecisionId.in_subquery(in_year()))
        .group_by(decision_event::Column::Stage)
        .into_tuple::<(String, i64)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let disclosed = CHAIN
        .iter()
        .map(|stage| StageCount {
            stage: *stage,
            decisions: count(reached.get(stage.as_str()).copied().unwrap_or(0)),
        })
        .collect();

    let by_status: HashMap<String, i64> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Status)
        .column_as(comment::Column::Id.count(), "comments")
        .filter(comment::Column::DecisionId.in_subquery(in_year()))
        .group_by(comment::Column::Status)
        .into_tuple::<(String, i64)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let by_outcome: HashMap<String, i64> = comment::Entity::find()
        .select_only()
        .column(comment::Column::Outcome)
        .column_as(comment::Column::Id.count(), "comments")
        .filter(comment::Column::DecisionId.in_subquery(in_year()))
        .filter(comment::Column::Outcome.is_not_null())
        .group_by(comment::Column::Outcome)
        .into_tuple::<(String, i64)>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    let status = |s: CommentStatus| count(by_status.get(&name(s)).copied().unwrap_or(0));
    let comments = CommentFigures {
        received: count(by_status.values().sum()),
        published: status(CommentStatus::Published),
        not_published: status(CommentStatus::Rejected),
        pending: status(CommentStatus::Pending),
        by_outcome: [
            Outcome::Adopted,
            Outcome::PartiallyAdopted,
            Outcome::NotAdopted,
            Outcome::Duplicate,
        ]
        .into_iter()
        .map(|outcome| OutcomeCount {
            outcome,
            comments: count(by_outcome.get(&name(outcome)).copied().unwrap_or(0)),
        })
        .collect(),
    };
    Ok(YearlyFigures {
        year,
        decisions: DecisionFigures {
            in_catalog,
            disclosed,
        },
        comments,
        meetings: meeting_figures(state, year).await?,
        open_days: open_month(state, year).await?.overall,
    })
}

/// Executive meetings of the year (by their start, in the district's time zone) held with
/// public representatives seated as observers, how many were seated and how many attended.
async fn meeting_figures(state: &AppState, year: i32) -> Result<MeetingFigures> {
    let (from, to) = year_bounds(state, year)?;
    let held = Query::select()
        .column(meeting::Column::Id)
        .from(meeting::Entity)
        .and_where(meeting::Column::StartsAt.gte(from))
        .and_where(meeting::Column::StartsAt.lt(to))
        .and_where(meeting::Column::Status.is_in([
            name(MeetingStatus::Held),
            name(MeetingStatus::MinutesPublished),
        ]))
        .to_owned();
    let seats = meeting_application::Entity::find()
        .filter(meeting_application::Column::MeetingId.in_subquery(held))
        .filter(meeting_application::Column::Status.eq(name(ApplicationStatus::Seated)));
    let seated: Vec<(Uuid, i64)> = seats
        .clone()
        .select_only()
        .column(meeting_application::Column::MeetingId)
        .column_as(meeting_application::Column::Id.count(), "seated")
        .group_by(meeting_application::Column::MeetingId)
        .into_tuple()
        .all(&state.db)
        .await?;
    let attended = seats
        .filter(meeting_application::Column::Attended.eq(true))
        .count(&state.db)
        .await?;
    Ok(MeetingFigures {
        held_with_observers: seated.len() as u64,
        observers_seated: seated.iter().map(|(_, n)| *n as u64).sum(),
        observers_attended: attended,
    })
}

/// The yearly figures as CSV: one figure a row, named as in the JSON.
pub fn yearly_csv(figures: &YearlyFigures) -> Vec<u8> {
    let mut rows: Vec<(String, String)> = vec![
        ("year".into(), figures.year.to_string()),
        (
            "decisions.in_catalog".into(),
            figures.decisions.in_catalog.to_string(),
        ),
    ];
    for s in &figures.decisions.disclosed {
        rows.push((
            format!("decisions.disclosed.{}", name(s.stage)),
            s.decisions.to_string(),
        ));
    }
    let c = &figures.comments;
    for (figure, value) in [
        ("received", c.received),
        ("published", c.published),
        ("not_published", c.not_published),
        ("pending", c.pending),
    ] {
        rows.push((format!("comments.{figure}"), value.to_string()));
    }
    for o in &c.by_outcome {
        rows.push((
            format!("comments.by_outcome.{}", name(o.outcome)),
            o.comments.to_string(),
        ));
    }
    rows.push((
        "meetings.held_with_observers".into(),
        figures.meetings.held_with_observers.to_string(),
    ));
    rows.push((
        "meetings.observers_seated".into(),
        figures.meetings.observers_seated.to_string(),
    ));
    rows.push((
        "meetings.observers_attended".into(),
        figures.meetings.observers_attended.to_string(),
    ));
    let d = &figures.open_days;
    let optional = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (figure, value) in [
        ("events", d.events.to_string()),
        ("signups", d.signups.to_string()),
        ("attended", d.attended.to_string()),
        ("people", d.people.to_string()),
        ("responses", d.responses.to_string()),
        ("rated", d.rated.to_string()),
        ("satisfaction", optional(d.satisfaction)),
        ("csat", optional(d.csat)),
    ] {
        rows.push((format!("open_days.{figure}"), value));
    }
    let mut csv = BYTE_ORDER_MARK.as_bytes().to_vec();
    csv.extend(csv_line(["figure", "value"]));
    for (figure, value) in &rows {
        csv.extend(csv_line([figure.as_str(), value.as_str()]));
    }
    csv
}
