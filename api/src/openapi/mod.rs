//! The versioned API as one OpenAPI service: the spec the web portal and the mobile app
//! integrate against, and the shapes shared by every area.

mod body;
mod contract;
mod schema;

use std::sync::LazyLock;

use poem::{http::Method, web::Html, Endpoint, Response};
use poem_openapi::{payload::Json, types::ToJSON, ApiResponse, OpenApiService, Tags};
use serde_json::Value;

pub use body::JsonBody;
pub use contract::Problems;

use crate::{
    accounts::{self, routes::AccountsApi},
    decisions::{self, routes::DecisionsApi},
    error::FieldError,
    events::{self, routes::EventsApi},
};

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

pub fn service() -> OpenApiService<(AccountsApi, DecisionsApi, EventsApi), ()> {
    OpenApiService::new(
        (AccountsApi, DecisionsApi, EventsApi),
        "Canyu API",
        env!("CARGO_PKG_VERSION"),
    )
    .description(DESCRIPTION)
    .server(BASE_PATH)
}

/// The published spec: poem-openapi's document, finished by `contract` (built once).
pub fn document() -> &'static Value {
    static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
        let mut doc = serde_json::from_str(&service().spec()).expect("poem-openapi writes JSON");
        contract::finish(
            &mut doc,
            &[
                accounts::routes::PROBLEMS,
                decisions::routes::PROBLEMS,
                events::routes::PROBLEMS,
            ],
        );
        doc
    });
    &DOCUMENT
}

/// The spec as checked in at `openapi.yaml` and served at `/api/v1/openapi.yaml`.
pub fn spec_yaml() -> String {
    serde_yaml::to_string(document()).expect("a JSON document converts to YAML")
}

/// Every operation id, in the spec's order.
pub fn operation_ids() -> Vec<String> {
    contract::operation_ids(document())
}

/// The spec itself at `/api/v1/openapi.yaml`.
pub fn spec_endpoint() -> impl Endpoint {
    let yaml = spec_yaml();
    poem::endpoint::make_sync(move |_| {
        Response::builder()
            .content_type("application/yaml")
            .body(yaml.clone())
    })
}

/// Swagger UI at `/docs`, showing the published spec rather than poem-openapi's draft of it.
pub fn docs_endpoint() -> impl Endpoint {
    let published = serde_json::to_string_pretty(document()).expect("JSON");
    let page = service()
        .swagger_ui_html()
        .replace(&service().spec(), &published);
    poem::endpoint::make_sync(move |_| Html(page.clone()))
}

/// The methods allowed on `path` (under the base path), for the `Allow` header of a `405`.
pub fn allowed_methods(path: &str) -> Vec<Method> {
    contract::allowed_methods(document(), path)
}

/// The field error for a parameter the framework could not read: the spec's check of its
/// raw value says which rule it broke.
pub fn parameter_error(method: &Method, path: &str, query: &str, name: &str) -> Option<FieldError> {
    let (operation, path_params) = contract::operation_for(document(), method, path)?;
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
    let components = document()["components"]["schemas"].as_object()?;
    schema::Schemas(components)
        .check(&value, schema, name)
        .into_iter()
        .next()
}

const DESCRIPTION: &str = "\
The API of Canyu (参与), used by the district's web portal and mobile app.

* **Auth**: people send `Authorization: Bearer <token>` (from `POST /auth/login`); app backends \
send `X-Api-Key` where an operation allows it.
* **Errors** are `application/problem+json`: `{type, title, status, detail, code, errors}`. Branch \
on `code`, which is stable; `errors` lists `{field, message}` for the fields at fault.
* **Lists** take `?limit=&cursor=` and answer `{items, next_cursor}`; pass `next_cursor` back \
as `cursor` for the next page.
* **Retries**: operations that document an `Idempotency-Key` header return the first answer \
again for a retry with the same key (scoped to the credential that sent it).
* Ids are UUIDs; instants are RFC 3339 in UTC.";
