//! Executive meetings: the 140th of 2021, whose 15 observer seats across five categories were
//! drawn by a lottery anyone can verify, and an upcoming one taking applications now, for
//! which the demo representative (verified) can apply at once.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{decision, user};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::{
    auth::{Role, Session},
    clock::Clock,
    departments::Department,
    meetings::{
        dto::{
            Category, Eligibility, NewAgendaItem, NewApplication, NewMeeting, NewRepresentative,
            PublicValue, SeatPlan, SeatQuota, SelectionMethod, Verdict, Verification,
        },
        service as meetings,
    },
    state::AppState,
};

const CATEGORIES: [Category; 5] = [
    Category::NpcDeputy,
    Category::CppccMember,
    Category::SocialOrganisation,
    Category::Business,
    Category::Legal,
];

/// (presenting department, title, the decision it deliberates).
const AGENDA_140: &[(&str, &str, Option<&str>)] = &[
    (
        "sthjj",
        "审议《杨浦区生态环境保护“十四五”规划》",
        Some("杨浦区生态环境保护“十四五”规划"),
    ),
    (
        "mzj",
        "审议《杨浦区养老服务设施布局专项规划（2021—2035年）》",
        Some("杨浦区养老服务设施布局专项规划（2021—2035年）"),
    ),
    ("fgw", "听取区促进数字经济发展工作情况汇报", None),
];

fn shanghai(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap() - Duration::hours(8)
}

pub async fn load(
    state: &AppState,
    departments: &[Department],
    admin: &Session,
    representative: &Session,
) -> anyhow::Result<()> {
    let department = |code: &str| {
        departments
            .iter()
            .find(|d| d.code == code)
            .expect("a demo department")
            .id
    };
    let verify = |at: AppState, person: Session, category: Category, organisation: String| async move {
        let form = NewRepresentative {
            category,
            organisation,
            statement: "长期关注本区民生和城市建设，希望列席会议、反映群众意见。".into(),
            eligibility: Eligibility::LivesInDistrict,
        };
        let profile = meetings::apply_as_representative(&at, &person, form).await?;
        let verdict = Verification {
            verdict: Verdict::Verified,
            reason: None,
        };
        meetings::verify(&at, admin, profile.id, verdict).await?;
        anyhow::Ok(Session {
            roles: vec![Role::Resident, Role::Representative],
            ..person
        })
    };

    // The 140th meeting, 18 October 2021: applications 27 September to 8 October, the pool
    // committed then, drawn with the SSE Composite Index's close of 11 October.
    let clock = Clock::manual(shanghai(2021, 9, 20, 10));
    let at = AppState {
        clock: clock.clone(),
        ..state.clone()
    };
    let held = meetings::create(
        &at,
        admin,
        NewMeeting {
            number: 140,
            title: "区政府第140次常务会议".into(),
            department_id: Some(department("zfb")),
            starts_at: shanghai(2021, 10, 18, 9),
            place: "区政府第一会议室".into(),
        },
    )
    .await?;
    for (code, title, decision) in AGENDA_140 {
        let decision_id = match decision {
            Some(title) => decision::Entity::find()
                .filter(decision::Column::Title.eq(*title))
                .one(&state.db)
                .await?
                .map(|d| d.id),
            None => None,
        };
        let item = NewAgendaItem {
            title: (*title).into(),
            presenting_department_id: department(code),
            decision_id,
            confidential: false,
        };
        meetings::add_agenda_item(&at, admin, held.id, item).await?;
    }
    let item = NewAgendaItem {
        title: "人事事项".into(),
        presenting_department_id: department("zfb"),
        decision_id: None,
        confidential: true,
    };
    meetings::add_agenda_item(&at, admin, held.id, item).await?;
    let plan = SeatPlan {
        quotas: CATEGORIES
            .iter()
            .map(|&category| SeatQuota { category, seats: 3 })
            .collect(),
        applications_open_at: shanghai(2021, 9, 27, 9),
        applications_close_at: shanghai(2021, 10, 8, 17),
        selection_method: SelectionMethod::Lottery,
        public_value_source: Some("上海证券交易所 上证综合指数 2021年10月11日 收盘点位".into()),
        public_value_at: Some(shanghai(2021, 10, 11, 15)),
    };
    meetings::plan_seats(&at, admin, held.id, plan).await?;
    let public_items: Vec<Uuid> = meetings::get(&at, None, held.id)
        .await?
        .agenda
        .iter()
        .map(|i| i.id)
        .collect();
    clock.advance(Duration::days(7));
    // Twenty applicants for fifteen seats: four in each category.
    for n in 0..20 {
        let category = CATEGORIES[n % CATEGORIES.len()];
        let person = demo_person(&at, n).await?;
        let person = verify(
            at.clone(),
            person,
            category,
            format!("杨浦区第{}界别", n % 5 + 1),
        )
        .await?;
        let wanted = NewApplication {
            agenda_item_ids: vec![public_items[n % public_items.len()]],
        };
        meetings::apply(&at, &person, held.id, wanted).await?;
        clock.advance(Duration::hours(3));
    }
    clock.advance(shanghai(2021, 10, 9, 9) - clock.now());
    meetings::select(&at, admin, held.id).await?;
    clock.advance(shanghai(2021, 10, 11, 16) - clock.now());
    let value = PublicValue {
        value: "3591.71".into(),
    };
    meetings::draw(&at, admin, held.id, value).await?;

    // An upcoming meeting, taking applications from now for ten days.
    let now = state.clock.now();
    let upcoming = meetings::create(
        state,
        admin,
        NewMeeting {
            number: 146,
            title: "区政府第146次常务会议".into(),
            department_id: Some(department("zfb")),
            starts_at: now + Duration::days(21),
            place: "区政府第一会议室".into(),
        },
    )
    .await?;
    let item = NewAgendaItem {
        title: "审议《杨浦区公共卫生应急体系建设三年行动计划》".into(),
        presenting_department_id: department("wjw"),
        decision_id: None,
        confidential: false,
    };
    meetings::add_agenda_item(state, admin, upcoming.id, item).await?;
    let plan = SeatPlan {
        quotas: CATEGORIES
            .iter()
            .map(|&category| SeatQuota { category, seats: 3 })
            .collect(),
        applications_open_at: now - Duration::minutes(1),
        applications_close_at: now + Duration::days(10),
        selection_method: SelectionMethod::Lottery,
        public_value_source: Some("上海证券交易所 上证综合指数 截止后第一个交易日 收盘点位".into()),
        public_value_at: Some(now + Duration::days(12)),
    };
    meetings::plan_seats(state, admin, upcoming.id, plan).await?;
    verify(
        state.clone(),
        representative.clone(),
        Category::NpcDeputy,
        "杨浦区人大常委会".into(),
    )
    .await?;
    Ok(())
}

/// A representative of the 2021 draw: an account that cannot log in (the demo keeps no
/// password for them).
async fn demo_person(state: &AppState, n: usize) -> anyhow::Result<Session> {
    let id = Uuid::now_v7();
    user::ActiveModel {
        id: Set(id),
        login: Set(format!("1370000{n:04}")),
        display_name: Set(format!("列席代表{}", n + 1)),
        password_hash: Set("!".into()),
        created_at: Set(state.clock.now()),
    }
    .insert(&state.db)
    .await?;
    Ok(Session {
        session_id: Uuid::nil(),
        user_id: id,
        roles: vec![Role::Resident],
        department_id: None,
    })
}
