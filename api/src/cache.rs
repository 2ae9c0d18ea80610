//! The `Cache` facade: Redis in production, an in-process map for the embedded default, each
//! behaving alike. The database stays the source of truth; callers treat a cache failure as
//! a miss.

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use redis::{aio::ConnectionManager, AsyncCommands, Script};

/// Counters kept together under one key (a Redis hash), e.g. a survey's figures.
pub type Counters = HashMap<String, i64>;

#[derive(Clone)]
pub struct Cache {
    backend: Backend,
    /// One rebuild of a key at a time in this process; the others wait for its result.
    rebuilding: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

#[derive(Clone)]
enum Backend {
    Redis {
        conn: ConnectionManager,
        prefix: String,
    },
    Memory(Arc<Mutex<MemoryStore>>),
}

#[derive(Debug, thiserror::Error)]
#[error("cache unavailable: {0}")]
pub struct CacheError(#[from] redis::RedisError);

#[derive(Default)]
pub struct MemoryStore {
    entries: HashMap<String, (String, Instant)>,
    counters: HashMap<String, Counters>,
    writes_since_sweep: usize,
}

/// Adds to several counters of a hash at once, only while the hash exists: a missing hash is
/// rebuilt whole from the database, which already holds what is being added.
const INCREMENT_EXISTING: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1";

/// A field every stored set of counters holds, so that an empty set exists in Redis too.
const BUILT: &str = "__built";

/// Writes a rebuilt hash unless another writer got there first.
const PUT_IF_ABSENT: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1";

/// The in-process store sweeps expired entries every this many writes, bounding its size by
/// the live entries.
const SWEEP_EVERY: usize = 1024;

impl Cache {
    fn with(backend: Backend) -> Self {
        Self {
            backend,
            rebuilding: Arc::default(),
        }
    }

    pub fn memory() -> Self {
        Self::with(Backend::Memory(Arc::default()))
    }

    /// Connects to Redis; fails when the server cannot be reached, so a misconfigured
    /// instance does not start.
    pub async fn redis(url: &str, prefix: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)?;
        let conn = ConnectionManager::new(client).await?;
        Ok(Self::with(Backend::Redis {
            conn,
            prefix: prefix.to_string(),
        }))
    }

    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Redis { .. } => "redis",
            Backend::Memory(_) => "memory",
        }
    }

    /// Removes `key`, whatever it holds (the next read of counters rebuilds them).
    pub async fn delete(&self, key: &str) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Redis { conn, prefix } => {
                Ok(conn.clone().del(format!("{prefix}{key}")).await?)
            }
            Backend::Memory(store) => {
                let mut store = store.lock().expect("cache lock poisoned");
                store.entries.remove(key);
                store.counters.remove(key);
                Ok(())
            }
        }
    }

    /// Adds one to a counter that expires `ttl` after its first increment; returns the count.
    pub async fn increment(&self, key: &str, ttl: Duration) -> Result<u64, CacheError> {
        match &self.backend {
            Backend::Redis { conn, prefix } => {
                let key = format!("{prefix}{key}");
                let (count,): (u64,) = redis::pipe()
                    .atomic()
                    .incr(&key, 1)
                    .cmd("EXPIRE")
                    .arg(&key)
                    .arg(ttl.as_secs().max(1))
                    .arg("NX")
                    .ignore()
                    .query_async(&mut conn.clone())
                    .await?;
                Ok(count)
            }
            Backend::Memory(store) => {
                let mut store = store.lock().expect("cache lock poisoned");
                let now = Instant::now();
                let (count, until) = match store.entries.get(key) {
                    Some((count, until)) if *until > now => {
                        (count.parse::<u64>().unwrap_or(0) + 1, *until)
                    }
                    _ => (1, now + ttl),
                };
                store.insert(key, count.to_string(), until - now);
                Ok(count)
            }
        }
    }

    /// The count `increment` has reached for `key` (0 when it has none).
    pub async fn count(&self, key: &str) -> Result<u64, CacheError> {
        match &self.backend {
            Backend::Redis { conn, prefix } => {
                let count: Option<u64> = conn.clone().get(format!("{prefix}{key}")).await?;
                Ok(count.unwrap_or(0))
            }
            Backend::Memory(store) => {
                let store = store.lock().expect("cache lock poisoned");
                Ok(store
                    .live(key)
                    .and_then(|(count, _)| count.parse().ok())
                    .unwrap_or(0))
            }
        }
    }

    /// Seconds until `key` expires, if it exists.
    pub async fn ttl(&self, key: &str) -> Result<Option<u64>, CacheError> {
        match &self.backend {
            Backend::Redis { conn, prefix } => {
                let secs: i64 = conn.clone().ttl(format!("{prefix}{key}")).await?;
                Ok(u64::try_from(secs).ok())
            }
            Backend::Memory(store) => {
                let store = store.lock().expect("cache lock poisoned");
                Ok(store.live(key).map(|(_, left)| left.as_secs()))
            }
        }
    }

    /// Adds `fields` (name, amount) to the counters under `key` in one atomic step, if they
    /// exist; returns whether they did. A missing set is not started here: the next read
    /// rebuilds it whole from the database.
    pub async fn increment_counters(
        &self,
        key: &str,
        fields: &[(&str, i64)],
    ) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Redis { conn, prefix } => {
                let script = Script::new(INCREMENT_EXISTING);
                let mut call = script.key(format!("{prefix}{key}"));
                for (field, amount) in fields {
                    call.arg(*field).arg(*amount);
                }
                let applied: i64 = call.invoke_async(&mut conn.clone()).await?;
                Ok(applied == 1)
            }
            Backend::Memory(store) => {
                let mut store = store.lock().expect("cache lock poisoned");
                let Some(counters) = store.counters.get_mut(key) else {
                    return Ok(false);
                };
                for (field, amount) in fields {
                    *counters.entry(field.to_string()).or_default() += amount;
                }
                Ok(true)
            }
        }
    }

    /// The counters under `key`, if they exist.
    pub async fn counters(&self, key: &str) -> Result<Option<Counters>, CacheError> {
        match &self.backend {
            Backend::Redis { conn, prefix } => {
                let mut found: Counters = conn.clone().hgetall(format!("{prefix}{key}")).await?;
                Ok(found.remove(BUILT).map(|_| found))
            }
            Backend::Memory(store) => Ok(store
                .lock()
                .expect("cache lock poisoned")
                .counters
                .get(key)
                .cloned()),
        }
    }

    /// The counters under `key`; when they are missing (never built, evicted, flushed), built
    /// by `load` from the database and stored. One rebuild at a time per key: callers arriving
    /// meanwhile wait for it and read its result instead of loading again.
    pub async fn counters_or_rebuild<F, Fut, E>(&self, key: &str, load: F) -> Result<Counters, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Counters, E>>,
    {
        if let Ok(Some(found)) = self.counters(key).await {
            return Ok(found);
        }
        let gate = self
            .rebuilding
            .lock()
            .expect("cache lock poisoned")
            .entry(key.to_string())
            .or_default()
            .clone();
        let _turn = gate.lock().await;
        if let Ok(Some(found)) = self.counters(key).await {
            return Ok(found);
        }
        let loaded = load().await?;
        if let Err(err) = self.put_counters_if_absent(key, &loaded).await {
            tracing::warn!(error = %err, "cannot store rebuilt counters; serving them uncached");
        }
        self.rebuilding
            .lock()
            .expect("cache lock poisoned")
            .remove(key);
        Ok(loaded)
    }

    async fn put_counters_if_absent(
        &self,
        key: &str,
        counters: &Counters,
    ) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Redis { conn, prefix } => {
                let script = Script::new(PUT_IF_ABSENT);
                let mut call = script.key(format!("{prefix}{key}"));
                call.arg(BUILT).arg(1);
                for (field, value) in counters {
                    call.arg(field).arg(*value);
                }
                let _: i64 = call.invoke_async(&mut conn.clone()).await?;
                Ok(())
            }
            Backend::Memory(store) => {
                store
                    .lock()
                    .expect("cache lock poisoned")
                    .counters
                    .entry(key.to_string())
                    .or_insert_with(|| counters.clone());
                Ok(())
            }
        }
    }

    /// For `/readyz`.
    pub async fn ping(&self) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Redis { conn, .. } => {
                Ok(redis::cmd("PING").query_async(&mut conn.clone()).await?)
            }
            Backend::Memory(_) => Ok(()),
        }
    }
}

impl MemoryStore {
    /// The value under `key` and the time it has left, unless it has expired.
    fn live(&self, key: &str) -> Option<(&str, Duration)> {
        let now = Instant::now();
        self.entries
            .get(key)
            .filter(|(_, until)| *until > now)
            .map(|(value, until)| (value.as_str(), *until - now))
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

    #[tokio::test]
    async fn counters_count_until_they_expire() {
        let cache = Cache::memory();
        assert_eq!(
            cache.increment("k", Duration::from_secs(60)).await.unwrap(),
            1
        );
        assert_eq!(
            cache.increment("k", Duration::ZERO).await.unwrap(),
            2,
            "the first expiry stands"
        );
        assert!(cache.ttl("k").await.unwrap().is_some_and(|secs| secs <= 60));
        assert_eq!(
            cache.increment("k", Duration::from_secs(60)).await.unwrap(),
            3
        );
        cache.delete("k").await.unwrap();
        assert_eq!(cache.ttl("k").await.unwrap(), None);
        assert_eq!(
            cache.increment("k", Duration::from_secs(60)).await.unwrap(),
            1,
            "deleted"
        );

        // A counter whose time is up starts again.
        assert_eq!(cache.increment("gone", Duration::ZERO).await.unwrap(), 1);
        assert_eq!(cache.ttl("gone").await.unwrap(), None);
        assert_eq!(
            cache
                .increment("gone", Duration::from_secs(60))
                .await
                .unwrap(),
            1
        );
    }
}
