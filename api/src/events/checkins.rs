//! Check-in at the door: one scan checks a confirmed signup in; a repeat is refused with the
//! first time; scans made offline are applied idempotently by their device nonce.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{event, signup, user};
use sea_orm::{
    sea_query::Expr, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::{
    dto::{Checkin, Scan, ScanOutcome, ScanResult, SignupStatus},
    rules,
    service::load,
};
use crate::{
    accounts::login,
    auth::Session,
    codes,
    enums::name,
    error::{Error, Result},
    privacy,
    state::AppState,
    timestamp::Timestamp,
};

pub async fn check_in(
    state: &AppState,
    session: &Session,
    event_id: Uuid,
    code: &str,
) -> Result<Checkin> {
    let event = load(&state.db, event_id).await?;
    session.require_manager_of(event.host_department_id)?;
    let found = match codes::normalize(code) {
        Some(code) => by_code(&state.db, event_id, &code).await?,
        None => None,
    };
    let found = found.ok_or(Error::NotFound("check-in code of this event"))?;
    if found.status != name(SignupStatus::Confirmed) {
        return Err(Error::conflict(
            "not_confirmed",
            format!("this signup is {}, not confirmed", found.status),
        ));
    }
    let now = state.clock.now();
    let window = window_of(state, &event);
    if !window.is_open(now) {
        return Err(Error::conflict(
            "outside_checkin_window",
            format!(
                "check-in is open from {} until {} (the end of the open day)",
                Timestamp(window.opens_at()).to_wire(),
                Timestamp(window.ends_at).to_wire()
            ),
        ));
    }
    if !mark(state, event_id, found.id, now, None).await? {
        let first = signup::Entity::find_by_id(found.id)
            .one(&state.db)
            .await?
            .and_then(|s| s.checked_in_at)
            .ok_or_else(|| anyhow::anyhow!("a signup checked in has no check-in time"))?;
        return Err(Error::conflict_since(
            "already_checked_in",
            format!("already checked in at {}", Timestamp(first).to_wire()),
            first,
        ));
    }
    let person = match found.user_id {
        Some(id) => user::Entity::find_by_id(id).one(&state.db).await?,
        None => None,
    };
    Ok(Checkin {
        signup_id: found.id,
        attendee: person
            .as_ref()
            .map_or_else(|| "*".into(), |p| privacy::mask_name(&p.display_name)),
        phone_ending: person.and_then(|p| login::phone_ending(&p.login)),
        party_size: found.party_size,
        signed_up_at: found.created_at.into(),
        checked_in_at: now.into(),
    })
}

/// The signup of `event_id` with this code (as `codes::normalize` gives it).
async fn by_code(
    db: &impl ConnectionTrait,
    event_id: Uuid,
    code: &str,
) -> Result<Option<signup::Model>> {
    Ok(signup::Entity::find()
        .filter(signup::Column::EventId.eq(event_id))
        .filter(signup::Column::CheckinCode.eq(code))
        .one(db)
        .await?)
}

fn window_of(state: &AppState, event: &event::Model) -> rules::CheckinWindow {
    rules::CheckinWindow {
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        opens_before: state.config.checkin_opens_before,
    }
}

/// Applies scans made while the scanner was offline, each at most once.
pub async fn apply_scans(
    state: &AppState,
    session: &Session,
    event_id: Uuid,
    scans: Vec<Scan>,
) -> Result<Vec<ScanResult>> {
    let event = load(&state.db, event_id).await?;
    session.require_manager_of(event.host_department_id)?;
    let now = state.clock.now();
    let mut results = Vec::with_capacity(scans.len());
    let window = window_of(state, &event);
    for scan in scans {
        let found = match codes::normalize(&scan.code) {
            Some(code) => by_code(&state.db, event_id, &code).await?,
            None => None,
        };
        let result = |outcome, found: Option<&signup::Model>| ScanResult {
            device_nonce: scan.device_nonce.clone(),
            outcome,
            signup_id: found.map(|s| s.id),
            checked_in_at: found.and_then(|s| s.checked_in_at).map(Into::into),
        };
        let Some(found) = found else {
            results.push(result(ScanOutcome::UnknownCode, None));
            continue;
        };
        if found.checkin_nonce.as_deref() == Some(scan.device_nonce.as_str()) {
            results.push(result(ScanOutcome::CheckedIn, Some(&found)));
            continue;
        }
        if found.status != name(SignupStatus::Confirmed) {
            results.push(result(ScanOutcome::NotConfirmed, Some(&found)));
            continue;
        }
        let Some(at) = rules::scan_time(scan.scanned_at, now, window, found.created_at) else {
            results.push(result(ScanOutcome::OutsideCheckinWindow, Some(&found)));
            continue;
        };
        let marked = mark(state, event_id, found.id, at, Some(&scan.device_nonce)).await?;
        let after = signup::Entity::find_by_id(found.id).one(&state.db).await?;
        // The same scan replayed at the same moment answers as it does one after the other.
        let by_this_scan = after
            .as_ref()
            .and_then(|s| s.checkin_nonce.as_deref())
            .is_some_and(|nonce| nonce == scan.device_nonce);
        let outcome = if marked || by_this_scan {
            ScanOutcome::CheckedIn
        } else {
            ScanOutcome::AlreadyCheckedIn
        };
        results.push(result(outcome, after.as_ref()));
    }
    Ok(results)
}

/// How long a cached attendance count is kept: the bound on its staleness should forgetting
/// it fail (Redis unreachable at the check-in).
const ATTENDANCE_CACHED_FOR: Duration = Duration::from_secs(60);

/// How many signups of the event were checked in (survey response rates divide by it):
/// cached, forgotten at every check-in.
pub async fn attendance(state: &AppState, event_id: Uuid) -> Result<u64> {
    state
        .cache
        .value_or_load(&attendance_key(event_id), ATTENDANCE_CACHED_FOR, || {
            signup::Entity::find()
                .filter(signup::Column::EventId.eq(event_id))
                .filter(signup::Column::CheckedInAt.is_not_null())
                .count(&state.db)
        })
        .await
        .map_err(Into::into)
}

fn attendance_key(event_id: Uuid) -> String {
    format!("event:{event_id}:checked_in")
}

/// Records the check-in of a confirmed signup unless there already is one; says whether this
/// call recorded it.
async fn mark(
    state: &AppState,
    event_id: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
    nonce: Option<&str>,
) -> Result<bool> {
    let marked = signup::Entity::update_many()
        .col_expr(signup::Column::CheckedInAt, Expr::value(Some(at)))
        .col_expr(
            signup::Column::CheckinNonce,
            Expr::value(nonce.map(str::to_string)),
        )
        .filter(signup::Column::Id.eq(id))
        .filter(signup::Column::CheckedInAt.is_null())
        // A signup cancelled since it was read has given its seat away.
        .filter(signup::Column::Status.eq(name(SignupStatus::Confirmed)))
        .exec(&state.db)
        .await?;
    let recorded = marked.rows_affected == 1;
    if recorded {
        if let Err(err) = state.cache.forget(&attendance_key(event_id)).await {
            tracing::warn!(error = %err, "attendance count left to expire");
        }
    }
    Ok(recorded)
}
