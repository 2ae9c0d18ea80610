//! Background work of each instance: what no request does. Every job is safe to run on
//! several instances at once (each claims its rows with a conditional update).

use std::{future::Future, time::Duration};

use tokio::task::JoinHandle;

use crate::{
    error::Result, events::signups, maintenance, outbox, public_reads, state::AppState, surveys,
    webhooks,
};

/// Starts every job; abort the handles to stop them.
pub fn spawn(state: &AppState) -> Vec<JoinHandle<()>> {
    vec![
        every(
            Duration::from_secs(1),
            "outbox delivery",
            state.clone(),
            |s| async move { outbox::deliver_pending(&s).await },
        ),
        every(
            public_reads::FOLLOW_EVERY,
            "public reads epoch",
            state.clone(),
            |s| async move {
                s.public_reads.follow().await;
                Ok(())
            },
        ),
        every(
            Duration::from_secs(5),
            "webhook delivery",
            state.clone(),
            |s| async move { webhooks::deliver_due(&s).await },
        ),
        every(
            Duration::from_secs(15),
            "waitlist offer expiry",
            state.clone(),
            |s| async move { signups::expire_offers(&s).await },
        ),
        every(
            Duration::from_secs(60),
            "survey invitations",
            state.clone(),
            |s| async move { surveys::service::invite_attendees(&s).await },
        ),
        every(
            state.config.survey_reconcile_every,
            "survey count reconciliation",
            state.clone(),
            |s| async move { surveys::service::reconcile(&s, |_, _| {}).await },
        ),
        every(
            Duration::from_secs(60 * 60),
            "housekeeping",
            state.clone(),
            |s| async move { maintenance::sweep(&s).await },
        ),
        after_redis_returns(state.clone()),
    ]
}

/// Once Redis answers again after a rest, the survey counts it missed meanwhile are brought
/// into it at once rather than at the next periodic pass, so its figures are exact again.
fn after_redis_returns(state: AppState) -> JoinHandle<()> {
    let mut returns = state.cache.returns();
    tokio::spawn(async move {
        while returns.changed().await.is_ok() {
            let job = "survey count reconciliation after Redis returned";
            log(job, surveys::service::reconcile(&state, |_, _| {}).await);
        }
    })
}

fn every<F, Fut, T>(period: Duration, job: &'static str, state: AppState, run: F) -> JoinHandle<()>
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = Result<T>> + Send,
    T: std::fmt::Debug,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            log(job, run(state.clone()).await);
        }
    })
}

fn log<T: std::fmt::Debug>(job: &'static str, outcome: Result<T>) {
    match outcome {
        Ok(done) => tracing::debug!(job, ?done, "background job ran"),
        Err(err) => tracing::warn!(job, error = %err, "background job failed; will retry"),
    }
}
