//! Argon2id password hashes. Hashing is deliberately slow, so it runs off the async workers.

use std::sync::OnceLock;

use anyhow::Context;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| anyhow::anyhow!("cannot hash a password: {err}"))
    })
    .await
    .context("password hashing task failed")?
}

/// Checks `password` against `stored`; with `None` (no such account) it checks against a dummy
/// hash, so a wrong login takes as long as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let stored = stored.as_deref().unwrap_or_else(|| dummy_hash());
        let parsed = PasswordHash::new(stored)
            .map_err(|err| anyhow::anyhow!("stored password hash is unreadable: {err}"))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(matches && stored != dummy_hash())
    })
    .await
    .context("password verification task failed")?
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
