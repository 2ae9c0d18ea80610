//! HTTP routes of meetings and representatives: thin wrappers over `service`.

use poem::web::Data;
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    OpenApi,
};
use uuid::Uuid;

use super::{
    dto::{
        Application, Attendance, Cancellation, Draw, EligibilityRule, Handling, HeldMeeting,
        Meeting, Minutes, NewAgendaItem, NewApplication, NewMeeting, NewOpinion, NewRepresentative,
        Opinion, PublicValue, Representative, RepresentativeStatus, Review, SeatPlan, Verification,
    },
    service,
};
use crate::{
    auth::{BearerAuth, MaybePerson},
    contract::{ApiTags, Created, JsonBody, Problems},
    error::ApiError,
    idempotency::idempotent,
    pagination::{Page, PageRequest},
    state::AppState,
};

type Result<T> = std::result::Result<T, ApiError>;

pub struct MeetingsApi;

#[OpenApi(tag = "ApiTags::Meetings")]
impl MeetingsApi {
    /// Plan a meeting
    ///
    /// Staff of the organising department (their own unless `department_id` says otherwise)
    /// or an admin. Its observer seats are planned next (`PUT /meetings/{id}/seat-plan`).
    #[oai(path = "/meetings", method = "post", operation_id = "createMeeting")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<NewMeeting>,
    ) -> Result<Created<Meeting>> {
        Ok(Created::Created(Json(
            service::create(&state, &auth.0, body.0).await?,
        )))
    }

    /// Meetings
    ///
    /// Public, the latest planned first, with their seats and agendas (confidential items
    /// only for the organising staff).
    #[oai(path = "/meetings", method = "get", operation_id = "listMeetings")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Meeting>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(service::list(&state, auth.session(), page).await?))
    }

    /// A meeting
    ///
    /// Public: where it stands, its seats per category and its agenda (confidential items
    /// only for the organising staff).
    #[oai(path = "/meetings/:id", method = "get", operation_id = "getMeeting")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
    ) -> Result<Json<Meeting>> {
        Ok(Json(service::get(&state, auth.session(), id.0).await?))
    }

    /// Add an agenda item
    ///
    /// Staff of the organising department, until the meeting is held or cancelled
    /// (`409 meeting_over`); an item that deliberates a major decision is put on the agenda
    /// by staff of the decision's sponsor (提请审议). A confidential item is not shown to the
    /// public.
    #[oai(
        path = "/meetings/:id/agenda",
        method = "post",
        operation_id = "addAgendaItem"
    )]
    async fn add_agenda_item(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<NewAgendaItem>,
    ) -> Result<Created<Meeting>> {
        Ok(Created::Created(Json(
            service::add_agenda_item(&state, &auth.0, id.0, body.0).await?,
        )))
    }

    /// Plan the observer seats
    ///
    /// Staff of the organising department, before applications open (`409 plan_frozen`
    /// after): seats per category, the applications window (closing before the meeting)
    /// and the selection method; a lottery names its public value's source now.
    #[oai(
        path = "/meetings/:id/seat-plan",
        method = "put",
        operation_id = "planMeetingSeats"
    )]
    async fn plan_seats(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<SeatPlan>,
    ) -> Result<Json<Meeting>> {
        Ok(Json(
            service::plan_seats(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Apply for a seat
    ///
    /// A verified representative (`403` otherwise), while applications are open (`409
    /// applications_not_open`), once per meeting (`409 already_applied`), in their
    /// profile's category. A retry with the same `Idempotency-Key` and body gets the first
    /// answer.
    #[oai(
        path = "/meetings/:id/applications",
        method = "post",
        operation_id = "applyForMeetingSeat",
        transform = "idempotent"
    )]
    async fn apply(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Retry-safe key (1–255 printable ASCII characters): a retry with the same key and
        /// body returns the first answer.
        #[oai(name = "Idempotency-Key", validator(pattern = r"^[!-~]{1,255}$"))]
        _idempotency_key: Header<Option<String>>,
        id: Path<Uuid>,
        body: JsonBody<NewApplication>,
    ) -> Result<Created<Application>> {
        Ok(Created::Created(Json(
            service::apply(&state, &auth.0, id.0, body.0).await?,
        )))
    }

    /// Applications for a meeting
    ///
    /// The organising staff see every one with the applicant's name; a representative sees
    /// their own. Oldest first, a page at a time.
    #[oai(
        path = "/meetings/:id/applications",
        method = "get",
        operation_id = "listMeetingApplications"
    )]
    async fn applications(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Application>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(
            service::applications(&state, &auth.0, id.0, page).await?,
        ))
    }

    /// Withdraw an application
    ///
    /// Its owner, while applications are open, or once the seats are allotted and before the
    /// meeting, when a seat they held passes to the first waiting in their category (`409
    /// withdrawal_closed` otherwise: a lottery's committed pool does not change).
    #[oai(
        path = "/applications/:id",
        method = "delete",
        operation_id = "withdrawMeetingApplication"
    )]
    async fn withdraw(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<Json<Application>> {
        Ok(Json(service::withdraw(&state, &auth.0, id.0).await?))
    }

    /// Review an application
    ///
    /// Staff of the organising department, for a meeting whose seats are allotted by review
    /// (`409 not_by_review`), once applications have closed and before the seats are declared
    /// allotted (`409 review_closed`), once per application (`409 already_reviewed`). An
    /// accepted application takes the next free seat of its category or the end of its
    /// waitlist; a rejection gives its reason. The applicant is told either way.
    #[oai(
        path = "/applications/:id/review",
        method = "post",
        operation_id = "reviewMeetingApplication"
    )]
    async fn review(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<Review>,
    ) -> Result<Json<Application>> {
        Ok(Json(service::review(&state, &auth.0, id.0, body.0).await?))
    }

    /// Allot the seats
    ///
    /// Staff of the organising department, once applications have closed, once. First
    /// come: the seats are allotted at once. Review: once every application has been
    /// reviewed (`409 reviews_pending`). Lottery: the pool is committed (its text and
    /// SHA-256 published at `GET /meetings/{id}/draw`), before the public value is fixed
    /// (`409 too_late_to_commit` after), and drawn when staff enter the value.
    #[oai(
        path = "/meetings/:id/selection",
        method = "post",
        operation_id = "selectMeetingObservers"
    )]
    async fn select(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<Json<Meeting>> {
        Ok(Json(service::select(&state, &auth.0, id.0).await?))
    }

    /// Draw the lottery
    ///
    /// Staff of the organising department enter the public value the commitment named, once
    /// it is fixed (`409 public_value_not_yet` before `public_value_at`), written with two
    /// decimals; the seed is SHA-256 of the commitment's hash and that value (docs/lottery.md).
    /// Once.
    #[oai(
        path = "/meetings/:id/draw",
        method = "post",
        operation_id = "drawMeetingLottery"
    )]
    async fn draw(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<PublicValue>,
    ) -> Result<Json<Draw>> {
        Ok(Json(service::draw(&state, &auth.0, id.0, body.0).await?))
    }

    /// A meeting's lottery
    ///
    /// Public from the commitment on: the committed pool, the public value's source, and
    /// once drawn the value, the seed and the seats. Saved to a file, it is checked by
    /// `python3 docs/verify_draw.py draw.json`.
    #[oai(
        path = "/meetings/:id/draw",
        method = "get",
        operation_id = "getMeetingLottery"
    )]
    async fn get_draw(&self, state: Data<&AppState>, id: Path<Uuid>) -> Result<Json<Draw>> {
        Ok(Json(service::published_draw(&state, id.0).await?))
    }

    /// Record that the meeting was held
    ///
    /// Staff of the organising department, once it has started (`409 meeting_not_started`)
    /// with its seats allotted (`409 seats_not_allotted`), giving the outcome of every agenda
    /// item that deliberates a major decision (`deferred` when it was not taken up). Each is
    /// recorded on that decision's timeline in the same transaction: a decision not ready to be deliberated (`409
    /// decision_not_ready`) leaves the meeting and every decision as they were.
    #[oai(
        path = "/meetings/:id/held",
        method = "post",
        operation_id = "recordMeetingHeld"
    )]
    async fn hold(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<HeldMeeting>,
    ) -> Result<Json<Meeting>> {
        Ok(Json(service::hold(&state, &auth.0, id.0, body.0).await?))
    }

    /// Record the attendance
    ///
    /// Staff of the organising department, once the meeting is held and until its minutes
    /// are published: the seats whose holders attended; the others were empty. Sent again,
    /// it replaces the record.
    #[oai(
        path = "/meetings/:id/attendance",
        method = "put",
        operation_id = "recordMeetingAttendance"
    )]
    async fn attendance(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<Attendance>,
    ) -> Result<Json<Meeting>> {
        Ok(Json(
            service::record_attendance(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Give an opinion on an agenda item
    ///
    /// A representative holding a seat at the meeting (`403` otherwise), from the allotment
    /// of the seats until the meeting is held; or staff of the organising department writing
    /// one voiced at the meeting down for the seat `application_id` names, until the minutes
    /// are published (`409 opinions_closed`). Only the representative consents to be named
    /// with it in public. A seat given back takes its opinions along.
    #[oai(
        path = "/meetings/:id/opinions",
        method = "post",
        operation_id = "giveMeetingOpinion"
    )]
    async fn give_opinion(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<NewOpinion>,
    ) -> Result<Created<Opinion>> {
        Ok(Created::Created(Json(
            service::give_opinion(&state, &auth.0, id.0, body.0).await?,
        )))
    }

    /// A meeting's opinions and their handling
    ///
    /// Public once the minutes are published, names masked unless the representative
    /// consented to be named; before, the organising staff see all and a representative
    /// their own. Oldest first.
    #[oai(
        path = "/meetings/:id/opinions",
        method = "get",
        operation_id = "listMeetingOpinions"
    )]
    async fn opinions(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Opinion>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(
            service::opinions(&state, auth.session(), id.0, page).await?,
        ))
    }

    /// Record how an opinion was handled
    ///
    /// Staff of the organising department, once the meeting is held and until its minutes
    /// are published, once per opinion (`409 already_handled`). The representative is told.
    #[oai(
        path = "/opinions/:id/handling",
        method = "post",
        operation_id = "handleMeetingOpinion"
    )]
    async fn handle_opinion(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<Handling>,
    ) -> Result<Json<Opinion>> {
        Ok(Json(
            service::handle_opinion(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Publish the minutes
    ///
    /// Staff of the organising department, once the meeting is held, its attendance recorded
    /// (`409 attendance_unrecorded`) and every opinion handled (`409 opinions_unhandled`): the
    /// meeting's conclusion, told to every representative
    /// seated. The opinions and their handling become public.
    #[oai(
        path = "/meetings/:id/minutes",
        method = "post",
        operation_id = "publishMeetingMinutes"
    )]
    async fn minutes(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<Minutes>,
    ) -> Result<Json<Meeting>> {
        Ok(Json(
            service::publish_minutes(&state, &auth.0, id.0, body.0).await?,
        ))
    }

    /// Cancel a meeting
    ///
    /// Staff of the organising department, until it is held (`409 already_held`), with a
    /// reason told to everyone applying, seated or waiting.
    #[oai(
        path = "/meetings/:id/cancellation",
        method = "post",
        operation_id = "cancelMeeting"
    )]
    async fn cancel(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<Cancellation>,
    ) -> Result<Json<Meeting>> {
        Ok(Json(service::cancel(&state, &auth.0, id.0, body.0).await?))
    }

    /// Who may be a public representative
    ///
    /// Public: the bases on which the district accepts representatives (its configuration);
    /// an application claims one of them.
    #[oai(
        path = "/representatives/eligibility",
        method = "get",
        operation_id = "getRepresentativeEligibility"
    )]
    async fn eligibility(&self, state: Data<&AppState>) -> Json<EligibilityRule> {
        Json(EligibilityRule {
            accepted: state.config.representative_eligibility.clone(),
        })
    }

    /// Apply to be a public representative
    ///
    /// Any resident, in a category with an organisation, a short statement and the basis on
    /// which they represent the district, one the district accepts (`422` otherwise); staff
    /// verify or refuse it. One profile pending or verified at a time (`409 profile_exists`).
    #[oai(
        path = "/representatives",
        method = "post",
        operation_id = "applyAsRepresentative"
    )]
    async fn apply_as_representative(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<NewRepresentative>,
    ) -> Result<Created<Representative>> {
        Ok(Created::Created(Json(
            service::apply_as_representative(&state, &auth.0, body.0).await?,
        )))
    }

    /// Representative profiles to review
    ///
    /// Staff and admins, by status (default `pending`), oldest first.
    #[oai(
        path = "/representatives",
        method = "get",
        operation_id = "listRepresentatives"
    )]
    async fn profiles(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        status: Query<Option<RepresentativeStatus>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Representative>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        let status = status.0.unwrap_or(RepresentativeStatus::Pending);
        Ok(Json(
            service::profiles(&state, &auth.0, status, page).await?,
        ))
    }

    /// Verify or refuse a representative
    ///
    /// Staff and admins, a pending profile (`409 not_pending`); a refusal gives its reason.
    /// A verified person gets the `representative` role.
    #[oai(
        path = "/representatives/:id/verification",
        method = "post",
        operation_id = "verifyRepresentative"
    )]
    async fn verify(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<Verification>,
    ) -> Result<Json<Representative>> {
        Ok(Json(service::verify(&state, &auth.0, id.0, body.0).await?))
    }

    /// My representative profile
    ///
    /// Pending, verified, or the latest refused or withdrawn.
    #[oai(
        path = "/me/representative",
        method = "get",
        operation_id = "getMyRepresentativeProfile"
    )]
    async fn mine(&self, state: Data<&AppState>, auth: BearerAuth) -> Result<Json<Representative>> {
        Ok(Json(service::my_profile(&state, &auth.0).await?))
    }

    /// Withdraw my representative profile
    ///
    /// Its owner; they are a representative no more.
    #[oai(
        path = "/me/representative",
        method = "delete",
        operation_id = "withdrawMyRepresentativeProfile"
    )]
    async fn withdraw_profile(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<Json<Representative>> {
        Ok(Json(service::withdraw_profile(&state, &auth.0).await?))
    }
}

/// Each operation's own problems (the contract adds those every operation shares).
#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("createMeeting", &[(403, &["forbidden"]), (409, &["meeting_number_taken"]), (422, &["validation_failed"])]),
    Problems::new("listMeetings", &[]),
    Problems::new("getMeeting", &[(404, &["not_found"])]),
    Problems::new("addAgendaItem", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["meeting_over"]), (422, &["validation_failed"])]),
    Problems::new("planMeetingSeats", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["plan_frozen"]), (422, &["validation_failed"])]),
    Problems::new("applyForMeetingSeat", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_applied", "applications_not_open", "idempotency_key_completed", "idempotency_key_in_progress", "no_seats_for_category"]), (422, &["validation_failed"])]),
    Problems::new("listMeetingApplications", &[(404, &["not_found"])]),
    Problems::new("withdrawMeetingApplication", &[(404, &["not_found"]), (409, &["withdrawal_closed"])]),
    Problems::new("reviewMeetingApplication", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_reviewed", "not_by_review", "not_verified", "review_closed"]), (422, &["validation_failed"])]),
    Problems::new("selectMeetingObservers", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_committed", "already_selected", "applications_not_closed", "meeting_cancelled", "reviews_pending", "too_late_to_commit"])]),
    Problems::new("drawMeetingLottery", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_drawn", "already_selected", "meeting_cancelled", "not_committed", "public_value_not_yet"])]),
    Problems::new("getMeetingLottery", &[(404, &["not_found"])]),
    Problems::new("recordMeetingHeld", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_held", "decision_not_ready", "meeting_cancelled", "meeting_not_started", "seats_not_allotted"]), (422, &["validation_failed"])]),
    Problems::new("recordMeetingAttendance", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["meeting_not_held", "minutes_published"]), (422, &["validation_failed"])]),
    Problems::new("giveMeetingOpinion", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["opinions_closed"]), (422, &["validation_failed"])]),
    Problems::new("listMeetingOpinions", &[(404, &["not_found"])]),
    Problems::new("handleMeetingOpinion", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_handled", "meeting_not_held", "minutes_published"]), (422, &["validation_failed"])]),
    Problems::new("publishMeetingMinutes", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["attendance_unrecorded", "meeting_not_held", "minutes_published", "opinions_unhandled"]), (422, &["validation_failed"])]),
    Problems::new("cancelMeeting", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_held", "meeting_cancelled"]), (422, &["validation_failed"])]),
    Problems::new("getRepresentativeEligibility", &[]),
    Problems::new("applyAsRepresentative", &[(409, &["profile_exists"]), (422, &["validation_failed"])]),
    Problems::new("listRepresentatives", &[(403, &["forbidden"])]),
    Problems::new("verifyRepresentative", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["not_pending"]), (422, &["validation_failed"])]),
    Problems::new("getMyRepresentativeProfile", &[(404, &["not_found"])]),
    Problems::new("withdrawMyRepresentativeProfile", &[(404, &["not_found"])]),
];
