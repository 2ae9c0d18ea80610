//! The Government Open Month: 32 open days in the eight themes, scheduled over the four weeks
//! after the demo loads so visitors can sign up; two of them are full, with a waitlist.

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::{
    accounts::dto::User,
    auth::Session,
    departments::Department,
    events::{
        dto::{EventStatus, NewEvent, Theme},
        service, signups,
    },
    state::AppState,
};

/// Each theme, the department that hosts it, and four open days.
const PROGRAMME: &[(Theme, &str, [&str; 4])] = &[
    (
        Theme::OneNetworkGovernance,
        "cyzx",
        [
            "走进区城运中心：看“一网统管”如何运转",
            "街道城运分中心开放日",
            "城市运行体征大屏解读",
            "“一网统管”应用场景体验",
        ],
    ),
    (
        Theme::GovernmentServices,
        "zwfwb",
        [
            "“一网通办”体验日",
            "区行政服务中心开放日",
            "企业开办“一窗通”现场体验",
            "政务服务“好差评”座谈会",
        ],
    ),
    (
        Theme::MajorProjects,
        "jsglw",
        [
            "杨浦滨江南段建设现场参观",
            "旧区改造征收基地开放日",
            "轨道交通站点建设工地开放",
            "重大工程“绿色工地”观摩",
        ],
    ),
    (
        Theme::Livelihood,
        "mzj",
        [
            "综合为老服务中心开放日",
            "社区食堂体验活动",
            "养老顾问点开放日",
            "儿童友好社区建设交流会",
        ],
    ),
    (
        Theme::FairRegulation,
        "scjgj",
        [
            "食品安全“明厨亮灶”参观",
            "市场监管所开放日",
            "计量检测实验室开放",
            "消费者权益保护座谈会",
        ],
    ),
    (
        Theme::LegalServices,
        "sfj",
        [
            "公共法律服务中心开放日",
            "人民调解工作室观摩",
            "“法治杨浦”普法体验",
            "法律援助值班律师座谈",
        ],
    ),
    (
        Theme::CommunityBuilding,
        "mzj",
        [
            "社区睦邻中心开放日",
            "“美好社区”先锋行动交流",
            "居民区议事会观摩",
            "社区规划师工作坊",
        ],
    ),
    (
        Theme::PublicHealth,
        "wjw",
        [
            "区疾控中心开放日",
            "发热门诊规范化建设参观",
            "社区卫生服务中心开放日",
            "急救技能体验课",
        ],
    ),
];

/// Where the demo's open days take place (the district government's address) and whom to
/// write about accessibility needs (a demo address, not a real mailbox).
pub const ADDRESS: &str = "上海市杨浦区江浦路549号";
pub const ACCESSIBILITY_CONTACT: &str = "区政府开放月办公室 kaifangyue@yangpu.demo";

/// Seats of the open days that are full when the demo loads.
const FULL_CAPACITY: i32 = 2;

pub async fn load(
    state: &AppState,
    departments: &[Department],
    admin: &Session,
    residents: &[Session],
) -> anyhow::Result<()> {
    let now = state.clock.now();
    // 14:00 in Shanghai, a few days from now, every other day or so.
    let first = (now + Duration::days(3))
        .with_hour(6)
        .and_then(|t| t.with_minute(0))
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let mut day = 0;
    for (theme, host, titles) in PROGRAMME {
        let host = departments
            .iter()
            .find(|d| d.code == *host)
            .expect("a demo department");
        for (n, title) in titles.iter().enumerate() {
            let starts_at: DateTime<Utc> = first + Duration::days(day % 28);
            day += 1;
            let full =
                n == 0 && matches!(theme, Theme::OneNetworkGovernance | Theme::MajorProjects);
            let form = NewEvent {
                title: (*title).into(),
                theme: *theme,
                host_department_id: Some(host.id),
                description: format!(
                    "{}主办。现场介绍工作情况，听取市民意见建议，欢迎报名参加。",
                    host.name
                ),
                venue: format!("{}（杨浦区）", host.name),
                address: ADDRESS.into(),
                accessibility_notes:
                    "场地设有无障碍通道；如需手语翻译或其他协助，请在活动前联系主办单位。".into(),
                accessibility_contact: ACCESSIBILITY_CONTACT.into(),
                starts_at,
                ends_at: starts_at + Duration::hours(2),
                capacity: if full { FULL_CAPACITY } else { 30 },
                max_party_size: 2,
                signup_opens_at: now - Duration::hours(1),
                signup_closes_at: starts_at - Duration::days(1),
                offer_hours: 24,
                status: EventStatus::Published,
            };
            let event = service::create(state, admin, form).await?;
            if full {
                for resident in residents {
                    signups::sign_up(state, resident, event.id, 1).await?;
                }
            }
        }
    }
    Ok(())
}

/// Demo people acting through the rules, as if logged in.
pub fn acting_as(user: &User) -> Session {
    Session {
        session_id: uuid::Uuid::nil(),
        user_id: user.id,
        roles: user.roles.clone(),
        department_id: user.department.as_ref().map(|d| d.id),
    }
}
