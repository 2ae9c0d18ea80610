//! Request and response objects of the accounts API.

use chrono::{DateTime, TimeZone, Utc};
use poem_openapi::{types::Example, Object};
use uuid::Uuid;

use crate::{
    auth::{Role, Scope},
    departments::Department,
    notices::NoticeKind,
    timestamp::Timestamp,
};

fn example_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 9, 1, 1, 30, 0).unwrap()
}

fn example_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0191_a2b3_c4d5_7e6f_8a9b_0000_0000_0000 + n)
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct RegisterRequest {
    /// A mainland mobile number (`13812345678`, `+86 138 1234 5678`) or an e-mail address.
    #[oai(validator(
        min_length = 1,
        max_length = 254,
        pattern = r"^\s*(?:(?:\+86[ -]?)?1[3-9](?:[ -]?[0-9]){9}|[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s\x00-\x1f\x7f-\x9f.])\s*$"
    ))]
    pub login: String,
    /// 8 to 128 characters.
    #[oai(validator(min_length = 8, max_length = 128), write_only)]
    pub password: String,
    /// The name shown on the platform; public views mask it (张三 → 张**).
    #[oai(validator(min_length = 1, max_length = 64))]
    pub display_name: String,
}

impl Example for RegisterRequest {
    fn example() -> Self {
        Self {
            login: "13812345678".into(),
            password: "correct horse battery".into(),
            display_name: "张三".into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct LoginRequest {
    #[oai(validator(
        min_length = 1,
        max_length = 254,
        pattern = r"^\s*(?:(?:\+86[ -]?)?1[3-9](?:[ -]?[0-9]){9}|[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f.][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s\x00-\x1f\x7f-\x9f.])\s*$"
    ))]
    pub login: String,
    #[oai(validator(min_length = 1, max_length = 128), write_only)]
    pub password: String,
}

impl Example for LoginRequest {
    fn example() -> Self {
        Self {
            login: "13812345678".into(),
            password: "correct horse battery".into(),
        }
    }
}

/// The logged-in person's own account.
/// Absent optional fields are omitted, never `null`.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct User {
    pub id: Uuid,
    /// The normalised login (shown only to its owner).
    pub login: String,
    pub display_name: String,
    /// Always includes `resident`.
    pub roles: Vec<Role>,
    /// The department of a staff member.
    pub department: Option<Department>,
    pub created_at: Timestamp,
}

impl Example for User {
    fn example() -> Self {
        Self {
            id: example_id(2),
            login: "13812345678".into(),
            display_name: "张三".into(),
            roles: vec![Role::Resident],
            department: None,
            created_at: example_time().into(),
        }
    }
}

/// An account as an admin sees it in a list: the login is masked.
/// Absent optional fields are omitted, never `null`.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct UserSummary {
    pub id: Uuid,
    /// e.g. `138****5678`.
    pub login_masked: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub department: Option<Department>,
    pub created_at: Timestamp,
}

impl Example for UserSummary {
    fn example() -> Self {
        Self {
            id: example_id(3),
            login_masked: "138****5678".into(),
            display_name: "李四".into(),
            roles: vec![Role::Resident, Role::Staff],
            department: Some(Department::example()),
            created_at: example_time().into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: Timestamp,
    pub user: User,
}

impl Example for LoginResponse {
    fn example() -> Self {
        Self {
            token: "q3x0cD2uQ1m3oQ9m6m3b8gk0Wc4nY2sT7uV5wX1yZ0a".into(),
            expires_at: example_time().into(),
            user: User::example(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewDepartment {
    /// Lower-case letters, digits and dashes, starting with a letter.
    #[oai(validator(pattern = "^[a-z][a-z0-9-]{1,31}$"))]
    pub code: String,
    #[oai(validator(min_length = 1, max_length = 64))]
    pub name: String,
}

impl Example for NewDepartment {
    fn example() -> Self {
        Self {
            code: "mzj".into(),
            name: "区民政局".into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct RoleGrantRequest {
    /// Required for `staff` (the department they work for); not allowed for other roles.
    pub department_id: Option<Uuid>,
}

impl Example for RoleGrantRequest {
    fn example() -> Self {
        Self {
            department_id: Some(example_id(1)),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewApiKey {
    /// What the key is for, e.g. the app backend's name.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub name: String,
    #[oai(validator(min_items = 1, max_items = 16))]
    pub scopes: Vec<Scope>,
}

impl Example for NewApiKey {
    fn example() -> Self {
        Self {
            name: "杨浦区 app backend".into(),
            scopes: vec![Scope::AuditRead],
        }
    }
}

/// Absent optional fields are omitted, never `null`.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct ApiKeyInfo {
    pub id: Uuid,
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl Example for ApiKeyInfo {
    fn example() -> Self {
        Self {
            id: example_id(4),
            name: "杨浦区 app backend".into(),
            prefix: "cyk_Zm9vYmFy".into(),
            scopes: vec![Scope::AuditRead],
            created_at: example_time().into(),
            revoked_at: None,
        }
    }
}

/// A new API key. `key` is shown this once; only its hash is kept.
#[derive(Object, Debug)]
#[oai(example)]
pub struct ApiKeyCreated {
    /// Send as `X-Api-Key`.
    pub key: String,
    #[oai(flatten)]
    pub info: ApiKeyInfo,
}

impl Example for ApiKeyCreated {
    fn example() -> Self {
        Self {
            key: "cyk_Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5".into(),
            info: ApiKeyInfo::example(),
        }
    }
}

/// Absent optional fields are omitted, never `null`.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: Timestamp,
    /// The person who did it, if a person did.
    pub actor_user_id: Option<Uuid>,
    /// The app backend that did it, if one did.
    pub actor_api_key_id: Option<Uuid>,
    /// e.g. `role.grant`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub detail: serde_json::Value,
}

impl Example for AuditEntry {
    fn example() -> Self {
        Self {
            id: example_id(5),
            at: example_time().into(),
            actor_user_id: Some(example_id(2)),
            actor_api_key_id: None,
            action: "role.grant".into(),
            entity_type: "user".into(),
            entity_id: example_id(3).to_string(),
            detail: serde_json::json!({"role": "staff", "department_id": example_id(1)}),
        }
    }
}

impl From<entity::audit_entry::Model> for AuditEntry {
    fn from(e: entity::audit_entry::Model) -> Self {
        Self {
            id: e.id,
            at: e.at.into(),
            actor_user_id: e.actor_user_id,
            actor_api_key_id: e.actor_api_key_id,
            action: e.action,
            entity_type: e.entity_type,
            entity_id: e.entity_id,
            detail: e.detail,
        }
    }
}

/// A message in the caller's inbox: a comment's outcome, a waitlist offer, ….
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Notification {
    pub id: Uuid,
    pub kind: NoticeKind,
    /// In the language `Accept-Language` prefers (English or Chinese), which `lang` names.
    pub title: String,
    pub body: String,
    /// `zh-CN` or `en`: the language of `title` and `body`.
    pub lang: String,
    /// Where in the portal it leads, e.g. `#/decisions/<id>/feedback`.
    pub link: Option<String>,
    /// Whether its owner has marked it read (`POST /me/notifications/read`).
    pub read: bool,
    pub created_at: Timestamp,
}

impl Example for Notification {
    fn example() -> Self {
        Self {
            id: example_id(6),
            kind: NoticeKind::CommentOutcome,
            title: "《杨浦区城区管理精细化“十四五”规划》意见采纳情况已公布".into(),
            body: "您的意见（编号 YP-2021-7K3M9Q）：部分采纳。".into(),
            lang: "zh-CN".into(),
            link: Some(format!("#/decisions/{}/feedback", example_id(7))),
            read: false,
            created_at: example_time().into(),
        }
    }
}

/// How many of the caller's notifications are unread.
#[derive(Object, Debug)]
#[oai(example)]
pub struct UnreadCount {
    pub unread: u64,
}

impl Example for UnreadCount {
    fn example() -> Self {
        Self { unread: 2 }
    }
}

/// Marks the caller's notifications read up to one they have seen.
#[derive(Object, Debug)]
#[oai(example)]
pub struct MarkRead {
    /// The newest notification seen: it and every older one are marked read.
    pub up_to: Uuid,
}

impl Example for MarkRead {
    fn example() -> Self {
        Self {
            up_to: example_id(6),
        }
    }
}

/// How the district reads dates.
#[derive(Object, Debug)]
#[oai(example)]
pub struct District {
    /// IANA time zone, e.g. `Asia/Shanghai`.
    pub timezone: String,
}

impl Example for District {
    fn example() -> Self {
        Self {
            timezone: "Asia/Shanghai".into(),
        }
    }
}

/// What the caller changes in their own account.
#[derive(Object, Debug)]
#[oai(example)]
pub struct ProfileChange {
    /// The name shown on the platform; public views mask it (张三 → 张**).
    #[oai(validator(min_length = 1, max_length = 64))]
    pub display_name: String,
}

impl Example for ProfileChange {
    fn example() -> Self {
        Self {
            display_name: "张小三".into(),
        }
    }
}

/// A new password for the caller, given with the current one.
#[derive(Object, Debug)]
#[oai(example)]
pub struct PasswordChange {
    #[oai(validator(min_length = 1, max_length = 128), write_only)]
    pub current_password: String,
    /// 8 to 128 characters, not one anyone would guess.
    #[oai(validator(min_length = 8, max_length = 128), write_only)]
    pub new_password: String,
}

impl Example for PasswordChange {
    fn example() -> Self {
        Self {
            current_password: "correct horse battery".into(),
            new_password: "staple gun lighthouse".into(),
        }
    }
}

/// A one-time password-reset code, to hand to the person at the service desk. It is in this
/// answer only.
#[derive(Object, Debug)]
#[oai(example)]
pub struct ResetCodeIssued {
    /// Eight characters without look-alikes, e.g. `7KQM-3XPA`; typed in any case.
    pub code: String,
    pub expires_at: Timestamp,
}

impl Example for ResetCodeIssued {
    fn example() -> Self {
        Self {
            code: "7KQM-3XPA".into(),
            expires_at: example_time().into(),
        }
    }
}

/// A new password set with a reset code from the service desk.
#[derive(Object, Debug)]
#[oai(example)]
pub struct PasswordReset {
    #[oai(validator(min_length = 1, max_length = 254))]
    pub login: String,
    /// The code as given, e.g. `7KQM-3XPA` (case, spaces and dashes do not matter).
    #[oai(validator(min_length = 1, max_length = 32), write_only)]
    pub code: String,
    /// 8 to 128 characters, not one anyone would guess.
    #[oai(validator(min_length = 8, max_length = 128), write_only)]
    pub new_password: String,
}

impl Example for PasswordReset {
    fn example() -> Self {
        Self {
            login: "13812345678".into(),
            code: "7KQM-3XPA".into(),
            new_password: "staple gun lighthouse".into(),
        }
    }
}
