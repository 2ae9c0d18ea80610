//! Registration, login, sessions, `GET /me`.

use canyu_tests::{
    expect_problem, expect_status, field_codes, on_every_backend, TestApp, PASSWORD, SESSION_TTL,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

on_every_backend!(
    registering_creates_a_resident,
    a_login_is_normalised_and_taken_once,
    registration_names_the_fields_at_fault,
    login_gives_a_token_that_opens_me,
    a_wrong_password_or_unknown_login_is_refused_alike,
    repeated_failed_logins_are_refused_for_a_while,
    a_strangers_guesses_do_not_lock_the_owner_out,
    guesses_sprayed_over_many_accounts_are_slowed_per_address,
    registrations_are_limited_per_address,
    password_checks_beyond_capacity_are_refused_at_once,
    logout_ends_the_session,
    an_expired_session_is_refused,
    me_needs_a_valid_token,
);

async fn registering_creates_a_resident(app: TestApp) {
    let response = app
        .register("zhang.san@Example.com", PASSWORD, "  张三 ")
        .await;
    let user = expect_status(response, StatusCode::CREATED).await;
    assert_eq!(user["login"], "zhang.san@example.com");
    assert_eq!(user["display_name"], "张三");
    assert_eq!(user["roles"], json!(["resident"]));
    assert_eq!(user["department"], json!(null));
    assert!(user["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok());
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
}

async fn a_login_is_normalised_and_taken_once(app: TestApp) {
    expect_status(
        app.register("13812345678", PASSWORD, "张三").await,
        StatusCode::CREATED,
    )
    .await;
    for same in ["13812345678", "+86 138 1234 5678", "138-1234-5678"] {
        expect_problem(
            app.register(same, PASSWORD, "冒名").await,
            StatusCode::CONFLICT,
            "login_taken",
        )
        .await;
    }
    // The spelling used to register does not matter for logging in either.
    expect_status(app.login("+86 13812345678", PASSWORD).await, StatusCode::OK).await;
}

async fn registration_names_the_fields_at_fault(app: TestApp) {
    // What the spec states (the login's form, lengths, required fields) answers 400 ...
    let problem = expect_problem(
        app.register("12345", "short", "张三").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(
        field_codes(&problem),
        [("login", "invalid_format"), ("password", "too_short")]
    );
    assert_eq!(problem["errors"][1]["params"]["min"], 8);

    let problem = expect_problem(
        app.post(
            "/auth/register",
            json!({"login": "13812345678", "password": PASSWORD}),
        )
        .send()
        .await
        .unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(field_codes(&problem), [("display_name", "required")]);

    let long_name = "名".repeat(65);
    let problem = expect_problem(
        app.post(
            "/auth/register",
            json!({"login": "13812345678", "password": PASSWORD, "display_name": long_name, "nickname": "x"}),
        )
        .send()
        .await
        .unwrap(),
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(
        field_codes(&problem),
        [("display_name", "too_long"), ("nickname", "unknown_field")]
    );
    assert_eq!(problem["errors"][0]["params"]["max"], 64);

    let problem = expect_problem(
        app.register("13812345678", PASSWORD, " \u{1b} ").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(
        field_codes(&problem),
        [("display_name", "control_characters")]
    );
    for name in ["\u{200b}", "\u{202e}张三"] {
        let problem = expect_problem(
            app.register("13812345678", PASSWORD, name).await,
            StatusCode::BAD_REQUEST,
            "invalid_request",
        )
        .await;
        assert_eq!(
            field_codes(&problem),
            [("display_name", "control_characters")],
            "{name:?}"
        );
    }
    for weak in ["12345678", "password", "13812345678"] {
        let problem = expect_problem(
            app.register("13812345678", weak, "张三").await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            field_codes(&problem),
            [("password", "too_common")],
            "{weak}"
        );
    }
    let problem = expect_problem(
        app.register("13812345678", PASSWORD, "   ").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(field_codes(&problem), [("display_name", "blank")]);

    // Nothing was written by the refused attempts.
    expect_status(
        app.register("13812345678", PASSWORD, "张三").await,
        StatusCode::CREATED,
    )
    .await;
}

async fn login_gives_a_token_that_opens_me(app: TestApp) {
    let login = TestApp::unique_phone();
    expect_status(
        app.register(&login, PASSWORD, "李四").await,
        StatusCode::CREATED,
    )
    .await;
    let session = expect_status(app.login(&login, PASSWORD).await, StatusCode::OK).await;
    let token = session["token"].as_str().unwrap();
    assert!(token.len() >= 43, "a token carries at least 256 bits");
    let expires_at =
        chrono::DateTime::parse_from_rfc3339(session["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!(expires_at, app.clock.now() + SESSION_TTL);
    assert_eq!(session["user"]["login"], login);

    let me = expect_status(
        app.get("/me").bearer_auth(token).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["display_name"], "李四");
    assert_eq!(me["roles"], json!(["resident"]));
}

async fn a_wrong_password_or_unknown_login_is_refused_alike(app: TestApp) {
    let person = app.resident("王五").await;
    let wrong = expect_problem(
        app.login(&person.login, "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let unknown = expect_problem(
        app.login("13700000000", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        wrong["detail"], unknown["detail"],
        "the answer does not tell which accounts exist"
    );
}

async fn repeated_failed_logins_are_refused_for_a_while(app: TestApp) {
    let person = app.resident("赵六").await;
    for _ in 0..5 {
        expect_problem(
            app.login(&person.login, "guess").await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    let response = app.login(&person.login, PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=900).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;

    // Other accounts are not affected.
    let other = app.resident("钱七").await;
    expect_status(app.login(&other.login, PASSWORD).await, StatusCode::OK).await;
}

async fn logout_ends_the_session(app: TestApp) {
    let person = app.resident("孙八").await;
    let other_session =
        expect_status(app.login(&person.login, PASSWORD).await, StatusCode::OK).await;
    expect_status(
        app.post("/auth/logout", json!({}))
            .bearer_auth(&person.token)
            .send()
            .await
            .unwrap(),
        StatusCode::NO_CONTENT,
    )
    .await;
    expect_problem(
        app.get("/me")
            .bearer_auth(&person.token)
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    // Only that session ended.
    let other_token = other_session["token"].as_str().unwrap();
    expect_status(
        app.get("/me")
            .bearer_auth(other_token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
}

async fn an_expired_session_is_refused(app: TestApp) {
    let person = app.resident("周九").await;
    app.clock.advance(SESSION_TTL - Duration::seconds(1));
    expect_status(
        app.get("/me")
            .bearer_auth(&person.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    app.clock.advance(Duration::seconds(1));
    expect_problem(
        app.get("/me")
            .bearer_auth(&person.token)
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

async fn me_needs_a_valid_token(app: TestApp) {
    expect_problem(
        app.get("/me").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_problem(
        app.get("/me").bearer_auth("forged").send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    expect_problem(
        app.post("/auth/logout", json!({})).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

on_every_backend!(parallel_guesses_are_counted_too);

async fn parallel_guesses_are_counted_too(app: TestApp) {
    let person = app.resident("吴十").await;
    let guesses: Vec<_> = (0..12)
        .map(|i| {
            tokio::spawn(
                app.post(
                    "/auth/login",
                    json!({"login": person.login, "password": format!("guess {i}")}),
                )
                .send(),
            )
        })
        .collect();
    let mut refused = 0;
    for guess in guesses {
        let status = guess.await.unwrap().unwrap().status();
        assert!(
            status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
        refused += usize::from(status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(
        refused, 7,
        "only five guesses are checked, however fast they come"
    );
}

/// A client of the app whose requests come from another loopback address.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, last]))
        .build()
        .unwrap()
}

async fn log_in_from(
    app: &TestApp,
    client: &reqwest::Client,
    login: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(app.url("/auth/login"))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn a_strangers_guesses_do_not_lock_the_owner_out(app: TestApp) {
    let owner = app.resident("周九").await;
    let stranger = client_from(2);
    for _ in 0..5 {
        let guess = log_in_from(&app, &stranger, &owner.login, "guess-guess").await;
        expect_problem(guess, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let refused = log_in_from(&app, &stranger, &owner.login, PASSWORD).await;
    assert!(refused.headers().contains_key("retry-after"));
    expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;

    // The owner, on their own device, is not locked out.
    expect_status(app.login(&owner.login, PASSWORD).await, StatusCode::OK).await;
}

async fn guesses_sprayed_over_many_accounts_are_slowed_per_address(app: TestApp) {
    let sprayer = client_from(3);
    for _ in 0..20 {
        let guess = log_in_from(&app, &sprayer, &TestApp::unique_phone(), "guess-guess").await;
        expect_problem(guess, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let refused = log_in_from(&app, &sprayer, &TestApp::unique_phone(), "guess-guess").await;
    expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;

    let person = app.resident("吴十").await;
    expect_status(app.login(&person.login, PASSWORD).await, StatusCode::OK).await;
}

async fn registrations_are_limited_per_address(app: TestApp) {
    let registrar = client_from(4);
    let register = |login: String| {
        registrar
            .post(app.url("/auth/register"))
            .json(&json!({"login": login, "password": PASSWORD, "display_name": "郑一"}))
            .send()
    };
    for _ in 0..10 {
        let registered = register(TestApp::unique_phone()).await.unwrap();
        expect_status(registered, StatusCode::CREATED).await;
    }
    let refused = register(TestApp::unique_phone()).await.unwrap();
    expect_problem(
        refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_registrations",
    )
    .await;
    app.resident("王二").await;
}

/// Password hashing is the one costly thing anyone may ask for: beyond what the instance
/// can hash at once and a short line, requests are refused at once instead of piling up
/// (memory and time); none fails otherwise.
async fn password_checks_beyond_capacity_are_refused_at_once(app: TestApp) {
    let addr = app.instance_with(|config| config.password_slots = 1).await;
    // From 64 addresses at once, so that no address meets its own limit; the clients are
    // made first, as making one takes longer than a password check.
    let clients: Vec<reqwest::Client> = (10..74u8).map(client_from).collect();
    let attempts = clients.into_iter().map(|client| {
        let body = json!({"login": TestApp::unique_phone(), "password": "guess-guess"});
        tokio::spawn(async move {
            client
                .post(format!("http://{addr}/api/v1/auth/login"))
                .json(&body)
                .send()
                .await
                .unwrap()
        })
    });
    let attempts: Vec<_> = attempts.collect();
    let (mut refused, mut checked) = (0, 0);
    for attempt in attempts {
        let response = attempt.await.unwrap();
        match response.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(response.headers()["retry-after"], "1");
                expect_problem(response, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
                refused += 1;
            }
            StatusCode::UNAUTHORIZED => checked += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        checked >= 1 && refused >= 1,
        "{checked} checked, {refused} refused"
    );
}
