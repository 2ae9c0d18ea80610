//! The district's 2021 catalog of major decisions, at different stages of their chain, with
//! comments and a published feedback report. Finished decisions are dated 2021; the one open
//! for comment opens when the demo loads, so visitors can try commenting. The executive
//! meetings of the meetings demo deliberate the finished ones; `record_results` then records
//! the documents issued.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::decision;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    auth::Session,
    clock::Clock,
    decisions::{
        comments,
        dto::{
            Channel, ConsultationRequest, ModerationAction, ModerationRequest, NewComment,
            NewDecision, NewDraft, Outcome, OutcomeRequest, ResultRequest,
        },
        service,
    },
    departments::Department,
    state::AppState,
};

/// How far a decision of the demo gets along its chain.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    DraftPublished,
    ConsultationOpen,
    Deliberated,
    Decided,
}

struct DemoDecision {
    department: &'static str,
    title: &'static str,
    summary: &'static str,
    background: &'static str,
    draft: &'static str,
    reach: Reach,
    /// The consultation opens this many days after 4 January 2021 (the draft ten days before,
    /// the catalog entry twenty); its feedback report is published 38 days after, before the
    /// executive meeting that deliberates it (the meetings demo).
    starts_on_day: i64,
    document_number: Option<&'static str>,
}

const DECISIONS: &[DemoDecision] = &[
    DemoDecision {
        department: "jsglw",
        title: "杨浦区城区管理精细化“十四五”规划",
        summary: "明确“十四五”期间本区城区精细化管理的总体目标、重点任务和保障措施。",
        background: "为贯彻落实《上海市城市管理精细化“十四五”规划》，持续提升城区治理能力，区建设管理委牵头编制本规划。",
        draft: "杨浦区城区管理精细化“十四五”规划（征求意见稿）\n\n# 总体要求\n坚持人民城市人民建、人民城市为人民。\n\n第一条 到2025年，基本建成与杨浦发展相适应的城区精细化管理体系。\n第二条 推进“一网统管”，实现城区运行“一屏观、一网管”。\n第三条 实施老旧小区综合治理，改善居民居住环境。\n# 保障措施\n加强组织领导，完善考核评价。",
        reach: Reach::Decided,
        starts_on_day: 207,
        document_number: Some("杨府发〔2021〕15号"),
    },
    DemoDecision {
        department: "sthjj",
        title: "杨浦区生态环境保护“十四五”规划",
        summary: "部署“十四五”期间大气、水、土壤污染防治和生态空间建设。",
        background: "落实国家和本市生态环境保护要求，持续改善区域生态环境质量。",
        draft: "# 规划目标\n到2025年，细颗粒物年均浓度持续下降。\n\n第一条 深化大气污染防治。\n第二条 推进滨江生态廊道建设。",
        reach: Reach::Decided,
        starts_on_day: 242,
        document_number: Some("杨府发〔2021〕18号"),
    },
    DemoDecision {
        department: "mzj",
        title: "杨浦区养老服务设施布局专项规划（2021—2035年）",
        summary: "统筹全区养老服务设施的布局和建设时序。",
        background: "应对人口老龄化，补齐社区养老服务设施短板。",
        draft: "# 总则\n本规划适用于全区养老服务设施。\n\n第一条 每个街道至少设置一处综合为老服务中心。\n第二条 新建住宅小区按标准配建养老服务用房。",
        reach: Reach::Deliberated,
        starts_on_day: 240,
        document_number: None,
    },
    DemoDecision {
        department: "fgw",
        title: "杨浦区促进数字经济发展的若干政策",
        summary: "支持在线新经济、数字内容和智能制造企业在杨浦集聚发展。",
        background: "打造“长阳秀带”在线新经济生态园，推动数字经济成为区域经济新增长极。",
        draft: "# 适用范围\n本政策适用于在杨浦区注册的数字经济企业。\n\n第一条 对新引进的数字经济重点企业给予落户支持。\n第二条 支持企业建设开放创新平台。\n第三条 对数字人才给予住房保障支持。",
        reach: Reach::ConsultationOpen,
        starts_on_day: 0,
        document_number: None,
    },
    DemoDecision {
        department: "wjw",
        title: "杨浦区公共卫生应急体系建设三年行动计划",
        summary: "完善公共卫生应急指挥、监测预警和医疗救治体系。",
        background: "总结疫情防控经验，提升重大突发公共卫生事件应对能力。",
        draft: "# 主要任务\n健全公共卫生应急指挥体系。\n\n第一条 建设区级公共卫生应急指挥中心。\n第二条 完善发热门诊和哨点监测网络。",
        reach: Reach::DraftPublished,
        starts_on_day: 300,
        document_number: None,
    },
];

/// Comments on the finished decisions: `(resident index, the article or heading they are on,
/// body, outcome, reason)`; on the draft as a whole where a draft has no such article.
const COMMENTS: &[(usize, &str, &str, Outcome, Option<&str>)] = &[
    (
        0,
        "第二条",
        "建议在“一网统管”中开放居民报修渠道，处理结果及时反馈。",
        Outcome::Adopted,
        None,
    ),
    (
        1,
        "第三条",
        "老旧小区综合治理应优先解决非机动车停放和充电问题。",
        Outcome::PartiallyAdopted,
        None,
    ),
    (
        0,
        "第三条",
        "建议将加装电梯纳入老旧小区综合治理。",
        Outcome::NotAdopted,
        Some("加装电梯已由《杨浦区既有多层住宅加装电梯工作方案》专项推进，不纳入本规划。"),
    ),
    (
        1,
        "第一条",
        "目标中应写明居民满意度指标。",
        Outcome::Adopted,
        None,
    ),
];

fn day(n: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2021, 1, 4, 1, 30, 0).unwrap() + Duration::days(n)
}

pub async fn load(
    state: &AppState,
    departments: &[Department],
    admin: &Session,
    residents: &[Session],
) -> anyhow::Result<()> {
    for demo in DECISIONS {
        // Finished decisions happened in 2021; the open one was catalogued 20 days ago, so
        // that its consultation opens the moment the demo loads and takes comments at once.
        let clock = match demo.reach {
            Reach::ConsultationOpen => Clock::manual(state.clock.now() - Duration::days(20)),
            _ => Clock::manual(day(demo.starts_on_day - 20)),
        };
        let at = AppState {
            clock: clock.clone(),
            ..state.clone()
        };
        let sponsor = departments
            .iter()
            .find(|d| d.code == demo.department)
            .expect("a demo department");
        let form = NewDecision {
            year: 2021,
            title: demo.title.into(),
            sponsor_department_id: Some(sponsor.id),
            summary: demo.summary.into(),
            background: demo.background.into(),
            legal_basis: "《重大行政决策程序暂行条例》《上海市重大行政决策程序规定》".into(),
            timetable: "公开征求意见不少于30日，经合法性审查后提请区政府常务会议审议".into(),
        };
        let decision = service::create(&at, admin, form).await?;
        clock.advance(Duration::days(10));
        let draft = NewDraft {
            body: demo.draft.into(),
            changelog: None,
            documents: vec![],
        };
        let draft = service::publish_draft(&at, admin, decision.id, draft).await?;
        if demo.reach == Reach::DraftPublished {
            continue;
        }
        clock.advance(Duration::days(10));
        let window = ConsultationRequest {
            opens_at: None,
            closes_at: clock.now() + Duration::days(30),
            shortened_reason: None,
        };
        service::open_consultation(&at, admin, decision.id, window).await?;
        if demo.reach == Reach::ConsultationOpen {
            // A comment has come in and waits for moderation: the sponsor's console shows it.
            let anchor = draft
                .sections
                .iter()
                .find(|s| s.heading == "第三条")
                .map(|s| s.anchor.clone());
            let waiting = NewComment {
                body: "建议住房保障同时覆盖在杨浦创业的青年人才。".into(),
                section_anchor: anchor,
                name_consent: false,
                channel: None,
                author_name: None,
            };
            let resident = &residents[1 % residents.len()];
            comments::submit(&at, resident, decision.id, waiting).await?;
            continue;
        }
        clock.advance(Duration::days(3));
        for (resident, heading, body, outcome, reason) in COMMENTS {
            let anchor = draft
                .sections
                .iter()
                .find(|s| s.heading == *heading)
                .map(|s| s.anchor.clone());
            let comment = NewComment {
                body: (*body).into(),
                section_anchor: anchor,
                name_consent: false,
                channel: None,
                author_name: None,
            };
            let created = comments::submit(
                &at,
                &residents[*resident % residents.len()],
                decision.id,
                comment,
            )
            .await?;
            let publish = ModerationRequest {
                action: ModerationAction::Publish,
                reason: None,
            };
            comments::moderate(&at, admin, created.id, publish).await?;
            let outcome = OutcomeRequest {
                outcome: *outcome,
                reason: reason.map(Into::into),
                duplicate_of: None,
            };
            comments::set_outcome(&at, admin, created.id, outcome).await?;
        }
        let letter = NewComment {
            body: "来信建议：规划实施情况应每年向社会公布。".into(),
            section_anchor: None,
            name_consent: false,
            channel: Some(Channel::Letter),
            author_name: Some("周建华".into()),
        };
        let letter = comments::submit(&at, admin, decision.id, letter).await?;
        let adopted = OutcomeRequest {
            outcome: Outcome::Adopted,
            reason: None,
            duplicate_of: None,
        };
        comments::set_outcome(&at, admin, letter.id, adopted).await?;
        clock.advance(Duration::days(35));
        let narrative = "征求意见期间，通过网站、来信等渠道共收到意见5条。经认真研究，采纳3条，部分采纳1条；未采纳的1条已说明理由。";
        comments::publish_feedback(&at, admin, decision.id, narrative).await?;
    }
    Ok(())
}

/// Records the document issued for each decided decision, two weeks after the executive
/// meeting that deliberated it.
pub async fn record_results(state: &AppState, admin: &Session) -> anyhow::Result<()> {
    for demo in DECISIONS.iter().filter(|d| d.reach == Reach::Decided) {
        let found = decision::Entity::find()
            .filter(decision::Column::Title.eq(demo.title))
            .one(&state.db)
            .await?
            .expect("a demo decision");
        let meeting_date = found
            .meeting_date
            .expect("the meetings demo deliberated it");
        let at = AppState {
            clock: Clock::manual(
                meeting_date.and_hms_opt(2, 0, 0).expect("a time").and_utc() + Duration::days(14),
            ),
            ..state.clone()
        };
        let result = ResultRequest {
            document_number: demo
                .document_number
                .expect("a decided decision's document")
                .into(),
            document_title: demo.title.into(),
            effective_date: meeting_date + Duration::days(30),
            summary: None,
            documents: vec![],
        };
        service::record_result(&at, admin, found.id, result).await?;
    }
    Ok(())
}
