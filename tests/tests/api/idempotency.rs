//! `Idempotency-Key`: a retried write returns the first answer and writes once.

use canyu_tests::{
    error_fields, expect_problem, expect_status, on_every_backend, TestApp, PASSWORD,
};
use reqwest::StatusCode;
use serde_json::json;

on_every_backend!(
    a_retry_returns_the_first_answer_and_writes_once,
    a_key_reused_for_another_request_is_refused,
    parallel_retries_write_once,
    a_retry_after_the_instance_died_never_writes_twice,
);

fn registration(login: &str) -> serde_json::Value {
    json!({"login": login, "password": PASSWORD, "display_name": "张三"})
}

async fn accounts_with_login(app: &TestApp, login: &str) -> usize {
    let admin = app.admin().await;
    let found = expect_status(
        app.get(&format!("/users?login={login}"))
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    found["items"].as_array().unwrap().len()
}

async fn a_retry_returns_the_first_answer_and_writes_once(app: TestApp) {
    let login = TestApp::unique_phone();
    let send = || {
        app.post("/auth/register", registration(&login))
            .header("Idempotency-Key", "phone-retry-1")
            .send()
    };

    let first = send().await.unwrap();
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first = expect_status(first, StatusCode::CREATED).await;
    let retry = send().await.unwrap();
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(
        retry.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let retry = expect_status(retry, StatusCode::CREATED).await;
    assert_eq!(first, retry);
    assert_eq!(accounts_with_login(&app, &login).await, 1);

    // Without the key, the same body is a new attempt and meets the existing account.
    let again = app
        .post("/auth/register", registration(&login))
        .send()
        .await
        .unwrap();
    expect_problem(again, StatusCode::CONFLICT, "login_taken").await;
}

async fn a_key_reused_for_another_request_is_refused(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let (first_event, second_event) = (
        app.open_event(&staff, 5, 1).await,
        app.open_event(&staff, 5, 1).await,
    );
    let resident = app.resident("张三").await;
    let sign_up = |event: &str| {
        app.post(
            &format!("/events/{event}/signups"),
            json!({"party_size": 1}),
        )
        .bearer_auth(&resident.token)
        .header("Idempotency-Key", "k-1")
        .send()
    };
    expect_status(sign_up(&first_event).await.unwrap(), StatusCode::CREATED).await;
    let other = sign_up(&second_event).await.unwrap();
    let problem =
        expect_problem(other, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["Idempotency-Key"]);

    // Anonymous calls are scoped by the request: a stranger's key replays nothing of theirs.
    for login in [TestApp::unique_phone(), TestApp::unique_phone()] {
        let registered = app
            .post("/auth/register", registration(&login))
            .header("Idempotency-Key", "k-2")
            .send()
            .await
            .unwrap();
        assert_eq!(
            expect_status(registered, StatusCode::CREATED).await["login"],
            login
        );
    }

    // A credential that does not resolve gets the operation's 401, never a stored answer.
    let signed_up = app
        .post(
            &format!("/events/{first_event}/signups"),
            json!({"party_size": 1}),
        )
        .bearer_auth("not-a-token")
        .header("Idempotency-Key", "k-1")
        .send()
        .await
        .unwrap();
    expect_problem(signed_up, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // Nor does a session that has ended, though its stored answer is still there.
    let logged_out = app
        .post("/auth/logout", json!({}))
        .bearer_auth(&resident.token)
        .send()
        .await
        .unwrap();
    expect_status(logged_out, StatusCode::NO_CONTENT).await;
    expect_problem(
        sign_up(&first_event).await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;

    let too_long = "k".repeat(256);
    let bad = app
        .post("/auth/register", registration(&TestApp::unique_phone()))
        .header("Idempotency-Key", too_long)
        .send()
        .await
        .unwrap();
    expect_problem(bad, StatusCode::BAD_REQUEST, "invalid_request").await;
}

async fn parallel_retries_write_once(app: TestApp) {
    let login = TestApp::unique_phone();
    let sends = (0..8).map(|_| {
        app.post("/auth/register", registration(&login))
            .header("Idempotency-Key", "burst")
            .send()
    });
    let answers = futures_join_all(sends).await;
    let mut bodies = Vec::new();
    for answer in answers {
        bodies.push(expect_status(answer.unwrap(), StatusCode::CREATED).await);
    }
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "every retry got the first answer"
    );
    assert_eq!(accounts_with_login(&app, &login).await, 1);
}

/// Runs the requests concurrently on the runtime's threads.
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

/// The instance dying between a write's commit and the storing of its answer (simulated by
/// taking the stored answer away and ageing the claim past its minute): the retry finds the
/// write marked done inside its own transaction and does not do it again. A claim whose
/// write never committed is retried for real.
async fn a_retry_after_the_instance_died_never_writes_twice(app: TestApp) {
    use entity::idempotency_key;
    use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};

    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, 5, 1).await;
    let resident = app.resident("王五").await;
    let sign_up = |key: &'static str, event: String| {
        app.post(
            &format!("/events/{event}/signups"),
            json!({"party_size": 1}),
        )
        .bearer_auth(&resident.token)
        .header("Idempotency-Key", key)
        .send()
    };
    expect_status(
        sign_up("k-1", event.clone()).await.unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let died = |key: &'static str| {
        idempotency_key::Entity::update_many()
            .filter(idempotency_key::Column::Key.eq(key))
            .col_expr(
                idempotency_key::Column::StatusCode,
                Expr::value(Option::<i32>::None),
            )
            .col_expr(
                idempotency_key::Column::ResponseBody,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                idempotency_key::Column::CreatedAt,
                Expr::value(app.clock.now() - chrono::Duration::minutes(2)),
            )
            .exec(&app.state.db)
    };
    died("k-1").await.unwrap();
    let retry = sign_up("k-1", event.clone()).await.unwrap();
    expect_problem(retry, StatusCode::CONFLICT, "idempotency_key_completed").await;
    let mine = expect_status(
        app.get("/me/signups")
            .bearer_auth(&resident.token)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "signed up once");

    // A claim left by an instance that died before its write committed: the write is done.
    let other = app.open_event(&staff, 5, 1).await;
    expect_status(
        sign_up("k-2", other.clone()).await.unwrap(),
        StatusCode::CREATED,
    )
    .await;
    idempotency_key::Entity::update_many()
        .filter(idempotency_key::Column::Key.eq("k-2"))
        .col_expr(
            idempotency_key::Column::CommittedAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .exec(&app.state.db)
        .await
        .unwrap();
    died("k-2").await.unwrap();
    let redone = sign_up("k-2", other).await.unwrap();
    // The signup exists (the simulation cannot undo it), so the redone write meets it.
    expect_problem(redone, StatusCode::CONFLICT, "already_signed_up").await;
}
