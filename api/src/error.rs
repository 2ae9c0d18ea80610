//! One error type for the rules (`Error`), one for the wire (`ApiError`), and the single
//! mapping between them and to `application/problem+json` (RFC 9457).

use chrono::{DateTime, Utc};
use poem::{http::StatusCode, Response};
use poem_openapi::{
    error::{AuthorizationError, ContentTypeError},
    payload::Json,
    types::{Example, ToJSON},
    ApiResponse, Enum, Object,
};
use sea_orm::DbErr;

use crate::timestamp::Timestamp;

/// What is wrong with one field of the request.
#[derive(Object, Clone, Debug, PartialEq, Eq)]
#[oai(skip_serializing_if_is_none)]
pub struct FieldError {
    /// The JSON field (`documents[0].url` inside lists and objects), query or header
    /// parameter, e.g. `password`.
    pub field: String,
    /// Stable machine code; clients show their own sentence for it, in the person's language.
    pub code: FieldCode,
    /// An English sentence for developers; may change between versions.
    pub message: String,
    /// The bounds or the other field the code refers to.
    pub params: Option<FieldParams>,
}

/// Why a field was refused.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum FieldCode {
    /// The field is missing.
    Required,
    /// Shorter than `params.min` characters (or items).
    TooShort,
    /// Longer than `params.max` characters (or items).
    TooLong,
    /// A number outside `params.min` ..= `params.max`.
    OutOfRange,
    /// Not of the documented type, format or pattern.
    InvalidFormat,
    /// Must be later than `params.other_field`.
    MustBeAfter,
    /// Not one of the documented values.
    NotOneOf,
    /// The API has no such field.
    UnknownField,
    /// Only white space.
    Blank,
    /// Holds control characters.
    ControlCharacters,
    /// The record it names does not exist.
    NotFound,
    /// Another record already uses this value.
    Taken,
    /// A password anyone would guess (a common one, or the login).
    TooCommon,
    /// Breaks a rule that `message` explains.
    Invalid,
}

/// Parameters of a field error.
#[derive(Object, Clone, Debug, Default, PartialEq, Eq)]
#[oai(skip_serializing_if_is_none)]
pub struct FieldParams {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub other_field: Option<String>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
            params: None,
        }
    }

    pub fn min(mut self, min: i64) -> Self {
        self.params.get_or_insert_with(Default::default).min = Some(min);
        self
    }

    pub fn max(mut self, max: i64) -> Self {
        self.params.get_or_insert_with(Default::default).max = Some(max);
        self
    }

    pub fn other_field(mut self, other: &str) -> Self {
        self.params.get_or_insert_with(Default::default).other_field = Some(other.to_string());
        self
    }
}

/// An error answer, as `application/problem+json`.
#[derive(Object, Clone, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:canyu:problem:<code>`.
    #[oai(rename = "type")]
    pub problem_type: String,
    /// The HTTP reason phrase.
    pub title: String,
    pub status: u16,
    /// A sentence for people; may change between versions.
    pub detail: String,
    /// Stable machine code, e.g. `login_taken`; clients branch on this.
    pub code: String,
    /// Per-field errors; empty when the problem is not about a field.
    pub errors: Vec<FieldError>,
    /// When what the request conflicts with happened, where the code has such a time: the
    /// first check-in for `already_checked_in`.
    pub at: Option<Timestamp>,
}

impl Example for Problem {
    fn example() -> Self {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Some fields are not valid.",
            vec![FieldError::new(
                "login",
                FieldCode::InvalidFormat,
                "use a mainland mobile number or an e-mail address",
            )],
        )
    }
}

impl Problem {
    pub fn new(
        status: StatusCode,
        code: &str,
        detail: impl Into<String>,
        errors: Vec<FieldError>,
    ) -> Self {
        Self {
            problem_type: format!("urn:canyu:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            code: code.to_string(),
            errors,
            at: None,
        }
    }
}

/// Errors of the domain rules; they know nothing of HTTP.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed (400), e.g. an unreadable cursor.
    #[error("{detail}")]
    Malformed {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// No valid credentials (401).
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// The caller may not do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The caller may not do this, for a reason `code` names (403), e.g. `not_an_attendee`.
    #[error("{detail}")]
    Refused { code: &'static str, detail: String },
    /// The named thing does not exist (404).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with the state of a record (409), as it has been since `at`
    /// where that time matters.
    #[error("{detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        at: Option<DateTime<Utc>>,
    },
    /// Fields are well-formed but break a rule (422).
    #[error("some fields are not valid")]
    Invalid(Vec<FieldError>),
    /// Slow down (429).
    #[error("{detail}")]
    TooManyRequests {
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    /// Busy right now (503); retry after `retry_after_secs`.
    #[error("{detail}")]
    Unavailable {
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    #[error(transparent)]
    Database(DbErr),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
            at: None,
        }
    }

    /// A 409 about a fact of the given time, e.g. the first check-in.
    pub fn conflict_since(
        code: &'static str,
        detail: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self::Conflict {
            code,
            detail: detail.into(),
            at: Some(at),
        }
    }

    /// A 422 about one field.
    pub fn invalid(field: &str, code: FieldCode, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// A 400 about one field.
    pub fn malformed(field: &str, code: FieldCode, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Malformed {
            detail: message.clone(),
            errors: vec![FieldError::new(field, code, message)],
        }
    }
}

impl From<DbErr> for Error {
    /// A database that cannot be reached is a 503 the client may retry, not a failure of
    /// this request.
    fn from(err: DbErr) -> Self {
        if !unreachable(&err) {
            return Self::Database(err);
        }
        tracing::warn!(error = %err, "database unreachable");
        Self::Unavailable {
            code: "database_unavailable",
            detail: "The database cannot be reached right now; try again shortly.".into(),
            retry_after_secs: 2,
        }
    }
}

/// Whether `err` says the database is out of reach (down, restarting, no connection free in
/// time) rather than that this request went wrong.
fn unreachable(err: &DbErr) -> bool {
    use sea_orm::{sqlx::Error as Sqlx, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(err))
        | DbErr::Exec(RuntimeErr::SqlxError(err))
        | DbErr::Query(RuntimeErr::SqlxError(err)) => match err {
            Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
            // Class 08 (connection exception), 57P01-03 (shutting down, cannot connect now).
            Sqlx::Database(db) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P0")),
            _ => false,
        },
        _ => false,
    }
}

impl From<FieldError> for Error {
    fn from(err: FieldError) -> Self {
        Self::Invalid(vec![err])
    }
}

/// Every error status an operation of this API can answer, each as `application/problem+json`.
#[derive(ApiResponse, Debug)]
pub enum ApiError {
    /// The request does not match the API: unreadable JSON, a missing or mistyped field, a
    /// value outside its documented range (`invalid_request`).
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// Missing, unknown or expired credentials (`unauthorized`, `invalid_credentials`).
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The caller's role or scope does not allow this (`forbidden`).
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such record (`not_found`).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request conflicts with the current state; `code` says how (e.g. `login_taken`).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// The body is larger than 1 MiB (`payload_too_large`).
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// The body is not `application/json` (`unsupported_media_type`).
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// Well-formed fields that break a rule; `errors` names them (`validation_failed`).
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many attempts; retry after the number of seconds in `Retry-After`.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// Busy right now; retry after the number of seconds in `Retry-After` (`busy`).
    #[oai(status = 503, content_type = "application/problem+json")]
    ServiceUnavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// An unexpected failure; it has been logged (`internal`).
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

impl ApiError {
    /// The one place a status and a code become a wire error.
    fn from_problem(problem: Problem, retry_after_secs: u64) -> Self {
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = Json(problem);
        match status {
            StatusCode::BAD_REQUEST => Self::BadRequest(body),
            StatusCode::UNAUTHORIZED => Self::Unauthorized(body),
            StatusCode::FORBIDDEN => Self::Forbidden(body),
            StatusCode::NOT_FOUND => Self::NotFound(body),
            StatusCode::CONFLICT => Self::Conflict(body),
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge(body),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(body),
            StatusCode::UNPROCESSABLE_ENTITY => Self::Unprocessable(body),
            StatusCode::TOO_MANY_REQUESTS => Self::TooManyRequests(body, retry_after_secs),
            StatusCode::SERVICE_UNAVAILABLE => Self::ServiceUnavailable(body, retry_after_secs),
            _ => Self::Internal(Json(internal_problem())),
        }
    }
}

fn internal_problem() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "An unexpected error occurred; it has been logged.",
        vec![],
    )
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let detail = err.to_string();
        let at = match &err {
            Error::Conflict { at, .. } => at.map(Timestamp),
            _ => None,
        };
        let (status, code, errors, retry_after) = match err {
            Error::Malformed { errors, .. } => {
                (StatusCode::BAD_REQUEST, "invalid_request", errors, 0)
            }
            Error::Unauthorized { code, .. } => (StatusCode::UNAUTHORIZED, code, vec![], 0),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", vec![], 0),
            Error::Refused { code, .. } => (StatusCode::FORBIDDEN, code, vec![], 0),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found", vec![], 0),
            Error::Conflict { code, .. } => (StatusCode::CONFLICT, code, vec![], 0),
            Error::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                errors,
                0,
            ),
            Error::TooManyRequests {
                code,
                retry_after_secs,
                ..
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                code,
                vec![],
                retry_after_secs,
            ),
            Error::Unavailable {
                code,
                retry_after_secs,
                ..
            } => (
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                vec![],
                retry_after_secs,
            ),
            Error::Database(err) => {
                tracing::error!(error = %err, "database error");
                return Self::Internal(Json(internal_problem()));
            }
            Error::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                return Self::Internal(Json(internal_problem()));
            }
        };
        let problem = Problem {
            at,
            ..Problem::new(status, code, detail, errors)
        };
        Self::from_problem(problem, retry_after)
    }
}

pub fn problem_from_poem_error(err: poem::Error) -> Response {
    if err.is_from_response() {
        // Already an `ApiError` answered by a handler, a body check or an auth checker.
        return err.into_response();
    }
    let status = err.status();
    let code = if err.is::<AuthorizationError>() {
        "unauthorized"
    } else if err.is::<ContentTypeError>() {
        "unsupported_media_type"
    } else {
        code_for_status(status)
    };
    let problem = match status {
        StatusCode::UNAUTHORIZED => Problem::new(status, code, LOG_IN_FIRST, vec![]),
        s if s.is_client_error() => Problem::new(status, code, err.to_string(), vec![]),
        _ => {
            tracing::error!(error = %err, "unhandled error");
            internal_problem()
        }
    };
    // Some of these statuses (405, say) are no handler's answer, so the response is built
    // here rather than through `ApiError`.
    Response::builder()
        .status(StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .content_type("application/problem+json")
        .body(problem.to_json_string())
}

const LOG_IN_FIRST: &str =
    "Log in first: send `Authorization: Bearer <token>` (or `X-Api-Key` where allowed).";

fn code_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        _ => "invalid_request",
    }
}

/// Names a unique index and the 409 that answers a violation of it. SQLite names the
/// columns in its message, PostgreSQL the index.
pub struct UniqueIndex {
    pub name: &'static str,
    pub sqlite_columns: &'static str,
    /// The 409's code, e.g. `already_signed_up`.
    pub code: &'static str,
    pub detail: &'static str,
}

impl UniqueIndex {
    pub fn is_violated_by(&self, err: &DbErr) -> bool {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(msg)) => {
                msg.contains(self.name) || msg.contains(self.sqlite_columns)
            }
            _ => false,
        }
    }

    /// `err` as this index's 409 when it is a violation of it; otherwise as it is.
    pub fn conflict(&self, err: DbErr) -> Error {
        if self.is_violated_by(&err) {
            Error::conflict(self.code, self.detail)
        } else {
            err.into()
        }
    }
}
