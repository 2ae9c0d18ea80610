//! Endpoints for operators and load balancers, outside the versioned API.

use poem::{handler, http::StatusCode, web::Data, IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// The process is up.
#[handler]
pub async fn healthz() -> impl IntoResponse {
    poem::web::Json(json!({"status": "ok"}))
}

/// The process can serve: its database and cache answer.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    // What failed goes to the log for operators; the answer says only that it did.
    let database = state.db.ping().await.map_err(|err| {
        tracing::warn!(error = %err, "readiness: the database does not answer");
    });
    let cache = state.cache.ping().await.map_err(|err| {
        tracing::warn!(error = %err, "readiness: the cache does not answer");
    });
    let ready = database.is_ok() && cache.is_ok();
    let mut cache = check(cache);
    cache["backend"] = json!(state.cache.backend_name());
    let body = json!({
        "status": if ready { "ok" } else { "unavailable" },
        "database": check(database),
        "cache": cache,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    poem::web::Json(body).with_status(status).into_response()
}

fn check(result: Result<(), ()>) -> serde_json::Value {
    json!({"status": if result.is_ok() { "ok" } else { "down" }})
}

/// Prometheus text format.
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}
