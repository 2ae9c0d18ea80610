use sea_orm::entity::prelude::*;

/// A topic on a meeting's agenda, presented by a department, perhaps a major decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agenda_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub position: i32,
    pub title: String,
    pub presenting_department_id: Uuid,
    pub decision_id: Option<Uuid>,
    /// Not shown to the public.
    pub confidential: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
