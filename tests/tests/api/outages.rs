//! Storage going away under load. The database: clients hear a prompt `503` with
//! `Retry-After`, the service comes back by itself, and no write is lost or half done. Redis:
//! nobody notices, and its figures are exact again once it is back.

use std::time::{Duration, Instant};

use canyu_tests::{expect_problem, expect_status, faults::FaultyLink, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::surveys::{answers_of, surveyed_crowd};

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

/// Redis going away in the middle of a signup and survey run (connections cut and refused,
/// as while it restarts): every signup and response through the instance is taken at once,
/// none waits on Redis, none is lost; once Redis answers again the instance brings the
/// survey's cached figures up to date by itself, exact, without waiting for the periodic pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_in_a_signup_and_survey_run_fails_nothing_and_loses_nothing() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let (day, survey) = surveyed_crowd(&app, 30).await;
        let id = survey["id"].as_str().unwrap().to_string();
        let event = app.open_event(&day.staff, 10, 1).await;
        let link = FaultyLink::to_redis_of(&app).await;
        let instance = app
            .instance_with(|config| config.redis_url = Some(link.redis_url()))
            .await;
        let results = || {
            let request = app
                .client
                .get(format!("http://{instance}/api/v1/surveys/{id}/results"))
                .bearer_auth(&day.staff.token);
            async move { expect_status(request.send().await.unwrap(), StatusCode::OK).await }
        };
        assert_eq!(results().await["responses"], 0, "the counters are cached");
        // Ten people at a time sign up and answer, all at once: before, during, after.
        let run = |people: std::ops::Range<usize>| {
            let sent: Vec<_> = people
                .map(|i| {
                    let person = &day.came[i];
                    let signup = app
                        .client
                        .post(format!("http://{instance}/api/v1/events/{event}/signups"))
                        .bearer_auth(&person.token)
                        .json(&json!({"party_size": 1}));
                    let response = app
                        .client
                        .post(format!("http://{instance}/api/v1/surveys/{id}/responses"))
                        .bearer_auth(&person.token)
                        .json(&json!({"answers": answers_of(&survey, i)}));
                    tokio::spawn(async move {
                        for request in [signup, response] {
                            let started = Instant::now();
                            let answer = request.send().await.unwrap();
                            assert!(
                                started.elapsed() < Duration::from_secs(3),
                                "answered after {:?}",
                                started.elapsed()
                            );
                            expect_status(answer, StatusCode::CREATED).await;
                        }
                    })
                })
                .collect();
            async move {
                for person in sent {
                    person.await.unwrap();
                }
            }
        };
        run(0..10).await;
        link.go_down();
        run(10..20).await;
        let while_down = results().await;
        assert_eq!(while_down["responses"], 20, "computed from the database");
        link.speak_again();
        run(20..30).await;

        // Redis missed the last twenty; the instance's probe (every 5 s) finds it back.
        let started = Instant::now();
        let mut cached = results().await;
        while cached["responses"] != 30 {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "Redis still holds {cached}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
            cached = results().await;
        }
        app.state
            .cache
            .delete(&format!("survey:{id}:counts"))
            .await
            .unwrap();
        assert_eq!(
            results().await,
            cached,
            "equal to a recount from the database"
        );

        let signups: Value = expect_status(
            app.get(&format!("/events/{event}/signups?limit=100"))
                .bearer_auth(&day.staff.token)
                .send()
                .await
                .unwrap(),
            StatusCode::OK,
        )
        .await;
        let statuses: Vec<&str> = signups["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses.len(), 30, "every signup stored");
        assert_eq!(statuses.iter().filter(|s| **s == "confirmed").count(), 10);
        assert_eq!(statuses.iter().filter(|s| **s == "waitlisted").count(), 20);
    })
    .await;
}
