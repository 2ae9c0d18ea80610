//! Input limits that hold for every request, before any handler runs.

use poem::{http::StatusCode, Endpoint, IntoResponse, Request, Response};

use poem_openapi::payload::Json;

use crate::error::{problem_from_poem_error, ApiError, Problem};

/// JSON bodies of this API are small; anything larger is refused with `413`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Reads the body once, refusing it when it is over the limit, whether or not the client
/// announced its length.
pub async fn limit_body<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Ok(too_large());
    }
    match req.take_body().into_bytes_limit(MAX_BODY_BYTES).await {
        Ok(body) => req.set_body(body),
        Err(poem::error::ReadBodyError::PayloadTooLarge) => return Ok(too_large()),
        Err(err) => return Ok(problem_from_poem_error(err.into())),
    }
    next.call(req).await.map(IntoResponse::into_response)
}

fn too_large() -> Response {
    let problem = Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "the body is larger than 1 MiB",
        vec![],
    );
    ApiError::PayloadTooLarge(Json(problem)).into_response()
}
