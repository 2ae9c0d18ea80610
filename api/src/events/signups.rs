//! The rules of signups: seats are taken in the database with a conditional update, so no
//! number of API instances can oversell; a freed seat is offered to the head of the waitlist
//! in the same transaction that frees it.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use entity::{event, signup, user};
use sea_orm::{
    sea_query::Expr, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, Statement, TransactionTrait,
};
use uuid::Uuid;

use super::{
    dto::{Attendee, EventStatus, Signup, SignupStatus},
    rules::{self, SignupWindow},
    service::{load, load_locked},
};
use crate::{
    accounts::login,
    auth::Session,
    codes,
    enums::{name, parse},
    error::{Error, Result, UniqueIndex},
    export::{csv_line, stream_by_id},
    idempotency,
    notices::{Notice, NoticeKind},
    outbox,
    pagination::{Page, PageRequest},
    state::AppState,
    timestamp::Timestamp,
};

const ALREADY_SIGNED_UP: UniqueIndex = UniqueIndex {
    name: "ux_signups_active",
    sqlite_columns: "signups.event_id, signups.user_id",
    code: "already_signed_up",
    detail: "you have already signed up for this event; see your signups",
};

/// A check-in code is unique within its event. Only the host's staff can check a code in, so
/// eight characters need not be unguessable, only unique where they are typed.
const CHECKIN_CODE_TAKEN: UniqueIndex = UniqueIndex {
    name: "ux_signups_event_checkin_code",
    sqlite_columns: "signups.event_id, signups.checkin_code",
    code: "checkin_code_taken",
    detail: "a check-in code was drawn twice",
};

/// Statuses that hold a person's place: a seat or a place in line.
const ACTIVE: [SignupStatus; 3] = [
    SignupStatus::Confirmed,
    SignupStatus::Waitlisted,
    SignupStatus::Offered,
];

pub async fn sign_up(
    state: &AppState,
    session: &Session,
    event_id: Uuid,
    party_size: i32,
) -> Result<Signup> {
    let now = state.clock.now();
    let mut kept = state.open_days.get(&event_id);
    loop {
        // The rules are checked on the event as this instance last read it; the place is
        // taken only if what they were checked on still holds (otherwise: read it again), and
        // a refusal is only ever said on the event as read now.
        let (found, read_now) = match kept.take() {
            Some(found) => (found, false),
            None => {
                let found = Arc::new(load(&state.db, event_id).await?);
                state.open_days.keep(event_id, found.clone());
                (found, true)
            }
        };
        let admitted = rules::admit(
            parse::<EventStatus>(&found.status)?,
            signup_window(&found),
            now,
            party_size,
            found.max_party_size,
        );
        if admitted.is_err() && !read_now {
            continue;
        }
        admitted?;
        let place = Place {
            signup_id: Uuid::now_v7(),
            user_id: session.user_id,
            party_size,
            checkin_code: codes::new_code(),
            now,
        };
        if let Some(taken) = take_place(&state.db, &found, &place).await? {
            return answer(
                taken.signup,
                taken.event_title,
                taken.event_starts_at,
                taken.waitlist_position,
            );
        }
        state.open_days.forget(&event_id);
    }
}

/// A signup about to take its seat or place in line.
struct Place {
    signup_id: Uuid,
    user_id: Uuid,
    party_size: i32,
    checkin_code: String,
    now: DateTime<Utc>,
}

/// A place taken, with what its answer shows as read under the event's lock.
struct Taken {
    signup: signup::Model,
    /// The newcomer's place in line (it is last), when waitlisted.
    waitlist_position: Option<u64>,
    event_title: String,
    event_starts_at: DateTime<Utc>,
}

/// Takes a seat for `place` if one is free and nobody waits, otherwise the next place in
/// line, under the event's row lock, and stores the signup; nothing (`None`) when the facts
/// the admission rules were checked on (`admitted_on`) have changed meanwhile, or when the
/// check-in code was drawn before in this event (about once in 10^12). On PostgreSQL
/// one call of `canyu_take_place`, the row locked for that one statement; on SQLite the
/// same steps in one transaction.
async fn take_place(
    db: &DatabaseConnection,
    admitted_on: &event::Model,
    place: &Place,
) -> Result<Option<Taken>> {
    let refused = |err: DbErr| {
        if CHECKIN_CODE_TAKEN.is_violated_by(&err) {
            Ok(None)
        } else {
            Err(ALREADY_SIGNED_UP.conflict(err))
        }
    };
    let e = admitted_on;
    let idempotency = idempotency::current_write();
    if db.get_database_backend() == DbBackend::Postgres {
        let taken = match db
            .query_one(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT taken_status, taken_queue_number, waitlist_position, event_title, \
                 event_starts_at \
                 FROM canyu_take_place($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                [
                    e.id.into(),
                    place.signup_id.into(),
                    place.user_id.into(),
                    place.party_size.into(),
                    place.checkin_code.clone().into(),
                    place.now.into(),
                    e.status.clone().into(),
                    e.signup_opens_at.into(),
                    e.signup_closes_at.into(),
                    e.max_party_size.into(),
                    idempotency.as_ref().map(|(scope, _)| scope.clone()).into(),
                    idempotency.map(|(_, key)| key).into(),
                ],
            ))
            .await
        {
            Ok(taken) => taken,
            Err(err) => return refused(err),
        };
        let Some(row) = taken else {
            return Ok(None);
        };
        let position: Option<i32> = row.try_get("", "waitlist_position")?;
        return Ok(Some(Taken {
            signup: place.signup(
                e.id,
                row.try_get("", "taken_status")?,
                row.try_get("", "taken_queue_number")?,
            ),
            waitlist_position: position.map(count),
            event_title: row.try_get("", "event_title")?,
            event_starts_at: row.try_get("", "event_starts_at")?,
        }));
    }
    let txn = db.begin().await?;
    let current = event::Entity::find_by_id(e.id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let Some(current) = current.filter(|c| {
        (
            &c.status,
            c.signup_opens_at,
            c.signup_closes_at,
            c.max_party_size,
        ) == (
            &e.status,
            e.signup_opens_at,
            e.signup_closes_at,
            e.max_party_size,
        )
    }) else {
        return Ok(None);
    };
    let (status, queue_number) = if take_seats(&txn, e.id, place.party_size, true).await? {
        (name(SignupStatus::Confirmed), None)
    } else {
        (
            name(SignupStatus::Waitlisted),
            Some(next_queue_number(&txn, e.id).await?),
        )
    };
    let created = match place
        .signup(e.id, status, queue_number)
        .into_active_model()
        .insert(&txn)
        .await
    {
        Ok(created) => created,
        Err(err) => return refused(err),
    };
    let waitlist_position = match queue_number {
        Some(_) => Some(count(load(&txn, e.id).await?.waitlist_length)),
        None => None,
    };
    idempotency::record_in(&txn, place.now).await?;
    txn.commit().await?;
    Ok(Some(Taken {
        signup: created,
        waitlist_position,
        event_title: current.title,
        event_starts_at: current.starts_at,
    }))
}

impl Place {
    fn signup(&self, event_id: Uuid, status: String, queue_number: Option<i32>) -> signup::Model {
        signup::Model {
            id: self.signup_id,
            event_id,
            user_id: Some(self.user_id),
            party_size: self.party_size,
            status,
            queue_number,
            offer_expires_at: None,
            checkin_code: self.checkin_code.clone(),
            checked_in_at: None,
            checkin_nonce: None,
            created_at: self.now,
            updated_at: self.now,
        }
    }
}

/// The next place in the event's waitlist. Taking it locks the event's row until the
/// transaction ends, so places are given in commit order: a position counted after commit
/// sees everyone ahead.
async fn next_queue_number(txn: &DatabaseTransaction, event_id: Uuid) -> Result<i32> {
    let updated = event::Entity::update_many()
        .col_expr(
            event::Column::WaitlistSeq,
            Expr::col(event::Column::WaitlistSeq).add(1),
        )
        .filter(event::Column::Id.eq(event_id))
        .exec_with_returning(txn)
        .await?;
    updated
        .first()
        .map(|e| e.waitlist_seq)
        .ok_or(Error::NotFound("event"))
}

/// Takes `n` seats if they are free (and, with `respect_waitlist`, nobody is waiting): the SQL
/// form of `Seats::fits` and `Seats::admits_newcomer`, atomic under concurrent writers.
async fn take_seats(
    txn: &DatabaseTransaction,
    event_id: Uuid,
    n: i32,
    respect_waitlist: bool,
) -> Result<bool> {
    let mut update = event::Entity::update_many()
        .col_expr(
            event::Column::SeatsTaken,
            Expr::col(event::Column::SeatsTaken).add(n),
        )
        .filter(event::Column::Id.eq(event_id))
        .filter(
            Expr::expr(Expr::col(event::Column::SeatsTaken).add(n))
                .lte(Expr::col(event::Column::Capacity)),
        );
    if respect_waitlist {
        update = update.filter(event::Column::WaitlistLength.eq(0));
    }
    Ok(update.exec(txn).await?.rows_affected == 1)
}

async fn release_seats(txn: &DatabaseTransaction, event_id: Uuid, n: i32) -> Result<()> {
    event::Entity::update_many()
        .col_expr(
            event::Column::SeatsTaken,
            Expr::col(event::Column::SeatsTaken).sub(n),
        )
        .filter(event::Column::Id.eq(event_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Offers free seats to the waitlist as `Seats::offers` says: the head of the line gets a
/// seat held for `offer_hours` (never past the start); when its party does not fit, nobody
/// behind it jumps ahead.
pub(super) async fn offer_freed_seats(
    state: &AppState,
    txn: &DatabaseTransaction,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    let found = load(txn, event_id).await?;
    if found.starts_at <= now || found.status != name(EventStatus::Published) {
        return Ok(());
    }
    loop {
        let head = signup::Entity::find()
            .filter(signup::Column::EventId.eq(event_id))
            .filter(signup::Column::Status.eq(name(SignupStatus::Waitlisted)))
            .order_by_asc(signup::Column::QueueNumber)
            .one(txn)
            .await?;
        let Some(head) = head else { return Ok(()) };
        if !take_seats(txn, event_id, head.party_size, false).await? {
            return Ok(());
        }
        let expires_at = (now + Duration::hours(i64::from(found.offer_hours))).min(found.starts_at);
        let mut offered: signup::ActiveModel = head.clone().into();
        offered.status = Set(name(SignupStatus::Offered));
        offered.offer_expires_at = Set(Some(expires_at));
        offered.updated_at = Set(now);
        offered.update(txn).await?;
        if let Some(person) = head.user_id {
            let notice = Notice {
                kind: NoticeKind::WaitlistOffer,
                title: format!(
                    "有名额为您保留至 {}：{}",
                    Timestamp(expires_at).in_words(state.config.timezone),
                    found.title
                ),
                body: format!(
                    "有名额空出，已为您保留。请在 {} 前确认参加，逾期名额将顺延给下一位候补者。",
                    Timestamp(expires_at).in_words(state.config.timezone)
                ),
                title_en: format!(
                    "A seat is held for you until {}: {}",
                    Timestamp(expires_at).in_english_words(state.config.timezone),
                    found.title
                ),
                body_en: format!(
                    "A seat came free and is held for you. Confirm before {}, or it passes to the next person waiting.",
                    Timestamp(expires_at).in_english_words(state.config.timezone)
                ),
                link: Some("#/me/signups".into()),
            };
            outbox::enqueue(txn, now, person, &notice).await?;
        }
    }
}

/// Loads the caller's own signup; someone else's reads as missing.
async fn own_signup(
    db: &impl ConnectionTrait,
    session: &Session,
    id: Uuid,
) -> Result<signup::Model> {
    let found = signup::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("signup"))?;
    if found.user_id != Some(session.user_id) {
        return Err(Error::NotFound("signup"));
    }
    Ok(found)
}

/// Moves a signup from `from` to `to` if nobody else moved it meanwhile.
async fn transition(
    txn: &DatabaseTransaction,
    found: &signup::Model,
    to: SignupStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    let moved = signup::Entity::update_many()
        .col_expr(signup::Column::Status, Expr::value(name(to)))
        .col_expr(signup::Column::UpdatedAt, Expr::value(now))
        .filter(signup::Column::Id.eq(found.id))
        .filter(signup::Column::Status.eq(found.status.as_str()))
        .exec(txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(Error::conflict(
            "signup_changed",
            "the signup changed meanwhile; reload and retry",
        ));
    }
    Ok(())
}

/// Cancels the caller's signup; a seat it held goes to the waitlist at once.
pub async fn cancel(state: &AppState, session: &Session, id: Uuid) -> Result<Signup> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = own_signup(&txn, session, id).await?;
    let event = cancel_in(state, &txn, &found, now).await?;
    txn.commit().await?;
    let updated = signup::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("signup"))?;
    view(&state.db, updated, &event).await
}

/// Cancels an active signup of an event not yet started, in `txn`: a seat it held goes to
/// the waitlist at once. Answers the event.
async fn cancel_in(
    state: &AppState,
    txn: &DatabaseTransaction,
    found: &signup::Model,
    now: DateTime<Utc>,
) -> Result<event::Model> {
    let status = parse::<SignupStatus>(&found.status)?;
    if !ACTIVE.contains(&status) {
        return Err(Error::conflict(
            "signup_not_active",
            "this signup is no longer active",
        ));
    }
    let event = load_locked(txn, found.event_id).await?;
    if event.starts_at <= now {
        return Err(Error::conflict(
            "event_started",
            "the event has started; signups can no longer change",
        ));
    }
    transition(txn, found, SignupStatus::Cancelled, now).await?;
    if status != SignupStatus::Waitlisted {
        release_seats(txn, found.event_id, found.party_size).await?;
    }
    // Even leaving the line can free the way: the new head may fit where the old one did not.
    offer_freed_seats(state, txn, found.event_id, now).await?;
    Ok(event)
}

/// Erases what the events area holds about a person who deleted their account, in `txn`
/// (which holds the person's row lock): signups for open days not yet started are cancelled
/// (their seats offered to the waitlist), and every signup of theirs stops naming them.
/// Answers how many were cancelled and how many kept anonymously.
pub async fn forget_person_in(
    state: &AppState,
    txn: &DatabaseTransaction,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(u64, u64)> {
    let theirs = signup::Entity::find()
        .filter(signup::Column::UserId.eq(user_id))
        .order_by_asc(signup::Column::EventId)
        .all(txn)
        .await?;
    let mut cancelled = 0;
    for found in &theirs {
        let active = ACTIVE.contains(&parse::<SignupStatus>(&found.status)?);
        if active && load(txn, found.event_id).await?.starts_at > now {
            cancel_in(state, txn, found, now).await?;
            cancelled += 1;
        }
    }
    signup::Entity::update_many()
        .col_expr(signup::Column::UserId, Expr::value(Option::<Uuid>::None))
        .col_expr(
            signup::Column::CheckinNonce,
            Expr::value(Option::<String>::None),
        )
        .filter(signup::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    Ok((cancelled, theirs.len() as u64 - cancelled))
}

/// Accepts or declines a seat offered from the waitlist.
pub async fn respond_to_offer(
    state: &AppState,
    session: &Session,
    id: Uuid,
    accept: bool,
) -> Result<Signup> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let found = own_signup(&txn, session, id).await?;
    load_locked(&txn, found.event_id).await?;
    let found = own_signup(&txn, session, id).await?;
    let offered = found.status == name(SignupStatus::Offered)
        && found.offer_expires_at.is_some_and(|until| now < until);
    if !offered {
        return Err(Error::conflict(
            "no_open_offer",
            "there is no open offer on this signup (it may have expired)",
        ));
    }
    if accept {
        transition(&txn, &found, SignupStatus::Confirmed, now).await?;
    } else {
        transition(&txn, &found, SignupStatus::Declined, now).await?;
        release_seats(&txn, found.event_id, found.party_size).await?;
        offer_freed_seats(state, &txn, found.event_id, now).await?;
    }
    txn.commit().await?;
    let event = load(&state.db, found.event_id).await?;
    let updated = signup::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("signup"))?;
    view(&state.db, updated, &event).await
}

/// Passes offers nobody accepted in time to the next person in line; run by the background
/// worker, so no one has to press a button. Returns how many offers expired.
pub async fn expire_offers(state: &AppState) -> Result<u64> {
    let now = state.clock.now();
    let due = signup::Entity::find()
        .filter(signup::Column::Status.eq(name(SignupStatus::Offered)))
        .filter(signup::Column::OfferExpiresAt.lte(now))
        .order_by_asc(signup::Column::Id)
        .all(&state.db)
        .await?;
    let mut expired = 0;
    for offer in due {
        let txn = state.db.begin().await?;
        load_locked(&txn, offer.event_id).await?;
        if transition(&txn, &offer, SignupStatus::Expired, now)
            .await
            .is_err()
        {
            continue; // accepted or expired by someone else meanwhile
        }
        release_seats(&txn, offer.event_id, offer.party_size).await?;
        offer_freed_seats(state, &txn, offer.event_id, now).await?;
        if let Some(person) = offer.user_id {
            let notice = Notice {
                kind: NoticeKind::OfferExpired,
                title: "候补名额已过期".into(),
                body: "您未在期限内确认，名额已顺延给下一位候补者。".into(),
                title_en: "Held seat expired".into(),
                body_en: "You did not confirm in time; the seat passed to the next person waiting."
                    .into(),
                link: Some("#/me/signups".into()),
            };
            outbox::enqueue(&txn, now, person, &notice).await?;
        }
        txn.commit().await?;
        expired += 1;
    }
    if expired > 0 {
        // Seats and waitlists are public: no request wrote this, so no request says so.
        state.public_reads.invalidate().await;
    }
    Ok(expired)
}

/// The caller's signups, newest first.
pub async fn mine(state: &AppState, session: &Session, page: PageRequest) -> Result<Page<Signup>> {
    let select = signup::Entity::find().filter(signup::Column::UserId.eq(session.user_id));
    let rows = page
        .apply(select, signup::Column::Id)
        .all(&state.db)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let event = load(&state.db, row.event_id).await?;
        views.push(view(&state.db, row, &event).await?);
    }
    page.page(views, |s| s.id, Ok)
}

/// An event's signups, oldest first, as its staff see them.
pub async fn attendees(
    state: &AppState,
    session: &Session,
    event_id: Uuid,
    page: PageRequest,
) -> Result<Page<Attendee>> {
    let event = load(&state.db, event_id).await?;
    session.require_manager_of(event.host_department_id)?;
    let select = signup::Entity::find().filter(signup::Column::EventId.eq(event_id));
    let rows = page
        .apply_oldest_first(select, signup::Column::Id)
        .all(&state.db)
        .await?;
    let queue = Arc::new(AttendeeLookup::queue(&state.db, event_id).await?);
    let lookup = AttendeeLookup::load(&state.db, queue, &rows).await?;
    page.page(rows, |s| s.id, |s| lookup.view(s))
}

/// What an attendee's line needs beyond the signup: names, and the waitlist to count
/// positions in.
struct AttendeeLookup {
    people: HashMap<Uuid, user::Model>,
    queue: Arc<Vec<i32>>,
}

impl AttendeeLookup {
    /// The people of `rows`, with `queue` to count positions in.
    async fn load(
        db: &impl ConnectionTrait,
        queue: Arc<Vec<i32>>,
        rows: &[signup::Model],
    ) -> Result<Self> {
        let people = user::Entity::find()
            .filter(user::Column::Id.is_in(rows.iter().filter_map(|s| s.user_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        Ok(Self { people, queue })
    }

    /// The queue numbers of the event's waitlist, in order.
    async fn queue(db: &impl ConnectionTrait, event_id: Uuid) -> Result<Vec<i32>> {
        let mut queue: Vec<i32> = signup::Entity::find()
            .select_only()
            .column(signup::Column::QueueNumber)
            .filter(signup::Column::EventId.eq(event_id))
            .filter(signup::Column::Status.eq(name(SignupStatus::Waitlisted)))
            .filter(signup::Column::QueueNumber.is_not_null())
            .into_tuple()
            .all(db)
            .await?;
        queue.sort_unstable();
        Ok(queue)
    }

    fn view(&self, s: signup::Model) -> Result<Attendee> {
        let status = parse(&s.status)?;
        let person = s.user_id.and_then(|id| self.people.get(&id));
        let waitlist_position = match (status, s.queue_number) {
            (SignupStatus::Waitlisted, Some(n)) => {
                self.queue.binary_search(&n).ok().map(|i| i as u64 + 1)
            }
            _ => None,
        };
        Ok(Attendee {
            signup_id: s.id,
            name: person.map(|p| p.display_name.clone()),
            phone_ending: person.and_then(|p| login::phone_ending(&p.login)),
            party_size: s.party_size,
            status,
            waitlist_position,
            checked_in_at: s.checked_in_at.map(Into::into),
            created_at: s.created_at.into(),
        })
    }
}

/// The signup as its owner sees it.
async fn view(db: &impl ConnectionTrait, s: signup::Model, event: &event::Model) -> Result<Signup> {
    let waitlist_position = match parse(&s.status)? {
        SignupStatus::Waitlisted => Some(
            signup::Entity::find()
                .filter(signup::Column::EventId.eq(s.event_id))
                .filter(signup::Column::Status.eq(name(SignupStatus::Waitlisted)))
                .filter(signup::Column::QueueNumber.lte(s.queue_number))
                .count(db)
                .await?,
        ),
        _ => None,
    };
    answer(s, event.title.clone(), event.starts_at, waitlist_position)
}

/// The signup as its owner sees it, from what was read of its event and of the line.
fn answer(
    s: signup::Model,
    event_title: String,
    event_starts_at: DateTime<Utc>,
    waitlist_position: Option<u64>,
) -> Result<Signup> {
    let status = parse(&s.status)?;
    Ok(Signup {
        id: s.id,
        event_id: s.event_id,
        event_title,
        event_starts_at: event_starts_at.into(),
        party_size: s.party_size,
        status,
        waitlist_position,
        offer_expires_at: s
            .offer_expires_at
            .filter(|_| status == SignupStatus::Offered)
            .map(Into::into),
        checkin_code: (status == SignupStatus::Confirmed).then_some(s.checkin_code),
        checked_in_at: s.checked_in_at.map(Into::into),
        created_at: s.created_at.into(),
    })
}

/// The owner's check-in code as an SVG QR code, to show at the door: a link to the event's
/// check-in page with the code.
pub async fn qr_code(state: &AppState, session: &Session, id: Uuid) -> Result<String> {
    let found = own_signup(&state.db, session, id).await?;
    if found.status != name(SignupStatus::Confirmed) {
        return Err(Error::conflict(
            "not_confirmed",
            "only a confirmed signup has a check-in code",
        ));
    }
    // A phone camera opens the link: staff land on the event's check-in with the code filled in.
    let link = format!(
        "{}/#/staff/events/{}/checkin?code={}",
        state.config.public_url, found.event_id, found.checkin_code
    );
    let code = qrcode::QrCode::new(link.as_bytes()).map_err(anyhow::Error::from)?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .build())
}

/// The event's signups as CSV, for the host department's staff, produced batch by batch
/// while the client downloads it; waitlist positions are as of the download's start.
pub async fn export_attendees(
    state: &AppState,
    session: &Session,
    event_id: Uuid,
) -> Result<impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static> {
    let event = load(&state.db, event_id).await?;
    session.require_manager_of(event.host_department_id)?;
    let db = state.db.clone();
    let queue = Arc::new(AttendeeLookup::queue(&db, event_id).await?);
    Ok(stream_by_id(
        "signups",
        &[
            "signup_id",
            "name",
            "party_size",
            "status",
            "waitlist_position",
            "checked_in_at",
            "created_at",
        ],
        db.clone(),
        signup::Entity::find().filter(signup::Column::EventId.eq(event_id)),
        signup::Column::Id,
        |s| s.id,
        move |batch| {
            let (db, queue) = (db.clone(), queue.clone());
            async move {
                let lookup = AttendeeLookup::load(&db, queue, &batch).await?;
                let mut lines = Vec::new();
                for row in batch {
                    let a = lookup.view(row)?;
                    let position = a
                        .waitlist_position
                        .map(|p| p.to_string())
                        .unwrap_or_default();
                    let checked_in = a.checked_in_at.map(|t| t.to_wire()).unwrap_or_default();
                    lines.extend(csv_line([
                        a.signup_id.to_string().as_str(),
                        a.name.as_deref().unwrap_or_default(),
                        &a.party_size.to_string(),
                        &name(a.status),
                        &position,
                        &checked_in,
                        &a.created_at.to_wire(),
                    ]));
                }
                Ok(lines)
            }
        },
    ))
}

/// Events looked at per query while erasing: memory stays flat however many are due.
const ERASE_BATCH: u64 = 500;

/// Erases who signed up for events that ended more than `retention` ago; the counts stay.
/// Returns how many events this call erased: each event is claimed by the instance that
/// marks it first, so several instances at once erase each once.
pub async fn erase_personal_data(state: &AppState, retention: Duration) -> Result<u64> {
    let now = state.clock.now();
    let mut erased = 0;
    loop {
        let due: Vec<(Uuid, DateTime<Utc>)> = event::Entity::find()
            .select_only()
            .columns([event::Column::Id, event::Column::EndsAt])
            .filter(event::Column::EndsAt.lt(now - retention))
            .filter(event::Column::PersonalDataErasedAt.is_null())
            .order_by_asc(event::Column::EndsAt)
            .limit(ERASE_BATCH)
            .into_tuple()
            .all(&state.db)
            .await?;
        if due.is_empty() {
            return Ok(erased);
        }
        for (event_id, ends_at) in due {
            let txn = state.db.begin().await?;
            let claimed = event::Entity::update_many()
                .col_expr(event::Column::PersonalDataErasedAt, Expr::value(Some(now)))
                .filter(event::Column::Id.eq(event_id))
                .filter(event::Column::PersonalDataErasedAt.is_null())
                .exec(&txn)
                .await?;
            if claimed.rows_affected == 0 {
                txn.rollback().await?; // another instance's
                continue;
            }
            signup::Entity::update_many()
                .col_expr(signup::Column::UserId, Expr::value(Option::<Uuid>::None))
                .col_expr(
                    signup::Column::CheckinNonce,
                    Expr::value(Option::<String>::None),
                )
                .filter(signup::Column::EventId.eq(event_id))
                .exec(&txn)
                .await?;
            // Notices about the event (offers, cancellation) named the person and its title
            // on their way out: those records go in the same transaction.
            outbox::forget_delivered(&txn, ends_at).await?;
            txn.commit().await?;
            erased += 1;
        }
    }
}

/// A count kept in an `integer` column (never below zero).
pub(super) fn count(n: i32) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

pub(super) fn signup_window(event: &event::Model) -> SignupWindow {
    SignupWindow {
        opens_at: event.signup_opens_at,
        closes_at: event.signup_closes_at,
    }
}

/// Confirmed signups for the open days of `department` (every department's, for `None`)
/// that start between `from` and `until`: whom the door expects today, on the console.
pub async fn expected_between(
    db: &impl ConnectionTrait,
    department: Option<Uuid>,
    (from, until): (DateTime<Utc>, DateTime<Utc>),
) -> Result<u64> {
    let mut events = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .filter(event::Column::StartsAt.gte(from))
        .filter(event::Column::StartsAt.lt(until));
    if let Some(department) = department {
        events = events.filter(event::Column::HostDepartmentId.eq(department));
    }
    Ok(signup::Entity::find()
        .filter(signup::Column::Status.eq(name(SignupStatus::Confirmed)))
        .filter(signup::Column::EventId.in_subquery(events.into_query()))
        .count(db)
        .await?)
}
