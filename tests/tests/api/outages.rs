//! The database going away under load: clients hear a prompt `503` with `Retry-After`, the
//! service comes back by itself, and no write is lost or half done.

use std::time::{Duration, Instant};

use canyu_tests::{expect_problem, expect_status, faults::FaultyLink, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// PostgreSQL restarting in the middle of a signup run (every connection cut, new ones
/// refused, then back): each signup during the outage is refused promptly with `503
/// database_unavailable` and `Retry-After`, and once the database is back, retried signups
/// land exactly once each, the seats counted exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signups_during_a_database_restart_are_refused_promptly_and_none_is_lost() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let database_url = app.config.database_url.clone();
        let (head, tail) = database_url.split_once('@').expect("user@host/database");
        let (server, database) = tail.split_once('/').expect("host/database");
        let link = FaultyLink::to(server.to_string()).await;
        let through_link = format!("{head}@{}/{database}", link.addr());
        let instance = app
            .instance_with(|config| config.database_url = through_link)
            .await;
        let admin = app.admin().await;
        let (staff, _) = app.staff(&admin, "cyzx").await;
        let event = app.open_event(&staff, 10, 1).await;
        let crowd = app.crowd(6).await;
        let sign_up = |token: &str| {
            app.client
                .post(format!("http://{instance}/api/v1/events/{event}/signups"))
                .bearer_auth(token)
                .json(&json!({"party_size": 1}))
                .send()
        };
        for person in &crowd[..3] {
            expect_status(sign_up(&person.token).await.unwrap(), StatusCode::CREATED).await;
        }

        link.go_down();
        for person in &crowd[3..] {
            let started = Instant::now();
            let refused = sign_up(&person.token).await.unwrap();
            assert!(
                started.elapsed() < Duration::from_secs(7),
                "answered after {:?}",
                started.elapsed()
            );
            let retry_after: u64 = refused.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=10).contains(&retry_after), "{retry_after}");
            expect_problem(
                refused,
                StatusCode::SERVICE_UNAVAILABLE,
                "database_unavailable",
            )
            .await;
        }

        link.speak_again();
        for person in &crowd[3..] {
            let started = Instant::now();
            loop {
                let answer = sign_up(&person.token).await.unwrap();
                if answer.status() == StatusCode::CREATED {
                    break;
                }
                expect_problem(
                    answer,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                )
                .await;
                assert!(
                    started.elapsed() < Duration::from_secs(15),
                    "the service did not come back"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        let seen = expect_status(
            app.get(&format!("/events/{event}"))
                .bearer_auth(&staff.token)
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await;
        assert_eq!(seen["seats_left"], 4, "six signups, each once");
        let signups = expect_status(
            app.get(&format!("/events/{event}/signups"))
                .bearer_auth(&staff.token)
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await;
        assert_eq!(signups["items"].as_array().unwrap().len(), 6);
    })
    .await;
}
