use sea_orm::entity::prelude::*;

/// A major administrative decision in a year's catalog, with what each stage of its chain
/// recorded. `stage` is the last stage written; a consultation also closes by the clock.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub year: i32,
    pub title: String,
    pub sponsor_department_id: Uuid,
    pub summary: String,
    /// 制订背景.
    pub background: String,
    pub legal_basis: String,
    /// The planned timetable, as published in the catalog.
    pub timetable: String,
    pub stage: String,
    pub consultation_opens_at: Option<DateTimeUtc>,
    pub consultation_closes_at: Option<DateTimeUtc>,
    /// Why the window is shorter than 30 days; published with it.
    pub shortened_reason: Option<String>,
    pub feedback_narrative: Option<String>,
    pub feedback_published_at: Option<DateTimeUtc>,
    pub meeting_number: Option<String>,
    pub meeting_date: Option<Date>,
    pub deliberation_outcome: Option<String>,
    pub deliberation_notes: Option<String>,
    pub document_number: Option<String>,
    pub document_title: Option<String>,
    pub effective_date: Option<Date>,
    pub result_summary: Option<String>,
    pub withdrawn_reason: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
