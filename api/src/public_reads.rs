//! Public reads answered from a cache: the calendar, events, decisions, drafts, feedback
//! reports, survey results and meetings, as anyone without credentials sees them.
//!
//! An answer is kept in process (and in Redis, for the other instances) for the rest of a
//! two-second slice of the clock, under its exact path and query, with a strong `ETag` that
//! a client can send back in `If-None-Match` for a `304`. Answers change with the time too
//! (a comment window closes), so the slice bounds how late they say so.
//!
//! Every successful write through the API (and every background job that changes what the
//! public sees) starts a new epoch that no earlier answer belongs to: on this instance at
//! once, and on the others through an epoch in Redis that each instance reads every 100 ms
//! and that answers kept in Redis are filed under. Requests with credentials are never
//! served from the cache, so whoever wrote reads their own write on any instance.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicI64, AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use bytes::Bytes;
use poem::{
    http::{header, HeaderValue, Method, StatusCode},
    web::{Compress, CompressionAlgo, CompressionLevel},
    Body, Endpoint, IntoResponse, Request, Response,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::{cache::Cache, clock::Clock, compression, contract};

/// The operations whose anonymous answers are cached. The spec documents their `ETag`,
/// `Cache-Control` and `304` from this list.
pub const OPERATIONS: &[&str] = &[
    "listDecisions",
    "getDecision",
    "listDrafts",
    "getTimeline",
    "getFeedback",
    "listComments",
    "listDepartments",
    "getDistrict",
    "listEvents",
    "listThemes",
    "getEvent",
    "getEventCalendar",
    "getEventSurvey",
    "getSurveyResults",
    "listSurveyTexts",
    "listMeetings",
    "getMeeting",
    "getMeetingLottery",
    "listMeetingOpinions",
    "getOpenMonthReport",
    "getYearlyFigures",
];

/// How long an answer is kept, and may be reused by a client or a CDN: answers also change
/// with the time (a comment window closes), so this bounds how late they say so.
const FRESH_FOR_SECS: i64 = 2;
/// What anonymous cached answers say about reuse.
const CACHE_CONTROL: &str = "public, max-age=2";
/// Answers larger than this are not kept.
const MAX_BODY: usize = 1 << 20;
/// The bound on what the in-process level keeps, bodies and their compressed forms.
const MAX_BYTES: usize = 32 << 20;
/// The shared epoch's key in Redis.
const EPOCH_KEY: &str = "public-reads:epoch";
/// How often an instance reads the shared epoch: how late it may see another's write.
pub const FOLLOW_EVERY: Duration = Duration::from_millis(100);

/// The cache of public reads; cheap to clone (`AppState` holds one).
#[derive(Clone)]
pub struct PublicReads {
    inner: Arc<Inner>,
    cache: Cache,
    clock: Clock,
}

#[derive(Default)]
struct Inner {
    /// Writes this instance saw.
    writes: AtomicU64,
    /// The shared epoch (writes every instance saw) as last read from Redis.
    shared: AtomicI64,
    kept: Mutex<Kept>,
}

/// Which writes an answer was read after: this instance's and every instance's.
type Epoch = (u64, i64);

#[derive(Default)]
struct Kept {
    answers: HashMap<String, KeptAnswer>,
    bytes: usize,
}

struct KeptAnswer {
    epoch: Epoch,
    slice: i64,
    answer: Arc<Answer>,
}

/// An answer as Redis keeps it.
#[derive(Clone, Serialize, Deserialize)]
struct Stored {
    headers: Vec<(String, String)>,
    body: String,
}

/// An answer as this instance serves it, with its compressed forms made on first demand.
struct Answer {
    /// The body's digest: the strong `ETag` of its plain form, suffixed for the others.
    digest: String,
    /// The `ETag` of each form: plain, brotli, gzip.
    etags: [HeaderValue; 3],
    headers: Vec<(header::HeaderName, HeaderValue)>,
    plain: Bytes,
    brotli: OnceCell<Bytes>,
    gzip: OnceCell<Bytes>,
}

impl PublicReads {
    pub fn new(cache: Cache, clock: Clock) -> Self {
        Self {
            inner: Arc::default(),
            cache,
            clock,
        }
    }

    /// Starts a new epoch: nothing kept before it is served again, here or (through Redis)
    /// elsewhere. Called after a write commits.
    pub async fn invalidate(&self) {
        self.inner.writes.fetch_add(1, Ordering::AcqRel);
        if let Err(err) = self.cache.advance(EPOCH_KEY).await {
            // Redis keeps its answers for one slice only: they age out by themselves.
            tracing::debug!(error = %err, "cannot advance the shared epoch of public reads");
        }
    }

    /// Reads the shared epoch, so that what this instance keeps goes stale with the writes
    /// of the others (run every `FOLLOW_EVERY` in the background).
    pub async fn follow(&self) {
        if let Some(shared) = self.cache.shared_number(EPOCH_KEY).await {
            self.inner.shared.store(shared, Ordering::Release);
        }
    }

    fn epoch(&self) -> Epoch {
        (
            self.inner.writes.load(Ordering::Acquire),
            self.inner.shared.load(Ordering::Acquire),
        )
    }

    fn kept(&self, key: &str, epoch: Epoch, slice: i64) -> Option<Arc<Answer>> {
        let kept = self.inner.kept.lock().expect("public reads lock poisoned");
        kept.answers
            .get(key)
            .filter(|k| k.epoch == epoch && k.slice == slice)
            .map(|k| k.answer.clone())
    }

    fn keep(&self, key: String, epoch: Epoch, slice: i64, answer: Arc<Answer>) {
        let current = self.epoch();
        let mut kept = self.inner.kept.lock().expect("public reads lock poisoned");
        let size = answer.plain.len();
        if kept.bytes + size > MAX_BYTES {
            kept.answers
                .retain(|_, k| k.epoch == current && k.slice == slice);
            kept.bytes = kept.answers.values().map(|k| k.answer.size()).sum();
            if kept.bytes + size > MAX_BYTES {
                return;
            }
        }
        kept.bytes += size;
        if let Some(old) = kept.answers.insert(
            key,
            KeptAnswer {
                epoch,
                slice,
                answer,
            },
        ) {
            kept.bytes -= old.answer.size();
        }
    }
}

/// The middleware, around the API: serves cacheable anonymous reads and starts a new epoch
/// after each successful write.
pub async fn serve<E: Endpoint>(
    next: E,
    req: Request,
    reads: PublicReads,
) -> poem::Result<Response> {
    if req.method() != Method::GET {
        let response = next.call(req).await?.into_response();
        if response.status().is_success() {
            reads.invalidate().await;
        }
        return Ok(response);
    }
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION)
        && !req.headers().contains_key("x-api-key");
    if !anonymous {
        return Ok(next.call(req).await?.into_response());
    }
    let epoch = reads.epoch();
    let slice = reads.clock.now().timestamp().div_euclid(FRESH_FOR_SECS);
    let uri = req.original_uri();
    let key = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    if let Some(answer) = reads.kept(key, epoch, slice) {
        return Ok(answer.respond(&req).await);
    }
    if !cacheable(req.method(), uri.path()) {
        return Ok(next.call(req).await?.into_response());
    }
    let key = key.to_string();
    let flight = format!("public-reads:{}:{}:{slice}:{key}", epoch.0, epoch.1);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let accept_encoding = req.headers().get(header::ACCEPT_ENCODING).cloned();
    let cache = &reads.cache;
    let loaded = cache
        .single_flight(&flight, || async {
            let stored = match cache.shared_number(EPOCH_KEY).await {
                Some(shared) => {
                    let shared_key = format!("public-reads:{shared}:{slice}:{key}");
                    let ttl = Duration::from_secs(FRESH_FOR_SECS.unsigned_abs());
                    cache
                        .value_or_load(&shared_key, ttl, || load(&next, req))
                        .await?
                }
                None => load(&next, req).await?,
            };
            Ok::<_, Response>(Arc::new(Answer::new(stored)))
        })
        .await;
    match loaded {
        Ok(answer) => {
            reads.keep(key, epoch, slice, answer.clone());
            Ok(answer
                .answer(if_none_match.as_ref(), accept_encoding.as_ref())
                .await)
        }
        Err(uncached) => Ok(uncached),
    }
}

/// Whether the operation answering `method` on `path` is one of `OPERATIONS`.
fn cacheable(method: &Method, path: &str) -> bool {
    path.strip_prefix(contract::BASE_PATH)
        .and_then(|path| contract::operation_id(method, path))
        .is_some_and(|id| OPERATIONS.contains(&id))
}

/// Asks the operation itself; an answer that is not a plain `200` of text is passed on as
/// it is (`Err`), uncached.
async fn load<E: Endpoint>(next: &E, req: Request) -> Result<Stored, Response> {
    let response = match next.call(req).await {
        Ok(response) => response.into_response(),
        Err(err) => return Err(err.into_response()),
    };
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return Err(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = match body.into_bytes().await {
        Ok(bytes) => bytes,
        Err(err) => return Err(poem::Error::from(err).into_response()),
    };
    let text = match String::from_utf8(bytes.to_vec()) {
        Ok(text) if text.len() <= MAX_BODY => text,
        _ => return Err(Response::from_parts(parts, Body::from(bytes))),
    };
    let headers = parts
        .headers
        .iter()
        .filter(|(name, _)| *name != header::CONTENT_LENGTH)
        .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_string())))
        .collect();
    Ok(Stored {
        headers,
        body: text,
    })
}

impl Answer {
    fn new(stored: Stored) -> Self {
        let digest = hex::encode(&Sha256::digest(stored.body.as_bytes())[..16]);
        // A strong tag names one representation: each coding has its own.
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{digest}{suffix}\"")).expect("hex is a header value")
        };
        Self {
            etags: [etag(""), etag("-br"), etag("-gzip")],
            digest,
            headers: stored
                .headers
                .iter()
                .filter_map(|(name, value)| Some((name.parse().ok()?, value.parse().ok()?)))
                .collect(),
            plain: stored.body.into(),
            brotli: OnceCell::new(),
            gzip: OnceCell::new(),
        }
    }

    fn size(&self) -> usize {
        self.plain.len()
            + self.brotli.get().map_or(0, |b| b.len())
            + self.gzip.get().map_or(0, |b| b.len())
    }

    async fn respond(&self, req: &Request) -> Response {
        self.answer(
            req.headers().get(header::IF_NONE_MATCH),
            req.headers().get(header::ACCEPT_ENCODING),
        )
        .await
    }

    /// The answer for a client that sent these headers: a `304` when it holds this version,
    /// otherwise the body in the coding it takes best.
    async fn answer(
        &self,
        if_none_match: Option<&HeaderValue>,
        accept_encoding: Option<&HeaderValue>,
    ) -> Response {
        let form = match compression::accepted(accept_encoding) {
            Some(algo @ CompressionAlgo::BR) => Some((algo, &self.brotli, 1)),
            Some(algo @ CompressionAlgo::GZIP) => Some((algo, &self.gzip, 2)),
            _ => None,
        };
        let (body, coding, etag) = match form {
            Some((algo, cell, form)) => match self.compressed(cell, algo).await {
                Some(body) => (body, Some(coding_name(algo)), &self.etags[form]),
                None => (self.plain.clone(), None, &self.etags[0]),
            },
            None => (self.plain.clone(), None, &self.etags[0]),
        };
        let builder = Response::builder()
            .header(header::ETAG, etag.clone())
            .header(
                header::CACHE_CONTROL,
                HeaderValue::from_static(CACHE_CONTROL),
            );
        if if_none_match.is_some_and(|tags| holds(tags, &self.digest)) {
            return builder
                .header(header::VARY, "accept-encoding")
                .status(StatusCode::NOT_MODIFIED)
                .finish();
        }
        let builder = self.headers.iter().fold(builder, |b, (name, value)| {
            b.header(name.clone(), value.clone())
        });
        match coding {
            Some(coding) => builder.header(header::CONTENT_ENCODING, coding).body(body),
            None => builder.body(body),
        }
    }

    /// The body in `algo`'s coding, made once; `None` when it cannot be.
    async fn compressed(&self, cell: &OnceCell<Bytes>, algo: CompressionAlgo) -> Option<Bytes> {
        cell.get_or_try_init(|| async {
            Compress::new(Body::from(self.plain.clone()), algo)
                .with_quality(CompressionLevel::Precise(compression::QUALITY))
                .into_response()
                .into_body()
                .into_bytes()
                .await
        })
        .await
        .ok()
        .cloned()
    }
}

fn coding_name(algo: CompressionAlgo) -> &'static str {
    match algo {
        CompressionAlgo::BR => "br",
        CompressionAlgo::GZIP => "gzip",
        CompressionAlgo::DEFLATE => "deflate",
        CompressionAlgo::ZSTD => "zstd",
    }
}

/// Whether an `If-None-Match` list names this version in any coding (or is `*`).
fn holds(tags: &HeaderValue, digest: &str) -> bool {
    let Ok(tags) = tags.to_str() else {
        return false;
    };
    tags.split(',').map(str::trim).any(|tag| {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag == "*"
            || tag
                .trim_matches('"')
                .split('-')
                .next()
                .is_some_and(|d| d == digest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_names_the_version_in_any_coding() {
        let digest = "0123abcd";
        for held in [
            "\"0123abcd\"",
            "W/\"0123abcd-br\"",
            "\"other\", \"0123abcd-gzip\"",
            "*",
        ] {
            assert!(holds(&HeaderValue::from_static(held), digest), "{held}");
        }
        for other in ["\"0123abcde\"", "\"other\"", ""] {
            assert!(!holds(&HeaderValue::from_static(other), digest), "{other}");
        }
    }
}
