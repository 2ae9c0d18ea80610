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
        }
    }
}

/// The eligibility bases a representative may claim (the district's rule, as data).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Eligibility {
    LivesInDistrict,
    WorksInDistrict,
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
