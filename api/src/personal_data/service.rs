//! A copy of a person's data, and its erasure.

use std::net::IpAddr;

use entity::{notification, outbox_message, password_reset_code, role_grant, session, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use super::dto::{Erasure, MyData};
use crate::{
    accounts::{
        profile::{confirm_password, live_account},
        service as accounts,
    },
    audit::{self, AuditEvent},
    auth::{Role, Session},
    db,
    decisions::comments,
    error::{Error, Result},
    events::signups,
    meetings::service as meetings,
    notices::Language,
    pagination::PageRequest,
    state::AppState,
};

/// What the erased account's row keeps in place of a name.
const ERASED_NAME: &str = "已注销用户";

pub async fn export(state: &AppState, session: &Session) -> Result<MyData> {
    let user_id = session.user_id;
    let meetings = meetings::records_of(&state.db, user_id).await?;
    Ok(MyData {
        exported_at: state.clock.now().into(),
        account: accounts::me(state, user_id).await?,
        notifications: PageRequest::all(|page| {
            accounts::notifications(state, user_id, Language::Chinese, page)
        })
        .await?,
        comments: PageRequest::all(|page| comments::mine(state, session, page)).await?,
        signups: PageRequest::all(|page| signups::mine(state, session, page)).await?,
        representative_profiles: meetings.profiles,
        meeting_applications: meetings.applications,
        meeting_opinions: meetings.opinions,
    })
}

/// Deletes the caller's account once they have given their password: their personal data
/// is erased, what they contributed to the public record stays without them, in one
/// transaction. Staff and admins are refused: their accounts are the department's, and an
/// admin revokes the roles first.
pub async fn erase(
    state: &AppState,
    session: &Session,
    password: String,
    client: IpAddr,
) -> Result<Erasure> {
    if session.has(Role::Staff) || session.has(Role::Admin) {
        return Err(Error::conflict(
            "staff_account",
            "a staff or admin account is the department's: ask an admin to revoke its roles first",
        ));
    }
    let account = live_account(&state.db, session.user_id).await?;
    confirm_password(state, &account, password, client).await?;
    let now = state.clock.now();
    let user_id = account.id;
    let txn = state.db.begin().await?;
    let locked = db::find_locked::<user::Entity>(&txn, user_id, "user").await?;
    if locked.erased_at.is_some() {
        return Err(Error::NotFound("user"));
    }
    let (signups_cancelled, signups_anonymised) =
        signups::forget_person_in(state, &txn, user_id, now).await?;
    let comments_anonymised = comments::forget_author_in(&txn, user_id).await?;
    meetings::forget_person_in(&txn, session, now).await?;
    notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    password_reset_code::Entity::delete_many()
        .filter(password_reset_code::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    role_grant::Entity::delete_many()
        .filter(role_grant::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    // The row stays, emptied, so that what the person wrote keeps its place.
    user::Entity::update_many()
        .col_expr(user::Column::Login, format!("erased:{user_id}").into())
        .col_expr(user::Column::DisplayName, ERASED_NAME.into())
        .col_expr(user::Column::PasswordHash, "!".into())
        .col_expr(user::Column::ErasedAt, Some(now).into())
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    let erasure = Erasure {
        comments_anonymised,
        signups_cancelled,
        signups_anonymised,
    };
    let event = AuditEvent {
        action: "account.erase",
        entity_type: "user",
        entity_id: user_id.to_string(),
        detail: json!({
            "comments_anonymised": comments_anonymised,
            "signups_cancelled": signups_cancelled,
            "signups_anonymised": signups_anonymised,
        }),
    };
    audit::record(&txn, now, session.actor(), event).await?;
    txn.commit().await?;
    Ok(erasure)
}
