use sea_orm::entity::prelude::*;

/// A comment on a draft: from a resident online, or recorded by staff from a letter,
/// symposium or hearing. Published only after moderation; every published comment gets an
/// outcome before the feedback report.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub decision_id: Uuid,
    pub draft_id: Uuid,
    pub section_anchor: Option<String>,
    /// `None` for comments received offline.
    pub author_user_id: Option<Uuid>,
    /// Shown masked (张三 → 张*) unless `name_consent`.
    pub author_name: String,
    pub name_consent: bool,
    /// `online`, `letter`, `symposium` or `hearing`.
    pub channel: String,
    pub body: String,
    /// Shown to the author, quotable to staff.
    pub tracking_number: String,
    /// `pending`, `published` or `rejected`.
    pub status: String,
    pub rejection_reason: Option<String>,
    /// `adopted`, `partially_adopted`, `not_adopted` or `duplicate`.
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
    pub duplicate_of: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub moderated_at: Option<DateTimeUtc>,
    pub outcome_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
