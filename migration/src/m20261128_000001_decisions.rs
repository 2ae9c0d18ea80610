//! Major decisions along their whole chain: the catalog entry, its timeline, draft versions
//! split into sections, comments with their moderation and outcome; and the outbox and
//! notifications through which people hear what happened.

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
                    .table(Decisions::Table)
                    .col(pk_uuid(Decisions::Id))
                    .col(integer(Decisions::Year))
                    .col(string(Decisions::Title))
                    .col(uuid(Decisions::SponsorDepartmentId))
                    .col(text(Decisions::Summary))
                    .col(text(Decisions::Background))
                    .col(text(Decisions::LegalBasis))
                    .col(text(Decisions::Timetable))
                    .col(string(Decisions::Stage))
                    .col(timestamp_with_time_zone_null(
                        Decisions::ConsultationOpensAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        Decisions::ConsultationClosesAt,
                    ))
                    .col(text_null(Decisions::ShortenedReason))
                    .col(text_null(Decisions::FeedbackNarrative))
                    .col(timestamp_with_time_zone_null(
                        Decisions::FeedbackPublishedAt,
                    ))
                    .col(string_null(Decisions::MeetingNumber))
                    .col(date_null(Decisions::MeetingDate))
                    .col(string_null(Decisions::DeliberationOutcome))
                    .col(text_null(Decisions::DeliberationNotes))
                    .col(string_null(Decisions::DocumentNumber))
                    .col(string_null(Decisions::DocumentTitle))
                    .col(date_null(Decisions::EffectiveDate))
                    .col(text_null(Decisions::ResultSummary))
                    .col(text_null(Decisions::WithdrawnReason))
                    .col(uuid_null(Decisions::CreatedBy))
                    .col(timestamp_with_time_zone(Decisions::CreatedAt))
                    .col(timestamp_with_time_zone(Decisions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_decisions_sponsor")
                            .from(Decisions::Table, Decisions::SponsorDepartmentId)
                            .to(Departments::Table, Departments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_decisions_year",
            Decisions::Table,
            &[Decisions::Year],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(DecisionEvents::Table)
                    .col(pk_uuid(DecisionEvents::Id))
                    .col(uuid(DecisionEvents::DecisionId))
                    .col(timestamp_with_time_zone(DecisionEvents::At))
                    .col(string(DecisionEvents::Kind))
                    .col(string(DecisionEvents::Stage))
                    .col(text_null(DecisionEvents::Note))
                    .col(json(DecisionEvents::Documents))
                    .col(uuid_null(DecisionEvents::ActorUserId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_decision_events_decision")
                            .from(DecisionEvents::Table, DecisionEvents::DecisionId)
                            .to(Decisions::Table, Decisions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_decision_events_decision",
            DecisionEvents::Table,
            &[DecisionEvents::DecisionId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Drafts::Table)
                    .col(pk_uuid(Drafts::Id))
                    .col(uuid(Drafts::DecisionId))
                    .col(integer(Drafts::Version))
                    .col(text(Drafts::Body))
                    .col(text_null(Drafts::Changelog))
                    .col(timestamp_with_time_zone(Drafts::PublishedAt))
                    .col(uuid_null(Drafts::CreatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_drafts_decision")
                            .from(Drafts::Table, Drafts::DecisionId)
                            .to(Decisions::Table, Decisions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_drafts_decision_version",
            Drafts::Table,
            &[Drafts::DecisionId, Drafts::Version],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(DraftSections::Table)
                    .col(pk_uuid(DraftSections::Id))
                    .col(uuid(DraftSections::DraftId))
                    .col(integer(DraftSections::Position))
                    .col(string(DraftSections::Anchor))
                    .col(string(DraftSections::Heading))
                    .col(text(DraftSections::Body))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_draft_sections_draft")
                            .from(DraftSections::Table, DraftSections::DraftId)
                            .to(Drafts::Table, Drafts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_draft_sections_anchor",
            DraftSections::Table,
            &[DraftSections::DraftId, DraftSections::Anchor],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Comments::Table)
                    .col(pk_uuid(Comments::Id))
                    .col(uuid(Comments::DecisionId))
                    .col(uuid(Comments::DraftId))
                    .col(string_null(Comments::SectionAnchor))
                    .col(uuid_null(Comments::AuthorUserId))
                    .col(string(Comments::AuthorName))
                    .col(boolean(Comments::NameConsent))
                    .col(string(Comments::Channel))
                    .col(text(Comments::Body))
                    .col(string(Comments::TrackingNumber))
                    .col(string(Comments::Status))
                    .col(string_null(Comments::RejectionReason))
                    .col(string_null(Comments::Outcome))
                    .col(text_null(Comments::OutcomeReason))
                    .col(uuid_null(Comments::DuplicateOf))
                    .col(timestamp_with_time_zone(Comments::CreatedAt))
                    .col(timestamp_with_time_zone_null(Comments::ModeratedAt))
                    .col(timestamp_with_time_zone_null(Comments::OutcomeAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_comments_decision")
                            .from(Comments::Table, Comments::DecisionId)
                            .to(Decisions::Table, Decisions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_comments_draft")
                            .from(Comments::Table, Comments::DraftId)
                            .to(Drafts::Table, Drafts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_comments_tracking_number",
            Comments::Table,
            &[Comments::TrackingNumber],
        )
        .await?;
        index(
            manager,
            "ix_comments_decision_status",
            Comments::Table,
            &[Comments::DecisionId, Comments::Status],
        )
        .await?;
        index(
            manager,
            "ix_comments_author",
            Comments::Table,
            &[Comments::AuthorUserId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(pk_uuid(Outbox::Id))
                    .col(string(Outbox::Kind))
                    .col(uuid_null(Outbox::UserId))
                    .col(json(Outbox::Payload))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(timestamp_with_time_zone_null(Outbox::DeliveredAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_outbox_delivered_at",
            Outbox::Table,
            &[Outbox::DeliveredAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(pk_uuid(Notifications::Id))
                    .col(uuid(Notifications::UserId))
                    .col(string(Notifications::Kind))
                    .col(string(Notifications::Title))
                    .col(text(Notifications::Body))
                    .col(string_null(Notifications::Link))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notifications_user")
                            .from(Notifications::Table, Notifications::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_notifications_user",
            Notifications::Table,
            &[Notifications::UserId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Notifications::Table.into_iden(),
            Outbox::Table.into_iden(),
            Comments::Table.into_iden(),
            DraftSections::Table.into_iden(),
            Drafts::Table.into_iden(),
            DecisionEvents::Table.into_iden(),
            Decisions::Table.into_iden(),
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
enum Decisions {
    Table,
    Id,
    Year,
    Title,
    SponsorDepartmentId,
    Summary,
    Background,
    LegalBasis,
    Timetable,
    Stage,
    ConsultationOpensAt,
    ConsultationClosesAt,
    ShortenedReason,
    FeedbackNarrative,
    FeedbackPublishedAt,
    MeetingNumber,
    MeetingDate,
    DeliberationOutcome,
    DeliberationNotes,
    DocumentNumber,
    DocumentTitle,
    EffectiveDate,
    ResultSummary,
    WithdrawnReason,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum DecisionEvents {
    Table,
    Id,
    DecisionId,
    At,
    Kind,
    Stage,
    Note,
    Documents,
    ActorUserId,
}

#[derive(DeriveIden, Clone)]
enum Drafts {
    Table,
    Id,
    DecisionId,
    Version,
    Body,
    Changelog,
    PublishedAt,
    CreatedBy,
}

#[derive(DeriveIden, Clone)]
enum DraftSections {
    Table,
    Id,
    DraftId,
    Position,
    Anchor,
    Heading,
    Body,
}

#[derive(DeriveIden, Clone)]
enum Comments {
    Table,
    Id,
    DecisionId,
    DraftId,
    SectionAnchor,
    AuthorUserId,
    AuthorName,
    NameConsent,
    Channel,
    Body,
    TrackingNumber,
    Status,
    RejectionReason,
    Outcome,
    OutcomeReason,
    DuplicateOf,
    CreatedAt,
    ModeratedAt,
    OutcomeAt,
}

#[derive(DeriveIden, Clone)]
enum Outbox {
    Table,
    Id,
    Kind,
    UserId,
    Payload,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden, Clone)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Body,
    Link,
    CreatedAt,
}
