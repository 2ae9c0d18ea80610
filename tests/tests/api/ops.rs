//! Health, readiness, metrics, request ids, and the error format outside the handlers.

use canyu_tests::{expect_problem, expect_status, on_every_backend, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::json;

on_every_backend!(
    health_and_readiness_report_their_dependencies,
    metrics_count_requests,
    request_ids_are_echoed_or_made,
    errors_outside_handlers_are_problems_too,
    docs_spec_and_portal_are_served,
    personal_answers_are_never_stored_and_nothing_is_sniffed,
    readiness_tells_operators_no_internals,
    files_and_answers_come_compressed_and_assets_by_version,
);

async fn health_and_readiness_report_their_dependencies(app: TestApp) {
    let health = expect_status(app.get("//healthz").send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(health["status"], "ok");
    let ready = expect_status(app.get("//readyz").send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(ready["database"]["status"], "ok");
    assert_eq!(ready["cache"]["status"], "ok");
    let backend =
        if app.backend == Backend::Postgres && std::env::var("CANYU_TEST_REDIS_URL").is_ok() {
            "redis"
        } else {
            "memory"
        };
    assert_eq!(ready["cache"]["backend"], backend);
}

async fn metrics_count_requests(app: TestApp) {
    for _ in 0..3 {
        app.get("/me").send().await.unwrap();
    }
    let metrics = app
        .get("//metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = metrics
        .lines()
        .find(|l| l.starts_with("canyu_http_requests_total{") && l.contains("status=\"401\""))
        .unwrap_or_else(|| panic!("{metrics}"));
    assert!(line.ends_with(" 3"), "{line}");
    assert!(metrics.contains("canyu_http_request_duration_seconds_bucket"));
}

async fn request_ids_are_echoed_or_made(app: TestApp) {
    let echoed = app
        .get("//healthz")
        .header("X-Request-Id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "abc-123");
    let made = app
        .get("//healthz")
        .header("X-Request-Id", "bad id!")
        .send()
        .await
        .unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
}

async fn errors_outside_handlers_are_problems_too(app: TestApp) {
    expect_problem(
        app.get("/no-such-thing").send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let big = "x".repeat(1024 * 1024 + 1);
    let response = app
        .post("/auth/login", json!({"login": big, "password": "x"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let form = app
        .request(reqwest::Method::POST, "/auth/login")
        .header("content-type", "text/plain")
        .body("login=x")
        .send()
        .await
        .unwrap();
    expect_problem(
        form,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;

    let broken = app
        .request(reqwest::Method::POST, "/auth/login")
        .header("content-type", "application/json")
        .body("{\"login\":")
        .send()
        .await
        .unwrap();
    expect_problem(broken, StatusCode::BAD_REQUEST, "invalid_request").await;

    let bad_id = app
        .request(reqwest::Method::DELETE, "/api-keys/not-a-uuid")
        .bearer_auth("x")
        .send()
        .await
        .unwrap();
    let status = bad_id.status();
    assert!(
        status == StatusCode::BAD_REQUEST || status == StatusCode::UNAUTHORIZED,
        "{status}"
    );

    // A path parameter that does not read is named as the spec names it, with its rule.
    for (path, field, code) in [
        ("/events/not-a-uuid", "id", "invalid_format"),
        ("/open-month/abc/report", "year", "invalid_format"),
    ] {
        let response = app.get(path).send().await.unwrap();
        let problem = expect_problem(response, StatusCode::BAD_REQUEST, "invalid_request").await;
        assert_eq!(
            canyu_tests::field_codes(&problem),
            [(field, code)],
            "{path}: {problem}"
        );
    }
}

async fn docs_spec_and_portal_are_served(app: TestApp) {
    let spec = app.get("/openapi.yaml").send().await.unwrap();
    assert_eq!(spec.status(), StatusCode::OK);
    assert!(spec.text().await.unwrap().contains("/auth/register"));
    let docs = app.get("//docs/").send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    let portal = app.get("//").send().await.unwrap();
    assert_eq!(portal.status(), StatusCode::OK);
    assert!(portal.text().await.unwrap().contains("<html"));
    assert!(
        portal_csp(&app).await.contains("default-src 'self'"),
        "the portal runs only its own code"
    );
    let module = app.get("//js/app.js").send().await.unwrap();
    assert!(
        module.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript"),
        "ES modules need a JavaScript type"
    );
}

on_every_backend!(nul_characters_are_refused_everywhere);

async fn nul_characters_are_refused_everywhere(app: TestApp) {
    let login = app.post("/auth/register", json!({"login": "13812345678", "password": "a good password", "display_name": "张\u{0}三"})).send().await.unwrap();
    let problem = expect_problem(login, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(problem["errors"][0]["field"], "body");
    let query = app.get("/decisions?q=%00").send().await.unwrap();
    expect_problem(query, StatusCode::BAD_REQUEST, "invalid_request").await;
}

async fn portal_csp(app: &TestApp) -> String {
    let portal = app.get("//").send().await.unwrap();
    portal.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string()
}

async fn personal_answers_are_never_stored_and_nothing_is_sniffed(app: TestApp) {
    let person = app.resident("林一").await;
    let me = app
        .get("/me")
        .bearer_auth(&person.token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.headers()["cache-control"], "no-store");
    assert_eq!(me.headers()["x-content-type-options"], "nosniff");
    let refused = app.get("/me").send().await.unwrap();
    assert_eq!(refused.headers()["x-content-type-options"], "nosniff");

    let calendar = app.get("/events").send().await.unwrap();
    assert_eq!(calendar.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        calendar.headers()["cache-control"],
        "public, max-age=2",
        "a public read may be reused briefly"
    );

    let docs = app.get("//docs/").send().await.unwrap();
    let policy = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'self'"), "{policy}");
}

async fn readiness_tells_operators_no_internals(app: TestApp) {
    let ready = expect_status(app.get("//readyz").send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(
        ready["database"],
        json!({"status": "ok"}),
        "a state, never an error text"
    );
}

async fn files_and_answers_come_compressed_and_assets_by_version(app: TestApp) {
    let plain = app.get("/openapi.yaml").send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.bytes().await.unwrap().len();
    for (accepts, coding) in [("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        let packed = app
            .get("/openapi.yaml")
            .header("Accept-Encoding", accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(packed.headers()["content-encoding"], coding);
        assert_eq!(packed.headers()["vary"], "accept-encoding");
        let body = packed.bytes().await.unwrap();
        assert!(
            body.len() * 4 < plain_len,
            "{coding}: {} of {plain_len}",
            body.len()
        );
        if coding == "gzip" {
            assert_eq!(body[..2], [0x1f, 0x8b], "a gzip stream");
        }
    }
    let json = app
        .get("/decisions")
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(json.headers()["content-encoding"], "gzip");

    // The page names its files by the portal's version; the page itself is revalidated.
    let page = app.get("//").send().await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let etag = page.headers()["etag"].to_str().unwrap().to_string();
    let html = page.text().await.unwrap();
    let version = etag.trim_matches('"');
    let script = format!("/assets/{version}/js/app.js");
    assert!(html.contains(&format!("src=\"{script}\"")), "{html}");
    let module = app.get(&format!("/{script}")).send().await.unwrap();
    assert_eq!(module.status(), StatusCode::OK);
    assert!(module.text().await.unwrap().contains("import"));
    let again = app
        .get("//")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}
