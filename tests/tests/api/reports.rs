//! The Open Month report: every figure from the records, checked against a hand count.

use canyu_tests::{expect_status, on_every_backend, Person, TestApp};
use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    the_open_month_report_adds_up_by_theme_department_and_event,
    the_yearly_figures_count_the_catalog_comments_and_open_days,
    the_reports_count_more_open_days_than_a_query_takes_parameters,
);

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
    let open_day = |staff, title: &str, theme: &str| {
        app.open_event_with(
            staff,
            json!({"title": title, "theme": theme, "max_party_size": 3}),
        )
    };
    let lift = open_day(&city, "加装电梯现场会", "major_projects").await;
    let canteen = open_day(&welfare, "社区食堂体验", "livelihood").await;
    let quiet = open_day(&welfare, "养老顾问点开放日", "livelihood").await;
    open_day(&welfare, "无人报名的开放日", "livelihood").await;
    let people = app.crowd(14).await;
    // lift: 7 signups of 2 people, 6 came; canteen: 5 signups alone, all came; quiet: 2
    // signups, 1 came, nobody rated it.
    for (event, people, party, came) in [
        (&lift, &people[0..7], 2, 6),
        (&canteen, &people[7..12], 1, 5),
        (&quiet, &people[12..14], 1, 1),
    ] {
        for (i, person) in people.iter().enumerate() {
            app.signup_in_db(event, Some(person), party, i < came).await;
        }
    }
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

    let report = || async {
        expect_status(
            app.get(&format!("/open-month/{year}/report"))
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await
    };
    let unpublished = report().await;
    assert_eq!(
        unpublished["overall"]["rated"], 0,
        "results are staff's until published"
    );
    assert!(unpublished["overall"].get("satisfaction").is_none());
    assert_eq!(unpublished["overall"]["responses"], 11);
    // Results are published once the surveys have closed, 14 days after the open days.
    app.clock.advance(Duration::days(14));
    for (survey, staff) in [(&surveys[0], &city), (&surveys[1], &welfare)] {
        let path = format!(
            "/surveys/{}/results/publication",
            survey["id"].as_str().unwrap()
        );
        let published = app
            .send(Method::POST, &path, Some(&staff.token), Value::Null)
            .await;
        expect_status(published, StatusCode::OK).await;
    }
    let report = report().await;
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
    let lowest: Vec<(&str, &Value, &Value)> = report["lowest_rated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["title"].as_str().unwrap(),
                &e["satisfaction"],
                &e["rated"],
            )
        })
        .collect();
    assert_eq!(
        lowest,
        [
            ("加装电梯现场会", &json!(2.33), &json!(6)),
            ("社区食堂体验", &json!(4.4), &json!(5))
        ],
        "lowest first; an open day with under 5 published ratings is not ranked"
    );
}

async fn the_yearly_figures_count_the_catalog_comments_and_open_days(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    app.catalogued_decision(&staff, "尚在编制的规划").await;
    let consulted = app.decision_in_consultation(&staff, "数字经济政策").await;
    let people = app.crowd(4).await;
    let mut comments = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let body = json!({"body": format!("意见{i}")});
        comments.push(
            expect_status(
                app.comment(person, &consulted, body).await,
                StatusCode::CREATED,
            )
            .await,
        );
    }
    let (app, staff) = (&app, &staff);
    let act = |method, path: String, body: Value| async move {
        expect_status(
            app.send(method, &path, Some(&staff.token), body).await,
            StatusCode::OK,
        )
        .await
    };
    let id = |i: usize| comments[i]["id"].as_str().unwrap().to_string();
    for i in 0..3 {
        act(
            Method::POST,
            format!("/comments/{}/moderation", id(i)),
            json!({"action": "publish"}),
        )
        .await;
    }
    act(
        Method::POST,
        format!("/comments/{}/moderation", id(3)),
        json!({"action": "reject", "reason": "spam"}),
    )
    .await;
    act(
        Method::PUT,
        format!("/comments/{}/outcome", id(0)),
        json!({"outcome": "adopted"}),
    )
    .await;
    act(
        Method::PUT,
        format!("/comments/{}/outcome", id(1)),
        json!({"outcome": "not_adopted", "reason": "已在其他规划中安排"}),
    )
    .await;

    let figures = expect_status(
        app.get("/reports/2021").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(figures["decisions"]["in_catalog"], 2);
    let disclosed: Vec<(&str, u64)> = figures["decisions"]["disclosed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().unwrap(),
                s["decisions"].as_u64().unwrap(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    assert_eq!(
        disclosed,
        [
            ("catalogued", 2),
            ("draft_published", 1),
            ("consultation_open", 1)
        ]
    );
    assert_eq!(
        figures["comments"],
        json!({"received": 4, "published": 3, "not_published": 1, "pending": 0, "by_outcome": [
            {"outcome": "adopted", "comments": 1},
            {"outcome": "partially_adopted", "comments": 0},
            {"outcome": "not_adopted", "comments": 1},
            {"outcome": "duplicate", "comments": 0},
        ]})
    );
    assert_eq!(
        figures["meetings"],
        json!({"held_with_observers": 0, "observers_seated": 0, "observers_attended": 0})
    );
    assert_eq!(figures["open_days"]["events"], 0);

    let csv = app.get("/reports/2021/export").send().await.unwrap();
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let rows: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(rows[0], "figure,value");
    for row in [
        "decisions.in_catalog,2",
        "comments.received,4",
        "comments.by_outcome.adopted,1",
    ] {
        assert!(rows.contains(&row), "{row} missing from {rows:?}");
    }
}

/// More open days in a year than a query may carry parameters (PostgreSQL 65,535, SQLite
/// 32,766): the reports count them in the database instead of listing their ids.
async fn the_reports_count_more_open_days_than_a_query_takes_parameters(app: TestApp) {
    use sea_orm::{ConnectionTrait, DbBackend};

    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    app.open_event_with(&staff, json!({"title": "模板开放日"}))
        .await;
    const COPIES: u32 = 70_000;
    let new_id = match app.state.db.get_database_backend() {
        DbBackend::Postgres => "gen_random_uuid()",
        _ => "randomblob(16)",
    };
    let columns = "title, theme, host_department_id, description, venue, address, \
        accessibility_notes, accessibility_contact, starts_at, ends_at, capacity, seats_taken, \
        waitlist_seq, max_party_size, signup_opens_at, signup_closes_at, offer_hours, status, \
        created_at, updated_at";
    app.state
        .db
        .execute_unprepared(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {COPIES}) \
             INSERT INTO events (id, {columns}) SELECT {new_id}, {columns} \
             FROM events, n WHERE title = '模板开放日'"
        ))
        .await
        .unwrap();
    // Held: the open days are over, within the year.
    app.clock.advance(Duration::days(12));
    let year = app.clock.now().year();
    let report = expect_status(
        app.get(&format!("/open-month/{year}/report"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["overall"]["events"], COPIES + 1);
    let figures = expect_status(
        app.get(&format!("/reports/{year}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(figures["open_days"]["events"], COPIES + 1);
}
