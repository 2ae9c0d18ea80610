//! Limits on how often someone may do something, counted in the cache per subject (a client
//! address, a login from an address, an account) over a fixed window. With Redis resting the
//! cache counts in process, so a limit always holds, per instance at worst.

use std::{
    net::{IpAddr, Ipv4Addr},
    time::Duration,
};

use poem::web::RemoteAddr;

use crate::{
    cache::{Cache, CacheError},
    error::{Error, Result},
};

/// The client's address, the subject of the limits on what anyone may try.
pub fn client_address(remote: &RemoteAddr) -> IpAddr {
    remote
        .as_socket_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| addr.ip())
}

pub struct Limit {
    pub name: &'static str,
    pub max: u64,
    pub window: Duration,
    /// The problem's `code` past the limit.
    pub code: &'static str,
    /// What the refusal says, before the time left.
    pub detail: &'static str,
}

impl Limit {
    fn key(&self, subject: &str) -> String {
        format!("{}:{subject}", self.name)
    }

    /// Counts one for `subject`; past the limit, refuses with the time left.
    pub async fn count(&self, cache: &Cache, subject: &str) -> Result<()> {
        if cache.increment(&self.key(subject), self.window).await > self.max {
            return Err(self.refusal(cache, subject).await);
        }
        Ok(())
    }

    /// Refuses when `subject` is already at the limit, without counting.
    pub async fn check(&self, cache: &Cache, subject: &str) -> Result<()> {
        if cache.count(&self.key(subject)).await >= self.max {
            return Err(self.refusal(cache, subject).await);
        }
        Ok(())
    }

    pub async fn reset(&self, cache: &Cache, subject: &str) {
        match cache.delete(&self.key(subject)).await {
            // The failure that began the rest was logged once; the count in process is reset.
            Err(CacheError::Resting) | Ok(()) => {}
            Err(err) => tracing::warn!(error = %err, limit = self.name, "cannot reset a count"),
        }
    }

    async fn refusal(&self, cache: &Cache, subject: &str) -> Error {
        let retry_after_secs = cache
            .ttl(&self.key(subject))
            .await
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
