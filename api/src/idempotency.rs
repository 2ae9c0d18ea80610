//! `Idempotency-Key` for writes a phone may retry: the first answer is stored and a retry
//! with the same key gets it again, without doing the write twice.
//!
//! Keys are scoped to the live credential that sent them and bound to the request: the same
//! key with another method, path or body is refused. A credential that does not resolve gets
//! no replay; the operation answers it (401) as if there were no key. Anonymous calls are
//! scoped by the request itself, so nobody can replay a stranger's answer by guessing a key.

use std::time::Duration;

use chrono::Duration as ChronoDuration;
use chrono::{DateTime, Utc};
use entity::idempotency_key;
use futures_util::FutureExt;
use poem::{
    http::{header, HeaderValue, StatusCode},
    Endpoint, EndpointExt, IntoResponse, Request, Response,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::{
    auth,
    error::{problem_from_poem_error, ApiError, Error, FieldCode, FieldError},
    state::AppState,
};

pub const HEADER: &str = "idempotency-key";
/// How long a stored answer is replayed.
const RETENTION: ChronoDuration = ChronoDuration::hours(24);
/// After this long, a first request that never finished (a crashed instance) is forgotten.
const STALE_CLAIM: ChronoDuration = ChronoDuration::minutes(1);
/// How long a parallel retry waits for the first request's answer.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(10);

/// What a key is bound to besides the credential.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Binding {
    /// Method, path and body: the same key with another body is refused.
    Body,
    /// Method and path only, for anonymous answers: a hash of their body kept beside the
    /// credential would fingerprint them. A retry with another body gets the first answer.
    Path,
}

/// Makes an operation honour `Idempotency-Key` (used as an operation `transform`).
pub fn idempotent(ep: impl Endpoint + 'static) -> impl Endpoint {
    with_keys(ep, Binding::Body)
}

/// `idempotent` for anonymous answers: nothing derived from the body is stored.
pub fn idempotent_anonymous(ep: impl Endpoint + 'static) -> impl Endpoint {
    with_keys(ep, Binding::Path)
}

fn with_keys(ep: impl Endpoint + 'static, binding: Binding) -> impl Endpoint {
    ep.around(move |ep, req| async move {
        // A task of its own: a client hanging up mid-request must not cancel the work between
        // the write's commit and the storing of its answer, or a retry would write again.
        let answered = tokio::spawn(async move { handle(&*ep, req, binding).await }).await;
        let result = answered
            .unwrap_or_else(|err| Err(anyhow::anyhow!("request task failed: {err}").into()));
        Ok::<_, poem::Error>(result.unwrap_or_else(|err| ApiError::from(err).into_response()))
    })
}

async fn handle<E: Endpoint>(
    ep: &E,
    mut req: Request,
    binding: Binding,
) -> Result<Response, Error> {
    let key = req
        .headers()
        .get(HEADER)
        .and_then(|k| k.to_str().ok())
        .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string);
    let Some(key) = key else {
        // No key, or one the operation's declared parameter refuses: after checking the
        // credentials, as for any other parameter, and before the handler can write.
        return Ok(answer(ep.call(req).await.map(IntoResponse::into_response)));
    };
    let state = req
        .data::<AppState>()
        .expect("AppState is attached to every request")
        .clone();
    let body = req
        .take_body()
        .into_bytes()
        .await
        .map_err(|err| Error::malformed("body", FieldCode::InvalidFormat, err.to_string()))?;
    let request_hash = {
        let mut hasher = Sha256::new();
        hasher.update(req.method().as_str());
        hasher.update([0]);
        hasher.update(req.uri().to_string());
        if binding == Binding::Body {
            hasher.update([0]);
            hasher.update(&body);
        }
        hex::encode(hasher.finalize())
    };
    req.set_body(body);
    let Some(scope) = scope(&state, &req, &request_hash).await else {
        return Ok(answer(ep.call(req).await.map(IntoResponse::into_response)));
    };

    let started = tokio::time::Instant::now();
    loop {
        match claim(&state, &scope, &key, &request_hash).await? {
            Claim::Claimed => break,
            Claim::Replay(response) => return Ok(response),
            Claim::InProgress if started.elapsed() < WAIT_FOR_FIRST => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Claim::InProgress => {
                return Err(Error::conflict(
                    "idempotency_key_in_progress",
                    "a request with this Idempotency-Key is still being answered; retry later",
                ))
            }
        }
    }

    let write = WRITE.scope(
        (scope.clone(), key.clone()),
        ep.call(req).map(|r| r.map(IntoResponse::into_response)),
    );
    let response = answer(write.await);
    let (parts, body) = response.into_parts();
    let body = body.into_bytes().await.unwrap_or_default();
    if parts.status.is_server_error() || parts.status == StatusCode::UNAUTHORIZED {
        // Let a retry try again rather than replaying a failure or a refused credential.
        idempotency_key::Entity::delete_by_id((scope, key))
            .exec(&state.db)
            .await?;
    } else {
        idempotency_key::Entity::update_many()
            .filter(idempotency_key::Column::Scope.eq(&scope))
            .filter(idempotency_key::Column::Key.eq(&key))
            .col_expr(
                idempotency_key::Column::StatusCode,
                i32::from(parts.status.as_u16()).into(),
            )
            .col_expr(
                idempotency_key::Column::ContentType,
                parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
                    .into(),
            )
            .col_expr(
                idempotency_key::Column::ResponseBody,
                String::from_utf8_lossy(&body).into_owned().into(),
            )
            .exec(&state.db)
            .await?;
    }
    Ok(Response::from_parts(parts, body.into()))
}

tokio::task_local! {
    /// The key (scope, key) of the idempotent write the current request task is doing.
    static WRITE: (String, String);
}

/// The (scope, key) of the idempotent write the current request is doing, for a write that
/// marks it in a statement of its own making (see `record_in`).
pub fn current_write() -> Option<(String, String)> {
    WRITE.try_with(Clone::clone).ok()
}

/// Marks the current request's `Idempotency-Key` (if it has one) as carried out, inside the
/// write's own transaction, just before it commits: if the instance dies before the answer is
/// stored, a retry finds the write done instead of doing it again.
pub async fn record_in(txn: &DatabaseTransaction, now: DateTime<Utc>) -> Result<(), Error> {
    let Some((scope, key)) = current_write() else {
        return Ok(());
    };
    idempotency_key::Entity::update_many()
        .filter(idempotency_key::Column::Scope.eq(scope))
        .filter(idempotency_key::Column::Key.eq(key))
        .col_expr(idempotency_key::Column::CommittedAt, Some(now).into())
        .exec(txn)
        .await?;
    Ok(())
}

/// Deletes records past their retention; returns how many.
pub async fn forget_expired(
    db: &impl sea_orm::ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, Error> {
    let deleted = idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(now - RETENTION))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

fn answer(result: poem::Result<Response>) -> Response {
    result.unwrap_or_else(problem_from_poem_error)
}

/// The scope of a key: the caller's credential once it resolves to a live session or API key
/// (none otherwise), or for an anonymous call the request itself.
async fn scope(state: &AppState, req: &Request, request_hash: &str) -> Option<String> {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    let live = match (header(header::AUTHORIZATION.as_str()), header(API_KEY)) {
        (Some(authorization), _) => {
            let (scheme, token) = authorization.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer")
                && auth::session_for_token(state, token.trim()).await.is_ok()
        }
        (None, Some(key)) => auth::app_key_for(state, key).await.is_ok(),
        (None, None) => return Some(format!("anonymous:{request_hash}")),
    };
    let credential = req
        .headers()
        .get(header::AUTHORIZATION)
        .or_else(|| req.headers().get(API_KEY))
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    live.then(|| hex::encode(Sha256::digest(credential)))
}

const API_KEY: &str = "x-api-key";

enum Claim {
    Claimed,
    InProgress,
    Replay(Response),
}

async fn claim(
    state: &AppState,
    scope: &str,
    key: &str,
    request_hash: &str,
) -> Result<Claim, Error> {
    let now = state.clock.now();
    let existing = idempotency_key::Entity::find_by_id((scope.to_string(), key.to_string()))
        .one(&state.db)
        .await?;
    if let Some(row) = existing {
        let expired = row.created_at < now - RETENTION;
        let abandoned = row.status_code.is_none() && row.created_at < now - STALE_CLAIM;
        if abandoned && !expired && row.committed_at.is_some() {
            // The instance died after the write committed, before its answer was stored.
            return Err(Error::conflict(
                "idempotency_key_completed",
                "the request with this Idempotency-Key was carried out, but its answer was lost; \
                 look the result up rather than sending it again",
            ));
        }
        if !(expired || abandoned) {
            if row.request_hash != request_hash {
                return Err(Error::Invalid(vec![FieldError::new(
                    "Idempotency-Key",
                    FieldCode::Taken,
                    "this key was used for a different request; use a new key",
                )]));
            }
            return Ok(match row.status_code {
                Some(status) => Claim::Replay(replay(row, status)),
                None => Claim::InProgress,
            });
        }
        idempotency_key::Entity::delete_by_id((scope.to_string(), key.to_string()))
            .filter(idempotency_key::Column::CreatedAt.eq(row.created_at))
            .exec(&state.db)
            .await?;
    }
    let inserted = idempotency_key::ActiveModel {
        scope: Set(scope.to_string()),
        key: Set(key.to_string()),
        request_hash: Set(request_hash.to_string()),
        status_code: Set(None),
        content_type: Set(None),
        response_body: Set(None),
        created_at: Set(now),
        committed_at: Set(None),
    }
    .insert(&state.db)
    .await;
    match inserted {
        Ok(_) => Ok(Claim::Claimed),
        // Another request with this key got there first.
        Err(err)
            if matches!(
                err.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Ok(Claim::InProgress)
        }
        Err(err) => Err(err.into()),
    }
}

fn replay(row: idempotency_key::Model, status: i32) -> Response {
    let mut response = Response::builder()
        .status(
            u16::try_from(status)
                .ok()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::OK),
        )
        .header("Idempotent-Replayed", "true");
    if let Some(content_type) = row.content_type {
        response = response.content_type(content_type);
    }
    response.body(row.response_body.unwrap_or_default())
}
