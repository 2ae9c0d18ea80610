//! Canyu's tables as sea-orm entities, one module per table.

pub mod api_key;
pub mod app_meta;
pub mod audit_entry;
pub mod department;
pub mod idempotency_key;
pub mod role_grant;
pub mod session;
pub mod user;
