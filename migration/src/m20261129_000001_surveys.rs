//! Surveys after an open day (and, later, a meeting): their questions, who has answered, and
//! the answers, kept apart so that no join links an answer to a person.

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
                    .table(Surveys::Table)
                    .col(pk_uuid(Surveys::Id))
                    .col(string(Surveys::SubjectKind))
                    .col(uuid(Surveys::SubjectId))
                    .col(uuid(Surveys::DepartmentId))
                    .col(string(Surveys::Title))
                    .col(timestamp_with_time_zone(Surveys::OpensAt))
                    .col(timestamp_with_time_zone(Surveys::ClosesAt))
                    .col(integer(Surveys::ResponseSeq).default(0))
                    .col(timestamp_with_time_zone_null(Surveys::ResultsPublishedAt))
                    .col(uuid_null(Surveys::CreatedBy))
                    .col(timestamp_with_time_zone(Surveys::CreatedAt))
                    .col(timestamp_with_time_zone(Surveys::UpdatedAt))
                    .check(Expr::col(Surveys::OpensAt).lt(Expr::col(Surveys::ClosesAt)))
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_surveys_subject",
            Surveys::Table,
            &[Surveys::SubjectKind, Surveys::SubjectId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyQuestions::Table)
                    .col(pk_uuid(SurveyQuestions::Id))
                    .col(uuid(SurveyQuestions::SurveyId))
                    .col(integer(SurveyQuestions::Position))
                    .col(string(SurveyQuestions::Kind))
                    .col(text(SurveyQuestions::Prompt))
                    .col(boolean(SurveyQuestions::Required))
                    .col(text_null(SurveyQuestions::Options))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_questions_survey")
                            .from(SurveyQuestions::Table, SurveyQuestions::SurveyId)
                            .to(Surveys::Table, Surveys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_survey_questions_position",
            SurveyQuestions::Table,
            &[SurveyQuestions::SurveyId, SurveyQuestions::Position],
        )
        .await?;

        // Who has answered, and nothing else: no time, no link to the answers.
        manager
            .create_table(
                Table::create()
                    .table(SurveyParticipations::Table)
                    .col(uuid(SurveyParticipations::SurveyId))
                    .col(uuid(SurveyParticipations::SignupId))
                    .primary_key(
                        Index::create()
                            .col(SurveyParticipations::SurveyId)
                            .col(SurveyParticipations::SignupId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_participations_survey")
                            .from(SurveyParticipations::Table, SurveyParticipations::SurveyId)
                            .to(Surveys::Table, Surveys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_participations_signup")
                            .from(SurveyParticipations::Table, SurveyParticipations::SignupId)
                            .to(Signups::Table, Signups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // The answers: a random id, the survey's running number and the day, nothing more.
        manager
            .create_table(
                Table::create()
                    .table(SurveyResponses::Table)
                    .col(pk_uuid(SurveyResponses::Id))
                    .col(uuid(SurveyResponses::SurveyId))
                    .col(integer(SurveyResponses::Seq))
                    .col(date(SurveyResponses::SubmittedOn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_responses_survey")
                            .from(SurveyResponses::Table, SurveyResponses::SurveyId)
                            .to(Surveys::Table, Surveys::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_survey_responses_seq",
            SurveyResponses::Table,
            &[SurveyResponses::SurveyId, SurveyResponses::Seq],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SurveyAnswers::Table)
                    .col(pk_uuid(SurveyAnswers::Id))
                    .col(uuid(SurveyAnswers::ResponseId))
                    .col(uuid(SurveyAnswers::QuestionId))
                    .col(integer_null(SurveyAnswers::Value))
                    .col(text_null(SurveyAnswers::Text))
                    .col(boolean(SurveyAnswers::TextPublished).default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_answers_response")
                            .from(SurveyAnswers::Table, SurveyAnswers::ResponseId)
                            .to(SurveyResponses::Table, SurveyResponses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_survey_answers_question")
                            .from(SurveyAnswers::Table, SurveyAnswers::QuestionId)
                            .to(SurveyQuestions::Table, SurveyQuestions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_survey_answers_question_value",
            SurveyAnswers::Table,
            &[SurveyAnswers::QuestionId, SurveyAnswers::Value],
        )
        .await?;
        index(
            manager,
            "ix_survey_answers_response",
            SurveyAnswers::Table,
            &[SurveyAnswers::ResponseId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SurveyAnswers::Table.into_iden(),
            SurveyResponses::Table.into_iden(),
            SurveyParticipations::Table.into_iden(),
            SurveyQuestions::Table.into_iden(),
            Surveys::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Signups {
    Table,
    Id,
}

#[derive(DeriveIden, Clone)]
enum Surveys {
    Table,
    Id,
    SubjectKind,
    SubjectId,
    DepartmentId,
    Title,
    OpensAt,
    ClosesAt,
    ResponseSeq,
    ResultsPublishedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum SurveyQuestions {
    Table,
    Id,
    SurveyId,
    Position,
    Kind,
    Prompt,
    Required,
    Options,
}

#[derive(DeriveIden, Clone)]
enum SurveyParticipations {
    Table,
    SurveyId,
    SignupId,
}

#[derive(DeriveIden, Clone)]
enum SurveyResponses {
    Table,
    Id,
    SurveyId,
    Seq,
    SubmittedOn,
}

#[derive(DeriveIden, Clone)]
enum SurveyAnswers {
    Table,
    Id,
    ResponseId,
    QuestionId,
    Value,
    Text,
    TextPublished,
}
