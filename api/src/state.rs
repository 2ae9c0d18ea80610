use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{
    cache::Cache, clock::Clock, config::Config, passwords::Passwords, public_reads::PublicReads,
    telemetry::Metrics,
};

/// What every request handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub cache: Cache,
    pub clock: Clock,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    /// Bounds password hashing, which anyone can ask for.
    pub passwords: Arc<Passwords>,
    /// Anonymous answers kept for the public reads; every write makes them stale.
    pub public_reads: PublicReads,
}
