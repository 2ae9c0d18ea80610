//! Everything that happens to a person is written to the outbox in the same transaction as
//! the change, then delivered by a background worker to the person's inbox and to the
//! webhooks that asked for it: a crash between the two loses nothing.

use chrono::{DateTime, Utc};
use entity::{notification, outbox_message};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::{enums::name, error::Result, notices::Notice, state::AppState, webhooks};

const BATCH: u64 = 100;

pub async fn enqueue(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    user_id: Uuid,
    notice: &Notice,
) -> Result<()> {
    outbox_message::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(name(notice.kind)),
        user_id: Set(Some(user_id)),
        payload: Set(serde_json::to_value(notice).map_err(anyhow::Error::from)?),
        created_at: Set(now),
        delivered_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Delivers what is waiting; returns how many messages were delivered.
pub async fn deliver_pending(state: &AppState) -> Result<u64> {
    let waiting = outbox_message::Entity::find()
        .filter(outbox_message::Column::DeliveredAt.is_null())
        .order_by_asc(outbox_message::Column::Id)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let mut delivered = 0;
    for message in waiting {
        let now = state.clock.now();
        let txn = state.db.begin().await?;
        // Claiming the message first makes each delivery happen once, however many workers run.
        let claimed = outbox_message::Entity::update_many()
            .col_expr(outbox_message::Column::DeliveredAt, now.into())
            .filter(outbox_message::Column::Id.eq(message.id))
            .filter(outbox_message::Column::DeliveredAt.is_null())
            .exec(&txn)
            .await?;
        if claimed.rows_affected == 1 {
            let notice: Notice =
                serde_json::from_value(message.payload).map_err(anyhow::Error::from)?;
            if let Some(user_id) = message.user_id {
                notification::ActiveModel {
                    id: Set(id_at(message.created_at)),
                    user_id: Set(user_id),
                    kind: Set(name(notice.kind)),
                    title: Set(notice.title.clone()),
                    body: Set(notice.body.clone()),
                    title_en: Set(notice.title_en.clone()),
                    body_en: Set(notice.body_en.clone()),
                    read_at: Set(None),
                    link: Set(notice.link.clone()),
                    created_at: Set(message.created_at),
                }
                .insert(&txn)
                .await?;
            }
            webhooks::enqueue(&txn, message.created_at, message.user_id, &notice).await?;
            delivered += 1;
        }
        txn.commit().await?;
    }
    Ok(delivered)
}

/// An id that sorts by when the notice happened, not when it was delivered: the inbox lists
/// newest first by id, and a message delivered late (a worker down, a backlog) still takes
/// its place in time.
fn id_at(at: DateTime<Utc>) -> Uuid {
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        at.timestamp().max(0) as u64,
        at.timestamp_subsec_nanos(),
    );
    Uuid::new_v7(ts)
}

/// Forgets what was told to people before `before` once it has gone out: delivered outbox
/// messages and the webhook deliveries made of them (delivered, or given up). They are
/// transport records that link a person to a title; the person's inbox keeps their own copy.
/// Returns how many rows went.
pub async fn forget_delivered(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64> {
    let messages = outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::DeliveredAt.is_not_null())
        .filter(outbox_message::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(messages.rows_affected + webhooks::forget_finished(db, before).await?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn notice_ids_sort_by_when_it_happened() {
        let earlier = Utc.with_ymd_and_hms(2021, 9, 6, 1, 30, 0).unwrap();
        let later = Utc.with_ymd_and_hms(2021, 10, 9, 1, 30, 0).unwrap();
        // Delivered in the opposite order, they still list newest first.
        let (late, early) = (id_at(later), id_at(earlier));
        assert!(early < late);
        assert!(id_at(earlier) != early, "unique however close in time");
    }
}
