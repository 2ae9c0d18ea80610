//! The rules of a decision's chain: who may move it, when, and what each step discloses.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{comment, decision, decision_event, department, draft, draft_section};
use sea_orm::{
    sea_query::{Expr, Func, LikeExpr},
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{
        Consultation, ConsultationRequest, Decision, DecisionPatch, DecisionResult,
        DecisionSummary, Deliberation, DeliberationRequest, Document, Draft, DraftChanges,
        DraftSection, NewDecision, NewDraft, ResultRequest, TimelineEntry, WithdrawalRequest,
    },
    rules::{self, Move, Window},
    sections,
    stage::Stage,
};
use crate::{
    audit,
    auth::{Role, Session},
    db,
    departments::{Department, Directory},
    enums::{name, parse},
    error::{Error, FieldCode, Result, UniqueIndex},
    input,
    pagination::{Page, PageRequest, TimePageRequest},
    state::AppState,
    timestamp::Timestamp,
};

const DRAFT_VERSION_TAKEN: UniqueIndex = UniqueIndex {
    name: "ux_drafts_decision_version",
    sqlite_columns: "drafts.decision_id, drafts.version",
    code: "draft_version_taken",
    detail: "another version was published at the same time; reload and retry",
};

/// Filters of the public catalog.
#[derive(Default)]
pub struct CatalogFilter {
    pub year: Option<i32>,
    pub stage: Option<Stage>,
    pub department_id: Option<Uuid>,
    /// Words in the title or summary.
    pub text: Option<String>,
}

pub async fn create(state: &AppState, session: &Session, form: NewDecision) -> Result<Decision> {
    if !(session.has(Role::Staff) || session.has(Role::Admin)) {
        return Err(Error::Forbidden(
            "only staff and admins create decisions".into(),
        ));
    }
    let sponsor_id = match (form.sponsor_department_id, session.department_id) {
        (Some(id), _) => id,
        (None, Some(own)) if session.has(Role::Staff) => own,
        (None, _) => {
            return Err(Error::invalid(
                "sponsor_department_id",
                FieldCode::Required,
                "name the sponsoring department",
            ))
        }
    };
    session.require_manager_of(sponsor_id)?;
    let title = input::single_line("title", &form.title)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    department::Entity::find_by_id(sponsor_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::invalid(
                "sponsor_department_id",
                FieldCode::NotFound,
                "no such department",
            )
        })?;
    let created = decision::ActiveModel {
        id: Set(Uuid::now_v7()),
        year: Set(form.year),
        title: Set(title),
        sponsor_department_id: Set(sponsor_id),
        summary: Set(form.summary.trim().to_string()),
        background: Set(form.background.trim().to_string()),
        legal_basis: Set(form.legal_basis.trim().to_string()),
        timetable: Set(form.timetable.trim().to_string()),
        stage: Set(Stage::Catalogued.as_str().to_string()),
        created_by: Set(Some(session.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let note = format!("列入{}年度重大行政决策事项目录", created.year);
    record_event(
        &txn,
        created.id,
        now,
        Stage::Catalogued.as_str(),
        Stage::Catalogued,
        note,
        &[],
        session,
    )
    .await?;
    audit_write(
        &txn,
        now,
        session,
        "decision.create",
        created.id,
        json!({"title": created.title, "year": created.year}),
    )
    .await?;
    txn.commit().await?;
    get(state, created.id).await
}

pub async fn list(
    state: &AppState,
    filter: CatalogFilter,
    page: PageRequest,
) -> Result<Page<DecisionSummary>> {
    let mut select = decision::Entity::find();
    if let Some(year) = filter.year {
        select = select.filter(decision::Column::Year.eq(year));
    }
    if let Some(id) = filter.department_id {
        select = select.filter(decision::Column::SponsorDepartmentId.eq(id));
    }
    if let Some(stage) = filter.stage {
        select = select.filter(stage_condition(stage, state.clock.now()));
    }
    if let Some(text) = input::query_text("q", filter.text.as_deref())?
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = format!(
            "%{}%",
            text.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let contains = |col: decision::Column| {
            Expr::expr(Func::lower(Expr::col(col)))
                .like(LikeExpr::new(pattern.as_str()).escape('\\'))
        };
        select = select.filter(
            Condition::any()
                .add(contains(decision::Column::Title))
                .add(contains(decision::Column::Summary)),
        );
    }
    let rows = page
        .apply(select, decision::Column::Id)
        .all(&state.db)
        .await?;
    let departments = Directory::load(&state.db).await?;
    let now = state.clock.now();
    page.page(
        rows,
        |d| d.id,
        |d| {
            Ok(DecisionSummary {
                id: d.id,
                year: d.year,
                stage: Stage::of(&d, now)?,
                sponsor: departments.get(d.sponsor_department_id),
                title: d.title,
                summary: d.summary,
                consultation_closes_at: d.consultation_closes_at.map(Into::into),
            })
        },
    )
}

/// Decisions in `stage` at `now`, where a consultation opens and closes by the clock: the SQL
/// form of `Window::scheduled` and `Window::closed_by_clock`.
fn stage_condition(stage: Stage, now: DateTime<Utc>) -> Condition {
    let stored = |s: Stage| decision::Column::Stage.eq(s.as_str());
    match stage {
        Stage::DraftPublished => Condition::any().add(stored(Stage::DraftPublished)).add(
            Condition::all()
                .add(stored(Stage::ConsultationOpen))
                .add(decision::Column::ConsultationOpensAt.gt(now)),
        ),
        Stage::ConsultationOpen => Condition::all()
            .add(stored(Stage::ConsultationOpen))
            .add(decision::Column::ConsultationOpensAt.lte(now))
            .add(decision::Column::ConsultationClosesAt.gt(now)),
        Stage::ConsultationClosed => Condition::any().add(stored(Stage::ConsultationClosed)).add(
            Condition::all()
                .add(stored(Stage::ConsultationOpen))
                .add(decision::Column::ConsultationClosesAt.lte(now)),
        ),
        other => Condition::all().add(stored(other)),
    }
}

pub async fn get(state: &AppState, id: Uuid) -> Result<Decision> {
    let decision = load(&state.db, id).await?;
    let sponsor = Directory::load(&state.db)
        .await?
        .get(decision.sponsor_department_id);
    let current_draft_version = latest_draft(&state.db, id).await?.map(|d| d.version);
    view(decision, sponsor, current_draft_version, state.clock.now())
}

pub async fn update(
    state: &AppState,
    session: &Session,
    id: Uuid,
    patch: DecisionPatch,
) -> Result<Decision> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let decision = load_locked(&txn, id).await?;
    session.require_manager_of(decision.sponsor_department_id)?;
    let stage = Stage::of(&decision, now)?;
    Move::EditCatalog.check(stage)?;
    let mut changed = decision::ActiveModel {
        id: Set(id),
        updated_at: Set(now),
        ..Default::default()
    };
    // What really changes, for the public timeline (标题 in full, the long texts by name).
    let mut fields = Vec::new();
    let mut notes = Vec::new();
    if let Some(title) = &patch.title {
        let title = input::single_line("title", title)?;
        if title != decision.title {
            notes.push(format!("标题由《{}》改为《{title}》", decision.title));
            fields.push("title");
            changed.title = Set(title);
        }
    }
    for (name, label, value, current, column) in [
        (
            "summary",
            "摘要",
            &patch.summary,
            &decision.summary,
            &mut changed.summary,
        ),
        (
            "background",
            "背景",
            &patch.background,
            &decision.background,
            &mut changed.background,
        ),
        (
            "legal_basis",
            "法律依据",
            &patch.legal_basis,
            &decision.legal_basis,
            &mut changed.legal_basis,
        ),
        (
            "timetable",
            "时间安排",
            &patch.timetable,
            &decision.timetable,
            &mut changed.timetable,
        ),
    ] {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| v != current) {
            *column = Set(value.to_string());
            fields.push(name);
            notes.push(format!("{label}已更新"));
        }
    }
    if fields.is_empty() {
        // Nothing to write: let go of the row (and, on SQLite, the connection) first.
        txn.rollback().await?;
        return get(state, id).await;
    }
    changed.update(&txn).await?;
    let note = format!("决策事项信息更新：{}", notes.join("；"));
    record_event(&txn, id, now, "details_updated", stage, note, &[], session).await?;
    audit_write(
        &txn,
        now,
        session,
        "decision.update",
        id,
        json!({ "fields": fields }),
    )
    .await?;
    txn.commit().await?;
    get(state, id).await
}

pub async fn timeline(
    state: &AppState,
    id: Uuid,
    page: TimePageRequest,
) -> Result<Page<TimelineEntry>> {
    let decision = load(&state.db, id).await?;
    let now = state.clock.now();
    // What has happened: a consultation scheduled to open later shows once it has opened.
    let select = decision_event::Entity::find()
        .filter(decision_event::Column::DecisionId.eq(id))
        .filter(decision_event::Column::At.lte(now));
    let rows = page
        .apply(
            select,
            decision_event::Column::At,
            decision_event::Column::Id,
        )
        .all(&state.db)
        .await?;
    let mut entries = page.page(rows, |e| (e.at, e.id), entry)?;
    // The close the clock made ends the timeline: it comes last, on the last page.
    if entries.next_cursor.is_none() {
        if let Some(closed) = closed_by_clock(&decision, now) {
            entries.items.push(entry(closed)?);
        }
    }
    Ok(entries)
}

/// The timeline entry of a consultation that the clock has closed but no write has recorded
/// yet; the next step of the chain records it.
fn closed_by_clock(
    decision: &decision::Model,
    now: DateTime<Utc>,
) -> Option<decision_event::Model> {
    let window = window_of(decision)?;
    let stored = parse(&decision.stage).ok()?;
    window
        .closed_by_clock(stored, now)
        .then(|| decision_event::Model {
            id: Uuid::now_v7(),
            decision_id: decision.id,
            at: window.closes_at,
            kind: Stage::ConsultationClosed.as_str().into(),
            stage: Stage::ConsultationClosed.as_str().into(),
            note: Some("征求意见期限届满".into()),
            documents: json!([]),
            actor_user_id: None,
        })
}

fn entry(event: decision_event::Model) -> Result<TimelineEntry> {
    Ok(TimelineEntry {
        id: event.id,
        at: event.at.into(),
        stage: parse(&event.stage)?,
        kind: event.kind,
        note: event.note,
        documents: serde_json::from_value(event.documents).unwrap_or_default(),
    })
}

pub async fn publish_draft(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: NewDraft,
) -> Result<Draft> {
    let step = Step::begin(state, session, id, Move::PublishDraft).await?;
    let body = input::multi_line("body", &form.body)?;
    let changelog = input::optional_text("changelog", form.changelog.as_deref())?;
    let previous = latest_draft(&step.txn, id).await?;
    if previous.is_some() && changelog.is_none() {
        return Err(Error::invalid(
            "changelog",
            FieldCode::Required,
            "say what changed from the previous version",
        ));
    }
    let version = previous.as_ref().map_or(1, |d| d.version + 1);
    let created = draft::ActiveModel {
        id: Set(Uuid::now_v7()),
        decision_id: Set(id),
        version: Set(version),
        body: Set(body),
        changelog: Set(changelog.clone()),
        published_at: Set(step.now),
        created_by: Set(Some(session.user_id)),
    }
    .insert(&step.txn)
    .await
    .map_err(|err| DRAFT_VERSION_TAKEN.conflict(err))?;
    for (position, section) in sections::split(&created.body).into_iter().enumerate() {
        draft_section::ActiveModel {
            id: Set(Uuid::now_v7()),
            draft_id: Set(created.id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            anchor: Set(section.anchor),
            heading: Set(section.heading),
            body: Set(section.body),
        }
        .insert(&step.txn)
        .await?;
    }
    let kind = match step.stage {
        Stage::Catalogued => Stage::DraftPublished.as_str(),
        _ => "draft_revised",
    };
    let note = match &changelog {
        Some(log) => format!("第{version}稿：{log}"),
        None => format!("公布决策草案（第{version}稿）"),
    };
    let entry = Entry {
        kind,
        note,
        documents: &form.documents,
        at: None,
        audit: ("draft.publish", json!({"version": version})),
    };
    step.finish(session, <DecisionChanges as Default>::default(), entry)
        .await?;
    let versions = draft::Entity::find()
        .filter(draft::Column::DecisionId.eq(id))
        .filter(draft::Column::Version.between(version - 1, version))
        .order_by_asc(draft::Column::Version)
        .all(&state.db)
        .await?;
    draft_views(&state.db, id, versions)
        .await?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("the draft just published is missing").into())
}

/// The versions, newest first, a page at a time, each with its sections, their published
/// comment counts, and what changed since the version before.
pub async fn drafts(state: &AppState, id: Uuid, page: PageRequest) -> Result<Page<Draft>> {
    load(&state.db, id).await?;
    let select = draft::Entity::find().filter(draft::Column::DecisionId.eq(id));
    let rows = page.apply(select, draft::Column::Id).all(&state.db).await?;
    let before = match rows.last() {
        Some(oldest) => {
            draft::Entity::find()
                .filter(draft::Column::DecisionId.eq(id))
                .filter(draft::Column::Version.eq(oldest.version - 1))
                .one(&state.db)
                .await?
        }
        None => None,
    };
    let versions = before
        .into_iter()
        .chain(rows.iter().rev().cloned())
        .collect();
    let mut views: HashMap<Uuid, Draft> = draft_views(&state.db, id, versions)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    page.page(
        rows,
        |d| d.id,
        |d| {
            views
                .remove(&d.id)
                .ok_or_else(|| anyhow::anyhow!("a draft without its view").into())
        },
    )
}

/// `versions` (consecutive, oldest first) as the API shows them, in the same order; each but
/// the first tells what changed since the one before it.
async fn draft_views(
    db: &impl ConnectionTrait,
    id: Uuid,
    versions: Vec<draft::Model>,
) -> Result<Vec<Draft>> {
    let ids: Vec<Uuid> = versions.iter().map(|d| d.id).collect();
    let mut sections_of: HashMap<Uuid, Vec<draft_section::Model>> = HashMap::new();
    for section in draft_section::Entity::find()
        .filter(draft_section::Column::DraftId.is_in(ids))
        .order_by_asc(draft_section::Column::Position)
        .all(db)
        .await?
    {
        sections_of
            .entry(section.draft_id)
            .or_default()
            .push(section);
    }
    let counts: Vec<(Uuid, Option<String>, i64)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::DraftId)
        .column(comment::Column::SectionAnchor)
        .column_as(comment::Column::Id.count(), "count")
        .filter(comment::Column::DecisionId.eq(id))
        .filter(comment::Column::Status.eq("published"))
        .group_by(comment::Column::DraftId)
        .group_by(comment::Column::SectionAnchor)
        .into_tuple()
        .all(db)
        .await?;
    let count = |draft_id: Uuid, anchor: &str| {
        counts
            .iter()
            .find(|(d, a, _)| *d == draft_id && a.as_deref() == Some(anchor))
            .map_or(0, |(_, _, n)| u64::try_from(*n).unwrap_or(0))
    };
    let mut previous: Option<Vec<sections::Section>> = None;
    let mut out = Vec::new();
    for version in versions {
        let stored = sections_of.remove(&version.id).unwrap_or_default();
        let current: Vec<sections::Section> = stored
            .iter()
            .map(|s| sections::Section {
                anchor: s.anchor.clone(),
                heading: s.heading.clone(),
                body: s.body.clone(),
            })
            .collect();
        let changes = previous.as_ref().map(|before| {
            let changes = sections::changes(before, &current);
            DraftChanges {
                added: changes.added,
                removed: changes.removed,
                changed: changes.changed,
            }
        });
        out.push(Draft {
            id: version.id,
            version: version.version,
            published_at: version.published_at.into(),
            sections: stored
                .into_iter()
                .map(|s| DraftSection {
                    comment_count: count(version.id, &s.anchor),
                    anchor: s.anchor,
                    heading: s.heading,
                    body: s.body,
                })
                .collect(),
            body: version.body,
            changelog: version.changelog,
            changes,
        });
        previous = Some(current);
    }
    Ok(out)
}

/// Opens the consultation window, or extends an open one.
pub async fn open_consultation(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: ConsultationRequest,
) -> Result<Decision> {
    let step = Step::begin(state, session, id, Move::OpenConsultation).await?;
    let (decision, now) = (&step.decision, step.now);
    let current = window_of(decision)
        .filter(|_| step.stage == Stage::ConsultationOpen)
        .map(|open| (open, decision.shortened_reason.clone()));
    let extending = current.is_some();
    let opens_at = match &current {
        Some((open, _)) => open.opens_at,
        None => form.opens_at.unwrap_or(now),
    };
    let window = Window {
        opens_at,
        closes_at: form.closes_at,
    };
    let reason = input::optional_text("shortened_reason", form.shortened_reason.as_deref())?;
    // The same request again (a double tap, a retry) asks for the window already set.
    let stored = window_of(decision).filter(|_| decision.stage == Stage::ConsultationOpen.as_str());
    let same_reason = reason.is_none() || reason == decision.shortened_reason;
    if stored == Some(window) && same_reason {
        step.txn.rollback().await?;
        return get(state, id).await;
    }
    let floor = state.config.min_consultation;
    let shortened_reason =
        rules::check_window(window, current, reason, now, floor).map_err(Error::Invalid)?;
    let (kind, note) = if extending {
        (
            "consultation_extended",
            format!("征求意见截止时间延长至{}", local(state, form.closes_at)),
        )
    } else {
        let mut note = format!(
            "公开征求意见：{}至{}",
            local(state, opens_at),
            local(state, form.closes_at)
        );
        if let Some(reason) = &shortened_reason {
            note.push_str(&format!("（征求意见期限少于30日，理由：{reason}）"));
        }
        (Stage::ConsultationOpen.as_str(), note)
    };
    let changes = DecisionChanges {
        consultation_opens_at: Set(Some(opens_at)),
        consultation_closes_at: Set(Some(form.closes_at)),
        shortened_reason: Set(shortened_reason),
        ..Default::default()
    };
    let detail = json!({
        "opens_at": Timestamp(opens_at).to_wire(),
        "closes_at": Timestamp(form.closes_at).to_wire(),
        "extended": extending,
    });
    let entry = Entry {
        kind,
        note,
        documents: &[],
        at: Some(opens_at),
        audit: ("consultation.open", detail),
    };
    step.finish(session, changes, entry).await?;
    get(state, id).await
}

pub async fn record_deliberation(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: DeliberationRequest,
) -> Result<Decision> {
    let (now, tz) = (state.clock.now(), state.config.timezone);
    record_deliberation_in(&state.db, now, tz, Recorder::Sponsor(session), id, form).await?;
    get(state, id).await
}

/// On whose authority a step is recorded.
#[derive(Clone, Copy)]
pub enum Recorder<'a> {
    /// Staff of the sponsoring department, or an admin.
    Sponsor(&'a Session),
    /// The organiser of the executive meeting that deliberated the decision, whom the
    /// meetings area has checked.
    MeetingOrganiser(&'a Session),
}

impl<'a> Recorder<'a> {
    fn session(self) -> &'a Session {
        match self {
            Self::Sponsor(session) | Self::MeetingOrganiser(session) => session,
        }
    }
}

/// The seam through which another area (an executive meeting) records the deliberation of a
/// decision inside its own transaction `db`: the same rules, timeline entry and audit record
/// as `POST /decisions/{id}/deliberation`, undone if that transaction is.
pub async fn record_deliberation_in(
    db: &impl TransactionTrait,
    now: DateTime<Utc>,
    tz: Tz,
    recorder: Recorder<'_>,
    id: Uuid,
    form: DeliberationRequest,
) -> Result<()> {
    let session = recorder.session();
    let step = Step::begin_in(db, now, recorder, id, Move::Deliberate).await?;
    let day = |at: DateTime<Utc>| at.with_timezone(&tz).date_naive();
    let published = step.decision.feedback_published_at.map(day);
    rules::check_meeting_date(form.meeting_date, published, day(now))?;
    let meeting_number = input::single_line("meeting_number", &form.meeting_number)?;
    let changes = DecisionChanges {
        meeting_number: Set(Some(meeting_number.clone())),
        meeting_date: Set(Some(form.meeting_date)),
        deliberation_outcome: Set(Some(name(form.outcome))),
        deliberation_notes: Set(input::optional_text("notes", form.notes.as_deref())?),
        ..Default::default()
    };
    let entry = Entry {
        kind: Stage::Deliberated.as_str(),
        note: format!("{meeting_number}（{}）审议", form.meeting_date),
        documents: &form.documents,
        at: None,
        audit: (
            "decision.deliberate",
            json!({"meeting_number": meeting_number}),
        ),
    };
    step.finish(session, changes, entry).await
}

pub async fn record_result(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: ResultRequest,
) -> Result<Decision> {
    let step = Step::begin(state, session, id, Move::Decide).await?;
    let number = input::single_line("document_number", &form.document_number)?;
    let title = input::single_line("document_title", &form.document_title)?;
    let note = format!(
        "印发《{title}》（{number}），自{}起施行",
        form.effective_date
    );
    let changes = DecisionChanges {
        document_number: Set(Some(number.clone())),
        document_title: Set(Some(title)),
        effective_date: Set(Some(form.effective_date)),
        result_summary: Set(input::optional_text("summary", form.summary.as_deref())?),
        ..Default::default()
    };
    let entry = Entry {
        kind: Stage::Decided.as_str(),
        note,
        documents: &form.documents,
        at: None,
        audit: ("decision.result", json!({"document_number": number})),
    };
    step.finish(session, changes, entry).await?;
    get(state, id).await
}

pub async fn withdraw(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: WithdrawalRequest,
) -> Result<Decision> {
    let step = Step::begin(state, session, id, Move::Withdraw).await?;
    let reason = input::multi_line("reason", &form.reason)?;
    let changes = DecisionChanges {
        withdrawn_reason: Set(Some(reason.clone())),
        ..Default::default()
    };
    let entry = Entry {
        kind: Stage::Withdrawn.as_str(),
        note: reason,
        documents: &[],
        at: None,
        audit: ("decision.withdraw", json!({})),
    };
    step.finish(session, changes, entry).await?;
    get(state, id).await
}

/// Columns a step writes on the decision besides its stage.
pub(super) type DecisionChanges = decision::ActiveModel;

/// One step along a decision's chain: begun by staff allowed to take it, at a stage that
/// allows it, and finished with its timeline entry and audit record in one transaction.
pub(super) struct Step {
    pub txn: DatabaseTransaction,
    pub decision: decision::Model,
    pub step: Move,
    /// The stage now (an open consultation closes by the clock).
    pub stage: Stage,
    pub now: DateTime<Utc>,
}

/// What a step puts on the timeline and in the audit log.
pub(super) struct Entry<'a> {
    pub kind: &'a str,
    pub note: String,
    pub documents: &'a [Document],
    /// When it happens, if later than now (a consultation scheduled to open): the timeline
    /// shows it from then on.
    pub at: Option<DateTime<Utc>>,
    pub audit: (&'a str, serde_json::Value),
}

impl Step {
    pub async fn begin(state: &AppState, session: &Session, id: Uuid, step: Move) -> Result<Self> {
        let now = state.clock.now();
        Self::begin_in(&state.db, now, Recorder::Sponsor(session), id, step).await
    }

    /// Begins the step in `db`: the database, or another area's transaction (then the step
    /// is a savepoint in it, and lasts only if that transaction commits).
    pub async fn begin_in(
        db: &impl TransactionTrait,
        now: DateTime<Utc>,
        recorder: Recorder<'_>,
        id: Uuid,
        step: Move,
    ) -> Result<Self> {
        let txn = db.begin().await?;
        let decision = load_locked(&txn, id).await?;
        if let Recorder::Sponsor(session) = recorder {
            session.require_manager_of(decision.sponsor_department_id)?;
        }
        let stage = Stage::of(&decision, now)?;
        step.check(stage)?;
        Ok(Self {
            txn,
            decision,
            step,
            stage,
            now,
        })
    }

    /// Moves the decision to the stage its step leads to (writing `changes`), records
    /// `entry`, and commits. The move happens only if no one else moved the decision
    /// meanwhile; a consultation the clock closed gets its closing entry on the timeline first.
    pub async fn finish(
        self,
        session: &Session,
        mut changes: DecisionChanges,
        entry: Entry<'_>,
    ) -> Result<()> {
        let Self {
            txn,
            decision,
            step,
            stage,
            now,
        } = self;
        let to = step.to(stage);
        if let Some(closed) = closed_by_clock(&decision, now) {
            decision_event::ActiveModel::from(closed)
                .insert(&txn)
                .await?;
        }
        changes.stage = Set(to.as_str().to_string());
        changes.updated_at = Set(now);
        let moved = decision::Entity::update_many()
            .set(changes)
            .filter(decision::Column::Id.eq(decision.id))
            .filter(decision::Column::Stage.eq(decision.stage.as_str()))
            .exec(&txn)
            .await?;
        if moved.rows_affected == 0 {
            return Err(Error::conflict(
                "decision_changed",
                "the decision changed meanwhile; reload and retry",
            ));
        }
        record_event(
            &txn,
            decision.id,
            entry.at.map_or(now, |at| at.max(now)),
            entry.kind,
            to,
            entry.note,
            entry.documents,
            session,
        )
        .await?;
        let (action, detail) = entry.audit;
        audit_write(&txn, now, session, action, decision.id, detail).await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn record_event(
    txn: &impl ConnectionTrait,
    decision_id: Uuid,
    at: DateTime<Utc>,
    kind: &str,
    stage: Stage,
    note: String,
    documents: &[Document],
    session: &Session,
) -> Result<()> {
    decision_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        decision_id: Set(decision_id),
        at: Set(at),
        kind: Set(kind.to_string()),
        stage: Set(stage.as_str().to_string()),
        note: Set(Some(note)),
        documents: Set(serde_json::to_value(documents).map_err(anyhow::Error::from)?),
        actor_user_id: Set(Some(session.user_id)),
    }
    .insert(txn)
    .await?;
    Ok(())
}

pub(super) async fn audit_write(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    session: &Session,
    action: &str,
    decision_id: Uuid,
    detail: serde_json::Value,
) -> Result<()> {
    Ok(audit::record_write(txn, now, session, action, ("decision", decision_id), detail).await?)
}

/// The consultation window of `decision`, once one was opened.
pub(super) fn window_of(decision: &decision::Model) -> Option<Window> {
    Some(Window {
        opens_at: decision.consultation_opens_at?,
        closes_at: decision.consultation_closes_at?,
    })
}

pub(super) async fn load(db: &impl ConnectionTrait, id: Uuid) -> Result<decision::Model> {
    db::find::<decision::Entity>(db, id, "decision").await
}

/// Loads a decision and locks its row until the transaction ends, so that writes about it
/// (a stage move, a comment's outcome) happen one after another.
pub(super) async fn load_locked(txn: &DatabaseTransaction, id: Uuid) -> Result<decision::Model> {
    db::find_locked::<decision::Entity>(txn, id, "decision").await
}

/// Loads a decision and keeps its stage from moving until the transaction ends: comments
/// share the row, so they go on side by side, each wholly before or after a stage move.
pub(super) async fn load_shared(txn: &DatabaseTransaction, id: Uuid) -> Result<decision::Model> {
    db::find_shared::<decision::Entity>(txn, id, "decision").await
}

pub(super) async fn latest_draft(
    db: &impl ConnectionTrait,
    decision_id: Uuid,
) -> Result<Option<draft::Model>> {
    Ok(draft::Entity::find()
        .filter(draft::Column::DecisionId.eq(decision_id))
        .order_by_desc(draft::Column::Version)
        .one(db)
        .await?)
}

fn local(state: &AppState, at: DateTime<Utc>) -> String {
    Timestamp(at).in_words(state.config.timezone)
}

fn view(
    d: decision::Model,
    sponsor: Department,
    current_draft_version: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Decision> {
    let stage = Stage::of(&d, now)?;
    let consultation = window_of(&d).map(|window| Consultation {
        opens_at: window.opens_at.into(),
        closes_at: window.closes_at.into(),
        shortened_reason: d.shortened_reason.clone(),
        is_open: window.is_open(stage, now),
    });
    let outcome = d.deliberation_outcome.as_deref().map(parse).transpose()?;
    let deliberation = match (d.meeting_number, d.meeting_date, outcome) {
        (Some(meeting_number), Some(meeting_date), Some(outcome)) => Some(Deliberation {
            meeting_number,
            meeting_date,
            outcome,
            notes: d.deliberation_notes,
        }),
        _ => None,
    };
    let result = match (d.document_number, d.document_title, d.effective_date) {
        (Some(document_number), Some(document_title), Some(effective_date)) => {
            Some(DecisionResult {
                document_number,
                document_title,
                effective_date,
                summary: d.result_summary,
            })
        }
        _ => None,
    };
    Ok(Decision {
        id: d.id,
        year: d.year,
        title: d.title,
        sponsor,
        stage,
        summary: d.summary,
        background: d.background,
        legal_basis: d.legal_basis,
        timetable: d.timetable,
        current_draft_version,
        consultation,
        feedback_published_at: d.feedback_published_at.map(Into::into),
        deliberation,
        result,
        withdrawn_reason: d.withdrawn_reason,
        created_at: d.created_at.into(),
        updated_at: d.updated_at.into(),
    })
}
