//! Limits on what anyone can try without an account, counted per client address (and per
//! login from an address), so that a stranger's guesses slow the stranger
//! down, not the account's owner on another device. Addresses are kept only as hashes.

use std::{net::IpAddr, time::Duration};

use crate::{auth::hash_secret, throttle::Limit};

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
