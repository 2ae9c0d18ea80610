//! HTTP operations of decisions and their comments.

use poem::{web::Data, Body};
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    OpenApi,
};
use uuid::Uuid;

use super::{
    comments::{self, CommentFilter},
    dto::{
        Comment, CommentReceipt, CommentStatus, ConsultationRequest, Decision, DecisionPatch,
        DecisionSummary, DeliberationRequest, Draft, FeedbackReport, FeedbackRequest,
        ModerationRequest, NameConsent, NewComment, NewDecision, NewDraft, Outcome, OutcomeRequest,
        ResultRequest, TimelineEntry, WithdrawalRequest,
    },
    service::{self, CatalogFilter},
    stage::Stage,
};
use crate::{
    auth::{BearerAuth, MaybePerson},
    contract::{ApiTags, Created, JsonBody, Problems},
    error::{ApiError, Error},
    export::CsvFile,
    idempotency::idempotent,
    pagination::{Page, PageRequest, TimePageRequest},
    state::AppState,
};

type Result<T> = std::result::Result<T, ApiError>;

pub struct DecisionsApi;

#[OpenApi(tag = "ApiTags::Decisions")]
impl DecisionsApi {
    /// List the decision catalog
    ///
    /// Public. Newest first; filter by catalog year, stage, sponsoring department, or words
    /// in the title or summary.
    #[oai(path = "/decisions", method = "get", operation_id = "listDecisions")]
    async fn list(
        &self,
        state: Data<&AppState>,
        #[oai(validator(minimum(value = "2000"), maximum(value = "2100")))] year: Query<
            Option<i32>,
        >,
        stage: Query<Option<Stage>>,
        department_id: Query<Option<Uuid>>,
        /// Words in the title or summary.
        #[oai(validator(max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
        q: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<DecisionSummary>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        let filter = CatalogFilter {
            year: year.0,
            stage: stage.0,
            department_id: department_id.0,
            text: q.0,
        };
        Ok(Json(service::list(&state, filter, page).await?))
    }

    /// Put a decision in the catalog
    ///
    /// Staff of the sponsoring department (their own by default), or an admin.
    #[oai(path = "/decisions", method = "post", operation_id = "createDecision")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<NewDecision>,
    ) -> Result<Created<Decision>> {
        Ok(Created::Created(Json(
            service::create(&state, &auth.0, body.0).await?,
        )))
    }

    /// A decision
    ///
    /// Public: everything its chain has disclosed so far.
    #[oai(path = "/decisions/:id", method = "get", operation_id = "getDecision")]
    async fn get(&self, state: Data<&AppState>, id: Path<Uuid>) -> Result<Json<Decision>> {
        Ok(Json(service::get(&state, id.0).await?))
    }

    /// Change a decision's catalog entry
    ///
    /// Staff of the sponsoring department, or an admin; not once decided or withdrawn.
    #[oai(
        path = "/decisions/:id",
        method = "patch",
        operation_id = "updateDecision"
    )]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<DecisionPatch>,
    ) -> Result<Json<Decision>> {
        Ok(Json(service::update(&state, &auth.0, id.0, body.0).await?))
    }

    /// A decision's timeline
    ///
    /// Public: every stage it entered, oldest first, with the documents published then, a
    /// page at a time. A consultation the clock has closed ends the last page.
    #[oai(
        path = "/decisions/:id/timeline",
        method = "get",
        operation_id = "getTimeline"
    )]
    async fn timeline(
        &self,
        state: Data<&AppState>,
        id: Path<Uuid>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{32}$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<TimelineEntry>>> {
        let page = TimePageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(service::timeline(&state, id.0, page).await?))
    }

    /// Publish a draft version
    ///
    /// The first version moves a catalogued decision to `draft_published`. Later versions
    /// (before or during the consultation) need a changelog; earlier ones stay readable.
    #[oai(
        path = "/decisions/:id/drafts",
        method = "post",
        operation_id = "publishDraft"
    )]
    async fn publish_draft(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<NewDraft>,
    ) -> Result<Created<Draft>> {
        Ok(Created::Created(Json(
            service::publish_draft(&state, &auth.0, id.0, body.0).await?,
        )))
    }

    /// A decision's draft versions
    ///
    /// Public. Newest first, a page at a time, each split into sections with their published
    /// comment counts and saying what changed since the version before.
    #[oai(
        path = "/decisions/:id/drafts",
        method = "get",
        operation_id = "listDrafts"
    )]
    async fn drafts(
        &self,
        state: Data<&AppState>,
        id: Path<Uuid>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Draft>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(service::drafts(&state, id.0, page).await?))
    }

    /// Open or extend the consultation
    ///
    /// At least 30 days unless `shortened_reason` is given (it is published). On an open
    /// consultation this extends the window. The window closes by the clock.
    #[oai(
        path = "/decisions/:id/consultation",
        method = "post",
        operation_id = "openConsultation"
    )]
    async fn consultation(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<ConsultationRequest>,
    ) -> Result<Json<Decision>> {
        Ok(Json(
            service::open_consultation(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Comment on the current draft
    ///
    /// A logged-in resident, while the window is open (`409 consultation_not_open` otherwise);
    /// at most 10 an hour. The comment is published after moderation; its tracking number is
    /// in the answer. Staff of the sponsoring department record comments received offline
    /// with `channel` and `author_name`.
    #[oai(
        path = "/decisions/:id/comments",
        method = "post",
        operation_id = "submitComment",
        transform = "idempotent"
    )]
    async fn comment(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Retry-safe key (1–255 printable ASCII characters): a retry with the same key and
        /// body returns the first answer.
        #[oai(name = "Idempotency-Key", validator(pattern = r"^[!-~]{1,255}$"))]
        _idempotency_key: Header<Option<String>>,
        id: Path<Uuid>,
        body: JsonBody<NewComment>,
    ) -> Result<Created<Comment>> {
        Ok(Created::Created(Json(
            comments::submit(&state, &auth.0, id.0, body.0).await?,
        )))
    }

    /// A decision's comments
    ///
    /// Public: published comments, authors' names masked. With `mine=true`, the caller's own
    /// comments in any status; with `status`, staff of the sponsoring department see that
    /// status (`pending` is the moderation queue). With `outcome`, those given that outcome
    /// (the feedback report's comments, page by page): public once the report is, so before
    /// it the page is empty but for staff.
    #[oai(
        path = "/decisions/:id/comments",
        method = "get",
        operation_id = "listComments"
    )]
    async fn comments(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
        /// Only the caller's own comments (needs a token).
        mine: Query<Option<bool>>,
        /// Staff only.
        status: Query<Option<CommentStatus>>,
        outcome: Query<Option<Outcome>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Comment>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        let session = auth.session();
        let filter = match (mine.0.unwrap_or(false), status.0) {
            (true, _) => CommentFilter::Mine(session.ok_or_else(log_in)?.user_id),
            (false, Some(status)) => CommentFilter::Status(status),
            (false, None) => CommentFilter::Published,
        };
        Ok(Json(
            comments::list(&state, session, id.0, filter, outcome.0, page).await?,
        ))
    }

    /// Export a decision's comments as CSV
    ///
    /// Staff of the sponsoring department: every comment with its status, section and
    /// outcome. Streamed, so any number of comments downloads in flat memory.
    #[oai(
        path = "/decisions/:id/comments/export",
        method = "get",
        operation_id = "exportComments"
    )]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<CsvFile> {
        let rows = comments::export(&state, &auth.0, id.0).await?;
        let file_name = format!("comments-{}.csv", id.0);
        Ok(CsvFile::attachment(
            &file_name,
            Body::from_bytes_stream(rows),
        ))
    }

    /// Follow a comment by its tracking number
    ///
    /// Public: where the comment stands (received, published or not and why, and its outcome
    /// once the feedback report is out), for whoever holds the number, a letter's sender
    /// included. No text and no name.
    #[oai(
        path = "/comments/tracking/:tracking_number",
        method = "get",
        operation_id = "getCommentByTrackingNumber"
    )]
    async fn receipt(
        &self,
        state: Data<&AppState>,
        /// As on the receipt, e.g. `YP-2021-7K3M9Q` (letters in either case).
        #[oai(validator(pattern = r"^[Yy][Pp]-[0-9]{4}-[0-9A-Za-z]{6}$"))]
        tracking_number: Path<String>,
    ) -> Result<Json<CommentReceipt>> {
        Ok(Json(comments::receipt(&state, &tracking_number.0).await?))
    }

    /// My comments
    ///
    /// The caller's comments on every decision, newest first, each with where it stands.
    #[oai(path = "/me/comments", method = "get", operation_id = "listMyComments")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<CommentReceipt>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(comments::mine(&state, &auth.0, page).await?))
    }

    /// Consent to be named with my comment, or withdraw it
    ///
    /// The author's choice, changed at any time: public views show their name with the
    /// comment, or its mask (张**), from now on. Someone else's comment is not found.
    #[oai(
        path = "/me/comments/:tracking_number/name-consent",
        method = "put",
        operation_id = "setMyCommentNameConsent"
    )]
    async fn set_name_consent(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// As on the receipt, e.g. `YP-2021-7K3M9Q` (letters in either case).
        #[oai(validator(pattern = r"^[Yy][Pp]-[0-9]{4}-[0-9A-Za-z]{6}$"))]
        tracking_number: Path<String>,
        body: JsonBody<NameConsent>,
    ) -> Result<Json<CommentReceipt>> {
        Ok(Json(
            comments::set_name_consent(&state, &auth.0, &tracking_number.0, body.0.name_consent)
                .await?,
        ))
    }

    /// Moderate a comment
    ///
    /// Staff of the sponsoring department publish it or reject it with a reason.
    #[oai(
        path = "/comments/:id/moderation",
        method = "post",
        operation_id = "moderateComment"
    )]
    async fn moderate(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<ModerationRequest>,
    ) -> Result<Json<Comment>> {
        Ok(Json(
            comments::moderate(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Give a comment its outcome
    ///
    /// Staff of the sponsoring department: `adopted`, `partially_adopted`, `not_adopted`
    /// (with a published reason) or `duplicate` (of another comment).
    #[oai(
        path = "/comments/:id/outcome",
        method = "put",
        operation_id = "setCommentOutcome"
    )]
    async fn outcome(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<OutcomeRequest>,
    ) -> Result<Json<Comment>> {
        Ok(Json(
            comments::set_outcome(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Publish the feedback report
    ///
    /// After the window closed, once no comment awaits moderation or an outcome
    /// (`409 comments_without_outcome` otherwise). Each commenter is notified.
    #[oai(
        path = "/decisions/:id/feedback",
        method = "post",
        operation_id = "publishFeedback"
    )]
    async fn publish_feedback(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<FeedbackRequest>,
    ) -> Result<Json<FeedbackReport>> {
        Ok(Json(
            comments::publish_feedback(&state, &auth.0, id.0, &body.narrative).await?,
        ))
    }

    /// The feedback report (采纳情况)
    ///
    /// Public once published: totals per outcome and per section, and the reasons for what
    /// was not adopted. Before that, a preview for the sponsoring department's staff.
    #[oai(
        path = "/decisions/:id/feedback",
        method = "get",
        operation_id = "getFeedback"
    )]
    async fn feedback(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
    ) -> Result<Json<FeedbackReport>> {
        Ok(Json(
            comments::feedback(&state, auth.session(), id.0).await?,
        ))
    }

    /// Record the executive meeting's deliberation
    #[oai(
        path = "/decisions/:id/deliberation",
        method = "post",
        operation_id = "recordDeliberation"
    )]
    async fn deliberation(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<DeliberationRequest>,
    ) -> Result<Json<Decision>> {
        Ok(Json(
            service::record_deliberation(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Record the decision's result
    ///
    /// The decision document, its number and effective date.
    #[oai(
        path = "/decisions/:id/result",
        method = "post",
        operation_id = "recordResult"
    )]
    async fn result(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<ResultRequest>,
    ) -> Result<Json<Decision>> {
        Ok(Json(
            service::record_result(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Withdraw a decision
    ///
    /// With a published reason, at any stage before the result.
    #[oai(
        path = "/decisions/:id/withdrawal",
        method = "post",
        operation_id = "withdrawDecision"
    )]
    async fn withdraw(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<WithdrawalRequest>,
    ) -> Result<Json<Decision>> {
        Ok(Json(
            service::withdraw(&state, &auth.0, id.0, body.0).await?,
        ))
    }
}

fn log_in() -> Error {
    Error::Unauthorized {
        code: "unauthorized",
        detail: "log in to see your own comments".into(),
    }
}

/// Problems each operation answers from its own rules (see `openapi::Problems`).
#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("listDecisions", &[]),
    Problems::new("createDecision", &[(403, &["forbidden"]), (422, &["validation_failed"])]),
    Problems::new("getDecision", &[(404, &["not_found"])]),
    Problems::new("updateDecision", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["stage_is_decided", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("getTimeline", &[(404, &["not_found"])]),
    Problems::new("publishDraft", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["decision_changed", "draft_version_taken", "stage_is_consultation_closed", "stage_is_decided", "stage_is_deliberated", "stage_is_feedback_published", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("listDrafts", &[(404, &["not_found"])]),
    Problems::new("openConsultation", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["decision_changed", "stage_is_catalogued", "stage_is_consultation_closed", "stage_is_decided", "stage_is_deliberated", "stage_is_feedback_published", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("getCommentByTrackingNumber", &[(404, &["not_found"])]),
    Problems::new("listMyComments", &[]),
    Problems::new("setMyCommentNameConsent", &[(404, &["not_found"]), (422, &["validation_failed"])]),
    Problems::new("submitComment", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["consultation_not_open", "idempotency_key_completed", "idempotency_key_in_progress", "stage_is_catalogued", "stage_is_decided", "stage_is_deliberated", "stage_is_draft_published", "stage_is_feedback_published", "stage_is_withdrawn", "tracking_number_taken"]), (422, &["validation_failed"]), (429, &["too_many_comments"])]),
    Problems::new("listComments", &[(401, &["unauthorized"]), (403, &["forbidden"]), (404, &["not_found"])]),
    Problems::new("exportComments", &[(403, &["forbidden"]), (404, &["not_found"])]),
    Problems::new("moderateComment", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["stage_is_decided", "stage_is_deliberated", "stage_is_feedback_published", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("setCommentOutcome", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["comment_not_published", "stage_is_decided", "stage_is_deliberated", "stage_is_feedback_published", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("publishFeedback", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["comments_without_outcome", "decision_changed", "stage_is_catalogued", "stage_is_consultation_open", "stage_is_decided", "stage_is_deliberated", "stage_is_draft_published", "stage_is_feedback_published", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("getFeedback", &[(404, &["not_found"])]),
    Problems::new("recordDeliberation", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["decision_changed", "stage_is_catalogued", "stage_is_consultation_closed", "stage_is_consultation_open", "stage_is_decided", "stage_is_deliberated", "stage_is_draft_published", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("recordResult", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["decision_changed", "stage_is_catalogued", "stage_is_consultation_closed", "stage_is_consultation_open", "stage_is_decided", "stage_is_draft_published", "stage_is_feedback_published", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
    Problems::new("withdrawDecision", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["decision_changed", "stage_is_decided", "stage_is_withdrawn"]), (422, &["validation_failed"])]),
];
