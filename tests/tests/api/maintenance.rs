//! Housekeeping forgets what has expired, and nothing else.

use canyu::maintenance::{self, Swept};
use canyu_tests::{
    expect_problem, expect_status, on_every_backend, TestApp, PASSWORD, SESSION_TTL,
};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

on_every_backend!(housekeeping_forgets_expired_sessions_and_retry_records);

async fn housekeeping_forgets_expired_sessions_and_retry_records(app: TestApp) {
    let person = app.resident("张三").await;
    let body =
        json!({"login": TestApp::unique_phone(), "password": PASSWORD, "display_name": "李四"});
    let send = || {
        app.post("/auth/register", body.clone())
            .header("Idempotency-Key", "once")
            .send()
    };
    expect_status(send().await.unwrap(), StatusCode::CREATED).await;

    assert_eq!(
        maintenance::sweep(&app.state).await.unwrap(),
        Swept::default(),
        "nothing has expired yet"
    );
    app.clock.advance(SESSION_TTL + Duration::days(1));
    assert_eq!(
        maintenance::sweep(&app.state).await.unwrap(),
        Swept {
            sessions: 1,
            idempotency_records: 1,
            erased_events: 0,
            delivered_notices: 0,
        }
    );

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
    // The retry record is gone, so the key starts afresh and meets the account it created.
    expect_problem(send().await.unwrap(), StatusCode::CONFLICT, "login_taken").await;
}
