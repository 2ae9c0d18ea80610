use sea_orm::entity::prelude::*;

/// A seated representative's opinion on an agenda item, and how staff handled it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_opinions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// The seat's application: whose opinion it is.
    pub application_id: Uuid,
    pub agenda_item_id: Uuid,
    pub text: String,
    /// The representative consented to be named with it in public.
    pub named: bool,
    /// The representative, or staff writing it down on their behalf.
    pub recorded_by: Uuid,
    pub created_at: DateTimeUtc,
    pub handling: Option<String>,
    pub handled_by: Option<Uuid>,
    pub handled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
