use std::sync::Arc;

use entity::event;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::{
    cache::Cache, clock::Clock, config::Config, passwords::Passwords, public_reads::PublicReads,
    recent::Recent, telemetry::Metrics,
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
    /// Open days as a signup last read them, to check the admission rules on: the statement
    /// that takes the place verifies the facts they were checked on still hold.
    pub open_days: Arc<Recent<Uuid, Arc<event::Model>>>,
}
