//! Response objects of the reports API.

use poem_openapi::{types::Example, Object};
use uuid::Uuid;

use crate::{
    decisions::{dto::Outcome, stage::Stage},
    departments::Department,
    events::dto::Theme,
};

/// What a group of open days (all of them, a theme's, a department's) came to.
#[derive(Object, Debug, Clone, Default, PartialEq)]
#[oai(skip_serializing_if_is_none)]
pub struct OpenDayFigures {
    /// Open days held (published, already ended).
    pub events: u64,
    /// Signups holding a seat.
    pub signups: u64,
    /// Signups checked in at the door.
    pub attended: u64,
    /// People who came (checked-in signups with their party).
    pub people: u64,
    /// Survey responses.
    pub responses: u64,
    /// Overall-satisfaction ratings given.
    pub rated: u64,
    /// Their mean (1–5), to two decimals.
    pub satisfaction: Option<f64>,
    /// Percent of them that were 4 or 5, to one decimal.
    pub csat: Option<f64>,
}

#[derive(Object, Debug)]
pub struct ThemeFigures {
    pub theme: Theme,
    pub figures: OpenDayFigures,
}

#[derive(Object, Debug)]
pub struct DepartmentFigures {
    pub department: Department,
    pub figures: OpenDayFigures,
}

/// An open day and how it was rated.
#[derive(Object, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct RatedEvent {
    pub event_id: Uuid,
    pub title: String,
    pub theme: Theme,
    pub responses: u64,
    /// Responses that rated it (its first rating question), at least 5.
    pub rated: u64,
    pub satisfaction: Option<f64>,
    pub csat: Option<f64>,
}

/// The Government Open Month of one year, as the district reports it.
#[derive(Object, Debug)]
#[oai(example)]
pub struct OpenMonthReport {
    pub year: i32,
    pub overall: OpenDayFigures,
    /// Every theme, in the calendar's order.
    pub by_theme: Vec<ThemeFigures>,
    /// Each host department with open days held.
    pub by_department: Vec<DepartmentFigures>,
    /// The five lowest-rated open days with at least 5 published ratings, lowest first.
    pub lowest_rated: Vec<RatedEvent>,
}

impl Example for OpenMonthReport {
    fn example() -> Self {
        let figures = OpenDayFigures {
            events: 32,
            signups: 880,
            attended: 760,
            people: 1104,
            responses: 512,
            rated: 510,
            satisfaction: Some(4.52),
            csat: Some(91.4),
        };
        Self {
            year: 2021,
            overall: figures.clone(),
            by_theme: vec![ThemeFigures {
                theme: Theme::CommunityBuilding,
                figures: figures.clone(),
            }],
            by_department: vec![DepartmentFigures {
                department: Department::example(),
                figures,
            }],
            lowest_rated: vec![RatedEvent {
                event_id: Uuid::from_u128(0x017c_3b2a_1d0e_7f6a_8b9c_0000_0000_0001),
                title: "老旧小区加装电梯现场会".into(),
                theme: Theme::MajorProjects,
                responses: 10,
                rated: 10,
                satisfaction: Some(2.3),
                csat: Some(10.0),
            }],
        }
    }
}

/// How many of the year's decisions are at, or have been through, a stage.
#[derive(Object, Debug, Clone, PartialEq)]
pub struct StageCount {
    pub stage: Stage,
    pub decisions: u64,
}

/// The year's catalog of major decisions.
#[derive(Object, Debug, Clone, PartialEq)]
pub struct DecisionFigures {
    /// Decisions in the year's catalog.
    pub in_catalog: u64,
    /// Per stage of the chain, the decisions whose timeline has disclosed it.
    pub disclosed: Vec<StageCount>,
}

#[derive(Object, Debug, Clone, PartialEq)]
pub struct OutcomeCount {
    pub outcome: Outcome,
    pub comments: u64,
}

/// Comments on the year's decisions.
#[derive(Object, Debug, Clone, PartialEq)]
pub struct CommentFigures {
    pub received: u64,
    pub published: u64,
    /// Refused at moderation.
    pub not_published: u64,
    /// Waiting for moderation.
    pub pending: u64,
    /// Per outcome given.
    pub by_outcome: Vec<OutcomeCount>,
}

/// Executive meetings with public representatives.
#[derive(Object, Debug, Clone, PartialEq)]
pub struct MeetingFigures {
    /// Meetings that have taken place with public representatives seated as observers.
    pub held_with_observers: u64,
    /// Observer seats held at them.
    pub observers_seated: u64,
    /// Of them, those recorded as attending.
    pub observers_attended: u64,
}

/// What a yearly government-information-disclosure report states about participation,
/// every figure counted from the records.
#[derive(Object, Debug)]
#[oai(example)]
pub struct YearlyFigures {
    pub year: i32,
    pub decisions: DecisionFigures,
    pub comments: CommentFigures,
    pub meetings: MeetingFigures,
    /// The Government Open Month (as in its report).
    pub open_days: OpenDayFigures,
}

impl Example for YearlyFigures {
    fn example() -> Self {
        Self {
            year: 2021,
            decisions: DecisionFigures {
                in_catalog: 5,
                disclosed: vec![StageCount {
                    stage: Stage::DraftPublished,
                    decisions: 4,
                }],
            },
            comments: CommentFigures {
                received: 120,
                published: 112,
                not_published: 6,
                pending: 2,
                by_outcome: vec![OutcomeCount {
                    outcome: Outcome::Adopted,
                    comments: 31,
                }],
            },
            meetings: MeetingFigures {
                held_with_observers: 2,
                observers_seated: 15,
                observers_attended: 15,
            },
            open_days: OpenMonthReport::example().overall,
        }
    }
}
