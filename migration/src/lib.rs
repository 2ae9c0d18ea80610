//! Canyu's schema, one migration per file. A landed migration is never edited: change the
//! schema with a new one.

pub use sea_orm_migration::prelude::*;

mod indexes;
mod m20261127_000001_foundation;
mod m20261128_000001_decisions;
mod m20261128_000002_events;
mod m20261129_000001_surveys;
mod m20261129_000002_survey_invited_signups;
mod m20261129_000003_meetings;
mod m20261129_000004_meeting_outcomes;
mod m20261207_000001_self_service;
mod m20261207_000002_idempotent_commit;
mod m20261207_000003_take_place;
mod m20261207_000004_waitlist_length;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_foundation::Migration),
            Box::new(m20261128_000001_decisions::Migration),
            Box::new(m20261128_000002_events::Migration),
            Box::new(m20261129_000001_surveys::Migration),
            Box::new(m20261129_000002_survey_invited_signups::Migration),
            Box::new(m20261129_000003_meetings::Migration),
            Box::new(m20261129_000004_meeting_outcomes::Migration),
            Box::new(m20261207_000001_self_service::Migration),
            Box::new(m20261207_000002_idempotent_commit::Migration),
            Box::new(m20261207_000003_take_place::Migration),
            Box::new(m20261207_000004_waitlist_length::Migration),
        ]
    }
}
