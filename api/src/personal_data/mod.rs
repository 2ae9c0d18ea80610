//! A person's rights over what the platform holds about them (PIPL Articles 45 and 47): a
//! copy of all of it, and its erasure with the account. Each area says what it holds and
//! how it forgets; this one gathers them in one answer and one transaction.

pub mod dto;
pub mod routes;
pub mod service;
