//! Request and response objects of the events API.

use crate::timestamp::Timestamp;
use chrono::{DateTime, TimeZone, Utc};
use poem_openapi::{types::Example, Enum, Object};
use uuid::Uuid;

use crate::departments::Department;

fn example_time(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 10, day, hour, 0, 0).unwrap()
}

fn example_id(n: u128) -> Uuid {
    Uuid::from_u128(0x017c_3b2a_1d0e_7f6a_8b9c_0000_0000_0000 + n)
}

/// The eight themes of the Government Open Month.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum Theme {
    /// 一网统管
    OneNetworkGovernance,
    /// 政务服务
    GovernmentServices,
    /// 重大工程
    MajorProjects,
    /// 民生保障
    Livelihood,
    /// 公正监管
    FairRegulation,
    /// 法律服务
    LegalServices,
    /// 社区建设
    CommunityBuilding,
    /// 公共卫生安全
    PublicHealth,
}

impl Theme {
    /// Every theme, in the order the calendar shows them.
    pub const ALL: [Theme; 8] = [
        Theme::OneNetworkGovernance,
        Theme::GovernmentServices,
        Theme::MajorProjects,
        Theme::Livelihood,
        Theme::FairRegulation,
        Theme::LegalServices,
        Theme::CommunityBuilding,
        Theme::PublicHealth,
    ];

    /// Its name in Chinese and in English.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            Theme::OneNetworkGovernance => ("一网统管", "One-network city management"),
            Theme::GovernmentServices => ("政务服务", "Government services"),
            Theme::MajorProjects => ("重大工程", "Major projects"),
            Theme::Livelihood => ("民生保障", "Livelihood and welfare"),
            Theme::FairRegulation => ("公正监管", "Fair regulation"),
            Theme::LegalServices => ("法律服务", "Legal services"),
            Theme::CommunityBuilding => ("社区建设", "Community building"),
            Theme::PublicHealth => ("公共卫生安全", "Public health and safety"),
        }
    }
}

/// A theme with the names to show for it.
#[derive(Object, Debug)]
#[oai(example)]
pub struct ThemeLabel {
    pub theme: Theme,
    /// Its name in Chinese (`zh-CN`).
    pub zh: String,
    /// Its name in English.
    pub en: String,
}

impl From<Theme> for ThemeLabel {
    fn from(theme: Theme) -> Self {
        let (zh, en) = theme.labels();
        Self {
            theme,
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl Example for ThemeLabel {
    fn example() -> Self {
        Theme::CommunityBuilding.into()
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum EventStatus {
    /// Seen only by its department's staff.
    Draft,
    Published,
    /// Everyone signed up has been notified.
    Cancelled,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewEvent {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: String,
    pub theme: Theme,
    /// Staff may leave it out (their own department).
    pub host_department_id: Option<Uuid>,
    #[oai(validator(max_length = 10000))]
    pub description: String,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub venue: String,
    /// The venue's street address, for a map or a taxi.
    #[oai(default, validator(max_length = 200))]
    pub address: String,
    /// Step-free access, hearing loops, …
    #[oai(validator(max_length = 2000))]
    pub accessibility_notes: String,
    /// Whom to call or write about accessibility needs before the day.
    #[oai(default, validator(max_length = 200))]
    pub accessibility_contact: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[oai(validator(minimum(value = "1"), maximum(value = "100000")))]
    pub capacity: i32,
    /// The most people one signup may bring, the resident included.
    #[oai(validator(minimum(value = "1"), maximum(value = "10")))]
    pub max_party_size: i32,
    pub signup_opens_at: DateTime<Utc>,
    pub signup_closes_at: DateTime<Utc>,
    /// Hours a waitlisted person has to accept a freed seat (never past the start).
    #[oai(
        default = "default_offer_hours",
        validator(minimum(value = "1"), maximum(value = "168"))
    )]
    pub offer_hours: i32,
    /// `draft` (default) or `published`.
    #[oai(default = "default_status")]
    pub status: EventStatus,
}

fn default_offer_hours() -> i32 {
    24
}

fn default_status() -> EventStatus {
    EventStatus::Draft
}

impl Example for NewEvent {
    fn example() -> Self {
        Self {
            title: "走进区城运中心：看“一网统管”如何运转".into(),
            theme: Theme::OneNetworkGovernance,
            host_department_id: Some(example_id(1)),
            description: "参观城市运行管理中心，了解城区运行“一屏观、一网管”。".into(),
            venue: "杨浦区城运中心（江浦路）".into(),
            address: "上海市杨浦区江浦路549号".into(),
            accessibility_notes: "全程无障碍通道，可预约手语翻译。".into(),
            accessibility_contact: "区政府开放月办公室 kaifangyue@yangpu.demo".into(),
            starts_at: example_time(20, 1),
            ends_at: example_time(20, 3),
            capacity: 50,
            max_party_size: 2,
            signup_opens_at: example_time(8, 0),
            signup_closes_at: example_time(19, 10),
            offer_hours: 24,
            status: EventStatus::Published,
        }
    }
}

/// Changes to an event; absent fields stay as they are. Lowering the capacity below the
/// seats taken is refused; raising it offers the new seats to the waitlist.
#[derive(Object, Debug, Default)]
#[oai(example)]
pub struct EventPatch {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub title: Option<String>,
    #[oai(validator(max_length = 10000))]
    pub description: Option<String>,
    #[oai(validator(min_length = 1, max_length = 200))]
    pub venue: Option<String>,
    #[oai(validator(max_length = 200))]
    pub address: Option<String>,
    #[oai(validator(max_length = 2000))]
    pub accessibility_notes: Option<String>,
    #[oai(validator(max_length = 200))]
    pub accessibility_contact: Option<String>,
    #[oai(validator(minimum(value = "1"), maximum(value = "100000")))]
    pub capacity: Option<i32>,
    #[oai(validator(minimum(value = "1"), maximum(value = "10")))]
    pub max_party_size: Option<i32>,
    pub signup_closes_at: Option<DateTime<Utc>>,
    /// `published`, or `cancelled` (notifies everyone signed up).
    pub status: Option<EventStatus>,
}

impl Example for EventPatch {
    fn example() -> Self {
        Self {
            capacity: Some(60),
            ..Default::default()
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct Event {
    pub id: Uuid,
    pub title: String,
    pub theme: Theme,
    pub host: Department,
    pub description: String,
    pub venue: String,
    /// The venue's street address; empty when not given.
    pub address: String,
    pub accessibility_notes: String,
    /// Whom to contact about accessibility needs; empty when not given.
    pub accessibility_contact: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub capacity: i32,
    /// Seats a newcomer can get now: free seats, or none while anyone is waiting (a seat too
    /// small for the first in line is not offered past them).
    pub seats_left: i32,
    pub waitlist_length: u64,
    pub max_party_size: i32,
    pub signup_opens_at: Timestamp,
    pub signup_closes_at: Timestamp,
    pub offer_hours: i32,
    pub status: EventStatus,
    /// Whether a signup is accepted now.
    pub signup_open: bool,
}

impl Example for Event {
    fn example() -> Self {
        let new = NewEvent::example();
        Self {
            id: example_id(2),
            title: new.title,
            theme: new.theme,
            host: Department {
                id: example_id(1),
                code: "cyzx".into(),
                name: "区城运中心".into(),
            },
            description: new.description,
            venue: new.venue,
            address: new.address,
            accessibility_notes: new.accessibility_notes,
            accessibility_contact: new.accessibility_contact,
            starts_at: new.starts_at.into(),
            ends_at: new.ends_at.into(),
            capacity: new.capacity,
            seats_left: 12,
            waitlist_length: 0,
            max_party_size: new.max_party_size,
            signup_opens_at: new.signup_opens_at.into(),
            signup_closes_at: new.signup_closes_at.into(),
            offer_hours: new.offer_hours,
            status: EventStatus::Published,
            signup_open: true,
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum SignupStatus {
    Confirmed,
    Waitlisted,
    /// A freed seat is held until `offer_expires_at`; accept or decline it.
    Offered,
    Cancelled,
    Declined,
    /// The offer was not accepted in time.
    Expired,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct NewSignup {
    /// People coming, the resident included.
    #[oai(
        default = "one",
        validator(minimum(value = "1"), maximum(value = "10"))
    )]
    pub party_size: i32,
}

fn one() -> i32 {
    1
}

impl Example for NewSignup {
    fn example() -> Self {
        Self { party_size: 2 }
    }
}

/// A signup as its owner sees it.
#[derive(Object, Debug)]
#[oai(example, skip_serializing_if_is_none)]
pub struct Signup {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_title: String,
    pub event_starts_at: Timestamp,
    pub party_size: i32,
    pub status: SignupStatus,
    /// 1 is next in line; only while waitlisted.
    pub waitlist_position: Option<u64>,
    pub offer_expires_at: Option<Timestamp>,
    /// Shown at the door as a QR code (`GET /signups/{id}/qr.svg`) and written under it, eight
    /// characters (`7KQM-3XPA`) staff can type; only while confirmed.
    pub checkin_code: Option<String>,
    pub checked_in_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl Example for Signup {
    fn example() -> Self {
        Self {
            id: example_id(3),
            event_id: example_id(2),
            event_title: NewEvent::example().title,
            event_starts_at: example_time(20, 1).into(),
            party_size: 2,
            status: SignupStatus::Waitlisted,
            waitlist_position: Some(3),
            offer_expires_at: None,
            checkin_code: None,
            checked_in_at: None,
            created_at: example_time(9, 2).into(),
        }
    }
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct OfferResponse {
    pub accept: bool,
}

impl Example for OfferResponse {
    fn example() -> Self {
        Self { accept: true }
    }
}

/// A signup as the host department's staff see it.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct Attendee {
    pub signup_id: Uuid,
    /// The person's display name; absent once personal data was erased.
    pub name: Option<String>,
    /// The last four digits of the person's mobile number (absent for an e-mail login or
    /// once personal data was erased), to tell two people of one name apart.
    pub phone_ending: Option<String>,
    pub party_size: i32,
    pub status: SignupStatus,
    pub waitlist_position: Option<u64>,
    pub checked_in_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct CheckinRequest {
    /// The code under the person's QR code, e.g. `7KQM-3XPA`; case, spaces and dashes do not
    /// matter.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub code: String,
}

impl Example for CheckinRequest {
    fn example() -> Self {
        Self {
            code: "7KQM-3XPA".into(),
        }
    }
}

#[derive(Object, Debug)]
pub struct Checkin {
    pub signup_id: Uuid,
    /// Masked name (张**) to confirm at the door.
    pub attendee: String,
    /// The last four digits of the person's mobile number, to tell two 李** apart; absent
    /// for an e-mail login.
    pub phone_ending: Option<String>,
    pub party_size: i32,
    /// When they signed up.
    pub signed_up_at: Timestamp,
    pub checked_in_at: Timestamp,
}

#[derive(Object, Debug)]
pub struct Scan {
    #[oai(validator(min_length = 1, max_length = 64))]
    pub code: String,
    /// Unique per scan on the device; replaying a scan with the same nonce changes nothing.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub device_nonce: String,
    pub scanned_at: DateTime<Utc>,
}

#[derive(Object, Debug)]
#[oai(example)]
pub struct ScanBatch {
    #[oai(validator(min_items = 1, max_items = 500))]
    pub scans: Vec<Scan>,
}

impl Example for ScanBatch {
    fn example() -> Self {
        Self {
            scans: vec![Scan {
                code: "k7Q2mR9xT4vW8yZ1".into(),
                device_nonce: "scanner-3:000127".into(),
                scanned_at: example_time(20, 1),
            }],
        }
    }
}

#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ScanOutcome {
    /// This scan checked the signup in (also when the same scan is replayed).
    CheckedIn,
    /// Another scan checked it in earlier.
    AlreadyCheckedIn,
    /// No signup of this event has the code.
    UnknownCode,
    /// The signup is not confirmed (waitlisted, cancelled, …).
    NotConfirmed,
    /// The scan's time is outside the event's check-in window (from two hours before the
    /// start to the end) or before the signup was made; nothing was recorded.
    OutsideCheckinWindow,
}

#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct ScanResult {
    pub device_nonce: String,
    pub outcome: ScanOutcome,
    pub signup_id: Option<Uuid>,
    pub checked_in_at: Option<Timestamp>,
}
