//! Request and response objects of the decisions API.

use crate::timestamp::Timestamp;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use poem_openapi::{types::Example, Enum, Object};
use uuid::Uuid;

use super::stage::Stage;
use crate::departments::Department;

fn example_time(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 3, day, 2, 0, 0).unwrap()
}

fn example_id(n: u128) -> Uuid {
    Uuid::from_u128(0x0178_0a1b_2c3d_7e4f_9a8b_0000_0000_0000 + n)
}

/// A published document: a draft's explanation, minutes, the decision itself.
#[derive(Object, Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    /// An `http(s)://` address.
    #[oai(validator(
        min_length = 8,
        max_length = 2000,
        pattern = r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$"
    ))]
    pub url: String,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewDecision {
    /// The catalog year.
    #[oai(validator(minimum(value = "2000"), maximum(value = "2100")))]
    pub year: i32,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    /// The sponsoring department; staff may leave it out (their own department).
    pub sponsor_department_id: Option<Uuid>,
    #[oai(validator(max_length = 5000))]
    pub summary: String,
    /// 制订背景.
    #[oai(validator(max_length = 20000))]
    pub background: String,
    #[oai(validator(max_length = 5000))]
    pub legal_basis: String,
    /// The planned timetable, e.g. "2021年3月征求意见，6月提请区政府常务会议审议".
    #[oai(validator(max_length = 2000))]
    pub timetable: String,
}

impl Example for NewDecision {
    fn example() -> Self {
        Self {
            year: 2021,
            title: "杨浦区城区管理精细化“十四五”规划".into(),
            sponsor_department_id: Some(example_id(1)),
            summary: "明确“十四五”期间城区精细化管理的目标、任务和保障措施。".into(),
            background: "为落实《上海市城市管理精细化“十四五”规划》……".into(),
            legal_basis: "《重大行政决策程序暂行条例》".into(),
            timetable: "2021年3月公开征求意见，6月提请区政府常务会议审议".into(),
        }
    }
}

/// Changes to a decision's catalog entry; absent fields stay as they are.
#[derive(Object, Debug)]
#[oai(example)]
pub struct DecisionPatch {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    #[oai(validator(max_length = 5000))]
    pub summary: Option<String>,
    #[oai(validator(max_length = 20000))]
    pub background: Option<String>,
    #[oai(validator(max_length = 5000))]
    pub legal_basis: Option<String>,
    #[oai(validator(max_length = 2000))]
    pub timetable: Option<String>,
}

impl Example for DecisionPatch {
    fn example() -> Self {
        Self {
            title: None,
            summary: None,
            background: None,
            legal_basis: None,
            timetable: Some("2021年4月公开征求意见，7月提请区政府常务会议审议".into()),
        }
    }
}

/// The consultation window.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Consultation {
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    /// Why the window is shorter than 30 days; present only then.
    pub shortened_reason: Option<String>,
    /// Whether comments are accepted now.
    pub is_open: bool,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum DeliberationOutcome {
    Approved,
    ApprovedWithAmendments,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Deliberation {
    /// e.g. 区政府第138次常务会议.
    pub meeting_number: String,
    pub meeting_date: NaiveDate,
    pub outcome: DeliberationOutcome,
    pub notes: Option<String>,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct DecisionResult {
    /// e.g. 杨府发〔2021〕12号.
    pub document_number: String,
    pub document_title: String,
    pub effective_date: NaiveDate,
    pub summary: Option<String>,
}

/// A decision with everything its chain has disclosed so far.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Decision {
    pub id: Uuid,
    pub year: i32,
    pub title: String,
    pub sponsor: Department,
    /// The stage now: an open consultation closes by the clock.
    pub stage: Stage,
    pub summary: String,
    pub background: String,
    pub legal_basis: String,
    pub timetable: String,
    /// The latest draft version, once there is one.
    pub current_draft_version: Option<i32>,
    pub consultation: Option<Consultation>,
    pub feedback_published_at: Option<Timestamp>,
    pub deliberation: Option<Deliberation>,
    pub result: Option<DecisionResult>,
    pub withdrawn_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Example for Decision {
    fn example() -> Self {
        let new = NewDecision::example();
        Self {
            id: example_id(2),
            year: new.year,
            title: new.title,
            sponsor: Department {
                id: example_id(1),
                code: "jsglw".into(),
                name: "区建设管理委".into(),
            },
            stage: Stage::ConsultationOpen,
            summary: new.summary,
            background: new.background,
            legal_basis: new.legal_basis,
            timetable: new.timetable,
            current_draft_version: Some(1),
            consultation: Some(Consultation {
                opens_at: example_time(1).into(),
                closes_at: example_time(31).into(),
                shortened_reason: None,
                is_open: true,
            }),
            feedback_published_at: None,
            deliberation: None,
            result: None,
            withdrawn_reason: None,
            created_at: example_time(1).into(),
            updated_at: example_time(1).into(),
        }
    }
}

/// A decision as the catalog lists it.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct DecisionSummary {
    pub id: Uuid,
    pub year: i32,
    pub title: String,
    pub sponsor: Department,
    pub stage: Stage,
    pub summary: String,
    /// When the consultation closes, if it has a window.
    pub consultation_closes_at: Option<Timestamp>,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub at: Timestamp,
    /// The stage entered, or `draft_revised`, `consultation_extended`, `details_updated`.
    pub kind: String,
    /// The stage after this entry.
    pub stage: Stage,
    pub note: Option<String>,
    pub documents: Vec<Document>,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewDraft {
    /// The draft text in Markdown. Headings (`# …`) and articles (`第一条 …`) become sections
    /// that comments can point at.
    #[oai(validator(min_length = 1, max_length = 200000))]
    pub body: String,
    /// What changed from the previous version; required for every version after the first.
    #[oai(validator(max_length = 5000))]
    pub changelog: Option<String>,
    #[oai(default, validator(max_items = 20))]
    pub documents: Vec<Document>,
}

impl Example for NewDraft {
    fn example() -> Self {
        Self {
            body: "# 总则\n第一条 为提升城区精细化管理水平，制定本规划。\n第二条 本规划适用于杨浦区全域。".into(),
            changelog: None,
            documents: vec![Document { title: "起草说明".into(), url: "https://www.shyp.gov.cn/drafts/1.pdf".into() }],
        }
    }
}

#[derive(Object, Debug)]
pub struct DraftSection {
    /// Point a comment at this section with it, e.g. `s2`.
    pub anchor: String,
    /// The heading or the article number (第一条); empty for the preamble.
    pub heading: String,
    pub body: String,
    /// Published comments on this section of this version.
    pub comment_count: u64,
}

#[derive(Object, Debug)]
pub struct DraftChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Draft {
    pub id: Uuid,
    pub version: i32,
    pub published_at: Timestamp,
    pub body: String,
    pub changelog: Option<String>,
    /// Sections added, removed and changed since the previous version (by heading).
    pub changes: Option<DraftChanges>,
    pub sections: Vec<DraftSection>,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct ConsultationRequest {
    /// Defaults to now. Ignored when extending an open window.
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: DateTime<Utc>,
    /// Required when the window is shorter than 30 days; published with it.
    #[oai(validator(max_length = 2000))]
    pub shortened_reason: Option<String>,
}

impl Example for ConsultationRequest {
    fn example() -> Self {
        Self {
            opens_at: Some(example_time(1)),
            closes_at: example_time(31),
            shortened_reason: None,
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct DeliberationRequest {
    #[oai(validator(min_length = 1, max_length = 100))]
    pub meeting_number: String,
    pub meeting_date: NaiveDate,
    pub outcome: DeliberationOutcome,
    #[oai(validator(max_length = 5000))]
    pub notes: Option<String>,
    #[oai(default, validator(max_items = 20))]
    pub documents: Vec<Document>,
}

impl Example for DeliberationRequest {
    fn example() -> Self {
        Self {
            meeting_number: "区政府第138次常务会议".into(),
            meeting_date: NaiveDate::from_ymd_opt(2021, 6, 8).unwrap(),
            outcome: DeliberationOutcome::ApprovedWithAmendments,
            notes: Some("会议原则通过，请区建设管理委根据讨论意见修改完善后印发。".into()),
            documents: vec![],
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct ResultRequest {
    #[oai(validator(min_length = 1, max_length = 100))]
    pub document_number: String,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub document_title: String,
    pub effective_date: NaiveDate,
    #[oai(validator(max_length = 5000))]
    pub summary: Option<String>,
    #[oai(default, validator(max_items = 20))]
    pub documents: Vec<Document>,
}

impl Example for ResultRequest {
    fn example() -> Self {
        Self {
            document_number: "杨府发〔2021〕12号".into(),
            document_title: "杨浦区城区管理精细化“十四五”规划".into(),
            effective_date: NaiveDate::from_ymd_opt(2021, 7, 1).unwrap(),
            summary: None,
            documents: vec![Document {
                title: "规划全文".into(),
                url: "https://www.shyp.gov.cn/decisions/1.pdf".into(),
            }],
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct WithdrawalRequest {
    #[oai(validator(min_length = 1, max_length = 2000))]
    pub reason: String,
}

impl Example for WithdrawalRequest {
    fn example() -> Self {
        Self {
            reason: "上位规划调整，本决策事项不再推进。".into(),
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Channel {
    /// Submitted on the portal or in the app.
    Online,
    Letter,
    Symposium,
    Hearing,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewComment {
    #[oai(validator(min_length = 1, max_length = 5000))]
    pub body: String,
    /// The section of the current draft the comment is about (from `GET …/drafts`).
    #[oai(validator(max_length = 16))]
    pub section_anchor: Option<String>,
    /// Show the author's name in full on the public list (PIPL Art. 25); otherwise it is
    /// masked (张三 → 张**).
    #[oai(default)]
    pub name_consent: bool,
    /// Staff recording a comment received offline give its channel and the author's name.
    pub channel: Option<Channel>,
    #[oai(validator(min_length = 1, max_length = 64))]
    pub author_name: Option<String>,
}

impl Example for NewComment {
    fn example() -> Self {
        Self {
            body: "建议在第二条中增加对老旧小区非机动车停放的专项安排。".into(),
            section_anchor: Some("s2".into()),
            name_consent: false,
            channel: None,
            author_name: None,
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum CommentStatus {
    /// Waiting for moderation; seen only by its author and staff.
    Pending,
    Published,
    Rejected,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum RejectionReason {
    Spam,
    Abusive,
    OffTopic,
    /// It holds someone's personal data.
    PersonalData,
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Outcome {
    Adopted,
    PartiallyAdopted,
    /// Needs a reason, published in the feedback report.
    NotAdopted,
    /// Repeats another comment (`duplicate_of`).
    Duplicate,
}

/// A comment. The public sees published comments with the author's name masked; the author
/// and staff also see the tracking number and the moderation status.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Comment {
    pub id: Uuid,
    pub decision_id: Uuid,
    pub draft_version: i32,
    pub section_anchor: Option<String>,
    /// Masked (张**) unless the author consented to be named.
    pub author: String,
    pub channel: Channel,
    /// As written; for anyone but its author and staff, mobile numbers, ID card numbers and
    /// e-mail addresses in it are masked (`***`).
    pub body: String,
    pub created_at: Timestamp,
    pub outcome: Option<Outcome>,
    pub outcome_reason: Option<String>,
    pub duplicate_of: Option<Uuid>,
    /// For the author and staff only, e.g. `YP-2021-7K3M9Q`.
    pub tracking_number: Option<String>,
    /// For the author and staff only.
    pub status: Option<CommentStatus>,
    pub rejection_reason: Option<RejectionReason>,
}

impl Example for Comment {
    fn example() -> Self {
        let new = NewComment::example();
        Self {
            id: example_id(3),
            decision_id: example_id(2),
            draft_version: 1,
            section_anchor: new.section_anchor,
            author: "张**".into(),
            channel: Channel::Online,
            body: new.body,
            created_at: example_time(5).into(),
            outcome: None,
            outcome_reason: None,
            duplicate_of: None,
            tracking_number: Some("YP-2021-7K3M9Q".into()),
            status: Some(CommentStatus::Pending),
            rejection_reason: None,
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ModerationAction {
    Publish,
    Reject,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct ModerationRequest {
    pub action: ModerationAction,
    /// Required to reject.
    pub reason: Option<RejectionReason>,
}

impl Example for ModerationRequest {
    fn example() -> Self {
        Self {
            action: ModerationAction::Reject,
            reason: Some(RejectionReason::OffTopic),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct OutcomeRequest {
    pub outcome: Outcome,
    /// Required for `not_adopted`; published in the feedback report.
    #[oai(validator(max_length = 2000))]
    pub reason: Option<String>,
    /// Required for `duplicate`: the comment this one repeats.
    pub duplicate_of: Option<Uuid>,
}

impl Example for OutcomeRequest {
    fn example() -> Self {
        Self {
            outcome: Outcome::NotAdopted,
            reason: Some("该事项已由其他专项规划统筹安排。".into()),
            duplicate_of: None,
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct FeedbackRequest {
    /// Staff's account of how the comments shaped the decision.
    #[oai(validator(min_length = 1, max_length = 20000))]
    pub narrative: String,
}

impl Example for FeedbackRequest {
    fn example() -> Self {
        Self {
            narrative: "征求意见期间共收到意见42条，经认真研究，采纳或部分采纳29条。".into(),
        }
    }
}

#[derive(Object, Debug, Default, Clone, PartialEq, Eq)]
pub struct OutcomeCounts {
    pub adopted: u64,
    pub partially_adopted: u64,
    pub not_adopted: u64,
    pub duplicate: u64,
    pub total: u64,
}

#[derive(Object, Debug)]
pub struct SectionFeedback {
    pub draft_version: i32,
    /// Empty for comments on the draft as a whole.
    pub section_anchor: String,
    pub heading: String,
    pub counts: OutcomeCounts,
}

/// Where a comment stands, found by its tracking number: no text and no name, so that a
/// number guessed tells nothing about anyone.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct CommentReceipt {
    pub tracking_number: String,
    pub decision_id: Uuid,
    pub decision_title: String,
    pub created_at: Timestamp,
    pub status: CommentStatus,
    pub rejection_reason: Option<RejectionReason>,
    /// Once the feedback report is published.
    pub outcome: Option<Outcome>,
    pub outcome_reason: Option<String>,
    /// Whether the author consented to be named with it (else 张**); in the author's own
    /// list only.
    pub name_consent: Option<bool>,
    /// In the author's own list only.
    pub body: Option<String>,
}

/// The author's consent to be named with their comment, given or withdrawn.
#[derive(Object, Debug)]
#[oai(example)]
pub struct NameConsent {
    pub name_consent: bool,
}

impl Example for NameConsent {
    fn example() -> Self {
        Self {
            name_consent: false,
        }
    }
}

impl Example for CommentReceipt {
    fn example() -> Self {
        Self {
            tracking_number: "YP-2021-7K3M9Q".into(),
            decision_id: example_id(2),
            decision_title: "杨浦区城区管理精细化“十四五”规划".into(),
            created_at: Utc.with_ymd_and_hms(2021, 8, 2, 2, 0, 0).unwrap().into(),
            status: CommentStatus::Published,
            rejection_reason: None,
            outcome: Some(Outcome::Adopted),
            outcome_reason: None,
            name_consent: None,
            body: None,
        }
    }
}

#[derive(Object, Debug)]
pub struct RejectionCount {
    pub reason: RejectionReason,
    pub comments: u64,
}

/// A reason given for not adopting comments on one section (or the draft as a whole), with
/// how many comments it was given for: the same words for many comments are one line.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct NotAdoptedReason {
    pub section_anchor: Option<String>,
    pub reason: String,
    pub comments: u64,
}

/// 采纳情况: computed from the comments' outcomes, never typed.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct FeedbackReport {
    pub decision_id: Uuid,
    /// Absent while staff preview the report before publishing it.
    pub published_at: Option<Timestamp>,
    pub narrative: Option<String>,
    /// Comments received in all, published or not (those waiting for moderation included).
    pub received: u64,
    /// Comments not published, per reason.
    pub not_published: Vec<RejectionCount>,
    pub totals: OutcomeCounts,
    pub by_section: Vec<SectionFeedback>,
    /// The reasons for not adopting, the most given first; at most 500 (the comments
    /// themselves are listed, page by page, at `GET /decisions/{id}/comments?outcome=not_adopted`).
    pub not_adopted: Vec<NotAdoptedReason>,
}
