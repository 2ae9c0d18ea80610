//! Input limits that hold for every request, before any handler runs: the body's size, and
//! no NUL character anywhere (PostgreSQL cannot store one in text, and no name or comment
//! needs one).

use poem::{http::StatusCode, Endpoint, IntoResponse, Request, Response};
use poem_openapi::payload::Json;

use crate::error::{problem_from_poem_error, ApiError, FieldCode, FieldError, Problem};

/// JSON bodies of this API are small; anything larger is refused with `413`.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Reads the body once, refusing it when it is over the limit (whether or not the client
/// announced its length) or when it or the address holds a NUL character.
pub async fn limit_body<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Ok(too_large(req).await);
    }
    if req.uri().to_string().to_ascii_lowercase().contains("%00") {
        return Ok(holds_nul("query"));
    }
    match req.take_body().into_bytes_limit(MAX_BODY_BYTES).await {
        Ok(body) if has_nul(&body) => return Ok(holds_nul("body")),
        Ok(body) => req.set_body(body),
        Err(poem::error::ReadBodyError::PayloadTooLarge) => return Ok(too_large(req).await),
        Err(err) => return Ok(problem_from_poem_error(err.into())),
    }
    next.call(req).await.map(IntoResponse::into_response)
}

/// A raw NUL byte, or a JSON `\u0000` escape (not itself escaped as `\\u0000`). One pass:
/// any body, however many backslashes it holds, costs its length.
fn has_nul(body: &[u8]) -> bool {
    if body.contains(&0) {
        return true;
    }
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body[i + 1..].starts_with(b"u0000") {
                return true;
            }
            // Whatever follows a backslash is escaped, another backslash included.
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Bodies up to this size are read to the end before a `413`, so the client, still sending,
/// gets the answer instead of a reset connection.
const DRAIN_BYTES: usize = 8 * MAX_BODY_BYTES;

async fn too_large(mut req: Request) -> Response {
    let _ = req.take_body().into_bytes_limit(DRAIN_BYTES).await;
    let problem = Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "the body is larger than 1 MiB",
        vec![],
    );
    ApiError::PayloadTooLarge(Json(problem)).into_response()
}

fn holds_nul(field: &str) -> Response {
    let message = "must not hold a NUL character";
    let problem = Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        message,
        vec![FieldError::new(
            field,
            FieldCode::ControlCharacters,
            message,
        )],
    );
    ApiError::BadRequest(Json(problem)).into_response()
}

#[cfg(test)]
mod tests {
    use super::has_nul;

    #[test]
    fn nul_characters_are_found_but_escaped_backslashes_are_not() {
        assert!(has_nul(br#"{"name": "a\u0000b"}"#));
        assert!(has_nul(b"{\"name\": \"a\0b\"}"));
        assert!(
            has_nul(br#"{"name": "\\\u0000"}"#),
            "an escaped backslash, then a NUL"
        );
        assert!(
            !has_nul(br#"{"name": "\\u0000"}"#),
            "the six characters \\u0000, escaped"
        );
    }

    /// Found by schemathesis: a body of backslashes took time quadratic in its length (a
    /// megabyte held two cores for minutes). It now takes one pass.
    #[test]
    fn a_body_of_backslashes_is_read_once() {
        let backslashes = vec![b'\\'; 1024 * 1024];
        assert!(!has_nul(&backslashes));
        let mut escaped_nul = backslashes[..1024 * 1024 - 1].to_vec();
        escaped_nul.extend_from_slice(b"u0000");
        assert!(
            has_nul(&escaped_nul),
            "after an odd run of backslashes, the last one starts the \\u0000 escape"
        );
    }
}
