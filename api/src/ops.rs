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
    let database = state.db.ping().await.map_err(|err| err.to_string());
    let cache = state.cache.ping().await.map_err(|err| err.to_string());
    let status = if database.is_ok() && cache.is_ok() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let check = |result: &Result<(), String>| match result {
        Ok(()) => json!({"status": "ok"}),
        Err(err) => json!({"status": "down", "error": err}),
    };
    let body = json!({
        "status": if status == StatusCode::OK { "ok" } else { "unavailable" },
        "database": check(&database),
        "cache": { "backend": state.cache.backend_name(), "status": check(&cache)["status"] },
    });
    poem::web::Json(body).with_status(status).into_response()
}

/// Prometheus text format.
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    Response::builder()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(state.metrics.render())
}
