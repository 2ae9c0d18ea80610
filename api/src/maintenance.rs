//! Housekeeping that no request does: forgetting expired sessions and idempotency records.

use std::time::Duration;

use crate::{accounts::service, error::Result, idempotency, state::AppState};

const EVERY: Duration = Duration::from_secs(60 * 60);

/// What one sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub idempotency_records: u64,
}

/// Sweeps now and then every hour, for as long as the server runs.
pub async fn run(state: AppState) {
    let mut ticks = tokio::time::interval(EVERY);
    loop {
        ticks.tick().await;
        match sweep(&state).await {
            Ok(swept) => tracing::debug!(?swept, "housekeeping done"),
            Err(err) => tracing::warn!(error = %err, "housekeeping failed; will retry"),
        }
    }
}

pub async fn sweep(state: &AppState) -> Result<Swept> {
    let now = state.clock.now();
    Ok(Swept {
        sessions: service::forget_expired_sessions(&state.db, now).await?,
        idempotency_records: idempotency::forget_expired(&state.db, now).await?,
    })
}
