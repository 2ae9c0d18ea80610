//! The demo district loads into an empty database once, and never into someone's data.

use canyu::demo;
use canyu_tests::{
    assert_instants_in_seconds, expect_problem, expect_status, on_every_backend, TestApp,
};
use reqwest::StatusCode;

on_every_backend!(
    demo_loads_once_and_its_logins_work,
    demo_refuses_a_database_with_other_data
);

async fn demo_loads_once_and_its_logins_work(app: TestApp) {
    // The demo tells the district's 2021 as history: it loads years after, as it does for a
    // visitor today.
    app.clock.advance(chrono::Duration::days(5 * 365));
    assert!(matches!(
        demo::load(&app.state).await.unwrap(),
        demo::Outcome::Loaded
    ));
    assert!(matches!(
        demo::load(&app.state).await.unwrap(),
        demo::Outcome::AlreadyLoaded
    ));

    let departments = expect_status(
        app.get("/departments?limit=100").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let names: Vec<&str> = departments["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for expected in ["区发展改革委", "区建设管理委", "区生态环境局", "区民政局"]
    {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for person in demo::LOGINS {
        let session = expect_status(
            app.login(person.login, person.password).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(session["user"]["display_name"], person.display_name);
    }
    // The representatives of the 2021 draw have accounts without a password: refused like a
    // wrong password, whatever is sent.
    expect_problem(
        app.login("13700000009", "any password at all").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let catalog = expect_status(
        app.get("/decisions?year=2021").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let mut stages: Vec<&str> = catalog["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["stage"].as_str().unwrap())
        .collect();
    stages.sort();
    assert_eq!(
        stages,
        [
            "consultation_open",
            "decided",
            "decided",
            "deliberated",
            "draft_published"
        ]
    );
    let planning = catalog["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "杨浦区城区管理精细化“十四五”规划")
        .unwrap();
    let feedback = app
        .get(&format!(
            "/decisions/{}/feedback",
            planning["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap();
    let feedback = expect_status(feedback, StatusCode::OK).await;
    assert_eq!(feedback["totals"]["total"], 5);
    assert_eq!(feedback["not_adopted"].as_array().unwrap().len(), 1);
    // Each comment sits under the article it speaks of: both on old residential areas under
    // 第三条 (老旧小区综合治理), the one on 一网统管 under 第二条.
    let on = |heading: &str| {
        feedback["by_section"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["heading"] == heading)
            .map(|s| s["counts"]["total"].clone())
    };
    assert_eq!(on("第三条"), Some(serde_json::json!(2)), "{feedback}");
    assert_eq!(on("第二条"), Some(serde_json::json!(1)), "{feedback}");

    // The open consultation takes a resident's comment the moment the demo has loaded.
    let open = catalog["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["stage"] == "consultation_open")
        .unwrap();
    let resident = app.resident("王五").await;
    let comment = app
        .comment(
            &resident,
            open["id"].as_str().unwrap(),
            serde_json::json!({"body": "支持"}),
        )
        .await;
    expect_status(comment, StatusCode::CREATED).await;

    let events = expect_status(
        app.get("/events?limit=100").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let events = events["items"].as_array().unwrap();
    assert!(events.len() >= 30, "30+ open days");
    let mut themes: Vec<&str> = events
        .iter()
        .map(|e| e["theme"].as_str().unwrap())
        .collect();
    themes.sort_unstable();
    themes.dedup();
    assert_eq!(themes.len(), 8, "all eight themes");
    assert!(
        events
            .iter()
            .any(|e| e["seats_left"] == 0 && e["waitlist_length"].as_u64() > Some(0)),
        "some full, with a waitlist"
    );
    let now = app.clock.now();
    let starts = |e: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(e["starts_at"].as_str().unwrap()).unwrap()
    };
    let (held, upcoming): (Vec<_>, Vec<_>) = events.iter().partition(|e| starts(e) < now);
    assert!(
        upcoming.iter().all(|e| e["signup_open"] == true),
        "visitors can sign up"
    );
    assert_eq!(held.len(), 3, "open days already held, with surveys");

    // The first resident came to the latest one, and can rate it at once; the others'
    // results are published, one of them rated low.
    let resident = &demo::LOGINS.iter().find(|p| p.role == "resident").unwrap();
    let session = expect_status(
        app.login(resident.login, resident.password).await,
        StatusCode::OK,
    )
    .await;
    let token = session["token"].as_str().unwrap();
    let mut means = Vec::new();
    for event in &held {
        let survey = expect_status(
            app.get(&format!("/events/{}/survey", event["id"].as_str().unwrap()))
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await;
        if survey["state"] == "open" && survey["results_published"] == false {
            let answers: Vec<_> = survey["questions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|q| q["required"] == true)
                .map(|q| serde_json::json!({"question_id": q["id"], "value": 5}))
                .collect();
            let answered = app
                .request(
                    reqwest::Method::POST,
                    &format!("/surveys/{}/responses", survey["id"].as_str().unwrap()),
                )
                .bearer_auth(token)
                .json(&serde_json::json!({"answers": answers}))
                .send()
                .await
                .unwrap();
            expect_status(answered, StatusCode::CREATED).await;
        } else {
            let results = expect_status(
                app.get(&format!(
                    "/surveys/{}/results",
                    survey["id"].as_str().unwrap()
                ))
                .send()
                .await
                .unwrap(),
                StatusCode::OK,
            )
            .await;
            means.push(results["questions"][0]["mean"].as_f64().unwrap());
        }
    }
    means.sort_by(f64::total_cmp);
    assert_eq!(means.len(), 2, "two published results and one open survey");
    assert!(means[0] < 3.0 && means[1] > 4.0, "{means:?}");

    // Every instant the public reads is written alike, whatever the database kept.
    assert_instants_in_seconds(&catalog);
    for event in events {
        assert_instants_in_seconds(event);
    }
    for decision in catalog["items"].as_array().unwrap() {
        let id = decision["id"].as_str().unwrap();
        for path in ["", "/timeline", "/drafts", "/comments", "/feedback"] {
            let answer = app
                .get(&format!("/decisions/{id}{path}"))
                .send()
                .await
                .unwrap();
            if answer.status() == StatusCode::OK {
                assert_instants_in_seconds(&answer.json().await.unwrap());
            }
        }
    }

    // The 138th and 140th meetings took place with their observers, the opinions handled in
    // public; the 140th's lottery verifies from its published draw; the demo representative
    // applies for a seat at the meeting taking applications, at once.
    let meetings = expect_status(app.get("/meetings").send().await.unwrap(), StatusCode::OK).await;
    let meeting = |number: i64| {
        meetings["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["number"] == number)
            .unwrap_or_else(|| panic!("the demo has meeting {number}"))
            .clone()
    };
    for (number, seats, given) in [(138, 5, 2), (140, 15, 3)] {
        let held = meeting(number);
        assert_eq!(held["status"], "minutes_published");
        let attended: u64 = held["observers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["attended"].as_u64().unwrap())
            .sum();
        assert_eq!(attended, seats, "every seat of the {number}th attended");
        let opinions = app
            .get(&format!(
                "/meetings/{}/opinions",
                held["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        let opinions = expect_status(opinions, StatusCode::OK).await;
        let handled = opinions["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["handling"].is_string())
            .count();
        assert_eq!(handled, given, "the {number}th's opinions, each handled");
    }
    for decision in [
        "杨浦区生态环境保护“十四五”规划",
        "杨浦区养老服务设施布局专项规划（2021—2035年）",
    ] {
        let found = catalog["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["title"] == decision)
            .unwrap_or_else(|| panic!("{decision} in the demo"));
        let timeline = app
            .get(&format!(
                "/decisions/{}/timeline?limit=100",
                found["id"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap();
        let timeline = expect_status(timeline, StatusCode::OK).await;
        assert!(
            timeline["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "deliberated"
                    && e["note"].as_str().unwrap().contains("第140次常务会议")),
            "the 140th deliberated {decision}: {timeline}"
        );
    }
    let held = meeting(140);
    assert_instants_in_seconds(&held);
    let draw = app
        .get(&format!("/meetings/{}/draw", held["id"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    let draw = expect_status(draw, StatusCode::OK).await;
    let seated: usize = draw["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["seated"].as_array().unwrap().len())
        .sum();
    assert_eq!(seated, 15, "fifteen observers across five categories");
    let upcoming = meeting(146);
    assert_eq!(upcoming["status"], "applications_open");
    let representative = demo::LOGINS
        .iter()
        .find(|p| p.role == "representative")
        .unwrap();
    let session = app
        .login(representative.login, representative.password)
        .await;
    let token = expect_status(session, StatusCode::OK).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let applied = app
        .post(
            &format!(
                "/meetings/{}/applications",
                upcoming["id"].as_str().unwrap()
            ),
            serde_json::json!({"agenda_item_ids": []}),
        )
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_status(applied, StatusCode::CREATED).await["status"],
        "applied"
    );

    let admin = demo::LOGINS.iter().find(|p| p.role == "admin").unwrap();
    let session = expect_status(app.login(admin.login, admin.password).await, StatusCode::OK).await;
    assert_instants_in_seconds(&session);
    assert!(session["user"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "admin"));
}

async fn demo_refuses_a_database_with_other_data(app: TestApp) {
    app.resident("张三").await;
    let err = demo::load(&app.state).await.err().expect("refused");
    assert!(err.to_string().contains("--demo"), "{err}");
}
