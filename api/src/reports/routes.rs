//! HTTP routes of reports: thin wrappers over `service`.

use poem::{web::Data, Body};
use poem_openapi::{param::Path, payload::Json, OpenApi};

use super::{
    dto::{OpenMonthReport, YearlyFigures},
    service,
};
use crate::{
    contract::{ApiTags, Problems},
    error::ApiError,
    export::CsvFile,
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
    /// each survey's first rating question, from published results only, and shown for 5
    /// ratings or more), overall, per theme and per host department, and the lowest-rated
    /// open days.
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

    /// The participation figures of a year
    ///
    /// Public: what the yearly government-information-disclosure report states about
    /// participation: the year's catalog of major decisions and how many reached each stage,
    /// comments received, published, refused and per outcome, meetings with public
    /// representatives, and the Open Month's figures. Counted from the records.
    #[oai(
        path = "/reports/:year",
        method = "get",
        operation_id = "getYearlyFigures"
    )]
    async fn yearly(
        &self,
        state: Data<&AppState>,
        #[oai(validator(minimum(value = "2000"), maximum(value = "2100")))] year: Path<i32>,
    ) -> Result<Json<YearlyFigures>> {
        Ok(Json(service::yearly(&state, year.0).await?))
    }

    /// The participation figures of a year as CSV
    ///
    /// Public: the same figures, one a row (`figure,value`, named as in the JSON).
    #[oai(
        path = "/reports/:year/export",
        method = "get",
        operation_id = "exportYearlyFigures"
    )]
    async fn yearly_csv(
        &self,
        state: Data<&AppState>,
        #[oai(validator(minimum(value = "2000"), maximum(value = "2100")))] year: Path<i32>,
    ) -> Result<CsvFile> {
        let figures = service::yearly(&state, year.0).await?;
        Ok(CsvFile::attachment(
            &format!("participation-{}.csv", year.0),
            Body::from_vec(service::yearly_csv(&figures)),
        ))
    }
}

/// Each operation's own problems (the contract adds those every operation shares).
#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("getOpenMonthReport", &[]),
    Problems::new("getYearlyFigures", &[]),
    Problems::new("exportYearlyFigures", &[]),
];
