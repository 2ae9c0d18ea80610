//! Limits on what anyone can try without an account, counted in the cache per client
//! address (and per login from an address), so that a stranger's guesses slow the stranger
//! down, not the account's owner on another device. Addresses are kept only as hashes.

use std::{net::IpAddr, time::Duration};

use crate::{
    auth::hash_secret,
    cache::Cache,
    error::{Error, Result},
};

pub struct Limit {
    name: &'static str,
    max: u64,
    window: Duration,
    code: &'static str,
    detail: &'static str,
}

/// Logins tried for one account from one address, counted before the password is checked
/// (so parallel guesses count too) and forgotten after a success.
pub const LOGIN_ATTEMPTS: Limit = Limit {
    name: "login-attempts",
    max: 5,
    window: Duration::from_secs(15 * 60),
    code: "too_many_attempts",
    detail: "too many failed logins for this account from here",
};

/// Failed logins from one address, whatever the account: guesses sprayed over many accounts.
pub const LOGIN_FAILURES: Limit = Limit {
    name: "login-failures",
    max: 20,
    window: Duration::from_secs(15 * 60),
    code: "too_many_attempts",
    detail: "too many failed logins from here",
};

/// Accounts registered from one address.
pub const REGISTRATIONS: Limit = Limit {
    name: "registrations",
    max: 10,
    window: Duration::from_secs(60 * 60),
    code: "too_many_registrations",
    detail: "too many accounts registered from here",
};

/// Who is counted: a client address, or a login tried from one.
pub fn from(address: IpAddr) -> String {
    hash_secret(&address.to_string())[..24].to_string()
}

pub fn login_from(login: &str, address: IpAddr) -> String {
    hash_secret(&format!("{login}\u{0}{address}"))[..24].to_string()
}

impl Limit {
    fn key(&self, subject: &str) -> String {
        format!("{}:{subject}", self.name)
    }

    /// Counts one for `subject`; past the limit, refuses with the time left.
    pub async fn count(&self, cache: &Cache, subject: &str) -> Result<()> {
        match cache.increment(&self.key(subject), self.window).await {
            Ok(count) if count > self.max => Err(self.refusal(cache, subject).await),
            Ok(_) => Ok(()),
            Err(err) => {
                tracing::warn!(error = %err, limit = self.name, "cannot count; not limiting");
                Ok(())
            }
        }
    }

    /// Refuses when `subject` is already past the limit, without counting.
    pub async fn check(&self, cache: &Cache, subject: &str) -> Result<()> {
        match cache.count(&self.key(subject)).await {
            Ok(count) if count >= self.max => Err(self.refusal(cache, subject).await),
            _ => Ok(()),
        }
    }

    pub async fn reset(&self, cache: &Cache, subject: &str) {
        if let Err(err) = cache.delete(&self.key(subject)).await {
            tracing::warn!(error = %err, limit = self.name, "cannot reset a count");
        }
    }

    async fn refusal(&self, cache: &Cache, subject: &str) -> Error {
        let retry_after_secs = cache
            .ttl(&self.key(subject))
            .await
            .ok()
            .flatten()
            .unwrap_or(self.window.as_secs())
            .max(1);
        Error::TooManyRequests {
            code: self.code,
            detail: format!(
                "{}; try again in {} minutes",
                self.detail,
                retry_after_secs.div_ceil(60)
            ),
            retry_after_secs,
        }
    }
}
