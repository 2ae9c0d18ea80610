//! The Open Month report: every figure from the records, checked against a hand count.

use canyu_tests::{expect_status, on_every_backend, Person, TestApp};
use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};

on_every_backend!(the_open_month_report_adds_up_by_theme_department_and_event);

/// An open day of `theme` hosted by `staff`'s department, starting in 11 days.
async fn open_day(app: &TestApp, staff: &Person, title: &str, theme: &str) -> String {
    let now = app.clock.now();
    let starts = now + Duration::days(11);
    let body = json!({
        "title": title, "theme": theme, "description": "参观", "venue": "江浦路",
        "accessibility_notes": "无障碍通道",
        "starts_at": starts.to_rfc3339(), "ends_at": (starts + Duration::hours(2)).to_rfc3339(),
        "capacity": 50, "max_party_size": 3,
        "signup_opens_at": (now - Duration::hours(1)).to_rfc3339(),
        "signup_closes_at": (now + Duration::days(10)).to_rfc3339(),
        "offer_hours": 24, "status": "published",
    });
    let created = expect_status(
        app.send(Method::POST, "/events", Some(&staff.token), body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    created["id"].as_str().unwrap().to_string()
}

/// Signs up `people` (each with a party of `party`), checking in the first `came`.
async fn attend(app: &TestApp, event: &str, people: &[Person], party: i32, came: usize) {
    let now = app.clock.now();
    for (i, person) in people.iter().enumerate() {
        entity::signup::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            event_id: Set(event.parse().unwrap()),
            user_id: Set(Some(person.id.parse().unwrap())),
            party_size: Set(party),
            status: Set("confirmed".into()),
            queue_number: Set(None),
            offer_expires_at: Set(None),
            checkin_code: Set(canyu::auth::new_secret()),
            checked_in_at: Set((i < came).then_some(now)),
            checkin_nonce: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&app.state.db)
        .await
        .unwrap();
    }
}

async fn rate(app: &TestApp, survey: &Value, people: &[Person], ratings: &[i64]) {
    for (person, rating) in people.iter().zip(ratings) {
        let answers = json!({"answers": [
            {"question_id": survey["questions"][0]["id"], "value": rating},
            {"question_id": survey["questions"][3]["id"], "value": 8},
        ]});
        expect_status(
            app.send(
                Method::POST,
                &format!("/surveys/{}/responses", survey["id"].as_str().unwrap()),
                Some(&person.token),
                answers,
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
}

async fn the_open_month_report_adds_up_by_theme_department_and_event(app: TestApp) {
    let admin = app.admin().await;
    let (city, _) = app.staff(&admin, "cyzx").await;
    let (welfare, _) = app.staff(&admin, "mzj").await;
    let lift = open_day(&app, &city, "加装电梯现场会", "major_projects").await;
    let canteen = open_day(&app, &welfare, "社区食堂体验", "livelihood").await;
    let quiet = open_day(&app, &welfare, "养老顾问点开放日", "livelihood").await;
    open_day(&app, &welfare, "无人报名的开放日", "livelihood").await;
    let people = app.crowd(14).await;
    // lift: 7 signups of 2 people, 6 came; canteen: 5 signups alone, all came; quiet: 2
    // signups, 1 came, nobody rated it.
    attend(&app, &lift, &people[0..7], 2, 6).await;
    attend(&app, &canteen, &people[7..12], 1, 5).await;
    attend(&app, &quiet, &people[12..14], 1, 1).await;
    let mut surveys = Vec::new();
    for (event, staff) in [(&lift, &city), (&canteen, &welfare), (&quiet, &welfare)] {
        surveys.push(
            expect_status(
                app.send(
                    Method::POST,
                    &format!("/events/{event}/survey"),
                    Some(&staff.token),
                    json!({}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await,
        );
    }
    let year = (app.clock.now() + Duration::days(11))
        .with_timezone(&app.config.timezone)
        .year();
    app.clock.advance(Duration::days(11) + Duration::hours(3));
    rate(&app, &surveys[0], &people[0..6], &[2, 3, 1, 2, 4, 2]).await;
    rate(&app, &surveys[1], &people[7..12], &[5, 4, 5, 5, 3]).await;

    let report = expect_status(
        app.get(&format!("/open-month/{year}/report"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    // Overall: 4 held (one with nobody), 14 signups, 12 came (6×2 + 5 + 1 = 18 people), 11
    // responses; ratings 14 + 22 = 36 over 11 → 3.27; 1 + 4 of 11 gave 4 or 5 → 45.5%.
    assert_eq!(
        report["overall"],
        json!({"events": 4, "signups": 14, "attended": 12, "people": 18, "responses": 11,
               "rated": 11, "satisfaction": 3.27, "csat": 45.5})
    );
    let theme = |name: &str| {
        report["by_theme"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["theme"] == name)
            .unwrap()["figures"]
            .clone()
    };
    assert_eq!(
        theme("livelihood"),
        json!({"events": 3, "signups": 7, "attended": 6, "people": 6, "responses": 5,
               "rated": 5, "satisfaction": 4.4, "csat": 80.0})
    );
    assert_eq!(theme("public_health")["events"], 0);
    assert!(theme("public_health").get("satisfaction").is_none());
    let departments: Vec<(&str, &Value)> = report["by_department"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["department"]["code"].as_str().unwrap(),
                &d["figures"]["responses"],
            )
        })
        .collect();
    assert_eq!(departments, [("cyzx", &json!(6)), ("mzj", &json!(5))]);
    let lowest: Vec<(&str, &Value)> = report["lowest_rated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["title"].as_str().unwrap(), &e["satisfaction"]))
        .collect();
    assert_eq!(
        lowest,
        [
            ("加装电梯现场会", &json!(2.33)),
            ("社区食堂体验", &json!(4.4))
        ],
        "lowest first; an open day with under 5 responses is not ranked"
    );
}
