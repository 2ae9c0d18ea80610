use sea_orm::entity::prelude::*;

/// An app backend's endpoint for events, registered by an admin.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    /// Shared secret of the HMAC-SHA256 signature.
    pub secret: String,
    /// Space-separated kinds it receives, e.g. `waitlist_offer event_cancelled`.
    pub kinds: String,
    pub active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
