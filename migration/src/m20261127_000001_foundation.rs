//! Accounts, roles, departments, sessions, API keys, the audit log, idempotency records.

use sea_orm_migration::{prelude::*, schema::*};

use crate::indexes::unique_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Departments::Table)
                    .col(pk_uuid(Departments::Id))
                    .col(string(Departments::Code))
                    .col(string(Departments::Name))
                    .col(timestamp_with_time_zone(Departments::CreatedAt))
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_departments_code",
            Departments::Table,
            &[Departments::Code],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string(Users::Login))
                    .col(string(Users::DisplayName))
                    .col(string(Users::PasswordHash))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        unique_index(manager, "ux_users_login", Users::Table, &[Users::Login]).await?;

        manager
            .create_table(
                Table::create()
                    .table(RoleGrants::Table)
                    .col(uuid(RoleGrants::UserId))
                    .col(string(RoleGrants::Role))
                    .col(uuid_null(RoleGrants::DepartmentId))
                    .col(uuid_null(RoleGrants::GrantedBy))
                    .col(timestamp_with_time_zone(RoleGrants::GrantedAt))
                    .primary_key(
                        Index::create()
                            .col(RoleGrants::UserId)
                            .col(RoleGrants::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_grants_user")
                            .from(RoleGrants::Table, RoleGrants::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_grants_department")
                            .from(RoleGrants::Table, RoleGrants::DepartmentId)
                            .to(Departments::Table, Departments::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(uuid(Sessions::UserId))
                    .col(string(Sessions::TokenHash))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_sessions_token_hash",
            Sessions::Table,
            &[Sessions::TokenHash],
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(pk_uuid(ApiKeys::Id))
                    .col(string(ApiKeys::Name))
                    .col(string(ApiKeys::Prefix))
                    .col(string(ApiKeys::KeyHash))
                    .col(string(ApiKeys::Scopes))
                    .col(uuid_null(ApiKeys::CreatedBy))
                    .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .to_owned(),
            )
            .await?;
        unique_index(
            manager,
            "ux_api_keys_key_hash",
            ApiKeys::Table,
            &[ApiKeys::KeyHash],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(uuid_null(AuditLog::ActorUserId))
                    .col(uuid_null(AuditLog::ActorApiKeyId))
                    .col(string(AuditLog::Action))
                    .col(string(AuditLog::EntityType))
                    .col(string(AuditLog::EntityId))
                    .col(json(AuditLog::Detail))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(string(IdempotencyKeys::Scope))
                    .col(string(IdempotencyKeys::Key))
                    .col(string(IdempotencyKeys::RequestHash))
                    .col(integer_null(IdempotencyKeys::StatusCode))
                    .col(string_null(IdempotencyKeys::ContentType))
                    .col(text_null(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::Scope)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AppMeta::Table)
                    .col(string(AppMeta::Key).primary_key())
                    .col(string(AppMeta::Value))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AppMeta::Table.into_iden(),
            IdempotencyKeys::Table.into_iden(),
            AuditLog::Table.into_iden(),
            ApiKeys::Table.into_iden(),
            Sessions::Table.into_iden(),
            RoleGrants::Table.into_iden(),
            Users::Table.into_iden(),
            Departments::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone)]
enum Departments {
    Table,
    Id,
    Code,
    Name,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum Users {
    Table,
    Id,
    Login,
    DisplayName,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum RoleGrants {
    Table,
    UserId,
    Role,
    DepartmentId,
    GrantedBy,
    GrantedAt,
}

#[derive(DeriveIden, Clone)]
enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone)]
enum ApiKeys {
    Table,
    Id,
    Name,
    Prefix,
    KeyHash,
    Scopes,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorUserId,
    ActorApiKeyId,
    Action,
    EntityType,
    EntityId,
    Detail,
}

#[derive(DeriveIden, Clone)]
enum IdempotencyKeys {
    Table,
    Scope,
    Key,
    RequestHash,
    StatusCode,
    ContentType,
    ResponseBody,
    CreatedAt,
}

#[derive(DeriveIden, Clone)]
enum AppMeta {
    Table,
    Key,
    Value,
}
