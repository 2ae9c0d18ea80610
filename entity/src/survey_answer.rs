use sea_orm::entity::prelude::*;

/// One answer to one question: a number (a rating, a score, a chosen option's index; a
/// multiple choice has a row per option chosen) or a text.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_answers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub response_id: Uuid,
    pub question_id: Uuid,
    pub value: Option<i32>,
    pub text: Option<String>,
    /// A text is shown with the results only once staff have published it.
    pub text_published: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
