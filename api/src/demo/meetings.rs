//! Executive meetings: the 138th and 140th of 2021, held with public representatives as
//! observers (five seats allotted by staff's review, then fifteen across five categories drawn
//! by a lottery anyone can verify), their decisions deliberated, the opinions handled and the
//! minutes published; and an upcoming meeting taking applications now, for which the demo
//! representative (verified) can apply at once.

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
            Attendance, Category, Eligibility, Handling, HeldMeeting, ItemDeliberation,
            ItemOutcome, Meeting, Minutes, NewAgendaItem, NewApplication, NewMeeting, NewOpinion,
            NewRepresentative, PublicValue, Review, ReviewVerdict, SeatPlan, SeatQuota,
            SelectionMethod, Verdict, Verification,
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

/// An executive meeting of the demo and what happened at it.
struct DemoMeeting {
    number: i32,
    /// (year, month, day) in Shanghai; it starts at 09:00.
    on: (i32, u32, u32),
    /// (presenting department, title, the decision it deliberates).
    agenda: &'static [(&'static str, &'static str, Option<&'static str>)],
    /// (agenda item's position, opinion, consents to be named, how it was handled).
    opinions: &'static [(usize, &'static str, bool, &'static str)],
    conclusion: &'static str,
}

const MEETING_138: DemoMeeting = DemoMeeting {
    number: 138,
    on: (2021, 9, 13),
    agenda: &[
        (
            "jsglw",
            "审议《杨浦区城区管理精细化“十四五”规划》",
            Some("杨浦区城区管理精细化“十四五”规划"),
        ),
        ("fgw", "听取区促进数字经济发展工作情况汇报", None),
    ],
    opinions: &[
        (
            1,
            "建议在“一网统管”平台中开放居民报修和评价入口，处理结果向报修人反馈。",
            true,
            "采纳。区建设管理委已在规划第二条中增加“市民诉求一键直达、结果及时反馈”的内容。",
        ),
        (
            2,
            "数字经济企业集聚后，建议同步规划人才公寓和通勤公交线路。",
            false,
            "部分采纳。人才公寓纳入区住房保障计划统筹安排，公交线路由区建设管理委会同市交通部门研究。",
        ),
    ],
    conclusion: "会议原则通过《杨浦区城区管理精细化“十四五”规划》，请区建设管理委吸收列席代表和各方面意见修改完善后按程序印发；听取了区发展改革委关于促进数字经济发展工作情况的汇报。",
};

const MEETING_140: DemoMeeting = DemoMeeting {
    number: 140,
    on: (2021, 10, 18),
    agenda: &[
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
    ],
    opinions: &[
        (
            1,
            "建议在滨江生态廊道建设中增加夜间照明和公共厕所等便民设施。",
            true,
            "采纳。区生态环境局会同区绿化市容局在廊道建设方案中增设便民设施点位。",
        ),
        (
            1,
            "细颗粒物浓度目标建议按年度分解并向社会公布完成情况。",
            false,
            "采纳。规划实施后每年在区政府网站公布年度目标完成情况。",
        ),
        (
            2,
            "综合为老服务中心的选址应考虑老年人步行距离，建议以15分钟步行圈为标准。",
            false,
            "部分采纳。规划按“15分钟社区生活圈”布局，个别街道受用地限制另行统筹。",
        ),
    ],
    conclusion: "会议原则通过《杨浦区生态环境保护“十四五”规划》和《杨浦区养老服务设施布局专项规划（2021—2035年）》，请区生态环境局、区民政局吸收列席代表意见修改完善后按程序报批印发。",
};

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

    // Twenty representatives, four in each category, verified in August 2021.
    let clock = Clock::manual(shanghai(2021, 8, 16, 10));
    let at = AppState {
        clock: clock.clone(),
        ..state.clone()
    };
    let mut people = Vec::new();
    for n in 0..20 {
        let person = demo_person(&at, n).await?;
        let category = CATEGORIES[n % CATEGORIES.len()];
        let organisation = format!("杨浦区第{}界别", n % 5 + 1);
        people.push(verify(at.clone(), person, category, organisation).await?);
    }
    let plan = |seats, method, opens_at, closes_at| SeatPlan {
        quotas: CATEGORIES
            .iter()
            .map(|&category| SeatQuota { category, seats })
            .collect(),
        applications_open_at: opens_at,
        applications_close_at: closes_at,
        selection_method: method,
        public_value_source: None,
        public_value_at: None,
    };

    // The 138th: one seat per category, allotted by staff's review; six applied.
    let first = create(&at, admin, &MEETING_138, &department).await?;
    let (opens_at, closes_at) = (shanghai(2021, 8, 23, 9), shanghai(2021, 9, 3, 17));
    let review = plan(1, SelectionMethod::Review, opens_at, closes_at);
    meetings::plan_seats(&at, admin, first.id, review).await?;
    clock.advance(opens_at - clock.now() + Duration::hours(2));
    let wanted = |item: &Meeting| NewApplication {
        agenda_item_ids: vec![item.agenda[0].id],
    };
    let mut applied = Vec::new();
    for person in people.iter().take(6) {
        applied.push(meetings::apply(&at, person, first.id, wanted(&first)).await?);
        clock.advance(Duration::hours(5));
    }
    clock.advance(closes_at - clock.now() + Duration::days(1));
    for (n, application) in applied.iter().enumerate() {
        let verdict = match n {
            5 => Review {
                verdict: ReviewVerdict::Rejected,
                reason: Some(
                    "人大代表界别名额已由先提出申请的代表获得，欢迎申请列席第140次常务会议。"
                        .into(),
                ),
            },
            _ => Review {
                verdict: ReviewVerdict::Accepted,
                reason: None,
            },
        };
        meetings::review(&at, admin, application.id, verdict).await?;
    }
    meetings::select(&at, admin, first.id).await?;
    hold(&at, admin, &clock, &MEETING_138, &first, &people).await?;

    // The 140th: three seats per category, drawn by lottery among all twenty, with the SSE
    // Composite Index's close of 11 October.
    clock.advance(shanghai(2021, 9, 20, 10) - clock.now());
    let second = create(&at, admin, &MEETING_140, &department).await?;
    let item = NewAgendaItem {
        title: "人事事项".into(),
        presenting_department_id: department("zfb"),
        decision_id: None,
        confidential: true,
    };
    meetings::add_agenda_item(&at, admin, second.id, item).await?;
    let (opens_at, closes_at) = (shanghai(2021, 9, 27, 9), shanghai(2021, 10, 8, 17));
    let lottery = SeatPlan {
        public_value_source: Some("上海证券交易所 上证综合指数 2021年10月11日 收盘点位".into()),
        public_value_at: Some(shanghai(2021, 10, 11, 15)),
        ..plan(3, SelectionMethod::Lottery, opens_at, closes_at)
    };
    meetings::plan_seats(&at, admin, second.id, lottery).await?;
    clock.advance(opens_at - clock.now());
    for (n, person) in people.iter().enumerate() {
        let wanted = NewApplication {
            agenda_item_ids: vec![second.agenda[n % second.agenda.len()].id],
        };
        meetings::apply(&at, person, second.id, wanted).await?;
        clock.advance(Duration::hours(3));
    }
    clock.advance(shanghai(2021, 10, 9, 9) - clock.now());
    meetings::select(&at, admin, second.id).await?;
    clock.advance(shanghai(2021, 10, 11, 16) - clock.now());
    let value = PublicValue {
        value: "3591.71".into(),
    };
    meetings::draw(&at, admin, second.id, value).await?;
    hold(&at, admin, &clock, &MEETING_140, &second, &people).await?;

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
    let upcoming_plan = SeatPlan {
        public_value_source: Some("上海证券交易所 上证综合指数 截止后第一个交易日 收盘点位".into()),
        public_value_at: Some(now + Duration::days(12)),
        ..plan(
            3,
            SelectionMethod::Lottery,
            now - Duration::minutes(1),
            now + Duration::days(10),
        )
    };
    meetings::plan_seats(state, admin, upcoming.id, upcoming_plan).await?;
    verify(
        state.clone(),
        representative.clone(),
        Category::NpcDeputy,
        "杨浦区人大常委会".into(),
    )
    .await?;
    Ok(())
}

/// Creates the meeting with its public agenda, each item linked to the decision it
/// deliberates.
async fn create(
    at: &AppState,
    admin: &Session,
    demo: &DemoMeeting,
    department: &impl Fn(&str) -> Uuid,
) -> anyhow::Result<Meeting> {
    let (y, m, d) = demo.on;
    let created = meetings::create(
        at,
        admin,
        NewMeeting {
            number: demo.number,
            title: format!("区政府第{}次常务会议", demo.number),
            department_id: Some(department("zfb")),
            starts_at: shanghai(y, m, d, 9),
            place: "区政府第一会议室".into(),
        },
    )
    .await?;
    for (code, title, decision) in demo.agenda {
        let decision_id = match decision {
            Some(title) => decision::Entity::find()
                .filter(decision::Column::Title.eq(*title))
                .one(&at.db)
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
        meetings::add_agenda_item(at, admin, created.id, item).await?;
    }
    Ok(meetings::get(at, None, created.id).await?)
}

/// The meeting day: the representatives' opinions given, the meeting held with its
/// decisions deliberated, every seat attended, the opinions handled, and a week later the
/// minutes published.
async fn hold(
    at: &AppState,
    admin: &Session,
    clock: &Clock,
    demo: &DemoMeeting,
    found: &Meeting,
    people: &[Session],
) -> anyhow::Result<()> {
    let (y, m, d) = demo.on;
    clock.advance(shanghai(y, m, d, 8) - clock.now());
    let seats = meetings::seats_of(found.id).all(&at.db).await?;
    let mut given = Vec::new();
    for (n, (position, text, named, handling)) in demo.opinions.iter().enumerate() {
        let seat = &seats[n % seats.len()];
        let person = people
            .iter()
            .find(|p| p.user_id == seat.user_id)
            .expect("a demo representative holds the seat");
        let opinion = NewOpinion {
            agenda_item_id: found.agenda[position - 1].id,
            text: (*text).into(),
            named: *named,
            application_id: None,
        };
        let opinion = meetings::give_opinion(at, person, found.id, opinion).await?;
        given.push((opinion.id, *handling));
    }
    clock.advance(Duration::hours(4));
    let deliberations = found
        .agenda
        .iter()
        .filter(|item| item.decision_id.is_some())
        .map(|item| ItemDeliberation {
            agenda_item_id: item.id,
            outcome: ItemOutcome::ApprovedWithAmendments,
            notes: Some("会议邀请人大代表、政协委员、社会组织、企业界和法律界代表列席，原则同意，请根据讨论意见修改完善后印发。".into()),
        })
        .collect();
    meetings::hold(at, admin, found.id, HeldMeeting { deliberations }).await?;
    let attended = seats.iter().map(|s| s.id).collect();
    meetings::record_attendance(at, admin, found.id, Attendance { attended }).await?;
    for (id, handling) in given {
        let handled = Handling {
            handling: handling.into(),
        };
        meetings::handle_opinion(at, admin, id, handled).await?;
    }
    clock.advance(Duration::days(7));
    let minutes = Minutes {
        conclusion: demo.conclusion.into(),
    };
    meetings::publish_minutes(at, admin, found.id, minutes).await?;
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
        erased_at: Set(None),
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
