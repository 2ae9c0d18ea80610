use sea_orm::entity::prelude::*;

/// One public, timestamped entry of a decision's timeline.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub decision_id: Uuid,
    pub at: DateTimeUtc,
    /// The stage entered, or what happened within one (`draft_revised`, `consultation_extended`).
    pub kind: String,
    /// The stage after the entry.
    pub stage: String,
    pub note: Option<String>,
    /// `[{title, url}]`: the documents published with the entry.
    pub documents: Json,
    pub actor_user_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
