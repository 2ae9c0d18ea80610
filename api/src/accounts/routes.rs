//! HTTP operations of accounts: read the request, check the caller, call a rule, shape the answer.

use poem::web::{Data, RemoteAddr};
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    OpenApi,
};
use uuid::Uuid;

use super::{
    dto::{
        ApiKeyCreated, ApiKeyInfo, AuditEntry, District, LoginRequest, LoginResponse, MarkRead,
        NewApiKey, NewDepartment, Notification, PasswordChange, PasswordReset, ProfileChange,
        RegisterRequest, ResetCodeIssued, RoleGrantRequest, UnreadCount, User, UserSummary,
    },
    profile,
    service::{self, Registration},
    throttle,
};
use crate::{
    auth::{BearerAuth, PersonOrApp, Role, Scope},
    contract::{ApiTags, Created, JsonBody, NoContent, Problems},
    departments::Department,
    error::ApiError,
    idempotency::idempotent,
    notices::Language,
    pagination::{Page, PageRequest},
    state::AppState,
    throttle::client_address,
    webhooks::{self, NewWebhook, Webhook},
};

type Result<T> = std::result::Result<T, ApiError>;

pub struct AccountsApi;

#[OpenApi]
impl AccountsApi {
    /// Register an account
    ///
    /// Anyone may register with a mainland mobile number or an e-mail address. The new account
    /// is a `resident`; log in to get a token.
    #[oai(
        path = "/auth/register",
        method = "post",
        operation_id = "registerAccount",
        tag = "ApiTags::Auth",
        transform = "idempotent"
    )]
    async fn register(
        &self,
        state: Data<&AppState>,
        /// Retry-safe key (1–255 printable ASCII characters): a retry with the same key and
        /// body returns the first answer.
        #[oai(name = "Idempotency-Key", validator(pattern = r"^[!-~]{1,255}$"))]
        _idempotency_key: Header<Option<String>>,
        body: JsonBody<RegisterRequest>,
        client: &RemoteAddr,
    ) -> Result<Created<User>> {
        throttle::REGISTRATIONS
            .count(&state.cache, &throttle::from(client_address(client)))
            .await?;
        let JsonBody(form) = body;
        let form = Registration {
            login: form.login,
            password: form.password,
            display_name: form.display_name,
        };
        Ok(Created::Created(Json(
            service::register(&state, form).await?,
        )))
    }

    /// Log in
    ///
    /// Exchanges a login and password for a bearer token. After 5 failed attempts for one
    /// account from one address within 15 minutes, or 20 failed attempts from one address,
    /// further attempts from there answer `429` until the window ends; the account's owner
    /// elsewhere is not affected. `503 busy` when too many passwords are being checked at once.
    #[oai(
        path = "/auth/login",
        method = "post",
        operation_id = "logIn",
        tag = "ApiTags::Auth"
    )]
    async fn login(
        &self,
        state: Data<&AppState>,
        body: JsonBody<LoginRequest>,
        client: &RemoteAddr,
    ) -> Result<Json<LoginResponse>> {
        let JsonBody(form) = body;
        Ok(Json(
            service::login(&state, &form.login, form.password, client_address(client)).await?,
        ))
    }

    /// Log out
    ///
    /// Ends the session of the token sent; the token stops working at once.
    #[oai(
        path = "/auth/logout",
        method = "post",
        operation_id = "logOut",
        tag = "ApiTags::Auth"
    )]
    async fn logout(&self, state: Data<&AppState>, auth: BearerAuth) -> Result<NoContent> {
        service::logout(&state, &auth.0).await?;
        Ok(NoContent::NoContent)
    }

    /// The caller's own account
    ///
    /// With roles and, for staff, their department.
    #[oai(
        path = "/me",
        method = "get",
        operation_id = "getMe",
        tag = "ApiTags::Auth"
    )]
    async fn me(&self, state: Data<&AppState>, auth: BearerAuth) -> Result<Json<User>> {
        Ok(Json(service::me(&state, auth.0.user_id).await?))
    }

    /// The caller's notifications
    ///
    /// Newest first: comment outcomes and other news about the caller's own business, each
    /// marked read or not. Written in Chinese and English: `Accept-Language` picks (English
    /// when it comes first), and `lang` says which each one is in.
    #[oai(
        path = "/me/notifications",
        method = "get",
        operation_id = "listMyNotifications",
        tag = "ApiTags::Auth"
    )]
    async fn notifications(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// e.g. `en-GB,en;q=0.9` for English; Chinese otherwise.
        #[oai(name = "Accept-Language", validator(max_length = 256))]
        accept_language: Header<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Notification>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        let language = Language::preferred(accept_language.0.as_deref());
        Ok(Json(
            service::notifications(&state, auth.0.user_id, language, page).await?,
        ))
    }

    /// Change my display name
    ///
    /// The name shown on the platform from now on; public views mask it (张三 → 张**).
    #[oai(
        path = "/me",
        method = "patch",
        operation_id = "updateMe",
        tag = "ApiTags::Auth"
    )]
    async fn update_me(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<ProfileChange>,
    ) -> Result<Json<User>> {
        Ok(Json(
            profile::rename(&state, &auth.0, &body.0.display_name).await?,
        ))
    }

    /// Change my password
    ///
    /// With the current password, under the same limits as a login (`429`). Every other
    /// session of the caller ends; this one goes on. `403 wrong_password` when the current
    /// password is wrong.
    #[oai(
        path = "/me/password",
        method = "put",
        operation_id = "changeMyPassword",
        tag = "ApiTags::Auth"
    )]
    async fn change_password(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<PasswordChange>,
        client: &RemoteAddr,
    ) -> Result<NoContent> {
        let JsonBody(form) = body;
        profile::change_password(
            &state,
            &auth.0,
            form.current_password,
            form.new_password,
            client_address(client),
        )
        .await?;
        Ok(NoContent::NoContent)
    }

    /// Reset a password with a code from the service desk
    ///
    /// For a person who forgot their password: an admin issued them a one-time code
    /// (`issuePasswordResetCode`) after they proved who they are. The code works once and
    /// expires after an hour; attempts count against the login limits (`429`). Every session
    /// of the person ends; log in with the new password.
    #[oai(
        path = "/auth/password-reset",
        method = "post",
        operation_id = "resetPassword",
        tag = "ApiTags::Auth"
    )]
    async fn reset_password(
        &self,
        state: Data<&AppState>,
        body: JsonBody<PasswordReset>,
        client: &RemoteAddr,
    ) -> Result<NoContent> {
        let JsonBody(form) = body;
        profile::reset_password(
            &state,
            &form.login,
            &form.code,
            form.new_password,
            client_address(client),
        )
        .await?;
        Ok(NoContent::NoContent)
    }

    /// How many of the caller's notifications are unread
    ///
    /// For the badge in the header; cheap enough to ask on every page.
    #[oai(
        path = "/me/notifications/unread",
        method = "get",
        operation_id = "countMyUnreadNotifications",
        tag = "ApiTags::Auth"
    )]
    async fn unread(&self, state: Data<&AppState>, auth: BearerAuth) -> Result<Json<UnreadCount>> {
        Ok(Json(service::unread(&state.db, auth.0.user_id).await?))
    }

    /// Mark notifications read
    ///
    /// Marks the notification `up_to` and every older one read (as the inbox does once it has
    /// shown them); answers how many are left unread. Marking again changes nothing.
    #[oai(
        path = "/me/notifications/read",
        method = "post",
        operation_id = "markMyNotificationsRead",
        tag = "ApiTags::Auth"
    )]
    async fn mark_read(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<MarkRead>,
    ) -> Result<Json<UnreadCount>> {
        Ok(Json(
            service::mark_read(&state, auth.0.user_id, body.0.up_to).await?,
        ))
    }

    /// The district's settings
    ///
    /// Public: the time zone in which the district reads dates (for display and for entering
    /// local times), as an IANA name.
    #[oai(
        path = "/district",
        method = "get",
        operation_id = "getDistrict",
        tag = "ApiTags::Admin"
    )]
    async fn district(&self, state: Data<&AppState>) -> Json<District> {
        Json(District {
            timezone: state.config.timezone.name().to_string(),
        })
    }

    /// List departments
    ///
    /// The departments of the district government, newest first. Public.
    #[oai(
        path = "/departments",
        method = "get",
        operation_id = "listDepartments",
        tag = "ApiTags::Admin"
    )]
    async fn list_departments(
        &self,
        state: Data<&AppState>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<Department>>> {
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(service::list_departments(&state, page).await?))
    }

    /// Create a department
    ///
    /// Admin only.
    #[oai(
        path = "/departments",
        method = "post",
        operation_id = "createDepartment",
        tag = "ApiTags::Admin"
    )]
    async fn create_department(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<NewDepartment>,
    ) -> Result<Created<Department>> {
        auth.0.require(Role::Admin)?;
        let department =
            service::create_department(&state, auth.0.actor(), &body.code, &body.name).await?;
        Ok(Created::Created(Json(department)))
    }

    /// List accounts
    ///
    /// Admin only. Logins are masked; `login` finds one account by its exact login.
    #[oai(
        path = "/users",
        method = "get",
        operation_id = "listUsers",
        tag = "ApiTags::Admin"
    )]
    async fn list_users(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        #[oai(validator(
            max_length = 254,
            pattern = r"^\s*(?:(?:\+86[ -]?)?1[3-9](?:[ -]?[0-9]){9}|[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s\x00-\x1f\x7f-\x9f.])\s*$"
        ))]
        login: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<UserSummary>>> {
        auth.0.require(Role::Admin)?;
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(
            service::list_users(&state, login.0.as_deref(), page).await?,
        ))
    }

    /// Grant a role
    ///
    /// Admin only. `staff` needs the department the person works for; granting again
    /// replaces the department.
    #[oai(
        path = "/users/:id/roles/:role",
        method = "put",
        operation_id = "grantRole",
        tag = "ApiTags::Admin"
    )]
    async fn grant_role(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        role: Path<Role>,
        body: JsonBody<RoleGrantRequest>,
    ) -> Result<Json<User>> {
        auth.0.require(Role::Admin)?;
        let user =
            service::grant_role(&state, auth.0.actor(), id.0, role.0, body.0.department_id).await?;
        Ok(Json(user))
    }

    /// Revoke a role
    ///
    /// Admin only. Revoking a role the person does not hold does nothing; the last admin
    /// cannot lose the admin role (`409 last_admin`).
    #[oai(
        path = "/users/:id/roles/:role",
        method = "delete",
        operation_id = "revokeRole",
        tag = "ApiTags::Admin"
    )]
    async fn revoke_role(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
        role: Path<Role>,
    ) -> Result<NoContent> {
        auth.0.require(Role::Admin)?;
        service::revoke_role(&state, auth.0.actor(), id.0, role.0).await?;
        Ok(NoContent::NoContent)
    }

    /// Issue a one-time password-reset code
    ///
    /// Admin only, at a service desk, once the person has proved who they are. The code is in
    /// this answer only; it works once, for an hour, and an earlier unused code stops working.
    /// Audited.
    #[oai(
        path = "/users/:id/password-reset-codes",
        method = "post",
        operation_id = "issuePasswordResetCode",
        tag = "ApiTags::Admin"
    )]
    async fn issue_reset_code(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<Created<ResetCodeIssued>> {
        auth.0.require(Role::Admin)?;
        let issued = profile::issue_reset_code(&state, &auth.0, id.0).await?;
        Ok(Created::Created(Json(issued)))
    }

    /// Create an API key
    ///
    /// Admin only. The key is in this answer only; store it in the app backend's secrets.
    #[oai(
        path = "/api-keys",
        method = "post",
        operation_id = "createApiKey",
        tag = "ApiTags::Admin"
    )]
    async fn create_api_key(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<NewApiKey>,
    ) -> Result<Created<ApiKeyCreated>> {
        auth.0.require(Role::Admin)?;
        let created =
            service::create_api_key(&state, auth.0.actor(), &body.name, &body.scopes).await?;
        Ok(Created::Created(Json(created)))
    }

    /// List API keys
    ///
    /// Admin only; newest first, without the keys themselves.
    #[oai(
        path = "/api-keys",
        method = "get",
        operation_id = "listApiKeys",
        tag = "ApiTags::Admin"
    )]
    async fn list_api_keys(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<ApiKeyInfo>>> {
        auth.0.require(Role::Admin)?;
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(service::list_api_keys(&state, page).await?))
    }

    /// Revoke an API key
    ///
    /// Admin only. The key stops working at once; revoking it again does nothing.
    #[oai(
        path = "/api-keys/:id",
        method = "delete",
        operation_id = "revokeApiKey",
        tag = "ApiTags::Admin"
    )]
    async fn revoke_api_key(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<NoContent> {
        auth.0.require(Role::Admin)?;
        service::revoke_api_key(&state, auth.0.actor(), id.0).await?;
        Ok(NoContent::NoContent)
    }

    /// Register a webhook
    ///
    /// Admin only. The answer holds the signing secret, this once. Each delivery is a JSON
    /// `POST` with `X-Canyu-Delivery` (unique id), `X-Canyu-Event`, `X-Canyu-Timestamp` and
    /// `X-Canyu-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">`; anything but a 2xx
    /// answer (a redirect included: none is followed) is retried with backoff. Addresses in
    /// loopback, private or link-local networks and addresses with credentials are refused
    /// (`422`), at registration and again at every delivery.
    #[oai(
        path = "/webhooks",
        method = "post",
        operation_id = "createWebhook",
        tag = "ApiTags::Admin"
    )]
    async fn create_webhook(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: JsonBody<NewWebhook>,
    ) -> Result<Created<Webhook>> {
        auth.0.require(Role::Admin)?;
        Ok(Created::Created(Json(
            webhooks::create(&state, auth.0.actor(), body.0).await?,
        )))
    }

    /// List webhooks
    ///
    /// Admin only; without their secrets.
    #[oai(
        path = "/webhooks",
        method = "get",
        operation_id = "listWebhooks",
        tag = "ApiTags::Admin"
    )]
    async fn list_webhooks(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<Json<Vec<Webhook>>> {
        auth.0.require(Role::Admin)?;
        Ok(Json(webhooks::list(&state).await?))
    }

    /// Deactivate a webhook
    ///
    /// Admin only. Nothing more is sent to it.
    #[oai(
        path = "/webhooks/:id",
        method = "delete",
        operation_id = "deactivateWebhook",
        tag = "ApiTags::Admin"
    )]
    async fn deactivate_webhook(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> Result<NoContent> {
        auth.0.require(Role::Admin)?;
        webhooks::deactivate(&state, auth.0.actor(), id.0).await?;
        Ok(NoContent::NoContent)
    }

    /// Read the audit log
    ///
    /// Every write by staff, admins and app backends, newest first. For admins, and for API
    /// keys with the `audit:read` scope.
    #[oai(
        path = "/audit-log",
        method = "get",
        operation_id = "listAuditLog",
        tag = "ApiTags::Admin"
    )]
    async fn audit_log(
        &self,
        state: Data<&AppState>,
        auth: PersonOrApp,
        /// Only entries about this kind of record, e.g. `user` or `department`.
        #[oai(validator(max_length = 64, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"))]
        entity_type: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] limit: Query<Option<u32>>,
        #[oai(validator(pattern = r"^[A-Za-z0-9_-]{21}[AQgw]$"))] cursor: Query<Option<String>>,
    ) -> Result<Json<Page<AuditEntry>>> {
        auth.require(Role::Admin, Scope::AuditRead)?;
        let page = PageRequest::new(limit.0, cursor.0.as_deref())?;
        Ok(Json(
            service::audit_log(&state, entity_type.0.as_deref(), page).await?,
        ))
    }
}

/// Problems each operation answers from its own rules (see `openapi::Problems`).
#[rustfmt::skip]
pub const PROBLEMS: &[Problems] = &[
    Problems::new("getDistrict", &[]),
    Problems::new("registerAccount", &[(409, &["idempotency_key_completed", "idempotency_key_in_progress", "login_taken"]), (422, &["validation_failed"]), (429, &["too_many_registrations"]), (503, &["busy"])]),
    Problems::new("logIn", &[(401, &["invalid_credentials"]), (429, &["too_many_attempts"]), (503, &["busy"])]),
    Problems::new("logOut", &[]),
    Problems::new("getMe", &[]),
    Problems::new("updateMe", &[(422, &["validation_failed"])]),
    Problems::new("changeMyPassword", &[(403, &["wrong_password"]), (422, &["validation_failed"]), (429, &["too_many_attempts"]), (503, &["busy"])]),
    Problems::new("resetPassword", &[(401, &["invalid_credentials"]), (422, &["validation_failed"]), (429, &["too_many_attempts"]), (503, &["busy"])]),
    Problems::new("issuePasswordResetCode", &[(403, &["forbidden"]), (404, &["not_found"]), (503, &["busy"])]),
    Problems::new("listMyNotifications", &[]),
    Problems::new("countMyUnreadNotifications", &[]),
    Problems::new("markMyNotificationsRead", &[(422, &["validation_failed"])]),
    Problems::new("listDepartments", &[]),
    Problems::new("createDepartment", &[(403, &["forbidden"]), (409, &["department_code_taken"]), (422, &["validation_failed"])]),
    Problems::new("listUsers", &[(403, &["forbidden"])]),
    Problems::new("grantRole", &[(403, &["forbidden"]), (404, &["not_found"]), (422, &["validation_failed"])]),
    Problems::new("revokeRole", &[(403, &["forbidden"]), (404, &["not_found"]), (409, &["last_admin"])]),
    Problems::new("createApiKey", &[(403, &["forbidden"]), (422, &["validation_failed"])]),
    Problems::new("listApiKeys", &[(403, &["forbidden"])]),
    Problems::new("revokeApiKey", &[(403, &["forbidden"]), (404, &["not_found"])]),
    Problems::new("createWebhook", &[(403, &["forbidden"]), (422, &["validation_failed"])]),
    Problems::new("listWebhooks", &[(403, &["forbidden"])]),
    Problems::new("deactivateWebhook", &[(403, &["forbidden"]), (404, &["not_found"])]),
    Problems::new("listAuditLog", &[(403, &["forbidden"])]),
];
