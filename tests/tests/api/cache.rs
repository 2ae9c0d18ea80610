//! The cache facade behaves alike on Redis and in process: counters added to atomically,
//! read whole, and rebuilt from the database one rebuild at a time.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use canyu::cache::{Applied, Counters, WATERMARK};
use canyu_tests::{
    expect_problem, expect_status, faults::FaultyLink, on_every_backend, serde_json::json, Backend,
    TestApp,
};
use reqwest::StatusCode;

on_every_backend!(
    counters_are_added_to_together_once_built,
    a_missing_set_of_counters_is_rebuilt_once_for_everyone_waiting,
    a_value_read_before_a_write_is_not_kept_after_it,
);

fn counters(pairs: &[(&str, i64)]) -> Counters {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

async fn counters_are_added_to_together_once_built(app: TestApp) {
    let cache = app.state.cache.clone();
    let fields = |_: i64| vec![("responses".to_string(), 1), ("rating_5".to_string(), 1)];
    assert_eq!(
        cache
            .count_in_order("survey:a", 1, &fields(1))
            .await
            .unwrap(),
        Applied::Missing,
        "a set that was never built is not started by an increment"
    );
    assert_eq!(cache.counters("survey:a").await.unwrap(), None);

    let built = cache
        .counters_or_rebuild("survey:a", || async {
            Ok::<_, ()>(counters(&[
                ("responses", 10),
                ("rating_5", 4),
                (WATERMARK, 10),
            ]))
        })
        .await
        .unwrap();
    assert_eq!(built["responses"], 10);

    // Changes 11 to 60 arrive all at once, in any order: each counts once, in order, those
    // arriving before their turn are told the set is behind (their senders catch up).
    let adds: Vec<_> = (11..=60)
        .map(|seq| {
            let cache = cache.clone();
            tokio::spawn(async move {
                loop {
                    match cache
                        .count_in_order("survey:a", seq, &fields(seq))
                        .await
                        .unwrap()
                    {
                        Applied::Counted => break,
                        Applied::Behind => tokio::task::yield_now().await,
                        Applied::Missing => panic!("the set exists"),
                    }
                }
            })
        })
        .collect();
    for add in adds {
        add.await.unwrap();
    }
    assert_eq!(
        cache
            .count_in_order("survey:a", 30, &fields(30))
            .await
            .unwrap(),
        Applied::Counted,
        "a change counted before is not counted again"
    );
    assert_eq!(
        cache.counters("survey:a").await.unwrap(),
        Some(counters(&[
            ("responses", 60),
            ("rating_5", 54),
            (WATERMARK, 60)
        ]))
    );
    assert_eq!(
        cache
            .count_in_order("survey:a", 62, &fields(62))
            .await
            .unwrap(),
        Applied::Behind,
        "61 is missing"
    );

    cache.delete("survey:a").await.unwrap();
    assert_eq!(cache.counters("survey:a").await.unwrap(), None);
    let empty = cache
        .counters_or_rebuild("survey:b", || async { Ok::<_, ()>(Counters::new()) })
        .await
        .unwrap();
    assert!(empty.is_empty());
    assert_eq!(
        cache.counters("survey:b").await.unwrap(),
        Some(HashMap::new()),
        "an empty set is stored too, so it is not rebuilt on every read"
    );
}

async fn a_missing_set_of_counters_is_rebuilt_once_for_everyone_waiting(app: TestApp) {
    let loads = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..20)
        .map(|_| {
            let (cache, loads) = (app.state.cache.clone(), loads.clone());
            tokio::spawn(async move {
                cache
                    .counters_or_rebuild("survey:c", || async move {
                        loads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(counters(&[("responses", 7)]))
                    })
                    .await
            })
        })
        .collect();
    for reader in readers {
        assert_eq!(
            reader.await.unwrap().unwrap(),
            counters(&[("responses", 7)])
        );
    }
    assert_eq!(loads.load(Ordering::SeqCst), 1, "one rebuild, no stampede");
}

async fn a_value_read_before_a_write_is_not_kept_after_it(app: TestApp) {
    let cache = app.state.cache.clone();
    let minute = Duration::from_secs(60);
    let (reading, read) = tokio::sync::oneshot::channel::<()>();
    let (written, write) = tokio::sync::oneshot::channel::<()>();
    // A reader misses and loads the old value; the write lands and forgets the key before
    // the reader stores what it read.
    let reader = tokio::spawn({
        let cache = cache.clone();
        async move {
            cache
                .value_or_load("outline", minute, || async {
                    reading.send(()).unwrap();
                    write.await.unwrap();
                    Ok::<_, ()>("old".to_string())
                })
                .await
        }
    });
    read.await.unwrap();
    cache.forget("outline").await.unwrap();
    written.send(()).unwrap();
    assert_eq!(reader.await.unwrap().unwrap(), "old", "what it read");
    let load = |value: &'static str| {
        let cache = cache.clone();
        async move {
            cache
                .value_or_load("outline", minute, || async {
                    Ok::<_, ()>(value.to_string())
                })
                .await
                .unwrap()
        }
    };
    assert_eq!(load("new").await, "new", "the old value was not kept");
    assert_eq!(load("newer").await, "new", "the new one was");
    cache.forget("outline").await.unwrap();
    assert_eq!(load("newer").await, "newer");
}

/// With Redis hanging, readers who miss share one load from the database instead of
/// queueing for one each (nothing can be stored meanwhile, so each would load again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_share_one_load_while_redis_hangs() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let link = FaultyLink::to_redis_of(&app).await;
        let cache = canyu::cache::Cache::redis(&link.redis_url(), "hang:")
            .await
            .unwrap();
        link.fall_silent();
        let loads = Arc::new(AtomicUsize::new(0));
        let readers: Vec<_> = (0..20)
            .map(|_| {
                let (cache, loads) = (cache.clone(), loads.clone());
                tokio::spawn(async move {
                    cache
                        .counters_or_rebuild("survey:d", || async move {
                            loads.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(300)).await;
                            Ok::<_, ()>(counters(&[("responses", 3)]))
                        })
                        .await
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(
                reader.await.unwrap().unwrap(),
                counters(&[("responses", 3)])
            );
        }
        assert_eq!(
            loads.load(Ordering::SeqCst),
            1,
            "one load for all who waited"
        );
    })
    .await;
}

/// Redis hanging (accepting commands, answering none) must not hang logins nor open the
/// door to guessing: each command gives up quickly, Redis is then left alone for a while
/// instead of being waited for on every request, the login throttle counts in process
/// meanwhile, and Redis is used again once it answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_stay_throttled_and_prompt_while_redis_hangs() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let link = FaultyLink::to_redis_of(&app).await;
        let addr = app
            .instance_with(|config| config.redis_url = Some(link.redis_url()))
            .await;
        let url = |path: &str| format!("http://{addr}{path}");
        let owner = app.resident("李四").await;

        link.fall_silent();
        let guesses = async {
            for _ in 0..5 {
                let guess = app
                    .client
                    .post(url("/api/v1/auth/login"))
                    .json(&json!({"login": owner.login, "password": "not-the-password"}))
                    .send()
                    .await
                    .unwrap();
                expect_problem(guess, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
            }
            app.client
                .post(url("/api/v1/auth/login"))
                .json(&json!({"login": owner.login, "password": "not-the-password"}))
                .send()
                .await
                .unwrap()
        };
        let started = std::time::Instant::now();
        let sixth = tokio::time::timeout(Duration::from_secs(60), guesses)
            .await
            .expect("logins answer while Redis hangs");
        let refused =
            expect_problem(sixth, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
        assert!(refused["detail"].as_str().unwrap().contains("minutes"));
        // Six logins make about four cache calls each; Redis, once found silent, is asked
        // no more, but for a probe in the background every five seconds.
        let rests = 1 + started.elapsed().as_secs() / 5;
        assert!(
            link.unanswered_writes() as u64 <= 2 * rests,
            "{} writes to a silent Redis in {:?}",
            link.unanswered_writes(),
            started.elapsed()
        );
        let ready = app.client.get(url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);

        link.speak_again();
        let mut answered = false;
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let ready = app.client.get(url("/readyz")).send().await.unwrap();
            if ready.status() == StatusCode::OK {
                answered = true;
                break;
            }
        }
        assert!(answered, "Redis is used again once it answers");
        // The owner, on a device that never failed, logs in.
        let device = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
            .build()
            .unwrap();
        let login = device
            .post(url("/api/v1/auth/login"))
            .json(&json!({"login": owner.login, "password": owner.password}))
            .send()
            .await
            .unwrap();
        expect_status(login, StatusCode::OK).await;
    })
    .await;
}
