//! Government Open Month: open-day events, signups with their waitlist and check-in, and the
//! webhooks through which app backends hear what happened.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes::{index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_uuid(Events::Id))
                    .col(string(Events::Title))
                    .col(string(Events::Theme))
                    .col(uuid(Events::HostDepartmentId))
                    .col(text(Events::Description))
                    .col(string(Events::Venue))
                    .col(text(Events::AccessibilityNotes))
                    .col(timestamp_with_time_zone(Events::StartsAt))
                    .col(timestamp_with_time_zone(Events::EndsAt))
                    .col(integer(Events::Capacity))
                    .col(integer(Events::SeatsTaken).default(0))
                    .col(integer(Events::WaitlistSeq).default(0))
                    .col(integer(Events::MaxPartySize))
                    .col(timestamp_with_time_zone(Events::SignupOpensAt))
                    .col(timestamp_with_time_zone(Events::SignupClosesAt))
                    .col(integer(Events::OfferHours))
                    .col(string(Events::Status))
                    .col(timestamp_with_time_zone_null(Events::PersonalDataErasedAt))
                    .col(uuid_null(Events::CreatedBy))
                    .col(timestamp_with_time_zone(Events::CreatedAt))
                    .col(timestamp_with_time_zone(Events::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_host")
                            .from(Events::Table, Events::HostDepartmentId)
                            .to(Departments::Table, Departments::Id),
                    )
                    .check(Expr::col(Events::SeatsTaken).lte(Expr::col(Events::Capacity)))
                    .check(Expr::col(Events::SeatsTaken).gte(0))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_events_starts_at",
            Events::Table,
            &[Events::StartsAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Signups::Table)
                    .col(pk_uuid(Signups::Id))
                    .col(uuid(Signups::EventId))
                    .col(uuid_null(Signups::UserId))
                    .col(integer(Signups::PartySize))
                    .col(string(Signups::Status))
                    .col(integer_null(Signups::QueueNumber))
                    .col(timestamp_with_time_zone_null(Signups::OfferExpiresAt))
                    .col(string(Signups::CheckinCode))
                    .col(timestamp_with_time_zone_null(Signups::CheckedInAt))
                    .col(string_null(Signups::CheckinNonce))
                    .col(timestamp_with_time_zone(Signups::CreatedAt))
                    .col(timestamp_with_time_zone(Signups::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_signups_event")
                            .from(Signups::Table, Signups::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_signups_user")
                            .from(Signups::Table, Signups::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
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
        index(
            manager,
            "ix_signups_event_status",
            Signups::Table,
            &[Signups::EventId, Signups::Status],
        )
        .await?;
        index(
            manager,
            "ix_signups_user",
            Signups::Table,
            &[Signups::UserId],
        )
        .await?;
        // One active signup per person per event, whatever the number of API instances.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_signups_active ON signups (event_id, user_id) \
                 WHERE status IN ('confirmed', 'waitlisted', 'offered')",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(pk_uuid(Webhooks::Id))
                    .col(string(Webhooks::Url))
                    .col(string(Webhooks::Secret))
                    .col(string(Webhooks::Kinds))
                    .col(boolean(Webhooks::Active))
                    .col(uuid_null(Webhooks::CreatedBy))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(pk_uuid(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::WebhookId))
                    .col(string(WebhookDeliveries::Kind))
                    .col(json(WebhookDeliveries::Payload))
                    .col(integer(WebhookDeliveries::Attempts))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::DeliveredAt,
                    ))
                    .col(integer_null(WebhookDeliveries::LastStatus))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_deliveries_webhook")
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_webhook_deliveries_due",
            WebhookDeliveries::Table,
            &[
                WebhookDeliveries::DeliveredAt,
                WebhookDeliveries::NextAttemptAt,
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDeliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
            Signups::Table.into_iden(),
            Events::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Departments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone)]
enum Events {
    Table,
    Id,
    Title,
    Theme,
    HostDepartmentId,
    Description,
    Venue,
    AccessibilityNotes,
    StartsAt,
    EndsAt,
    Capacity,
    SeatsTaken,
    WaitlistSeq,
    MaxPartySize,
    SignupOpensAt,
    SignupClosesAt,
    OfferHours,
    Status,
    PersonalDataErasedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum Signups {
    Table,
    Id,
    EventId,
    UserId,
    PartySize,
    Status,
    QueueNumber,
    OfferExpiresAt,
    CheckinCode,
    CheckedInAt,
    CheckinNonce,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum Webhooks {
    Table,
    Id,
    Url,
    Secret,
    Kinds,
    Active,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    Kind,
    Payload,
    Attempts,
    NextAttemptAt,
    DeliveredAt,
    LastStatus,
    CreatedAt,
}
