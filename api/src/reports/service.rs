//! The Open Month report: the year's open days, their signups and their surveys' overall
//! ratings, summed per theme and department in the database; and the yearly figures.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use entity::{
    comment, decision, decision_event, event, meeting, meeting_application, signup, survey,
    survey_answer, survey_question,
};
use sea_orm::{
    sea_query::{Alias, Expr, Func, Iden, JoinType, Order, Query, SelectStatement, SimpleExpr},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DeriveIden, EntityTrait, PaginatorTrait,
    QueryFilter, QueryResult, QuerySelect,
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
        rules::{Satisfaction, MIN_RESPONSES_FOR_BREAKDOWN, SATISFIED_FROM},
    },
};

const LOWEST_RATED: u64 = 5;

/// What a group of open days came to, as summed in the database.
#[derive(Clone, Copy, Default)]
struct Tally {
    events: u64,
    signups: u64,
    attended: u64,
    people: u64,
    responses: u64,
    rating: Satisfaction,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.events += other.events;
        self.signups += other.signups;
        self.attended += other.attended;
        self.people += other.people;
        self.responses += other.responses;
        self.rating.add(other.rating);
    }

    fn sum<'a>(tallies: impl IntoIterator<Item = &'a Tally>) -> Tally {
        let mut sum = Tally::default();
        for t in tallies {
            sum.add(t);
        }
        sum
    }

    fn figures(&self) -> OpenDayFigures {
        // Fewer ratings than a survey shows a breakdown for could tell who gave which.
        let shown = self.rating.answered >= MIN_RESPONSES_FOR_BREAKDOWN;
        OpenDayFigures {
            events: self.events,
            signups: self.signups,
            attended: self.attended,
            people: self.people,
            responses: self.responses,
            rated: self.rating.answered,
            satisfaction: self.rating.mean().filter(|_| shown),
            csat: self.rating.csat().filter(|_| shown),
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

/// The columns the per-event subqueries of the report name.
#[derive(DeriveIden)]
enum Report {
    Seated,
    Came,
    Surveyed,
    Ratings,
    EventId,
    Signups,
    Attended,
    People,
    Responses,
    Answered,
    Total,
    Satisfied,
    Events,
}

pub async fn open_month(state: &AppState, year: i32) -> Result<OpenMonthReport> {
    let (from, to) = year_bounds(state, year)?;
    let now = state.clock.now();
    // The open days held in the year, as a subquery: everything is counted and summed in the
    // database, so the report answers in the same memory for ten open days or a million.
    let held = Query::select()
        .column(event::Column::Id)
        .from(event::Entity)
        .and_where(event::Column::Status.eq(name(EventStatus::Published)))
        .and_where(event::Column::StartsAt.gte(from))
        .and_where(event::Column::StartsAt.lt(to))
        .and_where(event::Column::EndsAt.lte(now))
        .to_owned();
    let groups = tallies_by_theme_and_host(&state.db, &held).await?;

    let departments = Directory::load(&state.db).await?;
    let by_theme = Theme::ALL
        .into_iter()
        .map(|theme| ThemeFigures {
            theme,
            figures: Tally::sum(groups.iter().filter(|g| g.0 == theme).map(|g| &g.2)).figures(),
        })
        .collect();
    let mut hosts: Vec<Uuid> = groups.iter().map(|g| g.1).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let mut by_department: Vec<DepartmentFigures> = hosts
        .into_iter()
        .map(|host| DepartmentFigures {
            department: departments.get(host),
            figures: Tally::sum(groups.iter().filter(|g| g.1 == host).map(|g| &g.2)).figures(),
        })
        .collect();
    by_department.sort_by(|a, b| a.department.code.cmp(&b.department.code));

    Ok(OpenMonthReport {
        year,
        overall: Tally::sum(groups.iter().map(|g| &g.2)).figures(),
        by_theme,
        by_department,
        lowest_rated: lowest_rated(&state.db, &held).await?,
    })
}

/// The open days of `held` summed per theme and host department: their seats taken, who
/// came, and their surveys' responses and overall ratings (once the results are published).
async fn tallies_by_theme_and_host(
    db: &DatabaseConnection,
    held: &SelectStatement,
) -> Result<Vec<(Theme, Uuid, Tally)>> {
    let signups_of_held = || {
        Query::select()
            .column(signup::Column::EventId)
            .from(signup::Entity)
            .and_where(signup::Column::EventId.in_subquery(held.clone()))
            .group_by_col(signup::Column::EventId)
            .to_owned()
    };
    let seated = signups_of_held()
        .expr_as(Expr::col(signup::Column::Id).count(), Report::Signups)
        .and_where(signup::Column::Status.eq(name(SignupStatus::Confirmed)))
        .to_owned();
    let came = signups_of_held()
        .expr_as(Expr::col(signup::Column::Id).count(), Report::Attended)
        .expr_as(
            Func::sum(Expr::col(signup::Column::PartySize)),
            Report::People,
        )
        .and_where(signup::Column::CheckedInAt.is_not_null())
        .to_owned();
    let of_event = |table: Report| {
        Expr::col((table, Report::EventId)).equals((event::Entity, event::Column::Id))
    };
    let summed = |table: Report, column: Report| {
        SimpleExpr::from(Func::coalesce([
            Func::sum(Expr::col((table, column))).into(),
            Expr::val(0).into(),
        ]))
        .cast_as(Alias::new("bigint"))
    };
    let statement = Query::select()
        .column((event::Entity, event::Column::Theme))
        .column((event::Entity, event::Column::HostDepartmentId))
        .expr_as(
            Expr::col((event::Entity, event::Column::Id)).count(),
            Report::Events,
        )
        .expr_as(summed(Report::Seated, Report::Signups), Report::Signups)
        .expr_as(summed(Report::Came, Report::Attended), Report::Attended)
        .expr_as(summed(Report::Came, Report::People), Report::People)
        .expr_as(
            summed(Report::Surveyed, Report::Responses),
            Report::Responses,
        )
        .expr_as(summed(Report::Surveyed, Report::Answered), Report::Answered)
        .expr_as(summed(Report::Surveyed, Report::Total), Report::Total)
        .expr_as(
            summed(Report::Surveyed, Report::Satisfied),
            Report::Satisfied,
        )
        .from(event::Entity)
        .join_subquery(
            JoinType::LeftJoin,
            seated,
            Report::Seated,
            of_event(Report::Seated),
        )
        .join_subquery(
            JoinType::LeftJoin,
            came,
            Report::Came,
            of_event(Report::Came),
        )
        .join_subquery(
            JoinType::LeftJoin,
            surveyed(held),
            Report::Surveyed,
            of_event(Report::Surveyed),
        )
        .and_where(Expr::col((event::Entity, event::Column::Id)).in_subquery(held.clone()))
        .group_by_col((event::Entity, event::Column::Theme))
        .group_by_col((event::Entity, event::Column::HostDepartmentId))
        .to_owned();
    let rows = db
        .query_all(db.get_database_backend().build(&statement))
        .await?;
    rows.into_iter()
        .map(|row| {
            let tally = Tally {
                events: number(&row, Report::Events)?,
                signups: number(&row, Report::Signups)?,
                attended: number(&row, Report::Attended)?,
                people: number(&row, Report::People)?,
                responses: number(&row, Report::Responses)?,
                rating: rating_of(&row)?,
            };
            let theme: String = row.try_get("", "theme")?;
            Ok((
                parse(&theme)?,
                row.try_get("", "host_department_id")?,
                tally,
            ))
        })
        .collect()
}

/// The open days of `held` with at least `MIN_RESPONSES_FOR_BREAKDOWN` published overall
/// ratings, the `LOWEST_RATED` lowest by their mean.
async fn lowest_rated(db: &DatabaseConnection, held: &SelectStatement) -> Result<Vec<RatedEvent>> {
    let rating = |column: Report| Expr::col((Report::Surveyed, column));
    let statement = Query::select()
        .columns([
            (event::Entity, event::Column::Id),
            (event::Entity, event::Column::Title),
            (event::Entity, event::Column::Theme),
        ])
        .expr_as(rating(Report::Responses), Report::Responses)
        .expr_as(rating(Report::Answered), Report::Answered)
        .expr_as(rating(Report::Total), Report::Total)
        .expr_as(rating(Report::Satisfied), Report::Satisfied)
        .from(event::Entity)
        .join_subquery(
            JoinType::InnerJoin,
            surveyed(held),
            Report::Surveyed,
            Expr::col((Report::Surveyed, Report::EventId))
                .equals((event::Entity, event::Column::Id)),
        )
        .and_where(rating(Report::Answered).gte(MIN_RESPONSES_FOR_BREAKDOWN as i64))
        .order_by_expr(
            rating(Report::Total).mul(1.0).div(rating(Report::Answered)),
            Order::Asc,
        )
        .order_by((event::Entity, event::Column::Title), Order::Asc)
        .limit(LOWEST_RATED)
        .to_owned();
    let rows = db
        .query_all(db.get_database_backend().build(&statement))
        .await?;
    rows.into_iter()
        .map(|row| {
            let rating = rating_of(&row)?;
            let theme: String = row.try_get("", "theme")?;
            Ok(RatedEvent {
                event_id: row.try_get("", "id")?,
                title: row.try_get("", "title")?,
                theme: parse(&theme)?,
                responses: number(&row, Report::Responses)?,
                rated: rating.answered,
                satisfaction: rating.mean(),
                csat: rating.csat(),
            })
        })
        .collect()
}

/// A count or sum the report's query named `column`.
fn number(row: &QueryResult, column: Report) -> Result<u64> {
    Ok(count(row.try_get::<i64>("", &column.to_string())?))
}

/// The overall ratings a row of the report's query sums.
fn rating_of(row: &QueryResult) -> Result<Satisfaction> {
    Ok(Satisfaction {
        answered: number(row, Report::Answered)?,
        sum: number(row, Report::Total)?,
        satisfied: number(row, Report::Satisfied)?,
    })
}

/// Per open day of `held` with a survey: its responses, and the ratings of its overall
/// question (`rules::overall`: the survey's first rating question) once staff have
/// published its results (before, they are staff's alone).
fn surveyed(held: &SelectStatement) -> SelectStatement {
    let published = Query::select()
        .column(survey::Column::Id)
        .from(survey::Entity)
        .and_where(survey::Column::SubjectKind.eq("event"))
        .and_where(survey::Column::SubjectId.in_subquery(held.clone()))
        .and_where(survey::Column::ResultsPublishedAt.is_not_null())
        .to_owned();
    let first = Alias::new("first");
    let first_rating = Query::select()
        .expr(Expr::col((first.clone(), survey_question::Column::Position)).min())
        .from_as(survey_question::Entity, first.clone())
        .and_where(
            Expr::col((first.clone(), survey_question::Column::SurveyId))
                .equals((survey_question::Entity, survey_question::Column::SurveyId)),
        )
        .and_where(Expr::col((first, survey_question::Column::Kind)).eq(name(QuestionKind::Rating)))
        .to_owned();
    let value = || Expr::col((survey_answer::Entity, survey_answer::Column::Value));
    let ratings = Query::select()
        .column((survey_question::Entity, survey_question::Column::SurveyId))
        .expr_as(value().count(), Report::Answered)
        .expr_as(Func::sum(value()), Report::Total)
        .expr_as(
            Func::sum(SimpleExpr::Case(Box::new(
                Expr::case(value().gte(SATISFIED_FROM), 1).finally(0),
            ))),
            Report::Satisfied,
        )
        .from(survey_question::Entity)
        .inner_join(
            survey_answer::Entity,
            Expr::col((survey_answer::Entity, survey_answer::Column::QuestionId))
                .equals((survey_question::Entity, survey_question::Column::Id)),
        )
        .and_where(
            Expr::col((survey_question::Entity, survey_question::Column::Kind))
                .eq(name(QuestionKind::Rating)),
        )
        .and_where(
            Expr::col((survey_question::Entity, survey_question::Column::SurveyId))
                .in_subquery(published),
        )
        .and_where(
            Expr::col((survey_question::Entity, survey_question::Column::Position))
                .in_subquery(first_rating),
        )
        .group_by_col((survey_question::Entity, survey_question::Column::SurveyId))
        .to_owned();
    let rating = |column: Report| Expr::col((Report::Ratings, column));
    Query::select()
        .expr_as(
            Expr::col((survey::Entity, survey::Column::SubjectId)),
            Report::EventId,
        )
        .expr_as(
            Expr::col((survey::Entity, survey::Column::ResponseSeq)).cast_as(Alias::new("bigint")),
            Report::Responses,
        )
        .expr_as(rating(Report::Answered), Report::Answered)
        .expr_as(rating(Report::Total), Report::Total)
        .expr_as(rating(Report::Satisfied), Report::Satisfied)
        .from(survey::Entity)
        .join_subquery(
            JoinType::LeftJoin,
            ratings,
            Report::Ratings,
            Expr::col((Report::Ratings, survey_question::Column::SurveyId))
                .equals((survey::Entity, survey::Column::Id))
                .and(Expr::col((survey::Entity, survey::Column::ResultsPublishedAt)).is_not_null()),
        )
        .and_where(Expr::col((survey::Entity, survey::Column::SubjectKind)).eq("event"))
        .and_where(Expr::col((survey::Entity, survey::Column::SubjectId)).in_subquery(held.clone()))
        .to_owned()
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
