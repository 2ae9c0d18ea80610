//! Load generator for docs/benchmarks.md, on SQLite (one instance) and on PostgreSQL + Redis
//! (one and two instances), side by side in one run, at most IN_FLIGHT requests at a time
//! (COMMENTS_IN_FLIGHT for the comment burst):
//! - the signup storm: RESIDENTS sign up for one open day of SEATS seats; each round checks
//!   that exactly SEATS were confirmed;
//! - the comment burst: the same residents send five comments each on one draft; each round
//!   checks that every comment was stored.
//!
//! `cargo run --release -p canyu-tests --bin loadgen -- [RESIDENTS] [SEATS] [ROUNDS] [IN_FLIGHT] [COMMENTS_IN_FLIGHT]`
//! (PostgreSQL needs CANYU_TEST_DATABASE_URL and CANYU_TEST_REDIS_URL).

use std::{
    future::Future,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use canyu_tests::{Backend, TestApp};
use reqwest::RequestBuilder;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

const COMMENTS_EACH: usize = 5;

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("whole numbers"))
        .collect();
    let residents = args.first().copied().unwrap_or(1000);
    let seats = args.get(1).copied().unwrap_or(100);
    let rounds = args.get(2).copied().unwrap_or(3);
    let in_flight = args.get(3).copied().unwrap_or(residents);
    let comments_in_flight = args.get(4).copied().unwrap_or(in_flight);
    println!("{residents} residents, {rounds} rounds each (median shown)\n");
    println!("Signup storm: {residents} signups for {seats} seats, {in_flight} in flight");
    table(rounds, residents, move |app, instances| async move {
        signup_storm(&app, residents, seats, instances, in_flight).await
    })
    .await;
    let comments = residents * COMMENTS_EACH;
    println!(
        "\nComment burst: {comments} comments on one draft, {COMMENTS_EACH} from each resident, {comments_in_flight} in flight"
    );
    table(rounds, comments, move |app, instances| async move {
        comment_burst(&app, residents, instances, comments_in_flight).await
    })
    .await;
}

/// Runs `storm` `rounds` times on each setup, each on a fresh database, and prints a line
/// per setup: the median time for all `requests` to be answered, the rate, the p99 answer.
async fn table<F, Fut>(rounds: usize, requests: usize, storm: F)
where
    F: Fn(TestApp, usize) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = (Duration, Duration)> + Send + 'static,
{
    println!(
        "{:<32} {:>10} {:>14} {:>10}",
        "setup", "median ms", "answers/s", "p99 ms"
    );
    for (label, backend, instances) in [
        ("SQLite, 1 instance", Backend::Sqlite, 1),
        ("PostgreSQL + Redis, 1 instance", Backend::Postgres, 1),
        ("PostgreSQL + Redis, 2 instances", Backend::Postgres, 2),
    ] {
        let mut totals = Vec::new();
        let mut p99s = Vec::new();
        for _ in 0..rounds {
            let (tx, rx) = tokio::sync::oneshot::channel();
            canyu_tests::run(backend, move |app: TestApp| async move {
                let _ = tx.send(storm(app, instances).await);
            })
            .await;
            if let Ok((total, p99)) = rx.await {
                totals.push(total);
                p99s.push(p99);
            }
        }
        if totals.is_empty() {
            println!("{label:<32} skipped (no PostgreSQL configured)");
            continue;
        }
        totals.sort();
        p99s.sort();
        let median = totals[totals.len() / 2];
        println!(
            "{label:<32} {:>10.0} {:>14.0} {:>10.0}",
            ms(median),
            requests as f64 / median.as_secs_f64(),
            ms(p99s[p99s.len() / 2])
        );
    }
}

async fn signup_storm(
    app: &TestApp,
    residents: usize,
    seats: usize,
    instances: usize,
    in_flight: usize,
) -> (Duration, Duration) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, seats as i32, 1).await;
    let crowd = app.crowd(residents).await;
    let addrs = addresses(app, instances).await;
    let requests = crowd.iter().enumerate().map(|(i, person)| {
        app.client
            .post(format!(
                "http://{}/api/v1/events/{event}/signups",
                addrs[i % addrs.len()]
            ))
            .bearer_auth(&person.token)
            .json(&json!({"party_size": 1}))
    });
    let (total, answers) = storm(requests.collect(), in_flight).await;
    let confirmed = answers
        .iter()
        .filter(|(_, answer)| answer["status"] == "confirmed")
        .count();
    assert_eq!(
        confirmed,
        seats.min(residents),
        "exactly the seats are confirmed"
    );
    (total, p99(answers))
}

async fn comment_burst(
    app: &TestApp,
    residents: usize,
    instances: usize,
    in_flight: usize,
) -> (Duration, Duration) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let decision = app
        .decision_in_consultation(&staff, "杨浦区滨江公共空间规划")
        .await;
    let crowd = app.crowd(residents).await;
    let (addrs, decision) = (&addresses(app, instances).await, &decision);
    // Round by round, so every resident has a comment in flight before anyone's fifth.
    let requests = (0..COMMENTS_EACH).flat_map(|round| {
        crowd.iter().enumerate().map(move |(i, person)| {
            app.client
                .post(format!(
                    "http://{}/api/v1/decisions/{decision}/comments",
                    addrs[i % addrs.len()]
                ))
                .bearer_auth(&person.token)
                .json(
                    &json!({"body": format!("第{}条意见：滨江步道应增设无障碍坡道。", round + 1)}),
                )
        })
    });
    let (total, answers) = storm(requests.collect(), in_flight).await;
    let stored = entity::comment::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        stored as usize,
        residents * COMMENTS_EACH,
        "every comment is stored"
    );
    (total, p99(answers))
}

/// The app's own address and, for two instances, a second instance's.
async fn addresses(app: &TestApp, instances: usize) -> Vec<SocketAddr> {
    let mut addrs = vec![app.addr];
    if instances > 1 {
        addrs.push(app.second_instance().await);
    }
    addrs
}

/// Sends every request, at most `in_flight` at a time; each must be answered `201`. Returns
/// the time until the last answer, and each answer with how long it took.
async fn storm(
    requests: Vec<RequestBuilder>,
    in_flight: usize,
) -> (Duration, Vec<(Duration, Value)>) {
    let gate = Arc::new(Semaphore::new(in_flight));
    let started = Instant::now();
    let sent: Vec<_> = requests
        .into_iter()
        .map(|request| {
            let gate = gate.clone();
            tokio::spawn(async move {
                let _turn = gate.acquire_owned().await.unwrap();
                let sent = Instant::now();
                let answer = request.send().await.expect("an answer");
                let status = answer.status();
                let body: Value = answer.json().await.unwrap();
                assert_eq!(status, 201, "every request is answered 201: {body}");
                (sent.elapsed(), body)
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(sent.len());
    for request in sent {
        answers.push(request.await.unwrap());
    }
    (started.elapsed(), answers)
}

fn p99(answers: Vec<(Duration, Value)>) -> Duration {
    let mut latencies: Vec<Duration> = answers.into_iter().map(|(took, _)| took).collect();
    latencies.sort();
    latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
