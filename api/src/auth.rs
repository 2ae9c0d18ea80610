//! Who is calling: people with bearer tokens, app backends with API keys. The security
//! schemes resolve the caller once; routes then state what they require with `require`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use poem::Request;
use poem_openapi::{
    auth::{ApiKey, Bearer},
    Enum, SecurityScheme,
};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    accounts::service,
    audit::Actor,
    error::{ApiError, Error, Result},
    state::AppState,
};

/// What a person may do. Everyone is a `resident`; the other roles are granted by an admin.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[oai(rename_all = "snake_case")]
pub enum Role {
    Resident,
    /// A verified public representative (NPC deputy, CPPCC member, …).
    Representative,
    /// Works for one department.
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Representative => "representative",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Resident,
            Self::Representative,
            Self::Staff,
            Self::Admin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// What an app backend's API key may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Read the audit log.
    #[oai(rename = "audit:read")]
    AuditRead,
}

impl Scope {
    pub const ALL: [Scope; 1] = [Scope::AuditRead];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuditRead => "audit:read",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == s)
    }
}

/// A logged-in person.
#[derive(Clone, Debug)]
pub struct Session {
    pub session_id: Uuid,
    pub user_id: Uuid,
    /// Always includes `resident`.
    pub roles: Vec<Role>,
    /// The department of a staff member.
    pub department_id: Option<Uuid>,
}

impl Session {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn require(&self, role: Role) -> Result<()> {
        if self.has(role) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "this needs the {} role",
                role.as_str()
            )))
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::User(self.user_id)
    }

    /// Admins, and staff of `department_id`.
    pub fn manages(&self, department_id: Uuid) -> bool {
        self.has(Role::Admin)
            || (self.has(Role::Staff) && self.department_id == Some(department_id))
    }

    pub fn require_manager_of(&self, department_id: Uuid) -> Result<()> {
        if self.manages(department_id) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "only staff of the responsible department (or an admin) may do this".into(),
            ))
        }
    }
}

/// An app backend calling with an API key.
#[derive(Clone, Debug)]
pub struct AppKey {
    pub key_id: Uuid,
    pub name: String,
    pub scopes: Vec<Scope>,
}

impl AppKey {
    pub fn require(&self, scope: Scope) -> Result<()> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "this API key lacks the {} scope",
                scope.as_str()
            )))
        }
    }
}

/// A person's session token, from `POST /auth/login`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_bearer")]
pub struct BearerAuth(pub Session);

/// An app backend's key, created by an admin.
#[derive(SecurityScheme)]
#[oai(
    ty = "api_key",
    key_name = "X-Api-Key",
    key_in = "header",
    checker = "check_api_key"
)]
pub struct ApiKeyAuth(pub AppKey);

/// Operations open to everyone that show more to a logged-in person. A missing or invalid
/// token reads as anonymous.
#[derive(SecurityScheme)]
pub enum MaybePerson {
    Person(BearerAuth),
    #[oai(fallback)]
    Anonymous,
}

impl MaybePerson {
    pub fn session(&self) -> Option<&Session> {
        match self {
            Self::Person(BearerAuth(session)) => Some(session),
            Self::Anonymous => None,
        }
    }
}

/// Operations open to people and to app backends.
#[derive(SecurityScheme)]
pub enum PersonOrApp {
    Person(BearerAuth),
    App(ApiKeyAuth),
}

impl PersonOrApp {
    /// A person with `role`, or an app backend with `scope`.
    pub fn require(&self, role: Role, scope: Scope) -> Result<Actor> {
        match self {
            Self::Person(BearerAuth(session)) => session.require(role).map(|_| session.actor()),
            Self::App(ApiKeyAuth(key)) => key.require(scope).map(|_| Actor::ApiKey(key.key_id)),
        }
    }
}

fn state(req: &Request) -> &AppState {
    req.data::<AppState>()
        .expect("AppState is attached to every request")
}

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Session> {
    service::session_for_token(state(req), &bearer.token)
        .await
        .map_err(|err| ApiError::from(err).into())
}

async fn check_api_key(req: &Request, key: ApiKey) -> poem::Result<AppKey> {
    service::app_key_for(state(req), &key.key)
        .await
        .map_err(|err| ApiError::from(err).into())
}

/// A new random secret (256 bits), URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Secrets are stored only as their SHA-256: they are random, so no salt or slow hash is needed.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}
