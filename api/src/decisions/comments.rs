//! The rules of comments: the window, moderation, outcomes, the computed feedback report,
//! the export.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use entity::{comment, decision, draft, draft_section};
use rand::Rng;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{
        Channel, Comment, CommentReceipt, CommentStatus, FeedbackReport, ModerationAction,
        ModerationRequest, NewComment, NotAdoptedReason, Outcome, OutcomeCounts, OutcomeRequest,
        RejectionCount, RejectionReason, SectionFeedback,
    },
    rules::{self, Move},
    service::{
        audit_write, latest_draft, load, load_locked, load_shared, window_of, DecisionChanges,
        Entry, Step,
    },
    stage::Stage,
};
use crate::{
    auth::Session,
    enums::{name, parse},
    error::{Error, FieldCode, Result, UniqueIndex},
    export::{csv_line, stream_by_id},
    idempotency, input,
    notices::{Notice, NoticeKind},
    outbox,
    pagination::{Page, PageRequest},
    privacy,
    state::AppState,
    throttle::Limit,
    timestamp::Timestamp,
};

/// Comments one person may submit in an hour.
const COMMENTS: Limit = Limit {
    name: "comments",
    max: 10,
    window: Duration::from_secs(60 * 60),
    code: "too_many_comments",
    detail: "at most 10 comments an hour",
};

const TRACKING_NUMBER_TAKEN: UniqueIndex = UniqueIndex {
    name: "ux_comments_tracking_number",
    sqlite_columns: "comments.tracking_number",
    code: "tracking_number_taken",
    detail: "no free tracking number was found; retry",
};

pub async fn submit(
    state: &AppState,
    session: &Session,
    decision_id: Uuid,
    form: NewComment,
) -> Result<Comment> {
    let now = state.clock.now();
    // Sharing the decision's row, a comment is wholly before or after a stage move such as
    // publishing the feedback report; comments do not wait for each other.
    let txn = state.db.begin().await?;
    let decision = load_shared(&txn, decision_id).await?;
    let stage = Stage::of(&decision, now)?;
    let offline = form.channel.filter(|c| *c != Channel::Online);
    let body = input::multi_line("body", &form.body)?;
    let (author_name, author_user_id, status) = match offline {
        Some(_) => {
            session.require_manager_of(decision.sponsor_department_id)?;
            Move::RecordOfflineComment.check(stage)?;
            let name = form.author_name.as_deref().ok_or_else(|| {
                Error::invalid("author_name", FieldCode::Required, "name the author")
            })?;
            // Staff transcribed it, so it is published at once.
            (
                input::single_line("author_name", name)?,
                None,
                CommentStatus::Published,
            )
        }
        None => {
            let window_open = window_of(&decision).is_some_and(|w| w.is_open(stage, now));
            if !window_open {
                return Err(Error::conflict(
                    "consultation_not_open",
                    "comments are accepted only while the consultation window is open",
                ));
            }
            COMMENTS
                .count(&state.cache, &session.user_id.to_string())
                .await?;
            let me = entity::user::Entity::find_by_id(session.user_id)
                .one(&txn)
                .await?
                .ok_or(Error::NotFound("user"))?;
            (
                me.display_name,
                Some(session.user_id),
                CommentStatus::Pending,
            )
        }
    };
    let draft = latest_draft(&txn, decision_id)
        .await?
        .ok_or(Error::NotFound("draft"))?;
    if let Some(anchor) = &form.section_anchor {
        let known = draft_section::Entity::find()
            .filter(draft_section::Column::DraftId.eq(draft.id))
            .filter(draft_section::Column::Anchor.eq(anchor))
            .one(&txn)
            .await?
            .is_some();
        if !known {
            return Err(Error::invalid(
                "section_anchor",
                FieldCode::NotFound,
                "no such section in the current draft",
            ));
        }
    }
    let channel = offline.unwrap_or(Channel::Online);
    let mut attempt = 0;
    let created = loop {
        let row = comment::ActiveModel {
            id: Set(Uuid::now_v7()),
            decision_id: Set(decision_id),
            draft_id: Set(draft.id),
            section_anchor: Set(form.section_anchor.clone()),
            author_user_id: Set(author_user_id),
            author_name: Set(author_name.clone()),
            name_consent: Set(form.name_consent && offline.is_none()),
            channel: Set(name(channel)),
            body: Set(body.clone()),
            tracking_number: Set(tracking_number(decision.year)),
            status: Set(name(status)),
            created_at: Set(now),
            moderated_at: Set(offline.map(|_| now)),
            ..Default::default()
        };
        // A savepoint, so that a taken tracking number does not abort the transaction.
        let savepoint = txn.begin().await?;
        match row.insert(&savepoint).await {
            Ok(created) => {
                savepoint.commit().await?;
                break created;
            }
            // One in a billion; draw another number.
            Err(err) if TRACKING_NUMBER_TAKEN.is_violated_by(&err) && attempt < 3 => {
                savepoint.rollback().await?;
                attempt += 1;
            }
            Err(err) => return Err(TRACKING_NUMBER_TAKEN.conflict(err)),
        }
    };
    if offline.is_some() {
        let detail = json!({"comment_id": created.id, "channel": created.channel});
        audit_write(
            &txn,
            now,
            session,
            "comment.record_offline",
            decision_id,
            detail,
        )
        .await?;
    }
    idempotency::record_in(&txn, now).await?;
    txn.commit().await?;
    view(created, draft.version, Audience::Author, false)
}

/// `YP-2021-7K3M9Q`: short enough to read out on the phone, without 0/O or 1/I.
fn tracking_number(year: i32) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let code: String = (0..6)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("YP-{year}-{code}")
}

/// Who is looking at a comment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    /// Its author: also the tracking number and the moderation status.
    Author,
    /// Staff of the sponsoring department: everything, outcomes before they are published.
    Staff,
}

/// What the comment list shows.
pub enum CommentFilter {
    /// Published comments, for everyone.
    Published,
    /// The caller's own comments, in any status.
    Mine(Uuid),
    /// Staff: comments in a status (the moderation queue is `Pending`).
    Status(CommentStatus),
}

pub async fn list(
    state: &AppState,
    session: Option<&Session>,
    decision_id: Uuid,
    filter: CommentFilter,
    outcome: Option<Outcome>,
    page: PageRequest,
) -> Result<Page<Comment>> {
    let decision = load(&state.db, decision_id).await?;
    let mut select = comment::Entity::find().filter(comment::Column::DecisionId.eq(decision_id));
    let audience = match filter {
        CommentFilter::Published => {
            select = select.filter(comment::Column::Status.eq(name(CommentStatus::Published)));
            Audience::Public
        }
        CommentFilter::Mine(user_id) => {
            select = select.filter(comment::Column::AuthorUserId.eq(user_id));
            Audience::Author
        }
        CommentFilter::Status(status) => {
            let session = session.ok_or(Error::Unauthorized {
                code: "unauthorized",
                detail: "log in as staff".into(),
            })?;
            session.require_manager_of(decision.sponsor_department_id)?;
            select = select.filter(comment::Column::Status.eq(name(status)));
            Audience::Staff
        }
    };
    if let Some(outcome) = outcome {
        // Outcomes are public with the feedback report: before it, none is known but to staff.
        let known = decision.feedback_published_at.is_some() || audience == Audience::Staff;
        let outcome = known.then(|| name(outcome));
        select = select.filter(comment::Column::Outcome.eq(outcome));
    }
    let rows = page
        .apply(select, comment::Column::Id)
        .all(&state.db)
        .await?;
    let versions = draft_versions(&state.db, decision_id).await?;
    page.page(
        rows,
        |c| c.id,
        |c| {
            let version = versions.get(&c.draft_id).copied().unwrap_or(1);
            view(
                c,
                version,
                audience,
                decision.feedback_published_at.is_some(),
            )
        },
    )
}

async fn draft_versions(
    db: &impl ConnectionTrait,
    decision_id: Uuid,
) -> Result<BTreeMap<Uuid, i32>> {
    Ok(draft::Entity::find()
        .filter(draft::Column::DecisionId.eq(decision_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.version))
        .collect())
}

/// Loads a comment for staff of the sponsoring department while its comments are being
/// handled: during the consultation and after it, until the feedback report.
async fn managed_comment(
    db: &DatabaseTransaction,
    session: &Session,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(comment::Model, decision::Model)> {
    let found = comment::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("comment"))?;
    let decision = load_locked(db, found.decision_id).await?;
    session.require_manager_of(decision.sponsor_department_id)?;
    Move::ManageComments.check(Stage::of(&decision, now)?)?;
    Ok((found, decision))
}

/// Writes staff's change to a comment with its audit record; returns it as staff see it.
async fn save_managed(
    state: &AppState,
    txn: DatabaseTransaction,
    session: &Session,
    change: comment::ActiveModel,
    audit: (&str, serde_json::Value),
) -> Result<Comment> {
    let now = state.clock.now();
    let updated = change.update(&txn).await?;
    audit_write(&txn, now, session, audit.0, updated.decision_id, audit.1).await?;
    txn.commit().await?;
    let versions = draft_versions(&state.db, updated.decision_id).await?;
    let version = versions.get(&updated.draft_id).copied().unwrap_or(1);
    view(updated, version, Audience::Staff, true)
}

pub async fn moderate(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: ModerationRequest,
) -> Result<Comment> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (found, decision) = managed_comment(&txn, session, id, now).await?;
    let (status, reason) = match (form.action, form.reason) {
        (ModerationAction::Publish, _) => (CommentStatus::Published, None),
        (ModerationAction::Reject, Some(reason)) => (CommentStatus::Rejected, Some(reason)),
        (ModerationAction::Reject, None) => {
            return Err(Error::invalid(
                "reason",
                FieldCode::Required,
                "say why the comment is rejected",
            ))
        }
    };
    let mut active: comment::ActiveModel = found.clone().into();
    active.status = Set(name(status));
    active.rejection_reason = Set(reason.map(name));
    active.moderated_at = Set(Some(now));
    if status == CommentStatus::Rejected {
        // A rejected comment is not part of the feedback report.
        active.outcome = Set(None);
        active.outcome_reason = Set(None);
        active.duplicate_of = Set(None);
    }
    // The author hears why their comment is not published (not again for the same verdict).
    if let (Some(author), Some(reason)) = (found.author_user_id, reason) {
        if found.rejection_reason.as_deref() != Some(name(reason).as_str()) {
            let notice = Notice {
                kind: NoticeKind::CommentRejected,
                title: format!("您对《{}》的意见未予公开", decision.title),
                body: format!(
                    "您的意见（编号 {}）未予公开，原因：{}。",
                    found.tracking_number,
                    rejection_label(reason)
                ),
                title_en: format!("Your comment on \"{}\" was not published", decision.title),
                body_en: format!(
                    "Your comment (number {}) was not published. Reason: {}.",
                    found.tracking_number,
                    rejection_label_en(reason)
                ),
                link: Some(format!("#/decisions/{}", decision.id)),
            };
            outbox::enqueue(&txn, now, author, &notice).await?;
        }
    }
    let detail = json!({"comment_id": id, "status": name(status), "reason": reason.map(name)});
    save_managed(state, txn, session, active, ("comment.moderate", detail)).await
}

pub async fn set_outcome(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: OutcomeRequest,
) -> Result<Comment> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let (found, decision) = managed_comment(&txn, session, id, now).await?;
    if found.status != name(CommentStatus::Published) {
        return Err(Error::conflict(
            "comment_not_published",
            "only published comments get an outcome; moderate it first",
        ));
    }
    let reason = input::optional_text("reason", form.reason.as_deref())?;
    rules::check_outcome(form.outcome, reason.as_deref(), form.duplicate_of.is_some())?;
    let duplicate_of = match (form.outcome, form.duplicate_of) {
        (Outcome::Duplicate, Some(original)) => {
            let same_decision = comment::Entity::find_by_id(original)
                .one(&txn)
                .await?
                .is_some_and(|o| o.decision_id == decision.id && o.id != id);
            if !same_decision {
                return Err(Error::invalid(
                    "duplicate_of",
                    FieldCode::NotFound,
                    "not another comment on this decision",
                ));
            }
            Some(original)
        }
        _ => None,
    };
    let mut active: comment::ActiveModel = found.into();
    active.outcome = Set(Some(name(form.outcome)));
    active.outcome_reason = Set(reason);
    active.duplicate_of = Set(duplicate_of);
    active.outcome_at = Set(Some(now));
    let detail = json!({"comment_id": id, "outcome": name(form.outcome)});
    save_managed(state, txn, session, active, ("comment.outcome", detail)).await
}

/// Publishes the feedback report once every comment is moderated and every published one has
/// an outcome; each commenter hears of their comment's outcome.
pub async fn publish_feedback(
    state: &AppState,
    session: &Session,
    decision_id: Uuid,
    narrative: &str,
) -> Result<FeedbackReport> {
    let step = Step::begin(state, session, decision_id, Move::PublishFeedback).await?;
    let narrative = input::multi_line("narrative", narrative)?;
    let comments = comment::Entity::find()
        .filter(comment::Column::DecisionId.eq(decision_id))
        .all(&step.txn)
        .await?;
    let pending = comments
        .iter()
        .filter(|c| c.status == name(CommentStatus::Pending))
        .count();
    let without_outcome = comments
        .iter()
        .filter(|c| c.status == name(CommentStatus::Published) && c.outcome.is_none())
        .count();
    rules::check_ready_for_feedback(pending as u64, without_outcome as u64)?;
    let published: Vec<&comment::Model> = comments
        .iter()
        .filter(|c| c.status == name(CommentStatus::Published))
        .collect();
    for c in &published {
        if let (Some(author), Some(outcome)) = (c.author_user_id, c.outcome.as_deref()) {
            let notice = Notice {
                kind: NoticeKind::CommentOutcome,
                title: format!("《{}》意见采纳情况已公布", step.decision.title),
                body: format!(
                    "您的意见（编号 {}）：{}。",
                    c.tracking_number,
                    outcome_label(outcome)
                ),
                title_en: format!("Feedback published: {}", step.decision.title),
                body_en: format!(
                    "Your comment (number {}): {}.",
                    c.tracking_number,
                    outcome_label_en(outcome)
                ),
                link: Some(format!("#/decisions/{decision_id}/feedback")),
            };
            outbox::enqueue(&step.txn, step.now, author, &notice).await?;
        }
    }
    let changes = DecisionChanges {
        feedback_narrative: Set(Some(narrative)),
        feedback_published_at: Set(Some(step.now)),
        ..Default::default()
    };
    let entry = Entry {
        kind: Stage::FeedbackPublished.as_str(),
        note: format!("公布意见采纳情况（共{}条）", published.len()),
        documents: &[],
        at: None,
        audit: ("feedback.publish", json!({})),
    };
    step.finish(session, changes, entry).await?;
    feedback(state, None, decision_id).await
}

/// The feedback report: public once published; before that, a preview for the sponsoring
/// department's staff.
pub async fn feedback(
    state: &AppState,
    session: Option<&Session>,
    decision_id: Uuid,
) -> Result<FeedbackReport> {
    let decision = load(&state.db, decision_id).await?;
    let preview_allowed = session.is_some_and(|s| s.manages(decision.sponsor_department_id));
    if decision.feedback_published_at.is_none() && !preview_allowed {
        return Err(Error::NotFound("feedback report"));
    }
    let drafts = draft::Entity::find()
        .filter(draft::Column::DecisionId.eq(decision_id))
        .all(&state.db)
        .await?;
    let sections = draft_section::Entity::find()
        .filter(draft_section::Column::DraftId.is_in(drafts.iter().map(|d| d.id)))
        .all(&state.db)
        .await?;
    let (received, not_published) = received_and_not_published(&state.db, decision_id).await?;
    // Counted in the database, a row per version, section and outcome: a decision with a
    // million comments answers like one with ten.
    let published = || {
        comment::Entity::find()
            .select_only()
            .filter(comment::Column::DecisionId.eq(decision_id))
            .filter(comment::Column::Status.eq(name(CommentStatus::Published)))
    };
    let counted: Vec<(Uuid, Option<String>, Option<String>, i64)> = published()
        .column(comment::Column::DraftId)
        .column(comment::Column::SectionAnchor)
        .column(comment::Column::Outcome)
        .column_as(comment::Column::Id.count(), "comments")
        .group_by(comment::Column::DraftId)
        .group_by(comment::Column::SectionAnchor)
        .group_by(comment::Column::Outcome)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut totals = OutcomeCounts::default();
    let mut by_section: BTreeMap<(i32, String), OutcomeCounts> = BTreeMap::new();
    for (draft_id, anchor, outcome, n) in counted {
        let version = drafts
            .iter()
            .find(|d| d.id == draft_id)
            .map_or(1, |d| d.version);
        let outcome = outcome.as_deref().map(parse).transpose()?;
        for counts in [
            &mut totals,
            by_section
                .entry((version, anchor.unwrap_or_default()))
                .or_default(),
        ] {
            rules::tally(counts, outcome, n as u64);
        }
    }
    let reasons: Vec<(Option<String>, Option<String>, i64)> = published()
        .column(comment::Column::SectionAnchor)
        .column(comment::Column::OutcomeReason)
        .column_as(comment::Column::Id.count(), "comments")
        .filter(comment::Column::Outcome.eq(name(Outcome::NotAdopted)))
        .group_by(comment::Column::SectionAnchor)
        .group_by(comment::Column::OutcomeReason)
        .order_by_desc(comment::Column::Id.count())
        .order_by_asc(comment::Column::SectionAnchor)
        .order_by_asc(comment::Column::OutcomeReason)
        .limit(NOT_ADOPTED_REASONS)
        .into_tuple()
        .all(&state.db)
        .await?;
    let not_adopted = reasons
        .into_iter()
        .map(|(section_anchor, reason, n)| NotAdoptedReason {
            section_anchor,
            reason: reason.unwrap_or_default(),
            comments: n as u64,
        })
        .collect();
    let by_section = by_section
        .into_iter()
        .map(|((draft_version, section_anchor), counts)| {
            let heading = drafts
                .iter()
                .find(|d| d.version == draft_version)
                .and_then(|d| {
                    sections
                        .iter()
                        .find(|s| s.draft_id == d.id && s.anchor == section_anchor)
                })
                .map(|s| s.heading.clone())
                .unwrap_or_default();
            SectionFeedback {
                draft_version,
                section_anchor,
                heading,
                counts,
            }
        })
        .collect();
    Ok(FeedbackReport {
        decision_id,
        published_at: decision.feedback_published_at.map(Into::into),
        narrative: decision.feedback_narrative,
        received,
        not_published,
        totals,
        by_section,
        not_adopted,
    })
}

/// The most reasons for not adopting a report lists (each given for any number of comments).
const NOT_ADOPTED_REASONS: u64 = 500;

/// Where the comment with this tracking number stands (a letter's sender has only the number).
pub async fn receipt(state: &AppState, tracking_number: &str) -> Result<CommentReceipt> {
    let found = comment::Entity::find()
        .filter(comment::Column::TrackingNumber.eq(tracking_number.to_uppercase()))
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("comment"))?;
    let decision = load(&state.db, found.decision_id).await?;
    receipt_view(found, &decision, false)
}

/// The author gives or withdraws their consent to be named with their comment (PIPL Art.
/// 15): public views show the name, or its mask, from now on. Someone else's comment reads
/// as missing; a comment staff recorded from a letter has no author to ask.
pub async fn set_name_consent(
    state: &AppState,
    session: &Session,
    tracking_number: &str,
    consent: bool,
) -> Result<CommentReceipt> {
    let found = comment::Entity::find()
        .filter(comment::Column::TrackingNumber.eq(tracking_number.to_uppercase()))
        .filter(comment::Column::AuthorUserId.eq(session.user_id))
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("comment"))?;
    comment::Entity::update_many()
        .col_expr(comment::Column::NameConsent, Expr::value(consent))
        .filter(comment::Column::Id.eq(found.id))
        .exec(&state.db)
        .await?;
    let decision = load(&state.db, found.decision_id).await?;
    let changed = comment::Model {
        name_consent: consent,
        ..found
    };
    receipt_view(changed, &decision, true)
}

/// The caller's comments on every decision, newest first, with their text.
pub async fn mine(
    state: &AppState,
    session: &Session,
    page: PageRequest,
) -> Result<Page<CommentReceipt>> {
    let select = comment::Entity::find().filter(comment::Column::AuthorUserId.eq(session.user_id));
    let rows = page
        .apply(select, comment::Column::Id)
        .all(&state.db)
        .await?;
    let decisions: BTreeMap<Uuid, decision::Model> = decision::Entity::find()
        .filter(decision::Column::Id.is_in(rows.iter().map(|c| c.decision_id)))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    page.page(
        rows,
        |c| c.id,
        |c| {
            let decision = decisions
                .get(&c.decision_id)
                .ok_or_else(|| anyhow::anyhow!("a comment's decision is gone"))?;
            receipt_view(c, decision, true)
        },
    )
}

fn receipt_view(
    c: comment::Model,
    decision: &decision::Model,
    with_body: bool,
) -> Result<CommentReceipt> {
    // Outcomes are public with the feedback report, not before.
    let reported = decision.feedback_published_at.is_some();
    Ok(CommentReceipt {
        tracking_number: c.tracking_number,
        decision_id: decision.id,
        decision_title: decision.title.clone(),
        created_at: c.created_at.into(),
        status: parse(&c.status)?,
        rejection_reason: c.rejection_reason.as_deref().map(parse).transpose()?,
        outcome: match reported {
            true => c.outcome.as_deref().map(parse).transpose()?,
            false => None,
        },
        outcome_reason: c.outcome_reason.filter(|_| reported),
        name_consent: with_body.then_some(c.name_consent),
        body: with_body.then_some(c.body),
    })
}

/// How many comments a decision received in all, and how many were not published, per
/// reason: counted in the database.
async fn received_and_not_published(
    db: &impl ConnectionTrait,
    decision_id: Uuid,
) -> Result<(u64, Vec<RejectionCount>)> {
    let received = comment::Entity::find()
        .filter(comment::Column::DecisionId.eq(decision_id))
        .count(db)
        .await?;
    let rejected: Vec<(Option<String>, i64)> = comment::Entity::find()
        .select_only()
        .column(comment::Column::RejectionReason)
        .column_as(comment::Column::Id.count(), "comments")
        .filter(comment::Column::DecisionId.eq(decision_id))
        .filter(comment::Column::Status.eq(name(CommentStatus::Rejected)))
        .group_by(comment::Column::RejectionReason)
        .order_by_asc(comment::Column::RejectionReason)
        .into_tuple()
        .all(db)
        .await?;
    let not_published = rejected
        .into_iter()
        .map(|(reason, comments)| {
            let reason =
                reason.ok_or_else(|| anyhow::anyhow!("a rejected comment without its reason"))?;
            Ok(RejectionCount {
                reason: parse(&reason)?,
                comments: comments as u64,
            })
        })
        .collect::<Result<_>>()?;
    Ok((received, not_published))
}

/// The comment as `audience` sees it. Outcomes are public with the feedback report, not before.
fn view(
    c: comment::Model,
    draft_version: i32,
    audience: Audience,
    outcomes_published: bool,
) -> Result<Comment> {
    let private = audience != Audience::Public;
    let outcome_shown = outcomes_published || audience == Audience::Staff;
    let status = parse::<CommentStatus>(&c.status)?;
    Ok(Comment {
        id: c.id,
        decision_id: c.decision_id,
        draft_version,
        section_anchor: c.section_anchor,
        author: if c.name_consent {
            c.author_name
        } else {
            privacy::mask_name(&c.author_name)
        },
        channel: parse(&c.channel)?,
        body: if private {
            c.body
        } else {
            privacy::redact(&c.body).into_owned()
        },
        created_at: c.created_at.into(),
        outcome: c
            .outcome
            .as_deref()
            .map(parse)
            .transpose()?
            .filter(|_| outcome_shown),
        outcome_reason: c.outcome_reason.filter(|_| outcome_shown),
        duplicate_of: c.duplicate_of.filter(|_| outcome_shown),
        tracking_number: private.then_some(c.tracking_number),
        status: private.then_some(status),
        rejection_reason: c
            .rejection_reason
            .as_deref()
            .map(parse)
            .transpose()?
            .filter(|_| private),
    })
}

/// As the portal names the reasons (web/js/i18n.js, `rejection.*`).
fn rejection_label(reason: RejectionReason) -> &'static str {
    match reason {
        RejectionReason::Spam => "垃圾信息",
        RejectionReason::Abusive => "辱骂或攻击性内容",
        RejectionReason::OffTopic => "与草案无关",
        RejectionReason::PersonalData => "含有个人信息",
    }
}

fn rejection_label_en(reason: RejectionReason) -> &'static str {
    match reason {
        RejectionReason::Spam => "spam",
        RejectionReason::Abusive => "abusive or offensive",
        RejectionReason::OffTopic => "not about the draft",
        RejectionReason::PersonalData => "contains personal data",
    }
}

fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "adopted" => "已采纳",
        "partially_adopted" => "部分采纳",
        "not_adopted" => "未采纳",
        _ => "与其他意见重复，已合并处理",
    }
}

fn outcome_label_en(outcome: &str) -> &'static str {
    match outcome {
        "adopted" => "adopted",
        "partially_adopted" => "partially adopted",
        "not_adopted" => "not adopted",
        _ => "a duplicate of another comment, handled with it",
    }
}

/// All comments of a decision as CSV (UTF-8 with a byte-order mark, so spreadsheet programs
/// read the Chinese right), produced batch by batch while the client downloads it.
pub async fn export(
    state: &AppState,
    session: &Session,
    decision_id: Uuid,
) -> Result<impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static> {
    let decision = load(&state.db, decision_id).await?;
    session.require_manager_of(decision.sponsor_department_id)?;
    let drafts = draft::Entity::find()
        .filter(draft::Column::DecisionId.eq(decision_id))
        .all(&state.db)
        .await?;
    let sections = draft_section::Entity::find()
        .filter(draft_section::Column::DraftId.is_in(drafts.iter().map(|d| d.id)))
        .all(&state.db)
        .await?;
    let (drafts, sections) = (Arc::new(drafts), Arc::new(sections));
    Ok(stream_by_id(
        "comments",
        &EXPORT_COLUMNS,
        state.db.clone(),
        comment::Entity::find().filter(comment::Column::DecisionId.eq(decision_id)),
        comment::Column::Id,
        |c| c.id,
        move |batch| {
            let lines = rows(batch, &drafts, &sections);
            async move { Ok(lines) }
        },
    ))
}

/// Comments as CSV lines in `EXPORT_COLUMNS`' order.
fn rows(
    batch: Vec<comment::Model>,
    drafts: &[draft::Model],
    sections: &[draft_section::Model],
) -> Vec<u8> {
    let mut chunk = Vec::new();
    for c in batch {
        let draft = drafts.iter().find(|d| d.id == c.draft_id);
        let heading = sections
            .iter()
            .find(|s| s.draft_id == c.draft_id && Some(&s.anchor) == c.section_anchor.as_ref())
            .map(|s| s.heading.as_str())
            .unwrap_or_default();
        let version = draft.map(|d| d.version.to_string()).unwrap_or_default();
        let duplicate_of = c.duplicate_of.map(|d| d.to_string()).unwrap_or_default();
        chunk.extend(csv_line([
            c.id.to_string().as_str(),
            c.tracking_number.as_str(),
            &Timestamp(c.created_at).to_wire(),
            &c.channel,
            &c.status,
            &version,
            c.section_anchor.as_deref().unwrap_or_default(),
            heading,
            &c.author_name,
            &c.body,
            c.outcome.as_deref().unwrap_or_default(),
            c.outcome_reason.as_deref().unwrap_or_default(),
            &duplicate_of,
            c.rejection_reason.as_deref().unwrap_or_default(),
        ]));
    }
    chunk
}

const EXPORT_COLUMNS: [&str; 14] = [
    "comment_id",
    "tracking_number",
    "created_at",
    "channel",
    "status",
    "draft_version",
    "section_anchor",
    "section_heading",
    "author",
    "body",
    "outcome",
    "outcome_reason",
    "duplicate_of",
    "rejection_reason",
];

/// The name an erased person's comments keep (masked in public as any name is: 匿**).
pub const ANONYMOUS_AUTHOR: &str = "匿名";

/// Detaches a person who deleted their account from their comments, in `txn`: the comments
/// stay in the record (and in the feedback report) under an anonymous name, never named.
/// Answers how many.
pub async fn forget_author_in(txn: &DatabaseTransaction, user_id: Uuid) -> Result<u64> {
    let updated = comment::Entity::update_many()
        .col_expr(
            comment::Column::AuthorUserId,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(comment::Column::AuthorName, Expr::value(ANONYMOUS_AUTHOR))
        .col_expr(comment::Column::NameConsent, Expr::value(false))
        .filter(comment::Column::AuthorUserId.eq(user_id))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected)
}

/// Comments waiting for moderation on the decisions `department` sponsors (every
/// department's, for `None`): the staff console's count.
pub async fn awaiting_moderation(
    db: &impl ConnectionTrait,
    department: Option<Uuid>,
) -> Result<u64> {
    let mut pending =
        comment::Entity::find().filter(comment::Column::Status.eq(name(CommentStatus::Pending)));
    if let Some(department) = department {
        let sponsored = decision::Entity::find()
            .select_only()
            .column(decision::Column::Id)
            .filter(decision::Column::SponsorDepartmentId.eq(department))
            .into_query();
        pending = pending.filter(comment::Column::DecisionId.in_subquery(sponsored));
    }
    Ok(pending.count(db).await?)
}
