//! An idempotent write marks its key inside its own transaction: a retry after the instance
//! died between the write's commit and the storing of its answer finds the write done, and
//! does not do it again.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IdempotencyKeys::Table)
                    .add_column(timestamp_with_time_zone_null(IdempotencyKeys::CommittedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(IdempotencyKeys::Table)
                    .drop_column(IdempotencyKeys::CommittedAt)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    CommittedAt,
}
