//! A few values an instance keeps for a moment, to spare a hot path a round trip, where
//! whoever uses a value verifies it where it counts (a stale one costs a retry, never a
//! wrong answer). Bounded in number and in age, so no traffic makes it grow.

use std::{
    collections::HashMap,
    hash::Hash,
    sync::Mutex,
    time::{Duration, Instant},
};

pub struct Recent<K, V> {
    kept: Mutex<HashMap<K, (Instant, V)>>,
    capacity: usize,
    fresh_for: Duration,
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    pub fn new(capacity: usize, fresh_for: Duration) -> Self {
        Self {
            kept: Mutex::default(),
            capacity,
            fresh_for,
        }
    }

    /// The value kept under `key`, unless it has aged out.
    pub fn get(&self, key: &K) -> Option<V> {
        let kept = self.kept.lock().expect("recent values lock poisoned");
        kept.get(key)
            .filter(|(since, _)| since.elapsed() < self.fresh_for)
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value` under `key`; when full, what has aged out goes first, then everything.
    pub fn keep(&self, key: K, value: V) {
        let mut kept = self.kept.lock().expect("recent values lock poisoned");
        if kept.len() >= self.capacity && !kept.contains_key(&key) {
            kept.retain(|_, (since, _)| since.elapsed() < self.fresh_for);
            if kept.len() >= self.capacity {
                kept.clear();
            }
        }
        kept.insert(key, (Instant::now(), value));
    }

    pub fn forget(&self, key: &K) {
        self.kept
            .lock()
            .expect("recent values lock poisoned")
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_kept_until_it_ages_out_or_is_forgotten() {
        let recent = Recent::new(2, Duration::from_millis(50));
        recent.keep("a", 1);
        assert_eq!(recent.get(&"a"), Some(1));
        recent.forget(&"a");
        assert_eq!(recent.get(&"a"), None);
        recent.keep("a", 2);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(recent.get(&"a"), None);
    }

    #[test]
    fn it_never_holds_more_than_its_capacity() {
        let recent = Recent::new(2, Duration::from_secs(60));
        recent.keep("a", 1);
        recent.keep("b", 2);
        recent.keep("a", 3);
        assert_eq!((recent.get(&"a"), recent.get(&"b")), (Some(3), Some(2)));
        recent.keep("c", 4);
        assert_eq!(recent.kept.lock().unwrap().len(), 1);
        assert_eq!(recent.get(&"c"), Some(4));
    }
}
