//! Load generator for docs/benchmarks.md, on SQLite (one instance) and on PostgreSQL + Redis
//! (one and two instances), side by side in one run, at most IN_FLIGHT requests at a time
//! (COMMENTS_IN_FLIGHT for the comment burst):
//! - the signup storm: RESIDENTS sign up for one open day of SEATS seats; each round checks
//!   that exactly SEATS were confirmed;
//! - the comment burst: the same residents send five comments each on one draft; each round
//!   checks that every comment was stored.
//!
//! The instances under load are processes of their own (`canyu serve`, the release binary
//! beside this one) on the run's fresh database, so each line also shows the peak RSS of the
//! service alone; the load generator sets up each run through its own in-process instance.
//!
//! `cargo build --release -p canyu -p canyu-tests --bin canyu --bin loadgen`, then
//! `./target/release/loadgen [RESIDENTS] [SEATS] [ROUNDS] [IN_FLIGHT] [COMMENTS_IN_FLIGHT] [SETUPS]`
//! (PostgreSQL needs CANYU_TEST_DATABASE_URL and CANYU_TEST_REDIS_URL). COMMENTS_IN_FLIGHT 0
//! leaves the burst out; SETUPS picks some of `sqlite,postgres,postgres2` (all by default).

use std::{
    future::Future,
    net::{SocketAddr, TcpListener},
    process::Stdio,
    sync::Arc,
    time::{Duration, Instant},
};

use canyu_tests::{Backend, TestApp};
use chrono::Utc;
use reqwest::RequestBuilder;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use tokio::{
    process::{Child, Command},
    sync::Semaphore,
};

const COMMENTS_EACH: usize = 5;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: usize| {
        args.get(i)
            .map_or(default, |a| a.parse().expect("a whole number"))
    };
    let residents = number(0, 1000);
    let seats = number(1, 100);
    let rounds = number(2, 3);
    let in_flight = number(3, residents);
    let comments_in_flight = number(4, in_flight);
    let chosen = args
        .get(5)
        .map_or("sqlite,postgres,postgres2", String::as_str);
    let setups: Vec<Setup> = SETUPS
        .into_iter()
        .filter(|s| chosen.split(',').any(|name| name == s.name))
        .collect();
    println!("{residents} residents, {rounds} rounds each (median shown)\n");
    println!("Signup storm: {residents} signups for {seats} seats, {in_flight} in flight");
    table(
        &setups,
        rounds,
        residents,
        move |app, instances| async move {
            signup_storm(&app, residents, seats, instances, in_flight).await
        },
    )
    .await;
    if comments_in_flight == 0 {
        return;
    }
    let comments = residents * COMMENTS_EACH;
    println!(
        "\nComment burst: {comments} comments on one draft, {COMMENTS_EACH} from each resident, {comments_in_flight} in flight"
    );
    table(
        &setups,
        rounds,
        comments,
        move |app, instances| async move {
            comment_burst(&app, residents, instances, comments_in_flight).await
        },
    )
    .await;
}

/// Where the instances under load keep their data, and how many there are.
#[derive(Clone, Copy)]
struct Setup {
    name: &'static str,
    label: &'static str,
    backend: Backend,
    instances: usize,
}

const SETUPS: [Setup; 3] = [
    Setup {
        name: "sqlite",
        label: "SQLite, 1 instance",
        backend: Backend::Sqlite,
        instances: 1,
    },
    Setup {
        name: "postgres",
        label: "PostgreSQL + Redis, 1 instance",
        backend: Backend::Postgres,
        instances: 1,
    },
    Setup {
        name: "postgres2",
        label: "PostgreSQL + Redis, 2 instances",
        backend: Backend::Postgres,
        instances: 2,
    },
];

/// What one round came to: the time until the last answer, the p99 answer, and the highest
/// peak RSS of the instances under load.
struct Round {
    total: Duration,
    p99: Duration,
    peak_rss_kb: u64,
}

/// Runs `storm` `rounds` times on each setup, each on a fresh database, and prints a line
/// per setup: the median time for all `requests` to be answered, the rate, the p99 answer,
/// the highest peak RSS of an instance.
async fn table<F, Fut>(setups: &[Setup], rounds: usize, requests: usize, storm: F)
where
    F: Fn(TestApp, usize) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = Round> + Send + 'static,
{
    println!(
        "{:<32} {:>10} {:>14} {:>10} {:>12}",
        "setup", "median ms", "answers/s", "p99 ms", "peak RSS MB"
    );
    for &Setup {
        label,
        backend,
        instances,
        ..
    } in setups
    {
        let mut totals = Vec::new();
        let mut p99s = Vec::new();
        let mut peak_rss_kb = 0;
        for _ in 0..rounds {
            let (tx, rx) = tokio::sync::oneshot::channel();
            canyu_tests::run(backend, move |app: TestApp| async move {
                // The instances under load keep the real time: set up on it too.
                app.clock.advance(Utc::now() - app.clock.now());
                let _ = tx.send(storm(app, instances).await);
            })
            .await;
            if let Ok(round) = rx.await {
                totals.push(round.total);
                p99s.push(round.p99);
                peak_rss_kb = peak_rss_kb.max(round.peak_rss_kb);
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
            "{label:<32} {:>10.0} {:>14.0} {:>10.0} {:>12.1}",
            ms(median),
            requests as f64 / median.as_secs_f64(),
            ms(p99s[p99s.len() / 2]),
            peak_rss_kb as f64 / 1024.0
        );
    }
}

async fn signup_storm(
    app: &TestApp,
    residents: usize,
    seats: usize,
    instances: usize,
    in_flight: usize,
) -> Round {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, seats as i32, 1).await;
    let crowd = app.crowd(residents).await;
    let instances = Instances::start(app, instances).await;
    let addrs = instances.addrs();
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
    instances.round(total, answers)
}

async fn comment_burst(
    app: &TestApp,
    residents: usize,
    instances: usize,
    in_flight: usize,
) -> Round {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "fgw").await;
    let decision = app
        .decision_in_consultation(&staff, "杨浦区滨江公共空间规划")
        .await;
    let crowd = app.crowd(residents).await;
    let instances = Instances::start(app, instances).await;
    let (addrs, decision) = (&instances.addrs(), &decision);
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
    instances.round(total, answers)
}

/// `canyu serve` processes on the app's storage, killed when dropped.
struct Instances(Vec<(Child, SocketAddr)>);

impl Instances {
    async fn start(app: &TestApp, n: usize) -> Self {
        let binary = std::env::current_exe()
            .expect("the load generator's path")
            .with_file_name("canyu");
        let mut instances = Vec::with_capacity(n);
        for _ in 0..n {
            let addr = TcpListener::bind("127.0.0.1:0")
                .and_then(|free| free.local_addr())
                .expect("a free port");
            let mut serve = Command::new(&binary);
            serve
                .args(["serve", "--bind", &addr.to_string()])
                .env("CANYU_DATABASE_URL", &app.config.database_url)
                .env("CANYU_REDIS_PREFIX", &app.config.redis_prefix)
                .env("RUST_LOG", "error")
                .stdout(Stdio::null())
                .kill_on_drop(true);
            match &app.config.redis_url {
                Some(url) => serve.env("CANYU_REDIS_URL", url),
                None => serve.env_remove("CANYU_REDIS_URL"),
            };
            let child = serve
                .spawn()
                .unwrap_or_else(|err| panic!("{} starts: {err}", binary.display()));
            instances.push((child, addr));
        }
        for (child, addr) in &mut instances {
            let healthz = format!("http://{addr}/healthz");
            let deadline = Instant::now() + Duration::from_secs(10);
            while !app
                .client
                .get(&healthz)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                // Another process may have taken the port meanwhile: this one then exits.
                let exited = child.try_wait().expect("the instance's status");
                assert!(
                    exited.is_none(),
                    "the instance for {addr} exited: {exited:?}"
                );
                assert!(Instant::now() < deadline, "an instance answers at {addr}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        Self(instances)
    }

    fn addrs(&self) -> Vec<SocketAddr> {
        self.0.iter().map(|(_, addr)| *addr).collect()
    }

    /// The round's figures, with the highest peak RSS (VmHWM) of the instances.
    fn round(&self, total: Duration, answers: Vec<(Duration, Value)>) -> Round {
        let peak_rss_kb = self
            .0
            .iter()
            .filter_map(|(child, _)| {
                let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()?));
                status.ok()?.lines().find_map(|line| {
                    line.strip_prefix("VmHWM:")?
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
            })
            .max()
            .unwrap_or(0);
        Round {
            total,
            p99: p99(answers),
            peak_rss_kb,
        }
    }
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
