//! Executive meetings with public-representative observers: profiles verified by staff,
//! applications in a window, seats per category never exceeded, and a lottery anyone can
//! check with docs/verify_draw.py from its published draw alone.

use std::{
    path::PathBuf,
    process::Command,
    sync::atomic::{AtomicUsize, Ordering},
};

use canyu::meetings::lottery::{self, Pool};
use canyu_tests::{
    expect_problem, expect_status, field_codes, on_every_backend, Backend, Person, TestApp,
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    representatives_are_verified_refused_and_withdrawn,
    a_lottery_made_by_the_service_is_verified_from_its_published_draw,
    first_come_seats_in_the_order_applications_came,
);

/// A planned meeting 10 days ahead, with a public and a confidential agenda item, and the
/// staff who organise it.
struct Planned {
    admin: Person,
    staff: Person,
    meeting: String,
    public_item: String,
    confidential_item: String,
}

async fn planned(app: &TestApp, plan: Value) -> Planned {
    let admin = app.admin().await;
    let (staff, department) = app.staff(&admin, "qfb").await;
    let starts_at = app.clock.now() + Duration::days(10);
    let meeting = expect_status(
        app.send(
            Method::POST,
            "/meetings",
            Some(&staff.token),
            json!({"number": 140, "title": "区政府第140次常务会议", "starts_at": starts_at.to_rfc3339(), "place": "区政府第一会议室"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = meeting["id"].as_str().unwrap().to_string();
    let mut items = Vec::new();
    for (title, confidential) in [("审议城区管理精细化规划", false), ("人事事项", true)]
    {
        let added = expect_status(
            app.send(
                Method::POST,
                &format!("/meetings/{id}/agenda"),
                Some(&staff.token),
                json!({"title": title, "presenting_department_id": department, "confidential": confidential}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let last = added["agenda"].as_array().unwrap().last().unwrap().clone();
        items.push(last["id"].as_str().unwrap().to_string());
    }
    let window = json!({
        "applications_open_at": (app.clock.now() + Duration::days(1)).to_rfc3339(),
        "applications_close_at": (app.clock.now() + Duration::days(3)).to_rfc3339(),
    });
    let mut body = plan;
    body.as_object_mut()
        .unwrap()
        .extend(window.as_object().unwrap().clone());
    expect_status(
        app.send(
            Method::PUT,
            &format!("/meetings/{id}/seat-plan"),
            Some(&staff.token),
            body,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    Planned {
        admin,
        staff,
        meeting: id,
        public_item: items[0].clone(),
        confidential_item: items[1].clone(),
    }
}

/// Residents who applied to represent `category` and whom staff verified.
async fn representatives(app: &TestApp, staff: &Person, category: &str, n: usize) -> Vec<Person> {
    let people = app.crowd(n).await;
    for person in &people {
        let profile = expect_status(
            app.send(
                Method::POST,
                "/representatives",
                Some(&person.token),
                json!({"category": category, "organisation": "杨浦区某单位", "statement": "关注城区管理。", "eligibility": "lives_in_district"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        expect_status(
            app.send(
                Method::POST,
                &format!(
                    "/representatives/{}/verification",
                    profile["id"].as_str().unwrap()
                ),
                Some(&staff.token),
                json!({"verdict": "verified"}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    people
}

async fn apply(app: &TestApp, person: &Person, meeting: &str, items: Value) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/meetings/{meeting}/applications"),
        Some(&person.token),
        json!({"agenda_item_ids": items}),
    )
    .await
}

async fn roles(app: &TestApp, person: &Person) -> Value {
    let me = app
        .send(Method::GET, "/me", Some(&person.token), Value::Null)
        .await;
    expect_status(me, StatusCode::OK).await["roles"].clone()
}

async fn representatives_are_verified_refused_and_withdrawn(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "qfb").await;
    let person = app.resident("王五").await;
    let profile = |category: &str| json!({"category": category, "organisation": "某律师事务所", "statement": "希望列席。", "eligibility": "works_in_district"});
    let applied = expect_status(
        app.send(
            Method::POST,
            "/representatives",
            Some(&person.token),
            profile("legal"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(applied["status"], "pending");
    expect_problem(
        app.send(
            Method::POST,
            "/representatives",
            Some(&person.token),
            profile("business"),
        )
        .await,
        StatusCode::CONFLICT,
        "profile_exists",
    )
    .await;
    expect_problem(
        app.send(
            Method::GET,
            "/representatives",
            Some(&person.token),
            Value::Null,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let queue = expect_status(
        app.send(
            Method::GET,
            "/representatives",
            Some(&staff.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(queue["items"][0]["id"], applied["id"]);

    let verification = format!(
        "/representatives/{}/verification",
        applied["id"].as_str().unwrap()
    );
    let problem = expect_problem(
        app.send(
            Method::POST,
            &verification,
            Some(&staff.token),
            json!({"verdict": "refused"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("reason", "required")]);
    let refused = expect_status(
        app.send(
            Method::POST,
            &verification,
            Some(&staff.token),
            json!({"verdict": "refused", "reason": "未能核实执业地点"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (refused["status"].as_str(), refused["reason"].as_str()),
        (Some("refused"), Some("未能核实执业地点"))
    );
    expect_problem(
        app.send(
            Method::POST,
            &verification,
            Some(&staff.token),
            json!({"verdict": "verified"}),
        )
        .await,
        StatusCode::CONFLICT,
        "not_pending",
    )
    .await;
    assert!(!roles(&app, &person)
        .await
        .as_array()
        .unwrap()
        .contains(&json!("representative")));

    // Applying again after a refusal, and verified this time.
    let again = expect_status(
        app.send(
            Method::POST,
            "/representatives",
            Some(&person.token),
            profile("legal"),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let verification = format!(
        "/representatives/{}/verification",
        again["id"].as_str().unwrap()
    );
    expect_status(
        app.send(
            Method::POST,
            &verification,
            Some(&staff.token),
            json!({"verdict": "verified"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(roles(&app, &person)
        .await
        .as_array()
        .unwrap()
        .contains(&json!("representative")));
    let mine = app
        .send(
            Method::GET,
            "/me/representative",
            Some(&person.token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(mine, StatusCode::OK).await["status"],
        "verified"
    );

    let withdrawn = app
        .send(
            Method::DELETE,
            "/me/representative",
            Some(&person.token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(withdrawn, StatusCode::OK).await["status"],
        "withdrawn"
    );
    assert!(!roles(&app, &person)
        .await
        .as_array()
        .unwrap()
        .contains(&json!("representative")));
}

/// The draw as published, run through docs/verify_draw.py: its exit status and what it printed.
fn verify(draw: &Value) -> (bool, String) {
    static SAVED: AtomicUsize = AtomicUsize::new(0);
    let n = SAVED.fetch_add(1, Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("canyu-draw-{}-{n}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec_pretty(draw).unwrap()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/verify_draw.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&file)
        .output()
        .expect("python3 runs the verifier");
    std::fs::remove_file(&file).unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn a_lottery_made_by_the_service_is_verified_from_its_published_draw(app: TestApp) {
    let day = planned(
        &app,
        json!({"quotas": [{"category": "npc_deputy", "seats": 2}, {"category": "resident", "seats": 1}], "selection_method": "lottery", "public_value_source": "上海证券交易所 上证综合指数 收盘点位"}),
    )
    .await;
    let public = expect_status(
        app.get(&format!("/meetings/{}", day.meeting))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        public["agenda"].as_array().unwrap().len(),
        1,
        "the confidential item is hidden: {public}"
    );
    assert_eq!(public["status"], "planned");

    let deputies = representatives(&app, &day.staff, "npc_deputy", 5).await;
    let residents = representatives(&app, &day.staff, "resident", 2).await;
    expect_problem(
        apply(&app, &deputies[0], &day.meeting, json!([])).await,
        StatusCode::CONFLICT,
        "applications_not_open",
    )
    .await;
    app.clock.advance(Duration::days(1));
    let unverified = app.resident("赵六").await;
    expect_problem(
        apply(&app, &unverified, &day.meeting, json!([])).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let problem = expect_problem(
        apply(
            &app,
            &deputies[0],
            &day.meeting,
            json!([day.confidential_item]),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_codes(&problem), [("agenda_item_ids[0]", "not_found")]);
    let mut applications = Vec::new();
    for person in deputies.iter().chain(&residents) {
        let applied = apply(&app, person, &day.meeting, json!([day.public_item])).await;
        applications.push(expect_status(applied, StatusCode::CREATED).await);
    }
    expect_problem(
        apply(&app, &deputies[0], &day.meeting, json!([])).await,
        StatusCode::CONFLICT,
        "already_applied",
    )
    .await;
    let select = |token: String| {
        let path = format!("/meetings/{}/selection", day.meeting);
        let app = &app;
        async move {
            app.send(Method::POST, &path, Some(&token), Value::Null)
                .await
        }
    };
    expect_problem(
        select(day.staff.token.clone()).await,
        StatusCode::CONFLICT,
        "applications_not_closed",
    )
    .await;

    app.clock.advance(Duration::days(2));
    expect_status(select(day.staff.token.clone()).await, StatusCode::OK).await;
    let draw_path = format!("/meetings/{}/draw", day.meeting);
    let committed = expect_status(app.get(&draw_path).send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(committed["categories"], json!([]), "not drawn yet");
    assert!(committed.get("seed").is_none());
    let text = committed["commitment"]["text"].as_str().unwrap();
    for application in &applications {
        assert!(
            text.contains(application["pseudonym"].as_str().unwrap()),
            "every applicant by pseudonym"
        );
    }
    // The committed pool does not change: a withdrawal now is refused.
    let first = applications[0]["id"].as_str().unwrap();
    expect_problem(
        app.send(
            Method::DELETE,
            &format!("/applications/{first}"),
            Some(&deputies[0].token),
            Value::Null,
        )
        .await,
        StatusCode::CONFLICT,
        "withdrawal_closed",
    )
    .await;

    let drawn = expect_status(
        app.send(
            Method::POST,
            &draw_path,
            Some(&day.staff.token),
            json!({"value": "3572.37"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.send(
            Method::POST,
            &draw_path,
            Some(&day.staff.token),
            json!({"value": "3572.38"}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_drawn",
    )
    .await;
    let published = expect_status(app.get(&draw_path).send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(published, drawn);
    let seats: Vec<(String, usize, usize)> = published["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let n = |k: &str| c[k].as_array().unwrap().len();
            (
                c["category"].as_str().unwrap().to_string(),
                n("seated"),
                n("waitlist"),
            )
        })
        .collect();
    assert_eq!(
        seats,
        [("npc_deputy".into(), 2, 3), ("resident".into(), 1, 1)],
        "each quota filled, never exceeded"
    );

    let (ok, printed) = verify(&published);
    assert!(ok, "the verifier agrees: {printed}");
    let mut swapped = published.clone();
    let waiting = swapped["categories"][0]["waitlist"][0].clone();
    swapped["categories"][0]["waitlist"][0] = swapped["categories"][0]["seated"][0].clone();
    swapped["categories"][0]["seated"][0] = waiting;
    assert!(!verify(&swapped).0, "swapped seats are refused");
    // Another public value gives other seats.
    let pool = Pool::parse(text).unwrap();
    let hash = committed["commitment"]["sha256"].as_str().unwrap();
    let other: Vec<Vec<String>> = ["3572.38", "3572.39", "3572.40"]
        .iter()
        .map(|value| {
            lottery::draw(&pool, lottery::seed(hash, value))[0]
                .seated
                .clone()
        })
        .collect();
    let seated_now: Vec<String> =
        serde_json::from_value(published["categories"][0]["seated"].clone()).unwrap();
    assert!(
        other.iter().any(|seated| *seated != seated_now),
        "another value, other seats"
    );

    // Each applicant knows where they stand; a seated deputy withdraws and the first in line
    // takes the seat.
    let first_in_line = published["categories"][0]["waitlist"][0].as_str().unwrap();
    let mut holder = None;
    let mut next = None;
    for person in &deputies {
        let application = my_application(&app, &day.meeting, person).await;
        if application["pseudonym"] == published["categories"][0]["seated"][0] {
            holder = Some((person, application));
        } else if application["pseudonym"] == first_in_line {
            assert_eq!(
                (
                    application["status"].as_str(),
                    application["waitlist_position"].as_i64()
                ),
                (Some("waitlisted"), Some(1))
            );
            next = Some(person);
        }
    }
    let (holder, application) = holder.expect("a deputy holds the first seat");
    let withdrawn = app
        .send(
            Method::DELETE,
            &format!("/applications/{}", application["id"].as_str().unwrap()),
            Some(&holder.token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(withdrawn, StatusCode::OK).await["status"],
        "withdrawn"
    );
    let promoted =
        my_application(&app, &day.meeting, next.expect("someone is first in line")).await;
    assert_eq!(promoted["status"], "seated");

    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    let inbox = app
        .send(
            Method::GET,
            "/me/notifications",
            Some(&next.unwrap().token),
            Value::Null,
        )
        .await;
    let notices = expect_status(inbox, StatusCode::OK).await;
    let seat_notices = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "meeting_seat")
        .count();
    assert_eq!(
        seat_notices, 2,
        "told of the waitlist, then of the seat: {notices}"
    );

    // Staff see who is behind each pseudonym; nobody else does.
    let staff_view = app
        .send(
            Method::GET,
            &format!("/meetings/{}/applications", day.meeting),
            Some(&day.staff.token),
            Value::Null,
        )
        .await;
    let staff_view = expect_status(staff_view, StatusCode::OK).await;
    assert_eq!(staff_view["items"].as_array().unwrap().len(), 7);
    assert!(staff_view["items"][0]["applicant"].is_string());
    assert!(promoted.get("applicant").is_none());
    let _ = day.admin;
}

async fn my_application(app: &TestApp, meeting: &str, person: &Person) -> Value {
    let path = format!("/meetings/{meeting}/applications");
    let mine = app
        .send(Method::GET, &path, Some(&person.token), Value::Null)
        .await;
    expect_status(mine, StatusCode::OK).await["items"][0].clone()
}

async fn first_come_seats_in_the_order_applications_came(app: TestApp) {
    let day = planned(
        &app,
        json!({"quotas": [{"category": "legal", "seats": 2}], "selection_method": "first_come"}),
    )
    .await;
    let lawyers = representatives(&app, &day.staff, "legal", 3).await;
    let business = representatives(&app, &day.staff, "business", 1).await;
    app.clock.advance(Duration::days(1));
    expect_problem(
        apply(&app, &business[0], &day.meeting, json!([])).await,
        StatusCode::CONFLICT,
        "no_seats_for_category",
    )
    .await;
    for (i, person) in lawyers.iter().enumerate() {
        expect_status(
            apply(&app, person, &day.meeting, json!([])).await,
            StatusCode::CREATED,
        )
        .await;
        app.clock.advance(Duration::minutes(i as i64 + 1));
    }
    app.clock.advance(Duration::days(2));
    let selected = app
        .send(
            Method::POST,
            &format!("/meetings/{}/selection", day.meeting),
            Some(&day.staff.token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(selected, StatusCode::OK).await["status"],
        "drawn"
    );
    let list = app
        .send(
            Method::GET,
            &format!("/meetings/{}/applications", day.meeting),
            Some(&day.staff.token),
            Value::Null,
        )
        .await;
    let statuses: Vec<String> = expect_status(list, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses,
        ["seated", "seated", "waitlisted"],
        "in the order they applied"
    );
    expect_problem(
        app.get(&format!("/meetings/{}/draw", day.meeting))
            .send()
            .await
            .unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

/// Two instances draw the same lottery at once: one draws, the other is told it is drawn,
/// and no category gets more seats than its quota.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_draws_on_two_instances_draw_once() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let day = planned(
            &app,
            json!({"quotas": [{"category": "business", "seats": 3}], "selection_method": "lottery", "public_value_source": "上证综合指数"}),
        )
        .await;
        let people = representatives(&app, &day.staff, "business", 8).await;
        app.clock.advance(Duration::days(1));
        let applying: Vec<_> = people
            .iter()
            .map(|person| {
                let path = format!("/meetings/{}/applications", day.meeting);
                let request = app
                    .post(&path, json!({"agenda_item_ids": []}))
                    .bearer_auth(&person.token);
                tokio::spawn(request.send())
            })
            .collect();
        for applied in applying {
            expect_status(applied.await.unwrap().unwrap(), StatusCode::CREATED).await;
        }
        app.clock.advance(Duration::days(2));
        let path = format!("/meetings/{}/selection", day.meeting);
        expect_status(app.send(Method::POST, &path, Some(&day.staff.token), Value::Null).await, StatusCode::OK).await;
        let other = app.second_instance().await;
        let draw_at = |base: String| {
            app.client
                .post(format!("{base}/api/v1/meetings/{}/draw", day.meeting))
                .bearer_auth(&day.staff.token)
                .json(&json!({"value": "3572.37"}))
                .send()
        };
        let (a, b) = tokio::join!(draw_at(format!("http://{}", app.addr)), draw_at(format!("http://{other}")));
        let mut statuses = [a.unwrap().status(), b.unwrap().status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
        let list = app.send(Method::GET, &format!("/meetings/{}/applications", day.meeting), Some(&day.staff.token), Value::Null).await;
        let seated = expect_status(list, StatusCode::OK).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["status"] == "seated")
            .count();
        assert_eq!(seated, 3);
    })
    .await;
}
