//! The `Cache` facade: Redis in production, an in-process map for the embedded default, each
//! behaving alike. The database stays the source of truth; callers treat a cache failure as
//! a miss. It keeps throttling counts, sets of counters (a survey's figures, kept exact by a
//! watermark) and values loaded from the database (kept fresh by writers forgetting them).
//!
//! Redis is asked with a short timeout, and after it fails to answer it is left alone until a
//! probe in the background finds it answering, so a dead or hung server costs the requests
//! under way one short wait, and no request after them any. Meanwhile
//! the throttling counts (`increment`, `count`, `ttl`, `delete`) go on in process, per
//! instance; counters and values are loaded from the database, one load per key at a time.

use std::{
    any::Any,
    collections::{HashMap, HashSet},
    future::Future,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use redis::{
    aio::{ConnectionManager, ConnectionManagerConfig},
    AsyncCommands, RedisError, RedisResult, Script,
};
use serde::{de::DeserializeOwned, Serialize};
use tokio::sync::{watch, OnceCell};

/// Counters kept together under one key (a Redis hash), e.g. a survey's figures.
pub type Counters = HashMap<String, i64>;

/// How long one Redis command may take before it counts as a failure: long enough for a
/// loaded instance to get round to the answer, short beside a login's own time.
const REDIS_TIMEOUT: Duration = Duration::from_secs(1);
/// How often Redis is probed, in the background, after it failed.
const REDIS_PROBE_EVERY: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Cache {
    redis: Option<Redis>,
    /// The whole cache of the embedded default; with Redis, where counts go while it rests.
    memory: Arc<Mutex<MemoryStore>>,
    /// Loads under way in this process, by key: each an `Arc<OnceCell<T>>` that everyone
    /// missing the key meanwhile shares (see `single_flight`).
    flights: Arc<Mutex<HashMap<String, Arc<dyn Any + Send + Sync>>>>,
    /// Work under way in this process, by key (see `unless_running`).
    running: Arc<Mutex<HashSet<String>>>,
}

#[derive(Clone)]
struct Redis {
    conn: ConnectionManager,
    prefix: String,
    /// Set when Redis failed to answer, until a probe finds it answering again: meanwhile
    /// it is not asked.
    resting: Arc<AtomicBool>,
    /// How many rests have ended (see `Cache::returns`).
    returns: Arc<watch::Sender<u64>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache unavailable: {0}")]
    Redis(#[from] RedisError),
    #[error("cache unavailable: no answer within {REDIS_TIMEOUT:?}")]
    TimedOut,
    #[error("cache unavailable: resting after a failure")]
    Resting,
}

#[derive(Default)]
pub struct MemoryStore {
    entries: HashMap<String, (String, Instant)>,
    counters: HashMap<String, Counters>,
    writes_since_sweep: usize,
}

/// Adds the counts of change number ARGV[1] to a hash, only while the hash exists (a missing
/// hash is rebuilt whole from the database, which already holds the change) and only if it
/// is the next change after the hash's watermark, which it then advances: 0 missing, 1
/// applied (or applied before), 2 a change before it is missing.
const APPLY_IN_ORDER: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local seen = tonumber(redis.call('HGET', KEYS[1], '__watermark') or '0')
local seq = tonumber(ARGV[1])
if seq <= seen then return 1 end
if seq ~= seen + 1 then return 2 end
for i = 2, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[1], '__watermark', seq)
return 1";

/// The field of a set of counters that holds the number of the last change counted in it.
pub const WATERMARK: &str = "__watermark";

/// What became of a numbered change sent to a set of counters.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// Counted now, or before.
    Counted,
    /// The set does not exist: the next read rebuilds it whole.
    Missing,
    /// An earlier change was never counted (the set's watermark is behind): catch up first.
    Behind,
}

/// A field every stored set of counters holds, so that an empty set exists in Redis too.
const BUILT: &str = "__built";

/// Writes a rebuilt hash unless another writer got there first.
const PUT_IF_ABSENT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1";

/// Stores a loaded value unless its key was forgotten since the load began (its generation,
/// read before the load, has moved on).
const PUT_IF_CURRENT: &str = r"
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1";

/// How long the token of a key's last forgetting is kept: far longer than any load takes.
const GENERATION_KEPT: Duration = Duration::from_secs(24 * 60 * 60);

fn generation_key(key: &str) -> String {
    format!("{key}#generation")
}

/// The key in Redis: after the prefix, the key's base (up to a `#`) is a hash tag, so that a
/// value and its generation (`key#generation`), written together, live in the same slot of a
/// Redis Cluster.
fn redis_key(prefix: &str, key: &str) -> String {
    match key.split_once('#') {
        Some((base, rest)) => format!("{prefix}{{{base}}}#{rest}"),
        None => format!("{prefix}{{{key}}}"),
    }
}

/// The in-process store sweeps expired entries every this many writes, bounding its size by
/// the live entries.
const SWEEP_EVERY: usize = 1024;

impl Cache {
    pub fn memory() -> Self {
        Self {
            redis: None,
            memory: Arc::default(),
            flights: Arc::default(),
            running: Arc::default(),
        }
    }

    /// Connects to Redis; fails when the server cannot be reached, so a misconfigured
    /// instance does not start.
    pub async fn redis(url: &str, prefix: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_with_config(client, config).await?;
        Ok(Self {
            redis: Some(Redis {
                conn,
                prefix: prefix.to_string(),
                resting: Arc::default(),
                returns: Arc::new(watch::Sender::new(0)),
            }),
            ..Self::memory()
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self.redis {
            Some(_) => "redis",
            None => "memory",
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, MemoryStore> {
        self.memory.lock().expect("cache lock poisoned")
    }

    /// Removes `key`, whatever it holds (the next read of counters rebuilds them).
    pub async fn delete(&self, key: &str) -> Result<(), CacheError> {
        self.store().remove(key);
        match &self.redis {
            Some(redis) => {
                let key = redis.key(key);
                redis
                    .run(|mut conn| async move { conn.del(key).await })
                    .await
            }
            None => Ok(()),
        }
    }

    /// Adds one to a counter that expires `ttl` after its first increment; returns the count.
    pub async fn increment(&self, key: &str, ttl: Duration) -> u64 {
        if let Some(redis) = &self.redis {
            let full = redis.key(key);
            let counted = redis
                .run(|mut conn| async move {
                    let (count,): (u64,) = redis::pipe()
                        .atomic()
                        .incr(&full, 1)
                        .cmd("EXPIRE")
                        .arg(&full)
                        .arg(ttl.as_secs().max(1))
                        .arg("NX")
                        .ignore()
                        .query_async(&mut conn)
                        .await?;
                    Ok(count)
                })
                .await;
            if let Ok(count) = counted {
                return count;
            }
        }
        self.store().increment(key, ttl)
    }

    /// The count `increment` has reached for `key` (0 when it has none).
    pub async fn count(&self, key: &str) -> u64 {
        if let Some(redis) = &self.redis {
            let full = redis.key(key);
            let counted = redis
                .run(|mut conn| async move { conn.get::<_, Option<u64>>(full).await })
                .await;
            if let Ok(count) = counted {
                return count.unwrap_or(0);
            }
        }
        self.store()
            .live(key)
            .and_then(|(count, _)| count.parse().ok())
            .unwrap_or(0)
    }

    /// Seconds until `key` expires, if it exists.
    pub async fn ttl(&self, key: &str) -> Option<u64> {
        if let Some(redis) = &self.redis {
            let full = redis.key(key);
            let secs = redis
                .run(|mut conn| async move { conn.ttl::<_, i64>(full).await })
                .await;
            if let Ok(secs) = secs {
                return u64::try_from(secs).ok();
            }
        }
        self.store().live(key).map(|(_, left)| left.as_secs())
    }

    /// Counts change number `seq` (`fields`: name, amount) into the counters under `key`, in
    /// one atomic step with their watermark, if they exist and it is the next change.
    pub async fn count_in_order(
        &self,
        key: &str,
        seq: i64,
        fields: &[(String, i64)],
    ) -> Result<Applied, CacheError> {
        let Some(redis) = &self.redis else {
            return Ok(self.store().count_in_order(key, seq, fields));
        };
        let script = Script::new(APPLY_IN_ORDER);
        let mut call = script.key(redis.key(key));
        call.arg(seq);
        for (field, amount) in fields {
            call.arg(field).arg(*amount);
        }
        let outcome: i64 = redis
            .run(|mut conn| async move { call.invoke_async(&mut conn).await })
            .await?;
        Ok(match outcome {
            0 => Applied::Missing,
            2 => Applied::Behind,
            _ => Applied::Counted,
        })
    }

    /// The counters under `key`, if they exist.
    pub async fn counters(&self, key: &str) -> Result<Option<Counters>, CacheError> {
        let Some(redis) = &self.redis else {
            return Ok(self.store().counters.get(key).cloned());
        };
        let full = redis.key(key);
        let mut found: Counters = redis
            .run(|mut conn| async move { conn.hgetall(full).await })
            .await?;
        Ok(found.remove(BUILT).map(|_| found))
    }

    /// The counters under `key`; when they are missing (never built, evicted, flushed), built
    /// by `load` from the database and stored. One rebuild at a time per key: callers arriving
    /// meanwhile share its result instead of loading again, also while Redis is unreachable.
    pub async fn counters_or_rebuild<F, Fut, E>(&self, key: &str, load: F) -> Result<Counters, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Counters, E>>,
    {
        if let Ok(Some(found)) = self.counters(key).await {
            return Ok(found);
        }
        self.single_flight(key, || async {
            // Built by a flight that landed since this reader missed?
            if let Ok(Some(found)) = self.counters(key).await {
                return Ok(found);
            }
            let loaded = load().await?;
            if let Err(err) = self.put_counters_if_absent(key, &loaded).await {
                tracing::debug!(error = %err, "cannot store rebuilt counters; serving them uncached");
            }
            Ok(loaded)
        })
        .await
    }

    /// The value under `key`; when it is missing or expired, loaded by `load` and kept for
    /// `ttl`, one load at a time per key as for counters. A writer that changes what it holds
    /// calls `forget` after committing; a load that raced the write (it read the database
    /// before the commit) then does not store what it read.
    pub async fn value_or_load<T, F, Fut, E>(
        &self,
        key: &str,
        ttl: Duration,
        load: F,
    ) -> Result<T, E>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(found) = self.value(key).await {
            return Ok(found);
        }
        self.single_flight(key, || async {
            if let Some(found) = self.value(key).await {
                return Ok(found);
            }
            let generation = self.generation(key).await;
            let loaded = load().await?;
            if let Some(generation) = generation {
                let json = serde_json::to_string(&loaded).expect("cached values serialise");
                if let Err(err) = self.put_value_if_current(key, generation, json, ttl).await {
                    tracing::debug!(error = %err, "cannot store a loaded value; serving it uncached");
                }
            }
            Ok(loaded)
        })
        .await
    }

    /// Drops the value under `key` so that the next read loads it afresh, and keeps any load
    /// under way (here or on another instance) from storing what it read before.
    pub async fn forget(&self, key: &str) -> Result<(), CacheError> {
        self.flights
            .lock()
            .expect("cache lock poisoned")
            .remove(key);
        let generation_key = generation_key(key);
        // A fresh random generation: one that expired or was evicted meanwhile cannot come
        // back equal to what a loader read, as a count could.
        let generation = uuid::Uuid::new_v4().simple().to_string();
        let Some(redis) = &self.redis else {
            let mut store = self.store();
            store.insert(&generation_key, generation, GENERATION_KEPT);
            store.remove(key);
            return Ok(());
        };
        let (full, generation_key) = (redis.key(key), redis.key(&generation_key));
        let kept = u64::try_from(GENERATION_KEPT.as_millis()).unwrap_or(u64::MAX);
        redis
            .run(|mut conn| async move {
                redis::pipe()
                    .atomic()
                    .pset_ex(&generation_key, generation, kept)
                    .ignore()
                    .del(&full)
                    .ignore()
                    .query_async::<()>(&mut conn)
                    .await
            })
            .await
    }

    async fn value<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let json = match &self.redis {
            Some(redis) => {
                let full = redis.key(key);
                redis
                    .run(|mut conn| async move { conn.get::<_, Option<String>>(full).await })
                    .await
                    .ok()
                    .flatten()?
            }
            None => self.store().live(key)?.0.to_string(),
        };
        // A value stored by an older release that no longer reads is a miss.
        serde_json::from_str(&json).ok()
    }

    /// The token of `key`'s last forgetting ("0": none within `GENERATION_KEPT`); `None` when
    /// that cannot be told, and a loaded value must not be stored.
    async fn generation(&self, key: &str) -> Option<String> {
        let generation_key = generation_key(key);
        let Some(redis) = &self.redis else {
            let store = self.store();
            return Some(
                store
                    .live(&generation_key)
                    .map_or("0", |(n, _)| n)
                    .to_string(),
            );
        };
        let full = redis.key(&generation_key);
        redis
            .run(|mut conn| async move { conn.get::<_, Option<String>>(full).await })
            .await
            .ok()
            .map(|found| found.unwrap_or_else(|| "0".into()))
    }

    async fn put_value_if_current(
        &self,
        key: &str,
        generation: String,
        json: String,
        ttl: Duration,
    ) -> Result<(), CacheError> {
        let generation_key = generation_key(key);
        let Some(redis) = &self.redis else {
            let mut store = self.store();
            if store.live(&generation_key).map_or("0", |(n, _)| n) == generation {
                store.insert(key, json, ttl);
            }
            return Ok(());
        };
        let script = Script::new(PUT_IF_CURRENT);
        let mut call = script.key(redis.key(key));
        call.key(redis.key(&generation_key))
            .arg(generation)
            .arg(json)
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1));
        redis
            .run(|mut conn| async move { call.invoke_async::<i64>(&mut conn).await })
            .await?;
        Ok(())
    }

    /// Runs `load` unless a load of `key` is already under way in this process, in which case
    /// its result is awaited and shared: a miss costs one load however many readers find it
    /// (a load that fails is tried again by the next reader waiting).
    pub async fn single_flight<T, F, Fut, E>(&self, key: &str, load: F) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let flight: Arc<dyn Any + Send + Sync> = self
            .flights
            .lock()
            .expect("cache lock poisoned")
            .entry(key.to_string())
            .or_insert_with(|| Arc::new(OnceCell::<T>::new()))
            .clone();
        let cell = flight
            .clone()
            .downcast::<OnceCell<T>>()
            .expect("a key is loaded as one type");
        let result = cell.get_or_try_init(load).await.cloned();
        // Once landed, the flight is retired: the next miss loads afresh.
        let mut flights = self.flights.lock().expect("cache lock poisoned");
        if flights
            .get(key)
            .is_some_and(|current| Arc::ptr_eq(current, &flight))
        {
            flights.remove(key);
        }
        result
    }

    async fn put_counters_if_absent(
        &self,
        key: &str,
        counters: &Counters,
    ) -> Result<(), CacheError> {
        let Some(redis) = &self.redis else {
            self.store()
                .counters
                .entry(key.to_string())
                .or_insert_with(|| counters.clone());
            return Ok(());
        };
        let script = Script::new(PUT_IF_ABSENT);
        let mut call = script.key(redis.key(key));
        call.arg(BUILT).arg(1);
        for (field, value) in counters {
            call.arg(field).arg(*value);
        }
        redis
            .run(|mut conn| async move { call.invoke_async::<i64>(&mut conn).await })
            .await?;
        Ok(())
    }

    /// Runs `work` unless work under `key` is already under way in this process, which then
    /// does it for everyone (a catch-up covers whatever arrived before it ends).
    pub async fn unless_running<T>(&self, key: &str, work: impl Future<Output = T>) -> Option<T> {
        struct Running<'a>(&'a Mutex<HashSet<String>>, String);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.lock().expect("cache lock poisoned").remove(&self.1);
            }
        }
        if !self
            .running
            .lock()
            .expect("cache lock poisoned")
            .insert(key.to_string())
        {
            return None;
        }
        let _running = Running(&self.running, key.to_string());
        Some(work.await)
    }

    /// A number every instance shares (Redis only): `None` without Redis, or when it does
    /// not answer; 0 before the first `advance`.
    pub async fn shared_number(&self, key: &str) -> Option<i64> {
        let redis = self.redis.as_ref()?;
        let full = redis.key(key);
        redis
            .run(|mut conn| async move { conn.get::<_, Option<i64>>(full).await })
            .await
            .ok()
            .map(Option::unwrap_or_default)
    }

    /// Adds one to a shared number (see `shared_number`); without Redis, nothing.
    pub async fn advance(&self, key: &str) -> Result<(), CacheError> {
        let Some(redis) = &self.redis else {
            return Ok(());
        };
        let full = redis.key(key);
        redis
            .run(|mut conn| async move { conn.incr::<_, _, ()>(full, 1).await })
            .await
    }

    /// Changes each time Redis answers again after a rest, for whoever must bring up to date
    /// what Redis missed meanwhile; without Redis it closes at once.
    pub fn returns(&self) -> watch::Receiver<u64> {
        match &self.redis {
            Some(redis) => redis.returns.subscribe(),
            None => watch::channel(0).1,
        }
    }

    /// For `/readyz`: whether Redis answers now (a resting Redis does not).
    pub async fn ping(&self) -> Result<(), CacheError> {
        match &self.redis {
            Some(redis) => redis
                .run(
                    |mut conn| async move { redis::cmd("PING").query_async::<()>(&mut conn).await },
                )
                .await,
            None => Ok(()),
        }
    }
}

impl Redis {
    fn key(&self, key: &str) -> String {
        redis_key(&self.prefix, key)
    }

    /// Runs one command, unless Redis is resting; a connection failure or a late answer
    /// starts a rest, which lasts until a probe in the background finds Redis answering.
    async fn run<T, F, Fut>(&self, command: F) -> Result<T, CacheError>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        if self.resting.load(Ordering::Acquire) {
            return Err(CacheError::Resting);
        }
        let failure = match tokio::time::timeout(REDIS_TIMEOUT, command(self.conn.clone())).await {
            Ok(Ok(answer)) => return Ok(answer),
            Ok(Err(err)) if !unreachable(&err) => return Err(err.into()),
            Ok(Err(err)) => CacheError::Redis(err),
            Err(_) => CacheError::TimedOut,
        };
        if !self.resting.swap(true, Ordering::AcqRel) {
            tracing::warn!(error = %failure, "Redis failed; counting in process until it answers again");
            self.probe_until_it_answers();
        }
        Err(failure)
    }

    /// Asks Redis every `REDIS_PROBE_EVERY` until it answers, then ends the rest: no request
    /// waits on a Redis that is down or hung.
    fn probe_until_it_answers(&self) {
        let redis = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(REDIS_PROBE_EVERY).await;
                let mut conn = redis.conn.clone();
                let ping = redis::cmd("PING");
                let answer = tokio::time::timeout(REDIS_TIMEOUT, ping.query_async::<()>(&mut conn));
                if let Ok(Ok(())) = answer.await {
                    tracing::info!("Redis answers again");
                    redis.resting.store(false, Ordering::Release);
                    redis.returns.send_modify(|rests| *rests += 1);
                    return;
                }
            }
        });
    }
}

fn unreachable(err: &RedisError) -> bool {
    err.is_io_error()
        || err.is_connection_refusal()
        || err.is_connection_dropped()
        || err.is_timeout()
}

impl MemoryStore {
    /// `APPLY_IN_ORDER` in process.
    fn count_in_order(&mut self, key: &str, seq: i64, fields: &[(String, i64)]) -> Applied {
        let Some(counters) = self.counters.get_mut(key) else {
            return Applied::Missing;
        };
        let seen = counters.get(WATERMARK).copied().unwrap_or(0);
        if seq <= seen {
            return Applied::Counted;
        }
        if seq != seen + 1 {
            return Applied::Behind;
        }
        for (field, amount) in fields {
            *counters.entry(field.clone()).or_default() += amount;
        }
        counters.insert(WATERMARK.to_string(), seq);
        Applied::Counted
    }

    /// The value under `key` and the time it has left, unless it has expired.
    fn live(&self, key: &str) -> Option<(&str, Duration)> {
        let now = Instant::now();
        self.entries
            .get(key)
            .filter(|(_, until)| *until > now)
            .map(|(value, until)| (value.as_str(), *until - now))
    }

    fn increment(&mut self, key: &str, ttl: Duration) -> u64 {
        let now = Instant::now();
        let (count, until) = match self.live(key) {
            Some((count, left)) => (count.parse::<u64>().unwrap_or(0) + 1, now + left),
            None => (1, now + ttl),
        };
        self.insert(key, count.to_string(), until - now);
        count
    }

    fn remove(&mut self, key: &str) {
        self.entries.remove(key);
        self.counters.remove(key);
    }

    fn insert(&mut self, key: &str, value: String, ttl: Duration) {
        let now = Instant::now();
        self.entries.insert(key.to_string(), (value, now + ttl));
        self.writes_since_sweep += 1;
        if self.writes_since_sweep >= SWEEP_EVERY {
            self.entries.retain(|_, (_, until)| *until > now);
            self.writes_since_sweep = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_and_its_generation_share_a_cluster_slot() {
        let value = redis_key("canyu:", "survey:42");
        assert_eq!(value, "canyu:{survey:42}");
        assert_eq!(
            redis_key("canyu:", &generation_key("survey:42")),
            "canyu:{survey:42}#generation"
        );
    }

    #[tokio::test]
    async fn counters_count_until_they_expire() {
        let cache = Cache::memory();
        assert_eq!(cache.increment("k", Duration::from_secs(60)).await, 1);
        assert_eq!(
            cache.increment("k", Duration::ZERO).await,
            2,
            "the first expiry stands"
        );
        assert!(cache.ttl("k").await.is_some_and(|secs| secs <= 60));
        assert_eq!(cache.increment("k", Duration::from_secs(60)).await, 3);
        cache.delete("k").await.unwrap();
        assert_eq!(cache.ttl("k").await, None);
        assert_eq!(
            cache.increment("k", Duration::from_secs(60)).await,
            1,
            "deleted"
        );

        // A counter whose time is up starts again.
        assert_eq!(cache.increment("gone", Duration::ZERO).await, 1);
        assert_eq!(cache.ttl("gone").await, None);
        assert_eq!(cache.increment("gone", Duration::from_secs(60)).await, 1);
    }
}
