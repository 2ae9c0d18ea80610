use sea_orm::entity::prelude::*;

/// An executive meeting (区政府常务会议) that public representatives may observe.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The meeting's running number, e.g. 140 (第140次).
    pub number: i32,
    pub title: String,
    /// The department whose staff organise it.
    pub department_id: Uuid,
    pub starts_at: DateTimeUtc,
    pub place: String,
    /// `planned`, `applications_open`, `applications_closed`, `drawn`, `held`,
    /// `minutes_published` or `cancelled`.
    pub status: String,
    /// `first_come`, `review` or `lottery`.
    pub selection_method: String,
    pub applications_open_at: Option<DateTimeUtc>,
    pub applications_close_at: Option<DateTimeUtc>,
    /// For a lottery: where the public value will come from, named in advance.
    pub public_value_source: Option<String>,
    /// For a lottery: when the public value is fixed, after applications close.
    pub public_value_at: Option<DateTimeUtc>,
    /// The meeting's conclusion, given when its minutes are published.
    pub conclusion: Option<String>,
    pub cancellation_reason: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
