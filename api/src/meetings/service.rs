//! Meetings, representatives and the allotment of observer seats: transactions and storage.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{
    agenda_item, decision, meeting, meeting_application, meeting_draw, meeting_opinion,
    representative, role_grant, seat_quota, user,
};
use rand::Rng;
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{
        AgendaItem, Application, ApplicationStatus, Attendance, Cancellation, Category,
        CategorySeats, Draw, DrawCommitment, Handling, HeldMeeting, ItemDeliberation, ItemOutcome,
        Meeting, MeetingStatus, Minutes, NewAgendaItem, NewApplication, NewMeeting, NewOpinion,
        NewRepresentative, Observers, Opinion, PublicValue, Representative, RepresentativeStatus,
        Review, ReviewVerdict, SeatPlan, SeatQuota, SelectionMethod, Verdict, Verification,
    },
    lottery::{self, Pool},
    rules::{self, Window},
};
use crate::{
    accounts::service::insert_grant,
    audit,
    auth::{Role, Session},
    db,
    decisions::{
        dto::{DeliberationOutcome, DeliberationRequest},
        service::{record_deliberation_in, Recorder},
    },
    departments::Directory,
    enums::{name, parse},
    error::{Error, FieldCode, Result, UniqueIndex},
    idempotency, input,
    notices::{Notice, NoticeKind},
    outbox,
    pagination::{Page, PageRequest},
    privacy::{mask_name, redact},
    state::AppState,
    timestamp::Timestamp,
};

const NUMBER_TAKEN: UniqueIndex = UniqueIndex {
    name: "ux_meetings_number",
    sqlite_columns: "meetings.number",
    code: "meeting_number_taken",
    detail: "a meeting with this number exists",
};

const ALREADY_APPLIED: UniqueIndex = UniqueIndex {
    name: "ux_meeting_applications_person",
    sqlite_columns: "meeting_applications.meeting_id, meeting_applications.user_id",
    code: "already_applied",
    detail: "one application per meeting per person",
};

pub async fn create(state: &AppState, session: &Session, form: NewMeeting) -> Result<Meeting> {
    let department_id = form
        .department_id
        .or(session.department_id)
        .ok_or_else(|| {
            Error::invalid(
                "department_id",
                FieldCode::Required,
                "name the organising department",
            )
        })?;
    session.require_manager_of(department_id)?;
    if Directory::load(&state.db)
        .await?
        .find(department_id)
        .is_none()
    {
        return Err(Error::invalid(
            "department_id",
            FieldCode::NotFound,
            "no such department",
        ));
    }
    let title = input::single_line("title", &form.title)?;
    let place = input::single_line("place", &form.place)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let created = meeting::ActiveModel {
        id: Set(Uuid::now_v7()),
        number: Set(form.number),
        title: Set(title),
        department_id: Set(department_id),
        starts_at: Set(form.starts_at),
        place: Set(place),
        status: Set(name(MeetingStatus::Planned)),
        selection_method: Set(name(SelectionMethod::FirstCome)),
        applications_open_at: Set(None),
        applications_close_at: Set(None),
        public_value_source: Set(None),
        public_value_at: Set(None),
        conclusion: Set(None),
        cancellation_reason: Set(None),
        created_by: Set(Some(session.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|err| NUMBER_TAKEN.conflict(err))?;
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.create",
        ("meeting", created.id),
        json!({"number": created.number}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, created, Some(session)).await
}

/// Meetings, the latest first; the public sees no confidential agenda item.
pub async fn list(
    state: &AppState,
    session: Option<&Session>,
    page: PageRequest,
) -> Result<Page<Meeting>> {
    let rows = page
        .apply(meeting::Entity::find(), meeting::Column::Id)
        .all(&state.db)
        .await?;
    let meetings = views(state, &state.db, rows, session).await?;
    page.page(meetings, |m| m.id, Ok)
}

pub async fn get(state: &AppState, session: Option<&Session>, id: Uuid) -> Result<Meeting> {
    let found = db::find::<meeting::Entity>(&state.db, id, "meeting").await?;
    view(state, &state.db, found, session).await
}

pub async fn add_agenda_item(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    form: NewAgendaItem,
) -> Result<Meeting> {
    let title = input::single_line("title", &form.title)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    if matches!(
        current_status(&found, now)?,
        MeetingStatus::Held | MeetingStatus::MinutesPublished | MeetingStatus::Cancelled
    ) {
        return Err(Error::conflict(
            "meeting_over",
            "the agenda of a meeting held or cancelled is closed",
        ));
    }
    let directory = Directory::load(&txn).await?;
    if directory.find(form.presenting_department_id).is_none() {
        return Err(Error::invalid(
            "presenting_department_id",
            FieldCode::NotFound,
            "no such department",
        ));
    }
    // A decision is put before the meeting by its sponsor (提请审议), whose word then lets
    // the organisers record its deliberation; other items by the organisers.
    match form.decision_id {
        Some(decision_id) => {
            let linked = decision::Entity::find_by_id(decision_id)
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    Error::invalid("decision_id", FieldCode::NotFound, "no such decision")
                })?;
            session.require_manager_of(linked.sponsor_department_id)?;
        }
        None => session.require_manager_of(found.department_id)?,
    }
    let items = agenda_of(&txn, meeting_id).await?;
    agenda_item::ActiveModel {
        id: Set(Uuid::now_v7()),
        meeting_id: Set(meeting_id),
        position: Set(items.len() as i32 + 1),
        title: Set(title),
        presenting_department_id: Set(form.presenting_department_id),
        decision_id: Set(form.decision_id),
        confidential: Set(form.confidential),
    }
    .insert(&txn)
    .await?;
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.agenda_add",
        ("meeting", meeting_id),
        json!({"confidential": form.confidential}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, found, Some(session)).await
}

/// Sets the seats per category, the applications window and the selection method: before
/// applications open.
pub async fn plan_seats(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    plan: SeatPlan,
) -> Result<Meeting> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    rules::may_plan(current_status(&found, now)?)?;
    rules::check_plan(&plan, found.starts_at)?;
    seat_quota::Entity::delete_many()
        .filter(seat_quota::Column::MeetingId.eq(meeting_id))
        .exec(&txn)
        .await?;
    for quota in &plan.quotas {
        seat_quota::ActiveModel {
            meeting_id: Set(meeting_id),
            category: Set(name(quota.category)),
            seats: Set(quota.seats),
        }
        .insert(&txn)
        .await?;
    }
    let (source, value_at) = match plan.selection_method {
        SelectionMethod::Lottery => (
            Some(input::single_line(
                "public_value_source",
                plan.public_value_source.as_deref().unwrap_or_default(),
            )?),
            plan.public_value_at,
        ),
        SelectionMethod::FirstCome | SelectionMethod::Review => (None, None),
    };
    let changed = meeting::ActiveModel {
        id: Set(meeting_id),
        selection_method: Set(name(plan.selection_method)),
        applications_open_at: Set(Some(plan.applications_open_at)),
        applications_close_at: Set(Some(plan.applications_close_at)),
        public_value_source: Set(source),
        public_value_at: Set(value_at),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.plan_seats",
        ("meeting", meeting_id),
        json!({"seats": plan.quotas.iter().map(|q| q.seats).sum::<i32>()}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, changed, Some(session)).await
}

/// A resident asks to be a public representative. One profile pending or verified at a time.
pub async fn apply_as_representative(
    state: &AppState,
    session: &Session,
    form: NewRepresentative,
) -> Result<Representative> {
    rules::check_eligibility(form.eligibility, &state.config.representative_eligibility)?;
    let organisation = input::single_line("organisation", &form.organisation)?;
    let statement = input::multi_line("statement", &form.statement)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    // The person's row serialises their own applications.
    db::find_locked::<user::Entity>(&txn, session.user_id, "user").await?;
    if active_profile(&txn, session.user_id).await?.is_some() {
        return Err(Error::conflict(
            "profile_exists",
            "you already have a representative profile pending or verified",
        ));
    }
    let created = representative::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(session.user_id),
        category: Set(name(form.category)),
        organisation: Set(organisation),
        statement: Set(statement),
        eligibility: Set(name(form.eligibility)),
        status: Set(name(RepresentativeStatus::Pending)),
        reason: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    representative_view(&state.db, created).await
}

/// The caller's profile: pending, verified, or the latest refused or withdrawn.
pub async fn my_profile(state: &AppState, session: &Session) -> Result<Representative> {
    let found = representative::Entity::find()
        .filter(representative::Column::UserId.eq(session.user_id))
        .order_by_desc(representative::Column::Id)
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("representative profile"))?;
    representative_view(&state.db, found).await
}

/// Profiles for staff to review, oldest first, by status.
pub async fn profiles(
    state: &AppState,
    session: &Session,
    status: RepresentativeStatus,
    page: PageRequest,
) -> Result<Page<Representative>> {
    require_staff(session)?;
    let select =
        representative::Entity::find().filter(representative::Column::Status.eq(name(status)));
    let rows = page
        .apply_oldest_first(select, representative::Column::Id)
        .all(&state.db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for r in rows {
        views.push(representative_view(&state.db, r).await?);
    }
    page.page(views, |r| r.id, Ok)
}

/// Staff verify a pending profile (its owner becomes a representative) or refuse it with a
/// reason.
pub async fn verify(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: Verification,
) -> Result<Representative> {
    require_staff(session)?;
    let reason = reason_for(
        form.reason.as_deref(),
        form.verdict == Verdict::Refused,
        "a refusal says why",
    )?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found =
        db::find_locked::<representative::Entity>(&txn, id, "representative profile").await?;
    if found.status != name(RepresentativeStatus::Pending) {
        return Err(Error::conflict(
            "not_pending",
            format!("this profile is {}, not pending", found.status),
        ));
    }
    let status = match form.verdict {
        Verdict::Verified => RepresentativeStatus::Verified,
        Verdict::Refused => RepresentativeStatus::Refused,
    };
    let reviewed = representative::ActiveModel {
        id: Set(id),
        status: Set(name(status)),
        reason: Set(reason),
        reviewed_by: Set(Some(session.user_id)),
        reviewed_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    if status == RepresentativeStatus::Verified {
        insert_grant(
            &txn,
            session.actor(),
            now,
            found.user_id,
            Role::Representative,
            None,
        )
        .await?;
    }
    audit::record_write(
        &txn,
        now,
        session,
        "representative.verify",
        ("representative", id),
        json!({"verdict": name(form.verdict)}),
    )
    .await?;
    txn.commit().await?;
    representative_view(&state.db, reviewed).await
}

/// The owner withdraws their profile (pending or verified); they are a representative no more.
pub async fn withdraw_profile(state: &AppState, session: &Session) -> Result<Representative> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    db::find_locked::<user::Entity>(&txn, session.user_id, "user").await?;
    let withdrawn = withdraw_profile_in(&txn, session, now)
        .await?
        .ok_or(Error::NotFound("representative profile"))?;
    txn.commit().await?;
    representative_view(&state.db, withdrawn).await
}

/// Withdraws the person's active profile, if any, in `txn`, whose caller holds the person's
/// row lock.
pub async fn withdraw_profile_in(
    txn: &DatabaseTransaction,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<Option<representative::Model>> {
    let Some(found) = active_profile(txn, session.user_id).await? else {
        return Ok(None);
    };
    let withdrawn = representative::ActiveModel {
        id: Set(found.id),
        status: Set(name(RepresentativeStatus::Withdrawn)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await?;
    role_grant::Entity::delete_by_id((session.user_id, Role::Representative.as_str().to_string()))
        .exec(txn)
        .await?;
    // Applications still being taken go with the profile; seats already allotted stay.
    // Locks are taken person first, then meetings in id order, as `apply` takes them.
    let open = meeting_application::Entity::find()
        .filter(meeting_application::Column::UserId.eq(session.user_id))
        .filter(meeting_application::Column::Status.eq(name(ApplicationStatus::Applied)))
        .order_by_asc(meeting_application::Column::MeetingId)
        .all(txn)
        .await?;
    for application in open {
        let meeting =
            db::find_locked::<meeting::Entity>(txn, application.meeting_id, "meeting").await?;
        let committed = meeting_draw::Entity::find_by_id(meeting.id)
            .one(txn)
            .await?
            .is_some();
        if !committed && current_status(&meeting, now)? == MeetingStatus::ApplicationsOpen {
            set_status(txn, &application, ApplicationStatus::Withdrawn, None, now).await?;
        }
    }
    audit::record_write(
        txn,
        now,
        session,
        "representative.withdraw",
        ("representative", found.id),
        json!({}),
    )
    .await?;
    Ok(Some(withdrawn))
}

/// A verified representative applies for a seat, in their profile's category, naming the
/// public agenda items they care about.
pub async fn apply(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    form: NewApplication,
) -> Result<Application> {
    session.require(Role::Representative)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    // The person's row first: a profile withdrawn meanwhile takes its applications along.
    db::find_locked::<user::Entity>(&txn, session.user_id, "user").await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    rules::may_apply(current_status(&found, now)?)?;
    // Whatever this instance's clock says, a committed pool takes nobody more.
    refuse_if_committed(&txn, meeting_id, "applications_not_open").await?;
    let profile = active_profile(&txn, session.user_id)
        .await?
        .filter(|p| p.status == name(RepresentativeStatus::Verified))
        .ok_or_else(|| Error::Forbidden("only verified representatives apply".into()))?;
    let quotas = quotas_of(&txn, meeting_id).await?;
    let category: Category = parse(&profile.category)?;
    if !quotas.iter().any(|q| q.category == category && q.seats > 0) {
        return Err(Error::conflict(
            "no_seats_for_category",
            "this meeting has no observer seats for your category",
        ));
    }
    let public: Vec<Uuid> = agenda_of(&txn, meeting_id)
        .await?
        .into_iter()
        .filter(|i| !i.confidential)
        .map(|i| i.id)
        .collect();
    if let Some(i) = form
        .agenda_item_ids
        .iter()
        .position(|id| !public.contains(id))
    {
        return Err(Error::invalid(
            &format!("agenda_item_ids[{i}]"),
            FieldCode::NotFound,
            "not an agenda item of this meeting",
        ));
    }
    let created = meeting_application::ActiveModel {
        id: Set(Uuid::now_v7()),
        meeting_id: Set(meeting_id),
        user_id: Set(session.user_id),
        representative_id: Set(profile.id),
        category: Set(profile.category),
        pseudonym: Set(unused_pseudonym(&txn, meeting_id).await?),
        agenda_item_ids: Set(serde_json::to_string(&form.agenda_item_ids).expect("ids serialise")),
        status: Set(name(ApplicationStatus::Applied)),
        waitlist_position: Set(None),
        reason: Set(None),
        attended: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|err| ALREADY_APPLIED.conflict(err))?;
    idempotency::record_in(&txn, now).await?;
    txn.commit().await?;
    application_view(&state.db, created, false).await
}

/// Staff see every application with the applicant's name; a representative their own.
pub async fn applications(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    page: PageRequest,
) -> Result<Page<Application>> {
    let found = db::find::<meeting::Entity>(&state.db, meeting_id, "meeting").await?;
    let staff = session.manages(found.department_id);
    let mut select = meeting_application::Entity::find()
        .filter(meeting_application::Column::MeetingId.eq(meeting_id));
    if !staff {
        select = select.filter(meeting_application::Column::UserId.eq(session.user_id));
    }
    let rows = page
        .apply_oldest_first(select, meeting_application::Column::Id)
        .all(&state.db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for a in rows {
        views.push(application_view(&state.db, a, staff).await?);
    }
    page.page(views, |a| a.id, Ok)
}

/// The applicant withdraws: before the selection while applications are open (after a
/// lottery's commitment the pool cannot change), or after it, when a seat they held passes
/// to the first waiting in their category.
pub async fn withdraw(state: &AppState, session: &Session, id: Uuid) -> Result<Application> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let application = db::find::<meeting_application::Entity>(&txn, id, "application").await?;
    if application.user_id != session.user_id {
        return Err(Error::NotFound("application"));
    }
    let found = db::find_locked::<meeting::Entity>(&txn, application.meeting_id, "meeting").await?;
    // Read again under the meeting's lock: a draw may have placed it meanwhile.
    let application = db::find::<meeting_application::Entity>(&txn, id, "application").await?;
    let status = current_status(&found, now)?;
    let held: ApplicationStatus = parse(&application.status)?;
    if held == ApplicationStatus::Applied {
        // A committed pool loses nobody before its draw.
        refuse_if_committed(&txn, found.id, "withdrawal_closed").await?;
    }
    match (status, held) {
        (_, ApplicationStatus::Withdrawn) => {
            return application_view(&state.db, application, false).await
        }
        (MeetingStatus::ApplicationsOpen, _) => {}
        (MeetingStatus::Drawn, ApplicationStatus::Seated | ApplicationStatus::Waitlisted)
            if now < found.starts_at => {}
        _ => {
            return Err(Error::conflict(
                "withdrawal_closed",
                "an application is withdrawn while applications are open, or once the seats are allotted and before the meeting",
            ))
        }
    }
    let withdrawn = set_status(&txn, &application, ApplicationStatus::Withdrawn, None, now).await?;
    // Opinions are an observer's; one who gives the seat back gives them up.
    meeting_opinion::Entity::delete_many()
        .filter(meeting_opinion::Column::ApplicationId.eq(id))
        .exec(&txn)
        .await?;
    if held == ApplicationStatus::Seated {
        let next = meeting_application::Entity::find()
            .filter(meeting_application::Column::MeetingId.eq(found.id))
            .filter(meeting_application::Column::Category.eq(application.category.clone()))
            .filter(meeting_application::Column::Status.eq(name(ApplicationStatus::Waitlisted)))
            .order_by_asc(meeting_application::Column::WaitlistPosition)
            .one(&txn)
            .await?;
        if let Some(next) = next {
            set_status(&txn, &next, ApplicationStatus::Seated, None, now).await?;
            tell_outcome(&txn, now, &found, next.user_id, ApplicationStatus::Seated).await?;
        }
    }
    txn.commit().await?;
    application_view(&state.db, withdrawn, false).await
}

/// Allots the seats once applications have closed: first come, at once; for a lottery, the
/// pool is committed here and drawn when staff enter the public value.
pub async fn select(state: &AppState, session: &Session, meeting_id: Uuid) -> Result<Meeting> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    rules::may_select(current_status(&found, now)?)?;
    let quotas: Vec<(String, u32)> = quotas_of(&txn, meeting_id)
        .await?
        .into_iter()
        .map(|q| (name(q.category), q.seats as u32))
        .collect();
    let pool = in_pool(&txn, meeting_id).await?;
    match parse(&found.selection_method)? {
        SelectionMethod::FirstCome => {
            let applicants: Vec<(String, String)> = pool
                .iter()
                .map(|a| (a.pseudonym.clone(), a.category.clone()))
                .collect();
            let seats = rules::first_come(&quotas, &applicants);
            allot(&txn, &found, &pool, &seats, now).await?;
        }
        SelectionMethod::Review => {
            let unreviewed = pool
                .iter()
                .filter(|a| a.status == name(ApplicationStatus::Applied))
                .count();
            rules::may_close_review(unreviewed as u64)?;
            set_meeting_status(&txn, found.id, MeetingStatus::Drawn, now).await?;
        }
        SelectionMethod::Lottery => {
            let exists = meeting_draw::Entity::find_by_id(meeting_id)
                .one(&txn)
                .await?
                .is_some();
            if exists {
                return Err(Error::conflict(
                    "already_committed",
                    "the pool is committed; enter the public value to draw",
                ));
            }
            let value_at = found
                .public_value_at
                .ok_or_else(|| anyhow::anyhow!("a lottery's meeting has no public_value_at"))?;
            rules::may_commit(now, value_at)?;
            let text = Pool {
                meeting: meeting_id.to_string(),
                source: found.public_value_source.clone().unwrap_or_default(),
                value_at: Timestamp(value_at).to_wire(),
                quotas,
                applicants: pool
                    .iter()
                    .map(|a| (a.pseudonym.clone(), a.category.clone()))
                    .collect(),
            }
            .commitment();
            let sha256 = lottery::sha256_hex(&text);
            // Each applicant keeps their own record of what was committed, before the value.
            for application in &pool {
                let notice = Notice {
                    kind: NoticeKind::LotteryCommitted,
                    title: format!("列席抽签名单已封存：{}", found.title),
                    body: format!(
                        "您的匿名编号为 {}。名单摘要（SHA-256）：{sha256}。抽签以“{}”为公开随机数来源，该数值于 {} 确定后抽签，结果可按公开的程序核验。",
                        application.pseudonym,
                        found.public_value_source.as_deref().unwrap_or_default(),
                        Timestamp(value_at).in_words(state.config.timezone),
                    ),
                    title_en: format!("Lottery pool sealed: {}", found.title),
                    body_en: format!(
                        "Your pseudonym is {}. The pool's digest (SHA-256): {sha256}. The draw uses \"{}\" as its public source of randomness and takes place once that value is fixed at {}; anyone can verify the result with the published procedure.",
                        application.pseudonym,
                        found.public_value_source.as_deref().unwrap_or_default(),
                        Timestamp(value_at).in_english_words(state.config.timezone),
                    ),
                    link: Some(format!("#/meetings/{meeting_id}")),
                };
                outbox::enqueue(&txn, now, application.user_id, &notice).await?;
            }
            meeting_draw::ActiveModel {
                meeting_id: Set(meeting_id),
                commitment_sha256: Set(sha256),
                commitment_text: Set(text),
                committed_at: Set(now),
                public_value: Set(None),
                seed: Set(None),
                drawn_at: Set(None),
                seats: Set(None),
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.select",
        ("meeting", meeting_id),
        json!({"applicants": pool.len()}),
    )
    .await?;
    txn.commit().await?;
    get(state, Some(session), meeting_id).await
}

/// Draws a committed lottery with the public value its commitment named.
pub async fn draw(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    value: PublicValue,
) -> Result<Draw> {
    // Its one spelling is checked by the request's schema (docs/lottery.md).
    let public_value = value.value;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    let committed = meeting_draw::Entity::find_by_id(meeting_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::conflict(
                "not_committed",
                "the pool is committed first, once applications have closed",
            )
        })?;
    if committed.drawn_at.is_some() {
        return Err(Error::conflict(
            "already_drawn",
            "the lottery has been drawn",
        ));
    }
    // A meeting cancelled (or held with nobody in its pool) is drawn no more.
    rules::may_select(current_status(&found, now)?)?;
    if let Some(value_at) = found.public_value_at {
        rules::may_draw(now, value_at)?;
    }
    // The pool is what was committed, whatever has happened since.
    let pool = Pool::parse(&committed.commitment_text).map_err(anyhow::Error::from)?;
    let seed = lottery::seed(&committed.commitment_sha256, &public_value);
    let seats = lottery::draw(&pool, seed);
    let applications = in_pool(&txn, meeting_id).await?;
    allot(&txn, &found, &applications, &seats, now).await?;
    meeting_draw::ActiveModel {
        meeting_id: Set(meeting_id),
        public_value: Set(Some(public_value)),
        seed: Set(Some(hex::encode(seed))),
        drawn_at: Set(Some(now)),
        seats: Set(Some(
            serde_json::to_string(&seats).expect("seats serialise"),
        )),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.draw",
        ("meeting", meeting_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    published_draw(state, meeting_id).await
}

/// A lottery's inputs and seats, public from its commitment on.
pub async fn published_draw(state: &AppState, meeting_id: Uuid) -> Result<Draw> {
    let found = db::find::<meeting::Entity>(&state.db, meeting_id, "meeting").await?;
    let committed = meeting_draw::Entity::find_by_id(meeting_id)
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("lottery"))?;
    let categories: Vec<CategorySeats> = match &committed.seats {
        Some(json) => serde_json::from_str(json).map_err(anyhow::Error::from)?,
        None => Vec::new(),
    };
    let current = match committed.drawn_at {
        Some(_) => standing(&state.db, meeting_id, &categories).await?,
        None => Vec::new(),
    };
    Ok(Draw {
        meeting_id,
        algorithm: lottery::ALGORITHM.into(),
        commitment: DrawCommitment {
            text: committed.commitment_text,
            sha256: committed.commitment_sha256,
        },
        committed_at: committed.committed_at.into(),
        public_value_source: found.public_value_source.unwrap_or_default(),
        public_value_at: found
            .public_value_at
            .ok_or_else(|| anyhow::anyhow!("a lottery's meeting has no public_value_at"))?
            .into(),
        public_value: committed.public_value,
        seed: committed.seed,
        drawn_at: committed.drawn_at.map(Into::into),
        categories,
        current,
    })
}

/// Staff accept an application (it takes the next free seat of its category, or the end of
/// that category's waitlist) or reject it with a reason; the applicant is told either way.
pub async fn review(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: Review,
) -> Result<Application> {
    let reason = reason_for(
        form.reason.as_deref(),
        form.verdict == ReviewVerdict::Rejected,
        "a rejection says why",
    )?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let application = db::find::<meeting_application::Entity>(&txn, id, "application").await?;
    let found = db::find_locked::<meeting::Entity>(&txn, application.meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    rules::may_review(
        current_status(&found, now)?,
        parse(&found.selection_method)?,
    )?;
    // Read again under the meeting's lock, which serialises the seats of its categories.
    let application = db::find::<meeting_application::Entity>(&txn, id, "application").await?;
    if application.status != name(ApplicationStatus::Applied) {
        return Err(Error::conflict(
            "already_reviewed",
            format!("this application is {}", application.status),
        ));
    }
    let reviewed = match form.verdict {
        ReviewVerdict::Accepted => {
            let profile = db::find::<representative::Entity>(
                &txn,
                application.representative_id,
                "representative profile",
            )
            .await?;
            if profile.status != name(RepresentativeStatus::Verified) {
                return Err(Error::conflict(
                    "not_verified",
                    format!("the applicant's profile is {}", profile.status),
                ));
            }
            let category: Category = parse(&application.category)?;
            let seats = quotas_of(&txn, found.id)
                .await?
                .into_iter()
                .find(|q| q.category == category)
                .map_or(0, |q| q.seats as u32);
            let holding = |status: ApplicationStatus| {
                meeting_application::Entity::find()
                    .filter(meeting_application::Column::MeetingId.eq(found.id))
                    .filter(meeting_application::Column::Category.eq(&application.category))
                    .filter(meeting_application::Column::Status.eq(name(status)))
                    .count(&txn)
            };
            let seated = holding(ApplicationStatus::Seated).await? as u32;
            let waiting = holding(ApplicationStatus::Waitlisted).await? as u32;
            let position = rules::place_accepted(seats, seated, waiting);
            let status = match position {
                None => ApplicationStatus::Seated,
                Some(_) => ApplicationStatus::Waitlisted,
            };
            let placed = set_status(&txn, &application, status, position, now).await?;
            tell_outcome(&txn, now, &found, application.user_id, status).await?;
            placed
        }
        ReviewVerdict::Rejected => {
            let rejected = meeting_application::ActiveModel {
                id: Set(id),
                status: Set(name(ApplicationStatus::Rejected)),
                reason: Set(reason.clone()),
                updated_at: Set(now),
                ..Default::default()
            }
            .update(&txn)
            .await?;
            let notice = Notice {
                kind: NoticeKind::ApplicationRejected,
                title: format!("您的列席申请未获通过：{}", found.title),
                body: format!("原因：{}", reason.as_deref().unwrap_or_default()),
                title_en: format!(
                    "Your application for a seat was not accepted: {}",
                    found.title
                ),
                body_en: format!("Reason: {}", reason.as_deref().unwrap_or_default()),
                link: Some(format!("#/meetings/{}", found.id)),
            };
            outbox::enqueue(&txn, now, application.user_id, &notice).await?;
            rejected
        }
    };
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.review",
        ("meeting_application", id),
        json!({"verdict": name(form.verdict)}),
    )
    .await?;
    txn.commit().await?;
    application_view(&state.db, reviewed, true).await
}

/// Records that the meeting took place and, in the same transaction, the deliberation of
/// each decision on its agenda on that decision's timeline.
pub async fn hold(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    form: HeldMeeting,
) -> Result<Meeting> {
    let (now, tz) = (state.clock.now(), state.config.timezone);
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    let pool_waiting = in_pool(&txn, meeting_id)
        .await?
        .iter()
        .any(|a| a.status == name(ApplicationStatus::Applied));
    rules::may_hold(
        current_status(&found, now)?,
        pool_waiting,
        found.starts_at,
        now,
    )?;
    let linked: Vec<(Uuid, Uuid)> = agenda_of(&txn, meeting_id)
        .await?
        .into_iter()
        .filter_map(|i| i.decision_id.map(|d| (i.id, d)))
        .collect();
    let items: Vec<Uuid> = linked.iter().map(|(item, _)| *item).collect();
    rules::check_deliberations(&items, &form.deliberations)?;
    let meeting_date = found.starts_at.with_timezone(&tz).date_naive();
    let mut deliberated: Vec<(usize, Uuid, ItemDeliberation)> = form
        .deliberations
        .into_iter()
        .enumerate()
        .filter_map(|(i, given)| {
            let decision_id = linked
                .iter()
                .find(|(item, _)| *item == given.agenda_item_id)
                .map(|(_, decision)| *decision)?;
            Some((i, decision_id, given))
        })
        .collect();
    // Decisions are locked in id order, so that two meetings never wait for each other.
    deliberated.sort_by_key(|(_, decision_id, _)| *decision_id);
    for (i, decision_id, given) in deliberated {
        let outcome = match given.outcome {
            ItemOutcome::Approved => DeliberationOutcome::Approved,
            ItemOutcome::ApprovedWithAmendments => DeliberationOutcome::ApprovedWithAmendments,
            ItemOutcome::Deferred => continue,
        };
        let deliberation = DeliberationRequest {
            meeting_number: format!("区政府第{}次常务会议", found.number),
            meeting_date,
            outcome,
            notes: given.notes,
            documents: vec![],
        };
        let recorder = Recorder::MeetingOrganiser(session);
        record_deliberation_in(&txn, now, tz, recorder, decision_id, deliberation)
            .await
            .map_err(|err| not_ready(err, i))?;
    }
    let held = set_meeting_status(&txn, meeting_id, MeetingStatus::Held, now).await?;
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.hold",
        ("meeting", meeting_id),
        json!({"deliberations": items.len()}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, held, Some(session)).await
}

/// A decision that its meeting cannot deliberate (not at the stage, or its feedback report
/// published after the meeting) is one conflict of the meeting's, naming the agenda item; a
/// bad field of the request is that item's field.
fn not_ready(err: Error, index: usize) -> Error {
    let not_ready = |detail: &str| {
        Error::conflict(
            "decision_not_ready",
            format!("deliberations[{index}]: {detail}"),
        )
    };
    match err {
        Error::Conflict { detail, .. } => not_ready(&detail),
        Error::Invalid(errors) if errors.iter().any(|e| e.field == "meeting_date") => {
            not_ready(&errors[0].message)
        }
        Error::Invalid(errors) => Error::Invalid(
            errors
                .into_iter()
                .map(|mut e| {
                    e.field = format!("deliberations[{index}].{}", e.field);
                    e
                })
                .collect(),
        ),
        other => other,
    }
}

/// Records who of those seated attended, until the minutes are published.
pub async fn record_attendance(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    form: Attendance,
) -> Result<Meeting> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    rules::may_record_outcome(current_status(&found, now)?)?;
    let seated = seats_of(meeting_id).all(&txn).await?;
    if let Some(i) = form
        .attended
        .iter()
        .position(|id| !seated.iter().any(|a| a.id == *id))
    {
        return Err(Error::invalid(
            &format!("attended[{i}]"),
            FieldCode::NotFound,
            "not a seat of this meeting",
        ));
    }
    for seat in &seated {
        meeting_application::ActiveModel {
            id: Set(seat.id),
            attended: Set(Some(form.attended.contains(&seat.id))),
            updated_at: Set(now),
            ..Default::default()
        }
        .update(&txn)
        .await?;
    }
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.attendance",
        ("meeting", meeting_id),
        json!({"attended": form.attended.len(), "seated": seated.len()}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, found, Some(session)).await
}

/// A seated representative gives an opinion on a public agenda item, or staff write one down
/// for them, naming their seat.
pub async fn give_opinion(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    form: NewOpinion,
) -> Result<Opinion> {
    let text = input::multi_line("text", &form.text)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    let seats = seats_of(meeting_id);
    let by_staff = form.application_id.is_some();
    let seat = match form.application_id {
        Some(application_id) => {
            session.require_manager_of(found.department_id)?;
            seats
                .filter(meeting_application::Column::Id.eq(application_id))
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    Error::invalid(
                        "application_id",
                        FieldCode::NotFound,
                        "not a seat of this meeting",
                    )
                })?
        }
        None => seats
            .filter(meeting_application::Column::UserId.eq(session.user_id))
            .one(&txn)
            .await?
            .ok_or_else(|| {
                Error::Forbidden("opinions are given by the representatives seated".into())
            })?,
    };
    rules::may_give_opinion(current_status(&found, now)?, by_staff)?;
    let public = agenda_of(&txn, meeting_id)
        .await?
        .into_iter()
        .any(|i| i.id == form.agenda_item_id && !i.confidential);
    if !public {
        return Err(Error::invalid(
            "agenda_item_id",
            FieldCode::NotFound,
            "not a public agenda item of this meeting",
        ));
    }
    let created = meeting_opinion::ActiveModel {
        id: Set(Uuid::now_v7()),
        meeting_id: Set(meeting_id),
        application_id: Set(seat.id),
        agenda_item_id: Set(form.agenda_item_id),
        text: Set(text),
        // Consent to be named is the representative's own to give.
        named: Set(form.named && !by_staff),
        recorded_by: Set(session.user_id),
        created_at: Set(now),
        handling: Set(None),
        handled_by: Set(None),
        handled_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    let mut views = opinion_views(&state.db, vec![created], Audience::Full).await?;
    Ok(views.remove(0))
}

/// Who reads opinions, which decides how a representative is named.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Audience {
    /// The organising staff, or the representative their own: names and text as given.
    Full,
    /// Anyone: names masked unless consented, personal data in the text masked.
    Public,
}

/// A meeting's opinions, oldest first: all of them for the organising staff; once the
/// minutes are published, all of them for anyone, names masked unless consented; before,
/// a representative's own.
pub async fn opinions(
    state: &AppState,
    session: Option<&Session>,
    meeting_id: Uuid,
    page: PageRequest,
) -> Result<Page<Opinion>> {
    let found = db::find::<meeting::Entity>(&state.db, meeting_id, "meeting").await?;
    let staff = session.is_some_and(|s| s.manages(found.department_id));
    let published = current_status(&found, state.clock.now())? == MeetingStatus::MinutesPublished;
    let mut select =
        meeting_opinion::Entity::find().filter(meeting_opinion::Column::MeetingId.eq(meeting_id));
    let audience = match (staff, published, session) {
        (true, _, _) => Audience::Full,
        (false, true, _) => Audience::Public,
        (false, false, Some(s)) => {
            let own = meeting_application::Entity::find()
                .select_only()
                .column(meeting_application::Column::Id)
                .filter(meeting_application::Column::MeetingId.eq(meeting_id))
                .filter(meeting_application::Column::UserId.eq(s.user_id))
                .into_query();
            select = select.filter(meeting_opinion::Column::ApplicationId.in_subquery(own));
            Audience::Full
        }
        (false, false, None) => return page.page(Vec::new(), |o: &Opinion| o.id, Ok),
    };
    let rows = page
        .apply_oldest_first(select, meeting_opinion::Column::Id)
        .all(&state.db)
        .await?;
    let views = opinion_views(&state.db, rows, audience).await?;
    page.page(views, |o| o.id, Ok)
}

/// Staff record how an opinion was handled, once the meeting is held; its representative is
/// told.
pub async fn handle_opinion(
    state: &AppState,
    session: &Session,
    id: Uuid,
    form: Handling,
) -> Result<Opinion> {
    let handling = input::multi_line("handling", &form.handling)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let opinion = db::find::<meeting_opinion::Entity>(&txn, id, "opinion").await?;
    let found = db::find_locked::<meeting::Entity>(&txn, opinion.meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    rules::may_record_outcome(current_status(&found, now)?)?;
    let opinion = db::find::<meeting_opinion::Entity>(&txn, id, "opinion").await?;
    if opinion.handling.is_some() {
        return Err(Error::conflict(
            "already_handled",
            "this opinion's handling is recorded",
        ));
    }
    let handled = meeting_opinion::ActiveModel {
        id: Set(id),
        handling: Set(Some(handling.clone())),
        handled_by: Set(Some(session.user_id)),
        handled_at: Set(Some(now)),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let seat = db::find::<meeting_application::Entity>(&txn, opinion.application_id, "application")
        .await?;
    let item = db::find::<agenda_item::Entity>(&txn, opinion.agenda_item_id, "agenda item").await?;
    let notice = Notice {
        kind: NoticeKind::OpinionHandled,
        title: format!("您对“{}”的意见已有处理结果", item.title),
        title_en: format!("Your opinion on \"{}\" has been handled", item.title),
        body_en: handling.clone(),
        body: handling,
        link: Some(format!("#/meetings/{}", found.id)),
    };
    outbox::enqueue(&txn, now, seat.user_id, &notice).await?;
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.handle_opinion",
        ("meeting_opinion", id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    let mut views = opinion_views(&state.db, vec![handled], Audience::Full).await?;
    Ok(views.remove(0))
}

/// Publishes the meeting's conclusion once every opinion is handled; each representative
/// seated is told.
pub async fn publish_minutes(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    form: Minutes,
) -> Result<Meeting> {
    let conclusion = input::multi_line("conclusion", &form.conclusion)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    let unhandled = meeting_opinion::Entity::find()
        .filter(meeting_opinion::Column::MeetingId.eq(meeting_id))
        .filter(meeting_opinion::Column::Handling.is_null())
        .count(&txn)
        .await?;
    let seats: Vec<Option<bool>> = seats_of(meeting_id)
        .select_only()
        .column(meeting_application::Column::Attended)
        .into_tuple()
        .all(&txn)
        .await?;
    let attendance_recorded = seats.iter().all(Option::is_some);
    rules::may_publish_minutes(current_status(&found, now)?, attendance_recorded, unhandled)?;
    let published = meeting::ActiveModel {
        id: Set(meeting_id),
        status: Set(name(MeetingStatus::MinutesPublished)),
        conclusion: Set(Some(conclusion.clone())),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let notice = Notice {
        kind: NoticeKind::MeetingConclusion,
        title: format!("会议结论已公布：{}", found.title),
        title_en: format!("Conclusion published: {}", found.title),
        body_en: conclusion.clone(),
        body: conclusion,
        link: Some(format!("#/meetings/{meeting_id}")),
    };
    for user_id in applicant_ids(&txn, meeting_id, &[ApplicationStatus::Seated]).await? {
        outbox::enqueue(&txn, now, user_id, &notice).await?;
    }
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.minutes",
        ("meeting", meeting_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, published, Some(session)).await
}

/// Cancels a meeting that has not taken place; everyone still applying or seated is told.
pub async fn cancel(
    state: &AppState,
    session: &Session,
    meeting_id: Uuid,
    form: Cancellation,
) -> Result<Meeting> {
    let reason = input::single_line("reason", &form.reason)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = db::find_locked::<meeting::Entity>(&txn, meeting_id, "meeting").await?;
    session.require_manager_of(found.department_id)?;
    rules::may_cancel(current_status(&found, now)?)?;
    let cancelled = meeting::ActiveModel {
        id: Set(meeting_id),
        status: Set(name(MeetingStatus::Cancelled)),
        cancellation_reason: Set(Some(reason.clone())),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    let notice = Notice {
        kind: NoticeKind::MeetingCancelled,
        title: format!("会议已取消：{}", found.title),
        body: format!("原因：{reason}"),
        title_en: format!("Meeting cancelled: {}", found.title),
        body_en: format!("Reason: {reason}"),
        link: Some(format!("#/meetings/{meeting_id}")),
    };
    let still_in = [
        ApplicationStatus::Applied,
        ApplicationStatus::Seated,
        ApplicationStatus::Waitlisted,
    ];
    for user_id in applicant_ids(&txn, meeting_id, &still_in).await? {
        outbox::enqueue(&txn, now, user_id, &notice).await?;
    }
    audit::record_write(
        &txn,
        now,
        session,
        "meeting.cancel",
        ("meeting", meeting_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    view(state, &state.db, cancelled, Some(session)).await
}

/// The people whose applications for the meeting are in one of `statuses`.
async fn applicant_ids(
    db: &impl ConnectionTrait,
    meeting_id: Uuid,
    statuses: &[ApplicationStatus],
) -> Result<Vec<Uuid>> {
    Ok(meeting_application::Entity::find()
        .select_only()
        .column(meeting_application::Column::UserId)
        .filter(meeting_application::Column::MeetingId.eq(meeting_id))
        .filter(meeting_application::Column::Status.is_in(statuses.iter().map(|s| name(*s))))
        .into_tuple()
        .all(db)
        .await?)
}

/// Opinions as `audience` reads them, with their representatives' categories and names
/// loaded once for the lot.
async fn opinion_views(
    db: &impl ConnectionTrait,
    rows: Vec<meeting_opinion::Model>,
    audience: Audience,
) -> Result<Vec<Opinion>> {
    let seats: HashMap<Uuid, meeting_application::Model> = meeting_application::Entity::find()
        .filter(meeting_application::Column::Id.is_in(rows.iter().map(|o| o.application_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(seats.values().map(|a| a.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    rows.into_iter()
        .map(|o| {
            let seat = seats
                .get(&o.application_id)
                .ok_or_else(|| anyhow::anyhow!("an opinion's seat is gone"))?;
            let name = names.get(&seat.user_id).map_or("", String::as_str);
            let (representative, text, handling) = match audience {
                Audience::Full => (name.to_string(), o.text, o.handling),
                Audience::Public => (
                    if o.named {
                        name.to_string()
                    } else {
                        mask_name(name)
                    },
                    redact(&o.text).into_owned(),
                    o.handling.map(|h| redact(&h).into_owned()),
                ),
            };
            Ok(Opinion {
                id: o.id,
                meeting_id: o.meeting_id,
                agenda_item_id: o.agenda_item_id,
                category: parse(&seat.category)?,
                representative,
                text,
                named: o.named,
                created_at: o.created_at.into(),
                handling,
                handled_at: o.handled_at.map(Into::into),
            })
        })
        .collect()
}

/// Gives each application in the pool its seat or its place in line, as `seats` says, marks
/// the meeting drawn, and tells each applicant.
async fn allot(
    txn: &DatabaseTransaction,
    found: &meeting::Model,
    pool: &[meeting_application::Model],
    seats: &[CategorySeats],
    now: DateTime<Utc>,
) -> Result<()> {
    let by_pseudonym: HashMap<&str, &meeting_application::Model> =
        pool.iter().map(|a| (a.pseudonym.as_str(), a)).collect();
    for category in seats {
        let placed = category
            .seated
            .iter()
            .map(|p| (p, ApplicationStatus::Seated, None))
            .chain(
                (1..)
                    .zip(&category.waitlist)
                    .map(|(n, p)| (p, ApplicationStatus::Waitlisted, Some(n))),
            );
        for (pseudonym, status, position) in placed {
            let application = by_pseudonym.get(pseudonym.as_str()).ok_or_else(|| {
                anyhow::anyhow!("the draw names {pseudonym}, who is not in the pool")
            })?;
            set_status(txn, application, status, position, now).await?;
            tell_outcome(txn, now, found, application.user_id, status).await?;
        }
    }
    set_meeting_status(txn, found.id, MeetingStatus::Drawn, now).await?;
    Ok(())
}

async fn set_meeting_status(
    txn: &DatabaseTransaction,
    meeting_id: Uuid,
    status: MeetingStatus,
    now: DateTime<Utc>,
) -> Result<meeting::Model> {
    Ok(meeting::ActiveModel {
        id: Set(meeting_id),
        status: Set(name(status)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await?)
}

async fn set_status(
    txn: &DatabaseTransaction,
    application: &meeting_application::Model,
    status: ApplicationStatus,
    waitlist_position: Option<i32>,
    now: DateTime<Utc>,
) -> Result<meeting_application::Model> {
    Ok(meeting_application::ActiveModel {
        id: Set(application.id),
        status: Set(name(status)),
        waitlist_position: Set(waitlist_position),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(txn)
    .await?)
}

async fn tell_outcome(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    found: &meeting::Model,
    user_id: Uuid,
    status: ApplicationStatus,
) -> Result<()> {
    let (title, body, title_en, body_en) = match status {
        ApplicationStatus::Seated => (
            format!("您已获得列席席位：{}", found.title),
            "请按时参加会议，会后请留意意见处理情况的反馈。",
            format!("You have an observer seat: {}", found.title),
            "Please attend on time; afterwards you will be told how the opinions were handled.",
        ),
        _ => (
            format!("您在候补名单中：{}", found.title),
            "有代表放弃席位时，将按公布的候补顺序递补，届时另行通知。",
            format!("You are on the waitlist: {}", found.title),
            "When a representative gives up a seat, it passes down the published waitlist in order; you will be told.",
        ),
    };
    let notice = Notice {
        kind: NoticeKind::MeetingSeat,
        title,
        body: body.into(),
        title_en,
        body_en: body_en.into(),
        link: Some(format!("#/meetings/{}", found.id)),
    };
    outbox::enqueue(txn, now, user_id, &notice).await
}

/// The applications still in the pool (not withdrawn), in the order they came.
async fn in_pool(
    db: &impl ConnectionTrait,
    meeting_id: Uuid,
) -> Result<Vec<meeting_application::Model>> {
    Ok(meeting_application::Entity::find()
        .filter(meeting_application::Column::MeetingId.eq(meeting_id))
        .filter(meeting_application::Column::Status.ne(name(ApplicationStatus::Withdrawn)))
        .order_by_asc(meeting_application::Column::CreatedAt)
        .order_by_asc(meeting_application::Column::Id)
        .all(db)
        .await?)
}

/// The seats as they stand after withdrawals: per category as drawn, who is seated now (in
/// the order drawn) and who still waits, in order.
async fn standing(
    db: &impl ConnectionTrait,
    meeting_id: Uuid,
    drawn: &[CategorySeats],
) -> Result<Vec<CategorySeats>> {
    let rows = meeting_application::Entity::find()
        .filter(meeting_application::Column::MeetingId.eq(meeting_id))
        .all(db)
        .await?;
    let status: HashMap<&str, &str> = rows
        .iter()
        .map(|a| (a.pseudonym.as_str(), a.status.as_str()))
        .collect();
    let (seated, waiting) = (
        name(ApplicationStatus::Seated),
        name(ApplicationStatus::Waitlisted),
    );
    let having = |category: &CategorySeats, wanted: &str| -> Vec<String> {
        category
            .seated
            .iter()
            .chain(&category.waitlist)
            .filter(|p| status.get(p.as_str()) == Some(&wanted))
            .cloned()
            .collect()
    };
    Ok(drawn
        .iter()
        .map(|category| CategorySeats {
            category: category.category.clone(),
            seats: category.seats,
            seated: having(category, &seated),
            waitlist: having(category, &waiting),
        })
        .collect())
}

/// Refuses with `code` once the meeting's lottery pool is committed and not yet drawn.
async fn refuse_if_committed(
    txn: &DatabaseTransaction,
    meeting_id: Uuid,
    code: &'static str,
) -> Result<()> {
    let committed = meeting_draw::Entity::find_by_id(meeting_id)
        .one(txn)
        .await?;
    if committed.is_some_and(|d| d.drawn_at.is_none()) {
        return Err(Error::conflict(
            code,
            "the lottery's pool is committed: it changes no more until the draw",
        ));
    }
    Ok(())
}

/// A pseudonym no other applicant for the meeting has: eight characters a person reads
/// aloud without confusion (no 0/O, 1/I).
async fn unused_pseudonym(txn: &DatabaseTransaction, meeting_id: Uuid) -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let taken: Vec<String> = meeting_application::Entity::find()
        .select_only()
        .column(meeting_application::Column::Pseudonym)
        .filter(meeting_application::Column::MeetingId.eq(meeting_id))
        .into_tuple()
        .all(txn)
        .await?;
    let mut rng = rand::rng();
    loop {
        let pseudonym: String = (0..8)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        if !taken.contains(&pseudonym) {
            return Ok(pseudonym);
        }
    }
}

/// The applications holding a seat at the meeting.
pub(crate) fn seats_of(meeting_id: Uuid) -> Select<meeting_application::Entity> {
    meeting_application::Entity::find()
        .filter(meeting_application::Column::MeetingId.eq(meeting_id))
        .filter(meeting_application::Column::Status.eq(name(ApplicationStatus::Seated)))
}

/// A verdict's reason, checked as one line, and required when `required` (a refusal or a
/// rejection says why: the person is told).
fn reason_for(reason: Option<&str>, required: bool, why: &str) -> Result<Option<String>> {
    let reason = reason
        .map(|r| input::single_line("reason", r))
        .transpose()?;
    if required && reason.is_none() {
        return Err(Error::invalid("reason", FieldCode::Required, why));
    }
    Ok(reason)
}

fn require_staff(session: &Session) -> Result<()> {
    if session.has(Role::Staff) || session.has(Role::Admin) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "staff review representative profiles".into(),
        ))
    }
}

async fn active_profile(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Option<representative::Model>> {
    Ok(representative::Entity::find()
        .filter(representative::Column::UserId.eq(user_id))
        .filter(representative::Column::Status.is_in([
            name(RepresentativeStatus::Pending),
            name(RepresentativeStatus::Verified),
        ]))
        .one(db)
        .await?)
}

fn current_status(m: &meeting::Model, now: DateTime<Utc>) -> Result<MeetingStatus> {
    let window =
        m.applications_open_at
            .zip(m.applications_close_at)
            .map(|(opens_at, closes_at)| Window {
                opens_at,
                closes_at,
            });
    Ok(rules::status(parse(&m.status)?, window, now))
}

async fn quotas_of(db: &impl ConnectionTrait, meeting_id: Uuid) -> Result<Vec<SeatQuota>> {
    let mut quotas = seat_quota::Entity::find()
        .filter(seat_quota::Column::MeetingId.eq(meeting_id))
        .all(db)
        .await?
        .into_iter()
        .map(quota_view)
        .collect::<Result<Vec<_>>>()?;
    quotas.sort_by_key(|q| q.category);
    Ok(quotas)
}

fn quota_view(q: seat_quota::Model) -> Result<SeatQuota> {
    Ok(SeatQuota {
        category: parse(&q.category)?,
        seats: q.seats,
    })
}

async fn agenda_of(db: &impl ConnectionTrait, meeting_id: Uuid) -> Result<Vec<agenda_item::Model>> {
    Ok(agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(meeting_id))
        .order_by_asc(agenda_item::Column::Position)
        .all(db)
        .await?)
}

async fn view(
    state: &AppState,
    db: &impl ConnectionTrait,
    m: meeting::Model,
    session: Option<&Session>,
) -> Result<Meeting> {
    let mut one = views(state, db, vec![m], session).await?;
    Ok(one.remove(0))
}

/// Meetings as `session` sees them, their agendas, quotas and seats loaded once for the lot.
async fn views(
    state: &AppState,
    db: &impl ConnectionTrait,
    rows: Vec<meeting::Model>,
    session: Option<&Session>,
) -> Result<Vec<Meeting>> {
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let directory = Directory::load(db).await?;
    let mut agendas: HashMap<Uuid, Vec<agenda_item::Model>> = HashMap::new();
    for item in agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.is_in(ids.clone()))
        .order_by_asc(agenda_item::Column::Position)
        .all(db)
        .await?
    {
        agendas.entry(item.meeting_id).or_default().push(item);
    }
    let mut quotas: HashMap<Uuid, Vec<SeatQuota>> = HashMap::new();
    for quota in seat_quota::Entity::find()
        .filter(seat_quota::Column::MeetingId.is_in(ids.clone()))
        .all(db)
        .await?
    {
        quotas
            .entry(quota.meeting_id)
            .or_default()
            .push(quota_view(quota)?);
    }
    let mut seats: HashMap<Uuid, Vec<(String, Option<bool>)>> = HashMap::new();
    let seated: Vec<(Uuid, String, Option<bool>)> = meeting_application::Entity::find()
        .select_only()
        .column(meeting_application::Column::MeetingId)
        .column(meeting_application::Column::Category)
        .column(meeting_application::Column::Attended)
        .filter(meeting_application::Column::MeetingId.is_in(ids))
        .filter(meeting_application::Column::Status.eq(name(ApplicationStatus::Seated)))
        .into_tuple()
        .all(db)
        .await?;
    for (meeting_id, category, attended) in seated {
        seats
            .entry(meeting_id)
            .or_default()
            .push((category, attended));
    }
    let now = state.clock.now();
    rows.into_iter()
        .map(|m| {
            let staff = session.is_some_and(|s| s.manages(m.department_id));
            let agenda = agendas
                .remove(&m.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|i| staff || !i.confidential)
                .map(|i| AgendaItem {
                    id: i.id,
                    position: i.position,
                    title: i.title,
                    presenting_department: directory.get(i.presenting_department_id),
                    decision_id: i.decision_id,
                    confidential: i.confidential,
                })
                .collect();
            let mut quotas = quotas.remove(&m.id).unwrap_or_default();
            quotas.sort_by_key(|q| q.category);
            let status = current_status(&m, now)?;
            Ok(Meeting {
                id: m.id,
                number: m.number,
                department: directory.get(m.department_id),
                starts_at: m.starts_at.into(),
                status,
                selection_method: parse(&m.selection_method)?,
                applications_open_at: m.applications_open_at.map(Into::into),
                applications_close_at: m.applications_close_at.map(Into::into),
                quotas,
                agenda,
                observers: match status {
                    MeetingStatus::Drawn
                    | MeetingStatus::Held
                    | MeetingStatus::MinutesPublished => {
                        observers(seats.remove(&m.id).unwrap_or_default())?
                    }
                    _ => Vec::new(),
                },
                title: m.title,
                place: m.place,
                public_value_source: m.public_value_source,
                public_value_at: m.public_value_at.map(Into::into),
                conclusion: m.conclusion,
                cancellation_reason: m.cancellation_reason,
            })
        })
        .collect()
}

/// Per category, the observers seated and, once recorded, how many attended, from the
/// seats' (category, attended).
fn observers(seats: Vec<(String, Option<bool>)>) -> Result<Vec<Observers>> {
    let recorded = seats.iter().any(|(_, attended)| attended.is_some());
    let mut by_category: Vec<Observers> = Vec::new();
    for (category, attended) in seats {
        let category: Category = parse(&category)?;
        let at = match by_category.iter().position(|o| o.category == category) {
            Some(at) => at,
            None => {
                by_category.push(Observers {
                    category,
                    seated: 0,
                    attended: recorded.then_some(0),
                });
                by_category.len() - 1
            }
        };
        let entry = &mut by_category[at];
        entry.seated += 1;
        if attended == Some(true) {
            entry.attended = entry.attended.map(|n| n + 1);
        }
    }
    by_category.sort_by_key(|o| o.category);
    Ok(by_category)
}

/// A profile, for its owner or staff.
async fn representative_view(
    db: &impl ConnectionTrait,
    r: representative::Model,
) -> Result<Representative> {
    let person = db::find::<user::Entity>(db, r.user_id, "user").await?;
    Ok(Representative {
        id: r.id,
        name: person.display_name,
        category: parse(&r.category)?,
        eligibility: parse(&r.eligibility)?,
        status: parse(&r.status)?,
        organisation: r.organisation,
        statement: r.statement,
        reason: r.reason,
        created_at: r.created_at.into(),
    })
}

async fn application_view(
    db: &impl ConnectionTrait,
    a: meeting_application::Model,
    staff: bool,
) -> Result<Application> {
    let applicant = match staff {
        true => Some(
            db::find::<user::Entity>(db, a.user_id, "user")
                .await?
                .display_name,
        ),
        false => None,
    };
    Ok(Application {
        id: a.id,
        meeting_id: a.meeting_id,
        category: parse(&a.category)?,
        agenda_item_ids: serde_json::from_str(&a.agenda_item_ids).map_err(anyhow::Error::from)?,
        status: parse(&a.status)?,
        waitlist_position: a.waitlist_position,
        reason: a.reason,
        attended: a.attended,
        created_at: a.created_at.into(),
        pseudonym: a.pseudonym,
        applicant,
    })
}

/// What the meetings area holds about one person, as they see it themselves (their data
/// export): representative profiles, applications for seats and the opinions they gave.
pub struct PersonRecords {
    pub profiles: Vec<Representative>,
    pub applications: Vec<Application>,
    pub opinions: Vec<Opinion>,
}

pub async fn records_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<PersonRecords> {
    let mut profiles = Vec::new();
    for profile in representative::Entity::find()
        .filter(representative::Column::UserId.eq(user_id))
        .order_by_asc(representative::Column::Id)
        .all(db)
        .await?
    {
        profiles.push(representative_view(db, profile).await?);
    }
    let mine = meeting_application::Entity::find()
        .filter(meeting_application::Column::UserId.eq(user_id))
        .order_by_asc(meeting_application::Column::Id)
        .all(db)
        .await?;
    let opinions = meeting_opinion::Entity::find()
        .filter(meeting_opinion::Column::ApplicationId.is_in(mine.iter().map(|a| a.id)))
        .order_by_asc(meeting_opinion::Column::Id)
        .all(db)
        .await?;
    let mut applications = Vec::with_capacity(mine.len());
    for application in mine {
        applications.push(application_view(db, application, false).await?);
    }
    Ok(PersonRecords {
        profiles,
        applications,
        opinions: opinion_views(db, opinions, Audience::Full).await?,
    })
}

/// Erases what the meetings area holds about a person who deleted their account, in `txn`
/// (which holds the person's row lock): an active profile is withdrawn (with the
/// applications still being taken), every profile loses its organisation and statement, and
/// their opinions stop being named. Seats, pseudonyms and the opinions' text stay: they are
/// the meeting's public record, shown under the masked anonymous name.
pub async fn forget_person_in(
    txn: &DatabaseTransaction,
    session: &Session,
    now: DateTime<Utc>,
) -> Result<()> {
    withdraw_profile_in(txn, session, now).await?;
    representative::Entity::update_many()
        .col_expr(representative::Column::Organisation, Expr::value(""))
        .col_expr(representative::Column::Statement, Expr::value(""))
        .filter(representative::Column::UserId.eq(session.user_id))
        .exec(txn)
        .await?;
    let applications = meeting_application::Entity::find()
        .select_only()
        .column(meeting_application::Column::Id)
        .filter(meeting_application::Column::UserId.eq(session.user_id))
        .into_query();
    meeting_opinion::Entity::update_many()
        .col_expr(meeting_opinion::Column::Named, Expr::value(false))
        .filter(meeting_opinion::Column::ApplicationId.in_subquery(applications))
        .exec(txn)
        .await?;
    Ok(())
}

/// What waits for staff in the meetings of `department` (every department's, for `None`).
pub struct Waiting {
    /// Applications to meetings that choose by review, not yet reviewed.
    pub applications_to_review: u64,
    /// Representative profiles not yet verified (any staff may verify them).
    pub profiles_to_verify: u64,
    /// Opinions not yet handled.
    pub opinions_to_handle: u64,
}

pub async fn waiting(db: &impl ConnectionTrait, department: Option<Uuid>) -> Result<Waiting> {
    let meetings = |method: Option<SelectionMethod>| {
        let mut ids = meeting::Entity::find()
            .select_only()
            .column(meeting::Column::Id);
        if let Some(department) = department {
            ids = ids.filter(meeting::Column::DepartmentId.eq(department));
        }
        if let Some(method) = method {
            ids = ids.filter(meeting::Column::SelectionMethod.eq(name(method)));
        }
        ids.into_query()
    };
    let applications_to_review = meeting_application::Entity::find()
        .filter(meeting_application::Column::Status.eq(name(ApplicationStatus::Applied)))
        .filter(
            meeting_application::Column::MeetingId
                .in_subquery(meetings(Some(SelectionMethod::Review))),
        )
        .count(db)
        .await?;
    let profiles_to_verify = representative::Entity::find()
        .filter(representative::Column::Status.eq(name(RepresentativeStatus::Pending)))
        .count(db)
        .await?;
    let opinions_to_handle = meeting_opinion::Entity::find()
        .filter(meeting_opinion::Column::Handling.is_null())
        .filter(meeting_opinion::Column::MeetingId.in_subquery(meetings(None)))
        .count(db)
        .await?;
    Ok(Waiting {
        applications_to_review,
        profiles_to_verify,
        opinions_to_handle,
    })
}
