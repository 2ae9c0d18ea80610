//! The rules of events: who creates and changes them, what the public sees.

use chrono::{DateTime, Utc};
use entity::{department, event, signup};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{Event, EventPatch, EventStatus, NewEvent, SignupStatus, Theme},
    rules::Seats,
    signups,
};
use crate::{
    audit,
    auth::{Role, Session},
    db,
    departments::Directory,
    enums::{name, parse},
    error::{Error, FieldCode, FieldError, Result},
    input,
    notices::{Notice, NoticeKind},
    outbox,
    pagination::{Page, TimePageRequest},
    state::AppState,
};

/// Filters of the public calendar.
#[derive(Default)]
pub struct CalendarFilter {
    pub theme: Option<Theme>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only events with seats left.
    pub has_seats: bool,
    /// Only this department's events; its staff also see its drafts.
    pub host_department_id: Option<Uuid>,
}

pub async fn create(state: &AppState, session: &Session, form: NewEvent) -> Result<Event> {
    if !(session.has(Role::Staff) || session.has(Role::Admin)) {
        return Err(Error::Forbidden(
            "only staff and admins create events".into(),
        ));
    }
    let host_id = match (form.host_department_id, session.department_id) {
        (Some(id), _) => id,
        (None, Some(own)) if session.has(Role::Staff) => own,
        (None, _) => {
            return Err(Error::invalid(
                "host_department_id",
                FieldCode::Required,
                "name the host department",
            ))
        }
    };
    session.require_manager_of(host_id)?;
    if form.status == EventStatus::Cancelled {
        return Err(Error::invalid(
            "status",
            FieldCode::NotOneOf,
            "a new event is a draft or published",
        ));
    }
    let schedule = Schedule {
        starts_at: form.starts_at,
        ends_at: form.ends_at,
        signup_opens_at: form.signup_opens_at,
        signup_closes_at: form.signup_closes_at,
    };
    schedule.check()?;
    if form.max_party_size > form.capacity {
        return Err(party_above_capacity());
    }
    let title = input::single_line("title", &form.title)?;
    let venue = input::single_line("venue", &form.venue)?;
    let address = optional_line("address", &form.address)?;
    let accessibility_contact =
        optional_line("accessibility_contact", &form.accessibility_contact)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    department::Entity::find_by_id(host_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::invalid(
                "host_department_id",
                FieldCode::NotFound,
                "no such department",
            )
        })?;
    let created = event::ActiveModel {
        id: Set(Uuid::now_v7()),
        title: Set(title),
        theme: Set(name(form.theme)),
        host_department_id: Set(host_id),
        description: Set(form.description.trim().to_string()),
        venue: Set(venue),
        address: Set(address),
        accessibility_notes: Set(form.accessibility_notes.trim().to_string()),
        accessibility_contact: Set(accessibility_contact),
        starts_at: Set(form.starts_at),
        ends_at: Set(form.ends_at),
        capacity: Set(form.capacity),
        seats_taken: Set(0),
        waitlist_seq: Set(0),
        waitlist_length: Set(0),
        max_party_size: Set(form.max_party_size),
        signup_opens_at: Set(form.signup_opens_at),
        signup_closes_at: Set(form.signup_closes_at),
        offer_hours: Set(form.offer_hours),
        status: Set(name(form.status)),
        personal_data_erased_at: Set(None),
        created_by: Set(Some(session.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit_write(
        &txn,
        now,
        session,
        "event.create",
        created.id,
        json!({"title": created.title, "capacity": created.capacity}),
    )
    .await?;
    txn.commit().await?;
    get(state, Some(session), created.id).await
}

/// When an event happens and when it takes signups.
struct Schedule {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    signup_opens_at: DateTime<Utc>,
    signup_closes_at: DateTime<Utc>,
}

impl Schedule {
    fn check(&self) -> Result<()> {
        let mut errors = Vec::new();
        if self.ends_at <= self.starts_at {
            errors.push(
                FieldError::new("ends_at", FieldCode::MustBeAfter, "must be after starts_at")
                    .other_field("starts_at"),
            );
        }
        if self.signup_closes_at <= self.signup_opens_at {
            errors.push(
                FieldError::new(
                    "signup_closes_at",
                    FieldCode::MustBeAfter,
                    "must be after signup_opens_at",
                )
                .other_field("signup_opens_at"),
            );
        }
        if self.signup_closes_at > self.starts_at {
            errors.push(
                FieldError::new(
                    "signup_closes_at",
                    FieldCode::OutOfRange,
                    "signups close before the event starts",
                )
                .other_field("starts_at"),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(errors))
        }
    }
}

pub async fn list(
    state: &AppState,
    session: Option<&Session>,
    filter: CalendarFilter,
    page: TimePageRequest,
) -> Result<Page<Event>> {
    let mut select = event::Entity::find();
    let sees_drafts = filter
        .host_department_id
        .is_some_and(|d| session.is_some_and(|s| s.manages(d)));
    if !sees_drafts {
        select = select.filter(event::Column::Status.ne(name(EventStatus::Draft)));
    }
    if let Some(host) = filter.host_department_id {
        select = select.filter(event::Column::HostDepartmentId.eq(host));
    }
    if let Some(theme) = filter.theme {
        select = select.filter(event::Column::Theme.eq(name(theme)));
    }
    if let Some(from) = filter.from {
        select = select.filter(event::Column::StartsAt.gte(from));
    }
    if let Some(to) = filter.to {
        select = select.filter(event::Column::StartsAt.lt(to));
    }
    if filter.has_seats {
        // `Seats::open_to_newcomers` in SQL: a seat free and nobody waiting for it.
        select = select
            .filter(Expr::col(event::Column::SeatsTaken).lt(Expr::col(event::Column::Capacity)))
            .filter(event::Column::WaitlistLength.eq(0))
            .filter(event::Column::Status.eq(name(EventStatus::Published)));
    }
    let rows = page
        .apply(select, event::Column::StartsAt, event::Column::Id)
        .all(&state.db)
        .await?;
    let departments = Directory::load(&state.db).await?;
    let now = state.clock.now();
    page.page(
        rows,
        |e| (e.starts_at, e.id),
        |e| view(e, &departments, now),
    )
}

/// A published event for everyone; a draft only for its department's staff.
pub async fn get(state: &AppState, session: Option<&Session>, id: Uuid) -> Result<Event> {
    let found = load(&state.db, id).await?;
    if found.status == name(EventStatus::Draft)
        && !session.is_some_and(|s| s.manages(found.host_department_id))
    {
        return Err(Error::NotFound("event"));
    }
    view(found, &Directory::load(&state.db).await?, state.clock.now())
}

/// A published open day as an iCalendar file (RFC 5545), for "add to calendar": where, when,
/// and a link back to its page. A cancelled one says so, so a calendar that has it updates.
pub async fn calendar(state: &AppState, id: Uuid) -> Result<String> {
    use icalendar::{Calendar, Component, EventLike};

    let found = load(&state.db, id).await?;
    if found.status == name(EventStatus::Draft) {
        return Err(Error::NotFound("event"));
    }
    let location = match found.address.as_str() {
        "" => found.venue.clone(),
        address => format!("{}，{address}", found.venue),
    };
    let link = format!("{}/#/events/{id}", state.config.public_url);
    let mut entry = icalendar::Event::new();
    entry
        .uid(&format!("event-{id}@canyu"))
        .summary(&found.title)
        .description(&format!("{}\n\n{link}", found.description))
        .location(&location)
        .url(&link)
        .starts(found.starts_at)
        .ends(found.ends_at);
    if found.status == name(EventStatus::Cancelled) {
        entry.status(icalendar::EventStatus::Cancelled);
    }
    Ok(Calendar::new().push(entry.done()).done().to_string())
}

pub async fn update(
    state: &AppState,
    session: &Session,
    id: Uuid,
    patch: EventPatch,
) -> Result<Event> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let current = load_locked(&txn, id).await?;
    session.require_manager_of(current.host_department_id)?;
    let status = parse::<EventStatus>(&current.status)?;
    if status == EventStatus::Cancelled {
        return Err(Error::conflict(
            "event_cancelled",
            "a cancelled event cannot be changed",
        ));
    }
    if patch.status == Some(EventStatus::Draft) && status == EventStatus::Published {
        return Err(Error::invalid(
            "status",
            FieldCode::Invalid,
            "a published event cannot go back to draft; cancel it instead",
        ));
    }
    let mut changed = event::ActiveModel {
        id: Set(id),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(title) = &patch.title {
        changed.title = Set(input::single_line("title", title)?);
    }
    if let Some(venue) = &patch.venue {
        changed.venue = Set(input::single_line("venue", venue)?);
    }
    if let Some(address) = &patch.address {
        changed.address = Set(optional_line("address", address)?);
    }
    if let Some(contact) = &patch.accessibility_contact {
        changed.accessibility_contact = Set(optional_line("accessibility_contact", contact)?);
    }
    if let Some(description) = &patch.description {
        changed.description = Set(description.trim().to_string());
    }
    if let Some(notes) = &patch.accessibility_notes {
        changed.accessibility_notes = Set(notes.trim().to_string());
    }
    if let Some(closes) = patch.signup_closes_at {
        Schedule {
            signup_closes_at: closes,
            ..schedule_of(&current)
        }
        .check()?;
        changed.signup_closes_at = Set(closes);
    }
    let capacity = patch.capacity.unwrap_or(current.capacity);
    let max_party_size = patch.max_party_size.unwrap_or(current.max_party_size);
    if max_party_size > capacity {
        return Err(party_above_capacity());
    }
    changed.max_party_size = Set(max_party_size);
    if let Some(capacity) = patch.capacity {
        // `Seats::may_resize`, conditional so that a signup taking a seat meanwhile cannot be
        // oversold.
        let resized = event::Entity::update_many()
            .col_expr(event::Column::Capacity, Expr::value(capacity))
            .filter(event::Column::Id.eq(id))
            .filter(event::Column::SeatsTaken.lte(capacity))
            .exec(&txn)
            .await?;
        if resized.rows_affected == 0 {
            return Err(Error::conflict(
                "capacity_below_taken",
                "more seats are already taken than the new capacity; cancel signups first",
            ));
        }
    }
    if let Some(new_status) = patch.status {
        changed.status = Set(name(new_status));
    }
    changed.update(&txn).await?;
    if patch.status == Some(EventStatus::Cancelled) {
        notify_cancellation(&txn, &current, now).await?;
    } else if patch.capacity.is_some_and(|c| c > current.capacity) {
        signups::offer_freed_seats(state, &txn, id, now).await?;
    }
    let fields =
        json!({"capacity": patch.capacity, "status": patch.status.map(name), "title": patch.title});
    audit_write(&txn, now, session, "event.update", id, fields).await?;
    txn.commit().await?;
    get(state, Some(session), id).await
}

/// Cancels every active signup of a cancelled event and tells each person.
async fn notify_cancellation(
    txn: &impl ConnectionTrait,
    event: &event::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let active = [
        SignupStatus::Confirmed,
        SignupStatus::Waitlisted,
        SignupStatus::Offered,
    ]
    .map(name);
    let affected = signup::Entity::find()
        .filter(signup::Column::EventId.eq(event.id))
        .filter(signup::Column::Status.is_in(active.clone()))
        .all(txn)
        .await?;
    signup::Entity::update_many()
        .col_expr(
            signup::Column::Status,
            Expr::value(name(SignupStatus::Cancelled)),
        )
        .col_expr(signup::Column::UpdatedAt, Expr::value(now))
        .filter(signup::Column::EventId.eq(event.id))
        .filter(signup::Column::Status.is_in(active))
        .exec(txn)
        .await?;
    for person in affected.iter().filter_map(|s| s.user_id) {
        let notice = Notice {
            kind: NoticeKind::EventCancelled,
            title: format!("活动取消：{}", event.title),
            body: "很抱歉，您报名的政府开放活动已取消。".into(),
            title_en: format!("Open day cancelled: {}", event.title),
            body_en: "We are sorry: the open day you signed up for has been cancelled.".into(),
            link: Some(format!("#/events/{}", event.id)),
        };
        outbox::enqueue(txn, now, person, &notice).await?;
    }
    Ok(())
}

fn schedule_of(e: &event::Model) -> Schedule {
    Schedule {
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        signup_opens_at: e.signup_opens_at,
        signup_closes_at: e.signup_closes_at,
    }
}

pub(super) async fn audit_write(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    session: &Session,
    action: &str,
    event_id: Uuid,
    detail: serde_json::Value,
) -> Result<()> {
    Ok(audit::record_write(txn, now, session, action, ("event", event_id), detail).await?)
}

pub(super) async fn load(db: &impl ConnectionTrait, id: Uuid) -> Result<event::Model> {
    db::find::<event::Entity>(db, id, "event").await
}

/// Loads an event and locks its row until the transaction ends: every change to its seats
/// and waitlist then happens one after another, whatever the number of instances.
pub(super) async fn load_locked(txn: &DatabaseTransaction, id: Uuid) -> Result<event::Model> {
    db::find_locked::<event::Entity>(txn, id, "event").await
}

fn view(e: event::Model, departments: &Directory, now: DateTime<Utc>) -> Result<Event> {
    let status = parse(&e.status)?;
    let waitlist_length = signups::count(e.waitlist_length);
    Ok(Event {
        id: e.id,
        host: departments.get(e.host_department_id),
        theme: parse(&e.theme)?,
        seats_left: Seats {
            capacity: e.capacity,
            taken: e.seats_taken,
        }
        .open_to_newcomers(waitlist_length > 0),
        waitlist_length,
        signup_open: status == EventStatus::Published && signups::signup_window(&e).is_open(now),
        status,
        title: e.title,
        description: e.description,
        venue: e.venue,
        address: e.address,
        accessibility_notes: e.accessibility_notes,
        accessibility_contact: e.accessibility_contact,
        starts_at: e.starts_at.into(),
        ends_at: e.ends_at.into(),
        capacity: e.capacity,
        max_party_size: e.max_party_size,
        signup_opens_at: e.signup_opens_at.into(),
        signup_closes_at: e.signup_closes_at.into(),
        offer_hours: e.offer_hours,
    })
}

/// One line of text that may be left empty.
fn optional_line(field: &str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    Ok(input::single_line(field, value)?)
}

fn party_above_capacity() -> Error {
    let message = "cannot exceed the capacity";
    FieldError::new("max_party_size", FieldCode::OutOfRange, message)
        .other_field("capacity")
        .into()
}
