use sea_orm::entity::prelude::*;

/// A person's profile as a public representative: applied for, then verified or refused by
/// staff, or withdrawn by its owner.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "representatives")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// `npc_deputy`, `cppcc_member`, `social_organisation`, `business`, `legal` or `resident`.
    pub category: String,
    pub organisation: String,
    pub statement: String,
    /// The basis on which the person may represent the district, e.g. `lives_in_district`.
    pub eligibility: String,
    /// `pending`, `verified`, `refused` or `withdrawn`.
    pub status: String,
    /// Why it was refused.
    pub reason: Option<String>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
