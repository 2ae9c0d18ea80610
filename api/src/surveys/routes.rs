//! HTTP routes of surveys: thin wrappers over `service`.

use poem::{web::Data, Body};
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    OpenApi,
};
use uuid::Uuid;

use super::{
    dto::{
        NewQuestion, NewResponse, NewSurvey, ResponseReceipt, Survey, SurveyChanges, SurveyResults,
        TextAnswer, TextPublication, TextPublicationResult,
    },
    service::{self, Respondent},
};
use crate::{
    auth::{BearerAuth, MaybePerson},
    contract::{ApiTags, Created, JsonBody, Problems},
    error::ApiError,
    export::CsvFile,
    idempotency::idempotent_anonymous,
    pagination::{Page, PageRequest},
    state::AppState,
};

type Result<T> = std::result::Result<T, ApiError>;

pub struct SurveysApi;

#[OpenApi(tag = "ApiTags::Surveys")]
impl SurveysApi {
    /// The district's survey template
    ///
    /// Public: the standard questions a survey gets when staff create it without its own.
    #[oai(
        path = "/surveys/template",
        method = "get",
        operation_id = "getSurveyTemplate"
    )]
    async fn template(&self) -> Json<Vec<NewQuestion>> {
        Json(service::template())
    }

    /// Attach a survey to an event
    ///
    /// Staff of the host department. It opens when the event ends (unless `opens_at` says
    /// otherwise) and closes 14 days later (unless `closes_at` does); without `questions` the
    /// district template's are copied. One survey per event (`409 survey_exists`).
    #[oai(
        path = "/events/:id/survey",
        method = "post",
        operation_id = "createSurvey"
    )]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<NewSurvey>,
    ) -> Result<Created<Survey>> {
        Ok(Created::Created(Json(
            service::create(&state, &auth.0, id.0, body.0).await?,
        )))
    }

    /// An event's survey
    ///
    /// Public for a published event: its questions, and whether it takes answers now.
    #[oai(
        path = "/events/:id/survey",
        method = "get",
        operation_id = "getEventSurvey"
    )]
    async fn for_event(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
    ) -> Result<Json<Survey>> {
        Ok(Json(
            service::for_event(&state, auth.session(), id.0).await?,
        ))
    }

    /// Change a survey
    ///
    /// Staff of the host department: its title, when it opens (not before the event starts)
    /// and closes, and its questions until the first response arrives (`409
    /// questions_frozen` after). Once its results are public it stays closed (`409
    /// results_published`).
    #[oai(path = "/surveys/:id", method = "patch", operation_id = "changeSurvey")]
    async fn change(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<SurveyChanges>,
    ) -> Result<Json<Survey>> {
        Ok(Json(service::change(&state, &auth.0, id.0, body.0).await?))
    }

    /// Answer a survey
    ///
    /// Someone whose signup was checked in at the event (`403 not_an_attendee`), once (`409
    /// already_answered`), while it is open (`409 survey_not_open`). The answers are kept
    /// apart from the person: the receipt, like the stored answers, holds only the day. A
    /// retry with the same `Idempotency-Key` gets the first receipt, whatever its body (no
    /// trace of the answers is kept with the key).
    #[oai(
        path = "/surveys/:id/responses",
        method = "post",
        operation_id = "submitSurveyResponse",
        transform = "idempotent_anonymous"
    )]
    async fn respond(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Retry-safe key (1–255 printable ASCII characters): a retry with the same key and
        /// body returns the first answer.
        #[oai(name = "Idempotency-Key", validator(pattern = r"^[!-~]{1,255}$"))]
        _idempotency_key: Header<Option<String>>,
        id: Path<Uuid>,
        body: JsonBody<NewResponse>,
    ) -> Result<Created<ResponseReceipt>> {
        Ok(Created::Created(Json(
            service::respond(&state, Respondent::Account(auth.0.user_id), id.0, body.0).await?,
        )))
    }

    /// A survey's results
    ///
    /// Live for the host department's staff; for everyone once published (`404` before).
    /// With fewer than 5 responses only the counts.
    #[oai(
        path = "/surveys/:id/results",
        method = "get",
        operation_id = "getSurveyResults"
    )]
    async fn results(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
    ) -> Result<Json<SurveyResults>> {
        Ok(Json(service::results(&state, auth.session(), id.0).await?))
    }

    /// A survey's free-text answers
    ///
    /// Staff of the host department read them all, as written and as the public would read
    /// them. Everyone else reads those staff published, with mobile numbers, ID numbers and
    /// e-mail addresses masked, once the results are public (`404` before) and from 5
    /// responses on (an empty list before). In no order that follows time, a page at a time.
    #[oai(
        path = "/surveys/:id/texts",
        method = "get",
        operation_id = "listSurveyTexts"
    )]
    async fn texts(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<TextAnswer>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(
            service::texts(&state, auth.session(), id.0, page).await?,
        ))
    }

    /// Publish free-text answers, or take them back
    ///
    /// Staff of the host department. The public reads them masked (see `listSurveyTexts`).
    /// Every id must be a free-text answer of this survey, or nothing changes (`422`).
    #[oai(
        path = "/surveys/:id/texts/publication",
        method = "post",
        operation_id = "publishSurveyTexts"
    )]
    async fn publish_texts(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<TextPublication>,
    ) -> Result<Json<TextPublicationResult>> {
        Ok(Json(
            service::publish_texts(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// A survey's responses as CSV
    ///
    /// Staff of the host department: a row per response with the day it came and each
    /// answer (options by their label), in no order that follows time; nothing that names
    /// who gave it. From 5 responses on (`409 too_few_responses` before).
    #[oai(
        path = "/surveys/:id/responses/export",
        method = "get",
        operation_id = "exportSurveyResponses"
    )]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<CsvFile> {
        let rows = service::export(&state, &auth.0, id.0).await?;
        Ok(CsvFile::attachment(
            &format!("survey-{}.csv", id.0),
            Body::from_bytes_stream(rows),
        ))
    }

    /// Publish a survey's results
    ///
    /// Staff of the host department, once the survey has closed (`409 survey_still_open`:
    /// results that changed in public as people answered would tell who said what);
    /// publishing again changes nothing.
    #[oai(
        path = "/surveys/:id/results/publication",
        method = "post",
        operation_id = "publishSurveyResults"
    )]
    async fn publish(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<Json<SurveyResults>> {
        Ok(Json(service::publish_results(&state, &auth.0, id.0).await?))
    }
}

/// Each operation's own problems (the contract adds those every operation shares).
#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("getSurveyTemplate", &[]),
    Problems::new("createSurvey", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["event_cancelled", "survey_exists"]), (422, &["validation_failed"])]),
    Problems::new("getEventSurvey", &[(404, &["not_found"])]),
    Problems::new("submitSurveyResponse", &[(403, &["not_an_attendee"]), (404, &["not_found"]), (409, &["already_answered", "idempotency_key_completed", "idempotency_key_in_progress", "survey_not_open"]), (422, &["validation_failed"])]),
    Problems::new("getSurveyResults", &[(404, &["not_found"])]),
    Problems::new("changeSurvey", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["questions_frozen", "results_published"]), (422, &["validation_failed"])]),
    Problems::new("publishSurveyResults", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["survey_still_open"])]),
    Problems::new("listSurveyTexts", &[(404, &["not_found"])]),
    Problems::new("publishSurveyTexts", &[(403, &["forbidden"]), (404, &["not_found"]), (422, &["validation_failed"])]),
    Problems::new("exportSurveyResponses", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["too_few_responses"])]),
];
