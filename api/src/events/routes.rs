//! HTTP operations of events, signups and check-in.

use chrono::{DateTime, Utc};
use poem::{web::Data, Body};
use poem_openapi::{
    param::{Header, Path, Query},
    payload::{Json, PlainText},
    ApiResponse, OpenApi,
};
use uuid::Uuid;

use super::{
    checkins,
    dto::{
        Attendee, Checkin, CheckinRequest, Event, EventPatch, NewEvent, NewSignup, OfferResponse,
        ScanBatch, ScanResult, Signup, Theme, ThemeLabel,
    },
    service::{self, CalendarFilter},
    signups,
};
use crate::{
    auth::{BearerAuth, MaybePerson},
    contract::{ApiTags, Created, JsonBody, Problems},
    error::ApiError,
    export::CsvFile,
    idempotency::idempotent,
    pagination::{Page, PageRequest, TimePageRequest},
    state::AppState,
};

type Result<T> = std::result::Result<T, ApiError>;

pub struct EventsApi;

#[derive(ApiResponse)]
pub enum CalendarFile {
    /// The open day as one iCalendar event.
    #[oai(status = 200, content_type = "text/calendar; charset=utf-8")]
    Ics(
        PlainText<String>,
        #[oai(header = "Content-Disposition")] String,
    ),
}

#[derive(ApiResponse)]
pub enum QrCode {
    /// The check-in code as a QR code.
    #[oai(status = 200, content_type = "image/svg+xml")]
    Svg(PlainText<String>),
}

#[OpenApi(tag = "ApiTags::Events")]
impl EventsApi {
    /// The Open Month calendar
    ///
    /// Public: published and cancelled events in the calendar's order (by start time), with
    /// seats left. Filter by theme, by start date, or to events with seats left.
    #[oai(path = "/events", method = "get", operation_id = "listEvents")]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        theme: Query<Option<Theme>>,
        /// Events starting at or after this instant.
        from: Query<Option<DateTime<Utc>>>,
        /// Events starting before this instant.
        to: Query<Option<DateTime<Utc>>>,
        /// Only events with seats left.
        has_seats: Query<Option<bool>>,
        /// Only this department's events; its staff (and admins) also see its drafts.
        host_department_id: Query<Option<Uuid>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{32}$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Event>>> {
        let page = TimePageRequest::new(limit.0, cursor.0.as_deref())?;
        let filter = CalendarFilter {
            theme: theme.0,
            from: from.0,
            to: to.0,
            has_seats: has_seats.0.unwrap_or(false),
            host_department_id: host_department_id.0,
        };
        Ok(Json(
            service::list(&state, auth.session(), filter, page).await?,
        ))
    }

    /// The Open Month themes
    ///
    /// Public: every theme an event can have, in the order the calendar shows them, with its
    /// names in Chinese and English.
    #[oai(path = "/events/themes", method = "get", operation_id = "listThemes")]
    async fn themes(&self) -> Json<Vec<ThemeLabel>> {
        Json(Theme::ALL.into_iter().map(ThemeLabel::from).collect())
    }

    /// Create an event
    ///
    /// Staff of the host department (their own by default), or an admin.
    #[oai(path = "/events", method = "post", operation_id = "createEvent")]
    async fn create(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<NewEvent>,
    ) -> Result<Created<Event>> {
        Ok(Created::Created(Json(
            service::create(&state, &auth.0, body.0).await?,
        )))
    }

    /// An event
    ///
    /// Public once published; drafts only for the host department's staff.
    #[oai(path = "/events/:id", method = "get", operation_id = "getEvent")]
    async fn get(
        &self,
        state: Data<&AppState>,
        auth: MaybePerson,
        id: Path<Uuid>,
    ) -> Result<Json<Event>> {
        Ok(Json(service::get(&state, auth.session(), id.0).await?))
    }

    /// Add an event to a calendar
    ///
    /// Public: the open day as an iCalendar file (`.ics`) for any calendar app, with where,
    /// when and a link to its page. Drafts are not found.
    #[oai(
        path = "/events/:id/calendar.ics",
        method = "get",
        operation_id = "getEventCalendar"
    )]
    async fn calendar(&self, state: Data<&AppState>, id: Path<Uuid>) -> Result<CalendarFile> {
        let ics = service::calendar(&state, id.0).await?;
        Ok(CalendarFile::Ics(
            PlainText(ics),
            format!("attachment; filename=\"event-{}.ics\"", id.0),
        ))
    }

    /// Change an event
    ///
    /// Staff of the host department. Publishing, cancelling (everyone signed up is notified),
    /// and capacity: lowering it below the seats taken is refused (`409 capacity_below_taken`);
    /// raising it offers the new seats to the waitlist at once.
    #[oai(path = "/events/:id", method = "patch", operation_id = "updateEvent")]
    async fn update(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<EventPatch>,
    ) -> Result<Json<Event>> {
        Ok(Json(service::update(&state, &auth.0, id.0, body.0).await?))
    }

    /// Sign up for an event
    ///
    /// `201` with `confirmed`, or `waitlisted` with a position when the seats are gone.
    /// One active signup per person and event (`409 already_signed_up`); outside the signup
    /// window `409 signup_not_open` / `signup_closed`.
    #[oai(
        path = "/events/:id/signups",
        method = "post",
        operation_id = "signUp",
        transform = "idempotent"
    )]
    async fn sign_up(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Retry-safe key (1–255 printable ASCII characters): a retry with the same key and
        /// body returns the first answer.
        #[oai(name = "Idempotency-Key", validator(pattern = r"^[!-~]{1,255}$"))]
        _idempotency_key: Header<Option<String>>,
        id: Path<Uuid>,
        body: JsonBody<NewSignup>,
    ) -> Result<Created<Signup>> {
        Ok(Created::Created(Json(
            signups::sign_up(&state, &auth.0, id.0, body.party_size).await?,
        )))
    }

    /// An event's signups
    ///
    /// Staff of the host department: the signups with their status, oldest first, a page at
    /// a time.
    #[oai(
        path = "/events/:id/signups",
        method = "get",
        operation_id = "listEventSignups"
    )]
    async fn attendees(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Attendee>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(signups::attendees(&state, &auth.0, id.0, page).await?))
    }

    /// Cancel a signup
    ///
    /// The owner, before the event starts. A seat it held is offered to the first person on
    /// the waitlist at once.
    #[oai(
        path = "/signups/:id",
        method = "delete",
        operation_id = "cancelSignup"
    )]
    async fn cancel(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<Json<Signup>> {
        Ok(Json(signups::cancel(&state, &auth.0, id.0).await?))
    }

    /// Accept or decline an offered seat
    ///
    /// Before `offer_expires_at`; afterwards the seat has passed to the next person.
    #[oai(
        path = "/signups/:id/offer",
        method = "post",
        operation_id = "respondToOffer"
    )]
    async fn respond(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<OfferResponse>,
    ) -> Result<Json<Signup>> {
        Ok(Json(
            signups::respond_to_offer(&state, &auth.0, id.0, body.accept).await?,
        ))
    }

    /// The caller's signups
    ///
    /// Newest first, with waitlist positions, offers and check-in codes.
    #[oai(path = "/me/signups", method = "get", operation_id = "listMySignups")]
    async fn mine(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Signup>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(signups::mine(&state, &auth.0, page).await?))
    }

    /// The QR code of a signup's check-in code
    ///
    /// The owner, while confirmed: an SVG to show at the door.
    #[oai(
        path = "/signups/:id/qr.svg",
        method = "get",
        operation_id = "getSignupQr"
    )]
    async fn qr_code(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<QrCode> {
        Ok(QrCode::Svg(PlainText(
            signups::qr_code(&state, &auth.0, id.0).await?,
        )))
    }

    /// Export an event's signups as CSV
    ///
    /// Staff of the host department: every signup with its status and check-in time.
    #[oai(
        path = "/events/:id/signups/export",
        method = "get",
        operation_id = "exportSignups"
    )]
    async fn export(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<CsvFile> {
        let rows = signups::export_attendees(&state, &auth.0, id.0).await?;
        Ok(CsvFile::attachment(
            &format!("signups-{}.csv", id.0),
            Body::from_bytes_stream(rows),
        ))
    }

    /// Check a person in
    ///
    /// Staff of the host department scan or type the code (`7KQM-3XPA`, in any case), from
    /// `CANYU_CHECKIN_OPENS_BEFORE_MINUTES` (default 120) before the start until the end
    /// (`409 outside_checkin_window` otherwise). A repeat answers `409 already_checked_in`
    /// with the first time; a code of another event is not found. The answer tells two people
    /// of one name apart: the last digits of their phone, their party, when they signed up.
    #[oai(
        path = "/events/:id/checkins",
        method = "post",
        operation_id = "checkIn"
    )]
    async fn check_in(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<CheckinRequest>,
    ) -> Result<Json<Checkin>> {
        Ok(Json(
            checkins::check_in(&state, &auth.0, id.0, &body.code).await?,
        ))
    }

    /// Apply scans made offline
    ///
    /// Each scan carries the scanner's nonce; sending a batch again changes nothing. One
    /// result per scan, in order.
    #[oai(
        path = "/events/:id/checkins/batch",
        method = "post",
        operation_id = "applyScans"
    )]
    async fn check_in_batch(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: JsonBody<ScanBatch>,
    ) -> Result<Json<Vec<ScanResult>>> {
        Ok(Json(
            checkins::apply_scans(&state, &auth.0, id.0, body.0.scans).await?,
        ))
    }
}

/// Problems each operation answers from its own rules (see `openapi::Problems`).
#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("listEvents", &[]),
    Problems::new("listThemes", &[]),
    Problems::new("createEvent", &[(403, &["forbidden"]), (422, &["validation_failed"])]),
    Problems::new("getEvent", &[(404, &["not_found"])]),
    Problems::new("getEventCalendar", &[(404, &["not_found"])]),
    Problems::new("updateEvent", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["capacity_below_taken", "event_cancelled"]), (422, &["validation_failed"])]),
    Problems::new("signUp", &[(404, &["not_found"]), (409, &["already_signed_up", "event_cancelled", "idempotency_key_completed", "idempotency_key_in_progress", "signup_closed", "signup_not_open"]), (422, &["validation_failed"])]),
    Problems::new("listEventSignups", &[(403, &["forbidden"]), (404, &["not_found"])]),
    Problems::new("cancelSignup", &[(404, &["not_found"]), (409, &["event_started", "signup_changed", "signup_not_active"])]),
    Problems::new("respondToOffer", &[(404, &["not_found"]), (409, &["no_open_offer", "signup_changed"])]),
    Problems::new("listMySignups", &[]),
    Problems::new("getSignupQr", &[(404, &["not_found"]), (409, &["not_confirmed"])]),
    Problems::new("exportSignups", &[(403, &["forbidden"]), (404, &["not_found"])]),
    Problems::new("checkIn", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["already_checked_in", "not_confirmed", "outside_checkin_window"]), (422, &["validation_failed"])]),
    Problems::new("applyScans", &[(403, &["forbidden"]), (404, &["not_found"])]),
];
