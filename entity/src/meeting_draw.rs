use sea_orm::entity::prelude::*;

/// A meeting's lottery: the commitment published when applications closed, then the public
/// value and the seed it gave.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_draws")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub meeting_id: Uuid,
    pub commitment_text: String,
    pub commitment_sha256: String,
    pub committed_at: DateTimeUtc,
    pub public_value: Option<String>,
    /// Hex.
    pub seed: Option<String>,
    pub drawn_at: Option<DateTimeUtc>,
    /// The seats as drawn, stored when drawn (JSON: category, seats, seated, waitlist).
    pub seats: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
