//! The audit log: every write by staff, an admin or an app backend, recorded in the same
//! transaction as the write itself.

use chrono::{DateTime, Utc};
use entity::audit_entry;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

use crate::auth::{Actor, Session};

pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    /// What changed; never personal data.
    pub detail: serde_json::Value,
}

pub async fn record(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    actor: Actor,
    event: AuditEvent<'_>,
) -> Result<(), DbErr> {
    let (actor_user_id, actor_api_key_id) = match actor {
        Actor::User(id) => (Some(id), None),
        Actor::ApiKey(id) => (None, Some(id)),
        Actor::System => (None, None),
    };
    audit_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(at),
        actor_user_id: Set(actor_user_id),
        actor_api_key_id: Set(actor_api_key_id),
        action: Set(event.action.to_string()),
        entity_type: Set(event.entity_type.to_string()),
        entity_id: Set(event.entity_id),
        detail: Set(event.detail),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Records a write by a logged-in person (staff or an admin) to `entity`: `(type, id)`.
pub async fn record_write(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
    session: &Session,
    action: &str,
    entity: (&str, Uuid),
    detail: serde_json::Value,
) -> Result<(), DbErr> {
    let (entity_type, id) = entity;
    let event = AuditEvent {
        action,
        entity_type,
        entity_id: id.to_string(),
        detail,
    };
    record(db, at, session.actor(), event).await
}
