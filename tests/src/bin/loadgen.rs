//! Load generator for docs/benchmarks.md: a crowd signs up for one open day all at once, on
//! SQLite (one instance) and on PostgreSQL + Redis (one and two instances), side by side in
//! one run. `cargo run --release -p canyu-tests --bin loadgen -- [RESIDENTS] [SEATS] [ROUNDS]`
//! (PostgreSQL needs CANYU_TEST_DATABASE_URL and CANYU_TEST_REDIS_URL).

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use canyu_tests::{Backend, TestApp};
use serde_json::json;

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("whole numbers"))
        .collect();
    let residents = args.first().copied().unwrap_or(1000);
    let seats = args.get(1).copied().unwrap_or(100);
    let rounds = args.get(2).copied().unwrap_or(3);
    println!(
        "{residents} residents at once for {seats} seats, {rounds} rounds each (median shown)"
    );
    println!(
        "{:<32} {:>10} {:>14} {:>10}",
        "setup", "median ms", "signups/s", "p99 ms"
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
                let _ = tx.send(burst(&app, residents, seats, instances).await);
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
        let rate = residents as f64 / median.as_secs_f64();
        println!(
            "{label:<32} {:>10.0} {:>14.0} {:>10.0}",
            ms(median),
            rate,
            ms(p99s[p99s.len() / 2])
        );
    }
}

/// Time for every signup to be answered, and the 99th percentile of single answers.
async fn burst(
    app: &TestApp,
    residents: usize,
    seats: usize,
    instances: usize,
) -> (Duration, Duration) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, seats as i32, 1).await;
    let crowd = app.crowd(residents).await;
    let mut addrs: Vec<SocketAddr> = vec![app.addr];
    if instances > 1 {
        addrs.push(app.second_instance().await);
    }
    let started = Instant::now();
    let requests: Vec<_> = crowd
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let request = app
                .client
                .post(format!(
                    "http://{}/api/v1/events/{event}/signups",
                    addrs[i % addrs.len()]
                ))
                .bearer_auth(&person.token)
                .json(&json!({"party_size": 1}));
            tokio::spawn(async move {
                let sent = Instant::now();
                let status = request
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                assert_eq!(status, 201, "every signup is answered 201");
                sent.elapsed()
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(residents);
    for request in requests {
        latencies.push(request.await.unwrap());
    }
    let total = started.elapsed();
    latencies.sort();
    (
        total,
        latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)],
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
