//! Housekeeping: forgetting expired sessions and idempotency records (hourly, from `worker`).

use crate::{accounts::service, error::Result, idempotency, state::AppState};

/// What one sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub idempotency_records: u64,
}

pub async fn sweep(state: &AppState) -> Result<Swept> {
    let now = state.clock.now();
    Ok(Swept {
        sessions: service::forget_expired_sessions(&state.db, now).await?,
        idempotency_records: idempotency::forget_expired(&state.db, now).await?,
    })
}
