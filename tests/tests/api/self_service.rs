//! What a person does for themselves: notices read in their language and marked read, name
//! and password changed, a password reset with a service desk's code, their data downloaded,
//! their account deleted; and what staff start from (the console's counts).

use canyu_tests::{
    expect_problem, expect_status, on_every_backend, Backend, Person, TestApp, PASSWORD,
};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    notices_come_in_the_readers_language_and_are_marked_read,
    a_person_renames_themselves_and_changes_their_password,
    a_service_desk_code_resets_a_password_once_before_it_expires,
    a_person_downloads_everything_held_about_them,
    deleting_an_account_erases_the_person_and_keeps_the_record,
    a_wrong_password_or_a_staff_account_deletes_nothing,
    staff_start_from_what_waits_for_their_department,
);

const NEW_PASSWORD: &str = "staple gun lighthouse";

async fn notices(app: &TestApp, person: &Person, language: &str) -> Value {
    let response = app
        .get("/me/notifications")
        .bearer_auth(&person.token)
        .header("Accept-Language", language)
        .send()
        .await
        .unwrap();
    expect_status(response, StatusCode::OK).await
}

async fn unread(app: &TestApp, person: &Person) -> u64 {
    let answer = expect_status(
        app.send(
            Method::GET,
            "/me/notifications/unread",
            Some(&person.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    answer["unread"].as_u64().unwrap()
}

/// A published open day of a new department whose staff then cancel it: every person signed
/// up is told. Returns the event's id.
async fn cancelled_event(app: &TestApp, people: &[&Person]) -> String {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let id = app.open_event(&staff, 5, 1).await;
    for person in people {
        app.sign_up(person, &id).await;
    }
    app.cancel_event(&staff, &id).await;
    id
}

async fn notices_come_in_the_readers_language_and_are_marked_read(app: TestApp) {
    let reader = app.resident("张三").await;
    let other = app.resident("李四").await;
    cancelled_event(&app, &[&reader, &other]).await;

    let english = notices(&app, &reader, "en-GB,en;q=0.9,zh;q=0.5").await;
    let notice = &english["items"][0];
    assert_eq!(notice["kind"], "event_cancelled");
    assert_eq!(notice["lang"], "en");
    assert_eq!(notice["title"], "Open day cancelled: 走进区城运中心");
    assert_eq!(notice["read"], false);
    let chinese = notices(&app, &reader, "zh-CN,zh;q=0.9,en;q=0.8").await;
    assert_eq!(chinese["items"][0]["lang"], "zh-CN");
    assert_eq!(chinese["items"][0]["title"], "活动取消：走进区城运中心");

    assert_eq!(unread(&app, &reader).await, 1);
    let up_to = notice["id"].clone();
    for _ in 0..2 {
        let marked = expect_status(
            app.send(
                Method::POST,
                "/me/notifications/read",
                Some(&reader.token),
                json!({"up_to": up_to}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(marked["unread"], 0, "marking again changes nothing");
    }
    assert_eq!(notices(&app, &reader, "zh").await["items"][0]["read"], true);
    // Someone else's id marks nothing of theirs, and theirs stays unread.
    assert_eq!(unread(&app, &other).await, 1);
    expect_status(
        app.send(
            Method::POST,
            "/me/notifications/read",
            Some(&reader.token),
            json!({"up_to": uuid::Uuid::max()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unread(&app, &other).await, 1);
    expect_problem(
        app.send(Method::GET, "/me/notifications/unread", None, Value::Null)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.send(Method::GET, "/me", Some(token), Value::Null).await
}

async fn change_password(
    app: &TestApp,
    person: &Person,
    current: &str,
    new: &str,
) -> reqwest::Response {
    app.send(
        Method::PUT,
        "/me/password",
        Some(&person.token),
        json!({"current_password": current, "new_password": new}),
    )
    .await
}

async fn a_person_renames_themselves_and_changes_their_password(app: TestApp) {
    let person = app.resident("张三").await;
    let renamed = expect_status(
        app.send(
            Method::PATCH,
            "/me",
            Some(&person.token),
            json!({"display_name": "  张小三 "}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["display_name"], "张小三");
    expect_problem(
        app.send(
            Method::PATCH,
            "/me",
            Some(&person.token),
            json!({"display_name": " \n "}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;

    // Another device, logged in before the change.
    let elsewhere = expect_status(app.login(&person.login, PASSWORD).await, StatusCode::OK).await;
    let elsewhere = elsewhere["token"].as_str().unwrap().to_string();
    expect_problem(
        change_password(&app, &person, "not my password", NEW_PASSWORD).await,
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    let weak = expect_problem(
        change_password(&app, &person, PASSWORD, "password").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(weak["errors"][0]["field"], "new_password");
    assert_eq!(weak["errors"][0]["code"], "too_common");
    expect_status(
        change_password(&app, &person, PASSWORD, NEW_PASSWORD).await,
        StatusCode::NO_CONTENT,
    )
    .await;

    expect_status(me(&app, &person.token).await, StatusCode::OK).await;
    expect_problem(
        me(&app, &elsewhere).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_problem(
        app.login(&person.login, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    expect_status(app.login(&person.login, NEW_PASSWORD).await, StatusCode::OK).await;
}

async fn issue_code(app: &TestApp, admin: &Person, person: &Person) -> Value {
    expect_status(
        app.send(
            Method::POST,
            &format!("/users/{}/password-reset-codes", person.id),
            Some(&admin.token),
            Value::Null,
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

async fn reset(app: &TestApp, login: &str, code: &str) -> reqwest::Response {
    app.post(
        "/auth/password-reset",
        json!({"login": login, "code": code, "new_password": NEW_PASSWORD}),
    )
    .send()
    .await
    .unwrap()
}

async fn a_service_desk_code_resets_a_password_once_before_it_expires(app: TestApp) {
    let admin = app.admin().await;
    let person = app.resident("张三").await;
    let stranger = app.resident("王五").await;
    expect_problem(
        app.send(
            Method::POST,
            &format!("/users/{}/password-reset-codes", person.id),
            Some(&stranger.token),
            Value::Null,
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let stale = issue_code(&app, &admin, &person).await;
    let issued = issue_code(&app, &admin, &person).await;
    let code = issued["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 9, "7KQM-3XPA: {code}");
    expect_problem(
        reset(&app, &person.login, stale["code"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    expect_problem(
        reset(&app, &stranger.login, &code).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;

    // Typed from paper: any case, no dash.
    let typed = code.to_lowercase().replace('-', "");
    expect_status(
        reset(&app, &person.login, &typed).await,
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_problem(
        app.send(Method::GET, "/me", Some(&person.token), Value::Null)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_status(app.login(&person.login, NEW_PASSWORD).await, StatusCode::OK).await;
    expect_problem(
        reset(&app, &person.login, &code).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;

    let late = issue_code(&app, &admin, &person).await;
    app.clock.advance(Duration::minutes(61));
    expect_problem(
        reset(&app, &person.login, late["code"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;

    let log = expect_status(
        app.send(Method::GET, "/audit-log", Some(&admin.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| a.starts_with("account."))
        .collect();
    assert_eq!(
        actions,
        [
            "account.reset_code",
            "account.password_reset",
            "account.reset_code",
            "account.reset_code"
        ]
    );
    assert!(
        !log.to_string().contains(&code),
        "the code is not in the log"
    );
}

async fn export(app: &TestApp, person: &Person) -> Value {
    let response = app
        .get("/me/export")
        .bearer_auth(&person.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"canyu-my-data.json\""
    );
    expect_status(response, StatusCode::OK).await
}

async fn a_person_downloads_everything_held_about_them(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let person = app.resident("张三").await;
    let decision = app.decision_in_consultation(&staff, "数字经济政策").await;
    expect_status(
        app.comment(&person, &decision, json!({"body": "建议增加充电桩"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    cancelled_event(&app, &[&person]).await;

    let data = export(&app, &person).await;
    assert_eq!(data["account"]["login"], person.login.as_str());
    assert_eq!(data["comments"][0]["body"], "建议增加充电桩");
    assert_eq!(data["signups"][0]["status"], "cancelled");
    assert_eq!(data["notifications"][0]["kind"], "event_cancelled");
    assert_eq!(data["representative_profiles"], json!([]));
    let other = export(&app, &staff).await;
    assert_eq!(other["comments"], json!([]), "only the caller's own");
}

async fn erase(app: &TestApp, person: &Person, password: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        "/me/erasure",
        Some(&person.token),
        json!({"password": password}),
    )
    .await
}

async fn deleting_an_account_erases_the_person_and_keeps_the_record(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let person = app.resident("张三").await;
    let waiting = app.resident("李四").await;

    let decision = app.decision_in_consultation(&staff, "数字经济政策").await;
    let comment = expect_status(
        app.comment(
            &person,
            &decision,
            json!({"body": "建议增加充电桩", "name_consent": true}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.publish_comment(&staff, &comment).await;

    // A past open day they came to, and a full one to come with someone waiting.
    let (host, _) = app.staff(&admin, "cyzx").await;
    let past = app.open_event(&host, 5, 1).await;
    app.signup_in_db(&past, Some(&person), 1, true).await;
    app.clock.advance(Duration::days(12));
    let coming = app.open_event(&host, 1, 1).await;
    for who in [&person, &waiting] {
        app.sign_up(who, &coming).await;
    }

    let erased = expect_status(erase(&app, &person, PASSWORD).await, StatusCode::OK).await;
    assert_eq!(
        erased,
        json!({"comments_anonymised": 1, "signups_cancelled": 1, "signups_anonymised": 1})
    );

    // The person is gone: their token, their login.
    expect_problem(
        app.send(Method::GET, "/me", Some(&person.token), Value::Null)
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_problem(
        app.login(&person.login, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let found = expect_status(
        app.get(&format!("/users?login={}", person.login))
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["items"], json!([]));

    // The record stays, without them: the comment under an anonymous name, the seat passed on.
    let public = expect_status(
        app.get(&format!("/decisions/{decision}/comments"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(public["items"][0]["body"], "建议增加充电桩");
    assert_eq!(public["items"][0]["author"], "匿**");
    let next = expect_status(
        app.send(
            Method::GET,
            "/me/signups",
            Some(&waiting.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(next["items"][0]["status"], "offered");
    let attendees = expect_status(
        app.send(
            Method::GET,
            &format!("/events/{past}/signups"),
            Some(&host.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(attendees["items"][0]["name"], Value::Null);
    assert!(
        attendees["items"][0]["checked_in_at"].is_string(),
        "they came"
    );

    // A person registering with the login afterwards starts afresh.
    expect_status(
        app.register(&person.login, PASSWORD, "新用户").await,
        StatusCode::CREATED,
    )
    .await;
}

async fn a_wrong_password_or_a_staff_account_deletes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let person = app.resident("张三").await;
    let event = app.open_event(&staff, 5, 1).await;
    app.sign_up(&person, &event).await;
    expect_problem(
        erase(&app, &person, "not my password").await,
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    expect_problem(
        erase(&app, &staff, PASSWORD).await,
        StatusCode::CONFLICT,
        "staff_account",
    )
    .await;
    let me = expect_status(
        app.send(Method::GET, "/me", Some(&person.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["display_name"], "张三");
    let signups = expect_status(
        app.send(Method::GET, "/me/signups", Some(&person.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(signups["items"][0]["status"], "confirmed");
}

async fn staff_start_from_what_waits_for_their_department(app: TestApp) {
    let admin = app.admin().await;
    let (sponsor, _) = app.staff(&admin, "fgw").await;
    let (other, _) = app.staff(&admin, "cyzx").await;
    let person = app.resident("张三").await;
    let decision = app.decision_in_consultation(&sponsor, "数字经济政策").await;
    for body in ["意见一", "意见二"] {
        expect_status(
            app.comment(&person, &decision, json!({ "body": body }))
                .await,
            StatusCode::CREATED,
        )
        .await;
    }
    // An open day of the other department today, with one confirmed signup.
    let now = app.clock.now();
    let today = app
        .open_event_with(
            &other,
            json!({
                "starts_at": (now + Duration::hours(3)).to_rfc3339(),
                "ends_at": (now + Duration::hours(5)).to_rfc3339(),
                "signup_closes_at": (now + Duration::hours(2)).to_rfc3339(),
            }),
        )
        .await;
    app.signup_in_db(&today, Some(&person), 2, false).await;

    let mine = expect_status(summary(&app, &sponsor).await, StatusCode::OK).await;
    assert_eq!(mine["comments_to_moderate"], 2);
    assert_eq!(mine["signups_today"], 0);
    let theirs = expect_status(summary(&app, &other).await, StatusCode::OK).await;
    assert_eq!(theirs["comments_to_moderate"], 0);
    assert_eq!(theirs["signups_today"], 1);
    let all = expect_status(summary(&app, &admin).await, StatusCode::OK).await;
    assert_eq!(all["comments_to_moderate"], 2);
    assert_eq!(all["signups_today"], 1);
    expect_problem(
        summary(&app, &person).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn summary(app: &TestApp, who: &Person) -> reqwest::Response {
    app.send(Method::GET, "/staff/summary", Some(&who.token), Value::Null)
        .await
}

on_every_backend!(a_reset_code_used_twice_at_once_works_once);

/// Two uses of one code at the same moment, through two instances where the backend has
/// them: one sets the password, the other is refused.
async fn a_reset_code_used_twice_at_once_works_once(app: TestApp) {
    let admin = app.admin().await;
    let person = app.resident("张三").await;
    let code = issue_code(&app, &admin, &person).await["code"]
        .as_str()
        .unwrap()
        .to_string();
    let second = match app.backend {
        Backend::Postgres => app.second_instance().await,
        Backend::Sqlite => app.addr,
    };
    let uses: Vec<_> = [app.addr, second]
        .into_iter()
        .enumerate()
        .map(|(n, addr)| {
            let request = app
                .client
                .post(format!("http://{addr}/api/v1/auth/password-reset"))
                .json(&json!({
                    "login": person.login,
                    "code": code,
                    "new_password": format!("{NEW_PASSWORD} {n}"),
                }));
            tokio::spawn(request.send())
        })
        .collect();
    let mut statuses = Vec::new();
    for used in uses {
        statuses.push(used.await.unwrap().unwrap().status());
    }
    statuses.sort();
    assert_eq!(statuses, [StatusCode::NO_CONTENT, StatusCode::UNAUTHORIZED]);
    let logins = [0, 1].map(|n| format!("{NEW_PASSWORD} {n}"));
    let mut works = 0;
    for password in &logins {
        if app.login(&person.login, password).await.status() == StatusCode::OK {
            works += 1;
        }
    }
    assert_eq!(works, 1, "exactly one of the new passwords was set");
}

on_every_backend!(an_author_gives_and_withdraws_consent_to_be_named);

async fn an_author_gives_and_withdraws_consent_to_be_named(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let author = app.resident("张三").await;
    let stranger = app.resident("王五").await;
    let decision = app.decision_in_consultation(&staff, "数字经济政策").await;
    let comment = expect_status(
        app.comment(&author, &decision, json!({"body": "建议增加充电桩"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    app.publish_comment(&staff, &comment).await;
    let number = comment["tracking_number"].as_str().unwrap().to_lowercase();
    let path = format!("/me/comments/{number}/name-consent");
    let consent = |who: &Person, given: bool| {
        app.request(Method::PUT, &path)
            .bearer_auth(&who.token)
            .json(&json!({ "name_consent": given }))
            .send()
    };
    let public_author = || async {
        expect_status(
            app.get(&format!("/decisions/{decision}/comments"))
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await["items"][0]["author"]
            .clone()
    };
    assert_eq!(public_author().await, "张**");
    let given = expect_status(consent(&author, true).await.unwrap(), StatusCode::OK).await;
    assert_eq!(given["name_consent"], true);
    assert_eq!(public_author().await, "张三");
    expect_problem(
        consent(&stranger, false).await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(public_author().await, "张三", "a stranger changes nothing");
    expect_status(consent(&author, false).await.unwrap(), StatusCode::OK).await;
    assert_eq!(public_author().await, "张**");
    let mine = expect_status(
        app.send(
            Method::GET,
            "/me/comments",
            Some(&author.token),
            Value::Null,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"][0]["name_consent"], false);
}
