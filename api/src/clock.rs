//! Time enters the rules through a `Clock`, so tests can move it instead of sleeping.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};

#[derive(Clone)]
pub enum Clock {
    System,
    /// A clock that stands still until moved; for tests and deterministic demos.
    Manual(Arc<RwLock<DateTime<Utc>>>),
}

impl Clock {
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self::Manual(Arc::new(RwLock::new(start)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Manual(now) => *now.read().expect("clock lock poisoned"),
        }
    }

    /// Moves a manual clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        match self {
            Self::System => panic!("the system clock cannot be moved"),
            Self::Manual(now) => *now.write().expect("clock lock poisoned") += by,
        }
    }
}
