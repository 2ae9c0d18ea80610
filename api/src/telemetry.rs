//! Logs, request ids and Prometheus metrics. Logs carry method, path, status and timing,
//! never bodies, query strings or credentials: those may hold personal data.

use std::time::Instant;

use poem::{http::HeaderValue, Endpoint, IntoResponse, Request, Response};
use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, histogram::Histogram},
    registry::Registry,
};
use tracing::Instrument;
use tracing_subscriber::{fmt, EnvFilter};
use uuid::Uuid;

pub const REQUEST_ID: &str = "x-request-id";

/// Logs to stderr at `default_level` (e.g. `info`); `RUST_LOG` overrides it.
pub fn init_tracing(default_level: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!("{default_level},poem=warn,sqlx=warn,sea_orm=warn"))
    });
    // A second call (several apps in one test process) keeps the first subscriber.
    let _ = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    status: u16,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    duration: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("canyu");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let duration = Histogram::new([
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
        ]);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            duration.clone(),
        );
        Self {
            registry,
            requests,
            duration,
        }
    }
}

impl Metrics {
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }

    fn observe(&self, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                status,
            })
            .inc();
        self.duration.observe(seconds);
    }
}

/// Gives each request an id (the caller's `X-Request-Id` if sensible), echoes it in the
/// answer, logs the request in a span that carries it, and counts it.
pub async fn observe<E: Endpoint>(
    next: E,
    req: Request,
    metrics: &Metrics,
) -> poem::Result<Response> {
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_string)
        .unwrap_or_else(|| Uuid::now_v7().to_string());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", id = %request_id, method = %method, path = %req.uri().path());
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let mut response = match result {
        Ok(output) => output.into_response(),
        Err(err) => err.into_response(),
    };
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    span.in_scope(|| tracing::info!(status, ms = elapsed.as_secs_f64() * 1e3, "answered"));
    metrics.observe(&method, status, elapsed.as_secs_f64());
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}
