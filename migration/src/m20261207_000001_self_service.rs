//! What a person does for themselves and what they are told: notices read or not and in both
//! languages, an account erased at its owner's request (the row stays, emptied, so what it
//! wrote keeps its place), one-time password-reset codes issued at a service desk, an open
//! day's street address and accessibility contact, and check-in codes short enough to type,
//! unique within their event.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes::{index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let added = [
            (
                Notifications::Table.into_iden(),
                timestamp_with_time_zone_null(Notifications::ReadAt),
            ),
            (
                Notifications::Table.into_iden(),
                text(Notifications::TitleEn).default("").to_owned(),
            ),
            (
                Notifications::Table.into_iden(),
                text(Notifications::BodyEn).default("").to_owned(),
            ),
            (
                Users::Table.into_iden(),
                timestamp_with_time_zone_null(Users::ErasedAt),
            ),
            (
                Events::Table.into_iden(),
                text(Events::Address).default("").to_owned(),
            ),
            (
                Events::Table.into_iden(),
                text(Events::AccessibilityContact).default("").to_owned(),
            ),
        ];
        for (table, column) in added {
            manager
                .alter_table(Table::alter().table(table).add_column(column).to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(PasswordResetCodes::Table)
                    .col(pk_uuid(PasswordResetCodes::Id))
                    .col(uuid(PasswordResetCodes::UserId))
                    .col(string(PasswordResetCodes::CodeHash))
                    .col(uuid(PasswordResetCodes::IssuedBy))
                    .col(timestamp_with_time_zone(PasswordResetCodes::CreatedAt))
                    .col(timestamp_with_time_zone(PasswordResetCodes::ExpiresAt))
                    .col(timestamp_with_time_zone_null(PasswordResetCodes::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_password_reset_codes_user")
                            .from(PasswordResetCodes::Table, PasswordResetCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_password_reset_codes_user",
            PasswordResetCodes::Table,
            &[PasswordResetCodes::UserId],
        )
        .await?;
        index(
            manager,
            "ix_notifications_user_unread",
            Notifications::Table,
            &[Notifications::UserId, Notifications::ReadAt],
        )
        .await?;
        // A code is looked up within its event: it only has to be unique there.
        manager
            .drop_index(
                Index::drop()
                    .name("ux_signups_checkin_code")
                    .table(Signups::Table)
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_signups_event_checkin_code",
            Signups::Table,
            &[Signups::EventId, Signups::CheckinCode],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_signups_event_checkin_code")
                    .table(Signups::Table)
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_signups_checkin_code",
            Signups::Table,
            &[Signups::CheckinCode],
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_notifications_user_unread")
                    .table(Notifications::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(PasswordResetCodes::Table).to_owned())
            .await?;
        let added = [
            (
                Notifications::Table.into_iden(),
                Notifications::ReadAt.into_iden(),
            ),
            (
                Notifications::Table.into_iden(),
                Notifications::TitleEn.into_iden(),
            ),
            (
                Notifications::Table.into_iden(),
                Notifications::BodyEn.into_iden(),
            ),
            (Users::Table.into_iden(), Users::ErasedAt.into_iden()),
            (Events::Table.into_iden(), Events::Address.into_iden()),
            (
                Events::Table.into_iden(),
                Events::AccessibilityContact.into_iden(),
            ),
        ];
        for (table, column) in added {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Notifications {
    Table,
    UserId,
    ReadAt,
    TitleEn,
    BodyEn,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    ErasedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Address,
    AccessibilityContact,
}

#[derive(DeriveIden, Clone)]
enum Signups {
    Table,
    EventId,
    CheckinCode,
}

#[derive(DeriveIden, Clone)]
enum PasswordResetCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    IssuedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}
