//! HTTP routes of reports: thin wrappers over `service`.

use poem::web::Data;
use poem_openapi::{param::Path, payload::Json, OpenApi};

use super::{dto::OpenMonthReport, service};
use crate::{
    contract::{ApiTags, Problems},
    error::ApiError,
    state::AppState,
};

type Result<T> = std::result::Result<T, ApiError>;

pub struct ReportsApi;

#[OpenApi(tag = "ApiTags::Reports")]
impl ReportsApi {
    /// The Government Open Month report of a year
    ///
    /// Public: open days held that year (by their start, in the district's time zone),
    /// signups, attendance, survey responses and overall satisfaction (the mean and CSAT of
    /// each survey's first rating question), overall, per theme and per host department,
    /// and the lowest-rated open days.
    #[oai(
        path = "/open-month/:year/report",
        method = "get",
        operation_id = "getOpenMonthReport"
    )]
    async fn open_month(
        &self,
        state: Data<&AppState>,
        #[oai(validator(minimum(value = "2000"), maximum(value = "2100")))] year: Path<i32>,
    ) -> Result<Json<OpenMonthReport>> {
        Ok(Json(service::open_month(&state, year.0).await?))
    }
}

/// Each operation's own problems (the contract adds those every operation shares).
#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("getOpenMonthReport", &[]),
];
