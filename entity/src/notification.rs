use sea_orm::entity::prelude::*;

/// A message in a person's inbox (`GET /me/notifications`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    /// In Chinese, the district's language.
    pub title: String,
    pub body: String,
    /// The same in English; empty for a notice written before there was one.
    pub title_en: String,
    pub body_en: String,
    /// Where in the portal it leads, e.g. `#/decisions/<id>`.
    pub link: Option<String>,
    pub created_at: DateTimeUtc,
    /// When its owner saw it; `None` while unread.
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
