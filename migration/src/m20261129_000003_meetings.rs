//! Executive meetings with public-representative observers: the meetings and their agendas,
//! representatives' profiles, the seats per category, applications for them, and the
//! lottery's commitment and draw.

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
                    .table(Meetings::Table)
                    .col(pk_uuid(Meetings::Id))
                    .col(integer(Meetings::Number))
                    .col(string(Meetings::Title))
                    .col(uuid(Meetings::DepartmentId))
                    .col(timestamp_with_time_zone(Meetings::StartsAt))
                    .col(string(Meetings::Place))
                    .col(string(Meetings::Status))
                    .col(string(Meetings::SelectionMethod))
                    .col(timestamp_with_time_zone_null(Meetings::ApplicationsOpenAt))
                    .col(timestamp_with_time_zone_null(Meetings::ApplicationsCloseAt))
                    .col(text_null(Meetings::PublicValueSource))
                    .col(timestamp_with_time_zone_null(Meetings::PublicValueAt))
                    .col(uuid_null(Meetings::CreatedBy))
                    .col(timestamp_with_time_zone(Meetings::CreatedAt))
                    .col(timestamp_with_time_zone(Meetings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meetings_department")
                            .from(Meetings::Table, Meetings::DepartmentId)
                            .to(Departments::Table, Departments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_meetings_number",
            Meetings::Table,
            &[Meetings::Number],
        )
        .await?;
        index(
            manager,
            "ix_meetings_starts_at",
            Meetings::Table,
            &[Meetings::StartsAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AgendaItems::Table)
                    .col(pk_uuid(AgendaItems::Id))
                    .col(uuid(AgendaItems::MeetingId))
                    .col(integer(AgendaItems::Position))
                    .col(string(AgendaItems::Title))
                    .col(uuid(AgendaItems::PresentingDepartmentId))
                    .col(uuid_null(AgendaItems::DecisionId))
                    .col(boolean(AgendaItems::Confidential).default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agenda_items_meeting")
                            .from(AgendaItems::Table, AgendaItems::MeetingId)
                            .to(Meetings::Table, Meetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agenda_items_department")
                            .from(AgendaItems::Table, AgendaItems::PresentingDepartmentId)
                            .to(Departments::Table, Departments::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_agenda_items_decision")
                            .from(AgendaItems::Table, AgendaItems::DecisionId)
                            .to(Decisions::Table, Decisions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_agenda_items_position",
            AgendaItems::Table,
            &[AgendaItems::MeetingId, AgendaItems::Position],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SeatQuotas::Table)
                    .col(uuid(SeatQuotas::MeetingId))
                    .col(string(SeatQuotas::Category))
                    .col(integer(SeatQuotas::Seats))
                    .primary_key(
                        Index::create()
                            .col(SeatQuotas::MeetingId)
                            .col(SeatQuotas::Category),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_seat_quotas_meeting")
                            .from(SeatQuotas::Table, SeatQuotas::MeetingId)
                            .to(Meetings::Table, Meetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check(Expr::col(SeatQuotas::Seats).gte(0))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Representatives::Table)
                    .col(pk_uuid(Representatives::Id))
                    .col(uuid(Representatives::UserId))
                    .col(string(Representatives::Category))
                    .col(string(Representatives::Organisation))
                    .col(text(Representatives::Statement))
                    .col(string(Representatives::Eligibility))
                    .col(string(Representatives::Status))
                    .col(text_null(Representatives::Reason))
                    .col(uuid_null(Representatives::ReviewedBy))
                    .col(timestamp_with_time_zone_null(Representatives::ReviewedAt))
                    .col(timestamp_with_time_zone(Representatives::CreatedAt))
                    .col(timestamp_with_time_zone(Representatives::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_representatives_user")
                            .from(Representatives::Table, Representatives::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_representatives_user",
            Representatives::Table,
            &[Representatives::UserId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MeetingApplications::Table)
                    .col(pk_uuid(MeetingApplications::Id))
                    .col(uuid(MeetingApplications::MeetingId))
                    .col(uuid(MeetingApplications::UserId))
                    .col(uuid(MeetingApplications::RepresentativeId))
                    .col(string(MeetingApplications::Category))
                    .col(string(MeetingApplications::Pseudonym))
                    .col(text(MeetingApplications::AgendaItemIds))
                    .col(string(MeetingApplications::Status))
                    .col(integer_null(MeetingApplications::WaitlistPosition))
                    .col(timestamp_with_time_zone(MeetingApplications::CreatedAt))
                    .col(timestamp_with_time_zone(MeetingApplications::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meeting_applications_meeting")
                            .from(MeetingApplications::Table, MeetingApplications::MeetingId)
                            .to(Meetings::Table, Meetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meeting_applications_representative")
                            .from(
                                MeetingApplications::Table,
                                MeetingApplications::RepresentativeId,
                            )
                            .to(Representatives::Table, Representatives::Id),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_meeting_applications_person",
            MeetingApplications::Table,
            &[MeetingApplications::MeetingId, MeetingApplications::UserId],
        )
        .await?;
        unique_index(
            manager,
            "ux_meeting_applications_pseudonym",
            MeetingApplications::Table,
            &[
                MeetingApplications::MeetingId,
                MeetingApplications::Pseudonym,
            ],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MeetingDraws::Table)
                    .col(uuid(MeetingDraws::MeetingId).primary_key())
                    .col(text(MeetingDraws::CommitmentText))
                    .col(string(MeetingDraws::CommitmentSha256))
                    .col(timestamp_with_time_zone(MeetingDraws::CommittedAt))
                    .col(string_null(MeetingDraws::PublicValue))
                    .col(string_null(MeetingDraws::Seed))
                    .col(timestamp_with_time_zone_null(MeetingDraws::DrawnAt))
                    .col(text_null(MeetingDraws::Seats))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meeting_draws_meeting")
                            .from(MeetingDraws::Table, MeetingDraws::MeetingId)
                            .to(Meetings::Table, Meetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MeetingDraws::Table.into_iden(),
            MeetingApplications::Table.into_iden(),
            Representatives::Table.into_iden(),
            SeatQuotas::Table.into_iden(),
            AgendaItems::Table.into_iden(),
            Meetings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Meetings {
    Table,
    Id,
    Number,
    Title,
    DepartmentId,
    StartsAt,
    Place,
    Status,
    SelectionMethod,
    ApplicationsOpenAt,
    ApplicationsCloseAt,
    PublicValueSource,
    PublicValueAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum AgendaItems {
    Table,
    Id,
    MeetingId,
    Position,
    Title,
    PresentingDepartmentId,
    DecisionId,
    Confidential,
}

#[derive(DeriveIden, Clone)]
enum SeatQuotas {
    Table,
    MeetingId,
    Category,
    Seats,
}

#[derive(DeriveIden, Clone)]
enum Representatives {
    Table,
    Id,
    UserId,
    Category,
    Organisation,
    Statement,
    Eligibility,
    Status,
    Reason,
    ReviewedBy,
    ReviewedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum MeetingApplications {
    Table,
    Id,
    MeetingId,
    UserId,
    RepresentativeId,
    Category,
    Pseudonym,
    AgendaItemIds,
    Status,
    WaitlistPosition,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum MeetingDraws {
    Table,
    MeetingId,
    CommitmentText,
    CommitmentSha256,
    CommittedAt,
    PublicValue,
    Seed,
    DrawnAt,
    Seats,
}

#[derive(DeriveIden, Clone)]
enum Departments {
    Table,
    Id,
}

#[derive(DeriveIden, Clone)]
enum Decisions {
    Table,
    Id,
}

#[derive(DeriveIden, Clone)]
enum Users {
    Table,
    Id,
}
