//! `GET /staff/summary`.

use poem::web::Data;
use poem_openapi::{payload::Json, types::Example, Object, OpenApi};

use crate::{
    auth::{BearerAuth, Role},
    contract::{ApiTags, Problems},
    decisions::comments,
    error::{ApiError, Error},
    events::signups,
    meetings::service as meetings,
    state::AppState,
    timestamp::Timestamp,
};

type Result<T> = std::result::Result<T, ApiError>;

/// What waits for the caller's department (for an admin, every department's).
#[derive(Object, Debug)]
#[oai(example)]
pub struct StaffSummary {
    /// Comments on the department's decisions waiting for moderation.
    pub comments_to_moderate: u64,
    /// Confirmed signups for the department's open days that start today (district time).
    pub signups_today: u64,
    /// Applications for seats at the department's meetings chosen by review, not yet reviewed.
    pub applications_to_review: u64,
    /// Representative profiles waiting for verification (any staff may verify).
    pub profiles_to_verify: u64,
    /// Representatives' opinions at the department's meetings not yet handled.
    pub opinions_to_handle: u64,
}

impl Example for StaffSummary {
    fn example() -> Self {
        Self {
            comments_to_moderate: 4,
            signups_today: 28,
            applications_to_review: 0,
            profiles_to_verify: 2,
            opinions_to_handle: 1,
        }
    }
}

pub struct ConsoleApi;

#[OpenApi]
impl ConsoleApi {
    /// What waits for my department
    ///
    /// Staff and admins: the counts the console starts from, each leading to its list.
    #[oai(
        path = "/staff/summary",
        method = "get",
        operation_id = "getStaffSummary",
        tag = "ApiTags::Admin"
    )]
    async fn summary(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<Json<StaffSummary>> {
        let session = auth.0;
        let department = if session.has(Role::Admin) {
            None
        } else if session.has(Role::Staff) {
            session.department_id
        } else {
            return Err(Error::Forbidden("the console is for staff".into()).into());
        };
        let day = Timestamp(state.clock.now()).local_day(state.config.timezone);
        let waiting = meetings::waiting(&state.db, department).await?;
        Ok(Json(StaffSummary {
            comments_to_moderate: comments::awaiting_moderation(&state.db, department).await?,
            signups_today: signups::expected_between(&state.db, department, day).await?,
            applications_to_review: waiting.applications_to_review,
            profiles_to_verify: waiting.profiles_to_verify,
            opinions_to_handle: waiting.opinions_to_handle,
        }))
    }
}

#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("getStaffSummary", &[(403, &["forbidden"])]),
];
