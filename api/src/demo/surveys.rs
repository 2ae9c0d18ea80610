//! Open days already held, with their surveys: two with published results (one rated low),
//! and one that ended two days ago, which the first demo resident attended and has not yet
//! answered, so a visitor can rate it at once.

use chrono::{Duration, Timelike};
use entity::signup;
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use crate::{
    auth::Session,
    departments::Department,
    events::{
        dto::{EventStatus, NewEvent, Theme},
        service as events,
    },
    pagination::PageRequest,
    state::AppState,
    surveys::{
        dto::{NewAnswer, NewResponse, NewSurvey, SurveyChanges, TextPublication},
        service::{self as surveys, Respondent},
    },
};

/// (title, theme, host, days since it ended, attendees, how they rated it 1–5 in turn,
/// whether the results are published).
type HeldDay = (
    &'static str,
    Theme,
    &'static str,
    i64,
    usize,
    &'static [i32],
    bool,
);

const HELD: &[HeldDay] = &[
    (
        "“一网通办”自助终端体验课",
        Theme::GovernmentServices,
        "zwfwb",
        10,
        24,
        &[5, 5, 4, 5, 4, 4, 5, 3, 5, 4],
        true,
    ),
    (
        "老旧小区加装电梯现场会",
        Theme::MajorProjects,
        "jsglw",
        6,
        18,
        &[2, 3, 1, 2, 4, 2, 3, 2, 1, 3],
        true,
    ),
    (
        "社区卫生服务中心家庭医生签约体验",
        Theme::PublicHealth,
        "wjw",
        2,
        16,
        &[4, 5, 4, 3, 5, 4],
        false,
    ),
];

/// What the first respondents of each open day suggest, in turn.
const SUGGESTIONS: &[&str] = &[
    "希望多安排周末场次，上班族也能参加。",
    "讲解很专业，建议现场提供更多书面资料。",
    "报名后想改时间，可以联系 13900001111 吗？希望增加改签功能。",
];

pub async fn load(
    state: &AppState,
    departments: &[Department],
    admin: &Session,
    visitor: &Session,
) -> anyhow::Result<()> {
    let now = state.clock.now();
    for (i, (title, theme, host, days_ago, attendees, ratings, published)) in
        HELD.iter().enumerate()
    {
        let host = departments
            .iter()
            .find(|d| d.code == *host)
            .expect("a demo department");
        // 14:00 to 16:00 in Shanghai.
        let ends_at = (now - Duration::days(*days_ago))
            .with_hour(8)
            .and_then(|t| t.with_minute(0))
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now);
        let starts_at = ends_at - Duration::hours(2);
        let event = events::create(
            state,
            admin,
            NewEvent {
                title: (*title).into(),
                theme: *theme,
                host_department_id: Some(host.id),
                description: format!("{}主办，活动已举行。", host.name),
                venue: format!("{}（杨浦区）", host.name),
                address: super::events::ADDRESS.into(),
                accessibility_notes: "场地设有无障碍通道。".into(),
                accessibility_contact: super::events::ACCESSIBILITY_CONTACT.into(),
                starts_at,
                ends_at,
                capacity: 30,
                max_party_size: 1,
                signup_opens_at: starts_at - Duration::days(14),
                signup_closes_at: starts_at - Duration::days(1),
                offer_hours: 24,
                status: EventStatus::Published,
            },
        )
        .await?;
        // Who came; their people are not kept, as after the retention period, except the
        // demo visitor at the most recent one.
        let visitor_came = i == HELD.len() - 1;
        let mut came = Vec::new();
        for n in 0..*attendees {
            let person = (visitor_came && n == 0).then_some(visitor.user_id);
            came.push(attended(state, event.id, person, starts_at).await?);
        }
        let survey = surveys::create(
            state,
            admin,
            event.id,
            NewSurvey {
                title: None,
                opens_at: None,
                closes_at: None,
                questions: None,
            },
        )
        .await?;
        // Everyone but the visitor answers, in turn, until the ratings run out.
        let respondents = came.iter().skip(usize::from(visitor_came));
        for (n, (signup_id, rating)) in respondents.zip(ratings.iter()).enumerate() {
            let question = |position: usize| survey.questions[position - 1].id;
            let answer = |position, value| NewAnswer {
                question_id: question(position),
                value: Some(value),
                choices: None,
                text: None,
            };
            let score = (rating * 2).min(10) - i32::from(n % 3 == 0);
            let answers = vec![
                answer(1, *rating),
                answer(2, (*rating + 1).min(5)),
                answer(3, *rating),
                answer(4, score),
                NewAnswer {
                    question_id: question(5),
                    value: None,
                    choices: Some(vec![(n % 4) as i32, ((n + 1) % 4) as i32]),
                    text: None,
                },
            ];
            let answers = match SUGGESTIONS.get(n) {
                Some(text) => [
                    answers,
                    vec![NewAnswer {
                        question_id: question(6),
                        value: None,
                        choices: None,
                        text: Some((*text).into()),
                    }],
                ]
                .concat(),
                None => answers,
            };
            let form = NewResponse { answers };
            surveys::respond(state, Respondent::Signup(*signup_id), survey.id, form).await?;
        }
        if *published {
            // Results are published once a survey has closed: these closed three days after
            // their open day.
            let closed = SurveyChanges {
                title: None,
                opens_at: None,
                closes_at: Some(ends_at + Duration::days(3)),
                questions: None,
            };
            surveys::change(state, admin, survey.id, closed).await?;
            surveys::publish_results(state, admin, survey.id).await?;
            let texts =
                surveys::texts(state, Some(admin), survey.id, PageRequest::new(None, None)?)
                    .await?;
            let answer_ids = texts.items.iter().map(|t| t.id).collect();
            let form = TextPublication {
                answer_ids,
                published: true,
            };
            surveys::publish_texts(state, admin, survey.id, form).await?;
        }
    }
    Ok(())
}

/// A signup checked in at the start of the event.
async fn attended(
    state: &AppState,
    event_id: Uuid,
    person: Option<Uuid>,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Uuid> {
    let id = Uuid::now_v7();
    signup::ActiveModel {
        id: Set(id),
        event_id: Set(event_id),
        user_id: Set(person),
        party_size: Set(1),
        status: Set("confirmed".into()),
        queue_number: Set(None),
        offer_expires_at: Set(None),
        checkin_code: Set(crate::codes::new_code()),
        checked_in_at: Set(Some(at)),
        checkin_nonce: Set(None),
        created_at: Set(at - Duration::days(3)),
        updated_at: Set(at),
    }
    .insert(&state.db)
    .await?;
    Ok(id)
}
