//! Benchmark for docs/benchmarks.md: a survey's published results with 100,000 stored
//! responses on PostgreSQL, read from Redis and computed from the database, side by side in
//! one run, beside `/healthz` (the HTTP stack's floor) and pgbench running the rebuild's SQL
//! (the database's floor).
//! `cargo run --release -p canyu-tests --bin surveybench -- [RESPONSES] [RATE] [SECONDS]`
//! (needs CANYU_TEST_DATABASE_URL and CANYU_TEST_REDIS_URL, and pgbench on the PATH).

use std::time::{Duration, Instant};

use canyu_tests::{expect_status, Backend, TestApp};
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

#[tokio::main]
async fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("whole numbers"))
        .collect();
    let responses = args.first().copied().unwrap_or(100_000);
    let rate = args.get(1).copied().unwrap_or(2_000);
    let seconds = args.get(2).copied().unwrap_or(10);
    if std::env::var("CANYU_TEST_DATABASE_URL").is_err() {
        eprintln!("set CANYU_TEST_DATABASE_URL and CANYU_TEST_REDIS_URL");
        std::process::exit(2);
    }
    canyu_tests::run(Backend::Postgres, move |app: TestApp| async move {
        bench(&app, responses, rate, seconds).await;
    })
    .await;
}

async fn bench(app: &TestApp, responses: u64, rate: u64, seconds: u64) {
    let started = Instant::now();
    let (survey, event) = stored_responses(app, responses).await;
    println!(
        "{responses} responses stored in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let results = format!("/api/v1/surveys/{survey}/results");
    let key = format!("survey:{survey}:counts");
    // Read with a token, so never from the answers kept for anonymous readers: what is
    // measured is the counters in Redis, or their rebuild.
    let admin = app.admin().await;
    let token = Some(admin.token.as_str());

    // The first read after a flush rebuilds the counters from the database.
    let mut rebuilds = Vec::new();
    for _ in 0..20 {
        app.state.cache.delete(&key).await.unwrap();
        let sent = Instant::now();
        let answer = get(app, &results, token).await;
        rebuilds.push(sent.elapsed());
        assert_eq!(answer["responses"], responses, "{answer}");
    }
    let warm = get(app, &results, token).await;
    assert_eq!(warm["responses"], responses);

    let paced_healthz = paced(app, "/healthz", None, rate, seconds).await;
    let paced_results = paced(app, &results, token, rate, seconds).await;
    let floor = pgbench_rebuild(app, &survey, &event, seconds);

    println!(
        "\n{:<46} {:>9} {:>9} {:>9}",
        "what", "p50 ms", "p99 ms", "req/s"
    );
    let row = |what: &str, (p50, p99, done): (Duration, Duration, f64)| {
        println!("{what:<46} {:>9.2} {:>9.2} {:>9.0}", ms(p50), ms(p99), done);
    };
    row(
        &format!("GET /healthz paced at {rate}/s"),
        paced_healthz.summary(seconds),
    );
    row(
        &format!("results from Redis (a token), paced at {rate}/s"),
        paced_results.summary(seconds),
    );
    let rebuilt = Latencies(rebuilds);
    let (rebuild_p50, rebuild_p99, _) = rebuilt.summary(0);
    println!(
        "{:<46} {:>9.2} {:>9.2} {:>9}",
        "results computed from the database (one at a time)",
        ms(rebuild_p50),
        ms(rebuild_p99),
        "-"
    );
    println!(
        "{:<46} {:>9.2} {:>9} {:>9.1}",
        "pgbench, the rebuild's SQL, 1 client (mean)",
        floor.map_or(f64::NAN, |tps| 1e3 / tps),
        "-",
        floor.unwrap_or(f64::NAN)
    );
    let (redis_p50, redis_p99, _) = paced_results.summary(seconds);
    println!(
        "\nratios: database path / Redis path: p50 {:.0}×, p99 {:.0}×; Redis path p99 / /healthz p99 {:.1}×",
        rebuild_p50.as_secs_f64() / redis_p50.as_secs_f64(),
        rebuild_p99.as_secs_f64() / redis_p99.as_secs_f64(),
        redis_p99.as_secs_f64() / paced_healthz.summary(seconds).1.as_secs_f64(),
    );
}

/// A published survey of the district template with `n` responses and as many people
/// checked in, inserted in SQL; returns the survey's and the event's ids.
async fn stored_responses(app: &TestApp, n: u64) -> (String, String) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, 50, 1).await;
    let survey = expect_status(
        app.send(
            Method::POST,
            &format!("/events/{event}/survey"),
            Some(&staff.token),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = survey["id"].as_str().unwrap().to_string();
    let question = |position: usize| survey["questions"][position - 1]["id"].as_str().unwrap();
    let db = &app.state.db;
    let sql = [
        format!(
            "INSERT INTO signups (id, event_id, user_id, party_size, status, checkin_code, \
             checked_in_at, created_at, updated_at) \
             SELECT gen_random_uuid(), '{event}', NULL, 1, 'confirmed', md5('{event}' || i), \
             now(), now(), now() FROM generate_series(1, {n}) AS i"
        ),
        format!(
            "INSERT INTO survey_responses (id, survey_id, seq, submitted_on) \
             SELECT gen_random_uuid(), '{id}', i, current_date FROM generate_series(1, {n}) AS i"
        ),
        // Ratings of questions 1–3 and a score 0–10 for the NPS question from every
        // response, two choices of question 5 from half of them.
        format!(
            "INSERT INTO survey_answers (id, response_id, question_id, value, text, text_published) \
             SELECT gen_random_uuid(), r.id, q.id, \
                    CASE WHEN q.id = '{nps}' THEN (r.seq * 7) % 11 ELSE 1 + (r.seq * q.k) % 5 END, \
                    NULL, false \
             FROM survey_responses r \
             CROSS JOIN (VALUES ('{q1}'::uuid, 3), ('{q2}'::uuid, 5), ('{q3}'::uuid, 7), ('{nps}'::uuid, 1)) AS q(id, k) \
             WHERE r.survey_id = '{id}'",
            q1 = question(1),
            q2 = question(2),
            q3 = question(3),
            nps = question(4),
        ),
        format!(
            "INSERT INTO survey_answers (id, response_id, question_id, value, text, text_published) \
             SELECT gen_random_uuid(), r.id, '{q5}', c.v, NULL, false \
             FROM survey_responses r CROSS JOIN (VALUES (0), (2)) AS c(v) \
             WHERE r.survey_id = '{id}' AND r.seq % 2 = 0",
            q5 = question(5),
        ),
        format!(
            "UPDATE surveys SET response_seq = {n}, closes_at = now() - interval '1 day', \
             opens_at = now() - interval '15 days', results_published_at = now() WHERE id = '{id}'"
        ),
        "ANALYZE".to_string(),
    ];
    for statement in sql {
        db.execute_unprepared(&statement).await.unwrap();
    }
    (id, event)
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let answer = request(app, path, token).send();
    expect_status(answer.await.unwrap(), StatusCode::OK).await
}

fn request(app: &TestApp, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
    let request = app.client.get(format!("http://{}{path}", app.addr));
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
}

struct Latencies(Vec<Duration>);

impl Latencies {
    /// p50, p99 and the rate achieved over `seconds` (0: not paced).
    fn summary(&self, seconds: u64) -> (Duration, Duration, f64) {
        let mut sorted = self.0.clone();
        sorted.sort();
        let at = |q: usize| sorted[(sorted.len() * q / 100).min(sorted.len() - 1)];
        let rate = if seconds == 0 {
            0.0
        } else {
            sorted.len() as f64 / seconds as f64
        };
        (at(50), at(99), rate)
    }
}

/// `rate` GETs a second for `seconds`, sent on schedule whether or not earlier ones have
/// been answered (an open loop); each latency counts from when it was due, so a stall
/// shows in the figures instead of slowing the load.
async fn paced(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    rate: u64,
    seconds: u64,
) -> Latencies {
    let period = Duration::from_secs_f64(1.0 / rate as f64);
    let total = rate * seconds;
    let start = tokio::time::Instant::now();
    let mut requests = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + period * i as u32;
        tokio::time::sleep_until(due).await;
        let request = request(app, path, token);
        requests.push(tokio::spawn(async move {
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), StatusCode::OK);
            answer.bytes().await.unwrap();
            due.elapsed()
        }));
    }
    let mut latencies = Vec::with_capacity(requests.len());
    for request in requests {
        latencies.push(request.await.unwrap());
    }
    Latencies(latencies)
}

/// Transactions a second of pgbench running the rebuild's queries (the watermark, the
/// answered counts and the value counts) against the same database, one client.
fn pgbench_rebuild(app: &TestApp, survey: &str, event: &str, seconds: u64) -> Option<f64> {
    let script = format!(
        "SELECT response_seq FROM surveys WHERE id = '{survey}';\n\
         SELECT question_id, COUNT(DISTINCT response_id) FROM survey_answers WHERE response_id IN \
         (SELECT id FROM survey_responses WHERE survey_id = '{survey}' AND seq <= 100000000) GROUP BY question_id;\n\
         SELECT question_id, value, COUNT(id) FROM survey_answers WHERE response_id IN \
         (SELECT id FROM survey_responses WHERE survey_id = '{survey}' AND seq <= 100000000) \
         AND value IS NOT NULL GROUP BY question_id, value;\n\
         SELECT COUNT(*) FROM signups WHERE event_id = '{event}' AND checked_in_at IS NOT NULL;\n"
    );
    let file = std::env::temp_dir().join("surveybench-rebuild.sql");
    std::fs::write(&file, script).ok()?;
    let output = std::process::Command::new("pgbench")
        .args(["-n", "-c", "1", "-T", &seconds.to_string(), "-f"])
        .arg(&file)
        .arg(&app.config.database_url)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|tps| tps.parse().ok())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
