//! When a survey's attendees were invited to answer it, so that each is invited once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Surveys::Table)
                    .add_column(timestamp_with_time_zone_null(Surveys::InvitedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Surveys::Table)
                    .drop_column(Surveys::InvitedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Surveys {
    Table,
    InvitedAt,
}
