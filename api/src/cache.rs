//! The `Cache` facade: Redis in production, an in-process map for the embedded default.
//! The database stays the source of truth; callers treat a cache failure as a miss.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use redis::{aio::ConnectionManager, AsyncCommands};

#[derive(Clone)]
pub enum Cache {
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
    writes_since_sweep: usize,
}

/// The in-process store sweeps expired entries every this many writes, bounding its size by
/// the live entries.
const SWEEP_EVERY: usize = 1024;

impl Cache {
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// Connects to Redis; fails when the server cannot be reached, so a misconfigured
    /// instance does not start.
    pub async fn redis(url: &str, prefix: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url)?;
        let conn = ConnectionManager::new(client).await?;
        Ok(Self::Redis {
            conn,
            prefix: prefix.to_string(),
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Redis { .. } => "redis",
            Self::Memory(_) => "memory",
        }
    }

    pub async fn delete(&self, key: &str) -> Result<(), CacheError> {
        match self {
            Self::Redis { conn, prefix } => Ok(conn.clone().del(format!("{prefix}{key}")).await?),
            Self::Memory(store) => {
                store
                    .lock()
                    .expect("cache lock poisoned")
                    .entries
                    .remove(key);
                Ok(())
            }
        }
    }

    /// Adds one to a counter that expires `ttl` after its first increment; returns the count.
    pub async fn increment(&self, key: &str, ttl: Duration) -> Result<u64, CacheError> {
        match self {
            Self::Redis { conn, prefix } => {
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
            Self::Memory(store) => {
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

    /// Seconds until `key` expires, if it exists.
    pub async fn ttl(&self, key: &str) -> Result<Option<u64>, CacheError> {
        match self {
            Self::Redis { conn, prefix } => {
                let secs: i64 = conn.clone().ttl(format!("{prefix}{key}")).await?;
                Ok(u64::try_from(secs).ok())
            }
            Self::Memory(store) => {
                let store = store.lock().expect("cache lock poisoned");
                let now = Instant::now();
                Ok(store
                    .entries
                    .get(key)
                    .filter(|(_, until)| *until > now)
                    .map(|(_, until)| (*until - now).as_secs()))
            }
        }
    }

    /// For `/readyz`.
    pub async fn ping(&self) -> Result<(), CacheError> {
        match self {
            Self::Redis { conn, .. } => {
                Ok(redis::cmd("PING").query_async(&mut conn.clone()).await?)
            }
            Self::Memory(_) => Ok(()),
        }
    }
}

impl MemoryStore {
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
