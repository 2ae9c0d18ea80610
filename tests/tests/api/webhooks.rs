//! Webhooks: signed deliveries to an app backend, retried after a failure, never duplicated.

use std::sync::{Arc, Mutex};

use canyu_tests::{expect_problem, expect_status, field_codes, on_every_backend, TestApp};
use chrono::Duration;
use hmac::{Hmac, Mac};
use poem::{
    handler, http::StatusCode as PoemStatus, listener::TcpListener, web::Data, EndpointExt,
    Request, Route, Server,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::Sha256;

on_every_backend!(
    waitlist_offers_reach_the_app_backend_signed_and_retried,
    webhooks_to_internal_addresses_are_refused,
    a_receiver_that_redirects_does_not_pass_the_delivery_on,
    only_admins_register_webhooks
);

/// What the local receiver saw: (headers, body) of every request.
type Seen = Arc<Mutex<Vec<(poem::http::HeaderMap, Vec<u8>)>>>;

#[handler]
async fn receive(req: &Request, body: Vec<u8>, seen: Data<&Seen>) -> PoemStatus {
    let mut seen = seen.lock().unwrap();
    seen.push((req.headers().clone(), body));
    // The first delivery fails, as a backend restarting would.
    if seen.len() == 1 {
        PoemStatus::SERVICE_UNAVAILABLE
    } else {
        PoemStatus::NO_CONTENT
    }
}

async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let app = Route::new()
        .at("/hook", poem::post(receive))
        .data(seen.clone());
    (serve(app).await, seen)
}

/// Serves `app` on a free local port until the test ends; returns the `/hook` URL.
async fn serve(app: impl poem::Endpoint + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    tokio::spawn(Server::new(TcpListener::bind(addr)).run(app));
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    format!("http://{addr}/hook")
}

async fn waitlist_offers_reach_the_app_backend_signed_and_retried(app: TestApp) {
    let admin = app.admin().await;
    let (url, seen) = receiver().await;
    let hook = json!({"url": url, "kinds": ["waitlist_offer"]});
    let created = expect_status(
        app.send(Method::POST, "/webhooks", Some(&admin.token), hook)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let listed = expect_status(
        app.send(Method::GET, "/webhooks", Some(&admin.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once"
    );

    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, 1, 1).await;
    let people = app.crowd(2).await;
    let holder = expect_status(
        app.send(
            Method::POST,
            &format!("/events/{event}/signups"),
            Some(&people[0].token),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect_status(
        app.send(
            Method::POST,
            &format!("/events/{event}/signups"),
            Some(&people[1].token),
            json!({}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    app.send(
        Method::DELETE,
        &format!("/signups/{}", holder["id"].as_str().unwrap()),
        Some(&people[0].token),
        Value::Null,
    )
    .await;

    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    assert_eq!(
        canyu::webhooks::deliver_due(&app.state).await.unwrap(),
        0,
        "the receiver failed"
    );
    assert_eq!(
        canyu::webhooks::deliver_due(&app.state).await.unwrap(),
        0,
        "not retried before the backoff"
    );
    app.clock.advance(Duration::seconds(61));
    assert_eq!(
        canyu::webhooks::deliver_due(&app.state).await.unwrap(),
        1,
        "retried after the backoff"
    );
    app.clock.advance(Duration::hours(1));
    assert_eq!(
        canyu::webhooks::deliver_due(&app.state).await.unwrap(),
        0,
        "delivered once"
    );

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let header = |i: usize, name: &str| seen[i].0.get(name).unwrap().to_str().unwrap().to_string();
    assert_eq!(
        header(0, "x-canyu-delivery"),
        header(1, "x-canyu-delivery"),
        "a retry keeps its delivery id"
    );
    for (i, (_, body)) in seen.iter().enumerate() {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{}.", header(i, "x-canyu-timestamp")).as_bytes());
        mac.update(body);
        assert_eq!(
            header(i, "x-canyu-signature"),
            format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
        );
    }
    let payload: Value = serde_json::from_slice(&seen[1].1).unwrap();
    assert_eq!(payload["kind"], "waitlist_offer");
    assert_eq!(payload["user_id"], people[1].id.as_str());
    assert_eq!(
        payload["delivery_id"],
        header(1, "x-canyu-delivery").as_str()
    );
}

/// A receiver answering `307` to an internal address must not bounce the signed delivery
/// there: redirects are not followed, and the delivery counts as failed.
async fn a_receiver_that_redirects_does_not_pass_the_delivery_on(app: TestApp) {
    let (internal, reached) = receiver().await;
    let redirected: Seen = Arc::default();
    #[handler]
    fn moved(req: &Request, location: Data<&String>, seen: Data<&Seen>) -> poem::Response {
        seen.lock().unwrap().push((req.headers().clone(), vec![]));
        poem::Response::builder()
            .status(PoemStatus::TEMPORARY_REDIRECT)
            .header("location", location.as_str())
            .finish()
    }
    let bouncer = serve(
        Route::new()
            .at("/hook", poem::post(moved))
            .data(internal)
            .data(redirected.clone()),
    )
    .await;
    let admin = app.admin().await;
    expect_status(
        app.send(
            Method::POST,
            "/webhooks",
            Some(&admin.token),
            json!({"url": bouncer, "kinds": ["waitlist_offer"]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let (staff, _) = app.staff(&admin, "cyzx").await;
    let event = app.open_event(&staff, 1, 1).await;
    let people = app.crowd(2).await;
    let mut signups = Vec::new();
    for person in &people {
        signups.push(
            expect_status(
                app.send(
                    Method::POST,
                    &format!("/events/{event}/signups"),
                    Some(&person.token),
                    json!({}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await,
        );
    }
    app.send(
        Method::DELETE,
        &format!("/signups/{}", signups[0]["id"].as_str().unwrap()),
        Some(&people[0].token),
        Value::Null,
    )
    .await;
    canyu::outbox::deliver_pending(&app.state).await.unwrap();
    assert_eq!(
        canyu::webhooks::deliver_due(&app.state).await.unwrap(),
        0,
        "a redirect is not a delivery"
    );
    assert_eq!(
        redirected.lock().unwrap().len(),
        1,
        "the receiver was asked"
    );
    assert!(
        reached.lock().unwrap().is_empty(),
        "nothing went where the redirect pointed"
    );
}

async fn only_admins_register_webhooks(app: TestApp) {
    let admin = app.admin().await;
    let resident = app.resident("张三").await;
    let hook = json!({"url": "https://app.example.gov.cn/hook", "kinds": ["waitlist_offer"]});
    expect_problem(
        app.send(
            Method::POST,
            "/webhooks",
            Some(&resident.token),
            hook.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let unknown = json!({"url": "https://app.example.gov.cn/hook", "kinds": ["everything"]});
    let problem = expect_problem(
        app.send(Method::POST, "/webhooks", Some(&admin.token), unknown)
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    assert_eq!(field_codes(&problem), [("kinds[0]", "not_one_of")]);
    let created = expect_status(
        app.send(Method::POST, "/webhooks", Some(&admin.token), hook)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/webhooks/{}", created["id"].as_str().unwrap());
    expect_status(
        app.send(Method::DELETE, &path, Some(&admin.token), Value::Null)
            .await,
        StatusCode::NO_CONTENT,
    )
    .await;
    let listed = expect_status(
        app.send(Method::GET, "/webhooks", Some(&admin.token), Value::Null)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed[0]["active"], false);
}

/// Server-side request forgery: an admin's webhook must not reach into the service's own
/// network (cloud metadata, databases on loopback), nor carry credentials in its address.
async fn webhooks_to_internal_addresses_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let addr = app
        .instance_with(|config| config.webhooks_to_internal = false)
        .await;
    let client = reqwest::Client::new();
    for url in [
        "http://127.0.0.1:6379/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/hook",
        "http://[::1]:5432/",
        "http://localhost:8080/hook",
        "https://app:secret@203.0.114.9/hook",
    ] {
        let refused = client
            .post(format!("http://{addr}/api/v1/webhooks"))
            .bearer_auth(&admin.token)
            .json(&json!({"url": url, "kinds": ["waitlist_offer"]}))
            .send()
            .await
            .unwrap();
        let problem = expect_problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(field_codes(&problem), [("url", "invalid")], "{url}");
    }
}
