//! Request and response objects of the meetings API.

use chrono::{DateTime, TimeZone, Utc};
use poem_openapi::{types::Example, Enum, Object};
use uuid::Uuid;

use crate::{departments::Department, timestamp::Timestamp};

fn example_id(n: u128) -> Uuid {
    Uuid::from_u128(0x017c_3b2a_1d0e_7f6a_8b9c_0000_0000_0200 + n)
}

fn example_time(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 10, day, hour, 0, 0).unwrap()
}

/// Who a public representative is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[oai(rename_all = "snake_case")]
pub enum Category {
    /// 人大代表
    NpcDeputy,
    /// 政协委员
    CppccMember,
    /// 社会组织
    SocialOrganisation,
    /// 企业
    Business,
    /// 法律界
    Legal,
    /// 居民
    Resident,
}

/// Where a meeting stands. `applications_open` and `applications_closed` follow the
/// applications window; the rest are set by staff or by the selection.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum MeetingStatus {
    Planned,
    ApplicationsOpen,
    ApplicationsClosed,
    /// The seats are allotted.
    Drawn,
    Held,
    MinutesPublished,
    Cancelled,
}

/// How a meeting's observer seats are allotted.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum SelectionMethod {
    /// In the order the applications came.
    FirstCome,
    /// Staff accept or reject each application, with a reason for a rejection; those
    /// accepted take the seats in the order accepted, the rest of them wait in that order.
    Review,
    /// A lottery anyone can verify (docs/lottery.md).
    Lottery,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewMeeting {
    /// 第几次常务会议.
    #[oai(validator(minimum(value = "1"), maximum(value = "100000")))]
    pub number: i32,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    /// The organising department; defaults to the staff member's own.
    pub department_id: Option<Uuid>,
    pub starts_at: DateTime<Utc>,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub place: String,
}

impl Example for NewMeeting {
    fn example() -> Self {
        Self {
            number: 140,
            title: "区政府第140次常务会议".into(),
            department_id: None,
            starts_at: example_time(28, 1),
            place: "区政府第一会议室".into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewAgendaItem {
    #[oai(validator(min_length = 1, max_length = 300))]
    pub title: String,
    pub presenting_department_id: Uuid,
    /// The major decision it deliberates, if any.
    pub decision_id: Option<Uuid>,
    /// Hidden from the public (and from representatives).
    #[oai(default)]
    pub confidential: bool,
}

impl Example for NewAgendaItem {
    fn example() -> Self {
        Self {
            title: "审议《杨浦区城区管理精细化“十四五”规划》".into(),
            presenting_department_id: example_id(1),
            decision_id: Some(example_id(2)),
            confidential: false,
        }
    }
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct AgendaItem {
    pub id: Uuid,
    pub position: i32,
    pub title: String,
    pub presenting_department: Department,
    pub decision_id: Option<Uuid>,
    pub confidential: bool,
}

#[derive(Object, Debug, Clone, PartialEq, Eq)]
pub struct SeatQuota {
    pub category: Category,
    #[oai(validator(minimum(value = "0"), maximum(value = "100")))]
    pub seats: i32,
}

/// How a meeting takes observers: seats per category, the applications window, the method.
#[derive(Object, Debug)]
#[oai(example)]
pub struct SeatPlan {
    #[oai(validator(min_items = 1, max_items = 6))]
    pub quotas: Vec<SeatQuota>,
    pub applications_open_at: DateTime<Utc>,
    pub applications_close_at: DateTime<Utc>,
    pub selection_method: SelectionMethod,
    /// For a lottery: the public value the seed will come from, named before it exists
    /// (e.g. "上证综合指数 2021年10月15日 收盘点位").
    #[oai(validator(min_length = 1, max_length = 300))]
    pub public_value_source: Option<String>,
    /// For a lottery: when that value is fixed, after applications close and before the
    /// meeting. The pool is committed before it, the draw made after it.
    pub public_value_at: Option<DateTime<Utc>>,
}

impl Example for SeatPlan {
    fn example() -> Self {
        let quota = |category, seats| SeatQuota { category, seats };
        Self {
            quotas: vec![
                quota(Category::NpcDeputy, 3),
                quota(Category::CppccMember, 3),
                quota(Category::SocialOrganisation, 3),
                quota(Category::Business, 3),
                quota(Category::Legal, 3),
            ],
            applications_open_at: example_time(8, 1),
            applications_close_at: example_time(15, 1),
            selection_method: SelectionMethod::Lottery,
            public_value_source: Some("上海证券交易所 上证综合指数 2021年10月15日 收盘点位".into()),
            public_value_at: Some(example_time(15, 7)),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Meeting {
    pub id: Uuid,
    pub number: i32,
    pub title: String,
    pub department: Department,
    pub starts_at: Timestamp,
    pub place: String,
    pub status: MeetingStatus,
    pub selection_method: SelectionMethod,
    pub applications_open_at: Option<Timestamp>,
    pub applications_close_at: Option<Timestamp>,
    pub public_value_source: Option<String>,
    pub public_value_at: Option<Timestamp>,
    pub quotas: Vec<SeatQuota>,
    /// Confidential items only for staff.
    pub agenda: Vec<AgendaItem>,
    /// Once the seats are allotted: per category, the observers seated and, once recorded,
    /// those who attended.
    pub observers: Vec<Observers>,
    /// Given when the minutes are published.
    pub conclusion: Option<String>,
    pub cancellation_reason: Option<String>,
}

#[derive(Object, Debug, Clone, PartialEq, Eq)]
pub struct Observers {
    pub category: Category,
    pub seated: u32,
    /// Absent until staff record the attendance.
    pub attended: Option<u32>,
}

impl Example for Meeting {
    fn example() -> Self {
        Self {
            id: example_id(3),
            number: 140,
            title: "区政府第140次常务会议".into(),
            department: Department::example(),
            starts_at: example_time(28, 1).into(),
            place: "区政府第一会议室".into(),
            status: MeetingStatus::ApplicationsOpen,
            selection_method: SelectionMethod::Lottery,
            applications_open_at: Some(example_time(8, 1).into()),
            applications_close_at: Some(example_time(15, 1).into()),
            public_value_source: Some("上海证券交易所 上证综合指数 2021年10月15日 收盘点位".into()),
            public_value_at: Some(example_time(15, 7).into()),
            quotas: SeatPlan::example().quotas,
            agenda: vec![AgendaItem {
                id: example_id(4),
                position: 1,
                title: "审议《杨浦区城区管理精细化“十四五”规划》".into(),
                presenting_department: Department::example(),
                decision_id: Some(example_id(2)),
                confidential: false,
            }],
            observers: vec![],
            conclusion: None,
            cancellation_reason: None,
        }
    }
}

pub use crate::config::Eligibility;

/// The district's rule for who may apply to be a public representative.
#[derive(Object, Debug)]
#[oai(example)]
pub struct EligibilityRule {
    /// An applicant claims one of these.
    pub accepted: Vec<Eligibility>,
}

impl Example for EligibilityRule {
    fn example() -> Self {
        Self {
            accepted: vec![Eligibility::LivesInDistrict, Eligibility::WorksInDistrict],
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewRepresentative {
    pub category: Category,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub organisation: String,
    /// Why they would observe, in a few sentences.
    #[oai(validator(min_length = 1, max_length = 1000))]
    pub statement: String,
    pub eligibility: Eligibility,
}

impl Example for NewRepresentative {
    fn example() -> Self {
        Self {
            category: Category::NpcDeputy,
            organisation: "杨浦区人大常委会".into(),
            statement: "长期关注城区精细化管理，希望列席讨论相关议题。".into(),
            eligibility: Eligibility::LivesInDistrict,
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum RepresentativeStatus {
    Pending,
    Verified,
    Refused,
    Withdrawn,
}

#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Representative {
    pub id: Uuid,
    /// Shown to its owner and to staff only.
    pub name: String,
    pub category: Category,
    pub organisation: String,
    pub statement: String,
    pub eligibility: Eligibility,
    pub status: RepresentativeStatus,
    pub reason: Option<String>,
    pub created_at: Timestamp,
}

impl Example for Representative {
    fn example() -> Self {
        let new = NewRepresentative::example();
        Self {
            id: example_id(5),
            name: "王**".into(),
            category: new.category,
            organisation: new.organisation,
            statement: new.statement,
            eligibility: new.eligibility,
            status: RepresentativeStatus::Verified,
            reason: None,
            created_at: example_time(1, 2).into(),
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Verdict {
    Verified,
    Refused,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct Verification {
    pub verdict: Verdict,
    /// Required when refusing: the applicant is told.
    #[oai(validator(min_length = 1, max_length = 500))]
    pub reason: Option<String>,
}

impl Example for Verification {
    fn example() -> Self {
        Self {
            verdict: Verdict::Verified,
            reason: None,
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewApplication {
    /// The agenda items the representative cares about (public ones of this meeting).
    #[oai(validator(max_items = 20))]
    pub agenda_item_ids: Vec<Uuid>,
}

impl Example for NewApplication {
    fn example() -> Self {
        Self {
            agenda_item_ids: vec![example_id(4)],
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Applied,
    Seated,
    Waitlisted,
    /// Staff's review turned it down, with a reason.
    Rejected,
    Withdrawn,
}

#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Application {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub category: Category,
    /// How the lottery's published pool names this applicant.
    pub pseudonym: String,
    pub agenda_item_ids: Vec<Uuid>,
    pub status: ApplicationStatus,
    /// 1 for the first in line.
    pub waitlist_position: Option<i32>,
    /// Staff only: the applicant's name.
    pub applicant: Option<String>,
    /// Why staff's review rejected it.
    pub reason: Option<String>,
    /// For a seat, once staff have recorded the attendance.
    pub attended: Option<bool>,
    pub created_at: Timestamp,
}

impl Example for Application {
    fn example() -> Self {
        Self {
            id: example_id(6),
            meeting_id: example_id(3),
            category: Category::NpcDeputy,
            pseudonym: "K7M2Q9XA".into(),
            agenda_item_ids: vec![example_id(4)],
            status: ApplicationStatus::Seated,
            waitlist_position: None,
            applicant: None,
            reason: None,
            attended: None,
            created_at: example_time(9, 2).into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct PublicValue {
    /// As the named source published it, with exactly two decimals, no sign and no grouping
    /// (`3572.37`), so that it has one spelling.
    #[oai(validator(pattern = r"^(0|[1-9][0-9]*)\.[0-9]{2}$", max_length = 30))]
    pub value: String,
}

impl Example for PublicValue {
    fn example() -> Self {
        Self {
            value: "3572.37".into(),
        }
    }
}

/// One category's seats after the selection.
#[derive(Object, Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CategorySeats {
    pub category: String,
    pub seats: u32,
    /// Pseudonyms, in the order drawn (or applied).
    pub seated: Vec<String>,
    /// Pseudonyms, in the order they take a seat given back.
    pub waitlist: Vec<String>,
}

#[derive(Object, Debug, Clone)]
pub struct DrawCommitment {
    /// The canonical text of the pool (docs/lottery.md).
    pub text: String,
    pub sha256: String,
}

/// A meeting's lottery: every input and the seats. Saved to a file, it is what
/// `python3 docs/verify_draw.py draw.json` checks.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Draw {
    pub meeting_id: Uuid,
    pub algorithm: String,
    pub commitment: DrawCommitment,
    pub committed_at: Timestamp,
    pub public_value_source: String,
    pub public_value_at: Timestamp,
    /// Absent until staff enter it.
    pub public_value: Option<String>,
    /// Hex; absent until drawn.
    pub seed: Option<String>,
    pub drawn_at: Option<Timestamp>,
    /// The seats as drawn (empty until drawn).
    pub categories: Vec<CategorySeats>,
    /// The seats as they stand: withdrawals since the draw passed seats down the waitlists
    /// (empty until drawn).
    pub current: Vec<CategorySeats>,
}

impl Example for Draw {
    fn example() -> Self {
        Self {
            meeting_id: example_id(3),
            algorithm: "canyu-lottery-1".into(),
            commitment: DrawCommitment {
                text: "canyu-lottery-1\nmeeting 017c3b2a-1d0e-7f6a-8b9c-000000000203\nsource 上海证券交易所 上证综合指数 2021年10月15日 收盘点位\nvalue_at 2021-10-15T07:00:00Z\nquota npc_deputy 1\napplicant K7M2Q9XA npc_deputy\n".into(),
                sha256: "5f0c…".into(),
            },
            committed_at: example_time(15, 1).into(),
            public_value_source: "上海证券交易所 上证综合指数 2021年10月15日 收盘点位".into(),
            public_value_at: example_time(15, 7).into(),
            public_value: Some("3572.37".into()),
            seed: Some("e4f4…".into()),
            drawn_at: Some(example_time(15, 9).into()),
            categories: vec![CategorySeats {
                category: "npc_deputy".into(),
                seats: 1,
                seated: vec!["K7M2Q9XA".into()],
                waitlist: vec![],
            }],
            current: vec![CategorySeats {
                category: "npc_deputy".into(),
                seats: 1,
                seated: vec!["K7M2Q9XA".into()],
                waitlist: vec![],
            }],
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ReviewVerdict {
    Accepted,
    Rejected,
}

/// Staff's word on one application, for a meeting whose seats are allotted by review.
#[derive(Object, Debug)]
#[oai(example)]
pub struct Review {
    pub verdict: ReviewVerdict,
    /// Required when rejecting: the applicant is told.
    #[oai(validator(min_length = 1, max_length = 500))]
    pub reason: Option<String>,
}

impl Example for Review {
    fn example() -> Self {
        Self {
            verdict: ReviewVerdict::Rejected,
            reason: Some("所关注议题与本次会议议程无关".into()),
        }
    }
}

/// What the meeting resolved on an agenda item that deliberates a major decision.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ItemOutcome {
    Approved,
    ApprovedWithAmendments,
    /// Not deliberated this time: nothing is recorded on the decision.
    Deferred,
}

/// How the meeting dealt with an agenda item that deliberates a major decision.
#[derive(Object, Debug)]
pub struct ItemDeliberation {
    pub agenda_item_id: Uuid,
    pub outcome: ItemOutcome,
    #[oai(validator(max_length = 5000))]
    pub notes: Option<String>,
}

/// The meeting took place: the outcome of each agenda item that deliberates a major decision,
/// recorded on that decision's timeline.
#[derive(Object, Debug)]
#[oai(example)]
pub struct HeldMeeting {
    /// One for each agenda item with a decision, and none for the others.
    #[oai(validator(max_items = 100))]
    pub deliberations: Vec<ItemDeliberation>,
}

impl Example for HeldMeeting {
    fn example() -> Self {
        Self {
            deliberations: vec![ItemDeliberation {
                agenda_item_id: example_id(4),
                outcome: ItemOutcome::ApprovedWithAmendments,
                notes: Some("会议原则通过，请区建设管理委根据讨论意见修改完善后印发。".into()),
            }],
        }
    }
}

/// Who of those seated attended.
#[derive(Object, Debug)]
#[oai(example)]
pub struct Attendance {
    /// Applications holding a seat whose holder attended; the other seats were empty.
    #[oai(validator(max_items = 600))]
    pub attended: Vec<Uuid>,
}

impl Example for Attendance {
    fn example() -> Self {
        Self {
            attended: vec![example_id(6)],
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewOpinion {
    /// A public agenda item of the meeting.
    pub agenda_item_id: Uuid,
    #[oai(validator(min_length = 1, max_length = 2000))]
    pub text: String,
    /// The representative consents to be named with it in public; otherwise their name is
    /// masked. Only a representative's own opinion carries it; one staff write down is
    /// masked.
    #[oai(default)]
    pub named: bool,
    /// Staff writing down a representative's opinion name that representative's seat.
    pub application_id: Option<Uuid>,
}

impl Example for NewOpinion {
    fn example() -> Self {
        Self {
            agenda_item_id: example_id(4),
            text: "建议在规划中明确背街小巷的保洁频次和考核办法。".into(),
            named: false,
            application_id: None,
        }
    }
}

#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Opinion {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub agenda_item_id: Uuid,
    pub category: Category,
    /// Masked in public unless the representative consented to be named.
    pub representative: String,
    /// In public, with phone numbers and the like masked.
    pub text: String,
    pub named: bool,
    pub created_at: Timestamp,
    /// How staff handled it.
    pub handling: Option<String>,
    pub handled_at: Option<Timestamp>,
}

impl Example for Opinion {
    fn example() -> Self {
        let new = NewOpinion::example();
        Self {
            id: example_id(7),
            meeting_id: example_id(3),
            agenda_item_id: new.agenda_item_id,
            category: Category::NpcDeputy,
            representative: "刘*国".into(),
            text: new.text,
            named: false,
            created_at: example_time(28, 2).into(),
            handling: Some("已采纳，规划第三章增加背街小巷保洁频次要求。".into()),
            handled_at: Some(example_time(29, 2).into()),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct Handling {
    /// How the opinion was handled; the representative is told.
    #[oai(validator(min_length = 1, max_length = 2000))]
    pub handling: String,
}

impl Example for Handling {
    fn example() -> Self {
        Self {
            handling: "已采纳，规划第三章增加背街小巷保洁频次要求。".into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct Minutes {
    /// The meeting's conclusion; every seated representative is told.
    #[oai(validator(min_length = 1, max_length = 5000))]
    pub conclusion: String,
}

impl Example for Minutes {
    fn example() -> Self {
        Self {
            conclusion: "会议原则通过《杨浦区城区管理精细化“十四五”规划》，请区建设管理委吸收列席代表意见修改完善后印发。".into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct Cancellation {
    /// Every applicant is told.
    #[oai(validator(min_length = 1, max_length = 500))]
    pub reason: String,
}

impl Example for Cancellation {
    fn example() -> Self {
        Self {
            reason: "会议议程调整，本次会议取消。".into(),
        }
    }
}
