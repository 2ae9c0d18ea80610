//! The versioned API as one OpenAPI service: every area's operations registered in one
//! place, and the spec the web portal and the mobile app integrate against.

use std::sync::LazyLock;

use poem::{web::Html, Endpoint, IntoResponse, Response};
use poem_openapi::OpenApiService;
use serde_json::Value;

use crate::{
    accounts::{self, routes::AccountsApi},
    console::{self, routes::ConsoleApi},
    contract::{self, BASE_PATH},
    decisions::{self, routes::DecisionsApi},
    events::{self, routes::EventsApi},
    meetings::{self, routes::MeetingsApi},
    personal_data::{self, routes::PersonalDataApi},
    reports::{self, routes::ReportsApi},
    surveys::{self, routes::SurveysApi},
};

/// Every area's operations, in the order the spec lists them.
type Areas = (
    AccountsApi,
    DecisionsApi,
    EventsApi,
    SurveysApi,
    MeetingsApi,
    ReportsApi,
    PersonalDataApi,
    ConsoleApi,
);

pub fn service() -> OpenApiService<Areas, ()> {
    OpenApiService::new(
        (
            AccountsApi,
            DecisionsApi,
            EventsApi,
            SurveysApi,
            MeetingsApi,
            ReportsApi,
            PersonalDataApi,
            ConsoleApi,
        ),
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
        contract::finish_spec(
            &mut doc,
            &[
                accounts::routes::PROBLEMS,
                decisions::routes::PROBLEMS,
                events::routes::PROBLEMS,
                surveys::routes::PROBLEMS,
                meetings::routes::PROBLEMS,
                reports::routes::PROBLEMS,
                personal_data::routes::PROBLEMS,
                console::routes::PROBLEMS,
            ],
            crate::public_reads::OPERATIONS,
        );
        doc
    });
    contract::publish(&DOCUMENT)
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
    // Swagger UI runs inline script and style, but loads nothing from elsewhere.
    let policy = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
                  style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
    poem::endpoint::make_sync(move |_| {
        Html(page.clone())
            .with_header("Content-Security-Policy", policy)
            .with_header("X-Content-Type-Options", "nosniff")
    })
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
