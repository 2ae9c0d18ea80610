use sea_orm::entity::prelude::*;

/// A representative's application for an observer seat at a meeting.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub user_id: Uuid,
    pub representative_id: Uuid,
    /// The representative's category when they applied.
    pub category: String,
    /// How the lottery's published pool names the applicant.
    pub pseudonym: String,
    /// The agenda items they care about, a JSON array of ids.
    pub agenda_item_ids: String,
    /// `applied`, `seated`, `waitlisted`, `rejected` or `withdrawn`.
    pub status: String,
    /// Place on the category's waitlist (1 first).
    pub waitlist_position: Option<i32>,
    /// Why staff's review rejected it.
    pub reason: Option<String>,
    /// For a seat: whether its holder attended, once staff have recorded it.
    pub attended: Option<bool>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
