//! What happens at and after a meeting: staff's review of applications (with a reason for a
//! rejection), who attended, the representatives' opinions on agenda items and how each was
//! handled, and the meeting's conclusion or the reason it was cancelled.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            text_null(MeetingApplications::Reason),
            boolean_null(MeetingApplications::Attended),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MeetingApplications::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            text_null(Meetings::Conclusion),
            text_null(Meetings::CancellationReason),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Meetings::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MeetingOpinions::Table)
                    .col(pk_uuid(MeetingOpinions::Id))
                    .col(uuid(MeetingOpinions::MeetingId))
                    .col(uuid(MeetingOpinions::ApplicationId))
                    .col(uuid(MeetingOpinions::AgendaItemId))
                    .col(text(MeetingOpinions::Text))
                    .col(boolean(MeetingOpinions::Named).default(false))
                    .col(uuid(MeetingOpinions::RecordedBy))
                    .col(timestamp_with_time_zone(MeetingOpinions::CreatedAt))
                    .col(text_null(MeetingOpinions::Handling))
                    .col(uuid_null(MeetingOpinions::HandledBy))
                    .col(timestamp_with_time_zone_null(MeetingOpinions::HandledAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meeting_opinions_meeting")
                            .from(MeetingOpinions::Table, MeetingOpinions::MeetingId)
                            .to(Meetings::Table, Meetings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meeting_opinions_application")
                            .from(MeetingOpinions::Table, MeetingOpinions::ApplicationId)
                            .to(MeetingApplications::Table, MeetingApplications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_meeting_opinions_agenda_item")
                            .from(MeetingOpinions::Table, MeetingOpinions::AgendaItemId)
                            .to(AgendaItems::Table, AgendaItems::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_meeting_opinions_meeting",
            MeetingOpinions::Table,
            &[MeetingOpinions::MeetingId],
        )
        .await?;
        index(
            manager,
            "ix_meeting_opinions_application",
            MeetingOpinions::Table,
            &[MeetingOpinions::ApplicationId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MeetingOpinions::Table).to_owned())
            .await?;
        for column in [Meetings::Conclusion, Meetings::CancellationReason] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Meetings::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [MeetingApplications::Reason, MeetingApplications::Attended] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MeetingApplications::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Meetings {
    Table,
    Id,
    Conclusion,
    CancellationReason,
}

#[derive(DeriveIden)]
enum AgendaItems {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MeetingApplications {
    Table,
    Id,
    Reason,
    Attended,
}

#[derive(DeriveIden, Clone)]
enum MeetingOpinions {
    Table,
    Id,
    MeetingId,
    ApplicationId,
    AgendaItemId,
    Text,
    Named,
    RecordedBy,
    CreatedAt,
    Handling,
    HandledBy,
    HandledAt,
}
