//! The versioned API as one OpenAPI service: the spec the web portal and the mobile app
//! integrate against, and the shapes shared by every area.

use poem_openapi::{payload::Json, types::ToJSON, ApiResponse, OpenApiService, Tags};

use crate::{
    accounts::routes::AccountsApi, decisions::routes::DecisionsApi, events::routes::EventsApi,
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
    .summary("Public participation in a district government's major decisions")
    .description(DESCRIPTION)
    .server(BASE_PATH)
}

/// The spec as checked in at `openapi.yaml`.
pub fn spec_yaml() -> String {
    service().spec_yaml()
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
