//! Executive meetings with public-representative observers: profiles verified by staff,
//! applications in a window, seats per category never exceeded, and a lottery anyone can
//! check with docs/verify_draw.py from its published draw alone.

use std::{
    path::PathBuf,
    process::Command,
    sync::atomic::{AtomicUsize, Ordering},
};

use canyu_tests::{
    expect_problem, expect_status, field_codes, on_every_backend, Backend, Person, TestApp,
};
use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

on_every_backend!(
    representatives_are_verified_refused_and_withdrawn,
    a_lottery_made_by_the_service_is_verified_from_its_published_draw,
    first_come_seats_in_the_order_applications_came,
);

/// A planned meeting 10 days ahead, with a public and a confidential agenda item, and the
/// staff who organise it.
pub(crate) struct Planned {
    pub staff: Person,
    /// The organising department.
    pub department: String,
    pub meeting: String,
    pub public_item: String,
    pub confidential_item: String,
}

pub(crate) async fn planned(app: &TestApp, plan: Value) -> Planned {
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
        staff,
        department,
        meeting: id,
        public_item: items[0].clone(),
        confidential_item: items[1].clone(),
    }
}

/// Residents who applied to represent `category` and whom staff verified.
pub(crate) async fn representatives(
    app: &TestApp,
    staff: &Person,
    category: &str,
    n: usize,
) -> Vec<Person> {
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

pub(crate) async fn apply(
    app: &TestApp,
    person: &Person,
    meeting: &str,
    items: Value,
) -> reqwest::Response {
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

fn hash_of(draw: &Value) -> String {
    draw["commitment"]["sha256"].as_str().unwrap().to_string()
}

/// The verifier's uniform draw discards a number past the last multiple of n, as the
/// service's does (the vector of docs/lottery.md, which no real draw is likely to meet).
#[test]
fn the_verifier_discards_as_the_service_does() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let out = Command::new("python3")
        .current_dir(docs)
        .args([
            "-c",
            "import verify_draw as v; print(v.below(iter([2**64 - 1, 5]), 3 * 2**62))",
        ])
        .output()
        .expect("python3 runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "5");
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
    // Applications from day 1 to day 3, the public value fixed on day 4, the meeting on day 10.
    let value_at = app.clock.now() + Duration::days(4);
    let day = planned(
        &app,
        json!({"quotas": [{"category": "npc_deputy", "seats": 2}, {"category": "resident", "seats": 1}], "selection_method": "lottery", "public_value_source": "上海证券交易所 上证综合指数 收盘点位", "public_value_at": value_at.to_rfc3339()}),
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
    // Each applicant was sent their pseudonym and the pool's hash when it was committed.
    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    let inbox = app
        .send(
            Method::GET,
            "/me/notifications",
            Some(&residents[0].token),
            Value::Null,
        )
        .await;
    let inbox = expect_status(inbox, StatusCode::OK).await;
    let told = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "lottery_committed")
        .expect("told of the commitment");
    let body = told["body"].as_str().unwrap();
    assert!(body.contains(hash_of(&committed).as_str()), "{body}");
    assert!(
        body.contains(applications[5]["pseudonym"].as_str().unwrap()),
        "{body}"
    );

    // The committed pool does not change: no withdrawal, no late application, no new plan.
    let late = representatives(&app, &day.staff, "npc_deputy", 1).await;
    expect_problem(
        apply(&app, &late[0], &day.meeting, json!([])).await,
        StatusCode::CONFLICT,
        "applications_not_open",
    )
    .await;
    let replan = json!({"quotas": [{"category": "npc_deputy", "seats": 5}], "selection_method": "first_come", "applications_open_at": app.clock.now().to_rfc3339(), "applications_close_at": (app.clock.now() + Duration::days(1)).to_rfc3339()});
    expect_problem(
        app.send(
            Method::PUT,
            &format!("/meetings/{}/seat-plan", day.meeting),
            Some(&day.staff.token),
            replan,
        )
        .await,
        StatusCode::CONFLICT,
        "plan_frozen",
    )
    .await;
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

    // Drawn once the value is fixed, and only in its one spelling.
    let enter = |value: &str| {
        app.send(
            Method::POST,
            &draw_path,
            Some(&day.staff.token),
            json!({"value": value}),
        )
    };
    expect_problem(
        enter("3572.37").await,
        StatusCode::CONFLICT,
        "public_value_not_yet",
    )
    .await;
    app.clock.advance(Duration::days(1));
    for respelled in ["3,572.37", "3572.370", "+3572.37"] {
        expect_problem(
            enter(respelled).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
    }
    let drawn = expect_status(enter("3572.37").await, StatusCode::OK).await;
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

    assert_eq!(
        published["current"], published["categories"],
        "nobody has withdrawn yet"
    );
    // What was stored for each applicant is what was published.
    let staff_list = app
        .send(
            Method::GET,
            &format!("/meetings/{}/applications", day.meeting),
            Some(&day.staff.token),
            Value::Null,
        )
        .await;
    let all_seated: Vec<Value> = published["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["seated"].as_array().unwrap().clone())
        .collect();
    for application in expect_status(staff_list, StatusCode::OK).await["items"]
        .as_array()
        .unwrap()
    {
        let seated = all_seated.contains(&application["pseudonym"]);
        assert_eq!(application["status"] == "seated", seated, "{application}");
    }

    let (ok, printed) = verify(&published);
    assert!(ok, "the verifier agrees: {printed}");
    assert!(
        printed.contains(hash_of(&published).as_str()),
        "it prints the commitment's hash"
    );
    let mut swapped = published.clone();
    let waiting = swapped["categories"][0]["waitlist"][0].clone();
    swapped["categories"][0]["waitlist"][0] = swapped["categories"][0]["seated"][0].clone();
    swapped["categories"][0]["seated"][0] = waiting;
    assert!(!verify(&swapped).0, "swapped seats are refused");
    // Another public value, its seed computed here independently, gives other seats: the
    // verifier refuses the published ones under it.
    let refused_under = |value: &str| {
        let mut claimed = published.clone();
        let seed = Sha256::digest(format!("{}\n{value}", hash_of(&published)).as_bytes());
        claimed["public_value"] = json!(value);
        claimed["seed"] = json!(hex::encode(seed));
        !verify(&claimed).0
    };
    assert!(
        ["3572.38", "3572.39", "3572.40"]
            .iter()
            .any(|v| refused_under(v)),
        "another value, other seats"
    );
    let mut grown = published.clone();
    grown["commitment"]["text"] = json!(format!("{text}applicant ZZZZZZZZ npc_deputy\n"));
    assert!(
        !verify(&grown).0,
        "a grown pool does not hash to the commitment"
    );
    let mut respelled = published.clone();
    respelled["public_value"] = json!("3572.370");
    assert!(!verify(&respelled).0, "a value in another spelling");

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
    let after = expect_status(app.get(&draw_path).send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(
        after["categories"], published["categories"],
        "as drawn, unchanged"
    );
    let now_seated = after["current"][0]["seated"].as_array().unwrap();
    assert!(now_seated.contains(&json!(first_in_line)));
    assert!(!now_seated.contains(&application["pseudonym"]));
    assert!(
        verify(&after).0,
        "the draw still verifies after a withdrawal"
    );

    // Once the meeting is held and its attendance recorded, the year's figures count it with
    // its observers.
    app.clock.advance(Duration::days(6));
    let path = |what: &str| format!("/meetings/{}/{what}", day.meeting);
    let staff = Some(day.staff.token.as_str());
    let held = app
        .send(
            Method::POST,
            &path("held"),
            staff,
            json!({"deliberations": []}),
        )
        .await;
    expect_status(held, StatusCode::OK).await;
    let present = my_application(&app, &day.meeting, next.unwrap()).await["id"].clone();
    let attendance = app
        .send(
            Method::PUT,
            &path("attendance"),
            staff,
            json!({"attended": [present]}),
        )
        .await;
    let observers = expect_status(attendance, StatusCode::OK).await["observers"].clone();
    assert_eq!(
        observers,
        json!([{"category": "npc_deputy", "seated": 2, "attended": 1}, {"category": "resident", "seated": 1, "attended": 0}])
    );
    let year = app.clock.now().with_timezone(&app.config.timezone).year();
    let figures = app.get(&format!("/reports/{year}")).send().await.unwrap();
    assert_eq!(
        expect_status(figures, StatusCode::OK).await["meetings"],
        json!({"held_with_observers": 1, "observers_seated": 3, "observers_attended": 1})
    );

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
}

pub(crate) async fn my_application(app: &TestApp, meeting: &str, person: &Person) -> Value {
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

/// Two instances take the applications, commit the pool and draw the lottery, each at once:
/// everyone is in the pool once, it is committed once and drawn once, and no category gets
/// more seats than its quota.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_commit_and_draw_once() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let value_at = app.clock.now() + Duration::days(4);
        let day = planned(
            &app,
            json!({"quotas": [{"category": "business", "seats": 3}], "selection_method": "lottery", "public_value_source": "上证综合指数", "public_value_at": value_at.to_rfc3339()}),
        )
        .await;
        let people = representatives(&app, &day.staff, "business", 8).await;
        app.clock.advance(Duration::days(1));
        let bases = [format!("http://{}", app.addr), format!("http://{}", app.second_instance().await)];
        let at = |i: usize, path: &str| format!("{}/api/v1{path}", bases[i % 2]);
        let applying: Vec<_> = people
            .iter()
            .enumerate()
            .map(|(i, person)| {
                let url = at(i, &format!("/meetings/{}/applications", day.meeting));
                let request = app.client.post(url).bearer_auth(&person.token).json(&json!({"agenda_item_ids": []}));
                tokio::spawn(request.send())
            })
            .collect();
        for applied in applying {
            expect_status(applied.await.unwrap().unwrap(), StatusCode::CREATED).await;
        }
        app.clock.advance(Duration::days(2));
        let both = |path: String, body: Value| {
            let requests = [0, 1].map(|i| {
                app.client
                    .post(at(i, &path))
                    .bearer_auth(&day.staff.token)
                    .json(&body)
                    .send()
            });
            async move {
                let [a, b] = requests;
                let (a, b) = tokio::join!(a, b);
                let mut statuses = [a.unwrap().status(), b.unwrap().status()];
                statuses.sort();
                statuses
            }
        };
        let committed = both(format!("/meetings/{}/selection", day.meeting), Value::Null).await;
        assert_eq!(committed, [StatusCode::OK, StatusCode::CONFLICT]);
        app.clock.advance(Duration::days(1));
        let drawn = both(format!("/meetings/{}/draw", day.meeting), json!({"value": "3572.37"})).await;
        assert_eq!(drawn, [StatusCode::OK, StatusCode::CONFLICT]);
        let draw = expect_status(
            app.get(&format!("/meetings/{}/draw", day.meeting)).send().await.unwrap(),
            StatusCode::OK,
        )
        .await;
        assert_eq!(draw["commitment"]["text"].as_str().unwrap().matches("applicant ").count(), 8);
        let list = app.send(Method::GET, &format!("/meetings/{}/applications", day.meeting), Some(&day.staff.token), Value::Null).await;
        let seated = expect_status(list, StatusCode::OK).await["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["status"] == "seated")
            .count();
        assert_eq!(seated, 3);
        assert!(verify(&draw).0);
    })
    .await;
}
