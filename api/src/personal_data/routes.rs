//! HTTP operations on a person's own data.

use poem::web::{Data, RemoteAddr};
use poem_openapi::{payload::Json, ApiResponse, OpenApi};

use super::{
    dto::{Erasure, ErasureRequest, MyData},
    service,
};
use crate::{
    auth::BearerAuth,
    contract::{ApiTags, JsonBody, Problems},
    error::ApiError,
    state::AppState,
    throttle::client_address,
};

type Result<T> = std::result::Result<T, ApiError>;

/// A JSON file to keep.
#[derive(ApiResponse)]
pub enum JsonFile {
    /// Everything held about the caller.
    #[oai(status = 200)]
    Json(Json<MyData>, #[oai(header = "Content-Disposition")] String),
}

pub struct PersonalDataApi;

#[OpenApi]
impl PersonalDataApi {
    /// Download my data
    ///
    /// Everything the platform holds about the caller, as one JSON file (PIPL Art. 45): the
    /// account, notifications, comments with their text, signups, representative profiles,
    /// meeting applications and opinions. Survey answers are stored apart from who gave them
    /// and are not in it.
    #[oai(
        path = "/me/export",
        method = "get",
        operation_id = "exportMyData",
        tag = "ApiTags::Auth"
    )]
    async fn export(&self, state: Data<&AppState>, auth: BearerAuth) -> Result<JsonFile> {
        let data = service::export(&state, &auth.0).await?;
        Ok(JsonFile::Json(
            Json(data),
            "attachment; filename=\"canyu-my-data.json\"".into(),
        ))
    }

    /// Delete my account
    ///
    /// With the caller's password (PIPL Art. 47). Login, name and password are erased and
    /// every session ends. Comments stay in the public record under an anonymous name;
    /// signups for past open days stay without the person; signups for open days to come are
    /// cancelled and their seats offered to the waitlist; a representative profile is
    /// withdrawn (seats already allotted stay, masked). Staff and admin accounts are refused
    /// (`409 staff_account`) until an admin revokes their roles. All or nothing.
    #[oai(
        path = "/me/erasure",
        method = "post",
        operation_id = "eraseMyAccount",
        tag = "ApiTags::Auth"
    )]
    async fn erase(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<ErasureRequest>,
        client: &RemoteAddr,
    ) -> Result<Json<Erasure>> {
        let JsonBody(form) = body;
        Ok(Json(
            service::erase(&state, &auth.0, form.password, client_address(client)).await?,
        ))
    }
}

#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("exportMyData", &[]),
    Problems::new("eraseMyAccount", &[(403, &["wrong_password"]), (409, &["staff_account"]), (422, &["validation_failed"]), (429, &["too_many_attempts"]), (503, &["busy"])]),
];
