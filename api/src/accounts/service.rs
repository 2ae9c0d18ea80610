//! The rules of accounts: who may register, log in, hold which role, and use which key.

use std::{collections::HashMap, net::IpAddr};

use entity::{api_key, audit_entry, department, notification, role_grant, session, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{
        ApiKeyCreated, ApiKeyInfo, AuditEntry, LoginResponse, Notification, UnreadCount, User,
        UserSummary,
    },
    login, throttle,
};
use crate::{
    audit::{self, AuditEvent},
    auth::{hash_secret, new_secret, roles_of, scopes_of, Actor, Role, Scope, Session},
    departments::{Department, Directory},
    enums::parse,
    error::{Error, FieldCode, FieldError, Result, UniqueIndex},
    idempotency, input,
    notices::Language,
    pagination::{Page, PageRequest},
    passwords,
    state::AppState,
};

const LOGIN_TAKEN: UniqueIndex = UniqueIndex {
    name: "ux_users_login",
    sqlite_columns: "users.login",
    code: "login_taken",
    detail: "an account with this login already exists; log in instead",
};
const DEPARTMENT_CODE_TAKEN: UniqueIndex = UniqueIndex {
    name: "ux_departments_code",
    sqlite_columns: "departments.code",
    code: "department_code_taken",
    detail: "a department with this code already exists",
};

pub struct Registration {
    pub login: String,
    pub password: String,
    pub display_name: String,
}

pub async fn register(state: &AppState, form: Registration) -> Result<User> {
    let account = new_account(state, form).await?;
    let txn = state.db.begin().await?;
    let user = insert_account(&txn, account).await?;
    idempotency::record_in(&txn, user.created_at).await?;
    txn.commit().await?;
    user_view(user, vec![], &Directory::default())
}

/// Checks a registration and hashes its password; nothing is written yet.
async fn new_account(state: &AppState, form: Registration) -> Result<user::ActiveModel> {
    let login = login::normalize(&form.login).ok_or_else(|| {
        FieldError::new(
            "login",
            FieldCode::InvalidFormat,
            "use a mainland mobile number (11 digits) or an e-mail address",
        )
    });
    let display_name = input::single_line("display_name", &form.display_name);
    let strength = passwords::check_strength(
        "password",
        &form.password,
        login.as_deref().unwrap_or(&form.login),
    );
    let (login, display_name) = match (login, display_name, strength) {
        (Ok(login), Ok(name), Ok(())) => (login, name),
        (login, name, strength) => {
            return Err(Error::Invalid(
                [login.err(), name.err(), strength.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            ))
        }
    };
    Ok(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        login: Set(login),
        display_name: Set(display_name),
        password_hash: Set(state.passwords.hash(form.password).await?),
        created_at: Set(state.clock.now()),
        erased_at: Set(None),
    })
}

async fn insert_account(
    db: &impl ConnectionTrait,
    account: user::ActiveModel,
) -> Result<user::Model> {
    account
        .insert(db)
        .await
        .map_err(|err| LOGIN_TAKEN.conflict(err))
}

pub async fn login(
    state: &AppState,
    raw_login: &str,
    password: String,
    client: IpAddr,
) -> Result<LoginResponse> {
    let bad_credentials = || Error::Unauthorized {
        code: "invalid_credentials",
        detail: "the login or the password is wrong".into(),
    };
    let Some(login) = login::normalize(raw_login) else {
        return Err(bad_credentials());
    };
    let account = user::Entity::find()
        .filter(user::Column::Login.eq(&login))
        .filter(user::Column::ErasedAt.is_null())
        .one(&state.db)
        .await?;
    let stored = account.as_ref().map(|u| u.password_hash.clone());
    let matches = with_login_limits(state, &login, client, async {
        state.passwords.verify(password, stored).await
    })
    .await?;
    let account = match account {
        Some(account) if matches => account,
        _ => return Err(bad_credentials()),
    };

    let token = new_secret();
    let now = state.clock.now();
    let ttl = chrono::Duration::from_std(state.config.session_ttl).map_err(anyhow::Error::from)?;
    let expires_at = now + ttl;
    session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(account.id),
        token_hash: Set(hash_secret(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(&state.db)
    .await?;
    let user = me(state, account.id).await?;
    Ok(LoginResponse {
        token,
        expires_at: expires_at.into(),
        user,
    })
}

/// Checks a secret given for `login` from `client` (`check` answers whether it matched) under
/// the limits on guessing: the address's failures, and the attempts at this login from it,
/// counted before the check so that parallel guesses count too and forgotten after a success.
pub(super) async fn with_login_limits(
    state: &AppState,
    login: &str,
    client: IpAddr,
    check: impl std::future::Future<Output = Result<bool>>,
) -> Result<bool> {
    let (address, attempt) = (throttle::from(client), throttle::login_from(login, client));
    throttle::LOGIN_FAILURES
        .check(&state.cache, &address)
        .await?;
    throttle::LOGIN_ATTEMPTS
        .count(&state.cache, &attempt)
        .await?;
    let matches = check.await?;
    if matches {
        throttle::LOGIN_ATTEMPTS.reset(&state.cache, &attempt).await;
    } else {
        // Past its limit the address is refused from its next attempt on.
        let _ = throttle::LOGIN_FAILURES.count(&state.cache, &address).await;
    }
    Ok(matches)
}

pub async fn logout(state: &AppState, session: &Session) -> Result<()> {
    session::Entity::delete_by_id(session.session_id)
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Deletes sessions that have expired; returns how many.
pub async fn forget_expired_sessions(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

pub async fn me(state: &AppState, user_id: Uuid) -> Result<User> {
    let account = user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
        .ok_or(Error::NotFound("user"))?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::UserId.eq(user_id))
        .all(&state.db)
        .await?;
    let departments = Directory::load(&state.db).await?;
    user_view(account, grants, &departments)
}

pub async fn list_users(
    state: &AppState,
    login_filter: Option<&str>,
    page: PageRequest,
) -> Result<Page<UserSummary>> {
    let mut select = user::Entity::find().filter(user::Column::ErasedAt.is_null());
    if let Some(raw) = login_filter {
        // Exact match only: an admin looks a person up, never browses logins.
        let login = login::normalize(raw).ok_or_else(|| {
            Error::malformed(
                "login",
                FieldCode::InvalidFormat,
                "not a mobile number or an e-mail address",
            )
        })?;
        select = select.filter(user::Column::Login.eq(login));
    }
    let users = page.apply(select, user::Column::Id).all(&state.db).await?;
    let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
    let mut grants: HashMap<Uuid, Vec<role_grant::Model>> = HashMap::new();
    for grant in role_grant::Entity::find()
        .filter(role_grant::Column::UserId.is_in(ids))
        .all(&state.db)
        .await?
    {
        grants.entry(grant.user_id).or_default().push(grant);
    }
    let departments = Directory::load(&state.db).await?;
    page.page(
        users,
        |u| u.id,
        |u| {
            let user_grants = grants.remove(&u.id).unwrap_or_default();
            user_view(u, user_grants, &departments).map(summary)
        },
    )
}

fn summary(user: User) -> UserSummary {
    UserSummary {
        id: user.id,
        login_masked: login::mask(&user.login),
        display_name: user.display_name,
        roles: user.roles,
        department: user.department,
        created_at: user.created_at,
    }
}

fn user_view(
    account: user::Model,
    grants: Vec<role_grant::Model>,
    departments: &Directory,
) -> Result<User> {
    let department = grants
        .iter()
        .find_map(|g| g.department_id)
        .map(|id| departments.get(id));
    Ok(User {
        id: account.id,
        login: account.login,
        display_name: account.display_name,
        roles: roles_of(grants.iter().map(|g| g.role.as_str()))?,
        department,
        created_at: account.created_at.into(),
    })
}

pub async fn list_departments(state: &AppState, page: PageRequest) -> Result<Page<Department>> {
    let rows = page
        .apply(department::Entity::find(), department::Column::Id)
        .all(&state.db)
        .await?;
    page.page(rows, |d| d.id, |d| Ok(d.into()))
}

pub async fn create_department(
    state: &AppState,
    actor: Actor,
    code: &str,
    name: &str,
) -> Result<Department> {
    let name = input::single_line("name", name)?;
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let created = department::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code.to_string()),
        name: Set(name),
        created_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|err| DEPARTMENT_CODE_TAKEN.conflict(err))?;
    let event = AuditEvent {
        action: "department.create",
        entity_type: "department",
        entity_id: created.id.to_string(),
        detail: json!({"code": created.code, "name": created.name}),
    };
    audit::record(&txn, now, actor, event).await?;
    txn.commit().await?;
    Ok(created.into())
}

pub async fn grant_role(
    state: &AppState,
    actor: Actor,
    user_id: Uuid,
    role: Role,
    department_id: Option<Uuid>,
) -> Result<User> {
    match (role, department_id) {
        (Role::Resident, _) => {
            return Err(Error::invalid(
                "role",
                FieldCode::Invalid,
                "every account is a resident; nothing to grant",
            ))
        }
        (Role::Staff, None) => {
            return Err(Error::invalid(
                "department_id",
                FieldCode::Required,
                "staff must belong to a department",
            ))
        }
        (Role::Representative | Role::Admin, Some(_)) => {
            return Err(Error::invalid(
                "department_id",
                FieldCode::Invalid,
                "only staff belong to a department",
            ))
        }
        _ => {}
    }
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("user"))?;
    if let Some(id) = department_id {
        department::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| {
                Error::invalid("department_id", FieldCode::NotFound, "no such department")
            })?;
    }
    insert_grant(&txn, actor, now, user_id, role, department_id).await?;
    txn.commit().await?;
    me(state, user_id).await
}

pub async fn revoke_role(state: &AppState, actor: Actor, user_id: Uuid, role: Role) -> Result<()> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("user"))?;
    if role == Role::Admin {
        // Locked, so two admins revoking each other at once cannot leave none.
        let admins = role_grant::Entity::find()
            .filter(role_grant::Column::Role.eq(Role::Admin.as_str()))
            .lock_exclusive()
            .all(&txn)
            .await?;
        let is_admin = admins.iter().any(|grant| grant.user_id == user_id);
        if is_admin && admins.len() <= 1 {
            return Err(Error::conflict(
                "last_admin",
                "this is the last admin; grant the role to someone else first",
            ));
        }
    }
    let deleted = role_grant::Entity::delete_by_id((user_id, role.as_str().to_string()))
        .exec(&txn)
        .await?;
    if deleted.rows_affected > 0 {
        let event = AuditEvent {
            action: "role.revoke",
            entity_type: "user",
            entity_id: user_id.to_string(),
            detail: json!({"role": role.as_str()}),
        };
        audit::record(&txn, now, actor, event).await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn create_api_key(
    state: &AppState,
    actor: Actor,
    name: &str,
    scopes: &[Scope],
) -> Result<ApiKeyCreated> {
    let name = input::single_line("name", name)?;
    let key = format!("cyk_{}", new_secret());
    let mut scope_names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    scope_names.sort();
    scope_names.dedup();
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let created = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        prefix: Set(key[..12].to_string()),
        key_hash: Set(hash_secret(&key)),
        scopes: Set(scope_names.join(" ")),
        created_by: Set(actor.user_id()),
        created_at: Set(now),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let event = AuditEvent {
        action: "api_key.create",
        entity_type: "api_key",
        entity_id: created.id.to_string(),
        detail: json!({"name": created.name, "scopes": scope_names}),
    };
    audit::record(&txn, now, actor, event).await?;
    txn.commit().await?;
    Ok(ApiKeyCreated {
        key,
        info: api_key_info(created)?,
    })
}

fn api_key_info(key: api_key::Model) -> Result<ApiKeyInfo> {
    Ok(ApiKeyInfo {
        id: key.id,
        scopes: scopes_of(&key.scopes)?,
        name: key.name,
        prefix: key.prefix,
        created_at: key.created_at.into(),
        revoked_at: key.revoked_at.map(Into::into),
    })
}

pub async fn list_api_keys(state: &AppState, page: PageRequest) -> Result<Page<ApiKeyInfo>> {
    let rows = page
        .apply(api_key::Entity::find(), api_key::Column::Id)
        .all(&state.db)
        .await?;
    page.page(rows, |k| k.id, api_key_info)
}

pub async fn revoke_api_key(state: &AppState, actor: Actor, key_id: Uuid) -> Result<()> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let key = api_key::Entity::find_by_id(key_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("API key"))?;
    if key.revoked_at.is_none() {
        let mut active: api_key::ActiveModel = key.into();
        active.revoked_at = Set(Some(now));
        active.update(&txn).await?;
        let event = AuditEvent {
            action: "api_key.revoke",
            entity_type: "api_key",
            entity_id: key_id.to_string(),
            detail: json!({}),
        };
        audit::record(&txn, now, actor, event).await?;
    }
    txn.commit().await?;
    Ok(())
}

pub async fn audit_log(
    state: &AppState,
    entity_type: Option<&str>,
    page: PageRequest,
) -> Result<Page<AuditEntry>> {
    let mut select = audit_entry::Entity::find();
    if let Some(entity_type) = input::query_text("entity_type", entity_type)? {
        select = select.filter(audit_entry::Column::EntityType.eq(entity_type));
    }
    let rows = page
        .apply(select, audit_entry::Column::Id)
        .all(&state.db)
        .await?;
    page.page(rows, |e| e.id, |e| Ok(e.into()))
}

/// Replaces the user's grant of `role` and records it.
pub(crate) async fn insert_grant(
    txn: &impl ConnectionTrait,
    actor: Actor,
    now: chrono::DateTime<chrono::Utc>,
    user_id: Uuid,
    role: Role,
    department_id: Option<Uuid>,
) -> Result<()> {
    role_grant::Entity::delete_by_id((user_id, role.as_str().to_string()))
        .exec(txn)
        .await?;
    role_grant::ActiveModel {
        user_id: Set(user_id),
        role: Set(role.as_str().to_string()),
        department_id: Set(department_id),
        granted_by: Set(actor.user_id()),
        granted_at: Set(now),
    }
    .insert(txn)
    .await?;
    let event = AuditEvent {
        action: "role.grant",
        entity_type: "user",
        entity_id: user_id.to_string(),
        detail: json!({"role": role.as_str(), "department_id": department_id}),
    };
    audit::record(txn, now, actor, event).await?;
    Ok(())
}

/// Creates an account with the admin role: the bootstrap of a new installation.
pub async fn create_admin(state: &AppState, form: Registration) -> Result<User> {
    let now = state.clock.now();
    let account = new_account(state, form).await?;
    let txn = state.db.begin().await?;
    let user = insert_account(&txn, account).await?;
    insert_grant(&txn, Actor::System, now, user.id, Role::Admin, None).await?;
    txn.commit().await?;
    me(state, user.id).await
}

/// The caller's inbox, newest first, in `language` where the notice was written in it.
pub async fn notifications(
    state: &AppState,
    user_id: Uuid,
    language: Language,
    page: PageRequest,
) -> Result<Page<Notification>> {
    let select = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    let rows = page
        .apply(select, notification::Column::Id)
        .all(&state.db)
        .await?;
    page.page(rows, |n| n.id, |n| notification(n, language))
}

fn notification(n: entity::notification::Model, language: Language) -> Result<Notification> {
    let english = language == Language::English && !n.title_en.is_empty();
    let (title, body, lang) = if english {
        (n.title_en, n.body_en, Language::English)
    } else {
        (n.title, n.body, Language::Chinese)
    };
    Ok(Notification {
        id: n.id,
        kind: parse(&n.kind)?,
        title,
        body,
        lang: lang.tag().into(),
        link: n.link,
        read: n.read_at.is_some(),
        created_at: n.created_at.into(),
    })
}

/// How many of the person's notifications are unread.
pub async fn unread(db: &impl ConnectionTrait, user_id: Uuid) -> Result<UnreadCount> {
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    Ok(UnreadCount { unread })
}

/// Marks the person's notifications read up to `up_to` (ids grow with time), once: a
/// notification keeps the time it was first read.
pub async fn mark_read(state: &AppState, user_id: Uuid, up_to: Uuid) -> Result<UnreadCount> {
    notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, state.clock.now().into())
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::Id.lte(up_to))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&state.db)
        .await?;
    unread(&state.db, user_id).await
}
