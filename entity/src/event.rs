use sea_orm::entity::prelude::*;

/// An open day of the Government Open Month. `seats_taken` counts confirmed and offered
/// seats (companions included) and never exceeds `capacity`: the database checks it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub title: String,
    /// One of the eight themes, e.g. `one_network_governance` (一网统管).
    pub theme: String,
    pub host_department_id: Uuid,
    pub description: String,
    pub venue: String,
    /// Street address of the venue, for a map or a taxi.
    pub address: String,
    pub accessibility_notes: String,
    /// Whom to call or write about accessibility needs before the day.
    pub accessibility_contact: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub capacity: i32,
    pub seats_taken: i32,
    /// The last queue number given to a waitlisted signup.
    pub waitlist_seq: i32,
    /// How many are waitlisted now: kept by triggers on `signups`, never written here.
    pub waitlist_length: i32,
    /// The most people one signup may bring, the resident included.
    pub max_party_size: i32,
    pub signup_opens_at: DateTimeUtc,
    pub signup_closes_at: DateTimeUtc,
    /// How long a waitlisted person has to accept a freed seat.
    pub offer_hours: i32,
    /// `draft`, `published` or `cancelled`.
    pub status: String,
    pub personal_data_erased_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
