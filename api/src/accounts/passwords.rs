//! Argon2id password hashes. Hashing is deliberately slow and takes about 19 MiB each, and
//! anyone can ask for it (register, log in), so it is bounded: a few hashes run at once on
//! the blocking pool, a few more wait, and the rest are refused at once with `503 busy`.

use std::sync::OnceLock;

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// Callers that may wait for a slot, per slot: beyond them a wait would outlast a client's
/// patience anyway.
const WAITING_PER_SLOT: usize = 4;

pub struct Passwords {
    /// Hashes running or waiting; full means refuse at once.
    admitted: Semaphore,
    /// Hashes running.
    running: Semaphore,
}

impl Passwords {
    /// `slots` hashes at once (the number of cores is a good choice).
    pub fn new(slots: usize) -> Self {
        let slots = slots.max(1);
        Self {
            admitted: Semaphore::new(slots * (1 + WAITING_PER_SLOT)),
            running: Semaphore::new(slots),
        }
    }

    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|err| anyhow::anyhow!("cannot hash a password: {err}").into())
        })
        .await
    }

    /// Checks `password` against `stored`; with `None` (no such account) it checks against a
    /// dummy hash, so a wrong login takes as long as a wrong password.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool> {
        self.run(move || {
            let stored = stored.as_deref().unwrap_or_else(|| dummy_hash());
            let parsed = PasswordHash::new(stored)
                .map_err(|err| anyhow::anyhow!("stored password hash is unreadable: {err}"))?;
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(matches && stored != dummy_hash())
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _admitted = self
            .admitted
            .try_acquire()
            .map_err(|_| Error::Unavailable {
                code: "busy",
                detail: "too many logins and registrations at once; try again in a moment".into(),
                retry_after_secs: 1,
            })?;
        let _running = self.running.acquire().await.map_err(anyhow::Error::from)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|err| anyhow::anyhow!("password task failed: {err}"))?
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no such account", &salt)
            .expect("hashing a constant cannot fail")
            .to_string()
    })
}
