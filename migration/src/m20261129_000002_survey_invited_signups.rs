//! Which signups were invited to answer a survey, so that each is invited once, whenever their
//! check-in arrives (scans made offline reach the server after the event).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SurveyInvitations::Table)
                    .col(uuid(SurveyInvitations::SurveyId))
                    .col(uuid(SurveyInvitations::SignupId))
                    .primary_key(
                        Index::create()
                            .col(SurveyInvitations::SurveyId)
                            .col(SurveyInvitations::SignupId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_invitations_survey")
                            .from(SurveyInvitations::Table, SurveyInvitations::SurveyId)
                            .to(Surveys::Table, Surveys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_invitations_signup")
                            .from(SurveyInvitations::Table, SurveyInvitations::SignupId)
                            .to(Signups::Table, Signups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SurveyInvitations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum SurveyInvitations {
    Table,
    SurveyId,
    SignupId,
}

#[derive(DeriveIden)]
enum Surveys {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Signups {
    Table,
    Id,
}
