//! Answers compressed for clients that accept it, with brotli or gzip: JSON, the spec, the
//! portal's files, QR codes (SVG is text). Downloads (CSV streamed batch by batch, calendar
//! files, the data export) pass as they are. Request bodies are never decompressed: a small
//! gzip can hide a huge body.

use poem::{
    http::{header, HeaderValue, StatusCode},
    web::{Compress, CompressionAlgo, CompressionLevel},
    Endpoint, IntoResponse, Request, Response,
};

/// Content types worth compressing: text the service answers with at sizes that matter.
const COMPRESSIBLE: &[&str] = &[
    "application/json",
    "application/problem+json",
    "application/yaml",
    "text/javascript",
    "application/javascript",
    "text/css",
    "text/html",
    "image/svg+xml",
];

/// Brotli 5 and gzip 5: most of the gain of the slowest levels (the portal's largest file,
/// 173 kB, goes to about 40 kB) at a small part of their cost, paid on every answer.
pub const QUALITY: i32 = 5;

pub async fn compress<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let algo = accepted(req.headers().get(header::ACCEPT_ENCODING));
    let mut resp = next.call(req).await?.into_response();
    let essence = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    let attachment = resp.headers().contains_key(header::CONTENT_DISPOSITION);
    if !COMPRESSIBLE.contains(&essence) || attachment {
        return Ok(resp);
    }
    // Caches keep the compressed and the plain answer apart.
    resp.headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let compressed = resp.status() == StatusCode::OK
        && !resp.headers().contains_key(header::CONTENT_ENCODING)
        && algo.is_some();
    Ok(match algo.filter(|_| compressed) {
        Some(algo) => Compress::new(resp, algo)
            .with_quality(CompressionLevel::Precise(QUALITY))
            .into_response(),
        None => resp,
    })
}

/// Brotli when the client takes it, gzip otherwise, nothing when it takes neither (or
/// refuses them with `q=0`).
pub fn accepted(header: Option<&HeaderValue>) -> Option<CompressionAlgo> {
    let header = header?.to_str().ok()?;
    let takes = |coding: &str| {
        header.split(',').any(|part| {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or_default().trim();
            let refused = pieces.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    if takes("br") {
        Some(CompressionAlgo::BR)
    } else if takes("gzip") {
        Some(CompressionAlgo::GZIP)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(value: &str) -> Option<&'static str> {
        accepted(Some(&HeaderValue::from_str(value).unwrap())).map(|algo| match algo {
            CompressionAlgo::BR => "br",
            CompressionAlgo::GZIP => "gzip",
            _ => "other",
        })
    }

    #[test]
    fn brotli_first_then_gzip_and_never_a_refused_one() {
        assert_eq!(pick("gzip, deflate, br, zstd"), Some("br"));
        assert_eq!(pick("gzip"), Some("gzip"));
        assert_eq!(pick("br;q=0, gzip;q=0.5"), Some("gzip"));
        assert_eq!(pick("identity"), None);
        assert_eq!(pick("gzip;q=0"), None);
        assert!(accepted(None).is_none());
    }
}
