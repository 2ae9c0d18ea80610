//! Public reads served from a cache: revalidated by `ETag`, never stale after a write, and
//! never mixed with what a person with credentials sees.

use std::time::Duration;

use canyu_tests::{expect_status, on_every_backend, Backend, TestApp};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

on_every_backend!(
    anonymous_reads_revalidate_and_show_every_write_at_once,
    only_anonymous_reads_are_shared,
);

async fn anonymous_reads_revalidate_and_show_every_write_at_once(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, 2, 1).await;
    let path = format!("/events/{event}");

    let first = app.get(&path).send().await.unwrap();
    assert_eq!(first.headers()[header::CACHE_CONTROL], "public, max-age=2");
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong tag: {etag}"
    );
    let first = expect_status(first, StatusCode::OK).await;
    assert_eq!(first["seats_left"], 2);

    let unchanged = app
        .get(&path)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(unchanged.headers()[header::ETAG], etag.as_str());
    assert!(unchanged.bytes().await.unwrap().is_empty());

    // Compressed, the same version has a tag of its own, and revalidates as well.
    let packed = app
        .get(&path)
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(packed.headers()[header::CONTENT_ENCODING], "br");
    let packed_tag = packed.headers()[header::ETAG].to_str().unwrap().to_string();
    assert_ne!(packed_tag, etag);
    let unchanged = app
        .get(&path)
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_NONE_MATCH, &packed_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);

    // A signup is a write: the next anonymous read shows it, under a new tag.
    let resident = app.resident("王五").await;
    app.sign_up(&resident, &event).await;
    let changed = app
        .get(&path)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_ne!(changed.headers()[header::ETAG], etag.as_str());
    let changed = expect_status(changed, StatusCode::OK).await;
    assert_eq!(changed["seats_left"], 1);
    let calendar = expect_status(app.get("/events").send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(calendar["items"][0]["seats_left"], 1);

    // The time moving on changes answers too (signups close): nothing kept is served.
    assert_eq!(changed["signup_open"], true);
    app.clock
        .advance(chrono::Duration::days(10) + chrono::Duration::hours(1));
    let closed = expect_status(app.get(&path).send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(
        closed["signup_open"], false,
        "not the answer of ten days ago"
    );

    // Answers that are not a plain 200 are never kept.
    let missing = format!("/events/{}", uuid::Uuid::now_v7());
    for _ in 0..2 {
        let answer = app.get(&missing).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
        assert!(answer.headers().get(header::ETAG).is_none());
    }
}

async fn only_anonymous_reads_are_shared(app: TestApp) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, 5, 1).await;
    let draft = app
        .open_event_with(&staff, json!({"status": "draft"}))
        .await;
    let host = app.get(&format!("/events/{draft}")).send().await.unwrap();
    assert_eq!(
        host.status(),
        StatusCode::NOT_FOUND,
        "a draft is not public"
    );
    // Its department's staff see the draft: not from what anonymous readers were given.
    let seen = app
        .get(&format!("/events/{draft}"))
        .bearer_auth(&staff.token)
        .send()
        .await
        .unwrap();
    assert_eq!(seen.headers()[header::CACHE_CONTROL], "no-store");
    assert!(seen.headers().get(header::ETAG).is_none());
    let seen = expect_status(seen, StatusCode::OK).await;
    // And an anonymous reader never sees what staff were given.
    let host = seen["host"]["id"].as_str().unwrap();
    let listed: Value = app
        .get(&format!("/events?host_department_id={host}"))
        .bearer_auth(&staff.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let anonymous: Value = app
        .get(&format!("/events?host_department_id={host}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = anonymous["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [event.as_str()]);
}

/// Behind a load balancer: a write on one instance reaches the anonymous readers of
/// another within moments (each follows the epoch in Redis), and the writer, who reads with
/// credentials, sees it at once wherever the read lands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_instance_reaches_the_readers_of_another() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let other = app.second_instance().await;
        let admin = app.admin().await;
        let (staff, _) = app.staff(&admin, "cyzx").await;
        let event = app.open_event(&staff, 3, 1).await;
        let elsewhere = format!("http://{other}/api/v1/events/{event}");
        let seats = |answer: Value| answer["seats_left"].as_i64().unwrap();
        let read = || async {
            let answer = app.client.get(&elsewhere).send().await.unwrap();
            seats(expect_status(answer, StatusCode::OK).await)
        };
        assert_eq!(read().await, 3);

        let resident = app.resident("王五").await;
        app.sign_up(&resident, &event).await;
        let mine = app
            .client
            .get(&elsewhere)
            .bearer_auth(&resident.token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            seats(expect_status(mine, StatusCode::OK).await),
            2,
            "the writer"
        );
        let started = std::time::Instant::now();
        while read().await != 2 {
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "another instance still serves the answer before the write"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}
