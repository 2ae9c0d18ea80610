//! Open days: signups, the waitlist and its offers, capacity, check-in.

use canyu::events::signups::expire_offers;
use canyu_tests::{
    assert_instants_in_seconds, error_fields, expect_problem, expect_status, on_every_backend,
    Person, TestApp,
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    signups_confirm_until_full_then_waitlist_in_order,
    one_person_signing_up_twice_in_parallel_gets_one_signup,
    an_idempotent_retry_returns_the_first_signup,
    party_size_is_limited_and_counts_against_capacity,
    a_cancelled_seat_is_offered_to_the_first_in_line,
    a_party_leaving_the_line_lets_the_next_one_take_the_free_seat,
    an_expired_offer_passes_to_the_next_person,
    capacity_cannot_drop_below_the_seats_taken,
    signups_are_taken_only_while_the_window_is_open,
    the_next_signup_sees_a_window_just_closed_or_reopened,
    cancelling_an_event_notifies_everyone_signed_up,
    check_in_happens_once_and_only_at_its_event,
    offline_scans_apply_once,
    only_the_host_department_manages_an_event,
);

async fn sign_up(
    app: &TestApp,
    person: &Person,
    event: &str,
    party_size: i32,
) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/events/{event}/signups"),
        Some(&person.token),
        json!({"party_size": party_size}),
    )
    .await
}

async fn signed_up(app: &TestApp, person: &Person, event: &str) -> Value {
    expect_status(sign_up(app, person, event, 1).await, StatusCode::CREATED).await
}

async fn my_signup(app: &TestApp, person: &Person) -> Value {
    let mine = expect_status(
        app.send(Method::GET, "/me/signups", Some(&person.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    mine["items"][0].clone()
}

async fn event(app: &TestApp, id: &str) -> Value {
    expect_status(
        app.get(&format!("/events/{id}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await
}

async fn signups_confirm_until_full_then_waitlist_in_order(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 3, 1).await;
    let people = app.crowd(5).await;
    let mut answers = Vec::new();
    for person in &people {
        answers.push(signed_up(&app, person, &id).await);
    }
    let statuses: Vec<&str> = answers
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "confirmed",
            "confirmed",
            "confirmed",
            "waitlisted",
            "waitlisted"
        ]
    );
    assert_eq!(answers[3]["waitlist_position"], 1);
    assert_eq!(answers[4]["waitlist_position"], 2);
    let code = answers[0]["checkin_code"].as_str().unwrap();
    assert!(
        code.len() == 9
            && code.chars().enumerate().all(|(i, c)| match i {
                4 => c == '-',
                _ => "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c),
            }),
        "eight characters without look-alikes, as 7KQM-3XPA: {code}"
    );
    assert!(
        answers[3].get("checkin_code").is_none(),
        "no code while waitlisted"
    );
    let shown = event(&app, &id).await;
    assert_eq!(shown["seats_left"], 0);
    assert_eq!(shown["waitlist_length"], 2);
    let full = expect_status(
        app.get("/events?has_seats=true").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert!(
        full["items"].as_array().unwrap().is_empty(),
        "a full event is not listed under has_seats"
    );
}

async fn one_person_signing_up_twice_in_parallel_gets_one_signup(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 10, 1).await;
    let person = app.resident("张三").await;
    let attempts: Vec<_> = (0..6)
        .map(|_| {
            let request = app
                .request(Method::POST, &format!("/events/{id}/signups"))
                .bearer_auth(&person.token)
                .json(&json!({}));
            tokio::spawn(request.send())
        })
        .collect();
    let mut created = 0;
    for attempt in attempts {
        let response = attempt.await.unwrap().unwrap();
        match response.status() {
            StatusCode::CREATED => created += 1,
            _ => {
                expect_problem(response, StatusCode::CONFLICT, "already_signed_up").await;
            }
        }
    }
    assert_eq!(created, 1);
    assert_eq!(event(&app, &id).await["seats_left"], 9, "one seat taken");
}

async fn an_idempotent_retry_returns_the_first_signup(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 10, 2).await;
    let person = app.resident("张三").await;
    let send = || {
        app.request(Method::POST, &format!("/events/{id}/signups"))
            .bearer_auth(&person.token)
            .header("Idempotency-Key", "signup-1")
            .json(&json!({"party_size": 2}))
            .send()
    };
    let first = expect_status(send().await.unwrap(), StatusCode::CREATED).await;
    let retry = expect_status(send().await.unwrap(), StatusCode::CREATED).await;
    assert_eq!(first, retry);
    assert_eq!(event(&app, &id).await["seats_left"], 8);
}

async fn party_size_is_limited_and_counts_against_capacity(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 4, 3).await;
    let people = app.crowd(3).await;
    let problem = expect_problem(
        sign_up(&app, &people[0], &id, 4).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["party_size"]);
    let problem = expect_problem(
        sign_up(&app, &people[0], &id, 0).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(error_fields(&problem), ["party_size"]);

    let three = expect_status(sign_up(&app, &people[0], &id, 3).await, StatusCode::CREATED).await;
    assert_eq!(three["status"], "confirmed");
    // Two people do not fit in the one seat left: they wait, and the seat stays free.
    let two = expect_status(sign_up(&app, &people[1], &id, 2).await, StatusCode::CREATED).await;
    assert_eq!(two["status"], "waitlisted");
    // Nobody jumps the line for the free seat.
    let one = expect_status(sign_up(&app, &people[2], &id, 1).await, StatusCode::CREATED).await;
    assert_eq!(one["status"], "waitlisted");
    assert_eq!(one["waitlist_position"], 2);
    assert_eq!(
        event(&app, &id).await["seats_left"],
        0,
        "the free seat is no newcomer's to take"
    );
}

/// Found by the property test of the seat rules: a party too large for the free seat waits at
/// the head; when it leaves, the one behind it that fits is offered the seat at once.
async fn a_party_leaving_the_line_lets_the_next_one_take_the_free_seat(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 3, 2).await;
    let people = app.crowd(3).await;
    expect_status(sign_up(&app, &people[0], &id, 2).await, StatusCode::CREATED).await;
    let big = expect_status(sign_up(&app, &people[1], &id, 2).await, StatusCode::CREATED).await;
    assert_eq!(big["status"], "waitlisted");
    // One seat is empty, but no newcomer can have it while a party waits for it.
    assert_eq!(event(&app, &id).await["seats_left"], 0);
    let with_seats = expect_status(
        app.get("/events?has_seats=true&limit=100")
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let listed = with_seats["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == id.as_str());
    assert!(!listed, "listed with seats nobody can get");
    let small = expect_status(sign_up(&app, &people[2], &id, 1).await, StatusCode::CREATED).await;
    assert_eq!(small["status"], "waitlisted", "nobody jumps the line");

    let left = app
        .send(
            Method::DELETE,
            &format!("/signups/{}", big["id"].as_str().unwrap()),
            Some(&people[1].token),
            Value::Null,
        )
        .await;
    expect_status(left, StatusCode::OK).await;
    assert_eq!(my_signup(&app, &people[2]).await["status"], "offered");
    assert_eq!(event(&app, &id).await["seats_left"], 0);
}

async fn a_cancelled_seat_is_offered_to_the_first_in_line(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 1, 1).await;
    let people = app.crowd(3).await;
    let holder = signed_up(&app, &people[0], &id).await;
    signed_up(&app, &people[1], &id).await;
    signed_up(&app, &people[2], &id).await;

    let cancelled = app
        .send(
            Method::DELETE,
            &format!("/signups/{}", holder["id"].as_str().unwrap()),
            Some(&people[0].token),
            Value::Null,
        )
        .await;
    assert_eq!(
        expect_status(cancelled, StatusCode::OK).await["status"],
        "cancelled"
    );
    let first = my_signup(&app, &people[1]).await;
    assert_eq!(first["status"], "offered");
    let deadline =
        chrono::DateTime::parse_from_rfc3339(first["offer_expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(deadline, app.clock.now() + Duration::hours(24));
    assert_eq!(my_signup(&app, &people[2]).await["waitlist_position"], 1);
    assert_eq!(
        event(&app, &id).await["seats_left"],
        0,
        "the offered seat is held"
    );

    let declined = app
        .send(
            Method::POST,
            &format!("/signups/{}/offer", first["id"].as_str().unwrap()),
            Some(&people[1].token),
            json!({"accept": false}),
        )
        .await;
    assert_eq!(
        expect_status(declined, StatusCode::OK).await["status"],
        "declined"
    );
    let second = my_signup(&app, &people[2]).await;
    assert_eq!(second["status"], "offered", "the next in line gets it");
    let accepted = app
        .send(
            Method::POST,
            &format!("/signups/{}/offer", second["id"].as_str().unwrap()),
            Some(&people[2].token),
            json!({"accept": true}),
        )
        .await;
    let accepted = expect_status(accepted, StatusCode::OK).await;
    assert_eq!(accepted["status"], "confirmed");
    assert!(accepted["checkin_code"].is_string());

    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    let inbox = expect_status(
        app.send(
            Method::GET,
            "/me/notifications",
            Some(&people[2].token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        inbox["items"][0]["kind"], "waitlist_offer",
        "the person offered a seat is notified"
    );
    let again = app
        .send(
            Method::DELETE,
            &format!("/signups/{}", holder["id"].as_str().unwrap()),
            Some(&people[0].token),
            Value::Null,
        )
        .await;
    expect_problem(again, StatusCode::CONFLICT, "signup_not_active").await;
    let others = app
        .send(
            Method::DELETE,
            &format!("/signups/{}", accepted["id"].as_str().unwrap()),
            Some(&people[0].token),
            Value::Null,
        )
        .await;
    expect_problem(others, StatusCode::NOT_FOUND, "not_found").await;
}

/// An event of one seat with three people signed up, whose first has cancelled: the second
/// holds an offer (returned), the third waits. Returns the event and the people.
async fn an_offer_held(app: &TestApp) -> (String, Vec<Person>, Value) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 1, 1).await;
    let people = app.crowd(3).await;
    let holder = signed_up(app, &people[0], &id).await;
    signed_up(app, &people[1], &id).await;
    signed_up(app, &people[2], &id).await;
    app.send(
        Method::DELETE,
        &format!("/signups/{}", holder["id"].as_str().unwrap()),
        Some(&people[0].token),
        Value::Null,
    )
    .await;
    let offer = my_signup(app, &people[1]).await;
    assert_eq!(offer["status"], "offered");
    (id, people, offer)
}

async fn an_expired_offer_passes_to_the_next_person(app: TestApp) {
    let (id, people, offer) = an_offer_held(&app).await;

    app.clock
        .advance(Duration::hours(24) - Duration::seconds(1));
    assert_eq!(expire_offers(&app.state).await.unwrap(), 0);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(expire_offers(&app.state).await.unwrap(), 1);
    assert_eq!(my_signup(&app, &people[1]).await["status"], "expired");
    assert_eq!(my_signup(&app, &people[2]).await["status"], "offered");
    let late = app
        .send(
            Method::POST,
            &format!("/signups/{}/offer", offer["id"].as_str().unwrap()),
            Some(&people[1].token),
            json!({"accept": true}),
        )
        .await;
    expect_problem(late, StatusCode::CONFLICT, "no_open_offer").await;

    // An offer never runs past the start of the event.
    app.clock.advance(Duration::days(10) - Duration::hours(12));
    let next = my_signup(&app, &people[2]).await;
    app.send(
        Method::POST,
        &format!("/signups/{}/offer", next["id"].as_str().unwrap()),
        Some(&people[2].token),
        json!({"accept": false}),
    )
    .await;
    let latecomer = app.crowd(1).await.remove(0);
    // Signups have closed by now, so nobody new can queue; the seat stays free.
    expect_problem(
        sign_up(&app, &latecomer, &id, 1).await,
        StatusCode::CONFLICT,
        "signup_closed",
    )
    .await;
}

/// An instance keeps the open day it last admitted someone to; a change by its staff counts
/// from the very next signup, whether it closes the window or opens it again.
async fn the_next_signup_sees_a_window_just_closed_or_reopened(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 5, 1).await;
    let people = app.crowd(3).await;
    signed_up(&app, &people[0], &id).await;
    let path = format!("/events/{id}");
    let closes_at =
        |at: chrono::DateTime<chrono::Utc>| json!({"signup_closes_at": at.to_rfc3339()});
    let closed = closes_at(app.clock.now() - Duration::minutes(1));
    let patched = app
        .send(Method::PATCH, &path, Some(&staff.token), closed)
        .await;
    expect_status(patched, StatusCode::OK).await;
    expect_problem(
        sign_up(&app, &people[1], &id, 1).await,
        StatusCode::CONFLICT,
        "signup_closed",
    )
    .await;
    let reopened = closes_at(app.clock.now() + Duration::days(1));
    let patched = app
        .send(Method::PATCH, &path, Some(&staff.token), reopened)
        .await;
    expect_status(patched, StatusCode::OK).await;
    expect_status(sign_up(&app, &people[2], &id, 1).await, StatusCode::CREATED).await;
}

async fn capacity_cannot_drop_below_the_seats_taken(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 2, 1).await;
    let people = app.crowd(4).await;
    for person in &people {
        signed_up(&app, person, &id).await;
    }
    let path = format!("/events/{id}");
    let lower = app
        .send(
            Method::PATCH,
            &path,
            Some(&staff.token),
            json!({"capacity": 1}),
        )
        .await;
    expect_problem(lower, StatusCode::CONFLICT, "capacity_below_taken").await;
    let raised = expect_status(
        app.send(
            Method::PATCH,
            &path,
            Some(&staff.token),
            json!({"capacity": 3}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(raised["capacity"], 3);
    assert_eq!(raised["seats_left"], 0, "the new seat is offered at once");
    assert_eq!(my_signup(&app, &people[2]).await["status"], "offered");
    assert_eq!(my_signup(&app, &people[3]).await["waitlist_position"], 1);
}

async fn signups_are_taken_only_while_the_window_is_open(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let now = app.clock.now();
    let later = json!({
        "title": "法律服务开放日", "theme": "legal_services", "description": "", "venue": "区司法局",
        "accessibility_notes": "", "capacity": 5, "max_party_size": 1, "status": "published",
        "starts_at": (now + Duration::days(20)).to_rfc3339(), "ends_at": (now + Duration::days(20) + Duration::hours(1)).to_rfc3339(),
        "signup_opens_at": (now + Duration::days(1)).to_rfc3339(), "signup_closes_at": (now + Duration::days(19)).to_rfc3339(),
    });
    let created = expect_status(
        app.send(Method::POST, "/events", Some(&staff.token), later)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let person = app.resident("张三").await;
    expect_problem(
        sign_up(&app, &person, id, 1).await,
        StatusCode::CONFLICT,
        "signup_not_open",
    )
    .await;
    app.clock.advance(Duration::days(1));
    expect_status(sign_up(&app, &person, id, 1).await, StatusCode::CREATED).await;
    app.clock.advance(Duration::days(18));
    let other = app.resident("李四").await;
    expect_problem(
        sign_up(&app, &other, id, 1).await,
        StatusCode::CONFLICT,
        "signup_closed",
    )
    .await;

    let bad = json!({
        "title": "x", "theme": "legal_services", "description": "", "venue": "x", "accessibility_notes": "",
        "capacity": 5, "max_party_size": 6,
        "starts_at": (now + Duration::days(2)).to_rfc3339(), "ends_at": (now + Duration::days(1)).to_rfc3339(),
        "signup_opens_at": now.to_rfc3339(), "signup_closes_at": (now + Duration::days(3)).to_rfc3339(),
    });
    let problem = expect_problem(
        app.send(Method::POST, "/events", Some(&staff.token), bad)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["ends_at", "signup_closes_at"]);
}

async fn cancelling_an_event_notifies_everyone_signed_up(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 1, 1).await;
    let people = app.crowd(2).await;
    signed_up(&app, &people[0], &id).await;
    signed_up(&app, &people[1], &id).await;
    let cancelled = app
        .send(
            Method::PATCH,
            &format!("/events/{id}"),
            Some(&staff.token),
            json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(
        expect_status(cancelled, StatusCode::OK).await["status"],
        "cancelled"
    );
    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    for person in &people {
        let inbox = expect_status(
            app.send(
                Method::GET,
                "/me/notifications",
                Some(&person.token),
                Value::Null,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(inbox["items"][0]["kind"], "event_cancelled");
    }
    assert_eq!(
        my_signup(&app, &people[0]).await["status"],
        "cancelled",
        "signups say so too"
    );
    let latecomer = app.resident("王五").await;
    expect_problem(
        sign_up(&app, &latecomer, &id, 1).await,
        StatusCode::CONFLICT,
        "event_cancelled",
    )
    .await;
}

async fn check_in_happens_once_and_only_at_its_event(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 5, 1).await;
    let other_event = app.open_event(&staff, 5, 1).await;
    let person = app.resident("张三").await;
    let code = signed_up(&app, &person, &id).await["checkin_code"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/events/{id}/checkins");
    let check_in = |code: String| {
        app.send(
            Method::POST,
            &path,
            Some(&staff.token),
            json!({"code": code}),
        )
    };

    // The open day starts in 11 days; the door opens two hours before.
    let early = expect_problem(
        check_in(code.clone()).await,
        StatusCode::CONFLICT,
        "outside_checkin_window",
    )
    .await;
    assert!(early["detail"]
        .as_str()
        .unwrap()
        .contains("check-in is open from"));
    app.clock
        .advance(Duration::days(11) - Duration::hours(2) - Duration::seconds(1));
    expect_problem(
        check_in(code.clone()).await,
        StatusCode::CONFLICT,
        "outside_checkin_window",
    )
    .await;
    app.clock.advance(Duration::seconds(1));

    // Typed as it comes: lower case, a space for the dash.
    let typed = code.to_lowercase().replace('-', " ");
    let first = expect_status(check_in(typed).await, StatusCode::OK).await;
    assert_eq!(first["attendee"], "张**");
    assert_eq!(first["phone_ending"], person.login[7..]);
    assert_eq!(first["party_size"], 1);
    assert!(first["signed_up_at"].is_string());
    let repeat = app
        .send(
            Method::POST,
            &path,
            Some(&staff.token),
            json!({"code": code}),
        )
        .await;
    let problem = expect_problem(repeat, StatusCode::CONFLICT, "already_checked_in").await;
    assert_eq!(
        problem["at"], first["checked_in_at"],
        "the first check-in's time, as a field"
    );
    assert_instants_in_seconds(&first);
    assert_instants_in_seconds(&problem);

    let elsewhere = app
        .send(
            Method::POST,
            &format!("/events/{other_event}/checkins"),
            Some(&staff.token),
            json!({"code": code}),
        )
        .await;
    expect_problem(elsewhere, StatusCode::NOT_FOUND, "not_found").await;
    let unknown = app
        .send(
            Method::POST,
            &path,
            Some(&staff.token),
            json!({"code": "no-such-code"}),
        )
        .await;
    expect_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let by_resident = app
        .send(
            Method::POST,
            &path,
            Some(&person.token),
            json!({"code": code}),
        )
        .await;
    expect_problem(by_resident, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(my_signup(&app, &person).await["checked_in_at"].is_string());
}

async fn offline_scans_apply_once(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 1, 1).await;
    let people = app.crowd(2).await;
    let confirmed = signed_up(&app, &people[0], &id).await;
    let waitlisted = signed_up(&app, &people[1], &id).await;
    assert_eq!(waitlisted["status"], "waitlisted");
    let code = confirmed["checkin_code"].as_str().unwrap();
    // The door: the event starts 11 days on; these scans are uploaded just after the start.
    app.clock.advance(Duration::days(11));
    let scanned_at = app.clock.now() - Duration::minutes(5);
    let months_early = app.clock.now() - Duration::days(300);
    let batch = json!({"scans": [
        {"code": code, "device_nonce": "gate-1:1", "scanned_at": scanned_at.to_rfc3339()},
        {"code": code, "device_nonce": "gate-2:7", "scanned_at": app.clock.now().to_rfc3339()},
        {"code": "forged", "device_nonce": "gate-1:2", "scanned_at": app.clock.now().to_rfc3339()},
        {"code": code, "device_nonce": "gate-3:1", "scanned_at": months_early.to_rfc3339()},
    ]});
    let path = format!("/events/{id}/checkins/batch");
    // Two scanners syncing the same batch at the same moment get the same answers.
    let syncs: Vec<_> = (0..2)
        .map(|_| {
            tokio::spawn(
                app.request(Method::POST, &path)
                    .bearer_auth(&staff.token)
                    .json(&batch)
                    .send(),
            )
        })
        .collect();
    let mut answers = Vec::new();
    for sync in syncs {
        answers.push(expect_status(sync.await.unwrap().unwrap(), StatusCode::OK).await);
    }
    assert_eq!(answers[0], answers[1], "concurrent replays answer alike");
    let results = answers.remove(0);
    let outcomes: Vec<&str> = results
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "checked_in",
            "already_checked_in",
            "unknown_code",
            "outside_checkin_window"
        ]
    );
    let at = chrono::DateTime::parse_from_rfc3339(results[0]["checked_in_at"].as_str().unwrap())
        .unwrap();
    assert_eq!(at, scanned_at, "the time of the scan, not of the upload");

    let replay = expect_status(
        app.send(Method::POST, &path, Some(&staff.token), batch)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        replay, results,
        "a replayed batch reports the same and changes nothing"
    );
}

async fn only_the_host_department_manages_an_event(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let (other, _) = app.staff(&admin, "mzj").await;
    let resident = app.resident("张三").await;
    let id = app.open_event(&staff, 5, 1).await;
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/events/{id}"),
            json!({"capacity": 9}),
        ),
        (Method::GET, format!("/events/{id}/signups"), Value::Null),
        (
            Method::POST,
            format!("/events/{id}/checkins"),
            json!({"code": "x"}),
        ),
    ] {
        expect_problem(
            app.send(method.clone(), &path, Some(&other.token), body.clone())
                .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        expect_problem(
            app.send(method, &path, Some(&resident.token), body).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    signed_up(&app, &resident, &id).await;
    let list = expect_status(
        app.send(
            Method::GET,
            &format!("/events/{id}/signups"),
            Some(&staff.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"][0]["name"], "张三");
    assert_eq!(list["items"][0]["status"], "confirmed");
}

on_every_backend!(
    the_calendar_lists_events_by_start_time_page_by_page,
    themes_come_with_their_chinese_and_english_names,
    a_confirmed_signup_shows_a_qr_code_to_its_owner_only,
    staff_export_the_signups_as_csv,
    staff_page_through_the_signups_oldest_first,
    personal_data_is_erased_after_the_retention_period,
);

async fn the_calendar_lists_events_by_start_time_page_by_page(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let now = app.clock.now();
    // Created in an order unlike their start; two start at the same time.
    for (title, day) in [("丙", 20), ("甲", 12), ("乙", 15), ("甲二", 12), ("丁", 30)] {
        let starts = now + Duration::days(day);
        let changes = json!({
            "title": title, "starts_at": starts.to_rfc3339(),
            "ends_at": (starts + Duration::hours(2)).to_rfc3339(),
        });
        app.open_event_with(&staff, changes).await;
    }
    let mut titles = Vec::new();
    let mut path = "/events?limit=2".to_string();
    loop {
        let page = expect_status(app.get(&path).send().await.unwrap(), StatusCode::OK).await;
        titles.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["title"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/events?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(
        titles,
        ["甲", "甲二", "乙", "丙", "丁"],
        "by start, then as created"
    );

    let from = (now + Duration::days(14)).to_rfc3339().replace('+', "%2B");
    let later = expect_status(
        app.get(&format!("/events?from={from}"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let later: Vec<&str> = later["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(later, ["乙", "丙", "丁"]);

    // A cursor of another list's form is refused, not read as the start.
    let other_form = "AZKe3Nq0c3KMmNzKUx5m2g";
    let refused = app
        .get(&format!("/events?cursor={other_form}"))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(refused, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(error_fields(&problem), ["cursor"]);
}

async fn themes_come_with_their_chinese_and_english_names(app: TestApp) {
    let themes = expect_status(
        app.get("/events/themes").send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    let themes = themes.as_array().unwrap();
    let declared = &canyu::openapi::document()["components"]["schemas"]["Theme"]["enum"];
    let listed: Vec<&Value> = themes.iter().map(|t| &t["theme"]).collect();
    assert_eq!(
        listed,
        declared.as_array().unwrap().iter().collect::<Vec<_>>(),
        "every theme, once"
    );
    let community = themes
        .iter()
        .find(|t| t["theme"] == "community_building")
        .unwrap();
    assert_eq!(community["zh"], "社区建设");
    assert_eq!(community["en"], "Community building");
}

async fn a_confirmed_signup_shows_a_qr_code_to_its_owner_only(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 1, 1).await;
    let people = app.crowd(2).await;
    let confirmed = signed_up(&app, &people[0], &id).await;
    let waitlisted = signed_up(&app, &people[1], &id).await;
    let path = |s: &Value| format!("/signups/{}/qr.svg", s["id"].as_str().unwrap());

    let qr = app
        .send(
            Method::GET,
            &path(&confirmed),
            Some(&people[0].token),
            Value::Null,
        )
        .await;
    assert_eq!(qr.status(), StatusCode::OK);
    assert_eq!(qr.headers()["content-type"], "image/svg+xml");
    assert!(qr.text().await.unwrap().contains("<svg"));
    expect_problem(
        app.send(
            Method::GET,
            &path(&confirmed),
            Some(&people[1].token),
            Value::Null,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.send(
            Method::GET,
            &path(&waitlisted),
            Some(&people[1].token),
            Value::Null,
        )
        .await,
        StatusCode::CONFLICT,
        "not_confirmed",
    )
    .await;
}

async fn staff_export_the_signups_as_csv(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 2, 1).await;
    for person in &app.crowd(3).await {
        signed_up(&app, person, &id).await;
    }
    // More than one batch of the streamed export, after people whose names were erased.
    for _ in 0..1200 {
        app.signup_in_db(&id, None, 1, false).await;
    }
    let response = app
        .send(
            Method::GET,
            &format!("/events/{id}/signups/export"),
            Some(&staff.token),
            Value::Null,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1203, "every signup, once");
    let ids: std::collections::HashSet<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), 1203);
    let first: Vec<(&str, &str, &str)> = rows[..3].iter().map(|r| (&r[1], &r[3], &r[4])).collect();
    assert_eq!(
        first,
        [
            ("居民0", "confirmed", ""),
            ("居民1", "confirmed", ""),
            ("居民2", "waitlisted", "1")
        ]
    );
    assert!(rows[3..].iter().all(|r| r[1].is_empty()), "no names kept");
}

async fn staff_page_through_the_signups_oldest_first(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 3, 1).await;
    let mut signups = Vec::new();
    for person in &app.crowd(5).await {
        signups.push(signed_up(&app, person, &id).await);
    }

    let mut pages: Vec<Vec<Value>> = Vec::new();
    let mut path = format!("/events/{id}/signups?limit=2");
    loop {
        let page = expect_status(
            app.send(Method::GET, &path, Some(&staff.token), Value::Null)
                .await,
            StatusCode::OK,
        )
        .await;
        pages.push(page["items"].as_array().unwrap().clone());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/events/{id}/signups?limit=2&cursor={cursor}"),
            None => break,
        }
        assert!(pages.len() < 5, "the walk ends");
    }
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 2, 1], "two a page, the last one short");

    let listed: Vec<&Value> = pages.iter().flatten().collect();
    let ids: Vec<&str> = listed
        .iter()
        .map(|s| s["signup_id"].as_str().unwrap())
        .collect();
    let signed: Vec<&str> = signups.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, signed, "every signup once, in the order they came");
    let statuses: Vec<&str> = listed
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "confirmed",
            "confirmed",
            "confirmed",
            "waitlisted",
            "waitlisted"
        ]
    );
    let positions: Vec<Option<u64>> = listed
        .iter()
        .map(|s| s["waitlist_position"].as_u64())
        .collect();
    assert_eq!(
        positions,
        [None, None, None, Some(1), Some(2)],
        "places in the whole line, not in the page"
    );
    assert_eq!(
        pages[2][0]["waitlist_position"], 2,
        "alone on the last page, still second in line"
    );
}

async fn personal_data_is_erased_after_the_retention_period(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 2, 1).await;
    let people = app.crowd(3).await;
    let mut signups = Vec::new();
    for person in &people {
        signups.push(signed_up(&app, person, &id).await);
    }
    // The first cancels: the third, first in line, is offered the seat and told so.
    let cancelled = app
        .send(
            Method::DELETE,
            &format!("/signups/{}", signups[0]["id"].as_str().unwrap()),
            Some(&people[0].token),
            Value::Null,
        )
        .await;
    expect_status(cancelled, StatusCode::OK).await;
    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    let told = |person: &canyu_tests::Person| {
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        let user_id: uuid::Uuid = person.id.parse().unwrap();
        let db = app.state.db.clone();
        async move {
            entity::outbox_message::Entity::find()
                .filter(entity::outbox_message::Column::UserId.eq(user_id))
                .count(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        told(&people[2]).await,
        1,
        "the offer went out through the outbox"
    );
    let retention = chrono::Duration::from_std(app.config.retention).unwrap();
    // The event ends 11 days and 2 hours from now.
    app.clock
        .advance(Duration::days(11) + Duration::hours(2) + retention - Duration::minutes(1));
    assert_eq!(
        canyu::maintenance::sweep(&app.state)
            .await
            .unwrap()
            .erased_events,
        0
    );
    app.clock.advance(Duration::minutes(2));
    assert_eq!(
        canyu::maintenance::sweep(&app.state)
            .await
            .unwrap()
            .erased_events,
        1
    );

    let list = expect_status(
        app.send(
            Method::GET,
            &format!("/events/{id}/signups"),
            Some(&staff.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let list = list["items"].as_array().unwrap();
    assert_eq!(list.len(), 3, "the counts remain");
    assert_eq!(
        told(&people[2]).await,
        0,
        "no record links the person to the event"
    );
    assert!(
        list.iter().all(|s| s.get("name").is_none()),
        "nobody can be told any more"
    );
    let mine = expect_status(
        app.send(
            Method::GET,
            "/me/signups",
            Some(&people[0].token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(mine["items"].as_array().unwrap().is_empty());
    assert_eq!(event(&app, &id).await["seats_left"], 0);
    assert_eq!(
        canyu::maintenance::sweep(&app.state)
            .await
            .unwrap()
            .erased_events,
        0,
        "once"
    );
}

on_every_backend!(drafts_are_seen_only_by_the_host_department);

async fn drafts_are_seen_only_by_the_host_department(app: TestApp) {
    let admin = app.admin().await;
    let (staff, department) = app.staff(&admin, "cyzx").await;
    let resident = app.resident("张三").await;
    let now = app.clock.now();
    let draft = json!({
        "title": "筹备中的开放日", "theme": "public_health", "description": "", "venue": "区疾控中心",
        "accessibility_notes": "", "capacity": 20, "max_party_size": 1,
        "starts_at": (now + Duration::days(20)).to_rfc3339(), "ends_at": (now + Duration::days(20) + Duration::hours(1)).to_rfc3339(),
        "signup_opens_at": now.to_rfc3339(), "signup_closes_at": (now + Duration::days(19)).to_rfc3339(),
    });
    let created = expect_status(
        app.send(Method::POST, "/events", Some(&staff.token), draft)
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["status"], "draft");
    let id = created["id"].as_str().unwrap();
    let own = format!("/events?host_department_id={department}");
    let count = |page: Value| page["items"].as_array().unwrap().len();
    assert_eq!(
        count(
            expect_status(
                app.send(Method::GET, &own, Some(&staff.token), Value::Null)
                    .await,
                StatusCode::OK
            )
            .await
        ),
        1
    );
    assert_eq!(
        count(
            expect_status(
                app.send(Method::GET, &own, Some(&resident.token), Value::Null)
                    .await,
                StatusCode::OK
            )
            .await
        ),
        0
    );
    assert_eq!(
        count(expect_status(app.get("/events").send().await.unwrap(), StatusCode::OK).await),
        0
    );
    expect_problem(
        app.get(&format!("/events/{id}")).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.send(
            Method::POST,
            &format!("/events/{id}/signups"),
            Some(&resident.token),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let published = app
        .send(
            Method::PATCH,
            &format!("/events/{id}"),
            Some(&staff.token),
            json!({"status": "published"}),
        )
        .await;
    assert_eq!(
        expect_status(published, StatusCode::OK).await["status"],
        "published"
    );
    assert_eq!(
        count(expect_status(app.get("/events").send().await.unwrap(), StatusCode::OK).await),
        1
    );
}

on_every_backend!(a_cancelled_signup_cannot_be_checked_in);

async fn a_cancelled_signup_cannot_be_checked_in(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 5, 1).await;
    let person = app.resident("张三").await;
    let signup = signed_up(&app, &person, &id).await;
    let code = signup["checkin_code"].as_str().unwrap().to_string();
    app.send(
        Method::DELETE,
        &format!("/signups/{}", signup["id"].as_str().unwrap()),
        Some(&person.token),
        Value::Null,
    )
    .await;
    let scan = app
        .send(
            Method::POST,
            &format!("/events/{id}/checkins"),
            Some(&staff.token),
            json!({"code": code}),
        )
        .await;
    expect_problem(scan, StatusCode::CONFLICT, "not_confirmed").await;
}

on_every_backend!(an_open_day_goes_into_a_calendar_with_its_address);

async fn an_open_day_goes_into_a_calendar_with_its_address(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app
        .open_event_with(
            &staff,
            json!({"address": "上海市杨浦区江浦路549号", "accessibility_contact": "开放月办公室 021-1234"}),
        )
        .await;
    let shown = event(&app, &id).await;
    assert_eq!(shown["address"], "上海市杨浦区江浦路549号");
    assert_eq!(shown["accessibility_contact"], "开放月办公室 021-1234");

    let ics = app
        .get(&format!("/events/{id}/calendar.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(ics.status(), StatusCode::OK);
    assert_eq!(
        ics.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let text = ics.text().await.unwrap();
    // Long lines are folded at 75 octets: unfold before reading.
    let unfolded = text.replace("\r\n ", "");
    let starts = app.clock.now() + Duration::days(11);
    for expected in [
        "BEGIN:VEVENT".to_string(),
        "SUMMARY:走进区城运中心".to_string(),
        "LOCATION:江浦路，上海市杨浦区江浦路549号".to_string(),
        format!("DTSTART:{}", starts.format("%Y%m%dT%H%M%SZ")),
        format!("URL:{}/#/events/{id}", app.state.config.public_url),
    ] {
        assert!(unfolded.contains(&expected), "{expected} in {unfolded}");
    }

    let draft = app
        .open_event_with(&staff, json!({"status": "draft"}))
        .await;
    let missing = app
        .get(&format!("/events/{draft}/calendar.ics"))
        .send()
        .await
        .unwrap();
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
}

on_every_backend!(background_work_on_two_instances_handles_each_item_once);

/// Every instance runs the background jobs; an expired offer is expired, passed on and told
/// once, and an event's people erased once, whichever instances get to it at the same moment.
async fn background_work_on_two_instances_handles_each_item_once(app: TestApp) {
    let other = canyu::startup::connect(app.config.clone(), app.clock.clone())
        .await
        .unwrap();
    let (_, people, _) = an_offer_held(&app).await;
    app.clock.advance(Duration::hours(24));

    let (here, there) = tokio::join!(expire_offers(&app.state), expire_offers(&other));
    assert_eq!(here.unwrap() + there.unwrap(), 1, "one offer, expired once");
    assert_eq!(my_signup(&app, &people[2]).await["status"], "offered");
    let (here, there) = tokio::join!(
        canyu::outbox::deliver_pending(&app.state),
        canyu::outbox::deliver_pending(&other)
    );
    here.unwrap();
    there.unwrap();
    let inbox = expect_status(
        app.get("/me/notifications")
            .bearer_auth(&people[1].token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let expired = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "offer_expired")
        .count();
    assert_eq!(expired, 1, "told once: {inbox}");

    // Past the retention after the event, its people are erased once.
    let retention = chrono::Duration::from_std(app.config.retention).unwrap();
    app.clock.advance(Duration::days(12) + retention);
    let (here, there) = tokio::join!(
        canyu::maintenance::sweep(&app.state),
        canyu::maintenance::sweep(&other)
    );
    assert_eq!(
        here.unwrap().erased_events + there.unwrap().erased_events,
        1,
        "one event, erased once"
    );
}
