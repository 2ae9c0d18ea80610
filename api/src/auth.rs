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

use entity::{api_key, role_grant, session};
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect};

use crate::{
    enums,
    error::{ApiError, Error, Result},
    state::AppState,
};

/// Who did something, for the audit log.
#[derive(Clone, Copy, Debug)]
pub enum Actor {
    User(Uuid),
    ApiKey(Uuid),
    /// The command line (`canyu admin create`, the demo loader).
    System,
}

impl Actor {
    /// The person behind the action, if it was a person.
    pub fn user_id(self) -> Option<Uuid> {
        match self {
            Self::User(id) => Some(id),
            _ => None,
        }
    }
}

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
    session_for_token(state(req), &bearer.token)
        .await
        .map_err(|err| ApiError::from(err).into())
}

async fn check_api_key(req: &Request, key: ApiKey) -> poem::Result<AppKey> {
    app_key_for(state(req), &key.key)
        .await
        .map_err(|err| ApiError::from(err).into())
}

/// Resolves a bearer token to its live session.
pub async fn session_for_token(state: &AppState, token: &str) -> Result<Session> {
    let unauthorized = || Error::Unauthorized {
        code: "unauthorized",
        detail: "the session is unknown or has expired; log in again".into(),
    };
    // The session with its person's grants, one row per grant, in one round trip: every
    // request with a token asks this first.
    let grant = |column| Expr::col((role_grant::Entity, column));
    let rows: Vec<(Uuid, Uuid, Option<String>, Option<Uuid>)> = session::Entity::find()
        .select_only()
        .columns([session::Column::Id, session::Column::UserId])
        .expr(grant(role_grant::Column::Role))
        .expr(grant(role_grant::Column::DepartmentId))
        .join(
            JoinType::LeftJoin,
            session::Entity::belongs_to(role_grant::Entity)
                .from(session::Column::UserId)
                .to(role_grant::Column::UserId)
                .into(),
        )
        .filter(session::Column::TokenHash.eq(hash_secret(token)))
        .filter(session::Column::ExpiresAt.gt(state.clock.now()))
        .into_tuple()
        .all(&state.db)
        .await?;
    let (session_id, user_id, _, _) = *rows.first().ok_or_else(unauthorized)?;
    Ok(Session {
        session_id,
        user_id,
        roles: roles_of(rows.iter().filter_map(|(_, _, role, _)| role.as_deref()))?,
        department_id: rows.iter().find_map(|(_, _, _, department)| *department),
    })
}

/// Resolves an `X-Api-Key` to its live key.
pub async fn app_key_for(state: &AppState, key: &str) -> Result<AppKey> {
    let found = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash_secret(key)))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(&state.db)
        .await?
        .ok_or_else(|| Error::Unauthorized {
            code: "invalid_api_key",
            detail: "the API key is unknown or revoked".into(),
        })?;
    Ok(AppKey {
        key_id: found.id,
        name: found.name.clone(),
        scopes: scopes_of(&found.scopes)?,
    })
}

/// Everyone's `resident` role and the roles granted (as stored).
pub fn roles_of<'a>(granted: impl IntoIterator<Item = &'a str>) -> Result<Vec<Role>> {
    let mut roles = vec![Role::Resident];
    for role in granted {
        roles.push(enums::parse(role)?);
    }
    roles.sort();
    roles.dedup();
    Ok(roles)
}

pub fn scopes_of(stored: &str) -> Result<Vec<Scope>> {
    stored.split_whitespace().map(enums::parse).collect()
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
