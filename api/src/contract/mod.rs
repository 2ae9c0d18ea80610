//! The API contract every area builds on: the shapes shared by all operations, request bodies
//! checked against the published spec, the problems each operation declares, and the mapping
//! of the framework's own refusals to `application/problem+json`.

mod body;
mod schema;
mod spec;

use std::sync::OnceLock;

use poem::{
    http::{header, Method, StatusCode},
    Endpoint, IntoResponse, Request, Response,
};
use poem_openapi::{
    error::{ParseParamError, ParsePathError},
    payload::Json,
    types::ToJSON,
    ApiResponse, Tags,
};
use serde_json::Value;

pub use body::JsonBody;
pub use spec::{finish as finish_spec, operation_ids, Problems};

use crate::error::{problem_from_poem_error, ApiError, Error, FieldCode, FieldError};
use schema::Schemas;

pub const BASE_PATH: &str = "/api/v1";

#[derive(Tags)]
pub enum ApiTags {
    /// Registration, login and the caller's own account.
    Auth,
    /// Departments, roles, API keys and the audit log.
    Admin,
    /// The catalog of major decisions, their chain from draft to result, and comments.
    Decisions,
    /// Government Open Month: open days, signups, waitlist, check-in.
    Events,
    /// Surveys after open days: answered once and anonymously by the people who came.
    Surveys,
    /// Executive meetings, public representatives and their observer seats.
    Meetings,
    /// Figures the district publishes, computed from the records.
    Reports,
}

/// `201` with the created record.
#[derive(ApiResponse)]
pub enum Created<T: ToJSON> {
    /// Created.
    #[oai(status = 201)]
    Created(Json<T>),
}

/// `204`: done, nothing to return.
#[derive(ApiResponse)]
pub enum NoContent {
    /// Done; nothing to return.
    #[oai(status = 204)]
    NoContent,
}

static PUBLISHED: OnceLock<&'static Value> = OnceLock::new();

/// Makes `spec` the one request bodies and parameters are checked against.
pub fn publish(spec: &'static Value) -> &'static Value {
    PUBLISHED.get_or_init(|| spec)
}

fn published() -> &'static Value {
    PUBLISHED
        .get()
        .expect("the spec is published (openapi::document) before the routes serve")
}

/// The methods allowed on `path` (under the base path), for the `Allow` header of a `405`.
pub fn allowed_methods(path: &str) -> Vec<Method> {
    spec::allowed_methods(published(), path)
}

/// The id of the operation answering `method` on `path` (under the base path).
pub fn operation_id(method: &Method, path: &str) -> Option<&'static str> {
    spec::operation_for(published(), method, path)?.0["operationId"].as_str()
}

/// The spec's name of a path parameter the framework calls by its place (`param0` is the
/// first in the path).
fn path_parameter_name(method: &Method, path: &str, place: &str) -> Option<String> {
    let index: usize = place.strip_prefix("param")?.parse().ok()?;
    let (_, path_params) = spec::operation_for(published(), method, path)?;
    path_params.into_iter().nth(index).map(|(name, _)| name)
}

/// The field error for a parameter the framework could not read: the spec's check of its
/// raw value says which rule it broke.
pub fn parameter_error(method: &Method, path: &str, query: &str, name: &str) -> Option<FieldError> {
    let (operation, path_params) = spec::operation_for(published(), method, path)?;
    let parameter = operation["parameters"].as_array()?.iter().find(|p| {
        p["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })?;
    let raw = match parameter["in"].as_str()? {
        "path" => path_params.into_iter().find(|(n, _)| n == name)?.1,
        "query" => {
            serde_urlencoded::from_str::<Vec<(String, String)>>(query)
                .ok()?
                .into_iter()
                .find(|(n, _)| n == name)?
                .1
        }
        _ => return None,
    };
    let schema = &parameter["schema"];
    let value = match schema["type"].as_str() {
        Some("integer") => raw
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or(Value::String(raw)),
        Some("number") => raw
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or(Value::String(raw)),
        Some("boolean") => raw
            .parse::<bool>()
            .map(Value::Bool)
            .unwrap_or(Value::String(raw)),
        _ => Value::String(raw),
    };
    let components = published()["components"]["schemas"].as_object()?;
    Schemas(components)
        .check(&value, schema, name)
        .into_iter()
        .next()
}

/// Turns every error that did not come from a handler (unreadable parameters or bodies,
/// missing credentials, unknown paths, wrong methods) into `application/problem+json`, so a
/// client meets one error format everywhere.
pub async fn problem_json<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let method = req.method().clone();
    let uri = req.original_uri().clone();
    match next.call(req).await {
        Ok(output) => Ok(output.into_response()),
        Err(err) => {
            let path = uri.path().strip_prefix(BASE_PATH).unwrap_or(uri.path());
            let unreadable = if let Some(param) = err.downcast_ref::<ParseParamError>() {
                Some((param.name.to_string(), &param.reason))
            } else if let Some(param) = err.downcast_ref::<ParsePathError>() {
                let name = path_parameter_name(&method, path, param.name);
                Some((
                    name.unwrap_or_else(|| param.name.to_string()),
                    &param.reason,
                ))
            } else {
                None
            };
            if let Some((name, reason)) = unreadable {
                let query = uri.query().unwrap_or_default();
                let error = parameter_error(&method, path, query, &name).unwrap_or_else(|| {
                    FieldError::new(name, FieldCode::InvalidFormat, reason.clone())
                });
                let detail = format!("{}: {}", error.field, error.message);
                return Ok(ApiError::from(Error::Malformed {
                    detail,
                    errors: vec![error],
                })
                .into_response());
            }
            let mut response = problem_from_poem_error(err);
            if response.status() == StatusCode::METHOD_NOT_ALLOWED {
                let methods = allowed_methods(path);
                let allowed: Vec<&str> = methods
                    .iter()
                    .map(Method::as_str)
                    .map(|m| if m == "GET" { "GET, HEAD" } else { m })
                    .collect();
                if let Ok(value) = allowed.join(", ").parse() {
                    response.headers_mut().insert(header::ALLOW, value);
                }
            }
            Ok(response)
        }
    }
}

/// Headers of every API answer: no content sniffing, and answers to a request that carried
/// credentials (a person's own data, check-in codes, exports) are never stored by a browser or
/// a cache on the way.
pub async fn api_headers<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let personal = req.headers().contains_key(header::AUTHORIZATION)
        || req.headers().contains_key("x-api-key");
    let mut response = next.call(req).await?.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    if personal {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(response)
}
