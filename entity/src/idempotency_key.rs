use sea_orm::entity::prelude::*;

/// The first answer to a write sent with an `Idempotency-Key`, replayed on a retry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    /// SHA-256 of the credential that sent the request (or of nothing, for anonymous calls).
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// SHA-256 of method, path and body: a key reused for another request is refused.
    pub request_hash: String,
    /// `None` while the first request is still being answered.
    pub status_code: Option<i32>,
    pub content_type: Option<String>,
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
    /// When the write committed, set inside the write's own transaction: a claim without an
    /// answer but with this set was done, its answer lost.
    pub committed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
