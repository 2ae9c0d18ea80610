//! The browser front end (resident portal and staff console), embedded in the binary.
//!
//! Its files are served twice: under `/assets/<version>/`, where `<version>` is a digest of
//! all of them, for good (`immutable`: a changed file comes with a new version, so a browser
//! never asks again), and at their plain paths, revalidated each time. The page itself names
//! the versioned paths, and the modules import each other relatively, so one page load
//! fetches each file once per release.

use std::sync::{Arc, LazyLock};

use poem::{
    endpoint::EmbeddedFilesEndpoint,
    http::{header, HeaderMap, StatusCode},
    middleware::SetHeader,
    web::Html,
    Endpoint, EndpointExt, IntoResponse, Request, Response, Route,
};
use rust_embed::Embed;
use sha2::{Digest, Sha256};

#[derive(Embed)]
#[folder = "../web"]
pub struct WebAssets;

/// A year: what "for good" means to caches.
const FOREVER: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The digest of every file of the portal, short: the versioned assets' folder.
pub fn version() -> &'static str {
    static VERSION: LazyLock<String> = LazyLock::new(|| {
        let mut paths: Vec<_> = WebAssets::iter().collect();
        paths.sort();
        let mut digest = Sha256::new();
        for path in paths {
            let file = WebAssets::get(&path).expect("a listed file is embedded");
            digest.update(path.as_bytes());
            digest.update(file.metadata.sha256_hash());
        }
        hex::encode(digest.finalize())[..12].to_string()
    });
    &VERSION
}

/// The page, naming the versioned paths of its style sheet, script and icon.
fn page() -> &'static str {
    static PAGE: LazyLock<String> = LazyLock::new(|| {
        let file = WebAssets::get("index.html").expect("index.html is embedded");
        let page = String::from_utf8_lossy(&file.data).into_owned();
        let base = format!("=\"/assets/{}/", version());
        page.replace("=\"/css/", &format!("{base}css/"))
            .replace("=\"/js/", &format!("{base}js/"))
            .replace("=\"/favicon.svg\"", &format!("{base}favicon.svg\""))
    });
    &PAGE
}

/// The page, or `304` when the browser has this version of it.
fn index(headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", version());
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let resp = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Html(page()).into_response()
    };
    resp.with_header(header::ETAG, etag)
        .with_header(header::CACHE_CONTROL, REVALIDATE)
        .into_response()
}

/// The portal's files. The pages load nothing from elsewhere and run no inline script, so a
/// strict content security policy costs nothing and blunts any injection.
pub fn endpoint() -> impl Endpoint {
    // A debug build reads the files from disk as they change: nothing is cached for good.
    let versioned = if cfg!(debug_assertions) {
        REVALIDATE
    } else {
        FOREVER
    };
    let files = Route::new()
        .nest(
            format!("/assets/{}", version()),
            EmbeddedFilesEndpoint::<WebAssets>::new()
                .with(SetHeader::new().overriding(header::CACHE_CONTROL, versioned)),
        )
        .nest(
            "/",
            EmbeddedFilesEndpoint::<WebAssets>::new()
                .with(SetHeader::new().overriding(header::CACHE_CONTROL, REVALIDATE)),
        );
    let files = Arc::new(files);
    poem::endpoint::make(move |req: Request| {
        let files = files.clone();
        async move {
            match req.uri().path() {
                "/" | "" | "/index.html" => Ok(index(req.headers())),
                _ => files.call(req).await.map(IntoResponse::into_response),
            }
        }
    })
    .with(
        SetHeader::new()
            .overriding(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' blob: data:; frame-ancestors 'none'",
            )
            .overriding("X-Content-Type-Options", "nosniff")
            .overriding("Referrer-Policy", "same-origin"),
    )
}
