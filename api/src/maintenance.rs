//! Housekeeping (hourly, from `worker`): forgetting expired sessions and idempotency records,
//! erasing who signed up for events past the retention period, and forgetting delivered
//! notices past it.

use crate::{
    accounts::service, error::Result, events::signups, idempotency, outbox, state::AppState,
};

/// What one sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub idempotency_records: u64,
    /// Events whose signups' personal data was erased.
    pub erased_events: u64,
    /// Delivered outbox messages and finished webhook deliveries.
    pub delivered_notices: u64,
}

pub async fn sweep(state: &AppState) -> Result<Swept> {
    let now = state.clock.now();
    let retention =
        chrono::Duration::from_std(state.config.retention).map_err(anyhow::Error::from)?;
    Ok(Swept {
        sessions: service::forget_expired_sessions(&state.db, now).await?,
        idempotency_records: idempotency::forget_expired(&state.db, now).await?,
        erased_events: signups::erase_personal_data(state, retention).await?,
        delivered_notices: outbox::forget_delivered(&state.db, now - retention).await?,
    })
}
