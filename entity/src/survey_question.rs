use sea_orm::entity::prelude::*;

/// A question of a survey: `rating` (1–5), `nps` (0–10), `single_choice`, `multiple_choice`
/// (its `options`, a JSON array of labels) or `free_text`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub survey_id: Uuid,
    pub position: i32,
    pub kind: String,
    pub prompt: String,
    pub required: bool,
    pub options: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
