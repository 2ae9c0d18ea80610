//! A popular open day fills in seconds: hundreds of residents sign up at once, through two
//! API instances sharing one PostgreSQL database. Nothing may be oversold.

use std::net::SocketAddr;

use canyu_tests::{expect_status, Backend, Person, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const RESIDENTS: usize = 500;
const SEATS: i32 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_at_once_through_two_instances_never_oversell() {
    canyu_tests::run(Backend::Postgres, |app: TestApp| async move {
        let second = app.second_instance().await;
        burst(app, Some(second)).await;
    })
    .await;
}

/// SQLite serves one instance; concurrent writes queue there instead of failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_at_once_on_sqlite_never_oversell() {
    canyu_tests::run(Backend::Sqlite, |app: TestApp| async move {
        burst(app, None).await
    })
    .await;
}

async fn burst(app: TestApp, second: Option<SocketAddr>) {
    let admin = app.admin().await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, SEATS, 1).await;
    let crowd = app.crowd(RESIDENTS).await;

    // Every request in flight at once, alternating between the instances.
    let requests: Vec<_> = crowd
        .iter()
        .enumerate()
        .map(|(i, person)| {
            let addr = match second {
                Some(second) if i % 2 == 1 => second,
                _ => app.addr,
            };
            let request = app
                .client
                .post(format!("http://{addr}/api/v1/events/{event}/signups"))
                .bearer_auth(&person.token)
                .json(&json!({"party_size": 1}));
            tokio::spawn(request.send())
        })
        .collect();
    let mut answers = Vec::new();
    for request in requests {
        answers.push(expect_status(request.await.unwrap().unwrap(), StatusCode::CREATED).await);
    }

    let confirmed = answers
        .iter()
        .filter(|a| a["status"] == "confirmed")
        .count();
    assert_eq!(confirmed, SEATS as usize);
    let mut positions: Vec<u64> = answers
        .iter()
        .filter_map(|a| a["waitlist_position"].as_u64())
        .collect();
    positions.sort_unstable();
    assert_eq!(
        positions,
        (1..=(RESIDENTS - SEATS as usize) as u64).collect::<Vec<_>>(),
        "positions 1..450, none twice"
    );
    let shown = expect_status(
        app.get(&format!("/events/{event}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown["seats_left"], 0);
    assert_eq!(
        shown["waitlist_length"],
        (RESIDENTS - SEATS as usize) as u64
    );

    // Ten confirmed people cancel at once: exactly ten seats are offered, in waitlist order.
    let holders: Vec<(&Person, &Value)> = crowd
        .iter()
        .zip(&answers)
        .filter(|(_, a)| a["status"] == "confirmed")
        .take(10)
        .collect();
    let cancellations: Vec<_> = holders
        .iter()
        .map(|(person, answer)| {
            let path = format!("/signups/{}", answer["id"].as_str().unwrap());
            tokio::spawn(
                app.request(Method::DELETE, &path)
                    .bearer_auth(&person.token)
                    .send(),
            )
        })
        .collect();
    for cancellation in cancellations {
        expect_status(cancellation.await.unwrap().unwrap(), StatusCode::OK).await;
    }
    let list = every_signup(&app, &staff, &event).await;
    let mut offered: Vec<&str> = list
        .iter()
        .filter(|s| s["status"] == "offered")
        .map(|s| s["signup_id"].as_str().unwrap())
        .collect();
    let mut head_of_line: Vec<&str> = answers
        .iter()
        .filter(|a| a["waitlist_position"].as_u64().is_some_and(|p| p <= 10))
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    offered.sort_unstable();
    head_of_line.sort_unstable();
    assert_eq!(offered.len(), 10, "exactly the freed seats are offered");
    assert_eq!(
        offered, head_of_line,
        "the offers went to positions 1 to 10"
    );
    let taken: i64 = list
        .iter()
        .filter(|s| s["status"] == "confirmed" || s["status"] == "offered")
        .count() as i64;
    assert_eq!(
        taken,
        i64::from(SEATS),
        "never more seats held than the capacity"
    );
    let waiting = list.iter().filter(|s| s["status"] == "waitlisted").count();
    assert_eq!(waiting, RESIDENTS - SEATS as usize - 10);
    let shown = expect_status(
        app.get(&format!("/events/{event}")).send().await.unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        shown["waitlist_length"], waiting as u64,
        "the line's length follows the offers"
    );
}

/// Every signup of `event` as its staff see them, page after page of 100, each once.
async fn every_signup(app: &TestApp, staff: &Person, event: &str) -> Vec<Value> {
    let mut list: Vec<Value> = Vec::new();
    let mut path = format!("/events/{event}/signups?limit=100");
    loop {
        let page = expect_status(
            app.send(Method::GET, &path, Some(&staff.token), Value::Null)
                .await,
            StatusCode::OK,
        )
        .await;
        list.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/events/{event}/signups?limit=100&cursor={cursor}"),
            None => break,
        }
        assert!(list.len() <= RESIDENTS, "the pages end");
    }
    let mut ids: Vec<&str> = list
        .iter()
        .map(|s| s["signup_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), list.len(), "no signup on two pages");
    assert_eq!(list.len(), RESIDENTS, "every signup, cancelled ones too");
    list
}
