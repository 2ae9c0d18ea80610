//! Argon2id password hashes. Hashing is deliberately slow and takes about 19 MiB each, and
//! anyone can ask for it (register, log in), so it is bounded: a few hashes run at once on
//! the blocking pool, each in working memory kept for its slot, a few more wait, and the rest
//! are refused at once with `503 busy`.

use std::sync::{Mutex, OnceLock};

use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use tokio::sync::Semaphore;

use crate::error::{Error, FieldCode, FieldError, Result};

/// Callers that may wait for a slot, per slot: beyond them a wait would outlast a client's
/// patience anyway.
const WAITING_PER_SLOT: usize = 4;

pub struct Passwords {
    /// Hashes running or waiting; full means refuse at once.
    admitted: Semaphore,
    /// Hashes running.
    running: Semaphore,
    /// Argon2's working memory, one per running hash, reused: allocated and freed on every
    /// hash, it would stay with the allocator of whichever blocking thread ran it, and a flood
    /// would grow the process by 19 MiB a thread.
    memory: Mutex<Vec<Vec<Block>>>,
}

impl Passwords {
    /// `slots` hashes at once (the number of cores is a good choice).
    pub fn new(slots: usize) -> Self {
        let slots = slots.max(1);
        Self {
            admitted: Semaphore::new(slots * (1 + WAITING_PER_SLOT)),
            running: Semaphore::new(slots),
            memory: Mutex::default(),
        }
    }

    /// A new hash of `password` (PHC string: Argon2id, its parameters, a random salt).
    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move |memory| {
            let salt = SaltString::generate(&mut OsRng);
            let params = Params::default();
            let hash = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params).map_err(anyhow::Error::msg)?,
                hash: Some(compute(&password, &salt.as_salt(), params, memory)?),
                salt: Some(salt.as_salt()),
            };
            Ok(hash.to_string())
        })
        .await
    }

    /// Checks `password` against `stored`. With `None` (no such account), or with a stored
    /// value that is no hash (`!`: an account that has no password), it checks against a
    /// dummy hash and answers no match, so a wrong login takes as long as a wrong password.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool> {
        self.run(move |memory| {
            let unreadable = |err| anyhow::anyhow!("stored password hash is unreadable: {err}");
            let (parsed, usable) = match stored.as_deref().map(PasswordHash::new) {
                Some(Ok(parsed)) => (parsed, true),
                _ => (PasswordHash::new(dummy_hash()).map_err(unreadable)?, false),
            };
            let params = Params::try_from(&parsed).map_err(unreadable)?;
            let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
                return Err(anyhow::anyhow!("stored password hash has no salt or hash").into());
            };
            // `Output` compares in constant time.
            let matches = compute(&password, &salt, params, memory)? == expected;
            Ok(matches && usable && stored.as_deref() != Some(dummy_hash()))
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T> + Send + 'static,
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
        let mut memory = self
            .memory
            .lock()
            .expect("memory lock")
            .pop()
            .unwrap_or_default();
        let (memory, result) = tokio::task::spawn_blocking(move || {
            let result = work(&mut memory);
            (memory, result)
        })
        .await
        .map_err(|err| anyhow::anyhow!("password task failed: {err}"))?;
        self.memory.lock().expect("memory lock").push(memory);
        result
    }
}

/// Argon2id of `password` with `salt` and `params`, in `memory` (grown to the size `params`
/// need once, then reused).
fn compute(
    password: &str,
    salt: &Salt<'_>,
    params: Params,
    memory: &mut Vec<Block>,
) -> Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt = salt
        .decode_b64(&mut salt_bytes)
        .map_err(anyhow::Error::msg)?;
    memory.resize(params.block_count(), Block::default());
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let output = Output::init_with(len, |out| {
        argon2
            .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..])
            .map_err(|_| argon2::password_hash::Error::Crypto)
    });
    Ok(output.map_err(anyhow::Error::msg)?)
}

/// Passwords people pick first, which any guesser tries first too.
const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "12341234",
    "11223344",
    "12344321",
    "147258369",
    "123123123",
    "1qaz2wsx",
    "qwertyui",
    "qwerty123",
    "password",
    "password1",
    "passw0rd",
    "iloveyou",
    "abcd1234",
    "abc12345",
    "a1234567",
    "asdfghjk",
    "zxcvbnm1",
    "woaini1314",
    "5201314520",
    "aa123456",
    "qq123456",
    "admin123",
    "welcome1",
    "11111111a",
    "1234qwer",
    "q1w2e3r4",
    "letmein1",
];

/// Refuses a password anyone would guess: a common one, or the login itself (or its digits
/// in a row), as an error on `field`.
pub fn check_strength(field: &str, password: &str, login: &str) -> Result<(), FieldError> {
    let lowered = password.trim().to_lowercase();
    let digits: String = login.chars().filter(char::is_ascii_digit).collect();
    let guessable = COMMON.contains(&lowered.as_str())
        || lowered == login.to_lowercase()
        || (!digits.is_empty() && lowered.contains(&digits))
        || lowered.chars().all(|c| lowered.starts_with(c));
    if guessable {
        let message = "this password is among the first anyone would guess; choose another";
        return Err(FieldError::new(field, FieldCode::TooCommon, message));
    }
    Ok(())
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no such account", &salt)
            .expect("hashing a constant cannot fail")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessable_passwords_are_refused() {
        for weak in [
            "12345678",
            "Password",
            "13812345678",
            "my13812345678",
            "aaaaaaaa",
        ] {
            assert!(
                check_strength("password", weak, "13812345678").is_err(),
                "{weak}"
            );
        }
        assert!(check_strength("password", "zhang@example.com", "zhang@example.com").is_err());
        assert!(check_strength("password", "correct horse battery", "13812345678").is_ok());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_reads_like_the_crates_own() {
        let passwords = Passwords::new(1);
        let stored = passwords.hash("correct horse".into()).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(passwords
            .verify("correct horse".into(), Some(stored.clone()))
            .await
            .unwrap());
        assert!(!passwords
            .verify("wrong horse".into(), Some(stored.clone()))
            .await
            .unwrap());
        assert!(!passwords
            .verify("correct horse".into(), None)
            .await
            .unwrap());
        // An account without a password ("!") matches nothing, and is no error.
        assert!(!passwords
            .verify("!".into(), Some("!".into()))
            .await
            .unwrap());
        // A hash made by the crate's own hasher (as stored before) still verifies.
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default()
            .hash_password(b"old one", &salt)
            .unwrap()
            .to_string();
        assert!(passwords.verify("old one".into(), Some(old)).await.unwrap());
    }
}
