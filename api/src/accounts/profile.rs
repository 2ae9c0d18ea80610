//! What a person changes in their own account (PIPL Art. 46), and the way back in for one who
//! forgot their password: a one-time code an admin issues at a service desk once the person
//! has proved who they are there (no SMS or e-mail gateway is assumed).

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use entity::{password_reset_code, session, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    dto::{ResetCodeIssued, User},
    login,
    service::{me, with_login_limits},
};
use crate::{
    audit::{self, AuditEvent},
    auth::{Actor, Session},
    codes,
    error::{Error, Result},
    input, passwords,
    state::AppState,
};

/// How long a reset code works after it is issued: long enough to get home from the desk.
pub const RESET_CODE_VALID_FOR: Duration = Duration::hours(1);

pub async fn rename(state: &AppState, session: &Session, display_name: &str) -> Result<User> {
    let display_name = input::single_line("display_name", display_name)?;
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, display_name.into())
        .filter(user::Column::Id.eq(session.user_id))
        .exec(&state.db)
        .await?;
    me(state, session.user_id).await
}

/// Changes the caller's password once they have given the current one; every other session
/// of theirs ends (a stolen token stops working), this one goes on.
pub async fn change_password(
    state: &AppState,
    session: &Session,
    current: String,
    new: String,
    client: IpAddr,
) -> Result<()> {
    let account = live_account(&state.db, session.user_id).await?;
    passwords::check_strength("new_password", &new, &account.login)?;
    confirm_password(state, &account, current, client).await?;
    let hash = state.passwords.hash(new).await?;
    let txn = state.db.begin().await?;
    set_password(&txn, account.id, hash, Some(session.session_id)).await?;
    txn.commit().await?;
    Ok(())
}

/// Checks that the person at the keyboard knows the account's password (before a change
/// only its owner may make), under the login limits; `403 wrong_password` otherwise.
pub async fn confirm_password(
    state: &AppState,
    account: &user::Model,
    password: String,
    client: IpAddr,
) -> Result<()> {
    let stored = account.password_hash.clone();
    let matches = with_login_limits(state, &account.login, client, async {
        state.passwords.verify(password, Some(stored)).await
    })
    .await?;
    if !matches {
        return Err(Error::Refused {
            code: "wrong_password",
            detail: "the password is wrong".into(),
        });
    }
    Ok(())
}

/// Issues a one-time reset code for a person (admins only, audited); an earlier code of
/// theirs not yet used stops working. The code is in this answer only.
pub async fn issue_reset_code(
    state: &AppState,
    session: &Session,
    user_id: Uuid,
) -> Result<ResetCodeIssued> {
    let account = live_account(&state.db, user_id).await?;
    let code = codes::new_code();
    let code_hash = state.passwords.hash(code.clone()).await?;
    let now = state.clock.now();
    let expires_at = now + RESET_CODE_VALID_FOR;
    let txn = state.db.begin().await?;
    password_reset_code::Entity::delete_many()
        .filter(password_reset_code::Column::UserId.eq(account.id))
        .filter(password_reset_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    let issued = password_reset_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(account.id),
        code_hash: Set(code_hash),
        issued_by: Set(session.user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let event = AuditEvent {
        action: "account.reset_code",
        entity_type: "user",
        entity_id: account.id.to_string(),
        detail: json!({"code_id": issued.id, "expires_at": expires_at}),
    };
    audit::record(&txn, now, session.actor(), event).await?;
    txn.commit().await?;
    Ok(ResetCodeIssued {
        code,
        expires_at: expires_at.into(),
    })
}

/// Sets a new password with a reset code: once, before it expires, under the same limits
/// as a login. Every session of the person ends.
pub async fn reset_password(
    state: &AppState,
    raw_login: &str,
    typed_code: &str,
    new: String,
    client: IpAddr,
) -> Result<()> {
    let refused = || Error::Unauthorized {
        code: "invalid_credentials",
        detail: "the login or the code is wrong, already used or expired".into(),
    };
    let (Some(login), Some(code)) = (login::normalize(raw_login), codes::normalize(typed_code))
    else {
        return Err(refused());
    };
    passwords::check_strength("new_password", &new, &login)?;
    let now = state.clock.now();
    let account = user::Entity::find()
        .filter(user::Column::Login.eq(&login))
        .filter(user::Column::ErasedAt.is_null())
        .one(&state.db)
        .await?;
    let pending = match &account {
        Some(account) => pending_code(&state.db, account.id, now).await?,
        None => None,
    };
    let stored = pending.as_ref().map(|p| p.code_hash.clone());
    let matches = with_login_limits(state, &login, client, async {
        state.passwords.verify(code, stored).await
    })
    .await?;
    let (Some(account), Some(pending), true) = (account, pending, matches) else {
        return Err(refused());
    };
    let hash = state.passwords.hash(new).await?;
    let txn = state.db.begin().await?;
    // Claimed by a conditional update: of two uses at once, one wins.
    let claimed = password_reset_code::Entity::update_many()
        .col_expr(password_reset_code::Column::UsedAt, now.into())
        .filter(password_reset_code::Column::Id.eq(pending.id))
        .filter(password_reset_code::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(refused());
    }
    set_password(&txn, account.id, hash, None).await?;
    let event = AuditEvent {
        action: "account.password_reset",
        entity_type: "user",
        entity_id: account.id.to_string(),
        detail: json!({"code_id": pending.id}),
    };
    audit::record(&txn, now, Actor::User(account.id), event).await?;
    txn.commit().await?;
    Ok(())
}

/// The person's newest code not used and not expired.
async fn pending_code(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<password_reset_code::Model>> {
    Ok(password_reset_code::Entity::find()
        .filter(password_reset_code::Column::UserId.eq(user_id))
        .filter(password_reset_code::Column::UsedAt.is_null())
        .filter(password_reset_code::Column::ExpiresAt.gt(now))
        .order_by_desc(password_reset_code::Column::Id)
        .one(db)
        .await?)
}

/// Stores a new password hash and ends the person's sessions but `keep`.
async fn set_password(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    hash: String,
    keep: Option<Uuid>,
) -> Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, hash.into())
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    let mut ended = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        ended = ended.filter(session::Column::Id.ne(keep));
    }
    ended.exec(db).await?;
    Ok(())
}

/// An account not erased.
pub(crate) async fn live_account(db: &impl ConnectionTrait, user_id: Uuid) -> Result<user::Model> {
    user::Entity::find_by_id(user_id)
        .filter(user::Column::ErasedAt.is_null())
        .one(db)
        .await?
        .ok_or(Error::NotFound("user"))
}
