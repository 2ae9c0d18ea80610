use sea_orm::entity::prelude::*;

/// A person's signup for an event: `confirmed`, `waitlisted`, `offered` (a freed seat held
/// for them until `offer_expires_at`), `cancelled`, `declined` or `expired`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub event_id: Uuid,
    /// `None` once personal data has been erased after the retention period.
    pub user_id: Option<Uuid>,
    pub party_size: i32,
    pub status: String,
    /// Place in the waitlist, given in commit order under the event's row lock.
    pub queue_number: Option<i32>,
    pub offer_expires_at: Option<DateTimeUtc>,
    /// Unguessable; shown as a QR code and scanned at the door.
    pub checkin_code: String,
    pub checked_in_at: Option<DateTimeUtc>,
    /// The offline scanner's nonce of the scan that checked this signup in.
    pub checkin_nonce: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
